/* sluice-pipeline-dispatch.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-pipeline"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sluice-pipeline-private.h"

/* The dispatch stage: for each model of the chain, the breaker's word, one
 * atomic reservation of limits and budgets, the provider call with its
 * timeout and latency threshold, retries with backoff within the retry
 * budget, and fallback to the next model until one answers. */

static void
drop_reservation (RequestState *state)
{
  if (state->reservation != NULL)
    sluice_reservation_release (state->reservation);
  g_clear_object (&state->reservation);
}

static void
settle_reservation (RequestState      *state,
                    const SluiceUsage *usage,
                    double             cost_usd)
{
  if (state->reservation == NULL)
    return;
  sluice_reservation_settle (state->reservation, usage->input_tokens, usage->output_tokens, cost_usd);
  g_clear_object (&state->reservation);
}

/* dispatch */

static void dispatch_attempt (GTask *task);
static void stop_threshold (RequestState *state);

double
_sluice_pipeline_cost_of (const SluiceModelConfig *mc,
                          const SluiceUsage       *usage)
{
  gint64 fresh = MAX (0, usage->input_tokens - usage->cached_input_tokens);

  return (fresh * mc->price_in + usage->cached_input_tokens * mc->price_cached_in +
          usage->output_tokens * mc->price_out) / 1e6;
}

static void
delta_cb (const char *text,
          gpointer    user_data)
{
  GTask *task = user_data;
  RequestState *state = g_task_get_task_data (task);

  /* From the first byte on, the client has the answer started: no other
   * model may take over after this. */
  state->streamed = TRUE;
  state->streamed_bytes += strlen (text);
  if (state->reservation != NULL && !state->budget_cut &&
      !sluice_reservation_allows_output (state->reservation,
                                         (gint64) (state->streamed_bytes + 3) / 4))
    {
      /* The budget runs out mid-stream: stop here, and meter what was sent. */
      state->budget_cut = TRUE;
      g_cancellable_cancel (state->attempt_cancellable);
      return;
    }
  if (!state->dispatched)
    {
      const char *model = state->chain[state->chain_index];

      _sluice_pipeline_notify_dispatch (state, model,
                                        sluice_config_lookup_model (state->config, model)->provider);
    }
  if (state->on_delta != NULL)
    state->on_delta (text, state->on_delta_data);
}

static gboolean
is_retryable (SluiceErrorClass klass)
{
  switch (klass)
    {
    case SLUICE_ERROR_CLASS_RATE_LIMITED:
    case SLUICE_ERROR_CLASS_TIMEOUT:
    case SLUICE_ERROR_CLASS_SERVER:
    case SLUICE_ERROR_CLASS_OVERLOADED:
    case SLUICE_ERROR_CLASS_NETWORK:
    case SLUICE_ERROR_CLASS_MALFORMED:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Exponential backoff with full jitter, or the provider's Retry-After. */
static gint64
backoff_us (RequestState *state,
            gint64        retry_after_ms)
{
  const SluiceRetryConfig *retry = sluice_config_get_retry (state->config);
  gint64 cap_ms;

  if (retry_after_ms >= 0)
    return retry_after_ms * 1000;
  cap_ms = MIN ((gint64) retry->max_backoff_ms,
                (gint64) retry->base_backoff_ms << MIN (state->attempt - 1, 20u));
  return (gint64) (g_random_double () * cap_ms * 1000);
}

static void
backoff_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!sluice_clock_sleep_finish (SLUICE_CLOCK (object), result, &error))
    {
      RequestState *state = g_task_get_task_data (task);

      _sluice_pipeline_cancelled (g_steal_pointer (&task), state->chain[state->chain_index]);
      return;
    }
  dispatch_attempt (g_steal_pointer (&task));
}

static void
attempt_failed (GTask        *task,
                const char   *model,
                const GError *error)
{
  RequestState *state = g_task_get_task_data (task);
  SluiceErrorClass klass = error->domain == SLUICE_PROVIDER_ERROR
                           ? (SluiceErrorClass) error->code : SLUICE_ERROR_CLASS_NETWORK;
  const SluiceRetryConfig *retry = sluice_config_get_retry (state->config);
  gint64 wait;

  state->response->error_class = klass;
  g_string_append_printf (state->failures, "%s%s: %s (%s)",
                          state->failures->len > 0 ? "; " : "", model,
                          sluice_error_class_to_string (klass), error->message);

  if (state->streamed)
    {
      TRACE (state, SLUICE_STAGE_DISPATCH, 0, "stream-broken",
             "%s failed after the answer had started; no fallback", model);
      _sluice_pipeline_fail_request (task, SLUICE_REQUEST_STATUS_ERROR, klass, error->message);
      return;
    }

  if (klass == SLUICE_ERROR_CLASS_AUTH || klass == SLUICE_ERROR_CLASS_BAD_REQUEST)
    {
      TRACE (state, SLUICE_STAGE_DISPATCH, 0, "give-up",
             "%s is not worth retrying or falling back", sluice_error_class_to_string (klass));
      _sluice_pipeline_fail_request (task, SLUICE_REQUEST_STATUS_ERROR, klass, error->message);
      return;
    }

  if (is_retryable (klass) && state->attempt < retry->max_attempts)
    {
      wait = backoff_us (state, state->call->retry_after_ms);
      if (sluice_breaker_board_get_state (state->engine->breakers, model) != SLUICE_BREAKER_CLOSED)
        TRACE (state, SLUICE_STAGE_DISPATCH, 0, "no-retry",
               "the breaker of %s opened; next model", model);
      else if (now_mono (state) + wait >= state->deadline_us)
        TRACE (state, SLUICE_STAGE_DISPATCH, 0, "skip-wait",
               "a wait of %.0f ms does not fit the deadline; next model", wait / 1000.0);
      else if (!sluice_retry_budget_try_acquire (state->engine->retry_budget))
        TRACE (state, SLUICE_STAGE_DISPATCH, 0, "no-retry",
               "the engine's retry budget is spent; next model");
      else
        {
          TRACE (state, SLUICE_STAGE_DISPATCH, 0, "backoff",
                 "retrying %s in %.0f ms%s", model, wait / 1000.0,
                 state->call->retry_after_ms >= 0 ? " (Retry-After)" : "");
          state->outside_us += wait;
          sluice_clock_sleep_async (state->engine->clock, wait, g_task_get_cancellable (task),
                                    backoff_done_cb, task);
          return;
        }
    }

  drop_reservation (state);
  state->chain_index++;
  _sluice_pipeline_dispatch_next (task);
}

/* The stream was cut because its budget ran out: what reached the client
 * is metered (the estimate of it; the provider never reported usage). */
static void
budget_ran_out (GTask                   *task,
                const char              *model,
                const SluiceModelConfig *mc)
{
  RequestState *state = g_task_get_task_data (task);
  SluiceResponse *r = state->response;
  g_autofree char *message = NULL;

  r->model = g_strdup (model);
  r->provider = g_strdup (mc->provider);
  r->usage.input_tokens = state->estimate_in;
  r->usage.output_tokens = (gint64) (state->streamed_bytes + 3) / 4;
  r->cost_usd = _sluice_pipeline_cost_of (mc, &r->usage);
  r->fallback_depth = state->chain_index;
  settle_reservation (state, &r->usage, r->cost_usd);
  message = g_strdup_printf (_("The stream was cut after about %" G_GINT64_FORMAT
                               " output tokens: the budget ran out"), r->usage.output_tokens);
  TRACE (state, SLUICE_STAGE_DISPATCH, 0, "budget-cut", "%s", message);
  _sluice_pipeline_fail_request (task, SLUICE_REQUEST_STATUS_REFUSED, SLUICE_ERROR_CLASS_NONE, message);
}

static void
too_slow (GTask                   *task,
          const char              *model,
          const SluiceModelConfig *mc,
          gint64                   duration)
{
  RequestState *state = g_task_get_task_data (task);

  TRACE (state, SLUICE_STAGE_DISPATCH, duration, "too-slow",
         "%s gave no %s within its %u ms threshold; next model", model,
         sluice_request_get_stream (state->request) ? "first token" : "answer",
         mc->latency_threshold_ms);
  g_string_append_printf (state->failures, "%s%s: slower than %u ms",
                          state->failures->len > 0 ? "; " : "", model, mc->latency_threshold_ms);
  drop_reservation (state);
  state->chain_index++;
  _sluice_pipeline_dispatch_next (task);
}

static void
attempt_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  SluiceProvider *provider = SLUICE_PROVIDER (object);
  g_autoptr(GTask) task = NULL;
  RequestState *state = g_task_get_task_data (user_data);
  const char *model = state->chain[state->chain_index];
  const SluiceModelConfig *mc = sluice_config_lookup_model (state->config, model);
  g_autoptr(SluiceCompletion) completion = NULL;
  g_autoptr(GError) error = NULL;
  gint64 duration;
  SluiceResponse *r = state->response;

  /* The answer is in: no threshold may fire while it waits its turn. */
  stop_threshold (state);
  if (_sluice_pipeline_pace (user_data, object, result, attempt_done_cb))
    return;
  task = user_data;
  duration = (state->answered_us > 0 ? state->answered_us : now_mono (state)) - state->call_start_us;
  state->answered_us = 0;
  state->outside_us += duration;
  completion = sluice_provider_complete_finish (provider, result, &error);

  /* Its racer answered first and cancelled it. */
  if (state->primary_lost)
    {
      _sluice_pipeline_race_primary_done (g_steal_pointer (&task), FALSE);
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (state->probe)
        sluice_breaker_board_release_probe (state->engine->breakers, model);
      state->probe = FALSE;
      if (state->budget_cut && !request_cancelled (task))
        {
          budget_ran_out (g_steal_pointer (&task), model, mc);
          return;
        }
      if (state->too_slow && !request_cancelled (task))
        {
          too_slow (g_steal_pointer (&task), model, mc, duration);
          return;
        }
      _sluice_pipeline_cancelled (g_steal_pointer (&task), model);
      return;
    }

  if (state->call->ratelimit_remaining_requests >= 0 || state->call->ratelimit_remaining_tokens >= 0)
    sluice_limiter_observe_provider_headers (state->limiter, model,
                                             state->call->ratelimit_remaining_requests,
                                             state->call->ratelimit_remaining_tokens,
                                             PROVIDER_WINDOW_MS);

  sluice_breaker_board_record (state->engine->breakers, model, state->probe,
                               completion != NULL ? SLUICE_ERROR_CLASS_NONE
                               : error->domain == SLUICE_PROVIDER_ERROR ? (SluiceErrorClass) error->code
                               : SLUICE_ERROR_CLASS_NETWORK,
                               state->call->retry_after_ms);
  state->probe = FALSE;

  sluice_metrics_record_call (state->engine->metrics, model, sluice_provider_get_name (provider),
                              duration,
                              completion != NULL ? SLUICE_ERROR_CLASS_NONE
                              : error->domain == SLUICE_PROVIDER_ERROR ? (SluiceErrorClass) error->code
                              : SLUICE_ERROR_CLASS_NETWORK,
                              completion != NULL ? &completion->usage : NULL,
                              completion != NULL ? _sluice_pipeline_cost_of (mc, &completion->usage) : 0);

  if (completion == NULL)
    {
      TRACE (state, SLUICE_STAGE_DISPATCH, duration, "attempt",
             "%s via %s, try %u: %s", model, sluice_provider_get_name (provider),
             state->attempt, error->message);
      if (state->hedge != NULL)
        {
          g_string_append_printf (state->failures, "%s%s: %s", state->failures->len > 0 ? "; " : "",
                                  model, error->message);
          _sluice_pipeline_race_primary_done (g_steal_pointer (&task), FALSE);
          return;
        }
      attempt_failed (g_steal_pointer (&task), model, error);
      return;
    }

  TRACE (state, SLUICE_STAGE_DISPATCH, duration, "attempt",
         "%s via %s, try %u: answered (%s)", model, sluice_provider_get_name (provider),
         state->attempt, completion->finish_reason);

  r->status = SLUICE_REQUEST_STATUS_OK;
  r->error_class = SLUICE_ERROR_CLASS_NONE;
  r->content = g_strdup (completion->content);
  r->finish_reason = g_strdup (completion->finish_reason);
  r->model = g_strdup (model);
  r->provider = g_strdup (sluice_provider_get_name (provider));
  r->usage = completion->usage;
  r->cost_usd = _sluice_pipeline_cost_of (mc, &completion->usage);
  r->ttft_us = state->call->ttft_us >= 0
               ? state->call_start_us - state->start_us + state->call->ttft_us : -1;
  r->fallback_depth = state->chain_index;
  settle_reservation (state, &completion->usage, r->cost_usd);
  if (state->hedge != NULL)
    {
      state->decided = TRUE;
      r->cost_usd += _sluice_pipeline_hedge_loser_cost (state);
    }
  _sluice_pipeline_store_answer (state);
  _sluice_pipeline_settle (g_steal_pointer (&task));
}

static void
stop_threshold (RequestState *state)
{
  if (state->threshold_cancellable != NULL)
    g_cancellable_cancel (state->threshold_cancellable);
  g_clear_object (&state->threshold_cancellable);
}

/* No answer (or, streaming, no first token) within the model's latency
 * threshold: give up on it and let the next model of the chain try. The
 * wait runs on the engine's clock, like every other wait. */
static void
threshold_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RequestState *state = g_task_get_task_data (task);

  if (!sluice_clock_sleep_finish (SLUICE_CLOCK (object), result, NULL))
    return;
  if (state->call != NULL && state->call->ttft_us < 0 && !state->streamed &&
      state->attempt_cancellable != NULL && !_sluice_pipeline_start_hedge (task))
    {
      state->too_slow = TRUE;
      g_cancellable_cancel (state->attempt_cancellable);
    }
}

static void
dispatch_attempt (GTask *task)
{
  RequestState *state = g_task_get_task_data (task);
  const char *model = state->chain[state->chain_index];
  const SluiceModelConfig *mc = sluice_config_lookup_model (state->config, model);
  const SluiceProviderConfig *pc = sluice_config_lookup_provider (state->config, mc->provider);
  SluiceProvider *provider = g_hash_table_lookup (state->providers, mc->provider);
  gint64 remaining_ms = (state->deadline_us - now_mono (state)) / 1000;

  state->attempt++;
  state->too_slow = FALSE;
  g_clear_pointer (&state->call, sluice_provider_call_free);
  state->call = sluice_provider_call_new (state->request, mc->upstream);
  state->call->timeout_ms = (guint) CLAMP (MIN ((gint64) pc->timeout_ms, remaining_ms), 1, G_MAXUINT);
  state->call->on_delta = delta_cb;
  state->call->on_delta_data = task;
  state->call_start_us = now_mono (state);

  /* Each attempt has its own cancellable, so a latency threshold can end
   * one attempt without cancelling the request. */
  g_clear_object (&state->attempt_cancellable);
  state->attempt_cancellable = g_cancellable_new ();
  if (g_task_get_cancellable (task) != NULL)
    g_cancellable_connect (g_task_get_cancellable (task), G_CALLBACK (g_cancellable_cancel),
                           g_object_ref (state->attempt_cancellable), g_object_unref);

  stop_threshold (state);
  if (mc->latency_threshold_ms > 0 && state->chain[state->chain_index + 1] != NULL)
    {
      state->threshold_cancellable = g_cancellable_new ();
      sluice_clock_sleep_async (state->engine->clock, (gint64) mc->latency_threshold_ms * 1000,
                                state->threshold_cancellable, threshold_cb, g_object_ref (task));
    }

  sluice_provider_complete_async (provider, state->call, state->attempt_cancellable,
                                  attempt_done_cb, task);
}

static char *
format_time (gint64 wall_us)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (wall_us / G_USEC_PER_SEC);

  return g_date_time_format (when, "%H:%M:%S");
}

static gboolean
breaker_admits (RequestState *state,
                const char   *model)
{
  gint64 retry_at = 0;
  g_autofree char *until = NULL;

  switch (sluice_breaker_board_admit (state->engine->breakers, model, &retry_at))
    {
    case SLUICE_BREAKER_ALLOW:
      state->probe = FALSE;
      return TRUE;

    case SLUICE_BREAKER_ALLOW_PROBE:
      state->probe = TRUE;
      TRACE (state, SLUICE_STAGE_DISPATCH, 0, "probe",
             "the breaker of %s is half-open: this request is its probe", model);
      return TRUE;

    case SLUICE_BREAKER_DENY_OPEN:
      until = format_time (retry_at);
      TRACE (state, SLUICE_STAGE_DISPATCH, 0, "skip", "the breaker of %s is open until %s",
             model, until);
      break;

    case SLUICE_BREAKER_DENY_PROBE:
      TRACE (state, SLUICE_STAGE_DISPATCH, 0, "skip",
             "the breaker of %s is half-open and its probe is in flight", model);
      break;

    case SLUICE_BREAKER_DENY_HELD:
    default:
      until = format_time (retry_at);
      TRACE (state, SLUICE_STAGE_DISPATCH, 0, "skip",
             "%s asked us to wait (Retry-After) until %s", model, until);
      break;
    }
  g_string_append_printf (state->failures, "%s%s: skipped (%s)",
                          state->failures->len > 0 ? "; " : "", model,
                          until != NULL ? "breaker open or held" : "probe in flight");
  return FALSE;
}

static void reserve (GTask *task, const SluiceModelConfig *mc);

void
_sluice_pipeline_dispatch_next (GTask *task)
{
  RequestState *state = g_task_get_task_data (task);

  while (state->chain[state->chain_index] != NULL)
    {
      const char *model = state->chain[state->chain_index];
      const SluiceModelConfig *mc = sluice_config_lookup_model (state->config, model);

      if (now_mono (state) >= state->deadline_us)
        {
          TRACE (state, SLUICE_STAGE_DISPATCH, 0, "deadline",
                 "the request's deadline passed before %s could be tried", model);
          break;
        }
      if (mc == NULL || g_hash_table_lookup (state->providers, mc->provider) == NULL)
        {
          TRACE (state, SLUICE_STAGE_DISPATCH, 0, "skip", "%s has no usable provider", model);
          state->chain_index++;
          continue;
        }
      if (!breaker_admits (state, model))
        {
          state->chain_index++;
          continue;
        }
      if (state->chain_index > 0)
        TRACE (state, SLUICE_STAGE_DISPATCH, 0, "fallback",
               "falling back to %s (depth %u)", model, state->chain_index);
      state->attempt = 0;
      reserve (task, mc);
      return;
    }

  _sluice_pipeline_degrade (task);
}

/* limits: one atomic check-and-reserve of every limit and budget the call
 * touches, before it is made; settled with the real usage after it. */

static void
limit_wait_done_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RequestState *state = g_task_get_task_data (task);

  if (!sluice_clock_sleep_finish (SLUICE_CLOCK (object), result, NULL))
    {
      _sluice_pipeline_cancelled (g_steal_pointer (&task), state->chain[state->chain_index]);
      return;
    }
  reserve (g_steal_pointer (&task),
           sluice_config_lookup_model (state->config, state->chain[state->chain_index]));
}

/* Consumes @task, @reservation and @error (one of them is set). */
static void
reserved (GTask             *task_in,
          SluiceReservation *reservation_in,
          gint64             retry_at,
          GError            *error_in)
{
  g_autoptr(GTask) task = task_in;
  RequestState *state = g_task_get_task_data (task);
  const char *model = state->chain[state->chain_index];
  g_autoptr(SluiceReservation) reservation = reservation_in;
  g_autoptr(GError) error = error_in;
  gint64 wait;

  if (reservation != NULL)
    {
      if (sluice_reservation_is_counted (reservation))
        TRACE (state, SLUICE_STAGE_DISPATCH, 0, "limits",
               "%s: reserved %" G_GINT64_FORMAT " tokens and $%.6f", model,
               sluice_reservation_get_tokens (reservation),
               sluice_reservation_get_cost_usd (reservation));
      else
        TRACE (state, SLUICE_STAGE_DISPATCH, 0, "limits",
               "%s: the counter store is unreachable; allowed (fail-open)", model);
      state->reservation = g_steal_pointer (&reservation);
      dispatch_attempt (g_steal_pointer (&task));
      return;
    }

  if (state->probe)
    sluice_breaker_board_release_probe (state->engine->breakers, model);
  state->probe = FALSE;
  if (request_cancelled (task))
    {
      _sluice_pipeline_cancelled (g_steal_pointer (&task), model);
      return;
    }

  g_free (state->refusal);
  state->refusal = g_strdup (error->message);
  if (g_error_matches (error, SLUICE_LIMIT_ERROR, SLUICE_LIMIT_ERROR_TOO_LARGE) ||
      g_error_matches (error, SLUICE_LIMIT_ERROR, SLUICE_LIMIT_ERROR_UNAVAILABLE))
    {
      TRACE (state, SLUICE_STAGE_DISPATCH, 0, "refuse", "%s", error->message);
      _sluice_pipeline_fail_request (g_steal_pointer (&task), SLUICE_REQUEST_STATUS_REFUSED,
                                     SLUICE_ERROR_CLASS_NONE, error->message);
      return;
    }

  /* Wait for room when it comes within the deadline; else the next model. */
  wait = retry_at >= 0 ? retry_at - sluice_clock_now_us (state->engine->clock) : -1;
  if (retry_at >= 0 && (state->retry_at < 0 || retry_at < state->retry_at))
    state->retry_at = retry_at;
  if (g_error_matches (error, SLUICE_LIMIT_ERROR, SLUICE_LIMIT_ERROR_REFUSED) &&
      wait >= 0 && now_mono (state) + wait < state->deadline_us && state->attempt == 0)
    {
      TRACE (state, SLUICE_STAGE_DISPATCH, 0, "limit-wait", "%s; waiting %.0f ms",
             error->message, wait / 1000.0);
      state->outside_us += wait;
      state->attempt = 0;
      sluice_clock_sleep_async (state->engine->clock, MAX (wait, 1000), g_task_get_cancellable (task),
                                limit_wait_done_cb, g_steal_pointer (&task));
      return;
    }

  TRACE (state, SLUICE_STAGE_DISPATCH, 0, "limit", "%s", error->message);
  g_string_append_printf (state->failures, "%s%s: %s", state->failures->len > 0 ? "; " : "",
                          model, error->message);
  state->chain_index++;
  _sluice_pipeline_dispatch_next (g_steal_pointer (&task));
}

static void
reserved_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  SluiceReservation *reservation;
  GError *error = NULL;
  gint64 retry_at = -1;

  reservation = sluice_limiter_reserve_finish (SLUICE_LIMITER (object), result, &retry_at, &error);
  reserved (user_data, reservation, retry_at, error);
}

static void
reserve (GTask                   *task,
         const SluiceModelConfig *mc)
{
  RequestState *state = g_task_get_task_data (task);
  gint64 max_tokens = sluice_request_get_max_tokens (state->request);
  SluiceReservation *reservation = NULL;
  GError *error = NULL;
  gint64 retry_at = -1;

  /* The worst case: what the caller allows, else the model's most. */
  state->reserved_out = max_tokens > 0 ? max_tokens : mc->max_output_tokens;
  /* The in-process store decides at once: no main-loop turn. */
  if (sluice_limiter_reserve_now (state->limiter, sluice_request_get_user (state->request),
                                  mc->name, state->estimate_in, state->reserved_out,
                                  &reservation, &retry_at, &error))
    {
      reserved (task, reservation, retry_at, error);
      return;
    }
  sluice_limiter_reserve_async (state->limiter, sluice_request_get_user (state->request),
                                mc->name, state->estimate_in, state->reserved_out,
                                g_task_get_cancellable (task), reserved_cb, task);
}
