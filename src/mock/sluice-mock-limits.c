/* sluice-mock-limits.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-mock"

#include "config.h"

#include "sluice-mock-limits.h"

#define WINDOW_US (60 * G_USEC_PER_SEC)

/* Headers still report a limit when only the behaviour said 429. */
#define NOMINAL_RPM 500
#define NOMINAL_TPM 200000

typedef struct
{
  gint64 at_us;
  gint64 requests;
  gint64 tokens;
} Mark;

struct _SluiceMockLimits
{
  GQueue marks;      /* Mark *, oldest first */
  gint64 requests;   /* sums over the window */
  gint64 tokens;
  gint64 rpm;        /* 0: unlimited */
  gint64 tpm;
};

SluiceMockLimits *
sluice_mock_limits_new (void)
{
  SluiceMockLimits *self = g_new0 (SluiceMockLimits, 1);

  g_queue_init (&self->marks);
  return self;
}

void
sluice_mock_limits_reset (SluiceMockLimits *self)
{
  g_queue_clear_full (&self->marks, g_free);
  self->requests = 0;
  self->tokens = 0;
}

void
sluice_mock_limits_free (SluiceMockLimits *self)
{
  if (self == NULL)
    return;

  sluice_mock_limits_reset (self);
  g_free (self);
}

void
sluice_mock_limits_configure (SluiceMockLimits *self,
                              gint64            rpm,
                              gint64            tpm)
{
  self->rpm = MAX (rpm, 0);
  self->tpm = MAX (tpm, 0);
}

gboolean
sluice_mock_limits_is_enabled (SluiceMockLimits *self)
{
  return self->rpm > 0 || self->tpm > 0;
}

static void
prune (SluiceMockLimits *self,
       gint64            now_us)
{
  Mark *mark;

  while ((mark = g_queue_peek_head (&self->marks)) != NULL &&
         mark->at_us + WINDOW_US <= now_us)
    {
      self->requests -= mark->requests;
      self->tokens -= mark->tokens;
      g_free (g_queue_pop_head (&self->marks));
    }
}

/* How long until the oldest mark counting towards requests (or tokens)
 * leaves the window. */
static gint64
reset_ms (SluiceMockLimits *self,
          gint64            now_us,
          gboolean          tokens)
{
  for (const GList *l = self->marks.head; l != NULL; l = l->next)
    {
      const Mark *mark = l->data;

      if ((tokens ? mark->tokens : mark->requests) > 0)
        return MAX ((mark->at_us + WINDOW_US - now_us + 999) / 1000, 1);
    }

  return 0;
}

void
sluice_mock_limits_get_state (SluiceMockLimits     *self,
                              gint64                now_us,
                              SluiceMockLimitState *state)
{
  prune (self, now_us);

  state->limit_requests = self->rpm > 0 ? self->rpm : NOMINAL_RPM;
  state->limit_tokens = self->tpm > 0 ? self->tpm : NOMINAL_TPM;
  state->remaining_requests = MAX (state->limit_requests - self->requests, 0);
  state->remaining_tokens = MAX (state->limit_tokens - self->tokens, 0);
  state->reset_requests_ms = reset_ms (self, now_us, FALSE);
  state->reset_tokens_ms = reset_ms (self, now_us, TRUE);
}

/* Returns FALSE, with how long to wait, when a limit is used up; otherwise
 * counts the request and returns TRUE. */
gboolean
sluice_mock_limits_admit (SluiceMockLimits     *self,
                          gint64                now_us,
                          SluiceMockLimitState *state,
                          gint64               *retry_after_ms)
{
  Mark *mark;

  sluice_mock_limits_get_state (self, now_us, state);
  *retry_after_ms = 0;

  if (self->rpm > 0 && self->requests >= self->rpm)
    *retry_after_ms = state->reset_requests_ms;
  if (self->tpm > 0 && self->tokens >= self->tpm)
    *retry_after_ms = MAX (*retry_after_ms, state->reset_tokens_ms);
  if (*retry_after_ms > 0)
    return FALSE;

  mark = g_new0 (Mark, 1);
  mark->at_us = now_us;
  mark->requests = 1;
  g_queue_push_tail (&self->marks, mark);
  self->requests++;
  state->remaining_requests = MAX (state->remaining_requests - 1, 0);

  return TRUE;
}

void
sluice_mock_limits_add_tokens (SluiceMockLimits *self,
                               gint64            now_us,
                               gint64            tokens)
{
  Mark *mark;

  if (tokens <= 0)
    return;

  mark = g_new0 (Mark, 1);
  mark->at_us = now_us;
  mark->tokens = tokens;
  g_queue_push_tail (&self->marks, mark);
  self->tokens += tokens;
}
