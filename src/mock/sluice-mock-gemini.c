/* sluice-mock-gemini.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-mock"

#include "config.h"

#include "sluice-mock-dialect.h"

#define DEFAULT_DIMENSIONS 768
#define MAX_DIMENSIONS     8192

/* The text of a Content object ({"role", "parts": [{"text"}]}). */
static char *
content_text (JsonNode *content)
{
  if (content == NULL || !JSON_NODE_HOLDS_OBJECT (content))
    return NULL;

  return sluice_mock_text_of (json_object_get_member (json_node_get_object (content), "parts"));
}

static gboolean
parse_contents (SluiceMockExchange  *ex,
                JsonObject          *body,
                char               **message)
{
  JsonNode *node = json_object_get_member (body, "contents");
  JsonArray *contents;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) ||
      json_array_get_length (json_node_get_array (node)) == 0)
    {
      *message = g_strdup ("* GenerateContentRequest.contents: contents is not specified");
      return FALSE;
    }

  contents = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (contents); i++)
    {
      JsonNode *item = json_array_get_element (contents, i);
      g_autofree char *text = content_text (item);
      const char *role_name = NULL;
      SluiceRole role = SLUICE_ROLE_USER;

      if (text != NULL)
        role_name = sluice_mock_get_string (json_node_get_object (item), "role");
      if (text == NULL || !sluice_mock_read_role (role_name != NULL ? role_name : "user", &role))
        {
          *message = g_strdup_printf ("Invalid value at 'contents[%u]'", i);
          return FALSE;
        }
      sluice_request_add_message (ex->request, role, text);
    }

  return TRUE;
}

static gboolean
parse_generate (SluiceMockExchange  *ex,
                JsonObject          *body,
                char               **message)
{
  JsonObject *config = sluice_mock_get_object (body, "generationConfig");
  g_autofree char *system = content_text (json_object_get_member (body, "systemInstruction"));
  double max_tokens = 0;
  double temperature = 1.0;

  if (system != NULL && *system != '\0')
    sluice_request_add_message (ex->request, SLUICE_ROLE_SYSTEM, system);
  if (!parse_contents (ex, body, message))
    return FALSE;

  if (config != NULL &&
      (!sluice_mock_read_number (config, "maxOutputTokens", &max_tokens) ||
       !sluice_mock_read_number (config, "temperature", &temperature)))
    {
      *message = g_strdup ("Invalid value at 'generation_config'");
      return FALSE;
    }

  sluice_request_set_max_tokens (ex->request, (gint64) max_tokens);
  sluice_request_set_temperature (ex->request, temperature);
  sluice_request_set_stream (ex->request, ex->stream);
  return TRUE;
}

/* One EmbedContentRequest: its text goes to the inputs. */
static gboolean
parse_embed_one (SluiceMockExchange *ex,
                 JsonObject         *request)
{
  g_autofree char *text = content_text (json_object_get_member (request, "content"));
  double dimensions = DEFAULT_DIMENSIONS;

  if (text == NULL ||
      !sluice_mock_read_number (request, "outputDimensionality", &dimensions) ||
      dimensions < 1 || dimensions > MAX_DIMENSIONS)
    return FALSE;

  ex->dimensions = (guint) dimensions;
  g_ptr_array_add (ex->inputs, g_steal_pointer (&text));
  return TRUE;
}

static gboolean
parse_embed (SluiceMockExchange  *ex,
             JsonObject          *body,
             char               **message)
{
  JsonArray *requests = sluice_mock_get_array (body, "requests");
  g_autofree char *joined = NULL;
  gboolean ok = TRUE;

  if (!ex->batch)
    ok = parse_embed_one (ex, body);
  else if (requests == NULL || json_array_get_length (requests) == 0)
    ok = FALSE;
  else
    for (guint i = 0; ok && i < json_array_get_length (requests); i++)
      {
        JsonNode *item = json_array_get_element (requests, i);

        ok = JSON_NODE_HOLDS_OBJECT (item) && parse_embed_one (ex, json_node_get_object (item));
      }

  if (!ok)
    {
      *message = g_strdup ("Invalid embedding request: content or outputDimensionality");
      return FALSE;
    }

  g_ptr_array_add (ex->inputs, NULL);
  joined = g_strjoinv ("\n", (char **) ex->inputs->pdata);
  g_ptr_array_remove_index (ex->inputs, ex->inputs->len - 1);
  sluice_request_add_message (ex->request, SLUICE_ROLE_USER, joined);
  return TRUE;
}

/* The model comes from the path, set by the server before parsing. */
static gboolean
gemini_parse (SluiceMockExchange  *ex,
              JsonObject          *body,
              SoupMessageHeaders  *headers,
              char               **message)
{
  sluice_request_set_model (ex->request, ex->model);
  if (!ex->sse)
    ex->stream_content_type = "application/json";

  if (ex->op == SLUICE_MOCK_OP_EMBED)
    return parse_embed (ex, body, message);

  return parse_generate (ex, body, message);
}

static JsonObject *
usage_metadata (SluiceMockExchange *ex,
                gboolean            complete)
{
  JsonObject *object = json_object_new ();
  const SluiceUsage *u = &ex->outcome.usage;
  gint64 output = complete ? u->output_tokens : 0;

  json_object_set_int_member (object, "promptTokenCount", u->input_tokens);
  if (complete)
    json_object_set_int_member (object, "candidatesTokenCount", output);
  json_object_set_int_member (object, "totalTokenCount", u->input_tokens + output);
  if (u->cached_input_tokens > 0)
    json_object_set_int_member (object, "cachedContentTokenCount", u->cached_input_tokens);
  return object;
}

/* A GenerateContentResponse carrying @text; the last one of a stream (or
 * the only one) has the finish reason and the full usage. */
static JsonNode *
response_node (SluiceMockExchange *ex,
               const char         *text,
               gboolean            last)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();
  JsonObject *candidate = json_object_new ();
  JsonObject *content = json_object_new ();
  JsonObject *part = json_object_new ();
  JsonArray *parts = json_array_new ();
  JsonArray *candidates = json_array_new ();

  json_object_set_string_member (part, "text", text);
  json_array_add_object_element (parts, part);
  json_object_set_array_member (content, "parts", parts);
  json_object_set_string_member (content, "role", "model");
  json_object_set_object_member (candidate, "content", content);
  if (last)
    json_object_set_string_member (candidate, "finishReason",
                                   sluice_mock_exchange_is_cut_short (ex) ? "MAX_TOKENS" : "STOP");
  json_object_set_int_member (candidate, "index", 0);
  json_array_add_object_element (candidates, candidate);

  json_object_set_array_member (object, "candidates", candidates);
  json_object_set_object_member (object, "usageMetadata", usage_metadata (ex, last));
  json_object_set_string_member (object, "modelVersion", ex->model);
  json_object_set_string_member (object, "responseId", ex->id);
  json_node_take_object (node, object);

  return node;
}

static JsonObject *
embedding_object (SluiceMockExchange *ex,
                  guint               index)
{
  JsonObject *object = json_object_new ();

  json_object_set_member (object, "values",
                          sluice_mock_embedding (g_ptr_array_index (ex->inputs, index),
                                                 ex->dimensions));
  return object;
}

static JsonNode *
gemini_build_body (SluiceMockExchange *ex)
{
  JsonNode *node;
  JsonObject *object;
  JsonArray *embeddings;

  if (ex->op != SLUICE_MOCK_OP_EMBED)
    return response_node (ex, sluice_mock_exchange_content (ex), TRUE);

  node = json_node_new (JSON_NODE_OBJECT);
  object = json_object_new ();
  if (!ex->batch)
    json_object_set_object_member (object, "embedding", embedding_object (ex, 0));
  else
    {
      embeddings = json_array_new ();
      for (guint i = 0; i < ex->inputs->len; i++)
        json_array_add_object_element (embeddings, embedding_object (ex, i));
      json_object_set_array_member (object, "embeddings", embeddings);
    }
  json_node_take_object (node, object);

  return node;
}

/* With alt=sse each chunk is an SSE event; without it the stream is one
 * JSON array written piece by piece. */
static GPtrArray *
gemini_build_events (SluiceMockExchange *ex)
{
  GPtrArray *events = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) pieces = sluice_mock_split_content (sluice_mock_exchange_content (ex));

  for (guint i = 0; i < pieces->len; i++)
    {
      g_autoptr(JsonNode) node = response_node (ex, g_ptr_array_index (pieces, i),
                                                i + 1 == pieces->len);
      g_autofree char *json = sluice_mock_json_to_string (node);

      if (ex->sse)
        g_ptr_array_add (events, g_strdup_printf ("data: %s\r\n\r\n", json));
      else
        g_ptr_array_add (events, g_strdup_printf ("%s%s", i == 0 ? "[" : ",\r\n", json));
    }
  if (!ex->sse)
    g_ptr_array_add (events, g_strdup ("]"));

  return events;
}

typedef struct
{
  guint       status;
  const char *name;
  const char *message;
} ErrorShape;

static ErrorShape
error_shape (SluiceErrorClass klass)
{
  switch (klass)
    {
    case SLUICE_ERROR_CLASS_RATE_LIMITED:
      return (ErrorShape) { 429, "RESOURCE_EXHAUSTED",
                            "Resource has been exhausted (e.g. check quota)." };
    case SLUICE_ERROR_CLASS_OVERLOADED:
      return (ErrorShape) { 503, "UNAVAILABLE",
                            "The model is overloaded. Please try again later." };
    case SLUICE_ERROR_CLASS_AUTH:
      return (ErrorShape) { 401, "UNAUTHENTICATED",
                            "API key not valid. Please pass a valid API key." };
    case SLUICE_ERROR_CLASS_CONTEXT_LENGTH:
      return (ErrorShape) { 400, "INVALID_ARGUMENT",
                            "The input token count exceeds the maximum number of tokens allowed "
                            "(1048576)." };
    case SLUICE_ERROR_CLASS_BAD_REQUEST:
      return (ErrorShape) { 400, "INVALID_ARGUMENT", "Request contains an invalid argument." };
    case SLUICE_ERROR_CLASS_TIMEOUT:
      return (ErrorShape) { 504, "DEADLINE_EXCEEDED",
                            "Deadline expired before operation could complete." };
    case SLUICE_ERROR_CLASS_NONE:
    case SLUICE_ERROR_CLASS_SERVER:
    case SLUICE_ERROR_CLASS_CONTENT_FILTER:
    case SLUICE_ERROR_CLASS_NETWORK:
    case SLUICE_ERROR_CLASS_MALFORMED:
    default:
      return (ErrorShape) { 500, "INTERNAL", "An internal error has occurred." };
    }
}

/* Gemini refuses a prompt with a 200 and a prompt feedback, not an HTTP
 * error. */
static void
set_blocked (SoupServerMessage *msg)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  JsonObject *root = json_object_new ();
  JsonObject *feedback = json_object_new ();

  json_object_set_string_member (feedback, "blockReason", "SAFETY");
  json_object_set_object_member (root, "promptFeedback", feedback);
  json_node_take_object (node, root);
  sluice_mock_set_json (msg, SOUP_STATUS_OK, node);
}

static void
gemini_set_error (SoupServerMessage *msg,
                  SluiceErrorClass   klass,
                  guint              status,
                  const char        *message)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *root;
  JsonObject *error;
  ErrorShape shape = error_shape (klass);

  if (klass == SLUICE_ERROR_CLASS_CONTENT_FILTER && status == 0)
    {
      set_blocked (msg);
      return;
    }

  if (status == 0)
    status = shape.status;
  node = json_node_new (JSON_NODE_OBJECT);
  root = json_object_new ();
  error = json_object_new ();
  json_object_set_int_member (error, "code", status);
  json_object_set_string_member (error, "message", message != NULL ? message : shape.message);
  json_object_set_string_member (error, "status", shape.name);
  json_object_set_object_member (root, "error", error);
  json_node_take_object (node, root);

  sluice_mock_set_json (msg, status, node);
}

static void
gemini_add_limit_headers (SoupMessageHeaders         *headers,
                          const SluiceMockLimitState *state)
{
  /* Gemini reports no rate-limit headers beyond Retry-After. */
}

const SluiceMockDialect sluice_mock_dialect_gemini = {
  .name = "gemini",
  .parse = gemini_parse,
  .build_body = gemini_build_body,
  .build_events = gemini_build_events,
  .set_error = gemini_set_error,
  .add_limit_headers = gemini_add_limit_headers,
};
