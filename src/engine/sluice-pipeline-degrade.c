/* sluice-pipeline-degrade.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-pipeline"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sluice-pipeline-private.h"

/* What is kept of an answer in the cache and how an entry is served, and
 * the degrade stage: when every model failed, a stale answer, a static
 * one, the deferred queue, or a clear error naming every attempt. */

/* cache entries: what is kept of an answer, and how one is served */

void
_sluice_pipeline_fill_query (RequestState     *state,
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
void
_sluice_pipeline_store_answer (RequestState *state)
{
  SluiceResponse *r = state->response;
  g_autofree char *payload = NULL;
  SluiceCacheQuery query;

  if (state->policy == NULL || state->policy->tier == SLUICE_CACHE_TIER_NONE ||
      r->status != SLUICE_REQUEST_STATUS_OK || r->cache_status == SLUICE_CACHE_STATUS_EXACT ||
      r->cache_status == SLUICE_CACHE_STATUS_SEMANTIC || g_strcmp0 (r->finish_reason, "stop") != 0)
    return;

  _sluice_pipeline_fill_query (state, &query);
  payload = payload_for (r);
  sluice_cache_store_async (state->cache, &query, payload,
                            r->usage.input_tokens + r->usage.output_tokens, r->cost_usd,
                            NULL, NULL, NULL);
}

/* Tells the caller, once and before the first streamed text, what is
 * answering: a gateway sends it in its response headers. */
void
_sluice_pipeline_notify_dispatch (RequestState *state,
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
gboolean
_sluice_pipeline_serve_entry (GTask             *task,
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
  _sluice_pipeline_notify_dispatch (state, r->model, r->provider);
  if (state->on_delta != NULL && sluice_request_get_stream (state->request))
    state->on_delta (r->content, state->on_delta_data);
  return TRUE;
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
      _sluice_pipeline_fail_request (g_steal_pointer (&task), SLUICE_REQUEST_STATUS_ERROR,
                                     state->response->error_class, state->response->error_message);
      return;
    }
  TRACE (state, SLUICE_STAGE_DEGRADE, 0, "deferred",
         "every model failed; queued as job %s, retried when a provider recovers", job_id);
  state->response->job_id = g_steal_pointer (&job_id);
  state->response->status = SLUICE_REQUEST_STATUS_DEFERRED;
  _sluice_engine_ensure_deferred_tick (state->engine);
  _sluice_pipeline_settle (g_steal_pointer (&task));
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
  if (found != NULL && found->status == SLUICE_CACHE_STATUS_STALE && _sluice_pipeline_serve_entry (task, found))
    {
      TRACE (state, SLUICE_STAGE_DEGRADE, 0, "stale",
             "every model failed; serving an expired answer marked stale (%s)", found->detail);
      g_free (state->response->error_message);
      state->response->error_message = g_strdup (state->failures->str);
      _sluice_pipeline_settle (g_steal_pointer (&task));
      return;
    }
  give_up (g_steal_pointer (&task));
}

/* When every model failed, an expired answer to the same question is
 * better than none; it goes out marked stale. */
void
_sluice_pipeline_degrade (GTask *task)
{
  RequestState *state = g_task_get_task_data (task);
  SluiceCacheQuery query;

  if (state->policy != NULL && state->policy->tier != SLUICE_CACHE_TIER_NONE &&
      state->response->error_class != SLUICE_ERROR_CLASS_NONE)
    {
      _sluice_pipeline_fill_query (state, &query);
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
      _sluice_pipeline_fail_request (task, SLUICE_REQUEST_STATUS_REFUSED, SLUICE_ERROR_CLASS_NONE, message);
      return;
    }

  message = g_strdup_printf (_("Every model of chain “%s” failed: %s"),
                             state->response->route,
                             state->failures->len > 0 ? state->failures->str
                                                      : _("no model could be tried"));
  if (serve_static (state, message))
    {
      _sluice_pipeline_settle (task);
      return;
    }
  if (sluice_request_get_deferrable (state->request))
    {
      defer (task, message);
      return;
    }
  TRACE (state, SLUICE_STAGE_DEGRADE, 0, "fail", "%s", message);
  _sluice_pipeline_fail_request (task, SLUICE_REQUEST_STATUS_ERROR, state->response->error_class, message);
}
