/* test-gateway-errors.c — bad input, virtual keys, hostile clients, drain
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "test-gateway-fixture.h"

typedef GatewayFixture Fixture;

#define TEST(path, func, data) \
  g_test_add (path, Fixture, data, gateway_setup, func, gateway_teardown)

/* sha256 ("sk-test-alice") and sha256 ("sk-test-bob") */
#define USERS \
  ", \"users\": [" \
  "  { \"name\": \"alice\", \"key_hash\": \"sha256:%s\" }," \
  "  { \"name\": \"bob\", \"key_hash\": \"sha256:%s\" } ]"

#define SMALL_LIMIT (64 * 1024)

#define NUL_BODY \
  "{\"model\": \"main\", \"messages\": [{\"role\": \"user\", \"content\": \"a\0b\"}]}"

typedef struct
{
  const char *name;
  const char *method;
  const char *path;
  const char *content_type;
  const char *body;
  gssize      length;
  guint       status;
  gboolean    anthropic;
  const char *param;      /* OpenAI's "param", when the error names a field */
} BadCase;

static const BadCase bad_cases[] = {
  { "malformed JSON", "POST", "/v1/chat/completions", "application/json",
    "{\"model\": \"main\", \"messages\": [}", -1, 400 },
  { "model of the wrong type", "POST", "/v1/chat/completions", "application/json",
    "{\"model\": 5, \"messages\": []}", -1, 400, FALSE, "model" },
  { "missing messages", "POST", "/v1/chat/completions", "application/json",
    "{\"model\": \"main\"}", -1, 400, FALSE, "messages" },
  { "empty messages", "POST", "/v1/chat/completions", "application/json",
    "{\"model\": \"main\", \"messages\": []}", -1, 400, FALSE, "messages" },
  { "messages not an array", "POST", "/v1/chat/completions", "application/json",
    "{\"model\": \"main\", \"messages\": \"hi\"}", -1, 400, FALSE, "messages" },
  { "message not an object", "POST", "/v1/chat/completions", "application/json",
    "{\"model\": \"main\", \"messages\": [1]}", -1, 400, FALSE, "messages[0]" },
  { "bad role", "POST", "/v1/chat/completions", "application/json",
    "{\"model\": \"main\", \"messages\": [{\"role\": \"user\", \"content\": \"a\"},"
    " {\"role\": \"robot\", \"content\": \"b\"}]}", -1, 400, FALSE, "messages[1].role" },
  { "invalid UTF-8", "POST", "/v1/chat/completions", "application/json",
    "{\"model\": \"main\", \"messages\": [{\"role\": \"user\", \"content\": \"\xc3\x28\"}]}",
    -1, 400 },
  { "NUL byte", "POST", "/v1/chat/completions", "application/json",
    NUL_BODY, sizeof (NUL_BODY) - 1, 400 },
  { "empty body", "POST", "/v1/chat/completions", "application/json", "", 0, 400 },
  { "not JSON at all", "POST", "/v1/chat/completions", "text/plain", "model=main", -1, 415 },
  { "unknown route", "POST", "/v1/nothing-here", "application/json", "{}", -1, 404 },
  { "GET on a POST route", "GET", "/v1/chat/completions", NULL, NULL, 0, 405 },
  { "POST on a GET route", "POST", "/v1/models", "application/json", "{}", -1, 405 },
  { "unknown model", "POST", "/v1/chat/completions", "application/json",
    CHAT_BODY ("no-such-model", "x"), -1, 404, FALSE, "model" },
  { "huge max_tokens", "POST", "/v1/chat/completions", "application/json",
    "{\"model\": \"main\", \"max_tokens\": 1e300, \"messages\": [{\"role\": \"user\","
    " \"content\": \"x\"}]}", -1, 400, FALSE, "max_tokens" },
  { "max_tokens past int64", "POST", "/v1/chat/completions", "application/json",
    "{\"model\": \"main\", \"max_tokens\": 123456789012345678901234567890, \"messages\":"
    " [{\"role\": \"user\", \"content\": \"x\"}]}", -1, 400, FALSE, "max_tokens" },
  { "max_tokens as a string", "POST", "/v1/chat/completions", "application/json",
    "{\"model\": \"main\", \"max_tokens\": \"10\", \"messages\": [{\"role\": \"user\","
    " \"content\": \"x\"}]}", -1, 400, FALSE, "max_tokens" },
  { "temperature out of range", "POST", "/v1/chat/completions", "application/json",
    "{\"model\": \"main\", \"temperature\": 3, \"messages\": [{\"role\": \"user\","
    " \"content\": \"x\"}]}", -1, 400, FALSE, "temperature" },
  { "stream not a boolean", "POST", "/v1/chat/completions", "application/json",
    "{\"model\": \"main\", \"stream\": \"yes\", \"messages\": [{\"role\": \"user\","
    " \"content\": \"x\"}]}", -1, 400, FALSE, "stream" },
  { "n above one", "POST", "/v1/chat/completions", "application/json",
    "{\"model\": \"main\", \"n\": 3, \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}",
    -1, 400, FALSE, "n" },
  { "image content", "POST", "/v1/chat/completions", "application/json",
    "{\"model\": \"main\", \"messages\": [{\"role\": \"user\", \"content\": [{\"type\":"
    " \"image_url\", \"image_url\": {\"url\": \"x\"}}]}]}", -1, 400, FALSE,
    "messages[0].content[0].type" },
  { "no user message", "POST", "/v1/chat/completions", "application/json",
    "{\"model\": \"main\", \"messages\": [{\"role\": \"system\", \"content\": \"x\"}]}", -1, 400 },
  { "top-level array", "POST", "/v1/chat/completions", "application/json", "[1, 2]", -1, 400 },
  { "anthropic: missing max_tokens", "POST", "/v1/messages", "application/json",
    CHAT_BODY ("main", "x"), -1, 400, TRUE },
  { "anthropic: system role in messages", "POST", "/v1/messages", "application/json",
    "{\"model\": \"main\", \"max_tokens\": 5, \"messages\": [{\"role\": \"system\","
    " \"content\": \"x\"}]}", -1, 400, TRUE },
  { "anthropic: malformed JSON", "POST", "/v1/messages", "application/json", "{\"model", -1,
    400, TRUE },
  { "anthropic: unknown model", "POST", "/v1/messages", "application/json",
    "{\"model\": \"nope\", \"max_tokens\": 5, \"messages\": [{\"role\": \"user\","
    " \"content\": \"x\"}]}", -1, 404, TRUE },
};

static void
assert_error_body (GatewayReply *r,
                   gboolean      anthropic,
                   const char   *param)
{
  const char *message;

  g_assert_nonnull (r->json);
  g_assert_true (g_str_has_prefix (gateway_header (r, "Content-Type"), "application/json"));
  message = gateway_path_string (r->json, "$.error.message");
  g_assert_nonnull (message);
  g_assert_cmpstr (message, !=, "");
  g_assert_nonnull (gateway_path_string (r->json, "$.error.type"));
  if (anthropic)
    g_assert_cmpstr (gateway_path_string (r->json, "$.type"), ==, "error");
  if (param != NULL)
    g_assert_cmpstr (gateway_path_string (r->json, "$.error.param"), ==, param);
}

static void
run_case (Fixture       *f,
          const BadCase *c)
{
  g_autoptr(GatewayReply) r = NULL;

  g_test_message ("case: %s", c->name);
  r = gateway_request (f, c->method, c->path, c->content_type, c->body, c->length, NULL);
  g_assert_cmpuint (r->status, ==, c->status);
  assert_error_body (r, c->anthropic, c->param);
  if (c->status == 405)
    g_assert_nonnull (gateway_header (r, "Allow"));
}

static char *
nested_arrays (guint depth)
{
  GString *s = g_string_new ("{\"model\": \"main\", \"messages\": ");

  for (guint i = 0; i < depth; i++)
    g_string_append_c (s, '[');
  for (guint i = 0; i < depth; i++)
    g_string_append_c (s, ']');
  g_string_append_c (s, '}');
  return g_string_free (s, FALSE);
}

static void
test_bad_input (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *deep = nested_arrays (10000);
  g_autofree char *big = g_strnfill (SMALL_LIMIT + 4096, ' ');
  g_autoptr(GatewayReply) nesting = NULL;
  g_autoptr(GatewayReply) too_big = NULL;
  g_autoptr(GatewayReply) after = NULL;

  sluice_server_set_max_body (f->server, SMALL_LIMIT);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    run_case (f, &bad_cases[i]);

  nesting = gateway_post_json (f, "/v1/chat/completions", deep);
  g_assert_cmpuint (nesting->status, ==, 400);
  assert_error_body (nesting, FALSE, NULL);
  g_assert_nonnull (strstr (gateway_path_string (nesting->json, "$.error.message"), "nesting"));

  big[0] = '{';
  big[SMALL_LIMIT + 4095] = '}';
  too_big = gateway_post_json (f, "/v1/chat/completions", big);
  g_assert_cmpuint (too_big->status, ==, 413);
  assert_error_body (too_big, FALSE, NULL);

  /* After all of that the gateway still answers. */
  after = gateway_post_json (f, "/v1/chat/completions", CHAT_BODY ("main", "still here?"));
  g_assert_cmpuint (after->status, ==, 200);
  g_assert_cmpstr (gateway_path_string (after->json, "$.choices[0].message.content"), ==,
                   "Echo: still here?");
}

static void
test_chunked_over_limit (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GString) request = g_string_new ("POST /v1/chat/completions HTTP/1.1\r\n"
                                             "Host: 127.0.0.1\r\n"
                                             "Content-Type: application/json\r\n"
                                             "Transfer-Encoding: chunked\r\n\r\n");
  g_autofree char *piece = g_strnfill (8192, ' ');
  g_autofree char *answer = NULL;
  g_autoptr(GatewayReply) after = NULL;

  sluice_server_set_max_body (f->server, SMALL_LIMIT);
  for (guint i = 0; i < 12; i++)
    g_string_append_printf (request, "2000\r\n%s\r\n", piece);
  g_string_append (request, "0\r\n\r\n");

  stream = gateway_raw_connect (f);
  answer = gateway_raw_exchange (f, stream, request->str, request->len);
  g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 413"));
  g_assert_nonnull (strstr (answer, "request_too_large"));

  after = gateway_post_json (f, "/v1/chat/completions", CHAT_BODY ("main", "x"));
  g_assert_cmpuint (after->status, ==, 200);
}

static void
test_slow_sender (Fixture       *f,
                  gconstpointer  data)
{
  static const char *partial[] = {
    "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le",
    "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{",
  };
  g_autoptr(GatewayReply) after = NULL;

  sluice_server_set_io_timeout (f->server, 1);
  for (guint i = 0; i < G_N_ELEMENTS (partial); i++)
    {
      g_autoptr(GIOStream) stream = gateway_raw_connect (f);
      g_autofree char *answer = NULL;

      /* The server gives up on the stalled connection and closes it. */
      answer = gateway_raw_exchange (f, stream, partial[i], strlen (partial[i]));
      g_assert_false (g_str_has_prefix (answer, "HTTP/1.1 200"));
    }
  after = gateway_post_json (f, "/v1/chat/completions", CHAT_BODY ("main", "x"));
  g_assert_cmpuint (after->status, ==, 200);
}

typedef struct
{
  guint    n_expected;
  guint    n_done;
  guint    n_ok;
  gboolean all_done;
} Parallel;

static void
parallel_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Parallel *p = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (object), result,
                                                             &error);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);

  if (error != NULL || soup_message_get_status (msg) != 200)
    g_test_message ("parallel request: %u %s", soup_message_get_status (msg),
                    error != NULL ? error->message : "");

  if (body != NULL && soup_message_get_status (msg) == 200 &&
      g_bytes_get_size (body) > 0)
    p->n_ok++;
  p->all_done = ++p->n_done == p->n_expected;
}

static void
test_parallel (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *url = g_strconcat (f->base, "/v1/chat/completions", NULL);
  const guint n = 64;
  Parallel p = { n };

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
      g_autofree char *body = g_strdup_printf ("{\"model\":\"main\",\"stream\":%s,"
                                               "\"messages\":[{\"role\":\"user\","
                                               "\"content\":\"parallel %u\"}]}",
                                               i % 2 ? "true" : "false", i);
      g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&body), strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
      soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL,
                                        parallel_done_cb, &p);
    }
  gateway_wait (f, &p.all_done);
  g_assert_cmpuint (p.n_ok, ==, n);
  g_assert_cmpuint (sluice_server_get_n_in_flight (f->server), ==, 0);
}

/* Virtual keys */

static char *
users_config (void)
{
  g_autofree char *alice = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "sk-test-alice", -1);
  g_autofree char *bob = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "sk-test-bob", -1);
  g_autofree char *users = g_strdup_printf (USERS, alice, bob);

  return gateway_config ("", users);
}

static SluiceLedgerRow *
ledger_row (Fixture    *f,
            const char *request_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = sluice_store_query_ledger (sluice_engine_get_store (f->engine), 0,
                                                         0, &error);

  g_assert_no_error (error);
  g_assert_nonnull (request_id);
  for (guint i = 0; i < rows->len; i++)
    {
      SluiceLedgerRow *row = g_ptr_array_index (rows, i);

      if (g_strcmp0 (row->request_id, request_id) == 0)
        return sluice_ledger_row_copy (row);
    }
  g_assert_not_reached ();
}

static void
test_keys (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *config = users_config ();
  g_autoptr(GatewayReply) none = NULL;
  g_autoptr(GatewayReply) wrong = NULL;
  g_autoptr(GatewayReply) right = NULL;
  g_autoptr(GatewayReply) anthropic = NULL;
  g_autoptr(GatewayReply) anthropic_none = NULL;
  g_autoptr(GatewayReply) models = NULL;
  g_autoptr(GatewayReply) healthz = NULL;
  g_autoptr(SluiceLedgerRow) row = NULL;
  g_autoptr(SluiceLedgerRow) anthropic_row = NULL;

  gateway_apply (f, config);

  none = gateway_post_json (f, "/v1/chat/completions", CHAT_BODY ("main", "x"));
  g_assert_cmpuint (none->status, ==, 401);
  g_assert_cmpstr (gateway_path_string (none->json, "$.error.type"), ==, "authentication_error");
  assert_error_body (none, FALSE, NULL);

  wrong = gateway_request (f, "POST", "/v1/chat/completions", "application/json",
                           CHAT_BODY ("main", "x"), -1,
                           "Authorization", "Bearer sk-test-mallory", NULL);
  g_assert_cmpuint (wrong->status, ==, 401);
  g_assert_null (strstr (gateway_body_text (wrong), "sk-test"));

  /* The key names the user; a header saying otherwise is ignored. */
  right = gateway_request (f, "POST", "/v1/chat/completions", "application/json",
                           CHAT_BODY ("main", "x"), -1,
                           "Authorization", "Bearer sk-test-alice",
                           "x-sluice-user", "mallory", NULL);
  g_assert_cmpuint (right->status, ==, 200);
  row = ledger_row (f, gateway_header (right, "x-sluice-request-id"));
  g_assert_cmpstr (row->user, ==, "alice");

  anthropic = gateway_request (f, "POST", "/v1/messages", "application/json",
                               "{\"model\":\"main\",\"max_tokens\":10,\"messages\":"
                               "[{\"role\":\"user\",\"content\":\"x\"}]}", -1,
                               "x-api-key", "sk-test-bob", NULL);
  g_assert_cmpuint (anthropic->status, ==, 200);
  anthropic_row = ledger_row (f, gateway_header (anthropic, "x-sluice-request-id"));
  g_assert_cmpstr (anthropic_row->user, ==, "bob");

  anthropic_none = gateway_post_json (f, "/v1/messages",
                                      "{\"model\":\"main\",\"max_tokens\":10,\"messages\":"
                                      "[{\"role\":\"user\",\"content\":\"x\"}]}");
  g_assert_cmpuint (anthropic_none->status, ==, 401);
  g_assert_cmpstr (gateway_path_string (anthropic_none->json, "$.type"), ==, "error");
  g_assert_cmpstr (gateway_path_string (anthropic_none->json, "$.error.type"), ==,
                   "authentication_error");

  models = gateway_request (f, "GET", "/v1/models", NULL, NULL, 0, NULL);
  g_assert_cmpuint (models->status, ==, 401);
  healthz = gateway_request (f, "GET", "/healthz", NULL, NULL, 0, NULL);
  g_assert_cmpuint (healthz->status, ==, 200);
}

static void
test_hints (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GatewayReply) header_user = NULL;
  g_autoptr(GatewayReply) body_user = NULL;
  g_autoptr(SluiceLedgerRow) row = NULL;
  g_autoptr(SluiceLedgerRow) body_row = NULL;

  header_user = gateway_request (f, "POST", "/v1/chat/completions", "application/json",
                                 CHAT_BODY ("main", "x"), -1,
                                 "x-sluice-user", "carol",
                                 "x-sluice-task", "classification", NULL);
  g_assert_cmpuint (header_user->status, ==, 200);
  row = ledger_row (f, gateway_header (header_user, "x-sluice-request-id"));
  g_assert_cmpstr (row->user, ==, "carol");
  g_assert_cmpstr (row->task, ==, "classification");

  body_user = gateway_post_json (f, "/v1/chat/completions",
                                 "{\"model\":\"main\",\"user\":\"dave\",\"messages\":"
                                 "[{\"role\":\"user\",\"content\":\"x\"}]}");
  g_assert_cmpuint (body_user->status, ==, 200);
  body_row = ledger_row (f, gateway_header (body_user, "x-sluice-request-id"));
  g_assert_cmpstr (body_row->user, ==, "dave");
}

static void
test_listen (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(SluiceServer) open = sluice_server_new (f->engine);
  g_autoptr(SluiceServer) guarded = sluice_server_new (f->engine);
  g_autofree char *config = users_config ();
  g_autoptr(GError) error = NULL;

  g_assert_false (sluice_server_listen (open, "0.0.0.0:0", &error));
  g_assert_error (error, SLUICE_SERVER_ERROR, SLUICE_SERVER_ERROR_INSECURE);
  g_assert_nonnull (strstr (error->message, "virtual keys"));
  g_clear_error (&error);

  g_assert_false (sluice_server_listen (open, "not an address", &error));
  g_assert_error (error, SLUICE_SERVER_ERROR, SLUICE_SERVER_ERROR_ADDRESS);
  g_clear_error (&error);
  g_assert_false (sluice_server_listen (open, "127.0.0.1:99999", &error));
  g_assert_error (error, SLUICE_SERVER_ERROR, SLUICE_SERVER_ERROR_ADDRESS);
  g_clear_error (&error);

  g_assert_false (sluice_server_listen (f->server, "127.0.0.1:0", &error));
  g_assert_error (error, SLUICE_SERVER_ERROR, SLUICE_SERVER_ERROR_STATE);
  g_clear_error (&error);

  /* With virtual keys configured, every interface is allowed. */
  gateway_apply (f, config);
  g_assert_true (sluice_server_listen (guarded, "0.0.0.0:0", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sluice_server_get_port (guarded), >, 0);
}

/* Draining */

typedef struct
{
  GBytes   *body;
  guint     status;
  gboolean  done;
} Pending;

static void
pending_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Pending *p = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);

  g_autoptr(GError) error = NULL;

  p->body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (error != NULL)
    g_test_message ("request failed: %s", error->message);
  p->status = soup_message_get_status (msg);
  p->done = TRUE;
}

static void
send_pending (Fixture    *f,
              const char *path,
              const char *body,
              Pending    *p)
{
  g_autofree char *url = g_strconcat (f->base, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (body != NULL ? "POST" : "GET", url);

  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL,
                                    pending_done_cb, p);
}

static void
drained_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (sluice_server_drain_finish (SLUICE_SERVER (object), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
test_drain (Fixture       *f,
            gconstpointer  data)
{
  Pending warm[2] = { { 0 } };
  Pending slow = { 0 };
  Pending ready = { 0 };
  gboolean drained = FALSE;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) late = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reason = NULL;

  g_socket_client_set_enable_proxy (client, FALSE);
  /* Two idle keep-alive connections in the session's pool. */
  send_pending (f, "/healthz", NULL, &warm[0]);
  send_pending (f, "/healthz", NULL, &warm[1]);
  gateway_wait (f, &warm[0].done);
  gateway_wait (f, &warm[1].done);

  /* A streamed request that waits on the held clock. */
  f->hold_clock = TRUE;
  send_pending (f, "/v1/chat/completions",
                "{\"model\":\"dripping\",\"stream\":true,\"messages\":"
                "[{\"role\":\"user\",\"content\":\"slow slow slow slow\"}]}", &slow);
  while (sluice_server_get_n_in_flight (f->server) == 0)
    g_main_context_iteration (NULL, TRUE);

  sluice_server_drain_async (f->server, NULL, drained_cb, &drained);
  send_pending (f, "/readyz", NULL, &ready);
  gateway_wait (f, &ready.done);
  g_assert_cmpuint (ready.status, ==, 503);
  reason = json_from_string (g_bytes_get_data (ready.body, NULL), NULL);
  g_assert_nonnull (strstr (gateway_path_string (reason, "$.reason"), "shutting down"));
  g_assert_false (drained);
  g_assert_false (slow.done);

  /* The request in flight completes, and only then the drain. */
  f->hold_clock = FALSE;
  gateway_wait (f, &drained);
  gateway_wait (f, &slow.done);
  g_assert_cmpuint (slow.status, ==, 200);
  g_assert_true (g_str_has_suffix (g_bytes_get_data (slow.body, NULL), "data: [DONE]\n\n") ||
                 strstr (g_bytes_get_data (slow.body, NULL), "data: [DONE]") != NULL);

  late = g_socket_client_connect_to_host (client, "127.0.0.1", sluice_server_get_port (f->server),
                                          NULL, &error);
  g_assert_null (late);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);

  for (guint i = 0; i < G_N_ELEMENTS (warm); i++)
    g_clear_pointer (&warm[i].body, g_bytes_unref);
  g_clear_pointer (&slow.body, g_bytes_unref);
  g_clear_pointer (&ready.body, g_bytes_unref);
}

static void
drain_cancelled_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_false (sluice_server_drain_finish (SLUICE_SERVER (object), result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  *done = TRUE;
}

static void
test_drain_cancelled (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Pending slow = { 0 };
  gboolean gave_up = FALSE;

  f->hold_clock = TRUE;
  send_pending (f, "/v1/chat/completions",
                "{\"model\":\"dripping\",\"stream\":true,\"messages\":"
                "[{\"role\":\"user\",\"content\":\"slow slow slow slow\"}]}", &slow);
  while (sluice_server_get_n_in_flight (f->server) == 0)
    g_main_context_iteration (NULL, TRUE);

  sluice_server_drain_async (f->server, cancellable, drain_cancelled_cb, &gave_up);
  g_cancellable_cancel (cancellable);
  gateway_wait (f, &gave_up);
  g_assert_cmpuint (sluice_server_get_n_in_flight (f->server), ==, 1);

  /* Giving up on the wait does not cut the request. */
  f->hold_clock = FALSE;
  gateway_wait (f, &slow.done);
  g_assert_cmpuint (slow.status, ==, 200);
  g_clear_pointer (&slow.body, g_bytes_unref);
}

int
main (int   argc,
      char *argv[])
{
  /* The isolated XDG dirs hold no GSettings schemas, which the GNOME proxy
   * resolver module would abort on. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  TEST ("/gateway/errors/bad-input", test_bad_input, NULL);
  TEST ("/gateway/errors/chunked-over-limit", test_chunked_over_limit, NULL);
  TEST ("/gateway/errors/slow-sender", test_slow_sender, NULL);
  TEST ("/gateway/errors/parallel", test_parallel, NULL);
  TEST ("/gateway/keys/required", test_keys, NULL);
  TEST ("/gateway/keys/hints-without-keys", test_hints, NULL);
  TEST ("/gateway/listen/refusals", test_listen, NULL);
  TEST ("/gateway/drain/waits", test_drain, NULL);
  TEST ("/gateway/drain/cancelled", test_drain_cancelled, NULL);

  return g_test_run ();
}
