/* test-sluiced.c — the built sluiced as a process: serving, live config, drain
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#define CONFIG \
  "{ \"schema\": 1," \
  "  \"providers\": [ { \"name\": \"alpha\", \"kind\": \"mock\"," \
  "      \"mock\": { \"seed\": 1, \"latency_ms\": { \"p50\": %d, \"p99\": %d } } } ]," \
  "  \"models\": [ { \"name\": \"alpha-large\", \"provider\": \"alpha\", \"upstream\": \"a-1\"," \
  "      \"price_in\": 3, \"price_out\": 15, \"context_window\": 200000 } ]," \
  "  \"chains\": { \"main\": [\"alpha-large\"] }," \
  "  \"aliases\": { \"%s\": \"main\" }," \
  "  \"routing\": { \"default\": \"main\" } %s }"

#define SECRET_KEY "sk-sluiced-secret-key"
#define PROMPT     "zebra prompt 7731"

typedef struct
{
  GSubprocess  *process;
  SoupSession  *session;
  char         *config_path;
  char         *db_path;
  char         *base;
  GString      *err;
  char          err_buffer[4096];
  gboolean      err_eof;
  gboolean      exited;
} Daemon;

static char *
make_config (int         latency_ms,
             const char *alias,
             const char *extra)
{
  return g_strdup_printf (CONFIG, latency_ms, latency_ms, alias, extra);
}

static void
write_config (Daemon     *d,
              const char *json)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (d->config_path, json, -1, &error);
  g_assert_no_error (error);
}

static void
iterate_until (gboolean *flag,
               guint     limit_s)
{
  gint64 end = g_get_monotonic_time () + (gint64) limit_s * G_USEC_PER_SEC;

  while (!*flag)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, TRUE);
    }
}

static gboolean
tick_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
pause_ms (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, tick_cb, &done);
  iterate_until (&done, 60);
}

static void
err_read_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Daemon *d = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, NULL);

  if (n <= 0)
    {
      d->err_eof = TRUE;
      return;
    }
  g_string_append_len (d->err, d->err_buffer, n);
  g_input_stream_read_async (G_INPUT_STREAM (object), d->err_buffer, sizeof d->err_buffer,
                             G_PRIORITY_DEFAULT, NULL, err_read_cb, d);
}

typedef struct
{
  char     *line;
  gboolean  done;
} Line;

static void
line_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Line *line = user_data;

  line->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result,
                                                          NULL, NULL);
  line->done = TRUE;
}

static void
start (Daemon     *d,
       const char *config)
{
  g_autofree char *binary = g_build_filename (g_getenv ("SLUICE_BUILD_DIR"), "src", "daemon",
                                              "sluiced", NULL);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  Line line = { 0 };

  d->config_path = g_build_filename (g_get_user_config_dir (), "sluiced.json", NULL);
  d->db_path = g_build_filename (g_get_user_data_dir (), "sluiced.db", NULL);
  g_mkdir_with_parents (g_get_user_config_dir (), 0700);
  write_config (d, config);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  /* The daemon's warnings (an invalid config) must not abort it. */
  g_subprocess_launcher_unsetenv (launcher, "G_DEBUG");
  d->process = g_subprocess_launcher_spawn (launcher, &error, binary,
                                            "--listen", "127.0.0.1:0", "--log-requests",
                                            "--config", d->config_path,
                                            "--db", d->db_path, NULL);
  g_assert_no_error (error);

  d->err = g_string_new (NULL);
  g_input_stream_read_async (g_subprocess_get_stderr_pipe (d->process), d->err_buffer,
                             sizeof d->err_buffer, G_PRIORITY_DEFAULT, NULL, err_read_cb, d);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (d->process));
  g_data_input_stream_read_line_async (out, G_PRIORITY_DEFAULT, NULL, line_cb, &line);
  iterate_until (&line.done, 30);
  g_assert_nonnull (line.line);
  g_assert_true (g_str_has_prefix (line.line, "sluiced listening on http://127.0.0.1:"));
  g_assert_false (g_str_has_suffix (line.line, ":0"));
  d->base = g_strdup (line.line + strlen ("sluiced listening on "));
  g_free (line.line);

  d->session = soup_session_new_with_options ("proxy-resolver", NULL, "timeout", 30, NULL);
}

static void
wait_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Daemon *d = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  d->exited = TRUE;
}

static void
stop (Daemon *d)
{
  if (d->process != NULL && !d->exited)
    {
      g_subprocess_send_signal (d->process, SIGTERM);
      g_subprocess_wait_async (d->process, NULL, wait_cb, d);
      iterate_until (&d->exited, 40);
    }
  g_clear_object (&d->session);
  g_clear_object (&d->process);
  g_free (d->config_path);
  g_free (d->db_path);
  g_free (d->base);
  if (d->err != NULL)
    g_string_free (d->err, TRUE);
}

typedef struct
{
  SoupMessage *msg;
  GBytes      *body;
  gboolean     done;
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

static void
call_start (Daemon     *d,
            Call       *call,
            const char *path,
            const char *body,
            const char *key)
{
  g_autofree char *url = g_strconcat (d->base, path, NULL);

  call->msg = soup_message_new (body != NULL ? "POST" : "GET", url);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (call->msg, "application/json", bytes);
    }
  if (key != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", key, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (call->msg),
                                    "Authorization", auth);
    }
  soup_session_send_and_read_async (d->session, call->msg, G_PRIORITY_DEFAULT, NULL,
                                    call_cb, call);
}

/* Returns the body as a string; the status in @status. */
static char *
fetch (Daemon     *d,
       const char *path,
       const char *body,
       const char *key,
       guint      *status)
{
  Call call = { 0 };
  char *text;

  call_start (d, &call, path, body, key);
  iterate_until (&call.done, 30);
  g_assert_nonnull (call.body);
  *status = soup_message_get_status (call.msg);
  text = g_strndup (g_bytes_get_data (call.body, NULL), g_bytes_get_size (call.body));
  g_bytes_unref (call.body);
  g_object_unref (call.msg);
  return text;
}

static char *
chat_body (const char *model)
{
  return g_strdup_printf ("{\"model\":\"%s\",\"messages\":[{\"role\":\"user\","
                          "\"content\":\"" PROMPT "\"}]}", model);
}

static void
test_serves (void)
{
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, SECRET_KEY, -1);
  g_autofree char *users = g_strdup_printf (", \"users\": [ { \"name\": \"ops\","
                                            " \"key_hash\": \"sha256:%s\" } ]", hash);
  g_autofree char *config = make_config (0, "fast", users);
  g_autofree char *body = chat_body ("fast");
  g_autofree char *answer = NULL;
  g_autofree char *refused = NULL;
  g_autofree char *health = NULL;
  Daemon d = { 0 };
  guint status = 0;

  start (&d, config);
  answer = fetch (&d, "/v1/chat/completions", body, SECRET_KEY, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (strstr (answer, "Echo: " PROMPT));
  refused = fetch (&d, "/v1/chat/completions", body, NULL, &status);
  g_assert_cmpuint (status, ==, 401);
  health = fetch (&d, "/healthz", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 200);

  g_subprocess_send_signal (d.process, SIGTERM);
  g_subprocess_wait_async (d.process, NULL, wait_cb, &d);
  iterate_until (&d.exited, 40);
  iterate_until (&d.err_eof, 10);
  g_assert_true (g_subprocess_get_if_exited (d.process));
  g_assert_cmpint (g_subprocess_get_exit_status (d.process), ==, 0);

  /* One line per request; never the key, never the prompt by default. */
  g_assert_nonnull (strstr (d.err->str, "request req_"));
  g_assert_nonnull (strstr (d.err->str, "status=ok"));
  g_assert_null (strstr (d.err->str, SECRET_KEY));
  g_assert_null (strstr (d.err->str, PROMPT));
  stop (&d);
}

static gboolean
models_list (Daemon     *d,
             const char *id)
{
  guint status = 0;
  g_autofree char *list = fetch (d, "/v1/models", NULL, NULL, &status);
  g_autofree char *needle = g_strdup_printf ("\"id\":\"%s\"", id);

  g_assert_cmpuint (status, ==, 200);
  return strstr (list, needle) != NULL;
}

static void
test_config_reload (void)
{
  g_autofree char *first = make_config (0, "fast", "");
  g_autofree char *second = make_config (0, "speedy", "");
  g_autofree char *body = chat_body ("speedy");
  g_autofree char *answer = NULL;
  Daemon d = { 0 };
  guint status = 0;
  guint waited = 0;

  start (&d, first);
  g_assert_true (models_list (&d, "fast"));
  g_assert_false (models_list (&d, "speedy"));

  write_config (&d, second);
  while (!models_list (&d, "speedy"))
    {
      g_assert_cmpuint (waited += 100, <, 15000);
      pause_ms (100);
    }
  g_assert_false (models_list (&d, "fast"));

  /* An invalid document is logged with its path and reason; the running
   * config stays. */
  write_config (&d, "{ \"schema\": 1, \"providers\": [ { \"name\": 5 } ] }");
  waited = 0;
  while (strstr (d.err->str, "was not applied") == NULL)
    {
      g_assert_cmpuint (waited += 100, <, 15000);
      pause_ms (100);
    }
  g_assert_nonnull (strstr (d.err->str, d.config_path));
  g_assert_nonnull (strstr (d.err->str, "$.providers[0]"));

  answer = fetch (&d, "/v1/chat/completions", body, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (models_list (&d, "speedy"));
  stop (&d);
}

static void
test_sigterm_drains (void)
{
  g_autofree char *config = make_config (1500, "fast", "");
  g_autofree char *body = chat_body ("main");
  Call slow = { 0 };
  Daemon d = { 0 };
  guint waited = 0;

  start (&d, config);
  call_start (&d, &slow, "/v1/chat/completions", body, NULL);
  for (;;)
    {
      guint status = 0;
      g_autofree char *metrics = fetch (&d, "/metrics", NULL, NULL, &status);

      if (strstr (metrics, "\nsluice_gateway_in_flight 1\n") != NULL)
        break;
      g_assert_cmpuint (waited += 20, <, 15000);
      pause_ms (20);
    }

  g_subprocess_send_signal (d.process, SIGTERM);
  g_subprocess_wait_async (d.process, NULL, wait_cb, &d);
  iterate_until (&slow.done, 30);
  g_assert_nonnull (slow.body);
  g_assert_cmpuint (soup_message_get_status (slow.msg), ==, 200);
  g_assert_nonnull (strstr (g_bytes_get_data (slow.body, NULL), "Echo: " PROMPT));

  iterate_until (&d.exited, 40);
  g_assert_true (g_subprocess_get_if_exited (d.process));
  g_assert_cmpint (g_subprocess_get_exit_status (d.process), ==, 0);
  iterate_until (&d.err_eof, 10);
  g_assert_nonnull (strstr (d.err->str, "Every request in flight was answered"));

  g_bytes_unref (slow.body);
  g_object_unref (slow.msg);
  stop (&d);
}

static void
test_help (void)
{
  g_autofree char *binary = g_build_filename (g_getenv ("SLUICE_BUILD_DIR"), "src", "daemon",
                                              "sluiced", NULL);
  static const char *options[] = { "--config", "--listen", "--db", "--redis=URL", "--log-prompts",
                                   "--version", "SIGTERM", "/v1/chat/completions" };
  g_autofree char *out = NULL;
  g_autofree char *version = NULL;
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_spawn_sync (NULL, (char *[]) { binary, (char *) "--help", NULL }, NULL, 0, NULL, NULL,
                &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (options); i++)
    g_assert_nonnull (strstr (out, options[i]));

  g_spawn_sync (NULL, (char *[]) { binary, (char *) "--version", NULL }, NULL, 0, NULL, NULL,
                &version, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (version, ==, "sluiced " PACKAGE_VERSION "\n");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  if (g_getenv ("SLUICE_BUILD_DIR") == NULL)
    {
      g_test_skip ("SLUICE_BUILD_DIR is not set (run through meson test)");
      return g_test_run ();
    }
  g_test_add_func ("/sluiced/help", test_help);
  g_test_add_func ("/sluiced/serves", test_serves);
  g_test_add_func ("/sluiced/config-reload", test_config_reload);
  g_test_add_func ("/sluiced/sigterm-drains", test_sigterm_drains);

  return g_test_run ();
}
