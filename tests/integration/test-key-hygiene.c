/* test-key-hygiene.c — no provider key ever leaves the process
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include "sluice.h"
#include "sluice-test-support.h"

/* The engine and sluiced run with real-looking keys, one from the
 * environment (SLUICE_KEY_OA) and one from the Secret Service of the test
 * session bus (the environment again when there is no bus), make calls
 * that succeed and calls that sluice-mock refuses with a 401 quoting the
 * key back in full; then the logs, the databases (and their -wal), the
 * traces, the exported config and every answer of the gateway are
 * searched for the keys. */

#define ENV_KEY    "sk-proj-hygieneENV7Q2x9LmN4pR8sT1vW3yZ5bC6dF0gH"
#define SECRET_KEY "AIzaSyHygieneSecretK3y0123456789abcdefXYZ"

#define OK_SCENARIO "{ \"default\": { \"latency_ms\": { \"p50\": 1, \"p99\": 2 } } }"
#define AUTH_SCENARIO \
  "{ \"default\": { \"latency_ms\": { \"p50\": 1, \"p99\": 2 }, \"errors\": { \"auth\": 1.0 } } }"

typedef struct
{
  SluiceTestMock *mock;
  GString        *seen;      /* everything a key must not be in */
  gboolean        secret_service;
} Fixture;

static char *
make_config (const char *url)
{
  return g_strdup_printf (
    "{ \"schema\": 1,"
    "  \"providers\": ["
    "    { \"name\": \"oa\", \"kind\": \"openai\", \"base_url\": \"%s/v1\", \"timeout_ms\": 5000 },"
    "    { \"name\": \"ge\", \"kind\": \"gemini\", \"base_url\": \"%s/v1beta\", \"timeout_ms\": 5000 } ],"
    "  \"models\": ["
    "    { \"name\": \"oa-chat\", \"provider\": \"oa\", \"upstream\": \"gpt-4o\","
    "      \"price_in\": 1, \"price_out\": 2, \"context_window\": 100000 },"
    "    { \"name\": \"ge-chat\", \"provider\": \"ge\", \"upstream\": \"gemini-1.5-pro\","
    "      \"price_in\": 1, \"price_out\": 2, \"context_window\": 100000 },"
    "    { \"name\": \"ge-embed\", \"provider\": \"ge\", \"upstream\": \"text-embedding-004\","
    "      \"kind\": \"embedding\", \"price_in\": 0.01, \"price_out\": 0, \"context_window\": 2048 } ],"
    "  \"chains\": { \"main\": [\"oa-chat\", \"ge-chat\"], \"vectors\": [\"ge-embed\"] },"
    "  \"routing\": { \"default\": \"main\" },"
    "  \"retry\": { \"max_attempts\": 1 } }", url, url);
}

static void
iterate_until (gboolean *flag)
{
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!*flag)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, TRUE);
    }
}

static void
set_scenario (Fixture    *f,
              const char *json)
{
  g_autoptr(GError) error = NULL;

  sluice_test_mock_set_scenario (f->mock, json, &error);
  g_assert_no_error (error);
}

static void
see_file (Fixture    *f,
          const char *path)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, NULL))
    return;
  /* Binary files: NULs would end the search early. */
  for (gsize i = 0; i < len; i++)
    if (data[i] == '\0')
      data[i] = '\n';
  g_string_append_len (f->seen, data, len);
  g_string_append_c (f->seen, '\n');
}

/* The key in full, and any 12 characters of it but its ends (which the
 * mask keeps), must appear nowhere. */
static void
assert_no_key (const char *text,
               const char *key)
{
  gsize len = strlen (key);

  g_assert_null (strstr (text, key));
  for (gsize i = 3; i + 12 <= len - 4; i++)
    {
      g_autofree char *piece = g_strndup (key + i, 12);

      if (strstr (text, piece) != NULL)
        g_error ("a piece of a key (%s) leaked", piece);
    }
}

/* The in-process engine */

typedef struct
{
  SluiceResponse   *response;
  SluiceEmbeddings *embeddings;
  GError           *error;
  gboolean          done;
} Result;

static void
completed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Result *r = user_data;

  r->response = sluice_engine_complete_finish (SLUICE_ENGINE (object), result, &r->error);
  r->done = TRUE;
}

static void
embedded_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Result *r = user_data;

  r->embeddings = sluice_engine_embed_finish (SLUICE_ENGINE (object), result, &r->error);
  r->done = TRUE;
}

static void
engine_calls (Fixture        *f,
              SluiceEngine   *engine,
              gboolean        expect_ok)
{
  g_autoptr(SluiceRequest) request = sluice_request_new ();
  const char *inputs[] = { "hygiene", NULL };
  g_autofree char *trace = NULL;
  Result chat = { 0 }, embed = { 0 };

  sluice_request_add_message (request, SLUICE_ROLE_USER, "are my keys safe?");
  sluice_engine_complete_async (engine, request, NULL, NULL, NULL, completed_cb, &chat);
  iterate_until (&chat.done);
  g_assert_no_error (chat.error);
  g_assert_cmpint (sluice_response_get_status (chat.response) == SLUICE_REQUEST_STATUS_OK,
                   ==, expect_ok);
  trace = sluice_trace_to_text (sluice_response_get_trace (chat.response));
  g_string_append_printf (f->seen, "%s\n%s\n", trace,
                          sluice_response_get_error_message (chat.response) != NULL
                          ? sluice_response_get_error_message (chat.response) : "");
  /* The key reached the provider, and came back masked. */
  if (!expect_ok)
    g_assert_nonnull (strstr (trace, "Incorrect API key provided: sk-…F0gH"));
  g_clear_object (&chat.response);

  sluice_engine_embed_async (engine, "vectors", inputs, 8, NULL, NULL, embedded_cb, &embed);
  iterate_until (&embed.done);
  g_assert_true ((embed.embeddings != NULL) == expect_ok);
  if (embed.error != NULL)
    {
      g_assert_nonnull (strstr (embed.error->message, "AIz…fXYZ"));
      g_string_append_printf (f->seen, "%s\n", embed.error->message);
    }
  g_clear_error (&embed.error);
  g_clear_pointer (&embed.embeddings, sluice_embeddings_unref);
}

static void
run_engine (Fixture *f)
{
  g_autofree char *db = g_build_filename (g_get_user_data_dir (), "engine.db", NULL);
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autofree char *config = make_config (sluice_test_mock_get_url (f->mock));
  g_autofree char *exported = NULL;
  g_autoptr(SluiceEngine) engine = NULL;
  g_autoptr(SluiceConfig) running = NULL;
  g_autoptr(GError) error = NULL;

  engine = sluice_engine_new (db, NULL, &error);
  g_assert_no_error (error);
  sluice_engine_apply_config_json (engine, config, "test", NULL, &error);
  g_assert_no_error (error);

  set_scenario (f, OK_SCENARIO);
  engine_calls (f, engine, TRUE);
  set_scenario (f, AUTH_SCENARIO);
  engine_calls (f, engine, FALSE);

  running = sluice_engine_dup_config (engine);
  exported = sluice_config_to_json (running);
  g_string_append_printf (f->seen, "%s\n", exported);
  /* The -wal is read while the engine still has it open. */
  see_file (f, wal);
  g_clear_object (&engine);
  see_file (f, db);
}

/* sluiced */

typedef struct
{
  GString  *err;
  char      buffer[4096];
  gboolean  eof;
} Pipe;

static void
pipe_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Pipe *p = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, NULL);

  if (n <= 0)
    {
      p->eof = TRUE;
      return;
    }
  g_string_append_len (p->err, p->buffer, n);
  g_input_stream_read_async (G_INPUT_STREAM (object), p->buffer, sizeof p->buffer,
                             G_PRIORITY_DEFAULT, NULL, pipe_read_cb, p);
}

static void
line_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  char **line = user_data;

  *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result,
                                                     NULL, NULL);
  if (*line == NULL)
    *line = g_strdup ("");
}

typedef struct
{
  GBytes   *body;
  gboolean  done;
} Call;

static void
call_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Call *call = user_data;

  call->body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, NULL);
  call->done = TRUE;
}

/* Posts @body and keeps the whole answer, headers included. */
static guint
post (Fixture     *f,
      SoupSession *session,
      const char  *base,
      const char  *path,
      const char  *body)
{
  g_autofree char *url = g_strconcat (base, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  SoupMessageHeadersIter iter;
  const char *name, *value;
  Call call = { 0 };

  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, call_cb, &call);
  iterate_until (&call.done);
  g_assert_nonnull (call.body);
  soup_message_headers_iter_init (&iter, soup_message_get_response_headers (msg));
  while (soup_message_headers_iter_next (&iter, &name, &value))
    g_string_append_printf (f->seen, "%s: %s\n", name, value);
  g_string_append_len (f->seen, g_bytes_get_data (call.body, NULL), g_bytes_get_size (call.body));
  g_string_append_c (f->seen, '\n');
  g_bytes_unref (call.body);
  return soup_message_get_status (msg);
}

static void
daemon_calls (Fixture     *f,
              SoupSession *session,
              const char  *base,
              guint        expect)
{
  g_assert_cmpuint (post (f, session, base, "/v1/chat/completions",
                          "{\"model\":\"main\",\"messages\":[{\"role\":\"user\","
                          "\"content\":\"keys?\"}]}"), ==, expect);
  g_assert_cmpuint (post (f, session, base, "/v1/embeddings",
                          "{\"model\":\"vectors\",\"input\":[\"a\",\"b\"],\"dimensions\":8}"),
                    ==, expect);
}

static void
exited_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *(gboolean *) user_data = TRUE;
}

static void
run_daemon (Fixture *f)
{
  g_autofree char *binary = g_build_filename (g_getenv ("SLUICE_BUILD_DIR"), "src", "daemon",
                                              "sluiced", NULL);
  g_autofree char *config_path = g_build_filename (g_get_user_config_dir (), "hygiene.json", NULL);
  g_autofree char *db = g_build_filename (g_get_user_data_dir (), "sluiced.db", NULL);
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autofree char *config = make_config (sluice_test_mock_get_url (f->mock));
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  Pipe err = { 0 };
  gboolean exited = FALSE;

  g_mkdir_with_parents (g_get_user_config_dir (), 0700);
  g_file_set_contents (config_path, config, -1, &error);
  g_assert_no_error (error);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "G_DEBUG");
  process = g_subprocess_launcher_spawn (launcher, &error, binary, "--listen", "127.0.0.1:0",
                                         "--verbose", "--config", config_path, "--db", db, NULL);
  g_assert_no_error (error);
  err.err = g_string_new (NULL);
  g_input_stream_read_async (g_subprocess_get_stderr_pipe (process), err.buffer,
                             sizeof err.buffer, G_PRIORITY_DEFAULT, NULL, pipe_read_cb, &err);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  g_data_input_stream_read_line_async (out, G_PRIORITY_DEFAULT, NULL, line_cb, &line);
  while (line == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_str_has_prefix (line, "sluiced listening on "));

  session = soup_session_new_with_options ("proxy-resolver", NULL, "timeout", 30, NULL);
  set_scenario (f, OK_SCENARIO);
  daemon_calls (f, session, line + strlen ("sluiced listening on "), 200);
  set_scenario (f, AUTH_SCENARIO);
  daemon_calls (f, session, line + strlen ("sluiced listening on "), 503);
  see_file (f, wal);

  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait_async (process, NULL, exited_cb, &exited);
  iterate_until (&exited);
  iterate_until (&err.eof);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);

  /* --verbose logged the failures (with the scrubbed provider message). */
  g_assert_nonnull (strstr (err.err->str, "Incorrect API key"));
  g_string_append_printf (f->seen, "%s\n", err.err->str);
  g_string_free (err.err, TRUE);
  see_file (f, db);
  see_file (f, wal);
}

static void
test_no_key_leaks (void)
{
  g_autoptr(GError) error = NULL;
  Fixture f = { 0 };

  f.seen = g_string_new (NULL);
  f.mock = sluice_test_mock_start (OK_SCENARIO, &error);
  g_assert_no_error (error);

  g_setenv ("SLUICE_KEY_OA", ENV_KEY, TRUE);
  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") != NULL)
    {
      f.secret_service = sluice_secrets_store_key ("ge", SECRET_KEY, NULL, &error);
      g_assert_no_error (error);
    }
  else
    {
      g_test_message ("no session bus: the second key comes from the environment too");
      g_setenv ("SLUICE_KEY_GE", SECRET_KEY, TRUE);
    }

  run_engine (&f);
  run_daemon (&f);

  g_assert_cmpuint (f.seen->len, >, 1000);
  assert_no_key (f.seen->str, ENV_KEY);
  assert_no_key (f.seen->str, SECRET_KEY);

  if (f.secret_service)
    {
      sluice_secrets_delete_key ("ge", NULL, &error);
      g_assert_no_error (error);
    }
  g_string_free (f.seen, TRUE);
  sluice_test_mock_stop (f.mock);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/integration/key-hygiene/no-key-leaks", test_no_key_leaks);

  return g_test_run ();
}
