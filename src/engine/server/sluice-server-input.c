/* sluice-server-input.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-server"

#include "config.h"

#include <math.h>
#include <string.h>

#include "sluice-server-private.h"

/* Reading a request body: media type, UTF-8, nesting, JSON, and typed
 * fields, each failure saying where and why. Nothing here trusts the body:
 * the parser only sees text that is valid UTF-8 without NUL bytes and whose
 * nesting is bounded, so a hostile body cannot exhaust the stack. */

#define MAX_DEPTH 64

G_DEFINE_QUARK (sluice-fault-error-quark, sluice_fault_error)
G_DEFINE_QUARK (sluice-field-error-quark, sluice_field_error)

gboolean
_sluice_fail_field (GError     **error,
                    const char  *path,
                    const char  *format,
                    ...)
{
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, SLUICE_FIELD_ERROR, 0, "%s: %s", path, reason);
  return FALSE;
}

char *
_sluice_fault_param (const GError *error)
{
  const char *colon;

  if (error == NULL || error->domain != SLUICE_FIELD_ERROR)
    return NULL;
  colon = strstr (error->message, ": ");
  return colon != NULL ? g_strndup (error->message, colon - error->message) : NULL;
}

static gboolean
check_media_type (SoupServerMessage  *msg,
                  GError            **error)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *type = soup_message_headers_get_content_type (headers, NULL);

  /* A missing type is read as JSON; a different one is refused. */
  if (type == NULL ||
      g_ascii_strcasecmp (type, "application/json") == 0 ||
      g_str_has_suffix (type, "+json"))
    return TRUE;

  g_set_error (error, SLUICE_FAULT_ERROR, SLUICE_FAULT_MEDIA_TYPE,
               "Content-Type must be application/json, not %s", type);
  return FALSE;
}

/* Bodies are read as they come: a compressed one is refused, not parsed
 * as if it were text. */
static gboolean
check_content_encoding (SoupServerMessage  *msg,
                        GError            **error)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *encoding = soup_message_headers_get_list (headers, "Content-Encoding");

  if (encoding == NULL || *encoding == '\0' || g_ascii_strcasecmp (encoding, "identity") == 0)
    return TRUE;

  g_set_error (error, SLUICE_FAULT_ERROR, SLUICE_FAULT_MEDIA_TYPE,
               "Content-Encoding %s is not supported; send the JSON body uncompressed",
               g_utf8_validate (encoding, -1, NULL) && strlen (encoding) <= 64
               ? encoding : "(unreadable)");
  return FALSE;
}

static gboolean
check_utf8 (const char  *data,
            gsize        len,
            GError     **error)
{
  const char *end = NULL;

  if (g_utf8_validate_len (data, len, &end))
    return TRUE;

  if (*end == '\0')
    g_set_error (error, SLUICE_FAULT_ERROR, SLUICE_FAULT_BAD_REQUEST,
                 "The request body contains a NUL byte at offset %" G_GSIZE_FORMAT,
                 (gsize) (end - data));
  else
    g_set_error (error, SLUICE_FAULT_ERROR, SLUICE_FAULT_BAD_REQUEST,
                 "The request body is not valid UTF-8 at byte offset %" G_GSIZE_FORMAT,
                 (gsize) (end - data));
  return FALSE;
}

/* A linear scan that knows strings and escapes, so brackets inside
 * strings do not count. */
static gboolean
check_depth (const char  *data,
             gsize        len,
             GError     **error)
{
  gboolean in_string = FALSE;
  gboolean escaped = FALSE;
  guint depth = 0;
  guint line = 1;
  gsize line_start = 0;

  for (gsize i = 0; i < len; i++)
    {
      char c = data[i];

      if (c == '\n')
        {
          line++;
          line_start = i + 1;
        }
      if (in_string)
        {
          if (escaped)
            escaped = FALSE;
          else if (c == '\\')
            escaped = TRUE;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > MAX_DEPTH)
            {
              g_set_error (error, SLUICE_FAULT_ERROR, SLUICE_FAULT_BAD_REQUEST,
                           "Malformed JSON: nesting deeper than %d levels at line %u, "
                           "column %" G_GSIZE_FORMAT, MAX_DEPTH, line, i - line_start + 1);
              return FALSE;
            }
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return TRUE;
}

/**
 * _sluice_read_json_body:
 *
 * Returns: (transfer full): the body's JSON object, or %NULL with a
 *   %SLUICE_FAULT_ERROR set
 */
JsonNode *
_sluice_read_json_body (SoupServerMessage  *msg,
                        GError            **error)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) parse_error = NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);
  JsonNode *root;

  if (!check_media_type (msg, error) || !check_content_encoding (msg, error))
    return NULL;
  if (len == 0)
    {
      g_set_error_literal (error, SLUICE_FAULT_ERROR, SLUICE_FAULT_BAD_REQUEST,
                           "The request body is empty; a JSON object was expected");
      return NULL;
    }
  if (!check_utf8 (data, len, error) || !check_depth (data, len, error))
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, len, &parse_error))
    {
      g_set_error (error, SLUICE_FAULT_ERROR, SLUICE_FAULT_BAD_REQUEST,
                   "Malformed JSON: %s", parse_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, SLUICE_FAULT_ERROR, SLUICE_FAULT_BAD_REQUEST,
                           "The request body must be a JSON object");
      return NULL;
    }
  return json_node_ref (root);
}

static char *
member_path (const char *prefix,
             const char *member)
{
  return prefix != NULL ? g_strconcat (prefix, ".", member, NULL) : g_strdup (member);
}

/* Returns the member, or NULL when it is absent or null. */
static JsonNode *
lookup (JsonObject *object,
        const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && !JSON_NODE_HOLDS_NULL (node) ? node : NULL;
}

static gboolean
missing (const char  *prefix,
         const char  *member,
         GError     **error)
{
  g_autofree char *path = member_path (prefix, member);

  return _sluice_fail_field (error, path, "is required");
}

static GType
value_type (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
}

gboolean
_sluice_json_string (JsonObject   *object,
                     const char   *prefix,
                     const char   *member,
                     gboolean      required,
                     const char  **out,
                     GError      **error)
{
  JsonNode *node = lookup (object, member);
  g_autofree char *path = NULL;

  if (node == NULL)
    return required ? missing (prefix, member, error) : TRUE;
  if (value_type (node) == G_TYPE_STRING)
    {
      *out = json_node_get_string (node);
      return TRUE;
    }
  path = member_path (prefix, member);
  return _sluice_fail_field (error, path, "must be a string");
}

gboolean
_sluice_json_int (JsonObject  *object,
                  const char  *prefix,
                  const char  *member,
                  gint64       min,
                  gint64       max,
                  gint64      *out,
                  GError     **error)
{
  JsonNode *node = lookup (object, member);
  g_autofree char *path = NULL;
  GType type;
  double value;

  if (node == NULL)
    return TRUE;
  path = member_path (prefix, member);
  type = value_type (node);
  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    return _sluice_fail_field (error, path, "must be an integer");

  value = type == G_TYPE_INT64 ? (double) json_node_get_int (node) : json_node_get_double (node);
  if (!isfinite (value) || value != floor (value))
    return _sluice_fail_field (error, path, "must be an integer");
  if (value < (double) min || value > (double) max)
    return _sluice_fail_field (error, path, "must be between %" G_GINT64_FORMAT " and %"
                               G_GINT64_FORMAT, min, max);
  *out = type == G_TYPE_INT64 ? json_node_get_int (node) : (gint64) value;
  return TRUE;
}

gboolean
_sluice_json_double (JsonObject  *object,
                     const char  *prefix,
                     const char  *member,
                     double       min,
                     double       max,
                     double      *out,
                     GError     **error)
{
  JsonNode *node = lookup (object, member);
  g_autofree char *path = NULL;
  GType type;
  double value;

  if (node == NULL)
    return TRUE;
  path = member_path (prefix, member);
  type = value_type (node);
  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    return _sluice_fail_field (error, path, "must be a number");

  value = type == G_TYPE_INT64 ? (double) json_node_get_int (node) : json_node_get_double (node);
  if (!isfinite (value) || value < min || value > max)
    return _sluice_fail_field (error, path, "must be between %g and %g", min, max);
  *out = value;
  return TRUE;
}

gboolean
_sluice_json_bool (JsonObject  *object,
                   const char  *prefix,
                   const char  *member,
                   gboolean    *out,
                   GError     **error)
{
  JsonNode *node = lookup (object, member);
  g_autofree char *path = NULL;

  if (node == NULL)
    return TRUE;
  if (value_type (node) == G_TYPE_BOOLEAN)
    {
      *out = json_node_get_boolean (node);
      return TRUE;
    }
  path = member_path (prefix, member);
  return _sluice_fail_field (error, path, "must be true or false");
}

gboolean
_sluice_json_array (JsonObject  *object,
                    const char  *prefix,
                    const char  *member,
                    gboolean     required,
                    JsonArray  **out,
                    GError     **error)
{
  JsonNode *node = lookup (object, member);
  g_autofree char *path = NULL;

  if (node == NULL)
    return required ? missing (prefix, member, error) : TRUE;
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      *out = json_node_get_array (node);
      return TRUE;
    }
  path = member_path (prefix, member);
  return _sluice_fail_field (error, path, "must be an array");
}

gboolean
_sluice_json_object (JsonObject  *object,
                     const char  *prefix,
                     const char  *member,
                     JsonObject **out,
                     GError     **error)
{
  JsonNode *node = lookup (object, member);
  g_autofree char *path = NULL;

  if (node == NULL)
    return TRUE;
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      *out = json_node_get_object (node);
      return TRUE;
    }
  path = member_path (prefix, member);
  return _sluice_fail_field (error, path, "must be an object");
}

JsonObject *
_sluice_json_element_object (JsonArray   *array,
                             guint        index,
                             const char  *path,
                             GError     **error)
{
  JsonNode *node = json_array_get_element (array, index);

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    return json_node_get_object (node);
  _sluice_fail_field (error, path, "must be an object");
  return NULL;
}

static gboolean
append_part (GString     *text,
             JsonArray   *parts,
             guint        index,
             const char  *path,
             GError     **error)
{
  g_autofree char *part_path = g_strdup_printf ("%s[%u]", path, index);
  JsonObject *part = _sluice_json_element_object (parts, index, part_path, error);
  const char *type = NULL;
  const char *piece = NULL;

  if (part == NULL || !_sluice_json_string (part, part_path, "type", TRUE, &type, error))
    return FALSE;
  if (g_strcmp0 (type, "text") != 0)
    {
      g_autofree char *type_path = g_strconcat (part_path, ".type", NULL);

      return _sluice_fail_field (error, type_path, "content of type \"%s\" is not "
                                 "supported by this gateway (text only)", type);
    }
  if (!_sluice_json_string (part, part_path, "text", TRUE, &piece, error))
    return FALSE;
  if (text->len > 0)
    g_string_append_c (text, '\n');
  g_string_append (text, piece);
  return TRUE;
}

/**
 * _sluice_json_text:
 *
 * Reads message content in either API's shape: a string, or an array of
 * `{ "type": "text", "text": … }` parts, which are joined by newlines.
 *
 * Returns: (transfer full): the text, or %NULL with @error set
 */
char *
_sluice_json_text (JsonNode    *content,
                   const char  *path,
                   GError     **error)
{
  g_autoptr(GString) text = NULL;
  JsonArray *parts;

  if (content == NULL || JSON_NODE_HOLDS_NULL (content))
    return g_strdup ("");
  if (value_type (content) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (content));
  if (!JSON_NODE_HOLDS_ARRAY (content))
    {
      _sluice_fail_field (error, path, "must be a string or an array of content parts");
      return NULL;
    }

  text = g_string_new (NULL);
  parts = json_node_get_array (content);
  for (guint i = 0; i < json_array_get_length (parts); i++)
    {
      if (!append_part (text, parts, i, path, error))
        return NULL;
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The request headers the gateway reads, and how long their values may
 * be (0: no limit of ours). */
static const struct
{
  const char *name;
  gsize       max_len;
} read_headers[] = {
  { "Authorization", 4096 },
  { "x-api-key", 4096 },
  { "x-sluice-user", 256 },
  { "x-sluice-task", 256 },
  { "x-sluice-deferrable", 0 },
  { "Cache-Control", 0 },
};

/* libsoup hands over header values as UTF-8, with each invalid sequence
 * replaced by U+FFFD; a value holding one was not text. */
#define REPLACEMENT_CHARACTER "\xef\xbf\xbd"

static gboolean
has_control_bytes (const char *value)
{
  for (const char *p = value; *p != '\0'; p++)
    {
      if (((guchar) *p < 0x20 && *p != '\t') || *p == 0x7f)
        return TRUE;
    }
  return FALSE;
}

/**
 * _sluice_check_request_headers:
 *
 * Refuses (400) a request whose headers that the gateway reads hold bytes
 * that are not text (invalid UTF-8, control characters) or are too long,
 * so nothing of them reaches logs, the ledger or a provider. The error
 * names the header, never its value.
 */
gboolean
_sluice_check_request_headers (SoupServerMessage  *msg,
                               GError            **error)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  for (guint i = 0; i < G_N_ELEMENTS (read_headers); i++)
    {
      const char *name = read_headers[i].name;
      const char *value = soup_message_headers_get_list (headers, name);

      if (value == NULL)
        continue;
      if (!g_utf8_validate (value, -1, NULL) || has_control_bytes (value) ||
          strstr (value, REPLACEMENT_CHARACTER) != NULL)
        {
          g_set_error (error, SLUICE_FAULT_ERROR, SLUICE_FAULT_BAD_REQUEST,
                       "The %s header must be text: it holds invalid UTF-8 or control "
                       "characters", name);
          return FALSE;
        }
      if (read_headers[i].max_len > 0 && strlen (value) > read_headers[i].max_len)
        {
          g_set_error (error, SLUICE_FAULT_ERROR, SLUICE_FAULT_BAD_REQUEST,
                       "The %s header is longer than %" G_GSIZE_FORMAT " bytes", name,
                       read_headers[i].max_len);
          return FALSE;
        }
    }
  return TRUE;
}

/* Hints are free text from the client: keep only sane ones. */
static gboolean
valid_hint (const char *value)
{
  return value != NULL && *value != '\0' && strlen (value) <= 256 &&
         g_utf8_validate (value, -1, NULL);
}

static gboolean
header_is_true (const char *value)
{
  return value != NULL &&
         (g_strcmp0 (value, "1") == 0 || g_ascii_strcasecmp (value, "true") == 0 ||
          g_ascii_strcasecmp (value, "yes") == 0);
}

/**
 * _sluice_apply_hints:
 * @key_user: (nullable): the user a virtual key identified; wins over
 *   every other way of naming one
 * @body_user: (nullable): the user the body named
 *
 * Applies the `x-sluice-*` request headers to @request.
 */
void
_sluice_apply_hints (SluiceServer      *self,
                     SoupServerMessage *msg,
                     SluiceRequest     *request,
                     const char        *key_user,
                     const char        *body_user)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *task = soup_message_headers_get_one (headers, "x-sluice-task");
  const char *header_user = soup_message_headers_get_one (headers, "x-sluice-user");
  const char *deferrable = soup_message_headers_get_one (headers, "x-sluice-deferrable");
  const char *cache_control = soup_message_headers_get_one (headers, "Cache-Control");

  if (valid_hint (task))
    sluice_request_set_task (request, task);
  if (key_user != NULL)
    sluice_request_set_user (request, key_user);
  else if (valid_hint (header_user))
    sluice_request_set_user (request, header_user);
  else if (valid_hint (body_user))
    sluice_request_set_user (request, body_user);
  if (header_is_true (deferrable))
    sluice_request_set_deferrable (request, TRUE);
  /* no-cache, no-store and max-age=N: the cache reads them. */
  if (valid_hint (cache_control))
    sluice_request_set_cache_control (request, cache_control);
}
