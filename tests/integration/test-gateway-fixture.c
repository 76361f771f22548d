/* test-gateway-fixture.c — an engine and its HTTP API on a free port
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "test-gateway-fixture.h"

#define CONFIG_TEMPLATE \
  "{ \"schema\": 1," \
  "  \"providers\": [" \
  "    { \"name\": \"alpha\", \"kind\": \"mock\"," \
  "      \"mock\": { \"seed\": 1, \"latency_ms\": { \"p50\": 0, \"p99\": 0 } %s } }," \
  "    { \"name\": \"beta\", \"kind\": \"mock\"," \
  "      \"mock\": { \"seed\": 2, \"latency_ms\": { \"p50\": 0, \"p99\": 0 } %s } }," \
  "    { \"name\": \"drip\", \"kind\": \"mock\"," \
  "      \"mock\": { \"seed\": 3, \"latency_ms\": { \"p50\": 0, \"p99\": 0 }," \
  "                  \"stream\": { \"chunk_delay_ms\": 1000 } } } ]," \
  "  \"models\": [" \
  "    { \"name\": \"alpha-large\", \"provider\": \"alpha\", \"upstream\": \"alpha-large-1\"," \
  "      \"price_in\": 3, \"price_cached_in\": 0.3, \"price_out\": 15," \
  "      \"context_window\": 200000, \"max_output_tokens\": 8192 }," \
  "    { \"name\": \"beta-small\", \"provider\": \"beta\", \"upstream\": \"beta-small-1\"," \
  "      \"price_in\": 0.15, \"price_cached_in\": 0.075, \"price_out\": 0.6," \
  "      \"context_window\": 128000, \"max_output_tokens\": 4096 }," \
  "    { \"name\": \"drip-model\", \"provider\": \"drip\", \"upstream\": \"drip-1\"," \
  "      \"price_in\": 1, \"price_out\": 2, \"context_window\": 128000 } ]," \
  "  \"chains\": { \"main\": [\"alpha-large\", \"beta-small\"], \"small\": [\"beta-small\"]," \
  "              \"dripping\": [\"drip-model\"] }," \
  "  \"aliases\": { \"fast\": \"small\" }," \
  "  \"routing\": { \"default\": \"main\" }," \
  "  \"retry\": { \"max_attempts\": 2, \"base_backoff_ms\": 10, \"max_backoff_ms\": 20 }" \
  "  %s }"

/**
 * gateway_config:
 * @alpha_extra: more members of both mock providers' behaviour
 *   (starting with a comma), or ""
 * @top_extra: more top-level members (starting with a comma), or ""
 */
char *
gateway_config (const char *mock_extra,
                const char *top_extra)
{
  return g_strdup_printf (CONFIG_TEMPLATE, mock_extra, mock_extra, top_extra);
}

void
gateway_apply (GatewayFixture *f,
               const char     *json)
{
  g_autoptr(GError) error = NULL;

  sluice_engine_apply_config_json (f->engine, json, "test", NULL, &error);
  g_assert_no_error (error);
}

void
gateway_setup (GatewayFixture *f,
               gconstpointer   top_extra)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *config = gateway_config ("", top_extra != NULL ? top_extra : "");

  f->clock = sluice_clock_new_manual (g_get_real_time ());
  f->db_path = g_build_filename (g_get_user_data_dir (), "gateway.db", NULL);
  f->engine = sluice_engine_new (f->db_path, f->clock, &error);
  g_assert_no_error (error);
  gateway_apply (f, config);

  f->server = sluice_server_new (f->engine);
  sluice_server_listen (f->server, "127.0.0.1:0", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sluice_server_get_port (f->server), >, 0);
  f->base = g_strdup_printf ("http://127.0.0.1:%u", sluice_server_get_port (f->server));
  /* No proxy resolver: the default one reads GSettings, and the isolated
   * test dirs hold no schemas. */
  f->session = soup_session_new_with_options ("max-conns", 128, "max-conns-per-host", 128,
                                              "timeout", 30, "proxy-resolver", NULL, NULL);
}

void
gateway_teardown (GatewayFixture *f,
                  gconstpointer   data)
{
  /* Let every exchange end on both sides before the objects go. */
  f->hold_clock = FALSE;
  while (sluice_server_get_n_in_flight (f->server) > 0)
    {
      if (g_main_context_iteration (NULL, FALSE))
        continue;
      if (sluice_clock_pending_sleeps (f->clock) > 0)
        sluice_clock_advance (f->clock, 10 * 1000);
      else
        g_main_context_iteration (NULL, TRUE);
    }
  g_clear_object (&f->session);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&f->server);
  g_clear_object (&f->engine);
  g_clear_object (&f->clock);
  g_free (f->db_path);
  g_free (f->base);
}

/* Runs the main context until *done, moving the manual clock only when
 * nothing else can happen and the engine sleeps on it. */
void
gateway_wait (GatewayFixture *f,
              gboolean       *done)
{
  while (!*done)
    {
      if (g_main_context_iteration (NULL, FALSE))
        continue;
      if (!f->hold_clock && sluice_clock_pending_sleeps (f->clock) > 0)
        sluice_clock_advance (f->clock, 10 * 1000);
      else
        g_main_context_iteration (NULL, TRUE);
    }
}

typedef struct
{
  GBytes   *body;
  GError   *error;
  gboolean  done;
} Exchange;

static void
read_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Exchange *exchange = user_data;

  exchange->body = soup_session_send_and_read_finish (SOUP_SESSION (object), result,
                                                      &exchange->error);
  exchange->done = TRUE;
}

/**
 * gateway_request:
 * @...: header names and values, NULL-terminated
 */
GatewayReply *
gateway_request (GatewayFixture *f,
                 const char     *method,
                 const char     *path,
                 const char     *content_type,
                 const char     *body,
                 gssize          length,
                 ...)
{
  g_autofree char *url = g_strconcat (f->base, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  GatewayReply *reply = g_new0 (GatewayReply, 1);
  Exchange exchange = { 0 };
  const char *name;
  va_list args;

  g_assert_nonnull (msg);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, length >= 0 ? (gsize) length : strlen (body));

      soup_message_set_request_body_from_bytes (msg, content_type, bytes);
    }
  va_start (args, length);
  while ((name = va_arg (args, const char *)) != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), name,
                                  va_arg (args, const char *));
  va_end (args);

  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL,
                                    read_done_cb, &exchange);
  gateway_wait (f, &exchange.done);
  g_assert_no_error (exchange.error);

  reply->status = soup_message_get_status (msg);
  reply->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  reply->body = exchange.body;
  reply->text = g_strndup (g_bytes_get_data (reply->body, NULL), g_bytes_get_size (reply->body));
  reply->json = json_from_string (gateway_body_text (reply), NULL);
  return reply;
}

GatewayReply *
gateway_post_json (GatewayFixture *f,
                   const char     *path,
                   const char     *body)
{
  return gateway_request (f, "POST", path, "application/json", body, -1, NULL);
}

void
gateway_reply_free (GatewayReply *reply)
{
  g_clear_pointer (&reply->headers, soup_message_headers_unref);
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_clear_pointer (&reply->json, json_node_unref);
  g_free (reply->text);
  g_free (reply);
}

const char *
gateway_header (GatewayReply *reply,
                const char   *name)
{
  return soup_message_headers_get_one (reply->headers, name);
}

/* The body as text; bodies here never contain NUL bytes. */
const char *
gateway_body_text (GatewayReply *reply)
{
  return reply->text;
}

JsonObject *
gateway_object (GatewayReply *reply)
{
  g_assert_nonnull (reply->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply->json));
  return json_node_get_object (reply->json);
}

static JsonNode *
query_one (JsonNode   *root,
           const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) matches = json_path_query (path, root, &error);
  JsonArray *array;

  g_assert_no_error (error);
  array = json_node_get_array (matches);
  if (json_array_get_length (array) != 1)
    return NULL;
  return json_node_copy (json_array_get_element (array, 0));
}

/* Reads the string at a JSONPath ("$.error.message"); NULL when absent.
 * The string is interned. */
const char *
gateway_path_string (JsonNode   *root,
                     const char *path)
{
  g_autoptr(JsonNode) node = query_one (root, path);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_intern_string (json_node_get_string (node));
}

gint64
gateway_path_int (JsonNode   *root,
                  const char *path)
{
  g_autoptr(JsonNode) node = query_one (root, path);

  g_assert_nonnull (node);
  return json_node_get_int (node);
}

/**
 * gateway_sse_events:
 * @names: (out) (optional): the `event:` name of each, "" when none
 *
 * Returns: (transfer full): the `data:` payload of each event, in order
 */
GPtrArray *
gateway_sse_events (GatewayReply  *reply,
                    GPtrArray    **names)
{
  g_auto(GStrv) blocks = g_strsplit (gateway_body_text (reply), "\n\n", -1);
  GPtrArray *events = g_ptr_array_new_with_free_func (g_free);

  if (names != NULL)
    *names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; blocks[i] != NULL; i++)
    {
      g_auto(GStrv) lines = g_strsplit (blocks[i], "\n", -1);
      char *data = NULL;
      char *name = NULL;

      for (guint j = 0; lines[j] != NULL; j++)
        {
          if (g_str_has_prefix (lines[j], "data: "))
            data = g_strdup (lines[j] + 6);
          else if (g_str_has_prefix (lines[j], "event: "))
            name = g_strdup (lines[j] + 7);
          else
            g_assert_cmpstr (lines[j], ==, "");
        }
      if (data == NULL)
        {
          g_assert_null (name);
          continue;
        }
      g_ptr_array_add (events, data);
      if (names != NULL)
        g_ptr_array_add (*names, name != NULL ? name : g_strdup (""));
      else
        g_free (name);
    }
  return events;
}

/* Raw connections, for what a well-behaved client never sends. */

typedef struct
{
  GObject  *result_object;
  GError   *error;
  gboolean  done;
} Connect;

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Connect *c = user_data;

  c->result_object = (GObject *) g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (object),
                                                                          result, &c->error);
  c->done = TRUE;
}

GIOStream *
gateway_raw_connect (GatewayFixture *f)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  Connect c = { 0 };

  g_socket_client_set_enable_proxy (client, FALSE);
  g_socket_client_connect_to_host_async (client, "127.0.0.1",
                                         sluice_server_get_port (f->server), NULL,
                                         connected_cb, &c);
  gateway_wait (f, &c.done);
  g_assert_no_error (c.error);
  return G_IO_STREAM (c.result_object);
}

typedef struct
{
  GString  *data;
  char      buffer[4096];
  gboolean  done;
} Drain;

static void
raw_read_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Drain *d = user_data;
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);

  if (n <= 0)
    {
      d->done = TRUE;
      return;
    }
  g_string_append_len (d->data, d->buffer, n);
  g_input_stream_read_async (G_INPUT_STREAM (object), d->buffer, sizeof d->buffer,
                             G_PRIORITY_DEFAULT, NULL, raw_read_cb, d);
}

/* Writes @request (which may be partial) and reads until the server
 * closes the connection; returns everything it said. */
char *
gateway_raw_exchange (GatewayFixture *f,
                      GIOStream      *stream,
                      const char     *request,
                      gsize           length)
{
  g_autoptr(GError) error = NULL;
  Drain d = { 0 };

  g_output_stream_write_all (g_io_stream_get_output_stream (stream), request, length, NULL,
                             NULL, &error);
  g_assert_no_error (error);
  d.data = g_string_new (NULL);
  g_input_stream_read_async (g_io_stream_get_input_stream (stream), d.buffer, sizeof d.buffer,
                             G_PRIORITY_DEFAULT, NULL, raw_read_cb, &d);
  gateway_wait (f, &d.done);
  return g_string_free (d.data, FALSE);
}

/* Prometheus text format: every line is HELP, TYPE or a sample of a
 * family declared before it. Returns sample -> value. */
static gboolean
valid_name (const char *name,
            gsize       len)
{
  if (len == 0 || !(g_ascii_isalpha (name[0]) || name[0] == '_' || name[0] == ':'))
    return FALSE;
  for (gsize i = 1; i < len; i++)
    {
      if (!(g_ascii_isalnum (name[i]) || name[i] == '_' || name[i] == ':'))
        return FALSE;
    }
  return TRUE;
}

static gsize
parse_labels (const char *line,
              gsize       start)
{
  gsize i = start + 1;

  while (line[i] != '}')
    {
      gsize name_start = i;

      while (g_ascii_isalnum (line[i]) || line[i] == '_')
        i++;
      g_assert_true (valid_name (line + name_start, i - name_start));
      g_assert_cmpint (line[i++], ==, '=');
      g_assert_cmpint (line[i++], ==, '"');
      while (line[i] != '"')
        {
          g_assert_cmpint (line[i], !=, '\0');
          i += line[i] == '\\' ? 2 : 1;
        }
      i++;
      if (line[i] == ',')
        i++;
    }
  return i + 1;
}

GHashTable *
gateway_parse_metrics (const char *text)
{
  g_autoptr(GHashTable) types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTable *samples = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint n = 0; lines[n] != NULL; n++)
    {
      const char *line = lines[n];
      g_autofree char *family = NULL;
      gsize name_end = 0, end;
      char *value_end = NULL;
      double value;

      if (*line == '\0')
        continue;
      if (g_str_has_prefix (line, "# HELP ") || g_str_has_prefix (line, "# TYPE "))
        {
          g_auto(GStrv) parts = g_strsplit (line + 7, " ", 2);

          g_assert_true (valid_name (parts[0], strlen (parts[0])));
          g_assert_nonnull (parts[1]);
          if (line[2] == 'T')
            {
              g_assert_true (g_strv_contains ((const char *[]) { "counter", "gauge", "summary",
                                              "histogram", "untyped", NULL }, parts[1]));
              g_hash_table_insert (types, g_strdup (parts[0]), g_strdup (parts[1]));
            }
          continue;
        }
      while (line[name_end] != '\0' && line[name_end] != '{' && line[name_end] != ' ')
        name_end++;
      g_assert_true (valid_name (line, name_end));
      family = g_strndup (line, name_end);
      if (g_str_has_suffix (family, "_sum") || g_str_has_suffix (family, "_count"))
        *strrchr (family, '_') = '\0';
      g_assert_true (g_hash_table_contains (types, family));
      end = line[name_end] == '{' ? parse_labels (line, name_end) : name_end;
      g_assert_cmpint (line[end], ==, ' ');
      value = g_ascii_strtod (line + end + 1, &value_end);
      g_assert_cmpint (*value_end, ==, '\0');
      g_hash_table_insert (samples, g_strndup (line, end), g_memdup2 (&value, sizeof value));
    }
  return samples;
}
