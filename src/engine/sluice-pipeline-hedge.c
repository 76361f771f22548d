/* sluice-pipeline-hedge.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-pipeline"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sluice-pipeline-private.h"

/* Hedging: when a model marked "hedge" has given no answer within its
 * latency threshold, the next model of the chain starts beside it instead
 * of replacing it. The first answer wins and the other call is cancelled;
 * what the loser consumed (its input, as the provider will bill it) is
 * still counted in the request's cost. Streams are not hedged: two streams
 * cannot both reach the client.
 *
 * Each side holds its own reference to the task. The side that decides the
 * request passes its reference on to settle; the other only drops its own
 * when its call comes back. */

void
_sluice_pipeline_hedge_free (SluiceHedge *hedge)
{
  if (hedge == NULL)
    return;
  if (hedge->reservation != NULL)
    sluice_reservation_release (hedge->reservation);
  g_clear_object (&hedge->reservation);
  g_clear_pointer (&hedge->call, sluice_provider_call_free);
  g_clear_object (&hedge->cancellable);
  g_free (hedge);
}

static const SluiceModelConfig *
hedge_model (RequestState *state)
{
  return sluice_config_lookup_model (state->config, state->chain[state->hedge->index]);
}

/* What a cancelled call still costs: the input it was sent. */
static double
input_cost (const SluiceModelConfig *mc,
            gint64                   input_tokens)
{
  SluiceUsage usage = { input_tokens, 0, 0 };

  return _sluice_pipeline_cost_of (mc, &usage);
}

/**
 * _sluice_pipeline_hedge_loser_cost:
 *
 * The primary answered first: cancels the racer and returns what it cost.
 */
double
_sluice_pipeline_hedge_loser_cost (RequestState *state)
{
  const SluiceModelConfig *mc;
  double cost;
  SluiceUsage usage = { state->estimate_in, 0, 0 };

  if (state->hedge == NULL)
    return 0;
  mc = hedge_model (state);
  /* Still reserving: it was never sent, so it costs nothing. */
  cost = state->hedge->start_us > 0 ? input_cost (mc, state->estimate_in) : 0;
  TRACE (state, SLUICE_STAGE_DISPATCH, 0, "hedge-lost",
         "%s answered first; the race with %s is cancelled (its input, $%.6f, is counted)",
         state->chain[state->chain_index], mc->name, cost);
  if (state->hedge->reservation != NULL)
    sluice_reservation_settle (state->hedge->reservation, usage.input_tokens, 0, cost);
  g_clear_object (&state->hedge->reservation);
  g_cancellable_cancel (state->hedge->cancellable);
  return cost;
}

static void
racer_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  SluiceProvider *provider = SLUICE_PROVIDER (object);
  g_autoptr(GTask) task = user_data;
  RequestState *state = g_task_get_task_data (task);
  const SluiceModelConfig *mc = hedge_model (state);
  const SluiceModelConfig *primary = sluice_config_lookup_model (state->config,
                                                                 state->chain[state->chain_index]);
  g_autoptr(SluiceCompletion) completion = NULL;
  g_autoptr(GError) error = NULL;
  SluiceResponse *r = state->response;
  gint64 duration = now_mono (state) - state->hedge->start_us;
  double loser;

  completion = sluice_provider_complete_finish (provider, result, &error);
  if (state->decided || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* The primary won (and counted this call), or the request ended. */
      g_clear_pointer (&state->hedge, _sluice_pipeline_hedge_free);
      return;
    }

  sluice_breaker_board_record (state->engine->breakers, mc->name, FALSE,
                               completion != NULL ? SLUICE_ERROR_CLASS_NONE
                               : error->domain == SLUICE_PROVIDER_ERROR ? (SluiceErrorClass) error->code
                               : SLUICE_ERROR_CLASS_NETWORK, state->hedge->call->retry_after_ms);
  sluice_metrics_record_call (state->engine->metrics, mc->name, sluice_provider_get_name (provider),
                              duration,
                              completion != NULL ? SLUICE_ERROR_CLASS_NONE : SLUICE_ERROR_CLASS_SERVER,
                              completion != NULL ? &completion->usage : NULL,
                              completion != NULL ? _sluice_pipeline_cost_of (mc, &completion->usage) : 0);

  if (completion == NULL)
    {
      TRACE (state, SLUICE_STAGE_DISPATCH, duration, "hedge-failed", "%s, racing %s: %s",
             mc->name, primary->name, error->message);
      g_string_append_printf (state->failures, "%s%s: %s", state->failures->len > 0 ? "; " : "",
                              mc->name, error->message);
      if (!state->primary_failed)
        {
          /* The primary may still answer. */
          g_clear_pointer (&state->hedge, _sluice_pipeline_hedge_free);
          return;
        }
      /* Both failed: the chain goes on after the racer. */
      state->chain_index = state->hedge->index + 1;
      g_clear_pointer (&state->hedge, _sluice_pipeline_hedge_free);
      state->hedging = FALSE;
      _sluice_pipeline_dispatch_next (g_steal_pointer (&task));
      return;
    }

  /* The racer won: the primary is cancelled; its input still costs. */
  state->decided = TRUE;
  loser = state->primary_failed ? 0 : input_cost (primary, state->estimate_in);
  if (!state->primary_failed)
    {
      state->primary_lost = TRUE;
      g_cancellable_cancel (state->attempt_cancellable);
    }
  TRACE (state, SLUICE_STAGE_DISPATCH, duration, "hedge-won",
         "%s answered first (%s); %s is cancelled, its input ($%.6f) is counted",
         mc->name, completion->finish_reason, primary->name, loser);

  r->status = SLUICE_REQUEST_STATUS_OK;
  r->error_class = SLUICE_ERROR_CLASS_NONE;
  r->content = g_strdup (completion->content);
  r->finish_reason = g_strdup (completion->finish_reason);
  r->model = g_strdup (mc->name);
  r->provider = g_strdup (sluice_provider_get_name (provider));
  r->usage = completion->usage;
  r->cost_usd = _sluice_pipeline_cost_of (mc, &completion->usage) + loser;
  r->fallback_depth = state->hedge->index;
  if (state->hedge->reservation != NULL)
    sluice_reservation_settle (state->hedge->reservation, completion->usage.input_tokens,
                               completion->usage.output_tokens,
                               _sluice_pipeline_cost_of (mc, &completion->usage));
  g_clear_object (&state->hedge->reservation);
  if (state->reservation != NULL)
    sluice_reservation_settle (state->reservation, state->estimate_in, 0, loser);
  g_clear_object (&state->reservation);
  g_clear_pointer (&state->hedge, _sluice_pipeline_hedge_free);
  _sluice_pipeline_store_answer (state);
  _sluice_pipeline_settle (g_steal_pointer (&task));
}

static void
racer_reserved_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RequestState *state = g_task_get_task_data (task);
  const SluiceModelConfig *mc = hedge_model (state);
  SluiceProvider *provider = g_hash_table_lookup (state->providers, mc->provider);
  g_autoptr(GError) error = NULL;

  state->hedge->reservation = sluice_limiter_reserve_finish (SLUICE_LIMITER (object), result,
                                                             NULL, &error);
  if (state->decided || state->hedge->reservation == NULL)
    {
      if (error != NULL)
        TRACE (state, SLUICE_STAGE_DISPATCH, 0, "hedge-skipped", "%s: %s", mc->name, error->message);
      if (state->primary_failed && !state->decided)
        {
          /* Nobody is left running: go on with the chain the usual way. */
          state->chain_index = state->hedge->index;
          g_clear_pointer (&state->hedge, _sluice_pipeline_hedge_free);
          state->hedging = FALSE;
          _sluice_pipeline_dispatch_next (g_steal_pointer (&task));
          return;
        }
      g_clear_pointer (&state->hedge, _sluice_pipeline_hedge_free);
      return;
    }

  state->hedge->start_us = now_mono (state);
  sluice_provider_complete_async (provider, state->hedge->call, state->hedge->cancellable,
                                  racer_done_cb, g_steal_pointer (&task));
}

/**
 * _sluice_pipeline_start_hedge:
 * @task: the request, whose current model passed its threshold
 *
 * Starts the next model the breakers allow beside the current one.
 *
 * Returns: %FALSE when no race can start (no such model, a stream, the
 *   model is not marked "hedge"); the caller then moves on as usual
 */
gboolean
_sluice_pipeline_start_hedge (GTask *task)
{
  RequestState *state = g_task_get_task_data (task);
  const SluiceModelConfig *current = sluice_config_lookup_model (state->config,
                                                                 state->chain[state->chain_index]);
  const SluiceModelConfig *mc = NULL;
  guint index;

  if (!current->hedge || state->hedging || sluice_request_get_stream (state->request))
    return FALSE;

  for (index = state->chain_index + 1; state->chain[index] != NULL; index++)
    {
      mc = sluice_config_lookup_model (state->config, state->chain[index]);
      if (mc != NULL && g_hash_table_lookup (state->providers, mc->provider) != NULL &&
          sluice_breaker_board_admit (state->engine->breakers, mc->name, NULL) == SLUICE_BREAKER_ALLOW)
        break;
      mc = NULL;
    }
  if (mc == NULL)
    return FALSE;

  state->hedging = TRUE;
  state->hedge = g_new0 (SluiceHedge, 1);
  state->hedge->index = index;
  state->hedge->cancellable = g_cancellable_new ();
  state->hedge->call = sluice_provider_call_new (state->request, mc->upstream);
  state->hedge->call->timeout_ms = sluice_config_lookup_provider (state->config, mc->provider)->timeout_ms;
  if (g_task_get_cancellable (task) != NULL)
    g_cancellable_connect (g_task_get_cancellable (task), G_CALLBACK (g_cancellable_cancel),
                           g_object_ref (state->hedge->cancellable), g_object_unref);
  TRACE (state, SLUICE_STAGE_DISPATCH, 0, "hedge",
         "%s gave no answer within its %u ms threshold; racing %s beside it",
         current->name, current->latency_threshold_ms, mc->name);
  sluice_limiter_reserve_async (state->limiter, sluice_request_get_user (state->request), mc->name,
                                state->estimate_in,
                                sluice_request_get_max_tokens (state->request) > 0
                                ? sluice_request_get_max_tokens (state->request)
                                : mc->max_output_tokens,
                                NULL, racer_reserved_cb, g_object_ref (task));
  return TRUE;
}

/**
 * _sluice_pipeline_race_primary_done:
 * @task: the request; the caller's reference
 * @answered: whether the primary answered
 *
 * Called when the primary's call comes back while a race may be on.
 *
 * Returns: %TRUE when the race took care of it (the caller's reference was
 *   dropped, or it lost), %FALSE when the caller goes on as usual
 */
gboolean
_sluice_pipeline_race_primary_done (GTask    *task,
                                    gboolean  answered)
{
  RequestState *state = g_task_get_task_data (task);

  if (state->primary_lost)
    {
      g_object_unref (task);
      return TRUE;
    }
  if (state->hedge == NULL || answered)
    return FALSE;

  /* The primary failed while its racer runs: the racer decides. */
  state->primary_failed = TRUE;
  if (state->reservation != NULL)
    sluice_reservation_release (state->reservation);
  g_clear_object (&state->reservation);
  TRACE (state, SLUICE_STAGE_DISPATCH, 0, "hedge-wait",
         "%s failed; waiting for %s", state->chain[state->chain_index],
         state->chain[state->hedge->index]);
  g_object_unref (task);
  return TRUE;
}
