/* sluice-mock-dialect.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-mock"

#include "config.h"

#include <math.h>
#include <string.h>

#include "sluice-mock-dialect.h"
#include "sluice-mock-embedding.h"

SluiceMockExchange *
sluice_mock_exchange_new (const SluiceMockDialect *dialect,
                          SluiceMockOp             op,
                          const char              *endpoint)
{
  SluiceMockExchange *ex = g_new0 (SluiceMockExchange, 1);

  ex->dialect = dialect;
  ex->op = op;
  ex->endpoint = endpoint;
  ex->created = g_get_real_time () / G_USEC_PER_SEC;
  ex->inputs = g_ptr_array_new_with_free_func (g_free);
  ex->request = sluice_request_new ();
  ex->outcome.retry_after_ms = -1;
  ex->stream_content_type = "text/event-stream";

  return ex;
}

void
sluice_mock_exchange_free (SluiceMockExchange *ex)
{
  if (ex == NULL)
    return;

  sluice_mock_outcome_clear (&ex->outcome);
  g_clear_object (&ex->request);
  g_ptr_array_unref (ex->inputs);
  g_list_free_full (ex->models, g_free);
  g_free (ex->model);
  g_free (ex->id);
  g_free (ex);
}

/* TRUE when the answer stopped at the request's max tokens. */
gboolean
sluice_mock_exchange_is_cut_short (SluiceMockExchange *ex)
{
  gint64 max_tokens = sluice_request_get_max_tokens (ex->request);

  return max_tokens > 0 && ex->outcome.usage.output_tokens >= max_tokens;
}

const char *
sluice_mock_exchange_content (SluiceMockExchange *ex)
{
  return ex->outcome.content != NULL ? ex->outcome.content : "";
}

char *
sluice_mock_json_to_string (JsonNode *node)
{
  return json_to_string (node, FALSE);
}

char *
sluice_mock_sse_event (const char *event,
                       JsonNode   *data)
{
  g_autofree char *text = sluice_mock_json_to_string (data);

  if (event != NULL)
    return g_strdup_printf ("event: %s\ndata: %s\n\n", event, text);

  return g_strdup_printf ("data: %s\n\n", text);
}

void
sluice_mock_set_json (SoupServerMessage *msg,
                      guint              status,
                      JsonNode          *node)
{
  char *text = sluice_mock_json_to_string (node);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                    text, strlen (text));
}

/* Words with their trailing blanks, so the pieces join back to the text. */
GPtrArray *
sluice_mock_split_content (const char *content)
{
  GPtrArray *pieces = g_ptr_array_new_with_free_func (g_free);
  const char *start = content;
  const char *p = content;

  while (*p != '\0')
    {
      while (*p != '\0' && !g_ascii_isspace (*p))
        p++;
      while (*p != '\0' && g_ascii_isspace (*p))
        p++;
      g_ptr_array_add (pieces, g_strndup (start, p - start));
      start = p;
    }

  if (pieces->len == 0)
    g_ptr_array_add (pieces, g_strdup (""));

  return pieces;
}

/* A plain string, or an array of parts whose "text" members are joined. */
char *
sluice_mock_text_of (JsonNode *content)
{
  GString *text;
  JsonArray *parts;

  if (content == NULL || JSON_NODE_HOLDS_NULL (content))
    return g_strdup ("");

  if (JSON_NODE_HOLDS_VALUE (content) &&
      json_node_get_value_type (content) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (content));

  if (!JSON_NODE_HOLDS_ARRAY (content))
    return NULL;

  text = g_string_new (NULL);
  parts = json_node_get_array (content);
  for (guint i = 0; i < json_array_get_length (parts); i++)
    {
      JsonNode *part = json_array_get_element (parts, i);

      const char *piece = NULL;

      if (JSON_NODE_HOLDS_OBJECT (part))
        piece = sluice_mock_get_string (json_node_get_object (part), "text");
      else if (JSON_NODE_HOLDS_VALUE (part) &&
               json_node_get_value_type (part) == G_TYPE_STRING)
        piece = json_node_get_string (part);
      if (piece != NULL)
        g_string_append (text, piece);
    }

  return g_string_free (text, FALSE);
}

/* A deterministic unit vector, the same as the in-process mock's. */
JsonNode *
sluice_mock_embedding (const char *text,
                       guint       dimensions)
{
  g_autofree double *vector = g_new0 (double, dimensions);
  JsonArray *array = json_array_sized_new (dimensions);
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  sluice_mock_embedding_compute (text, dimensions, vector);
  for (guint i = 0; i < dimensions; i++)
    json_array_add_double_element (array, vector[i]);
  json_node_take_array (node, array);

  return node;
}

/* Typed member access that tolerates any input: a missing member or one of
 * another type reads as absent. */
const char *
sluice_mock_get_string (JsonObject *object,
                        const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

gboolean
sluice_mock_get_boolean (JsonObject *object,
                         const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN &&
         json_node_get_boolean (node);
}

JsonObject *
sluice_mock_get_object (JsonObject *object,
                        const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
sluice_mock_get_array (JsonObject *object,
                       const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

gboolean
sluice_mock_read_role (const char *name,
                       SluiceRole *role)
{
  if (name == NULL)
    return FALSE;

  if (g_strcmp0 (name, "developer") == 0)
    name = "system";
  else if (g_strcmp0 (name, "model") == 0)
    name = "assistant";
  else if (g_strcmp0 (name, "function") == 0)
    name = "tool";

  return sluice_role_from_string (name, role);
}

/* FALSE only when the member is there and is not a number. */
gboolean
sluice_mock_read_number (JsonObject *object,
                         const char *member,
                         double     *out)
{
  JsonNode *node = json_object_get_member (object, member);
  GType type;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    return FALSE;

  *out = json_node_get_double (node);
  return TRUE;
}

const char *
sluice_mock_error_text (SluiceErrorClass klass)
{
  switch (klass)
    {
    case SLUICE_ERROR_CLASS_RATE_LIMITED:
      return "Rate limit reached. Please try again later.";
    case SLUICE_ERROR_CLASS_SERVER:
      return "The server had an error while processing your request.";
    case SLUICE_ERROR_CLASS_OVERLOADED:
      return "The server is overloaded. Please try again later.";
    case SLUICE_ERROR_CLASS_AUTH:
      return "Incorrect API key provided.";
    case SLUICE_ERROR_CLASS_CONTEXT_LENGTH:
      return "The input is longer than the model's context window.";
    case SLUICE_ERROR_CLASS_CONTENT_FILTER:
      return "The request was blocked by the content filter.";
    case SLUICE_ERROR_CLASS_TIMEOUT:
      return "The request timed out.";
    case SLUICE_ERROR_CLASS_NONE:
    case SLUICE_ERROR_CLASS_BAD_REQUEST:
    case SLUICE_ERROR_CLASS_NETWORK:
    case SLUICE_ERROR_CLASS_MALFORMED:
    default:
      return "The request is not valid.";
    }
}

/* OpenAI's reset format: "20ms", "1.5s", "6m0s". */
char *
sluice_mock_format_duration (gint64 ms)
{
  if (ms < 1000)
    return g_strdup_printf ("%" G_GINT64_FORMAT "ms", MAX (ms, 0));
  if (ms < 60000)
    return g_strdup_printf ("%gs", ms / 1000.0);

  return g_strdup_printf ("%" G_GINT64_FORMAT "m%gs", ms / 60000, (ms % 60000) / 1000.0);
}
