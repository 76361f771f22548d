/* sluice-wire.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-providers"

#include "config.h"

#include <string.h>

#include "sluice-wire.h"

void
sluice_wire_stream_init (SluiceWireStream *stream)
{
  g_assert (stream != NULL);

  memset (stream, 0, sizeof *stream);
  stream->content = g_string_new (NULL);
}

void
sluice_wire_stream_clear (SluiceWireStream *stream)
{
  g_assert (stream != NULL);

  if (stream->content != NULL)
    g_string_free (stream->content, TRUE);
  stream->content = NULL;
  g_clear_pointer (&stream->finish_reason, g_free);
  g_clear_pointer (&stream->model, g_free);
}

SluiceCompletion *
sluice_wire_stream_finish (SluiceWireStream  *stream,
                           GError           **error)
{
  g_assert (stream != NULL);

  return sluice_wire_completion_new (stream->content->str,
                                     stream->finish_reason != NULL
                                       ? stream->finish_reason : "stop",
                                     stream->model, &stream->usage, error);
}

const char *
sluice_wire_role_name (SluiceRole role)
{
  switch (role)
    {
    case SLUICE_ROLE_SYSTEM:
      return "system";
    case SLUICE_ROLE_ASSISTANT:
      return "assistant";
    case SLUICE_ROLE_USER:
    case SLUICE_ROLE_TOOL:
    default:
      /* The request model carries no tool-call ids, so a tool's output
       * travels as text the user side supplied. */
      return "user";
    }
}

char *
sluice_wire_join_system (SluiceRequest *request)
{
  GPtrArray *messages = sluice_request_get_messages (request);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < messages->len; i++)
    {
      SluiceMessage *message = g_ptr_array_index (messages, i);

      if (sluice_message_get_role (message) != SLUICE_ROLE_SYSTEM)
        continue;
      if (text->len > 0)
        g_string_append (text, "\n\n");
      g_string_append (text, sluice_message_get_content (message));
    }

  if (text->len == 0)
    return NULL;

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
contains_any (const char         *haystack,
              const char * const *needles)
{
  for (guint i = 0; needles[i] != NULL; i++)
    {
      if (strstr (haystack, needles[i]) != NULL)
        return TRUE;
    }

  return FALSE;
}

static const char * const context_hints[] = {
  "context_length", "context length", "maximum context", "context window",
  "context size", "exceed_context", "prompt is too long",
  "exceeds the maximum number of tokens", "too many tokens",
  "input token count", NULL
};

static const char * const filter_hints[] = {
  "content_filter", "content_policy", "content management policy",
  "responsibleaipolicyviolation", "safety", "prohibited_content", NULL
};

/**
 * sluice_wire_classify:
 * @status: the HTTP status, 0 for an error reported inside a stream
 * @type: (nullable): the provider's error type, code and status, joined
 * @message: (nullable): the provider's error message
 *
 * Maps what a provider said to the error taxonomy.
 *
 * Returns: the error class
 */
SluiceErrorClass
sluice_wire_classify (guint       status,
                      const char *type,
                      const char *message)
{
  g_autofree char *t = g_ascii_strdown (type != NULL ? type : "", -1);
  g_autofree char *m = g_ascii_strdown (message != NULL ? message : "", -1);
  g_autofree char *both = g_strconcat (t, " ", m, NULL);

  if (strstr (t, "overloaded") != NULL || status == 503 || status == 529
      || strstr (t, "unavailable") != NULL)
    return SLUICE_ERROR_CLASS_OVERLOADED;
  if (status == 429 || strstr (t, "rate_limit") != NULL
      || strstr (t, "resource_exhausted") != NULL)
    return SLUICE_ERROR_CLASS_RATE_LIMITED;
  if (status == 408 || status == 504 || strstr (t, "deadline_exceeded") != NULL
      || strstr (t, "timeout") != NULL)
    return SLUICE_ERROR_CLASS_TIMEOUT;
  if (status == 401 || status == 403 || strstr (t, "authentication") != NULL
      || strstr (t, "permission") != NULL || strstr (t, "unauthenticated") != NULL
      || strstr (t, "invalid_api_key") != NULL
      || strstr (both, "api_key_invalid") != NULL
      || strstr (m, "api key not valid") != NULL)
    return SLUICE_ERROR_CLASS_AUTH;
  if (contains_any (t, filter_hints) || strstr (m, "content_filter") != NULL
      || strstr (m, "content management policy") != NULL)
    return SLUICE_ERROR_CLASS_CONTENT_FILTER;
  if ((status == 0 || (status >= 400 && status < 500))
      && contains_any (both, context_hints))
    return SLUICE_ERROR_CLASS_CONTEXT_LENGTH;
  if (status >= 500 || status == 0)
    return SLUICE_ERROR_CLASS_SERVER;
  if (status >= 400)
    return SLUICE_ERROR_CLASS_BAD_REQUEST;

  return SLUICE_ERROR_CLASS_SERVER;
}

static GError *
make_error (guint       status,
            const char *type,
            const char *message)
{
  SluiceErrorClass klass = sluice_wire_classify (status, type, message);

  if (message == NULL || *message == '\0')
    message = type != NULL && *type != '\0' ? type : "no message";

  if (status == 0)
    return g_error_new (SLUICE_PROVIDER_ERROR, klass,
                        "error in stream: %s", message);

  return g_error_new (SLUICE_PROVIDER_ERROR, klass,
                      "HTTP %u: %s", status, message);
}

static void
append_member (GString    *out,
               JsonObject *object,
               const char *member)
{
  JsonNode *node;

  if (object == NULL || !json_object_has_member (object, member))
    return;

  node = json_object_get_member (object, member);
  if (!JSON_NODE_HOLDS_VALUE (node))
    return;

  if (out->len > 0)
    g_string_append_c (out, ' ');
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    g_string_append (out, json_node_get_string (node));
  else
    g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
}

/* Gemini's details carry the reason, e.g. API_KEY_INVALID. */
static void
append_details (GString    *out,
                JsonObject *error)
{
  JsonArray *details = sluice_wire_get_array (error, "details");

  for (guint i = 0; details != NULL && i < json_array_get_length (details); i++)
    {
      JsonNode *node = json_array_get_element (details, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        append_member (out, json_node_get_object (node), "reason");
    }
}

GError *
sluice_wire_error_from_json (guint     status,
                             JsonNode *root)
{
  g_autoptr(GString) type = g_string_new (NULL);
  JsonObject *object = NULL;
  JsonNode *error_node;
  const char *message = NULL;

  /* Gemini sometimes wraps its error in a one-element array. */
  if (JSON_NODE_HOLDS_ARRAY (root) && json_array_get_length (json_node_get_array (root)) > 0)
    root = json_array_get_element (json_node_get_array (root), 0);
  if (JSON_NODE_HOLDS_OBJECT (root))
    object = json_node_get_object (root);
  if (object == NULL || !json_object_has_member (object, "error"))
    return make_error (status, NULL, NULL);

  error_node = json_object_get_member (object, "error");
  if (JSON_NODE_HOLDS_VALUE (error_node)
      && json_node_get_value_type (error_node) == G_TYPE_STRING)
    {
      /* Ollama and others: {"error": "text"}. */
      message = json_node_get_string (error_node);
    }
  else if (JSON_NODE_HOLDS_OBJECT (error_node))
    {
      JsonObject *error = json_node_get_object (error_node);

      message = sluice_wire_get_string (error, "message");
      append_member (type, error, "type");
      append_member (type, error, "code");
      append_member (type, error, "status");
      append_details (type, error);
    }

  return make_error (status, type->str, message);
}

GError *
sluice_wire_error_from_body (guint       status,
                             const char *body,
                             gsize       len)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  root = sluice_wire_parse_json (body, len, NULL);
  if (root != NULL)
    return sluice_wire_error_from_json (status, root);

  /* Not JSON: a proxy's HTML page or plain text; keep its start. */
  text = g_utf8_make_valid (body != NULL ? body : "", MIN (len, 200));
  g_strstrip (text);

  return make_error (status, NULL, text);
}

SluiceCompletion *
sluice_wire_completion_new (const char         *content,
                            const char         *finish_reason,
                            const char         *model,
                            const SluiceUsage  *usage,
                            GError            **error)
{
  /* A filtered answer with nothing in it is useless to the caller; as an
   * error, the engine can fall back to another model. */
  if (g_strcmp0 (finish_reason, "content_filter") == 0
      && (content == NULL || *content == '\0'))
    {
      g_set_error_literal (error, SLUICE_PROVIDER_ERROR,
                           SLUICE_ERROR_CLASS_CONTENT_FILTER,
                           "the provider's content filter withheld the answer");
      return NULL;
    }

  return sluice_completion_new (content != NULL ? content : "",
                                finish_reason, model, usage);
}

JsonNode *
sluice_wire_parse_json (const char  *data,
                        gssize       len,
                        GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;

  if (data == NULL || len == 0)
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                           "empty document");
      return NULL;
    }

  if (!json_parser_load_from_data (parser, data, len, error))
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                           "empty document");
      return NULL;
    }

  return json_node_ref (root);
}

gint64
sluice_wire_get_int (JsonObject *object,
                     const char *member)
{
  JsonNode *node;

  if (object == NULL || !json_object_has_member (object, member))
    return 0;

  node = json_object_get_member (object, member);
  if (!JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) == G_TYPE_STRING)
    return 0;

  return json_node_get_int (node);
}

const char *
sluice_wire_get_string (JsonObject *object,
                        const char *member)
{
  JsonNode *node;

  if (object == NULL || !json_object_has_member (object, member))
    return NULL;

  node = json_object_get_member (object, member);
  if (!JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

JsonObject *
sluice_wire_get_object (JsonObject *object,
                        const char *member)
{
  JsonNode *node;

  if (object == NULL || !json_object_has_member (object, member))
    return NULL;

  node = json_object_get_member (object, member);
  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
sluice_wire_get_array (JsonObject *object,
                       const char *member)
{
  JsonNode *node;

  if (object == NULL || !json_object_has_member (object, member))
    return NULL;

  node = json_object_get_member (object, member);
  return JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* One stream event's data as JSON, or NULL with @error set (a malformed
 * answer) when it is no JSON object. */
JsonNode *
sluice_wire_parse_event (const SluiceSseEvent  *event,
                         GError               **error)
{
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(JsonNode) root = NULL;

  root = sluice_wire_parse_json (event->data, -1, &parse_error);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_MALFORMED,
                   "could not parse a stream event: %s",
                   parse_error != NULL ? parse_error->message : "not an object");
      return NULL;
    }

  return g_steal_pointer (&root);
}

static gboolean
parse_number (const char *text,
              double     *out)
{
  char *end = NULL;

  *out = g_ascii_strtod (text, &end);
  if (end == text)
    return FALSE;
  while (g_ascii_isspace (*end))
    end++;

  return *end == '\0' && *out >= 0;
}

/**
 * sluice_wire_parse_retry_after:
 * @headers: response headers
 * @now: the current wall-clock time, for an HTTP-date
 *
 * Reads `retry-after-ms`, else `Retry-After` as seconds or an HTTP-date.
 *
 * Returns: the wait in milliseconds, or -1 when the headers gave none
 */
gint64
sluice_wire_parse_retry_after (SoupMessageHeaders *headers,
                               GDateTime          *now)
{
  g_autoptr(GDateTime) date = NULL;
  const char *value;
  double number;

  value = soup_message_headers_get_one (headers, "retry-after-ms");
  if (value != NULL && parse_number (value, &number))
    return (gint64) number;

  value = soup_message_headers_get_one (headers, "Retry-After");
  if (value == NULL)
    return -1;
  if (parse_number (value, &number))
    return (gint64) (number * 1000.0);

  date = soup_date_time_new_from_http_string (value);
  if (date == NULL)
    return -1;

  return MAX (0, g_date_time_difference (date, now) / 1000);
}

gint64
sluice_wire_parse_remaining (SoupMessageHeaders *headers,
                             const char * const *names)
{
  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *value = soup_message_headers_get_one (headers, names[i]);
      double number;

      if (value != NULL && parse_number (value, &number))
        return (gint64) number;
    }

  return -1;
}

/**
 * sluice_wire_mask_key:
 * @key: (nullable): an API key
 *
 * Returns: (transfer full) (nullable): the key's first three and last four
 *   characters around an ellipsis, or only the ellipsis for a short key
 */
char *
sluice_wire_mask_key (const char *key)
{
  gsize len;

  if (key == NULL)
    return NULL;

  len = strlen (key);
  if (len <= 12)
    return g_strdup ("…");

  return g_strdup_printf ("%.3s…%s", key, key + len - 4);
}

/* Provider messages sometimes quote the key they refused. */
void
sluice_wire_scrub_secret (GError     *error,
                          const char *secret)
{
  g_autofree char *masked = NULL;
  g_auto(GStrv) parts = NULL;

  if (secret == NULL || *secret == '\0' || strstr (error->message, secret) == NULL)
    return;

  masked = sluice_wire_mask_key (secret);
  parts = g_strsplit (error->message, secret, -1);
  g_free (error->message);
  error->message = g_strjoinv (masked, parts);
}

/* Fills in what the response headers say of @call's rate limits. */
void
sluice_wire_read_limits (SoupMessageHeaders *headers,
                         SluiceProviderCall *call)
{
  static const char * const requests[] = {
    "x-ratelimit-remaining-requests", "anthropic-ratelimit-requests-remaining", NULL
  };
  static const char * const tokens[] = {
    "x-ratelimit-remaining-tokens", "anthropic-ratelimit-tokens-remaining", NULL
  };
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  gint64 value;

  value = sluice_wire_parse_retry_after (headers, now);
  if (value >= 0)
    call->retry_after_ms = value;
  value = sluice_wire_parse_remaining (headers, requests);
  if (value >= 0)
    call->ratelimit_remaining_requests = value;
  value = sluice_wire_parse_remaining (headers, tokens);
  if (value >= 0)
    call->ratelimit_remaining_tokens = value;
}
