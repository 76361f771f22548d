/* sluice-retry-budget.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-retry"

#include "config.h"

#include "sluice-retry-budget.h"

/* Retries across the whole engine are limited to a fraction of the
 * requests over a sliding window (plus a small allowance so a quiet engine
 * can still retry), so a full outage adds at most that fraction of traffic
 * instead of multiplying it by the attempts per request. Per-second buckets
 * with running sums: O(1) per call, exact to the second. */

#define MAX_WINDOW_S 3600

struct _SluiceRetryBudget
{
  GObject      parent_instance;

  SluiceClock *clock;
  double       ratio;
  guint        window_s;
  guint        min_retries;
  gint64      *bucket_second;
  guint       *bucket_requests;
  guint       *bucket_retries;
  guint        sum_requests;
  guint        sum_retries;
  gint64       last_second;
};

G_DEFINE_FINAL_TYPE (SluiceRetryBudget, sluice_retry_budget, G_TYPE_OBJECT)

static void
sluice_retry_budget_finalize (GObject *object)
{
  SluiceRetryBudget *self = SLUICE_RETRY_BUDGET (object);

  g_clear_object (&self->clock);
  g_free (self->bucket_second);
  g_free (self->bucket_requests);
  g_free (self->bucket_retries);

  G_OBJECT_CLASS (sluice_retry_budget_parent_class)->finalize (object);
}

static void
sluice_retry_budget_class_init (SluiceRetryBudgetClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sluice_retry_budget_finalize;
}

static void
sluice_retry_budget_init (SluiceRetryBudget *self)
{
}

SluiceRetryBudget *
sluice_retry_budget_new (SluiceClock *clock)
{
  SluiceRetryBudget *self = g_object_new (SLUICE_TYPE_RETRY_BUDGET, NULL);

  self->clock = g_object_ref (clock);
  sluice_retry_budget_configure (self, 0.1, 60, 3);
  return self;
}

/**
 * sluice_retry_budget_configure:
 * @ratio: retries allowed per request over the window
 * @window_s: the window's length
 * @min_retries: retries always allowed per window, however few requests
 *
 * Takes new settings; the window starts empty.
 */
void
sluice_retry_budget_configure (SluiceRetryBudget *self,
                               double             ratio,
                               guint              window_s,
                               guint              min_retries)
{
  g_return_if_fail (SLUICE_IS_RETRY_BUDGET (self));

  window_s = CLAMP (window_s, 1, MAX_WINDOW_S);
  if (self->window_s != window_s)
    {
      g_free (self->bucket_second);
      g_free (self->bucket_requests);
      g_free (self->bucket_retries);
      self->bucket_second = g_new0 (gint64, window_s);
      self->bucket_requests = g_new0 (guint, window_s);
      self->bucket_retries = g_new0 (guint, window_s);
      self->sum_requests = self->sum_retries = 0;
      self->window_s = window_s;
    }
  self->ratio = ratio;
  self->min_retries = min_retries;
}

/* Drops the buckets that left the window since the last call. */
static guint
advance (SluiceRetryBudget *self)
{
  gint64 second = sluice_clock_monotonic_us (self->clock) / G_USEC_PER_SEC;
  guint slot = (guint) (second % self->window_s);

  if (second != self->last_second)
    {
      gint64 from = MAX (self->last_second + 1, second - self->window_s + 1);

      for (gint64 s = from; s <= second; s++)
        {
          guint i = (guint) (s % self->window_s);

          self->sum_requests -= self->bucket_requests[i];
          self->sum_retries -= self->bucket_retries[i];
          self->bucket_requests[i] = self->bucket_retries[i] = 0;
          self->bucket_second[i] = s;
        }
      self->last_second = second;
    }
  return slot;
}

void
sluice_retry_budget_record_request (SluiceRetryBudget *self)
{
  guint slot;

  g_return_if_fail (SLUICE_IS_RETRY_BUDGET (self));

  slot = advance (self);
  self->bucket_requests[slot]++;
  self->sum_requests++;
}

/**
 * sluice_retry_budget_try_acquire:
 *
 * Returns: %TRUE, counting one retry, when the budget allows it
 */
gboolean
sluice_retry_budget_try_acquire (SluiceRetryBudget *self)
{
  guint slot;

  g_return_val_if_fail (SLUICE_IS_RETRY_BUDGET (self), FALSE);

  slot = advance (self);
  if (self->sum_retries + 1 > self->ratio * self->sum_requests + self->min_retries)
    return FALSE;
  self->bucket_retries[slot]++;
  self->sum_retries++;
  return TRUE;
}

void
sluice_retry_budget_get_counts (SluiceRetryBudget *self,
                                guint             *requests,
                                guint             *retries)
{
  g_return_if_fail (SLUICE_IS_RETRY_BUDGET (self));

  advance (self);
  *requests = self->sum_requests;
  *retries = self->sum_retries;
}
