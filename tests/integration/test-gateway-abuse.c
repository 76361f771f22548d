/* test-gateway-abuse.c — hostile clients on a real socket
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "test-gateway-fixture.h"

typedef GatewayFixture Fixture;

#define TEST(path, func) \
  g_test_add (path, Fixture, NULL, gateway_setup, func, gateway_teardown)

#define N_SLOW 200

/* After each abuse, a normal request still gets its answer. */
static void
assert_still_serving (Fixture *f)
{
  static guint serial;
  g_autofree char *text = g_strdup_printf ("still here? %u", ++serial);
  g_autofree char *body = g_strdup_printf (CHAT_BODY ("main", "%s"), text);
  g_autofree char *echo = g_strconcat ("Echo: ", text, NULL);
  g_autoptr(GatewayReply) r = gateway_post_json (f, "/v1/chat/completions", body);

  /* Each prompt differs: the same one 20 times is a loop the engine stops. */
  if (r->status != 200)
    g_test_message ("%u: %s", r->status, gateway_body_text (r));
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (gateway_path_string (r->json, "$.choices[0].message.content"), ==, echo);
}

static void
assert_json_error (GatewayReply *r,
                   guint         status,
                   const char   *needle)
{
  const char *message;

  g_assert_cmpuint (r->status, ==, status);
  g_assert_nonnull (r->json);
  g_assert_true (g_str_has_prefix (gateway_header (r, "Content-Type"), "application/json"));
  message = gateway_path_string (r->json, "$.error.message");
  g_assert_nonnull (message);
  if (needle != NULL && strstr (message, needle) == NULL)
    g_error ("“%s” does not mention “%s”", message, needle);
}

static void
raw_write (GIOStream  *stream,
           const char *data,
           gsize       length)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (g_io_stream_get_output_stream (stream), data, length, NULL, NULL,
                             &error);
  g_assert_no_error (error);
}

/* A connection whose answer is read in the background until the server
 * closes it. */
typedef struct
{
  GIOStream *stream;
  GString   *data;
  char       buffer[1024];
  gboolean   closed;
  guint     *n_closed;
} Watch;

static void
watch_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Watch *w = user_data;
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);

  if (n <= 0)
    {
      w->closed = TRUE;
      if (w->n_closed != NULL)
        (*w->n_closed)++;
      return;
    }
  g_string_append_len (w->data, w->buffer, n);
  g_input_stream_read_async (G_INPUT_STREAM (object), w->buffer, sizeof w->buffer,
                             G_PRIORITY_DEFAULT, NULL, watch_read_cb, w);
}

static void
watch_start (Watch *w)
{
  w->data = g_string_new (NULL);
  g_input_stream_read_async (g_io_stream_get_input_stream (w->stream), w->buffer,
                             sizeof w->buffer, G_PRIORITY_DEFAULT, NULL, watch_read_cb, w);
}

static void
watch_clear (Watch *w)
{
  g_clear_object (&w->stream);
  if (w->data != NULL)
    g_string_free (g_steal_pointer (&w->data), TRUE);
}

/* Has a whole response (headers, and a body of Content-Length) come? */
static gboolean
response_complete (GString *data)
{
  const char *end = strstr (data->str, "\r\n\r\n");
  const char *length;

  if (end == NULL)
    return FALSE;
  length = strstr (data->str, "Content-Length: ");
  if (length == NULL || length > end)
    return TRUE;
  return data->len - (end + 4 - data->str) >= g_ascii_strtoull (length + 16, NULL, 10);
}

/* 1. Many connections send part of a request and stop. */
static void
test_slowloris (Fixture       *f,
                gconstpointer  data)
{
  static const char *partial[] = {
    "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty",
    "POST /v1/chat/comp",
    "GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n",
    "",
  };
  g_autofree Watch *slow = g_new0 (Watch, N_SLOW);
  guint n_closed = 0;
  gboolean all_closed = FALSE;

  sluice_server_set_io_timeout (f->server, 2);
  for (guint i = 0; i < N_SLOW; i++)
    {
      const char *part = partial[i % G_N_ELEMENTS (partial)];

      slow[i].stream = gateway_raw_connect (f);
      slow[i].n_closed = &n_closed;
      raw_write (slow[i].stream, part, strlen (part));
      watch_start (&slow[i]);
    }

  /* The stalled connections hold nothing up: normal requests are answered
   * before the server gives up on any of them. */
  for (guint i = 0; i < 20; i++)
    assert_still_serving (f);
  g_assert_cmpuint (n_closed, ==, 0);

  /* After the I/O timeout the server closes every one of them. */
  while (!all_closed)
    {
      g_main_context_iteration (NULL, TRUE);
      all_closed = n_closed == N_SLOW;
    }
  for (guint i = 0; i < N_SLOW; i++)
    {
      g_assert_true (slow[i].closed);
      g_assert_false (g_str_has_prefix (slow[i].data->str, "HTTP/1.1 2"));
      watch_clear (&slow[i]);
    }
  assert_still_serving (f);
  g_assert_cmpuint (sluice_server_get_n_in_flight (f->server), ==, 0);
}

static gboolean
give_up_cb (gpointer user_data)
{
  gboolean *gave_up = user_data;

  *gave_up = TRUE;
  return G_SOURCE_REMOVE;
}

/* 2. Content-Length says more than the limit: 413 at once, before any of
 * the body; or more than is sent: closed after the I/O timeout. */
static void
test_lying_length (Fixture       *f,
                   gconstpointer  data)
{
  static const char huge[] = "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             "Content-Type: application/json\r\n"
                             "Content-Length: 52428800\r\n\r\n{\"model\": \"main\", ";
  static const char short_body[] = "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                   "Content-Type: application/json\r\n"
                                   "Content-Length: 4000\r\n\r\n{\"model\": \"main\", "
                                   "\"messages\": [{\"role\": \"user\", \"content\": \"";
  Watch w = { 0 };
  gboolean gave_up = FALSE;
  guint give_up_id;
  g_autofree char *answer = NULL;
  const char *body;

  /* The default I/O timeout (60 s) is far longer than the guard: the 413
   * must not wait for a body that never comes. */
  w.stream = gateway_raw_connect (f);
  raw_write (w.stream, huge, strlen (huge));
  watch_start (&w);
  give_up_id = g_timeout_add_seconds (10, give_up_cb, &gave_up);
  while (!w.closed && !gave_up && !response_complete (w.data))
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (gave_up);
  g_source_remove (give_up_id);
  g_assert_true (g_str_has_prefix (w.data->str, "HTTP/1.1 413"));
  body = strstr (w.data->str, "\r\n\r\n");
  g_assert_nonnull (body);
  g_assert_nonnull (strstr (body, "\"request_too_large\""));
  g_assert_nonnull (strstr (body, "52428800"));
  watch_clear (&w);
  assert_still_serving (f);

  /* Fewer bytes than announced, then silence. */
  sluice_server_set_io_timeout (f->server, 1);
  w.stream = gateway_raw_connect (f);
  answer = gateway_raw_exchange (f, w.stream, short_body, strlen (short_body));
  g_assert_false (g_str_has_prefix (answer, "HTTP/1.1 2"));
  watch_clear (&w);
  assert_still_serving (f);
}

/* 3. A body in an encoding the gateway does not decode. */
static void
test_content_encoding (Fixture       *f,
                       gconstpointer  data)
{
  static const char *encodings[] = { "gzip", "br", "deflate, gzip", "x-custom" };

  for (guint i = 0; i < G_N_ELEMENTS (encodings); i++)
    {
      g_autoptr(GatewayReply) r = NULL;

      r = gateway_request (f, "POST", "/v1/chat/completions", "application/json",
                           CHAT_BODY ("main", "x"), -1,
                           "Content-Encoding", encodings[i], NULL);
      assert_json_error (r, 415, encodings[i]);
      g_assert_cmpstr (gateway_path_string (r->json, "$.error.code"), ==,
                       "unsupported_media_type");
    }

  {
    g_autoptr(GatewayReply) anthropic = NULL;
    g_autoptr(GatewayReply) identity = NULL;

    anthropic = gateway_request (f, "POST", "/v1/messages", "application/json",
                                 "{\"model\":\"main\",\"max_tokens\":5,\"messages\":"
                                 "[{\"role\":\"user\",\"content\":\"x\"}]}", -1,
                                 "Content-Encoding", "gzip", NULL);
    assert_json_error (anthropic, 415, "gzip");
    g_assert_cmpstr (gateway_path_string (anthropic->json, "$.type"), ==, "error");

    /* "identity" is no encoding at all. */
    identity = gateway_request (f, "POST", "/v1/chat/completions", "application/json",
                                CHAT_BODY ("main", "x"), -1,
                                "Content-Encoding", "identity", NULL);
    g_assert_cmpuint (identity->status, ==, 200);
  }
  assert_still_serving (f);
}

/* Sends one request on its own connection and returns the whole answer. */
static char *
raw_request (Fixture    *f,
             const char *request,
             gsize       length)
{
  g_autoptr(GIOStream) stream = gateway_raw_connect (f);

  return gateway_raw_exchange (f, stream, request, length);
}

static char *
request_with_header (const char *name,
                     const char *value)
{
  return g_strdup_printf ("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Connection: close\r\nContent-Type: application/json\r\n"
                          "Content-Length: %zu\r\n%s: %s\r\n\r\n%s",
                          strlen (CHAT_BODY ("main", "x")), name, value,
                          CHAT_BODY ("main", "x"));
}

static guint
answer_status (const char *answer)
{
  if (!g_str_has_prefix (answer, "HTTP/1.1 ") && !g_str_has_prefix (answer, "HTTP/1.0 "))
    return 0;
  return (guint) g_ascii_strtoull (answer + 9, NULL, 10);
}

/* 4. Header values that are not text, or far too long. */
static void
test_header_bytes (Fixture       *f,
                   gconstpointer  data)
{
  static const struct { const char *name; const char *value; } cases[] = {
    { "x-sluice-user", "mall\xc3\x28ory" },
    { "x-sluice-user", "mall\x01ory" },
    { "x-sluice-task", "task\xff\xfe" },
    { "x-sluice-task", "ta\x1bsk" },
    { "Authorization", "Bearer sk-\xe2\x28\xa1" },
    { "Authorization", "Bearer sk-\x7f" },
  };
  g_autofree char *long_user = g_strnfill (8 * 1024, 'u');
  g_autofree char *long_request = request_with_header ("x-sluice-user", long_user);
  g_autofree char *long_answer = NULL;
  g_autofree char *huge_user = g_strnfill (64 * 1024, 'u');
  g_autofree char *huge_request = request_with_header ("x-sluice-user", huge_user);
  g_autofree char *huge_answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GatewayReply) good = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *request = request_with_header (cases[i].name, cases[i].value);
      g_autofree char *answer = NULL;
      g_autofree char *lower = NULL;
      g_autofree char *name = NULL;
      const char *body;

      g_test_message ("case %u: %s", i, cases[i].name);
      answer = raw_request (f, request, strlen (request));
      g_assert_cmpuint (answer_status (answer), ==, 400);
      body = strstr (answer, "\r\n\r\n");
      g_assert_nonnull (body);
      g_assert_nonnull (strstr (body, "\"invalid_request_error\""));
      lower = g_ascii_strdown (body, -1);
      name = g_ascii_strdown (cases[i].name, -1);
      g_assert_nonnull (strstr (lower, name));
      /* The bad value is not echoed back. */
      g_assert_null (strstr (body, cases[i].value));
    }

  /* Longer than a hint may be: refused by the gateway, naming it. */
  long_answer = raw_request (f, long_request, strlen (long_request));
  g_assert_cmpuint (answer_status (long_answer), ==, 400);
  g_assert_nonnull (strstr (long_answer, "x-sluice-user header is longer"));

  /* Past libsoup's own limit on the header block (64 KiB), libsoup closes
   * the connection without an answer. */
  huge_answer = raw_request (f, huge_request, strlen (huge_request));
  g_assert_true (*huge_answer == '\0' ||
                 (answer_status (huge_answer) >= 400 && answer_status (huge_answer) < 500));

  /* None of it reached the ledger: only the good request is there. */
  good = gateway_request (f, "POST", "/v1/chat/completions", "application/json",
                          CHAT_BODY ("main", "x"), -1, "x-sluice-user", "good-user", NULL);
  g_assert_cmpuint (good->status, ==, 200);
  rows = sluice_store_query_ledger (sluice_engine_get_store (f->engine), 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (((SluiceLedgerRow *) g_ptr_array_index (rows, 0))->user, ==, "good-user");
  assert_still_serving (f);
}

static char *
deep_body (const char *open,
           const char *close,
           guint       depth)
{
  GString *s = g_string_new ("{\"model\": \"main\", \"messages\": ");

  for (guint i = 0; i < depth; i++)
    g_string_append (s, open);
  for (guint i = 0; i < depth; i++)
    g_string_append (s, close);
  g_string_append_c (s, '}');
  return g_string_free (s, FALSE);
}

static char *
many_items_body (const char *prefix,
                 const char *item,
                 guint       n)
{
  GString *s = g_string_new (prefix);

  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (s, ',');
      g_string_append (s, item);
    }
  g_string_append (s, "]}");
  return g_string_free (s, FALSE);
}

/* 5. Nesting 100,000 deep, and a million tiny items. */
static void
test_huge_json (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *arrays = deep_body ("[", "]", 100000);
  g_autofree char *objects = deep_body ("{\"a\":", "}", 100000);
  g_autofree char *items = many_items_body ("{\"model\": \"main\", \"messages\": [", "0",
                                            1000000);
  g_autofree char *parts = many_items_body ("{\"model\": \"main\", \"max_tokens\": 5, "
                                            "\"messages\": [{\"role\": \"user\", "
                                            "\"content\": [", "1", 1000000);
  g_autoptr(GatewayReply) r1 = NULL;
  g_autoptr(GatewayReply) r2 = NULL;
  g_autoptr(GatewayReply) r3 = NULL;
  g_autoptr(GatewayReply) r4 = NULL;

  g_assert_cmpuint (strlen (items), <, SLUICE_SERVER_DEFAULT_MAX_BODY);
  g_assert_cmpuint (strlen (parts), <, SLUICE_SERVER_DEFAULT_MAX_BODY);

  r1 = gateway_post_json (f, "/v1/chat/completions", arrays);
  assert_json_error (r1, 400, "nesting");
  r2 = gateway_post_json (f, "/v1/messages", objects);
  assert_json_error (r2, 400, "nesting");
  g_assert_cmpstr (gateway_path_string (r2->json, "$.type"), ==, "error");
  r3 = gateway_post_json (f, "/v1/chat/completions", items);
  assert_json_error (r3, 400, NULL);
  g_assert_cmpstr (gateway_path_string (r3->json, "$.error.param"), ==, "messages[0]");
  r4 = gateway_post_json (f, "/v1/messages", parts);
  assert_json_error (r4, 400, NULL);
  assert_still_serving (f);
}

/* 6. Bytes that are not HTTP at all, and garbage after a good request. */
static void
test_garbage (Fixture       *f,
              gconstpointer  data)
{
  static const char tls_hello[] = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"
                                  "\x8a\x11\x00\x7f\xee\x01\x02\x03\x04\x05\x06\x07";
  g_autofree char *random = g_malloc (8192);
  g_autoptr(GString) pipelined = g_string_new (NULL);
  const char *body = CHAT_BODY ("main", "pipelined");
  g_autofree char *answer = NULL;
  const char *second;

  sluice_server_set_io_timeout (f->server, 1);
  for (guint i = 0; i < 8192; i++)
    random[i] = (char) g_test_rand_int_range (0, 256);

  {
    g_autofree char *tls = raw_request (f, tls_hello, sizeof tls_hello - 1);
    g_autofree char *noise = raw_request (f, random, 8192);

    g_assert_true (*tls == '\0' || answer_status (tls) == 400);
    g_assert_true (*noise == '\0' || answer_status (noise) == 400);
  }
  assert_still_serving (f);

  /* Two good requests in one write, then garbage: two answers, then the
   * connection is closed or refused with 400. */
  for (guint i = 0; i < 2; i++)
    g_string_append_printf (pipelined, "POST /v1/chat/completions HTTP/1.1\r\n"
                            "Host: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            "Content-Length: %zu\r\n\r\n%s", strlen (body), body);
  g_string_append_len (pipelined, random, 512);
  answer = raw_request (f, pipelined->str, pipelined->len);
  g_assert_cmpuint (answer_status (answer), ==, 200);
  second = strstr (answer + 1, "HTTP/1.1 ");
  g_assert_nonnull (second);
  g_assert_cmpuint (answer_status (second), ==, 200);
  g_assert_true (strstr (second + 1, "HTTP/1.1 ") == NULL ||
                 answer_status (strstr (second + 1, "HTTP/1.1 ")) == 400);
  assert_still_serving (f);
  g_assert_cmpuint (sluice_server_get_n_in_flight (f->server), ==, 0);
}

/* A keep-alive connection that goes quiet after an answer, before or in
 * the middle of its next request line, is closed after the I/O timeout. */
static void
test_keep_alive_stall (Fixture       *f,
                       gconstpointer  data)
{
  static const char *tails[] = { "", "POST /v1/chat/comp", "\x16\x03\x01\x02" };
  const char *body = CHAT_BODY ("main", "then nothing");

  sluice_server_set_io_timeout (f->server, 1);
  for (guint i = 0; i < G_N_ELEMENTS (tails); i++)
    {
      g_autofree char *request = g_strdup_printf ("POST /v1/chat/completions HTTP/1.1\r\n"
                                                  "Host: 127.0.0.1\r\n"
                                                  "Content-Type: application/json\r\n"
                                                  "Content-Length: %zu\r\n\r\n%s%s",
                                                  strlen (body), body, tails[i]);
      g_autofree char *answer = NULL;

      g_test_message ("tail %u", i);
      answer = raw_request (f, request, strlen (request));
      g_assert_cmpuint (answer_status (answer), ==, 200);
      g_assert_null (strstr (answer + 1, "HTTP/1.1 "));
    }
  assert_still_serving (f);
}

int
main (int   argc,
      char *argv[])
{
  /* The isolated XDG dirs hold no GSettings schemas, which the GNOME proxy
   * resolver module would abort on. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  TEST ("/gateway/abuse/slowloris", test_slowloris);
  TEST ("/gateway/abuse/lying-content-length", test_lying_length);
  TEST ("/gateway/abuse/content-encoding", test_content_encoding);
  TEST ("/gateway/abuse/header-bytes", test_header_bytes);
  TEST ("/gateway/abuse/huge-json", test_huge_json);
  TEST ("/gateway/abuse/garbage", test_garbage);
  TEST ("/gateway/abuse/keep-alive-stall", test_keep_alive_stall);

  return g_test_run ();
}
