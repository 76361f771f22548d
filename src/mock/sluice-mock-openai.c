/* sluice-mock-openai.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-mock"

#include "config.h"

#include <string.h>

#include "sluice-mock-dialect.h"

#define DEFAULT_DIMENSIONS 1536
#define MAX_DIMENSIONS     8192
#define FINGERPRINT        "fp_sluice_mock"

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
      *message = g_strdup ("Missing required parameter: 'messages'.");
      return FALSE;
    }

  messages = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonNode *item = json_array_get_element (messages, i);
      g_autofree char *text = NULL;
      SluiceRole role;

      if (!JSON_NODE_HOLDS_OBJECT (item) ||
          !sluice_mock_read_role (sluice_mock_get_string (json_node_get_object (item), "role"),
                                  &role) ||
          (text = sluice_mock_text_of (json_object_get_member (
                                         json_node_get_object (item), "content"))) == NULL)
        {
          *message = g_strdup_printf ("Invalid value for 'messages[%u]'.", i);
          return FALSE;
        }
      sluice_request_add_message (ex->request, role, text);
    }

  return TRUE;
}

static gboolean
parse_chat (SluiceMockExchange  *ex,
            JsonObject          *body,
            char               **message)
{
  double max_tokens = 0;
  double temperature = 1.0;
  JsonObject *options;

  if (!parse_messages (ex, body, message))
    return FALSE;

  if (!sluice_mock_read_number (body, "max_tokens", &max_tokens) ||
      !sluice_mock_read_number (body, "max_completion_tokens", &max_tokens) ||
      !sluice_mock_read_number (body, "temperature", &temperature))
    {
      *message = g_strdup ("Invalid type for 'max_tokens' or 'temperature': expected a number.");
      return FALSE;
    }

  ex->stream = sluice_mock_get_boolean (body, "stream");
  options = sluice_mock_get_object (body, "stream_options");
  if (options != NULL)
    ex->include_usage = sluice_mock_get_boolean (options, "include_usage");

  sluice_request_set_max_tokens (ex->request, (gint64) max_tokens);
  sluice_request_set_temperature (ex->request, temperature);
  sluice_request_set_stream (ex->request, ex->stream);
  return TRUE;
}

static gboolean
parse_embed (SluiceMockExchange  *ex,
             JsonObject          *body,
             char               **message)
{
  JsonNode *input = json_object_get_member (body, "input");
  double dimensions = DEFAULT_DIMENSIONS;
  g_autofree char *joined = NULL;

  if (input != NULL && JSON_NODE_HOLDS_ARRAY (input))
    {
      JsonArray *array = json_node_get_array (input);

      ex->batch = TRUE;
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
            break;
          g_ptr_array_add (ex->inputs, g_strdup (json_node_get_string (item)));
        }
    }
  else if (input != NULL && JSON_NODE_HOLDS_VALUE (input) &&
           json_node_get_value_type (input) == G_TYPE_STRING)
    g_ptr_array_add (ex->inputs, g_strdup (json_node_get_string (input)));

  if (ex->inputs->len == 0 ||
      (ex->batch && ex->inputs->len != json_array_get_length (json_node_get_array (input))))
    {
      *message = g_strdup ("'input' must be a non-empty string or array of strings.");
      return FALSE;
    }

  if (!sluice_mock_read_number (body, "dimensions", &dimensions) ||
      dimensions < 1 || dimensions > MAX_DIMENSIONS)
    {
      *message = g_strdup_printf ("'dimensions' must be between 1 and %d.", MAX_DIMENSIONS);
      return FALSE;
    }
  ex->dimensions = (guint) dimensions;
  ex->base64 = g_strcmp0 (sluice_mock_get_string (body, "encoding_format"), "base64") == 0;

  g_ptr_array_add (ex->inputs, NULL);
  joined = g_strjoinv ("\n", (char **) ex->inputs->pdata);
  g_ptr_array_remove_index (ex->inputs, ex->inputs->len - 1);
  sluice_request_add_message (ex->request, SLUICE_ROLE_USER, joined);
  return TRUE;
}

static gboolean
openai_parse (SluiceMockExchange  *ex,
              JsonObject          *body,
              SoupMessageHeaders  *headers,
              char               **message)
{
  const char *model;

  if (ex->op == SLUICE_MOCK_OP_MODELS)
    return TRUE;

  model = sluice_mock_get_string (body, "model");
  if (model == NULL || *model == '\0')
    {
      *message = g_strdup ("You must provide a model parameter.");
      return FALSE;
    }
  ex->model = g_strdup (model);
  sluice_request_set_model (ex->request, model);
  sluice_request_set_user (ex->request,
                           sluice_mock_get_string (body, "user"));

  if (ex->op == SLUICE_MOCK_OP_EMBED)
    return parse_embed (ex, body, message);

  return parse_chat (ex, body, message);
}

static JsonObject *
usage_object (SluiceMockExchange *ex)
{
  const SluiceUsage *usage = &ex->outcome.usage;
  JsonObject *object = json_object_new ();
  JsonObject *prompt = json_object_new ();
  JsonObject *completion = json_object_new ();

  json_object_set_int_member (object, "prompt_tokens", usage->input_tokens);
  json_object_set_int_member (object, "completion_tokens", usage->output_tokens);
  json_object_set_int_member (object, "total_tokens",
                              usage->input_tokens + usage->output_tokens);
  json_object_set_int_member (prompt, "cached_tokens", usage->cached_input_tokens);
  json_object_set_int_member (prompt, "audio_tokens", 0);
  json_object_set_object_member (object, "prompt_tokens_details", prompt);
  json_object_set_int_member (completion, "reasoning_tokens", 0);
  json_object_set_int_member (completion, "audio_tokens", 0);
  json_object_set_int_member (completion, "accepted_prediction_tokens", 0);
  json_object_set_int_member (completion, "rejected_prediction_tokens", 0);
  json_object_set_object_member (object, "completion_tokens_details", completion);

  return object;
}

static JsonObject *
completion_header (SluiceMockExchange *ex,
                   const char         *object_name)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "id", ex->id);
  json_object_set_string_member (object, "object", object_name);
  json_object_set_int_member (object, "created", ex->created);
  json_object_set_string_member (object, "model", ex->model);
  json_object_set_string_member (object, "system_fingerprint", FINGERPRINT);
  return object;
}

static const char *
finish_reason (SluiceMockExchange *ex)
{
  return sluice_mock_exchange_is_cut_short (ex) ? "length" : "stop";
}

static JsonNode *
build_completion (SluiceMockExchange *ex)
{
  JsonObject *object = completion_header (ex, "chat.completion");
  JsonObject *choice = json_object_new ();
  JsonObject *message = json_object_new ();
  JsonArray *choices = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (message, "role", "assistant");
  json_object_set_string_member (message, "content", sluice_mock_exchange_content (ex));
  json_object_set_null_member (message, "refusal");
  json_object_set_int_member (choice, "index", 0);
  json_object_set_object_member (choice, "message", message);
  json_object_set_null_member (choice, "logprobs");
  json_object_set_string_member (choice, "finish_reason", finish_reason (ex));
  json_array_add_object_element (choices, choice);
  json_object_set_array_member (object, "choices", choices);
  json_object_set_object_member (object, "usage", usage_object (ex));
  json_node_take_object (node, object);

  return node;
}

/* Little-endian float32 values, as the official clients decode them. */
static JsonNode *
embedding_base64 (JsonNode *vector)
{
  JsonArray *array = json_node_get_array (vector);
  guint n = json_array_get_length (array);
  g_autofree guint32 *words = g_new (guint32, n);
  g_autofree char *text = NULL;

  for (guint i = 0; i < n; i++)
    {
      float f = (float) json_array_get_double_element (array, i);

      memcpy (&words[i], &f, sizeof f);
      words[i] = GUINT32_TO_LE (words[i]);
    }
  text = g_base64_encode ((const guchar *) words, n * sizeof (guint32));
  json_node_unref (vector);

  return json_node_init_string (json_node_alloc (), text);
}

static JsonNode *
build_embeddings (SluiceMockExchange *ex)
{
  JsonObject *object = json_object_new ();
  JsonObject *usage = json_object_new ();
  JsonArray *data = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  for (guint i = 0; i < ex->inputs->len; i++)
    {
      JsonObject *item = json_object_new ();
      JsonNode *vector = sluice_mock_embedding (g_ptr_array_index (ex->inputs, i),
                                                ex->dimensions);

      json_object_set_string_member (item, "object", "embedding");
      json_object_set_int_member (item, "index", i);
      json_object_set_member (item, "embedding", ex->base64 ? embedding_base64 (vector) : vector);
      json_array_add_object_element (data, item);
    }

  json_object_set_string_member (object, "object", "list");
  json_object_set_array_member (object, "data", data);
  json_object_set_string_member (object, "model", ex->model);
  json_object_set_int_member (usage, "prompt_tokens", ex->outcome.usage.input_tokens);
  json_object_set_int_member (usage, "total_tokens", ex->outcome.usage.input_tokens);
  json_object_set_object_member (object, "usage", usage);
  json_node_take_object (node, object);

  return node;
}

static JsonNode *
build_models (SluiceMockExchange *ex)
{
  JsonObject *object = json_object_new ();
  JsonArray *data = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  for (const GList *l = ex->models; l != NULL; l = l->next)
    {
      JsonObject *item = json_object_new ();

      json_object_set_string_member (item, "id", l->data);
      json_object_set_string_member (item, "object", "model");
      json_object_set_int_member (item, "created", 1700000000);
      json_object_set_string_member (item, "owned_by", "sluice-mock");
      json_array_add_object_element (data, item);
    }
  json_object_set_string_member (object, "object", "list");
  json_object_set_array_member (object, "data", data);
  json_node_take_object (node, object);

  return node;
}

static JsonNode *
openai_build_body (SluiceMockExchange *ex)
{
  switch (ex->op)
    {
    case SLUICE_MOCK_OP_EMBED:
      return build_embeddings (ex);
    case SLUICE_MOCK_OP_MODELS:
      return build_models (ex);
    case SLUICE_MOCK_OP_CHAT:
    default:
      return build_completion (ex);
    }
}

/* One chat.completion.chunk with a single choice (or none when @delta is
 * NULL, the usage chunk). */
static char *
chunk_event (SluiceMockExchange *ex,
             JsonObject         *delta,
             const char         *finish,
             gboolean            with_usage)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = completion_header (ex, "chat.completion.chunk");
  JsonArray *choices = json_array_new ();

  if (delta != NULL)
    {
      JsonObject *choice = json_object_new ();

      json_object_set_int_member (choice, "index", 0);
      json_object_set_object_member (choice, "delta", delta);
      json_object_set_null_member (choice, "logprobs");
      if (finish != NULL)
        json_object_set_string_member (choice, "finish_reason", finish);
      else
        json_object_set_null_member (choice, "finish_reason");
      json_array_add_object_element (choices, choice);
    }
  json_object_set_array_member (object, "choices", choices);
  if (with_usage)
    json_object_set_object_member (object, "usage", usage_object (ex));
  else if (ex->include_usage)
    json_object_set_null_member (object, "usage");
  json_node_take_object (node, object);

  return sluice_mock_sse_event (NULL, node);
}

static GPtrArray *
openai_build_events (SluiceMockExchange *ex)
{
  GPtrArray *events = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) pieces = sluice_mock_split_content (sluice_mock_exchange_content (ex));
  JsonObject *delta = json_object_new ();

  json_object_set_string_member (delta, "role", "assistant");
  json_object_set_string_member (delta, "content", "");
  json_object_set_null_member (delta, "refusal");
  g_ptr_array_add (events, chunk_event (ex, delta, NULL, FALSE));

  for (guint i = 0; i < pieces->len; i++)
    {
      delta = json_object_new ();
      json_object_set_string_member (delta, "content", g_ptr_array_index (pieces, i));
      g_ptr_array_add (events, chunk_event (ex, delta, NULL, FALSE));
    }

  g_ptr_array_add (events, chunk_event (ex, json_object_new (), finish_reason (ex), FALSE));
  if (ex->include_usage)
    g_ptr_array_add (events, chunk_event (ex, NULL, NULL, TRUE));
  g_ptr_array_add (events, g_strdup ("data: [DONE]\n\n"));

  return events;
}

typedef struct
{
  guint       status;
  const char *type;
  const char *code;
} ErrorShape;

static ErrorShape
error_shape (SluiceErrorClass klass)
{
  switch (klass)
    {
    case SLUICE_ERROR_CLASS_RATE_LIMITED:
      return (ErrorShape) { 429, "requests", "rate_limit_exceeded" };
    case SLUICE_ERROR_CLASS_OVERLOADED:
      return (ErrorShape) { 503, "server_error", "overloaded" };
    case SLUICE_ERROR_CLASS_AUTH:
      return (ErrorShape) { 401, "invalid_request_error", "invalid_api_key" };
    case SLUICE_ERROR_CLASS_CONTEXT_LENGTH:
      return (ErrorShape) { 400, "invalid_request_error", "context_length_exceeded" };
    case SLUICE_ERROR_CLASS_CONTENT_FILTER:
      return (ErrorShape) { 400, "invalid_request_error", "content_filter" };
    case SLUICE_ERROR_CLASS_BAD_REQUEST:
      return (ErrorShape) { 400, "invalid_request_error", NULL };
    case SLUICE_ERROR_CLASS_TIMEOUT:
      return (ErrorShape) { 504, "server_error", "timeout" };
    case SLUICE_ERROR_CLASS_NONE:
    case SLUICE_ERROR_CLASS_SERVER:
    case SLUICE_ERROR_CLASS_NETWORK:
    case SLUICE_ERROR_CLASS_MALFORMED:
    default:
      return (ErrorShape) { 500, "server_error", NULL };
    }
}

static void
openai_set_error (SoupServerMessage *msg,
                  SluiceErrorClass   klass,
                  guint              status,
                  const char        *message)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  JsonObject *root = json_object_new ();
  JsonObject *error = json_object_new ();
  ErrorShape shape = error_shape (klass);

  if (message == NULL && klass == SLUICE_ERROR_CLASS_CONTEXT_LENGTH)
    message = "This model's maximum context length is 128000 tokens. However, your messages "
              "resulted in more tokens. Please reduce the length of the messages.";

  json_object_set_string_member (error, "message",
                                 message != NULL ? message : sluice_mock_error_text (klass));
  json_object_set_string_member (error, "type", shape.type);
  json_object_set_null_member (error, "param");
  if (shape.code != NULL)
    json_object_set_string_member (error, "code", shape.code);
  else
    json_object_set_null_member (error, "code");
  json_object_set_object_member (root, "error", error);
  json_node_take_object (node, root);

  sluice_mock_set_json (msg, status != 0 ? status : shape.status, node);
}

static void
openai_add_limit_headers (SoupMessageHeaders         *headers,
                          const SluiceMockLimitState *state)
{
  g_autofree char *limit_requests = g_strdup_printf ("%" G_GINT64_FORMAT, state->limit_requests);
  g_autofree char *remaining_requests = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                         state->remaining_requests);
  g_autofree char *reset_requests = sluice_mock_format_duration (state->reset_requests_ms);
  g_autofree char *limit_tokens = g_strdup_printf ("%" G_GINT64_FORMAT, state->limit_tokens);
  g_autofree char *remaining_tokens = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                       state->remaining_tokens);
  g_autofree char *reset_tokens = sluice_mock_format_duration (state->reset_tokens_ms);

  soup_message_headers_replace (headers, "x-ratelimit-limit-requests", limit_requests);
  soup_message_headers_replace (headers, "x-ratelimit-remaining-requests", remaining_requests);
  soup_message_headers_replace (headers, "x-ratelimit-reset-requests", reset_requests);
  soup_message_headers_replace (headers, "x-ratelimit-limit-tokens", limit_tokens);
  soup_message_headers_replace (headers, "x-ratelimit-remaining-tokens", remaining_tokens);
  soup_message_headers_replace (headers, "x-ratelimit-reset-tokens", reset_tokens);
}

const SluiceMockDialect sluice_mock_dialect_openai = {
  .name = "openai",
  .parse = openai_parse,
  .build_body = openai_build_body,
  .build_events = openai_build_events,
  .set_error = openai_set_error,
  .add_limit_headers = openai_add_limit_headers,
};
