/* sluice-mock-anthropic.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-mock"

#include "config.h"

#include "sluice-mock-dialect.h"

static gboolean
parse_system (SluiceMockExchange *ex,
              JsonObject         *body)
{
  g_autofree char *text = NULL;

  if (!json_object_has_member (body, "system"))
    return TRUE;

  text = sluice_mock_text_of (json_object_get_member (body, "system"));
  if (text == NULL)
    return FALSE;
  if (*text != '\0')
    sluice_request_add_message (ex->request, SLUICE_ROLE_SYSTEM, text);

  return TRUE;
}

static gboolean
parse_messages (SluiceMockExchange  *ex,
                JsonObject          *body,
                char               **message)
{
  JsonNode *node = json_object_get_member (body, "messages");
  JsonArray *messages;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) ||
      json_array_get_length (json_node_get_array (node)) == 0)
    {
      *message = g_strdup ("messages: Field required");
      return FALSE;
    }

  messages = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonNode *item = json_array_get_element (messages, i);
      g_autofree char *text = NULL;
      const char *role_name = NULL;
      SluiceRole role;

      if (JSON_NODE_HOLDS_OBJECT (item))
        role_name = sluice_mock_get_string (json_node_get_object (item), "role");
      if (g_strcmp0 (role_name, "user") != 0 && g_strcmp0 (role_name, "assistant") != 0)
        {
          *message = g_strdup_printf ("messages.%u.role: Input should be 'user' or 'assistant'", i);
          return FALSE;
        }
      text = sluice_mock_text_of (json_object_get_member (json_node_get_object (item), "content"));
      if (text == NULL || !sluice_mock_read_role (role_name, &role))
        {
          *message = g_strdup_printf ("messages.%u.content: Input should be a valid list", i);
          return FALSE;
        }
      sluice_request_add_message (ex->request, role, text);
    }

  return TRUE;
}

static gboolean
anthropic_parse (SluiceMockExchange  *ex,
                 JsonObject          *body,
                 SoupMessageHeaders  *headers,
                 char               **message)
{
  const char *model = sluice_mock_get_string (body, "model");
  double max_tokens = -1;
  double temperature = 1.0;

  if (soup_message_headers_get_one (headers, "anthropic-version") == NULL)
    {
      *message = g_strdup ("anthropic-version: header is required");
      return FALSE;
    }
  if (model == NULL || *model == '\0')
    {
      *message = g_strdup ("model: Field required");
      return FALSE;
    }
  if (!sluice_mock_read_number (body, "max_tokens", &max_tokens) || max_tokens < 1)
    {
      *message = g_strdup ("max_tokens: Field required");
      return FALSE;
    }
  if (!sluice_mock_read_number (body, "temperature", &temperature) ||
      !parse_system (ex, body))
    {
      *message = g_strdup ("temperature or system: Input is not valid");
      return FALSE;
    }
  if (!parse_messages (ex, body, message))
    return FALSE;

  ex->model = g_strdup (model);
  ex->stream = sluice_mock_get_boolean (body, "stream");
  sluice_request_set_model (ex->request, model);
  sluice_request_set_max_tokens (ex->request, (gint64) max_tokens);
  sluice_request_set_temperature (ex->request, temperature);
  sluice_request_set_stream (ex->request, ex->stream);

  return TRUE;
}

static JsonObject *
usage_object (SluiceMockExchange *ex,
              gint64              output_tokens)
{
  JsonObject *usage = json_object_new ();
  const SluiceUsage *u = &ex->outcome.usage;

  json_object_set_int_member (usage, "input_tokens",
                              MAX (u->input_tokens - u->cached_input_tokens, 0));
  json_object_set_int_member (usage, "cache_creation_input_tokens", 0);
  json_object_set_int_member (usage, "cache_read_input_tokens", u->cached_input_tokens);
  json_object_set_int_member (usage, "output_tokens", output_tokens);
  return usage;
}

static const char *
stop_reason (SluiceMockExchange *ex)
{
  return sluice_mock_exchange_is_cut_short (ex) ? "max_tokens" : "end_turn";
}

static JsonObject *
message_object (SluiceMockExchange *ex,
                gboolean            complete)
{
  JsonObject *object = json_object_new ();
  JsonArray *content = json_array_new ();

  if (complete)
    {
      JsonObject *block = json_object_new ();

      json_object_set_string_member (block, "type", "text");
      json_object_set_string_member (block, "text", sluice_mock_exchange_content (ex));
      json_array_add_object_element (content, block);
    }

  json_object_set_string_member (object, "id", ex->id);
  json_object_set_string_member (object, "type", "message");
  json_object_set_string_member (object, "role", "assistant");
  json_object_set_string_member (object, "model", ex->model);
  json_object_set_array_member (object, "content", content);
  if (complete)
    json_object_set_string_member (object, "stop_reason", stop_reason (ex));
  else
    json_object_set_null_member (object, "stop_reason");
  json_object_set_null_member (object, "stop_sequence");
  json_object_set_object_member (object, "usage",
                                 usage_object (ex, complete ? ex->outcome.usage.output_tokens : 1));
  return object;
}

static JsonNode *
anthropic_build_body (SluiceMockExchange *ex)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, message_object (ex, TRUE));
  return node;
}

/* Adds one "event: TYPE" with a data object whose "type" is TYPE; takes
 * @data. */
static void
add_event (GPtrArray  *events,
           const char *type,
           JsonObject *data)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (data, "type", type);
  json_node_take_object (node, data);
  g_ptr_array_add (events, sluice_mock_sse_event (type, node));
}

static JsonObject *
text_object (const char *type,
             const char *text)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "type", type);
  json_object_set_string_member (object, "text", text);
  return object;
}

static JsonObject *
indexed (JsonObject *object)
{
  json_object_set_int_member (object, "index", 0);
  return object;
}

static GPtrArray *
anthropic_build_events (SluiceMockExchange *ex)
{
  GPtrArray *events = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) pieces = sluice_mock_split_content (sluice_mock_exchange_content (ex));
  JsonObject *data;
  JsonObject *delta;

  data = json_object_new ();
  json_object_set_object_member (data, "message", message_object (ex, FALSE));
  add_event (events, "message_start", data);

  data = indexed (json_object_new ());
  json_object_set_object_member (data, "content_block", text_object ("text", ""));
  add_event (events, "content_block_start", data);
  add_event (events, "ping", json_object_new ());

  for (guint i = 0; i < pieces->len; i++)
    {
      data = indexed (json_object_new ());
      json_object_set_object_member (data, "delta",
                                     text_object ("text_delta", g_ptr_array_index (pieces, i)));
      add_event (events, "content_block_delta", data);
    }
  add_event (events, "content_block_stop", indexed (json_object_new ()));

  data = json_object_new ();
  delta = json_object_new ();
  json_object_set_string_member (delta, "stop_reason", stop_reason (ex));
  json_object_set_null_member (delta, "stop_sequence");
  json_object_set_object_member (data, "delta", delta);
  json_object_set_object_member (data, "usage",
                                 usage_object (ex, ex->outcome.usage.output_tokens));
  add_event (events, "message_delta", data);
  add_event (events, "message_stop", json_object_new ());

  return events;
}

typedef struct
{
  guint       status;
  const char *type;
  const char *message;
} ErrorShape;

static ErrorShape
error_shape (SluiceErrorClass klass)
{
  switch (klass)
    {
    case SLUICE_ERROR_CLASS_RATE_LIMITED:
      return (ErrorShape) { 429, "rate_limit_error",
                            "Number of requests has exceeded your rate limit." };
    case SLUICE_ERROR_CLASS_OVERLOADED:
      return (ErrorShape) { 529, "overloaded_error", "Overloaded" };
    case SLUICE_ERROR_CLASS_AUTH:
      return (ErrorShape) { 401, "authentication_error", "invalid x-api-key" };
    case SLUICE_ERROR_CLASS_CONTEXT_LENGTH:
      return (ErrorShape) { 400, "invalid_request_error",
                            "prompt is too long: 210000 tokens > 200000 maximum" };
    case SLUICE_ERROR_CLASS_CONTENT_FILTER:
      return (ErrorShape) { 400, "invalid_request_error",
                            "Output blocked by content filtering policy" };
    case SLUICE_ERROR_CLASS_BAD_REQUEST:
      return (ErrorShape) { 400, "invalid_request_error", "Invalid request" };
    case SLUICE_ERROR_CLASS_TIMEOUT:
      return (ErrorShape) { 504, "timeout_error", "Request timed out" };
    case SLUICE_ERROR_CLASS_NONE:
    case SLUICE_ERROR_CLASS_SERVER:
    case SLUICE_ERROR_CLASS_NETWORK:
    case SLUICE_ERROR_CLASS_MALFORMED:
    default:
      return (ErrorShape) { 500, "api_error", "Internal server error" };
    }
}

static void
anthropic_set_error (SoupServerMessage *msg,
                     SluiceErrorClass   klass,
                     guint              status,
                     const char        *message)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  JsonObject *root = json_object_new ();
  JsonObject *error = json_object_new ();
  ErrorShape shape = error_shape (klass);

  json_object_set_string_member (error, "type", shape.type);
  json_object_set_string_member (error, "message", message != NULL ? message : shape.message);
  json_object_set_string_member (root, "type", "error");
  json_object_set_object_member (root, "error", error);
  json_node_take_object (node, root);

  sluice_mock_set_json (msg, status != 0 ? status : shape.status, node);
}

static void
set_limit_headers (SoupMessageHeaders *headers,
                   const char         *what,
                   gint64              limit,
                   gint64              remaining,
                   gint64              reset_ms)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) reset = g_date_time_add (now, reset_ms * 1000);
  g_autofree char *name_limit = g_strdup_printf ("anthropic-ratelimit-%s-limit", what);
  g_autofree char *name_remaining = g_strdup_printf ("anthropic-ratelimit-%s-remaining", what);
  g_autofree char *name_reset = g_strdup_printf ("anthropic-ratelimit-%s-reset", what);
  g_autofree char *value_limit = g_strdup_printf ("%" G_GINT64_FORMAT, limit);
  g_autofree char *value_remaining = g_strdup_printf ("%" G_GINT64_FORMAT, remaining);
  g_autofree char *value_reset = g_date_time_format (reset, "%Y-%m-%dT%H:%M:%SZ");

  soup_message_headers_replace (headers, name_limit, value_limit);
  soup_message_headers_replace (headers, name_remaining, value_remaining);
  soup_message_headers_replace (headers, name_reset, value_reset);
}

static void
anthropic_add_limit_headers (SoupMessageHeaders         *headers,
                             const SluiceMockLimitState *state)
{
  set_limit_headers (headers, "requests", state->limit_requests,
                     state->remaining_requests, state->reset_requests_ms);
  set_limit_headers (headers, "tokens", state->limit_tokens,
                     state->remaining_tokens, state->reset_tokens_ms);
}

const SluiceMockDialect sluice_mock_dialect_anthropic = {
  .name = "anthropic",
  .parse = anthropic_parse,
  .build_body = anthropic_build_body,
  .build_events = anthropic_build_events,
  .set_error = anthropic_set_error,
  .add_limit_headers = anthropic_add_limit_headers,
};
