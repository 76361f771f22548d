/* sluice-metrics.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-metrics"

#include "config.h"

#include <string.h>

#include "sluice-histogram.h"
#include "sluice-metrics.h"
#include "sluice-snapshot-private.h"

/* Counters since start plus a one-minute window, from which each snapshot
 * computes rates and percentiles. The window is a slot a second: request
 * and error counts and a histogram of the successful latencies (the
 * observer's HDR buckets, within 1/64), so recording costs the same at any
 * rate and a snapshot merges sixty histograms instead of sorting every
 * sample of the minute. Only the engine's thread writes here; snapshots
 * carry copies out. */

#define WINDOW_S SLUICE_SNAPSHOT_HISTORY

typedef struct
{
  gint64           second[WINDOW_S];   /* the second each slot holds */
  guint32          n_ok[WINDOW_S];
  guint32          n_errors[WINDOW_S];
  SluiceHistogram *ok[WINDOW_S];       /* NULL until used */
} Window;

typedef struct
{
  char             *model;
  char             *provider;
  guint64           calls;
  guint64           errors;
  gint64            tokens_in;
  gint64            tokens_out;
  double            cost_usd;
  SluiceErrorClass  last_error;
  Window            window;
} ModelCounters;

struct _SluiceMetrics
{
  GObject               parent_instance;

  SluiceClock          *clock;
  SluiceSnapshotTotals  totals;
  Window                window;         /* every request */
  GHashTable           *models;        /* name -> ModelCounters */
  GPtrArray            *model_order;   /* ModelCounters, first seen first */
  GHashTable           *policies;      /* task -> guint64[2]: lookups, hits */
  guint64               sequence;
  gboolean              dirty;
  gint64                day_start_us;
  gint64                day_end_us;     /* the next local midnight */
};

G_DEFINE_FINAL_TYPE (SluiceMetrics, sluice_metrics, G_TYPE_OBJECT)

static void
window_clear (Window *window)
{
  for (guint i = 0; i < WINDOW_S; i++)
    g_clear_pointer (&window->ok[i], sluice_histogram_free);
}

static void
model_counters_free (gpointer data)
{
  ModelCounters *mc = data;

  g_free (mc->model);
  g_free (mc->provider);
  window_clear (&mc->window);
  g_free (mc);
}

static void
sluice_metrics_finalize (GObject *object)
{
  SluiceMetrics *self = SLUICE_METRICS (object);

  g_clear_object (&self->clock);
  window_clear (&self->window);
  g_clear_pointer (&self->model_order, g_ptr_array_unref);
  g_clear_pointer (&self->models, g_hash_table_unref);
  g_clear_pointer (&self->policies, g_hash_table_unref);

  G_OBJECT_CLASS (sluice_metrics_parent_class)->finalize (object);
}

static void
sluice_metrics_class_init (SluiceMetricsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sluice_metrics_finalize;
}

static void
sluice_metrics_init (SluiceMetrics *self)
{
  self->models = g_hash_table_new (g_str_hash, g_str_equal);
  self->model_order = g_ptr_array_new_with_free_func (model_counters_free);
  self->policies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->dirty = TRUE;
}

static gint64
local_midnight_us (gint64 now_us)
{
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_local (now_us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) midnight = g_date_time_new_local (g_date_time_get_year (now),
                                                         g_date_time_get_month (now),
                                                         g_date_time_get_day_of_month (now),
                                                         0, 0, 0);

  return g_date_time_to_unix (midnight) * G_USEC_PER_SEC;
}

/* A local day lasts 23 to 25 hours: the midnight of the day 36 hours on. */
static gint64
next_midnight_us (gint64 midnight_us)
{
  return local_midnight_us (midnight_us + (gint64) 36 * 3600 * G_USEC_PER_SEC);
}

SluiceMetrics *
sluice_metrics_new (SluiceClock *clock)
{
  SluiceMetrics *self = g_object_new (SLUICE_TYPE_METRICS, NULL);

  self->clock = g_object_ref (clock);
  self->day_start_us = local_midnight_us (sluice_clock_now_us (clock));
  self->day_end_us = next_midnight_us (self->day_start_us);
  return self;
}

static void
window_add (Window   *window,
            gint64    now_us,
            gint64    latency_us,
            gboolean  ok)
{
  gint64 second = now_us / G_USEC_PER_SEC;
  guint i = (guint) (((second % WINDOW_S) + WINDOW_S) % WINDOW_S);

  if (window->second[i] != second)
    {
      window->second[i] = second;
      window->n_ok[i] = window->n_errors[i] = 0;
      if (window->ok[i] != NULL)
        sluice_histogram_reset (window->ok[i]);
    }
  if (!ok)
    {
      window->n_errors[i]++;
      return;
    }
  window->n_ok[i]++;
  if (window->ok[i] == NULL)
    window->ok[i] = sluice_histogram_new ();
  sluice_histogram_record (window->ok[i], latency_us);
}

/* Whether slot @i holds one of the last WINDOW_S seconds before @now_us. */
static inline gboolean
window_holds (const Window *window,
              guint         i,
              gint64        now_us)
{
  gint64 second = now_us / G_USEC_PER_SEC;

  return (window->n_ok[i] > 0 || window->n_errors[i] > 0) &&
         window->second[i] > second - WINDOW_S && window->second[i] <= second;
}

static guint64
window_count (const Window *window,
              gint64        now_us)
{
  guint64 n = 0;

  for (guint i = 0; i < WINDOW_S; i++)
    if (window_holds (window, i, now_us))
      n += window->n_ok[i] + window->n_errors[i];
  return n;
}

/* Every request lands here: the local day's bounds are worked out only
 * when the clock leaves them, not per request (a GDateTime in the local
 * zone costs tens of microseconds). */
static void
roll_day (SluiceMetrics *self,
          gint64         now_us)
{
  gint64 midnight;

  if (now_us >= self->day_start_us && now_us < self->day_end_us)
    return;

  midnight = local_midnight_us (now_us);
  if (midnight != self->day_start_us)
    {
      self->day_start_us = midnight;
      self->totals.cost_today_usd = 0;
    }
  self->day_end_us = next_midnight_us (midnight);
}

void
sluice_metrics_request_started (SluiceMetrics *self)
{
  g_return_if_fail (SLUICE_IS_METRICS (self));

  self->totals.in_flight++;
  self->dirty = TRUE;
}

/* Requests started and not yet recorded. */
guint
sluice_metrics_get_in_flight (SluiceMetrics *self)
{
  g_return_val_if_fail (SLUICE_IS_METRICS (self), 0);

  return self->totals.in_flight;
}

void
sluice_metrics_record_request (SluiceMetrics  *self,
                               SluiceResponse *response)
{
  gint64 now = sluice_clock_now_us (self->clock);
  SluiceRequestStatus status;
  SluiceCacheStatus cache;
  const SluiceUsage *usage;

  g_return_if_fail (SLUICE_IS_METRICS (self));

  roll_day (self, now);
  status = sluice_response_get_status (response);
  cache = sluice_response_get_cache_status (response);
  usage = sluice_response_get_usage (response);

  if (self->totals.in_flight > 0)
    self->totals.in_flight--;
  self->totals.requests++;
  if (status == SLUICE_REQUEST_STATUS_ERROR || status == SLUICE_REQUEST_STATUS_REFUSED)
    self->totals.errors++;
  if (cache == SLUICE_CACHE_STATUS_EXACT || cache == SLUICE_CACHE_STATUS_SEMANTIC ||
      cache == SLUICE_CACHE_STATUS_STALE)
    self->totals.cache_hits++;
  self->totals.tokens_in += usage->input_tokens;
  self->totals.tokens_cached += usage->cached_input_tokens;
  self->totals.tokens_out += usage->output_tokens;
  self->totals.cost_usd += sluice_response_get_cost_usd (response);
  self->totals.cost_today_usd += sluice_response_get_cost_usd (response);

  window_add (&self->window, now, sluice_response_get_latency_us (response),
              status == SLUICE_REQUEST_STATUS_OK || status == SLUICE_REQUEST_STATUS_DEGRADED);
  self->dirty = TRUE;
}

void
sluice_metrics_record_call (SluiceMetrics     *self,
                            const char        *model,
                            const char        *provider,
                            gint64             latency_us,
                            SluiceErrorClass   error_class,
                            const SluiceUsage *usage,
                            double             cost_usd)
{
  ModelCounters *mc;

  g_return_if_fail (SLUICE_IS_METRICS (self));
  g_return_if_fail (model != NULL);

  mc = g_hash_table_lookup (self->models, model);
  if (mc == NULL)
    {
      mc = g_new0 (ModelCounters, 1);
      mc->model = g_strdup (model);
      mc->provider = g_strdup (provider);
      g_hash_table_insert (self->models, mc->model, mc);
      g_ptr_array_add (self->model_order, mc);
    }

  mc->calls++;
  if (error_class != SLUICE_ERROR_CLASS_NONE)
    {
      mc->errors++;
      mc->last_error = error_class;
    }
  if (usage != NULL)
    {
      mc->tokens_in += usage->input_tokens;
      mc->tokens_out += usage->output_tokens;
    }
  mc->cost_usd += cost_usd;
  window_add (&mc->window, sluice_clock_now_us (self->clock), latency_us,
              error_class == SLUICE_ERROR_CLASS_NONE);
  self->dirty = TRUE;
}

/* Spending already committed today (from the ledger at start), so the
 * console's "cost today" does not drop to zero on a restart. */
void
sluice_metrics_add_cost_today (SluiceMetrics *self,
                               double         cost_usd)
{
  g_return_if_fail (SLUICE_IS_METRICS (self));

  self->totals.cost_today_usd += cost_usd;
  self->dirty = TRUE;
}

/* A cache lookup under the TTL policy of @task, for the per-policy hits. */
void
sluice_metrics_note_cache_lookup (SluiceMetrics *self,
                                  const char    *task,
                                  gboolean       hit)
{
  guint64 *counts;

  g_return_if_fail (SLUICE_IS_METRICS (self));
  g_return_if_fail (task != NULL);

  counts = g_hash_table_lookup (self->policies, task);
  if (counts == NULL)
    {
      counts = g_new0 (guint64, 2);
      g_hash_table_insert (self->policies, g_strdup (task), counts);
    }
  counts[0]++;
  counts[1] += hit ? 1 : 0;
  self->dirty = TRUE;
}

void
sluice_metrics_note_breaker_change (SluiceMetrics *self)
{
  g_return_if_fail (SLUICE_IS_METRICS (self));

  self->dirty = TRUE;
}

gboolean
sluice_metrics_is_dirty (SluiceMetrics *self)
{
  g_return_val_if_fail (SLUICE_IS_METRICS (self), FALSE);

  return self->dirty;
}

/* Nearest-rank percentiles of the successful requests of the window,
 * plus the error rate over all of them. */
static void
window_summary (const Window *window,
                gint64        now_us,
                gint64       *p50,
                gint64       *p95,
                gint64       *p99,
                double       *error_rate)
{
  g_autoptr(SluiceHistogram) ok = sluice_histogram_new ();
  guint64 n_errors = 0, n = 0;

  for (guint i = 0; i < WINDOW_S; i++)
    if (window_holds (window, i, now_us))
      {
        n += window->n_ok[i] + window->n_errors[i];
        n_errors += window->n_errors[i];
        if (window->ok[i] != NULL)
          sluice_histogram_merge (ok, window->ok[i]);
      }

  *error_rate = n > 0 ? (double) n_errors / n : 0;
  *p50 = sluice_histogram_percentile (ok, 0.50);
  *p95 = sluice_histogram_percentile (ok, 0.95);
  *p99 = sluice_histogram_percentile (ok, 0.99);
}

static SluiceModelHealth
health_of (const Window *window,
           gint64        now_us,
           double        error_rate)
{
  if (window_count (window, now_us) == 0)
    return SLUICE_MODEL_HEALTH_IDLE;
  if (error_rate >= 0.5)
    return SLUICE_MODEL_HEALTH_FAILING;
  if (error_rate > 0.0)
    return SLUICE_MODEL_HEALTH_DEGRADED;
  return SLUICE_MODEL_HEALTH_HEALTHY;
}

static void
fill_rps_history (SluiceMetrics  *self,
                  SluiceSnapshot *snapshot,
                  gint64          now_us)
{
  gint64 now_s = now_us / G_USEC_PER_SEC;

  snapshot->n_rps_history = SLUICE_SNAPSHOT_HISTORY;
  for (guint i = 0; i < WINDOW_S; i++)
    if (window_holds (&self->window, i, now_us))
      snapshot->rps_history[SLUICE_SNAPSHOT_HISTORY - 1 - (now_s - self->window.second[i])] +=
        self->window.n_ok[i] + self->window.n_errors[i];
}

static void
fill_policies (SluiceMetrics  *self,
               SluiceSnapshot *snapshot)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->policies);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const guint64 *counts = value;
      SluiceSnapshotPolicy policy = { g_strdup (key), counts[0], counts[1] };

      g_array_append_val (snapshot->policies, policy);
    }
}

/**
 * sluice_metrics_build_snapshot:
 * @self: the metrics
 * @config_version: the version of the config in force
 *
 * Returns: (transfer full): a new immutable snapshot; the metrics are
 *   clean again until the next record
 */
SluiceSnapshot *
sluice_metrics_build_snapshot (SluiceMetrics *self,
                               gint64         config_version)
{
  SluiceSnapshot *snapshot;
  gint64 now;

  g_return_val_if_fail (SLUICE_IS_METRICS (self), NULL);

  now = sluice_clock_now_us (self->clock);
  roll_day (self, now);

  snapshot = _sluice_snapshot_new ();
  snapshot->sequence = ++self->sequence;
  snapshot->time_us = now;
  snapshot->config_version = config_version;
  snapshot->totals = self->totals;
  snapshot->totals.requests_per_s = window_count (&self->window, now) / (double) WINDOW_S;
  window_summary (&self->window, now, &snapshot->totals.p50_us, &snapshot->totals.p95_us,
                  &snapshot->totals.p99_us, &snapshot->totals.error_rate);
  fill_rps_history (self, snapshot, now);

  for (guint i = 0; i < self->model_order->len; i++)
    {
      ModelCounters *mc = g_ptr_array_index (self->model_order, i);
      SluiceModelStats stats = { 0 };

      stats.model = g_strdup (mc->model);
      stats.provider = g_strdup (mc->provider);
      stats.calls = mc->calls;
      stats.errors = mc->errors;
      stats.tokens_in = mc->tokens_in;
      stats.tokens_out = mc->tokens_out;
      stats.cost_usd = mc->cost_usd;
      stats.last_error = mc->last_error;
      window_summary (&mc->window, now, &stats.p50_us, &stats.p95_us, &stats.p99_us,
                      &stats.error_rate);
      stats.health = health_of (&mc->window, now, stats.error_rate);
      g_array_append_val (snapshot->models, stats);
    }

  fill_policies (self, snapshot);
  self->dirty = FALSE;
  return snapshot;
}
