/* sluice-test-http.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-test"

#include "config.h"

#include <string.h>

#include "sluice-test-http.h"

void
sluice_test_reply_clear (SluiceTestReply *reply)
{
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_clear_pointer (&reply->headers, soup_message_headers_unref);
}

const char *
sluice_test_reply_header (SluiceTestReply *reply,
                          const char      *name)
{
  return soup_message_headers_get_one (reply->headers, name);
}

/* Returns: (transfer full): a message to @base_url + @path, with @json as
 * its body when not %NULL */
SoupMessage *
sluice_test_http_message (const char *method,
                          const char *base_url,
                          const char *path,
                          const char *json)
{
  g_autofree char *uri = g_strconcat (base_url, path, NULL);
  SoupMessage *msg = soup_message_new (method, uri);

  g_assert_nonnull (msg);
  if (json != NULL)
    {
      g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));

      soup_message_set_request_body_from_bytes (msg, "application/json", body);
    }

  return msg;
}

SluiceTestReply
sluice_test_http_send (SoupSession *session,
                       SoupMessage *msg)
{
  g_autoptr(GError) error = NULL;
  SluiceTestReply reply = { 0, NULL, NULL };

  reply.body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  reply.status = soup_message_get_status (msg);
  reply.headers = soup_message_headers_ref (soup_message_get_response_headers (msg));

  return reply;
}

/* Speaks HTTP/1.1 by hand and returns everything the server sent until it
 * closed, so a test sees the framing a client library hides. */
char *
sluice_test_http_raw (guint16     port,
                      const char *method,
                      const char *path,
                      const char *json)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GString) received = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *request = NULL;
  GInputStream *input;
  char buffer[4096];
  gssize n;

  /* The default proxy resolver reads GSettings, absent in isolated tests. */
  g_socket_client_set_enable_proxy (client, FALSE);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_no_error (error);

  json = json != NULL ? json : "";
  request = g_strdup_printf ("%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             "Content-Type: application/json\r\nContent-Length: %zu\r\n"
                             "Connection: close\r\n\r\n%s", method, path, strlen (json), json);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                             request, strlen (request), NULL, NULL, &error);
  g_assert_no_error (error);

  input = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  while ((n = g_input_stream_read (input, buffer, sizeof buffer, NULL, &error)) > 0)
    g_string_append_len (received, buffer, n);
  g_assert_no_error (error);

  return g_string_free (g_steal_pointer (&received), FALSE);
}

JsonNode *
sluice_test_json_parse (const char *data,
                        gssize      length)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, data, length, &error);
  g_assert_no_error (error);

  return json_node_copy (json_parser_get_root (parser));
}

JsonNode *
sluice_test_json_parse_bytes (GBytes *bytes)
{
  gsize length = 0;
  const char *data = g_bytes_get_data (bytes, &length);

  return sluice_test_json_parse (data, length);
}

/* Returns: (transfer full): the one value at a JSONPath expression; fails
 * the test when there is not exactly one */
JsonNode *
sluice_test_json_query (JsonNode   *root,
                        const char *expression)
{
  g_autoptr(JsonNode) matches = json_path_query (expression, root, NULL);
  JsonArray *array;

  g_assert_nonnull (matches);
  array = json_node_get_array (matches);
  if (json_array_get_length (array) != 1)
    g_error ("%s matched %u values", expression, json_array_get_length (array));

  return json_node_copy (json_array_get_element (array, 0));
}

char *
sluice_test_json_query_string (JsonNode   *root,
                               const char *expression)
{
  g_autoptr(JsonNode) node = sluice_test_json_query (root, expression);

  return g_strdup (json_node_get_string (node));
}

gint64
sluice_test_json_query_int (JsonNode   *root,
                            const char *expression)
{
  g_autoptr(JsonNode) node = sluice_test_json_query (root, expression);

  return json_node_get_int (node);
}

/* Note: json-glib 1.6 warns on an index past the end of an array, so probe
 * arrays by their length instead. */
gboolean
sluice_test_json_has (JsonNode   *root,
                      const char *expression)
{
  g_autoptr(JsonNode) matches = json_path_query (expression, root, NULL);

  return matches != NULL && json_array_get_length (json_node_get_array (matches)) > 0;
}

static void
split_block (char       *block,
             GPtrArray  *names,
             GPtrArray  *datas)
{
  g_auto(GStrv) lines = g_strsplit (g_strstrip (block), "\n", -1);
  const char *name = NULL;
  const char *data = NULL;

  for (guint j = 0; lines[j] != NULL; j++)
    {
      if (g_str_has_prefix (lines[j], "event: "))
        name = lines[j] + strlen ("event: ");
      else if (g_str_has_prefix (lines[j], "data: "))
        data = lines[j] + strlen ("data: ");
    }

  if (data != NULL)
    {
      g_ptr_array_add (names, g_strdup (name));
      g_ptr_array_add (datas, g_strdup (data));
    }
}

/* Splits a server-sent-events body into each event's name (NULL when it
 * has none) and data; blocks without data are skipped. */
void
sluice_test_sse_split (GBytes     *body,
                       GPtrArray **names,
                       GPtrArray **datas)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_auto(GStrv) blocks = NULL;

  g_strdelimit (text, "\r", '\n');
  blocks = g_strsplit (text, "\n\n", -1);
  *names = g_ptr_array_new_with_free_func (g_free);
  *datas = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; blocks[i] != NULL; i++)
    split_block (blocks[i], *names, *datas);
}
