/* sluice-server-anthropic.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-server"

#include "config.h"

#include <string.h>

#include "sluice-server-private.h"

/* The Anthropic Messages API: POST /v1/messages, plain and streamed
 * (message_start … message_stop). */

#define MAX_TOKENS_LIMIT 100000000

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
  SluiceRole sluice_role;

  if (message == NULL || !_sluice_json_string (message, path, "role", TRUE, &role, error))
    return FALSE;
  if (strcmp (role, "user") == 0)
    sluice_role = SLUICE_ROLE_USER;
  else if (strcmp (role, "assistant") == 0)
    sluice_role = SLUICE_ROLE_ASSISTANT;
  else
    {
      g_autofree char *role_path = g_strconcat (path, ".role", NULL);

      return _sluice_fail_field (error, role_path, "must be one of user, assistant "
                                 "(not \"%s\"; the system prompt goes in \"system\")", role);
    }
  if (!json_object_has_member (message, "content"))
    return _sluice_fail_field (error, content_path, "is required");

  text = _sluice_json_text (json_object_get_member (message, "content"), content_path, error);
  if (text == NULL)
    return FALSE;
  sluice_request_add_message (request, sluice_role, text);
  return TRUE;
}

static gboolean
read_options (SluiceRequest  *request,
              JsonObject     *body,
              const char    **body_user,
              GError        **error)
{
  JsonObject *metadata = NULL;
  double temperature = -1;
  gint64 max_tokens = 0;
  gboolean stream = FALSE;

  if (!json_object_has_member (body, "max_tokens"))
    return _sluice_fail_field (error, "max_tokens", "is required");
  if (!_sluice_json_int (body, NULL, "max_tokens", 1, MAX_TOKENS_LIMIT, &max_tokens, error) ||
      !_sluice_json_double (body, NULL, "temperature", 0, 1, &temperature, error) ||
      !_sluice_json_bool (body, NULL, "stream", &stream, error) ||
      !_sluice_json_object (body, NULL, "metadata", &metadata, error))
    return FALSE;
  if (metadata != NULL &&
      !_sluice_json_string (metadata, "metadata", "user_id", FALSE, body_user, error))
    return FALSE;

  if (temperature >= 0)
    sluice_request_set_temperature (request, temperature);
  sluice_request_set_max_tokens (request, max_tokens);
  sluice_request_set_stream (request, stream);
  return TRUE;
}

static SluiceRequest *
read_messages_request (JsonObject  *body,
                       const char **body_user,
                       GError     **error)
{
  g_autoptr(SluiceRequest) request = sluice_request_new ();
  g_autofree char *system = NULL;
  JsonArray *messages = NULL;
  const char *model = NULL;

  if (!_sluice_json_string (body, NULL, "model", TRUE, &model, error) ||
      !_sluice_json_array (body, NULL, "messages", TRUE, &messages, error) ||
      !read_options (request, body, body_user, error))
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

  system = _sluice_json_text (json_object_get_member (body, "system"), "system", error);
  if (system == NULL)
    return NULL;
  if (*system != '\0')
    sluice_request_add_message (request, SLUICE_ROLE_SYSTEM, system);
  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      if (!read_message (request, messages, i, error))
        return NULL;
    }
  sluice_request_set_model (request, model);
  return g_steal_pointer (&request);
}

/* Answers */

static const char *
stop_reason (SluiceResponse *response)
{
  const char *reason = sluice_response_get_finish_reason (response);

  if (g_strcmp0 (reason, "length") == 0)
    return "max_tokens";
  if (g_strcmp0 (reason, "content_filter") == 0)
    return "refusal";
  return "end_turn";
}

/* Anthropic counts the prompt tokens read from its cache apart from the
 * input tokens; Sluice's input tokens include them. */
static void
add_usage (JsonBuilder       *builder,
           const SluiceUsage *usage)
{
  json_builder_set_member_name (builder, "usage");
  json_builder_begin_object (builder);
  _sluice_server_add_int (builder, "input_tokens", usage->input_tokens - usage->cached_input_tokens);
  _sluice_server_add_int (builder, "output_tokens", usage->output_tokens);
  _sluice_server_add_int (builder, "cache_creation_input_tokens", 0);
  _sluice_server_add_int (builder, "cache_read_input_tokens", usage->cached_input_tokens);
  json_builder_end_object (builder);
}

static void
begin_message (JsonBuilder *builder,
               const char  *id,
               const char  *model)
{
  json_builder_begin_object (builder);
  _sluice_server_add_string (builder, "id", id);
  _sluice_server_add_string (builder, "type", "message");
  _sluice_server_add_string (builder, "role", "assistant");
  _sluice_server_add_string (builder, "model", model);
}

static void
write_event (SluiceServerCall *call,
             JsonBuilder      *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  JsonObject *object = json_node_get_object (root);

  _sluice_server_call_write (call, json_object_get_string_member (object, "type"), root);
}

static void
anthropic_stream_begin (SluiceServerCall *call)
{
  g_autoptr(JsonBuilder) start = json_builder_new ();
  g_autoptr(JsonBuilder) block = json_builder_new ();
  SluiceUsage none = { 0 };

  json_builder_begin_object (start);
  _sluice_server_add_string (start, "type", "message_start");
  json_builder_set_member_name (start, "message");
  begin_message (start, call->stream_id, call->asked_model);
  json_builder_set_member_name (start, "content");
  json_builder_begin_array (start);
  json_builder_end_array (start);
  _sluice_server_add_string (start, "stop_reason", NULL);
  _sluice_server_add_string (start, "stop_sequence", NULL);
  add_usage (start, &none);
  json_builder_end_object (start);
  json_builder_end_object (start);
  write_event (call, start);

  json_builder_begin_object (block);
  _sluice_server_add_string (block, "type", "content_block_start");
  _sluice_server_add_int (block, "index", 0);
  json_builder_set_member_name (block, "content_block");
  json_builder_begin_object (block);
  _sluice_server_add_string (block, "type", "text");
  _sluice_server_add_string (block, "text", "");
  json_builder_end_object (block);
  json_builder_end_object (block);
  write_event (call, block);
}

static void
anthropic_stream_delta (SluiceServerCall *call,
                        const char       *text)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  _sluice_server_add_string (builder, "type", "content_block_delta");
  _sluice_server_add_int (builder, "index", 0);
  json_builder_set_member_name (builder, "delta");
  json_builder_begin_object (builder);
  _sluice_server_add_string (builder, "type", "text_delta");
  _sluice_server_add_string (builder, "text", text);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  write_event (call, builder);
}

static void
write_stream_end (SluiceServerCall *call,
                  SluiceResponse   *response)
{
  g_autoptr(JsonBuilder) stop = json_builder_new ();
  g_autoptr(JsonBuilder) delta = json_builder_new ();
  g_autoptr(JsonBuilder) end = json_builder_new ();

  json_builder_begin_object (stop);
  _sluice_server_add_string (stop, "type", "content_block_stop");
  _sluice_server_add_int (stop, "index", 0);
  json_builder_end_object (stop);
  write_event (call, stop);

  json_builder_begin_object (delta);
  _sluice_server_add_string (delta, "type", "message_delta");
  json_builder_set_member_name (delta, "delta");
  json_builder_begin_object (delta);
  _sluice_server_add_string (delta, "stop_reason", stop_reason (response));
  _sluice_server_add_string (delta, "stop_sequence", NULL);
  json_builder_end_object (delta);
  add_usage (delta, sluice_response_get_usage (response));
  json_builder_end_object (delta);
  write_event (call, delta);

  json_builder_begin_object (end);
  _sluice_server_add_string (end, "type", "message_stop");
  json_builder_end_object (end);
  write_event (call, end);
}

static JsonNode *
build_message (SluiceResponse *response)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *content = sluice_response_get_content (response);

  begin_message (builder, sluice_response_get_request_id (response),
                 sluice_response_get_model (response));
  json_builder_set_member_name (builder, "content");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  _sluice_server_add_string (builder, "type", "text");
  _sluice_server_add_string (builder, "text", content != NULL ? content : "");
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  _sluice_server_add_string (builder, "stop_reason", stop_reason (response));
  _sluice_server_add_string (builder, "stop_sequence", NULL);
  add_usage (builder, sluice_response_get_usage (response));
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
anthropic_answer (SluiceServerCall *call,
                  SluiceResponse   *response)
{
  const char *content = sluice_response_get_content (response);
  g_autoptr(JsonNode) root = NULL;

  if (!call->stream)
    {
      root = build_message (response);
      _sluice_server_reply_json (call->server, call->msg, SOUP_STATUS_OK, root);
      return;
    }
  if (!call->streamed_text && content != NULL && *content != '\0')
    anthropic_stream_delta (call, content);
  write_stream_end (call, response);
}

static void
anthropic_stream_error (SluiceServerCall *call,
                        SluiceFault       fault,
                        const char       *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  _sluice_server_add_string (builder, "type", "error");
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  _sluice_server_add_string (builder, "type",
                             fault == SLUICE_FAULT_OVERLOADED ? "overloaded_error" : "api_error");
  _sluice_server_add_string (builder, "message", message);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  write_event (call, builder);
}

static const SluiceServerCallClass anthropic_class = {
  .api = SLUICE_API_ANTHROPIC,
  .stream_begin = anthropic_stream_begin,
  .stream_delta = anthropic_stream_delta,
  .answer = anthropic_answer,
  .stream_error = anthropic_stream_error,
};

void
_sluice_server_handle_messages (SluiceServer      *self,
                                SoupServerMessage *msg,
                                const char        *user,
                                const char        *rest)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(SluiceRequest) request = NULL;
  g_autoptr(SluiceServerCall) call = NULL;
  g_autoptr(GError) error = NULL;
  const char *body_user = NULL;

  root = _sluice_read_json_body (msg, &error);
  if (root != NULL)
    request = read_messages_request (json_node_get_object (root), &body_user, &error);
  if (request == NULL)
    {
      _sluice_server_reply_gerror (self, msg, SLUICE_API_ANTHROPIC, error);
      return;
    }

  _sluice_apply_hints (self, msg, request, user, body_user);
  call = _sluice_server_call_new (self, msg, &anthropic_class, request);
  _sluice_server_call_run (call);
}
