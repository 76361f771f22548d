/* sluice-engine-embed.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-embed"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sluice-engine-private.h"
#include "sluice-provider-embedder.h"

/* Embeddings through the engine: the model or chain asked for (embedding
 * models only), each model behind its breaker, one reservation of the
 * input tokens per model, retries with backoff within the retry budget and
 * the deadline, then the next model; one ledger row per call, task
 * "embeddings". There is no cache stage: an embedding is cheap and its
 * callers (the semantic cache among them) keep what they need. */

#define MAX_DIMENSIONS 8192
#define LEDGER_PROMPT_CHARS 2000

typedef struct
{
  SluiceEngine       *engine;
  SluiceConfig       *config;
  GHashTable         *providers;
  SluiceLimiter      *limiter;
  SluiceTrace        *trace;
  GStrv               inputs;
  guint               dimensions;
  char               *user;
  char               *route;
  char              **chain;
  guint               chain_index;
  guint               attempt;
  gboolean            probe;
  gint64              estimate_in;
  gint64              start_us;
  gint64              admitted_at;
  gint64              deadline_us;
  gint64              call_start_us;
  SluiceProviderCall *call;
  SluiceReservation  *reservation;
  SluiceEmbeddings   *result;
  SluiceErrorClass    error_class;
  GString            *failures;
  gboolean            refused_only;
  GError             *error;        /* what the caller gets on failure */
} EmbedState;

static void
embed_state_free (gpointer data)
{
  EmbedState *state = data;

  g_clear_object (&state->engine);
  g_clear_object (&state->config);
  g_clear_pointer (&state->providers, g_hash_table_unref);
  g_clear_object (&state->limiter);
  g_clear_pointer (&state->trace, sluice_trace_unref);
  g_strfreev (state->inputs);
  g_free (state->user);
  g_free (state->route);
  g_strfreev (state->chain);
  g_clear_pointer (&state->call, sluice_provider_call_free);
  if (state->reservation != NULL)
    sluice_reservation_release (state->reservation);
  g_clear_object (&state->reservation);
  g_clear_pointer (&state->result, sluice_embeddings_unref);
  g_string_free (state->failures, TRUE);
  g_clear_error (&state->error);
  g_free (state);
}

static gint64
now_mono (EmbedState *state)
{
  return sluice_clock_monotonic_us (state->engine->clock);
}

#define TRACE(state, stage, duration, what, ...) \
  sluice_trace_add ((state)->trace, (stage), now_mono (state), (duration), (what), __VA_ARGS__)

/* settle */

static char *
prompt_json (EmbedState *state)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  guint n = g_strv_length (state->inputs);

  if (n > 1)
    g_string_append_printf (text, "[%u inputs] ", n);
  for (guint i = 0; i < n && text->len < LEDGER_PROMPT_CHARS; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? "\n" : "", state->inputs[i]);
  if (text->len > LEDGER_PROMPT_CHARS)
    g_string_truncate (text, g_utf8_find_prev_char (text->str, text->str + LEDGER_PROMPT_CHARS)
                             - text->str);

  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, "user");
  json_builder_set_member_name (b, "content");
  json_builder_add_string_value (b, text->str);
  json_builder_end_object (b);
  json_builder_end_array (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static void
ledger_committed_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EmbedState *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (sluice_store_append_ledger_finish (SLUICE_STORE (object), result, &error) <= 0)
    g_warning ("Embeddings: the ledger row was not committed: %s", error->message);

  if (g_task_return_error_if_cancelled (task))
    return;
  if (state->result != NULL)
    g_task_return_pointer (task, g_steal_pointer (&state->result),
                           (GDestroyNotify) sluice_embeddings_unref);
  else
    g_task_return_error (task, g_steal_pointer (&state->error));
}

static void
settle (GTask               *task,
        SluiceRequestStatus  status)
{
  EmbedState *state = g_task_get_task_data (task);
  g_autoptr(SluiceLedgerRow) row = sluice_ledger_row_new ();
  SluiceEmbeddings *r = state->result;
  gint64 latency = now_mono (state) - state->start_us;

  TRACE (state, SLUICE_STAGE_SETTLE, 0, "settle", "%s in %.1f ms; %" G_GINT64_FORMAT
         " tokens in; $%.6f", sluice_request_status_to_string (status), latency / 1000.0,
         r != NULL ? r->usage.input_tokens : 0, r != NULL ? r->cost_usd : 0.0);

  row->time_us = state->admitted_at;
  row->request_id = sluice_request_new_id ();
  row->user = g_strdup (state->user);
  row->task = g_strdup ("embeddings");
  row->route = g_strdup (state->route);
  row->latency_us = latency;
  row->ttft_us = -1;
  row->cache = SLUICE_CACHE_STATUS_NONE;
  row->fallback_depth = state->chain_index;
  row->status = status;
  row->error_class = r != NULL ? SLUICE_ERROR_CLASS_NONE : state->error_class;
  row->prompt = prompt_json (state);
  row->trace = sluice_trace_to_json (state->trace);
  if (r != NULL)
    {
      r->request_id = g_strdup (row->request_id);
      row->model = g_strdup (r->model);
      row->provider = g_strdup (r->provider);
      row->tokens_in = r->usage.input_tokens;
      row->cost_usd = r->cost_usd;
      row->answer = g_strdup_printf ("%u vectors of %u dimensions", r->vectors->len,
                                     r->dimensions);
    }
  else if (state->error != NULL)
    row->answer = g_strdup (state->error->message);

  sluice_store_append_ledger_async (state->engine->store, row, NULL, ledger_committed_cb, task);
}

static void
give_up (GTask *task)
{
  EmbedState *state = g_task_get_task_data (task);
  gboolean refused = state->refused_only && state->error_class == SLUICE_ERROR_CLASS_NONE;

  if (state->error == NULL)
    state->error = g_error_new (SLUICE_ENGINE_ERROR,
                                refused ? SLUICE_ENGINE_ERROR_REFUSED
                                        : SLUICE_ENGINE_ERROR_ALL_FAILED,
                                refused ? _("Limits refused every model of “%s”: %s")
                                        : _("Every model of “%s” failed: %s"),
                                state->route,
                                state->failures->len > 0 ? state->failures->str
                                                         : _("no model could be tried"));
  TRACE (state, SLUICE_STAGE_DEGRADE, 0, "fail", "%s", state->error->message);
  settle (task, refused ? SLUICE_REQUEST_STATUS_REFUSED : SLUICE_REQUEST_STATUS_ERROR);
}

/* dispatch */

static void dispatch_next (GTask *task);
static void dispatch_attempt (GTask *task);

static void
next_model (GTask *task)
{
  EmbedState *state = g_task_get_task_data (task);

  if (state->reservation != NULL)
    sluice_reservation_release (state->reservation);
  g_clear_object (&state->reservation);
  state->chain_index++;
  dispatch_next (task);
}

static void
backoff_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;

  if (!sluice_clock_sleep_finish (SLUICE_CLOCK (object), result, NULL))
    {
      EmbedState *state = g_task_get_task_data (task);

      state->error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                          _("Cancelled by the caller"));
      settle (task, SLUICE_REQUEST_STATUS_ERROR);
      return;
    }
  dispatch_attempt (task);
}

static gboolean
is_retryable (SluiceErrorClass klass)
{
  return klass == SLUICE_ERROR_CLASS_RATE_LIMITED || klass == SLUICE_ERROR_CLASS_TIMEOUT ||
         klass == SLUICE_ERROR_CLASS_SERVER || klass == SLUICE_ERROR_CLASS_OVERLOADED ||
         klass == SLUICE_ERROR_CLASS_NETWORK || klass == SLUICE_ERROR_CLASS_MALFORMED;
}

static gboolean
try_retry (GTask      *task,
           const char *model)
{
  EmbedState *state = g_task_get_task_data (task);
  const SluiceRetryConfig *retry = sluice_config_get_retry (state->config);
  gint64 wait;

  if (!is_retryable (state->error_class) || state->attempt >= retry->max_attempts ||
      sluice_breaker_board_get_state (state->engine->breakers, model) != SLUICE_BREAKER_CLOSED)
    return FALSE;
  wait = state->call->retry_after_ms >= 0
         ? state->call->retry_after_ms * 1000
         : (gint64) (g_random_double () * 1000 *
                     MIN ((gint64) retry->max_backoff_ms,
                          (gint64) retry->base_backoff_ms << MIN (state->attempt - 1, 20u)));
  if (now_mono (state) + wait >= state->deadline_us ||
      !sluice_retry_budget_try_acquire (state->engine->retry_budget))
    return FALSE;

  TRACE (state, SLUICE_STAGE_DISPATCH, 0, "backoff", "retrying %s in %.0f ms", model,
         wait / 1000.0);
  sluice_clock_sleep_async (state->engine->clock, wait, g_task_get_cancellable (task),
                            backoff_done_cb, task);
  return TRUE;
}

static void
attempt_failed (GTask        *task,
                const char   *model,
                const GError *error)
{
  EmbedState *state = g_task_get_task_data (task);

  state->error_class = error->domain == SLUICE_PROVIDER_ERROR
                       ? (SluiceErrorClass) error->code : SLUICE_ERROR_CLASS_NETWORK;
  g_string_append_printf (state->failures, "%s%s: %s (%s)",
                          state->failures->len > 0 ? "; " : "", model,
                          sluice_error_class_to_string (state->error_class), error->message);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      state->error = g_error_copy (error);
      settle (task, SLUICE_REQUEST_STATUS_ERROR);
      return;
    }
  if (state->error_class == SLUICE_ERROR_CLASS_AUTH ||
      state->error_class == SLUICE_ERROR_CLASS_BAD_REQUEST)
    {
      /* The same inputs would fail the same way on the next model. */
      if (state->error_class == SLUICE_ERROR_CLASS_BAD_REQUEST)
        state->error = g_error_new (SLUICE_ENGINE_ERROR, SLUICE_ENGINE_ERROR_INVALID_REQUEST,
                                    "%s", error->message);
      give_up (task);
      return;
    }
  if (try_retry (task, model))
    return;
  next_model (task);
}

static void
embedded_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  SluiceProvider *provider = SLUICE_PROVIDER (object);
  GTask *task = user_data;
  EmbedState *state = g_task_get_task_data (task);
  const char *model = state->chain[state->chain_index];
  const SluiceModelConfig *mc = sluice_config_lookup_model (state->config, model);
  g_autoptr(SluiceEmbeddings) embeddings = NULL;
  g_autoptr(GError) error = NULL;
  gint64 duration = now_mono (state) - state->call_start_us;
  SluiceErrorClass klass;

  embeddings = sluice_provider_embed_finish (provider, result, &error);
  klass = embeddings != NULL ? SLUICE_ERROR_CLASS_NONE
          : error->domain == SLUICE_PROVIDER_ERROR ? (SluiceErrorClass) error->code
          : SLUICE_ERROR_CLASS_NETWORK;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (state->probe)
        sluice_breaker_board_release_probe (state->engine->breakers, model);
      attempt_failed (task, model, error);
      return;
    }
  sluice_breaker_board_record (state->engine->breakers, model, state->probe, klass,
                               state->call->retry_after_ms);
  state->probe = FALSE;

  if (embeddings == NULL)
    {
      sluice_metrics_record_call (state->engine->metrics, model, mc->provider, duration,
                                  klass, NULL, 0);
      TRACE (state, SLUICE_STAGE_DISPATCH, duration, "attempt", "%s via %s, try %u: %s",
             model, mc->provider, state->attempt, error->message);
      attempt_failed (task, model, error);
      return;
    }

  /* Not every API reports usage (Gemini's embedContent does not): the
   * estimate stands in for it, so the call is never metered as free. */
  if (embeddings->usage.input_tokens <= 0)
    {
      embeddings->usage.input_tokens = state->estimate_in;
      TRACE (state, SLUICE_STAGE_DISPATCH, 0, "usage",
             "%s reported no usage; metered at the estimate", model);
    }
  g_free (embeddings->model);
  embeddings->model = g_strdup (model);
  embeddings->provider = g_strdup (mc->provider);
  embeddings->route = g_strdup (state->route);
  embeddings->cost_usd = embeddings->usage.input_tokens * mc->price_in / 1e6;
  sluice_metrics_record_call (state->engine->metrics, model, mc->provider, duration,
                              SLUICE_ERROR_CLASS_NONE, &embeddings->usage, embeddings->cost_usd);
  sluice_metrics_add_cost_today (state->engine->metrics, embeddings->cost_usd);
  if (state->reservation != NULL)
    sluice_reservation_settle (state->reservation, embeddings->usage.input_tokens, 0,
                               embeddings->cost_usd);
  g_clear_object (&state->reservation);

  TRACE (state, SLUICE_STAGE_DISPATCH, duration, "attempt",
         "%s via %s, try %u: %u vectors of %u dimensions", model, mc->provider,
         state->attempt, embeddings->vectors->len, embeddings->dimensions);
  state->result = g_steal_pointer (&embeddings);
  settle (task, SLUICE_REQUEST_STATUS_OK);
}

static void
dispatch_attempt (GTask *task)
{
  EmbedState *state = g_task_get_task_data (task);
  const char *model = state->chain[state->chain_index];
  const SluiceModelConfig *mc = sluice_config_lookup_model (state->config, model);
  const SluiceProviderConfig *pc = sluice_config_lookup_provider (state->config, mc->provider);
  SluiceProvider *provider = g_hash_table_lookup (state->providers, mc->provider);
  gint64 remaining_ms = (state->deadline_us - now_mono (state)) / 1000;

  state->attempt++;
  g_clear_pointer (&state->call, sluice_provider_call_free);
  state->call = sluice_provider_call_new_embed (mc->upstream,
                                                (const char * const *) state->inputs,
                                                state->dimensions);
  state->call->timeout_ms = (guint) CLAMP (MIN ((gint64) pc->timeout_ms, remaining_ms),
                                           1, G_MAXUINT);
  state->call_start_us = now_mono (state);
  sluice_provider_embed_async (provider, state->call, g_task_get_cancellable (task),
                               embedded_cb, task);
}

static void
reserved_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  EmbedState *state = g_task_get_task_data (task);
  const char *model = state->chain[state->chain_index];
  g_autoptr(GError) error = NULL;
  gint64 retry_at = -1;

  state->reservation = sluice_limiter_reserve_finish (SLUICE_LIMITER (object), result,
                                                      &retry_at, &error);
  if (state->reservation != NULL)
    {
      TRACE (state, SLUICE_STAGE_DISPATCH, 0, "limits", "%s: reserved %" G_GINT64_FORMAT
             " tokens", model, sluice_reservation_get_tokens (state->reservation));
      dispatch_attempt (task);
      return;
    }

  if (state->probe)
    sluice_breaker_board_release_probe (state->engine->breakers, model);
  state->probe = FALSE;
  TRACE (state, SLUICE_STAGE_DISPATCH, 0, "limit", "%s", error->message);
  g_string_append_printf (state->failures, "%s%s: %s", state->failures->len > 0 ? "; " : "",
                          model, error->message);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      state->error = g_steal_pointer (&error);
      settle (task, SLUICE_REQUEST_STATUS_ERROR);
      return;
    }
  if (g_error_matches (error, SLUICE_LIMIT_ERROR, SLUICE_LIMIT_ERROR_TOO_LARGE) ||
      g_error_matches (error, SLUICE_LIMIT_ERROR, SLUICE_LIMIT_ERROR_UNAVAILABLE))
    {
      state->error = g_error_new (SLUICE_ENGINE_ERROR, SLUICE_ENGINE_ERROR_REFUSED,
                                  "%s", error->message);
      settle (task, SLUICE_REQUEST_STATUS_REFUSED);
      return;
    }
  next_model (task);
}

static void
dispatch_next (GTask *task)
{
  EmbedState *state = g_task_get_task_data (task);

  for (; state->chain[state->chain_index] != NULL; state->chain_index++)
    {
      const char *model = state->chain[state->chain_index];
      const SluiceModelConfig *mc = sluice_config_lookup_model (state->config, model);
      gint64 retry_at = 0;
      SluiceBreakerVerdict verdict;

      if (g_hash_table_lookup (state->providers, mc->provider) == NULL)
        continue;
      verdict = sluice_breaker_board_admit (state->engine->breakers, model, &retry_at);
      if (verdict != SLUICE_BREAKER_ALLOW && verdict != SLUICE_BREAKER_ALLOW_PROBE)
        {
          TRACE (state, SLUICE_STAGE_DISPATCH, 0, "skip", "the breaker of %s is open", model);
          g_string_append_printf (state->failures, "%s%s: skipped (breaker open)",
                                  state->failures->len > 0 ? "; " : "", model);
          state->refused_only = FALSE;
          continue;
        }
      state->probe = verdict == SLUICE_BREAKER_ALLOW_PROBE;
      state->attempt = 0;
      sluice_limiter_reserve_async (state->limiter, state->user, model, state->estimate_in, 0,
                                    g_task_get_cancellable (task), reserved_cb, task);
      return;
    }
  give_up (task);
}

/* route and admit */

static char **
resolve_chain (SluiceConfig  *config,
               const char    *asked,
               GError       **error)
{
  const char *aliased = sluice_config_resolve_alias (config, asked);
  const SluiceChainConfig *chain = sluice_config_lookup_chain (config,
                                                               aliased != NULL ? aliased : asked);
  g_auto(GStrv) models = NULL;

  if (chain != NULL)
    models = g_strdupv (chain->models);
  else if (sluice_config_lookup_model (config, asked) != NULL)
    {
      models = g_new0 (char *, 2);
      models[0] = g_strdup (asked);
    }
  else
    {
      g_set_error (error, SLUICE_ENGINE_ERROR, SLUICE_ENGINE_ERROR_NO_ROUTE,
                   _("No model, chain or alias is called “%s”"), asked);
      return NULL;
    }

  if (!sluice_config_lookup_model (config, models[0])->embedding)
    {
      g_set_error (error, SLUICE_ENGINE_ERROR, SLUICE_ENGINE_ERROR_INVALID_REQUEST,
                   _("“%s” is not an embedding model (its config needs "
                     "\"kind\": \"embedding\")"), asked);
      return NULL;
    }
  return g_steal_pointer (&models);
}

static gboolean
admit (EmbedState          *state,
       const char          *model,
       const char * const  *inputs,
       GError             **error)
{
  SluiceTokenizer *tokenizer = sluice_limiter_get_tokenizer (state->limiter);
  guint n = inputs != NULL ? g_strv_length ((char **) inputs) : 0;

  if (n == 0)
    {
      g_set_error_literal (error, SLUICE_ENGINE_ERROR, SLUICE_ENGINE_ERROR_INVALID_REQUEST,
                           _("There is nothing to embed"));
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      if (*inputs[i] == '\0')
        {
          g_set_error (error, SLUICE_ENGINE_ERROR, SLUICE_ENGINE_ERROR_INVALID_REQUEST,
                       _("Input %u is empty"), i);
          return FALSE;
        }
      state->estimate_in += sluice_tokenizer_count (tokenizer, inputs[i], -1);
    }
  if (state->dimensions > MAX_DIMENSIONS)
    {
      g_set_error (error, SLUICE_ENGINE_ERROR, SLUICE_ENGINE_ERROR_INVALID_REQUEST,
                   _("At most %u dimensions can be asked for"), MAX_DIMENSIONS);
      return FALSE;
    }

  state->chain = resolve_chain (state->config, model, error);
  if (state->chain == NULL)
    return FALSE;
  {
    g_autofree char *models = g_strjoinv (" → ", state->chain);

    TRACE (state, SLUICE_STAGE_ADMIT, 0, "admit", "%u inputs, ~%" G_GINT64_FORMAT
           " tokens, %u dimensions asked for", n, state->estimate_in, state->dimensions);
    TRACE (state, SLUICE_STAGE_ROUTE, 0, "route", "“%s”: %s", model, models);
  }
  return TRUE;
}

/**
 * sluice_engine_embed_async:
 * @self: the engine
 * @model: an embedding model, or a chain or alias of them
 * @inputs: (array zero-terminated=1): the texts, one vector each
 * @dimensions: the vectors' length, 0 for the model's own
 * @user: (nullable): who asks, for per-user limits and the ledger
 * @cancellable: (nullable): cancels the call
 * @callback: called once the ledger row is committed
 * @user_data: data for @callback
 *
 * Turns @inputs into vectors through the embedding models of @model,
 * falling back along the chain, with the limits, breakers and retries of
 * completions and one ledger row (task "embeddings"). Must be called on
 * the engine's context.
 */
void
sluice_engine_embed_async (SluiceEngine        *self,
                           const char          *model,
                           const char * const  *inputs,
                           guint                dimensions,
                           const char          *user,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  EmbedState *state;

  g_return_if_fail (SLUICE_IS_ENGINE (self));
  g_return_if_fail (model != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sluice_engine_embed_async);
  if (self->shutting_down)
    {
      g_task_return_new_error (task, SLUICE_ENGINE_ERROR, SLUICE_ENGINE_ERROR_SHUTTING_DOWN,
                               "The engine is shutting down");
      return;
    }

  state = g_new0 (EmbedState, 1);
  state->engine = g_object_ref (self);
  g_mutex_lock (&self->mutex);
  state->config = g_object_ref (self->config);
  state->providers = g_hash_table_ref (self->providers);
  state->limiter = g_object_ref (self->limiter);
  g_mutex_unlock (&self->mutex);
  state->start_us = sluice_clock_monotonic_us (self->clock);
  state->admitted_at = sluice_clock_now_us (self->clock);
  state->deadline_us = state->start_us +
                       (gint64) sluice_config_get_retry (state->config)->deadline_ms * 1000;
  state->trace = sluice_trace_new (state->start_us);
  state->inputs = g_strdupv ((char **) inputs);
  state->dimensions = dimensions;
  state->user = g_strdup (user);
  state->route = g_strdup (model);
  state->failures = g_string_new (NULL);
  state->refused_only = TRUE;
  g_task_set_task_data (task, state, embed_state_free);

  if (!admit (state, model, inputs, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  dispatch_next (g_steal_pointer (&task));
}

/**
 * sluice_engine_embed_finish:
 *
 * Returns: (transfer full): one vector per input, with the model that made
 *   them, the usage and the cost, or %NULL with @error set
 *   (%SLUICE_ENGINE_ERROR_ALL_FAILED, %SLUICE_ENGINE_ERROR_REFUSED, …)
 */
SluiceEmbeddings *
sluice_engine_embed_finish (SluiceEngine  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (SLUICE_IS_ENGINE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The semantic cache's provider embedder calls back here, so its vectors
 * go through the limits and the ledger like any other embedding call. */

static void
cache_embed_async (gpointer             backend,
                   const char          *model,
                   const char * const  *inputs,
                   guint                dimensions,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  sluice_engine_embed_async (SLUICE_ENGINE (backend), model, inputs, dimensions, NULL,
                             cancellable, callback, user_data);
}

static SluiceEmbeddings *
cache_embed_finish (gpointer       backend,
                    GAsyncResult  *result,
                    GError       **error)
{
  return sluice_engine_embed_finish (SLUICE_ENGINE (backend), result, error);
}

/* The embedder "cache.embedder" names, or NULL for the local one. */
SluiceEmbedder *
_sluice_engine_new_cache_embedder (SluiceEngine            *self,
                                   const SluiceCacheConfig *cache)
{
  if (cache->embedder_model == NULL)
    return NULL;

  return SLUICE_EMBEDDER (sluice_provider_embedder_new_for_backend (G_OBJECT (self),
                                                                    cache_embed_async,
                                                                    cache_embed_finish,
                                                                    cache->embedder_model,
                                                                    cache->embedder_dimensions));
}
