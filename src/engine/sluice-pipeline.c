/* sluice-pipeline.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-pipeline"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sluice-deprecation.h"
#include "sluice-pipeline-private.h"

/* One request's journey, as DESIGN.md names the stages: admit, route,
 * cache, dispatch, settle, degrade. Every stage appends to the trace. The
 * request keeps the config and providers that were in force when it was
 * admitted, so a config applied meanwhile never changes a request half-way. */


static void
request_state_free (gpointer data)
{
  RequestState *state = data;

  g_clear_object (&state->engine);
  g_clear_object (&state->request);
  g_clear_object (&state->config);
  g_clear_pointer (&state->providers, g_hash_table_unref);
  g_clear_pointer (&state->trace, sluice_trace_unref);
  g_clear_object (&state->response);
  g_clear_pointer (&state->chain, g_strfreev);
  g_clear_pointer (&state->call, sluice_provider_call_free);
  g_clear_pointer (&state->hedge, _sluice_pipeline_hedge_free);
  if (state->reservation != NULL)
    sluice_reservation_release (state->reservation);
  g_clear_object (&state->reservation);
  g_clear_object (&state->limiter);
  g_clear_object (&state->cache);
  g_free (state->refusal);
  g_clear_object (&state->attempt_cancellable);
  if (state->threshold_cancellable != NULL)
    g_cancellable_cancel (state->threshold_cancellable);
  g_clear_object (&state->threshold_cancellable);
  if (state->failures != NULL)
    g_string_free (state->failures, TRUE);
  g_free (state);
}

/* settle */

#define INLINE_COMMIT_MAX_IN_FLIGHT 2

/* Consumes @task; @error is why the row was not committed, if it was not. */
static void
ledger_committed (GTask        *task_in,
                  const GError *error)
{
  g_autoptr(GTask) task = task_in;
  RequestState *state = g_task_get_task_data (task);

  if (error != NULL)
    {
      g_warning ("Request %s: the ledger row was not committed: %s",
                 state->response->request_id, error->message);
      TRACE (state, SLUICE_STAGE_SETTLE, 0, "ledger", "not committed: %s", error->message);
    }

  sluice_metrics_record_request (state->engine->metrics, state->response);
  sluice_observer_record (state->engine->observer, state->request, state->response);
  g_task_return_pointer (task, g_object_ref (state->response), g_object_unref);
}

/* With more requests in flight, the rows settled during one main-loop
 * turn are committed together at the start of the next, on this thread
 * when the writer is idle (one transaction), else through its queue. */
typedef struct
{
  SluiceEngine *engine;
  GPtrArray    *rows;
  GPtrArray    *tasks;
} LedgerBatch;

static void ledger_committed_cb (GObject      *object,
                                 GAsyncResult *result,
                                 gpointer      user_data);

static void
ledger_batch_free (gpointer data)
{
  LedgerBatch *batch = data;

  g_object_unref (batch->engine);
  g_ptr_array_unref (batch->rows);
  g_ptr_array_unref (batch->tasks);
  g_free (batch);
}

static gboolean
ledger_batch_flush_cb (gpointer data)
{
  LedgerBatch *batch = data;
  SluiceStore *store = batch->engine->store;
  g_autoptr(GError) error = NULL;
  int done;

  if (batch->engine->ledger_batch == batch)
    batch->engine->ledger_batch = NULL;
  done = sluice_store_append_ledger_rows_now (store, batch->rows, &error);
  for (guint i = 0; i < batch->tasks->len; i++)
    {
      GTask *task = g_ptr_array_index (batch->tasks, i);

      if (done != 0)
        ledger_committed (task, error);
      else
        sluice_store_append_ledger_async (store, g_ptr_array_index (batch->rows, i), NULL,
                                          ledger_committed_cb, task);
    }
  g_ptr_array_set_size (batch->tasks, 0);
  return G_SOURCE_REMOVE;
}

/* Consumes @task and @row. */
static void
ledger_batch_add (GTask           *task,
                  SluiceLedgerRow *row)
{
  RequestState *state = g_task_get_task_data (task);
  SluiceEngine *engine = state->engine;
  LedgerBatch *batch = engine->ledger_batch;

  if (batch == NULL)
    {
      g_autoptr(GSource) source = g_idle_source_new ();

      batch = g_new0 (LedgerBatch, 1);
      batch->engine = g_object_ref (engine);
      batch->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) sluice_ledger_row_free);
      batch->tasks = g_ptr_array_new ();
      engine->ledger_batch = batch;
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, ledger_batch_flush_cb, batch, ledger_batch_free);
      g_source_set_static_name (source, "[sluice] ledger batch");
      g_source_attach (source, g_task_get_context (task));
    }
  g_ptr_array_add (batch->rows, row);
  g_ptr_array_add (batch->tasks, task);
}

static void
ledger_committed_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (sluice_store_append_ledger_finish (SLUICE_STORE (object), result, &error) <= 0 &&
      error == NULL)
    g_set_error_literal (&error, SLUICE_STORE_ERROR, SLUICE_STORE_ERROR_SQL, "no row id");
  ledger_committed (user_data, error);
}

static char *
messages_json (SluiceRequest *request)
{
  GPtrArray *messages = sluice_request_get_messages (request);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (b);
  for (guint i = 0; i < messages->len; i++)
    {
      const SluiceMessage *m = g_ptr_array_index (messages, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "role");
      json_builder_add_string_value (b, sluice_role_to_string (sluice_message_get_role (m)));
      json_builder_set_member_name (b, "content");
      json_builder_add_string_value (b, sluice_message_get_content (m));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

void
_sluice_pipeline_settle (GTask *task)
{
  RequestState *state = g_task_get_task_data (task);
  SluiceResponse *r = state->response;
  g_autoptr(SluiceLedgerRow) row = sluice_ledger_row_new ();
  g_autoptr(GError) error = NULL;
  gint64 now = now_mono (state);
  gint64 id;

  r->latency_us = now - state->start_us;
  r->overhead_us = MAX (0, r->latency_us - state->outside_us);
  TRACE (state, SLUICE_STAGE_SETTLE, 0, "settle",
         "%s in %.1f ms (%.3f ms in Sluice); %" G_GINT64_FORMAT " tokens in, %"
         G_GINT64_FORMAT " out; $%.6f",
         sluice_request_status_to_string (r->status), r->latency_us / 1000.0,
         r->overhead_us / 1000.0, r->usage.input_tokens, r->usage.output_tokens,
         r->cost_usd);

  row->time_us = state->admitted_at;
  row->request_id = g_strdup (r->request_id);
  row->user = g_strdup (sluice_request_get_user (state->request));
  row->task = g_strdup (sluice_request_get_task (state->request));
  row->route = g_strdup (r->route);
  row->model = g_strdup (r->model);
  row->provider = g_strdup (r->provider);
  row->tokens_in = r->usage.input_tokens;
  row->tokens_cached = r->usage.cached_input_tokens;
  row->tokens_out = r->usage.output_tokens;
  row->cost_usd = r->cost_usd;
  row->latency_us = r->latency_us;
  row->ttft_us = r->ttft_us;
  row->cache = r->cache_status;
  row->fallback_depth = r->fallback_depth;
  row->status = r->status;
  row->error_class = r->error_class;
  row->prompt = messages_json (state->request);
  row->answer = g_strdup (r->content);
  row->trace = sluice_trace_to_json (state->trace);

  /* With few requests in flight, or while answers are paced one per
   * main-loop iteration, the row is committed here and now (when the
   * writer is idle), saving two thread hops; with more on a busy loop,
   * answers come in bursts, and the rows of one main-loop turn go
   * together. */
  if (sluice_metrics_get_in_flight (state->engine->metrics) > INLINE_COMMIT_MAX_IN_FLIGHT &&
      !_sluice_pipeline_pacing (state->engine))
    {
      ledger_batch_add (task, g_steal_pointer (&row));
      return;
    }
  id = sluice_store_append_ledger_now (state->engine->store, row, &error);
  if (id != 0)
    {
      ledger_committed (task, error);
      return;
    }
  sluice_store_append_ledger_async (state->engine->store, row, NULL,
                                    ledger_committed_cb, task);
}

void
_sluice_pipeline_fail_request (GTask               *task,
                               SluiceRequestStatus  status,
                               SluiceErrorClass     error_class,
                               const char          *message)
{
  RequestState *state = g_task_get_task_data (task);

  state->response->status = status;
  state->response->error_class = error_class;
  g_free (state->response->error_message);
  state->response->error_message = g_strdup (message);
  _sluice_pipeline_settle (task);
}

/* A cancelled request is still settled, so its ledger row and the in-flight
 * count stay true; GTask then hands the caller the cancellation. */
void
_sluice_pipeline_cancelled (GTask      *task,
                            const char *model)
{
  RequestState *state = g_task_get_task_data (task);

  TRACE (state, SLUICE_STAGE_DISPATCH, 0, "cancelled", "cancelled by the caller during %s", model);
  _sluice_pipeline_fail_request (task, SLUICE_REQUEST_STATUS_ERROR, SLUICE_ERROR_CLASS_NONE,
                                 _("Cancelled by the caller"));
}

/* A retired model's traffic goes to its replacement (sluice-deprecation.c);
 * a replacement already in the chain is not tried twice. */
static void
substitute_retired (RequestState *state)
{
  gint64 now = sluice_clock_now_us (state->engine->clock);
  g_autoptr(GStrvBuilder) kept = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean changed = FALSE;

  for (guint i = 0; state->chain[i] != NULL; i++)
    {
      const SluiceModelConfig *mc = sluice_config_lookup_model (state->config, state->chain[i]);
      const SluiceModelConfig *instead = sluice_deprecation_substitute (state->config,
                                                                        state->chain[i], now);
      const char *name = instead != NULL ? instead->name : state->chain[i];

      if (instead != NULL)
        {
          TRACE (state, SLUICE_STAGE_ROUTE, 0, "deprecated",
                 "%s retired on %s; its replacement %s takes its place",
                 state->chain[i], mc->retires, instead->name);
          changed = TRUE;
        }
      if (g_hash_table_contains (seen, name))
        {
          changed = TRUE;
          continue;
        }
      g_hash_table_add (seen, (gpointer) name);
      g_strv_builder_add (kept, name);
    }
  if (changed)
    {
      g_strfreev (state->chain);
      state->chain = g_strv_builder_end (kept);
    }
}

/* route: the router decides (sluice-router.c); the trace says why. A
 * rule's caps apply to a copy of the request, which is what travels on. */

static gboolean
route (RequestState  *state,
       GError       **error)
{
  g_autoptr(SluiceRouteDecision) decision = NULL;
  g_autoptr(SluiceRequest) effective = NULL;
  g_autofree char *models = NULL;
  g_autofree char *why = NULL;

  decision = _sluice_engine_decide_route (state->engine, state->config, state->limiter,
                                          state->request, state->estimate_in, error);
  if (decision == NULL)
    return FALSE;

  state->chain = g_strdupv ((char **) sluice_route_decision_get_models (decision));
  state->response->route = g_strdup (sluice_route_decision_get_chain (decision));
  substitute_retired (state);
  models = g_strjoinv (" → ", state->chain);
  why = sluice_route_decision_dup_summary (decision);
  TRACE (state, SLUICE_STAGE_ROUTE, 0, "route", "chain “%s” (%s): %s",
         state->response->route, models, why);

  effective = sluice_router_effective_request (decision, state->request);
  if (effective != state->request)
    {
      TRACE (state, SLUICE_STAGE_ROUTE, 0, "caps",
             "dispatched with max_tokens %" G_GINT64_FORMAT " and temperature %.2f "
             "(the caller's request is unchanged)",
             sluice_request_get_max_tokens (effective),
             sluice_request_get_temperature (effective));
      g_set_object (&state->request, effective);
    }
  return TRUE;
}

/* admit */

static gboolean
admit (RequestState  *state,
       GError       **error)
{
  GPtrArray *messages = sluice_request_get_messages (state->request);
  double temperature = sluice_request_get_temperature (state->request);
  gint64 max_tokens = sluice_request_get_max_tokens (state->request);
  gboolean has_user = FALSE;

  for (guint i = 0; i < messages->len; i++)
    {
      if (sluice_message_get_role (g_ptr_array_index (messages, i)) == SLUICE_ROLE_USER)
        has_user = TRUE;
    }
  if (!has_user)
    {
      g_set_error_literal (error, SLUICE_ENGINE_ERROR, SLUICE_ENGINE_ERROR_INVALID_REQUEST,
                           _("The request has no user message"));
      return FALSE;
    }
  if (temperature > 2.0)
    {
      g_set_error (error, SLUICE_ENGINE_ERROR, SLUICE_ENGINE_ERROR_INVALID_REQUEST,
                   _("Temperature %.2f is out of range (0 to 2)"), temperature);
      return FALSE;
    }

  state->estimate_in = sluice_tokenizer_estimate_request (sluice_limiter_get_tokenizer (state->limiter),
                                                         state->request, 0, NULL);
  TRACE (state, SLUICE_STAGE_ADMIT, 0, "admit",
         "%u messages, ~%" G_GINT64_FORMAT " input tokens estimated, %" G_GINT64_FORMAT
         " output tokens asked for", messages->len, state->estimate_in, max_tokens);
  return TRUE;
}


static gboolean
storm_guard_passes (GTask *task)
{
  RequestState *state = g_task_get_task_data (task);
  const SluiceStormGuardConfig *storm = sluice_config_get_storm_guard (state->config);
  g_autofree char *message = NULL;
  gint64 retry_at = 0;
  guint seen = 0;

  if (sluice_storm_guard_check (state->engine->storm_guard, state->request, &seen, &retry_at))
    return TRUE;

  message = g_strdup_printf (_("The same prompt came from the same user %u times within %u s "
                               "(the limit is %u); it is refused for the next %.0f s"),
                             seen, storm->window_s, storm->max_repeats,
                             MAX (0, retry_at - now_mono (state)) / 1e6);
  TRACE (state, SLUICE_STAGE_ADMIT, 0, "storm-guard", "%s", message);
  state->response->retry_after_ms = MAX (0, retry_at - now_mono (state)) / 1000;
  _sluice_pipeline_fail_request (g_object_ref (task), SLUICE_REQUEST_STATUS_REFUSED, SLUICE_ERROR_CLASS_NONE, message);
  return FALSE;
}

/* cache */

/* Consumes @task. */
static void
cache_looked_up (GTask             *task,
                 SluiceCacheResult *found)
{
  RequestState *state = g_task_get_task_data (task);

  state->response->cache_status = found->status;
  TRACE (state, SLUICE_STAGE_CACHE, 0, "cache", "%s", found->detail);
  if (state->policy != NULL && found->status != SLUICE_CACHE_STATUS_NONE)
    sluice_metrics_note_cache_lookup (state->engine->metrics, state->policy->task,
                                      found->status == SLUICE_CACHE_STATUS_EXACT ||
                                      found->status == SLUICE_CACHE_STATUS_SEMANTIC);
  if ((found->status == SLUICE_CACHE_STATUS_EXACT || found->status == SLUICE_CACHE_STATUS_SEMANTIC) &&
      _sluice_pipeline_serve_entry (task, found))
    {
      _sluice_pipeline_settle (task);
      return;
    }
  _sluice_pipeline_dispatch_next (task);
}

static void
cache_looked_up_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(SluiceCacheResult) found = NULL;
  g_autoptr(GError) error = NULL;

  found = sluice_cache_lookup_finish (SLUICE_CACHE (object), result, &error);
  if (found == NULL)
    {
      _sluice_pipeline_cancelled (task, "the cache lookup");
      return;
    }
  cache_looked_up (task, found);
}

static void
consult_cache (GTask *task)
{
  RequestState *state = g_task_get_task_data (task);
  const char *task_type = sluice_request_get_task (state->request);
  g_autoptr(SluiceCacheResult) found = NULL;
  SluiceCacheQuery query;

  state->policy = task_type != NULL ? sluice_config_lookup_ttl_policy (state->config, task_type)
                                    : NULL;
  _sluice_pipeline_fill_query (state, &query);
  /* Memory answers most lookups: no main-loop turn for those. */
  found = sluice_cache_lookup_start (state->cache, &query, FALSE, g_task_get_cancellable (task),
                                     cache_looked_up_cb, task);
  if (found != NULL)
    cache_looked_up (task, found);
}

void
_sluice_engine_run_pipeline (SluiceEngine    *self,
                             SluiceRequest   *request,
                             SluiceDeltaFunc  on_delta,
                             gpointer         on_delta_data,
                             GTask           *task)
{
  _sluice_engine_run_pipeline_full (self, request, on_delta, NULL, on_delta_data, task);
}

void
_sluice_engine_run_pipeline_full (SluiceEngine       *self,
                                  SluiceRequest      *request,
                                  SluiceDeltaFunc     on_delta,
                                  SluiceDispatchFunc  on_dispatch,
                                  gpointer            on_delta_data,
                                  GTask              *task)
{
  RequestState *state = g_new0 (RequestState, 1);
  g_autofree char *request_id = sluice_request_get_id (request) != NULL
                                ? g_strdup (sluice_request_get_id (request))
                                : sluice_request_new_id ();
  g_autoptr(GError) error = NULL;

  state->engine = g_object_ref (self);
  state->request = g_object_ref (request);
  g_mutex_lock (&self->mutex);
  state->config = g_object_ref (self->config);
  state->providers = g_hash_table_ref (self->providers);
  state->limiter = g_object_ref (self->limiter);
  state->cache = g_object_ref (self->cache);
  g_mutex_unlock (&self->mutex);
  state->on_delta = on_delta;
  state->on_dispatch = on_dispatch;
  state->on_delta_data = on_delta_data;
  state->retry_at = -1;
  state->start_us = sluice_clock_monotonic_us (self->clock);
  state->admitted_at = sluice_clock_now_us (self->clock);
  state->deadline_us = state->start_us +
                       (gint64) sluice_config_get_retry (state->config)->deadline_ms * 1000;
  state->trace = sluice_trace_new (state->start_us);
  state->response = _sluice_response_new (request_id, state->trace);
  state->response->status = SLUICE_REQUEST_STATUS_ERROR;
  state->failures = g_string_new (NULL);
  g_task_set_task_data (task, state, request_state_free);

  if (!admit (state, &error) || !route (state, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  sluice_metrics_request_started (self->metrics);
  sluice_retry_budget_record_request (self->retry_budget);
  self->n_requests++;
  if (!storm_guard_passes (task))
    return;

  consult_cache (g_object_ref (task));
}
