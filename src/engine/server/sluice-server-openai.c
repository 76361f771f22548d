/* sluice-server-openai.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-server"

#include "config.h"

#include <string.h>

#include "sluice-server-private.h"

/* The OpenAI API: POST /v1/chat/completions (plain and streamed),
 * and GET /v1/models[/id]; POST /v1/embeddings is in sluice-server-embeddings.c. */

#define MAX_TOKENS_LIMIT 100000000

static const char *role_names[] = { "system", "developer", "user", "assistant", "tool" };
static const SluiceRole role_values[] = {
  SLUICE_ROLE_SYSTEM, SLUICE_ROLE_SYSTEM, SLUICE_ROLE_USER, SLUICE_ROLE_ASSISTANT, SLUICE_ROLE_TOOL,
};

static gboolean
read_message (SluiceRequest  *request,
              JsonArray      *messages,
              guint           index,
              GError        **error)
{
  g_autofree char *path = g_strdup_printf ("messages[%u]", index);
  g_autofree char *content_path = g_strconcat (path, ".content", NULL);
  g_autofree char *text = NULL;
  JsonObject *message = _sluice_json_element_object (messages, index, path, error);
  const char *role = NULL;
  guint i;

  if (message == NULL || !_sluice_json_string (message, path, "role", TRUE, &role, error))
    return FALSE;
  for (i = 0; i < G_N_ELEMENTS (role_names); i++)
    {
      if (strcmp (role, role_names[i]) == 0)
        break;
    }
  if (i == G_N_ELEMENTS (role_names))
    {
      g_autofree char *role_path = g_strconcat (path, ".role", NULL);

      return _sluice_fail_field (error, role_path, "must be one of system, developer, user, "
                                 "assistant, tool (not \"%s\")", role);
    }
  if (role_values[i] != SLUICE_ROLE_ASSISTANT && !json_object_has_member (message, "content"))
    return _sluice_fail_field (error, content_path, "is required");

  text = _sluice_json_text (json_object_get_member (message, "content"), content_path, error);
  if (text == NULL)
    return FALSE;
  sluice_request_add_message (request, role_values[i], text);
  return TRUE;
}

/* What the caller wants back and what it calls a task, for routing:
 * response_format (json_object and json_schema are both "json"), tools,
 * and metadata.task (the x-sluice-task header, applied later, wins). */
static gboolean
read_routing_hints (SluiceRequest  *request,
                    JsonObject     *body,
                    JsonObject     *metadata,
                    GError        **error)
{
  JsonObject *format = NULL;
  JsonArray *tools = NULL;
  const char *type = NULL;
  const char *task = NULL;

  if (!_sluice_json_object (body, NULL, "response_format", &format, error) ||
      !_sluice_json_array (body, NULL, "tools", FALSE, &tools, error) ||
      (format != NULL &&
       !_sluice_json_string (format, "response_format", "type", TRUE, &type, error)) ||
      (metadata != NULL && !_sluice_json_string (metadata, "metadata", "task", FALSE, &task, error)))
    return FALSE;

  if (type != NULL)
    sluice_request_set_response_format (request, g_str_has_prefix (type, "json") ? "json" : type);
  sluice_request_set_has_tools (request, tools != NULL && json_array_get_length (tools) > 0);
  if (task != NULL && g_utf8_strlen (task, -1) <= 64)
    sluice_request_set_task (request, task);
  return TRUE;
}

static gboolean
read_options (SluiceRequest  *request,
              JsonObject     *body,
              gboolean       *include_usage,
              const char    **body_user,
              GError        **error)
{
  JsonObject *stream_options = NULL;
  JsonObject *metadata = NULL;
  double temperature = -1;
  gint64 max_tokens = 0;
  gint64 n = 1;
  gboolean stream = FALSE;

  if (!_sluice_json_double (body, NULL, "temperature", 0, 2, &temperature, error) ||
      !_sluice_json_int (body, NULL, "max_tokens", 1, MAX_TOKENS_LIMIT, &max_tokens, error) ||
      !_sluice_json_int (body, NULL, "max_completion_tokens", 1, MAX_TOKENS_LIMIT,
                         &max_tokens, error) ||
      !_sluice_json_int (body, NULL, "n", 1, 1, &n, error) ||
      !_sluice_json_bool (body, NULL, "stream", &stream, error) ||
      !_sluice_json_object (body, NULL, "stream_options", &stream_options, error) ||
      !_sluice_json_string (body, NULL, "user", FALSE, body_user, error) ||
      !_sluice_json_object (body, NULL, "metadata", &metadata, error))
    return FALSE;
  if (stream_options != NULL &&
      !_sluice_json_bool (stream_options, "stream_options", "include_usage", include_usage,
                          error))
    return FALSE;
  if (!read_routing_hints (request, body, metadata, error))
    return FALSE;

  if (temperature >= 0)
    sluice_request_set_temperature (request, temperature);
  sluice_request_set_max_tokens (request, max_tokens);
  sluice_request_set_stream (request, stream);
  return TRUE;
}

static SluiceRequest *
read_chat_request (JsonObject  *body,
                   gboolean    *include_usage,
                   const char **body_user,
                   GError     **error)
{
  g_autoptr(SluiceRequest) request = sluice_request_new ();
  JsonArray *messages = NULL;
  const char *model = NULL;

  if (!_sluice_json_string (body, NULL, "model", TRUE, &model, error) ||
      !_sluice_json_array (body, NULL, "messages", TRUE, &messages, error))
    return NULL;
  if (*model == '\0')
    {
      _sluice_fail_field (error, "model", "must not be empty");
      return NULL;
    }
  if (json_array_get_length (messages) == 0)
    {
      _sluice_fail_field (error, "messages", "must contain at least one message");
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      if (!read_message (request, messages, i, error))
        return NULL;
    }
  if (!read_options (request, body, include_usage, body_user, error))
    return NULL;
  sluice_request_set_model (request, model);
  return g_steal_pointer (&request);
}

/* Answers */

static void
add_usage (JsonBuilder    *builder,
           SluiceResponse *response)
{
  const SluiceUsage *usage = sluice_response_get_usage (response);

  json_builder_set_member_name (builder, "usage");
  json_builder_begin_object (builder);
  _sluice_server_add_int (builder, "prompt_tokens", usage->input_tokens);
  _sluice_server_add_int (builder, "completion_tokens", usage->output_tokens);
  _sluice_server_add_int (builder, "total_tokens", usage->input_tokens + usage->output_tokens);
  json_builder_set_member_name (builder, "prompt_tokens_details");
  json_builder_begin_object (builder);
  _sluice_server_add_int (builder, "cached_tokens", usage->cached_input_tokens);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "completion_tokens_details");
  json_builder_begin_object (builder);
  _sluice_server_add_int (builder, "reasoning_tokens", 0);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

/* What Sluice did, for clients that look (the headers carry the same). */
static void
add_sluice (JsonBuilder    *builder,
            SluiceResponse *response)
{
  g_autofree char *cost = _sluice_server_format_double (sluice_response_get_cost_usd (response));

  json_builder_set_member_name (builder, "sluice");
  json_builder_begin_object (builder);
  _sluice_server_add_string (builder, "request_id", sluice_response_get_request_id (response));
  _sluice_server_add_string (builder, "model", sluice_response_get_model (response));
  _sluice_server_add_string (builder, "provider", sluice_response_get_provider (response));
  _sluice_server_add_string (builder, "route", sluice_response_get_route (response));
  _sluice_server_add_string (builder, "cache",
                             sluice_cache_status_to_string (sluice_response_get_cache_status (response)));
  _sluice_server_add_int (builder, "fallback_depth", sluice_response_get_fallback_depth (response));
  _sluice_server_add_string (builder, "cost_usd", cost);
  json_builder_end_object (builder);
}

static void
begin_chunk (JsonBuilder      *builder,
             SluiceServerCall *call)
{
  json_builder_begin_object (builder);
  _sluice_server_add_string (builder, "id", call->stream_id);
  _sluice_server_add_string (builder, "object", "chat.completion.chunk");
  _sluice_server_add_int (builder, "created", call->created);
  _sluice_server_add_string (builder, "model", call->asked_model);
}

/* A chunk with one choice; @content NULL and @role NULL give an empty
 * delta (the closing chunk). */
static void
write_choice_chunk (SluiceServerCall *call,
                    const char       *role,
                    const char       *content,
                    SluiceResponse   *closing)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  begin_chunk (builder, call);
  json_builder_set_member_name (builder, "choices");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  _sluice_server_add_int (builder, "index", 0);
  json_builder_set_member_name (builder, "delta");
  json_builder_begin_object (builder);
  if (role != NULL)
    _sluice_server_add_string (builder, "role", role);
  if (content != NULL)
    _sluice_server_add_string (builder, "content", content);
  json_builder_end_object (builder);
  _sluice_server_add_string (builder, "logprobs", NULL);
  _sluice_server_add_string (builder, "finish_reason",
                             closing != NULL ? sluice_response_get_finish_reason (closing) : NULL);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  if (closing != NULL)
    add_sluice (builder, closing);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  _sluice_server_call_write (call, NULL, root);
}

static void
write_usage_chunk (SluiceServerCall *call,
                   SluiceResponse   *response)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  begin_chunk (builder, call);
  json_builder_set_member_name (builder, "choices");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  add_usage (builder, response);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  _sluice_server_call_write (call, NULL, root);
}

static void
openai_stream_begin (SluiceServerCall *call)
{
  write_choice_chunk (call, "assistant", "", NULL);
}

static void
openai_stream_delta (SluiceServerCall *call,
                     const char       *text)
{
  write_choice_chunk (call, NULL, text, NULL);
}

static JsonNode *
build_completion (SluiceServerCall *call,
                  SluiceResponse   *response)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *content = sluice_response_get_content (response);

  json_builder_begin_object (builder);
  _sluice_server_add_string (builder, "id", sluice_response_get_request_id (response));
  _sluice_server_add_string (builder, "object", "chat.completion");
  _sluice_server_add_int (builder, "created", call->created);
  _sluice_server_add_string (builder, "model", sluice_response_get_model (response));
  json_builder_set_member_name (builder, "choices");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  _sluice_server_add_int (builder, "index", 0);
  json_builder_set_member_name (builder, "message");
  json_builder_begin_object (builder);
  _sluice_server_add_string (builder, "role", "assistant");
  _sluice_server_add_string (builder, "content", content != NULL ? content : "");
  _sluice_server_add_string (builder, "refusal", NULL);
  json_builder_end_object (builder);
  _sluice_server_add_string (builder, "logprobs", NULL);
  _sluice_server_add_string (builder, "finish_reason", sluice_response_get_finish_reason (response));
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  add_usage (builder, response);
  add_sluice (builder, response);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
openai_answer (SluiceServerCall *call,
               SluiceResponse   *response)
{
  const char *content = sluice_response_get_content (response);
  g_autoptr(JsonNode) root = NULL;

  if (!call->stream)
    {
      root = build_completion (call, response);
      _sluice_server_reply_json (call->server, call->msg, SOUP_STATUS_OK, root);
      return;
    }
  /* An answer that came without deltas (e.g. from a cache) is sent whole. */
  if (!call->streamed_text && content != NULL && *content != '\0')
    write_choice_chunk (call, NULL, content, NULL);
  write_choice_chunk (call, NULL, NULL, response);
  if (call->include_usage)
    write_usage_chunk (call, response);
  _sluice_server_call_write_raw (call, "data: [DONE]\n\n");
}

static void
openai_stream_error (SluiceServerCall *call,
                     SluiceFault       fault,
                     const char       *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  _sluice_server_add_string (builder, "message", message);
  _sluice_server_add_string (builder, "type", "server_error");
  _sluice_server_add_string (builder, "param", NULL);
  _sluice_server_add_int (builder, "status", _sluice_fault_status (fault));
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  _sluice_server_call_write (call, "error", root);
}

static const SluiceServerCallClass openai_class = {
  .api = SLUICE_API_OPENAI,
  .stream_begin = openai_stream_begin,
  .stream_delta = openai_stream_delta,
  .answer = openai_answer,
  .stream_error = openai_stream_error,
};

/* x-sluice-explain: 1 — the route the request would take and why, as
 * JSON, instead of an answer; no provider is called. */
static gboolean
explain_instead (SluiceServer      *self,
                 SoupServerMessage *msg,
                 SluiceRequest     *request)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *explain = soup_message_headers_get_one (headers, "x-sluice-explain");
  g_autoptr(SluiceRouteDecision) decision = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  if (explain == NULL || (g_strcmp0 (explain, "1") != 0 && g_ascii_strcasecmp (explain, "true") != 0))
    return FALSE;
  decision = sluice_engine_explain (self->engine, request, &error);
  if (decision == NULL)
    {
      _sluice_server_reply_gerror (self, msg, SLUICE_API_OPENAI, error);
      return TRUE;
    }
  root = sluice_route_decision_to_json_node (decision);
  json_object_set_string_member (json_node_get_object (root), "object", "sluice.route");
  _sluice_server_reply_json (self, msg, SOUP_STATUS_OK, root);
  return TRUE;
}

void
_sluice_server_handle_chat (SluiceServer      *self,
                            SoupServerMessage *msg,
                            const char        *user,
                            const char        *rest)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(SluiceRequest) request = NULL;
  g_autoptr(SluiceServerCall) call = NULL;
  g_autoptr(GError) error = NULL;
  gboolean include_usage = FALSE;
  const char *body_user = NULL;

  root = _sluice_read_json_body (msg, &error);
  if (root != NULL)
    request = read_chat_request (json_node_get_object (root), &include_usage, &body_user,
                                 &error);
  if (request == NULL)
    {
      _sluice_server_reply_gerror (self, msg, SLUICE_API_OPENAI, error);
      return;
    }

  _sluice_apply_hints (self, msg, request, user, body_user);
  if (explain_instead (self, msg, request))
    return;
  call = _sluice_server_call_new (self, msg, &openai_class, request);
  call->include_usage = include_usage;
  _sluice_server_call_run (call);
}
