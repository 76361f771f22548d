/* sluice-pipeline.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-pipeline"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sluice-deprecation.h"
#include "sluice-engine-private.h"
#include "sluice-request-private.h"

/* One request's journey, as DESIGN.md names the stages: admit, route,
 * cache, dispatch, settle, degrade. Every stage appends to the trace. The
 * request keeps the config and providers that were in force when it was
 * admitted, so a config applied meanwhile never changes a request half-way. */

typedef struct
{
  SluiceEngine       *engine;
  SluiceRequest      *request;
  SluiceConfig       *config;
  GHashTable         *providers;
  SluiceTrace        *trace;
  SluiceResponse     *response;
  SluiceDeltaFunc     on_delta;
  gpointer            on_delta_data;
  gint64              start_us;      /* monotonic */
  gint64              admitted_at;   /* wall clock */
  gint64              deadline_us;   /* monotonic */
  gint64              estimate_in;
  char              **chain;
  guint               chain_index;
  guint               attempt;
  SluiceProviderCall *call;
  gint64              call_start_us;
  gint64              outside_us;    /* provider calls and waits */
  gboolean            streamed;
  SluiceLimiter      *limiter;
  SluiceCache        *cache;
  const SluiceTtlPolicy *policy;     /* the task's cache policy, or NULL */
  SluiceReservation  *reservation;   /* the current model's, if any */
  gint64              reserved_out;  /* output tokens it covers */
  gsize               streamed_bytes;
  gboolean            budget_cut;    /* the budget ran out mid-stream */
  char               *refusal;       /* the last limit's refusal */
  gint64              retry_at;      /* wall clock: the limits' earliest room, or -1 */
  SluiceDispatchFunc  on_dispatch;   /* told what answers, before the first delta */
  gboolean            dispatched;
  gboolean            probe;         /* this attempt is a breaker's probe */
  gboolean            too_slow;      /* the latency threshold fired */
  GCancellable       *attempt_cancellable;
  GCancellable       *threshold_cancellable;
  GString            *failures;
} RequestState;

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

static gint64
now_mono (RequestState *state)
{
  return sluice_clock_monotonic_us (state->engine->clock);
}

/* How long a provider's rate-limit headers are trusted when they carry no
 * reset time of their own. */
#define PROVIDER_WINDOW_MS 1000

#define TRACE(state, stage, duration, what, ...) \
  sluice_trace_add ((state)->trace, (stage), now_mono (state), (duration), (what), __VA_ARGS__)



static gboolean
request_cancelled (GTask *task)
{
  GCancellable *cancellable = g_task_get_cancellable (task);

  return cancellable != NULL && g_cancellable_is_cancelled (cancellable);
}

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

/* cache entries: what is kept of an answer, and how one is served */

static void
fill_query (RequestState     *state,
            SluiceCacheQuery *query)
{
  memset (query, 0, sizeof *query);
  query->scope = sluice_request_get_user (state->request);
  query->model = state->response->route;
  query->messages = sluice_request_get_messages (state->request);
  query->temperature = MAX (sluice_request_get_temperature (state->request), 0);
  query->policy = state->policy;
  query->cache_control = sluice_request_get_cache_control (state->request);
}

static char *
payload_for (SluiceResponse *r)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "content");
  json_builder_add_string_value (b, r->content);
  json_builder_set_member_name (b, "finish_reason");
  json_builder_add_string_value (b, r->finish_reason);
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, r->model);
  json_builder_set_member_name (b, "provider");
  json_builder_add_string_value (b, r->provider);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* Keeps a fresh answer for the next request like it; nothing waits on it. */
static void
store_answer (RequestState *state)
{
  SluiceResponse *r = state->response;
  g_autofree char *payload = NULL;
  SluiceCacheQuery query;

  if (state->policy == NULL || state->policy->tier == SLUICE_CACHE_TIER_NONE ||
      r->status != SLUICE_REQUEST_STATUS_OK || r->cache_status == SLUICE_CACHE_STATUS_EXACT ||
      r->cache_status == SLUICE_CACHE_STATUS_SEMANTIC || g_strcmp0 (r->finish_reason, "stop") != 0)
    return;

  fill_query (state, &query);
  payload = payload_for (r);
  sluice_cache_store_async (state->cache, &query, payload,
                            r->usage.input_tokens + r->usage.output_tokens, r->cost_usd,
                            NULL, NULL, NULL);
}

/* Tells the caller, once and before the first streamed text, what is
 * answering: a gateway sends it in its response headers. */
static void
notify_dispatch (RequestState *state,
                 const char   *model,
                 const char   *provider)
{
  SluiceDispatchInfo info;

  if (state->on_dispatch == NULL || state->dispatched)
    return;
  state->dispatched = TRUE;
  info.request_id = state->response->request_id;
  info.route = state->response->route;
  info.model = model;
  info.provider = provider;
  info.cache_status = state->response->cache_status;
  info.fallback_depth = state->chain != NULL ? state->chain_index : 0;
  state->on_dispatch (&info, state->on_delta_data);
}

/* Answers from a cache entry: the request costs nothing and calls nobody. */
static gboolean
serve_entry (GTask             *task,
             SluiceCacheResult *result)
{
  RequestState *state = g_task_get_task_data (task);
  SluiceResponse *r = state->response;
  g_autoptr(JsonNode) node = json_from_string (result->entry->payload, NULL);
  JsonObject *object;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  object = json_node_get_object (node);
  r->content = g_strdup (json_object_get_string_member_with_default (object, "content", ""));
  r->finish_reason = g_strdup (json_object_get_string_member_with_default (object, "finish_reason", "stop"));
  r->model = g_strdup (json_object_get_string_member_with_default (object, "model", NULL));
  r->provider = g_strdup (json_object_get_string_member_with_default (object, "provider", NULL));
  r->cache_status = result->status;
  r->status = result->status == SLUICE_CACHE_STATUS_STALE ? SLUICE_REQUEST_STATUS_DEGRADED
                                                          : SLUICE_REQUEST_STATUS_OK;
  r->error_class = SLUICE_ERROR_CLASS_NONE;
  r->ttft_us = now_mono (state) - state->start_us;
  notify_dispatch (state, r->model, r->provider);
  if (state->on_delta != NULL && sluice_request_get_stream (state->request))
    state->on_delta (r->content, state->on_delta_data);
  return TRUE;
}

/* Ownership: the functions of the dispatch chain below each take over one
 * reference to the task (the request's own), which the last of them drops
 * once the ledger row is committed and the response returned. */

/* settle */

static void
ledger_committed_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RequestState *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (sluice_store_append_ledger_finish (SLUICE_STORE (object), result, &error) <= 0)
    {
      g_warning ("Request %s: the ledger row was not committed: %s",
                 state->response->request_id, error->message);
      TRACE (state, SLUICE_STAGE_SETTLE, 0, "ledger", "not committed: %s", error->message);
    }

  sluice_metrics_record_request (state->engine->metrics, state->response);
  sluice_observer_record (state->engine->observer, state->request, state->response);
  g_task_return_pointer (task, g_object_ref (state->response), g_object_unref);
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

static void
settle (GTask *task)
{
  RequestState *state = g_task_get_task_data (task);
  SluiceResponse *r = state->response;
  g_autoptr(SluiceLedgerRow) row = sluice_ledger_row_new ();
  gint64 now = now_mono (state);

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

  sluice_store_append_ledger_async (state->engine->store, row, NULL,
                                    ledger_committed_cb, task);
}

static void
fail_request (GTask               *task,
              SluiceRequestStatus  status,
              SluiceErrorClass     error_class,
              const char          *message)
{
  RequestState *state = g_task_get_task_data (task);

  state->response->status = status;
  state->response->error_class = error_class;
  g_free (state->response->error_message);
  state->response->error_message = g_strdup (message);
  settle (task);
}

/* A cancelled request is still settled, so its ledger row and the in-flight
 * count stay true; GTask then hands the caller the cancellation. */
static void
cancelled (GTask      *task,
           const char *model)
{
  RequestState *state = g_task_get_task_data (task);

  TRACE (state, SLUICE_STAGE_DISPATCH, 0, "cancelled", "cancelled by the caller during %s", model);
  fail_request (task, SLUICE_REQUEST_STATUS_ERROR, SLUICE_ERROR_CLASS_NONE,
                _("Cancelled by the caller"));
}

/* degrade */

static void give_up (GTask *task);

/* A static answer from the config's degradation rules, first match wins:
 * better than an error for questions with a standing answer. */
static gboolean
serve_static (RequestState *state,
              const char   *failure)
{
  const char *task_type = sluice_request_get_task (state->request);
  GPtrArray *messages = sluice_request_get_messages (state->request);
  g_autofree char *folded = NULL;

  for (guint i = messages->len; i > 0 && folded == NULL; i--)
    {
      const SluiceMessage *m = g_ptr_array_index (messages, i - 1);

      if (sluice_message_get_role (m) == SLUICE_ROLE_USER)
        folded = g_utf8_casefold (sluice_message_get_content (m), -1);
    }

  for (guint i = 0; i < sluice_config_get_n_static_responses (state->config); i++)
    {
      const SluiceStaticResponse *sr = sluice_config_get_static_response (state->config, i);
      g_autofree char *match = sr->match != NULL ? g_utf8_casefold (sr->match, -1) : NULL;

      if (sr->tasks != NULL &&
          (task_type == NULL || !g_strv_contains ((const char * const *) sr->tasks, task_type)))
        continue;
      if (match != NULL && (folded == NULL || strstr (folded, match) == NULL))
        continue;

      TRACE (state, SLUICE_STAGE_DEGRADE, 0, "static",
             "every model failed; answering with static response “%s”", sr->name);
      state->response->status = SLUICE_REQUEST_STATUS_DEGRADED;
      state->response->content = g_strdup (sr->content);
      state->response->finish_reason = g_strdup ("stop");
      state->response->error_message = g_strdup (failure);
      if (state->on_delta != NULL && sluice_request_get_stream (state->request))
        state->on_delta (sr->content, state->on_delta_data);
      return TRUE;
    }
  return FALSE;
}

static void
deferred_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RequestState *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *job_id = NULL;

  job_id = sluice_deferred_queue_enqueue_finish (SLUICE_DEFERRED_QUEUE (object), result, &error);
  if (job_id == NULL)
    {
      TRACE (state, SLUICE_STAGE_DEGRADE, 0, "fail", "the request could not be queued: %s",
             error->message);
      fail_request (g_steal_pointer (&task), SLUICE_REQUEST_STATUS_ERROR,
                    state->response->error_class, state->response->error_message);
      return;
    }
  TRACE (state, SLUICE_STAGE_DEGRADE, 0, "deferred",
         "every model failed; queued as job %s, retried when a provider recovers", job_id);
  state->response->job_id = g_steal_pointer (&job_id);
  state->response->status = SLUICE_REQUEST_STATUS_DEFERRED;
  _sluice_engine_ensure_deferred_tick (state->engine);
  settle (g_steal_pointer (&task));
}

/* A deferrable request is kept and answered later: the caller gets the job
 * id now, and the job runs again when a breaker closes. */
static void
defer (GTask      *task,
       const char *failure)
{
  RequestState *state = g_task_get_task_data (task);

  g_free (state->response->error_message);
  state->response->error_message = g_strdup (failure);
  sluice_deferred_queue_enqueue_async (state->engine->deferred, state->request, failure, NULL,
                                       deferred_cb, task);
}

static void
stale_looked_up_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RequestState *state = g_task_get_task_data (task);
  g_autoptr(SluiceCacheResult) found = NULL;

  found = sluice_cache_lookup_finish (SLUICE_CACHE (object), result, NULL);
  if (found != NULL && found->status == SLUICE_CACHE_STATUS_STALE && serve_entry (task, found))
    {
      TRACE (state, SLUICE_STAGE_DEGRADE, 0, "stale",
             "every model failed; serving an expired answer marked stale (%s)", found->detail);
      g_free (state->response->error_message);
      state->response->error_message = g_strdup (state->failures->str);
      settle (g_steal_pointer (&task));
      return;
    }
  give_up (g_steal_pointer (&task));
}

/* When every model failed, an expired answer to the same question is
 * better than none; it goes out marked stale. */
static void
degrade (GTask *task)
{
  RequestState *state = g_task_get_task_data (task);
  SluiceCacheQuery query;

  if (state->policy != NULL && state->policy->tier != SLUICE_CACHE_TIER_NONE &&
      state->response->error_class != SLUICE_ERROR_CLASS_NONE)
    {
      fill_query (state, &query);
      sluice_cache_lookup_async (state->cache, &query, TRUE, NULL, stale_looked_up_cb, task);
      return;
    }
  give_up (task);
}

static void
give_up (GTask *task)
{
  RequestState *state = g_task_get_task_data (task);
  g_autofree char *message = NULL;

  /* Only limits said no, and no provider failed: the caller should come
   * back later (429), not think the providers are down (503). */
  if (state->refusal != NULL && state->response->error_class == SLUICE_ERROR_CLASS_NONE)
    {
      message = g_strdup_printf (_("Limits refused every model of chain “%s”: %s"),
                                 state->response->route, state->failures->str);
      TRACE (state, SLUICE_STAGE_DEGRADE, 0, "refuse", "%s", message);
      if (state->retry_at >= 0)
        state->response->retry_after_ms =
          MAX (0, state->retry_at - sluice_clock_now_us (state->engine->clock)) / 1000;
      fail_request (task, SLUICE_REQUEST_STATUS_REFUSED, SLUICE_ERROR_CLASS_NONE, message);
      return;
    }

  message = g_strdup_printf (_("Every model of chain “%s” failed: %s"),
                             state->response->route,
                             state->failures->len > 0 ? state->failures->str
                                                      : _("no model could be tried"));
  if (serve_static (state, message))
    {
      settle (task);
      return;
    }
  if (sluice_request_get_deferrable (state->request))
    {
      defer (task, message);
      return;
    }
  TRACE (state, SLUICE_STAGE_DEGRADE, 0, "fail", "%s", message);
  fail_request (task, SLUICE_REQUEST_STATUS_ERROR, state->response->error_class, message);
}

/* dispatch */

static void dispatch_next (GTask *task);
static void dispatch_attempt (GTask *task);
static void stop_threshold (RequestState *state);

static double
cost_of (const SluiceModelConfig *mc,
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

      notify_dispatch (state, model,
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

      cancelled (g_steal_pointer (&task), state->chain[state->chain_index]);
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
      fail_request (task, SLUICE_REQUEST_STATUS_ERROR, klass, error->message);
      return;
    }

  if (klass == SLUICE_ERROR_CLASS_AUTH || klass == SLUICE_ERROR_CLASS_BAD_REQUEST)
    {
      TRACE (state, SLUICE_STAGE_DISPATCH, 0, "give-up",
             "%s is not worth retrying or falling back", sluice_error_class_to_string (klass));
      fail_request (task, SLUICE_REQUEST_STATUS_ERROR, klass, error->message);
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
  dispatch_next (task);
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
  r->cost_usd = cost_of (mc, &r->usage);
  r->fallback_depth = state->chain_index;
  settle_reservation (state, &r->usage, r->cost_usd);
  message = g_strdup_printf (_("The stream was cut after about %" G_GINT64_FORMAT
                               " output tokens: the budget ran out"), r->usage.output_tokens);
  TRACE (state, SLUICE_STAGE_DISPATCH, 0, "budget-cut", "%s", message);
  fail_request (task, SLUICE_REQUEST_STATUS_REFUSED, SLUICE_ERROR_CLASS_NONE, message);
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
  dispatch_next (task);
}

static void
attempt_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  SluiceProvider *provider = SLUICE_PROVIDER (object);
  g_autoptr(GTask) task = user_data;
  RequestState *state = g_task_get_task_data (task);
  const char *model = state->chain[state->chain_index];
  const SluiceModelConfig *mc = sluice_config_lookup_model (state->config, model);
  g_autoptr(SluiceCompletion) completion = NULL;
  g_autoptr(GError) error = NULL;
  gint64 duration = now_mono (state) - state->call_start_us;
  SluiceResponse *r = state->response;

  state->outside_us += duration;
  stop_threshold (state);
  completion = sluice_provider_complete_finish (provider, result, &error);

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
      cancelled (g_steal_pointer (&task), model);
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
                              completion != NULL ? cost_of (mc, &completion->usage) : 0);

  if (completion == NULL)
    {
      TRACE (state, SLUICE_STAGE_DISPATCH, duration, "attempt",
             "%s via %s, try %u: %s", model, sluice_provider_get_name (provider),
             state->attempt, error->message);
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
  r->cost_usd = cost_of (mc, &completion->usage);
  r->ttft_us = state->call->ttft_us >= 0
               ? state->call_start_us - state->start_us + state->call->ttft_us : -1;
  r->fallback_depth = state->chain_index;
  settle_reservation (state, &completion->usage, r->cost_usd);
  store_answer (state);
  settle (g_steal_pointer (&task));
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
      state->attempt_cancellable != NULL)
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

static void
dispatch_next (GTask *task)
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

  degrade (task);
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
      cancelled (g_steal_pointer (&task), state->chain[state->chain_index]);
      return;
    }
  reserve (g_steal_pointer (&task),
           sluice_config_lookup_model (state->config, state->chain[state->chain_index]));
}

static void
reserved_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RequestState *state = g_task_get_task_data (task);
  const char *model = state->chain[state->chain_index];
  g_autoptr(SluiceReservation) reservation = NULL;
  g_autoptr(GError) error = NULL;
  gint64 retry_at = -1, wait;

  reservation = sluice_limiter_reserve_finish (SLUICE_LIMITER (object), result, &retry_at, &error);
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
      cancelled (g_steal_pointer (&task), model);
      return;
    }

  g_free (state->refusal);
  state->refusal = g_strdup (error->message);
  if (g_error_matches (error, SLUICE_LIMIT_ERROR, SLUICE_LIMIT_ERROR_TOO_LARGE) ||
      g_error_matches (error, SLUICE_LIMIT_ERROR, SLUICE_LIMIT_ERROR_UNAVAILABLE))
    {
      TRACE (state, SLUICE_STAGE_DISPATCH, 0, "refuse", "%s", error->message);
      fail_request (g_steal_pointer (&task), SLUICE_REQUEST_STATUS_REFUSED,
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
  dispatch_next (g_steal_pointer (&task));
}

static void
reserve (GTask                   *task,
         const SluiceModelConfig *mc)
{
  RequestState *state = g_task_get_task_data (task);
  gint64 max_tokens = sluice_request_get_max_tokens (state->request);

  /* The worst case: what the caller allows, else the model's most. */
  state->reserved_out = max_tokens > 0 ? max_tokens : mc->max_output_tokens;
  sluice_limiter_reserve_async (state->limiter, sluice_request_get_user (state->request),
                                mc->name, state->estimate_in, state->reserved_out,
                                g_task_get_cancellable (task), reserved_cb, task);
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
  fail_request (g_object_ref (task), SLUICE_REQUEST_STATUS_REFUSED, SLUICE_ERROR_CLASS_NONE, message);
  return FALSE;
}

/* cache */

static void
cache_looked_up_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RequestState *state = g_task_get_task_data (task);
  g_autoptr(SluiceCacheResult) found = NULL;
  g_autoptr(GError) error = NULL;

  found = sluice_cache_lookup_finish (SLUICE_CACHE (object), result, &error);
  if (found == NULL)
    {
      cancelled (g_steal_pointer (&task), "the cache lookup");
      return;
    }

  state->response->cache_status = found->status;
  TRACE (state, SLUICE_STAGE_CACHE, 0, "cache", "%s", found->detail);
  if ((found->status == SLUICE_CACHE_STATUS_EXACT || found->status == SLUICE_CACHE_STATUS_SEMANTIC) &&
      serve_entry (task, found))
    {
      settle (g_steal_pointer (&task));
      return;
    }
  dispatch_next (g_steal_pointer (&task));
}

static void
consult_cache (GTask *task)
{
  RequestState *state = g_task_get_task_data (task);
  const char *task_type = sluice_request_get_task (state->request);
  SluiceCacheQuery query;

  state->policy = task_type != NULL ? sluice_config_lookup_ttl_policy (state->config, task_type)
                                    : NULL;
  fill_query (state, &query);
  sluice_cache_lookup_async (state->cache, &query, FALSE, g_task_get_cancellable (task),
                             cache_looked_up_cb, task);
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
