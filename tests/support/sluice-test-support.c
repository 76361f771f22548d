/* sluice-test-support.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-test"

#include "config.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "sluice-test-support.h"

#define LISTEN_PREFIX   "sluice-mock listening on "
#define START_TIMEOUT_MS 10000
#define STOP_TIMEOUT_MS  5000

struct _SluiceTestMock
{
  GSubprocess  *process;
  GInputStream *output;         /* the child's stdout, kept open */
  SoupSession  *session;
  char         *scenario_path;  /* NULL when started without one */
  char         *url;
  guint16       port;
};

/* Waits on a private context for one async operation, cancelling it after
 * @timeout_ms. */
typedef struct
{
  GMainContext *context;
  GCancellable *cancellable;
  GAsyncResult *result;
} Wait;

static void
on_async_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_context_wakeup (wait->context);
}

static gboolean
on_wait_timeout (gpointer user_data)
{
  Wait *wait = user_data;

  g_cancellable_cancel (wait->cancellable);
  return G_SOURCE_REMOVE;
}

static void
wait_for_result (Wait  *wait,
                 guint  timeout_ms)
{
  GSource *timeout = g_timeout_source_new (timeout_ms);

  g_source_set_callback (timeout, on_wait_timeout, wait, NULL);
  g_source_attach (timeout, wait->context);
  while (wait->result == NULL)
    g_main_context_iteration (wait->context, TRUE);
  g_source_destroy (timeout);
  g_source_unref (timeout);
}

static void
wait_clear (Wait *wait)
{
  g_clear_object (&wait->result);
  g_clear_object (&wait->cancellable);
  g_clear_pointer (&wait->context, g_main_context_unref);
}

static char *
read_first_line (SluiceTestMock  *mock,
                 GError         **error)
{
  g_autoptr(GDataInputStream) data = NULL;
  Wait wait = { g_main_context_new (), g_cancellable_new (), NULL };
  char *line;

  data = g_data_input_stream_new (mock->output);
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (data), FALSE);

  g_main_context_push_thread_default (wait.context);
  g_data_input_stream_read_line_async (data, G_PRIORITY_DEFAULT, wait.cancellable,
                                       on_async_done, &wait);
  wait_for_result (&wait, START_TIMEOUT_MS);
  g_main_context_pop_thread_default (wait.context);

  line = g_data_input_stream_read_line_finish_utf8 (data, wait.result, NULL, error);
  if (line == NULL && error != NULL && *error == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED,
                         "sluice-mock exited before it was listening");
  wait_clear (&wait);

  return line;
}

static char *
write_scenario (const char  *json,
                GError     **error)
{
  g_autofree char *path = NULL;
  int fd;

  fd = g_file_open_tmp ("sluice-mock-scenario-XXXXXX.json", &path, error);
  if (fd < 0)
    return NULL;
  close (fd);

  if (!g_file_set_contents (path, json, -1, error))
    {
      g_unlink (path);
      return NULL;
    }

  return g_steal_pointer (&path);
}

/* Runs in the child: a mock whose test crashed goes away with it. */
static void
die_with_parent (gpointer user_data)
{
#ifdef __linux__
  prctl (PR_SET_PDEATHSIG, SIGTERM);
#endif
}

static GSubprocess *
spawn_mock (const char  *scenario_path,
            GError     **error)
{
  const char *build_dir = g_getenv ("SLUICE_BUILD_DIR");
  g_autofree char *binary = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;

  if (build_dir == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           "SLUICE_BUILD_DIR is not set; run the tests through meson");
      return NULL;
    }

  binary = g_build_filename (build_dir, "src", "mock", "sluice-mock", NULL);
  g_ptr_array_add (argv, binary);
  g_ptr_array_add (argv, (char *) "--port=0");
  g_ptr_array_add (argv, (char *) "--quiet");
  if (scenario_path != NULL)
    {
      g_ptr_array_add (argv, (char *) "--scenario");
      g_ptr_array_add (argv, (char *) scenario_path);
    }
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);

  return g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, error);
}

static gboolean
parse_listening_line (SluiceTestMock  *mock,
                      const char      *line,
                      GError         **error)
{
  const char *colon;
  guint64 port = 0;

  if (!g_str_has_prefix (line, LISTEN_PREFIX) ||
      (colon = strrchr (line, ':')) == NULL ||
      !g_ascii_string_to_unsigned (colon + 1, 10, 1, G_MAXUINT16, &port, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "unexpected first line from sluice-mock: '%s'", line);
      return FALSE;
    }

  mock->url = g_strdup (line + strlen (LISTEN_PREFIX));
  mock->port = (guint16) port;
  return TRUE;
}

/**
 * sluice_test_mock_start:
 * @scenario_json: (nullable): a scenario document, or %NULL for the default
 *
 * Starts `$SLUICE_BUILD_DIR/src/mock/sluice-mock` on a free loopback port
 * and waits (up to 10 s) until it listens.
 *
 * Returns: (transfer full): the running mock, or %NULL with @error set
 */
SluiceTestMock *
sluice_test_mock_start (const char  *scenario_json,
                        GError     **error)
{
  g_autoptr(SluiceTestMock) mock = g_new0 (SluiceTestMock, 1);
  g_autofree char *line = NULL;

  if (scenario_json != NULL &&
      (mock->scenario_path = write_scenario (scenario_json, error)) == NULL)
    return NULL;

  mock->process = spawn_mock (mock->scenario_path, error);
  if (mock->process == NULL)
    return NULL;
  mock->output = g_object_ref (g_subprocess_get_stdout_pipe (mock->process));

  line = read_first_line (mock, error);
  if (line == NULL || !parse_listening_line (mock, line, error))
    return NULL;

  mock->session = sluice_test_session_new ();
  return g_steal_pointer (&mock);
}

/**
 * sluice_test_session_new:
 *
 * A session for talking to loopback servers. It uses no proxy resolver:
 * the default one reads GSettings schemas, which isolated test
 * directories do not have.
 *
 * Returns: (transfer full): a new session
 */
SoupSession *
sluice_test_session_new (void)
{
  return g_object_new (SOUP_TYPE_SESSION,
                       "timeout", 30,
                       "proxy-resolver", NULL,
                       NULL);
}

const char *
sluice_test_mock_get_url (SluiceTestMock *mock)
{
  g_return_val_if_fail (mock != NULL, NULL);

  return mock->url;
}

guint16
sluice_test_mock_get_port (SluiceTestMock *mock)
{
  g_return_val_if_fail (mock != NULL, 0);

  return mock->port;
}

/* Sends one control request; returns the body of a 200, else NULL with
 * @error holding the status and body. */
static GBytes *
control (SluiceTestMock  *mock,
         const char      *method,
         const char      *path,
         const char      *json,
         GError         **error)
{
  g_autofree char *uri = g_strconcat (mock->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GBytes) body = NULL;
  guint status;

  if (json != NULL)
    {
      g_autoptr(GBytes) request = g_bytes_new (json, strlen (json));

      soup_message_set_request_body_from_bytes (msg, "application/json", request);
    }

  body = soup_session_send_and_read (mock->session, msg, NULL, error);
  if (body == NULL)
    return NULL;

  status = soup_message_get_status (msg);
  if (status != SOUP_STATUS_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s %s: %u %.*s", method, path,
                   status, (int) g_bytes_get_size (body),
                   (const char *) g_bytes_get_data (body, NULL));
      return NULL;
    }

  return g_steal_pointer (&body);
}

gboolean
sluice_test_mock_set_scenario (SluiceTestMock  *mock,
                               const char      *json,
                               GError         **error)
{
  g_autoptr(GBytes) body = NULL;

  g_return_val_if_fail (mock != NULL, FALSE);
  g_return_val_if_fail (json != NULL, FALSE);

  body = control (mock, "PUT", "/_mock/scenario", json, error);
  return body != NULL;
}

/* Returns: (transfer full) (nullable): the /_mock/stats document */
char *
sluice_test_mock_get_stats (SluiceTestMock *mock)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (mock != NULL, NULL);

  body = control (mock, "GET", "/_mock/stats", NULL, &error);
  if (body == NULL)
    {
      g_warning ("Could not read the mock's stats: %s", error->message);
      return NULL;
    }

  return g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
}

gboolean
sluice_test_mock_reset (SluiceTestMock  *mock,
                        GError         **error)
{
  g_autoptr(GBytes) body = NULL;

  g_return_val_if_fail (mock != NULL, FALSE);

  body = control (mock, "POST", "/_mock/reset", "{}", error);
  return body != NULL;
}

static gboolean
wait_for_exit (GSubprocess *process,
               guint        timeout_ms)
{
  Wait wait = { g_main_context_new (), g_cancellable_new (), NULL };
  gboolean exited;

  g_main_context_push_thread_default (wait.context);
  g_subprocess_wait_async (process, wait.cancellable, on_async_done, &wait);
  wait_for_result (&wait, timeout_ms);
  g_main_context_pop_thread_default (wait.context);

  exited = g_subprocess_wait_finish (process, wait.result, NULL);
  wait_clear (&wait);

  return exited;
}

/* SIGTERM, then a kill if it has not gone within 5 s. */
void
sluice_test_mock_stop (SluiceTestMock *mock)
{
  if (mock == NULL)
    return;

  if (mock->process != NULL)
    {
      g_subprocess_send_signal (mock->process, SIGTERM);
      if (!wait_for_exit (mock->process, STOP_TIMEOUT_MS))
        {
          g_subprocess_force_exit (mock->process);
          g_subprocess_wait (mock->process, NULL, NULL);
        }
    }

  if (mock->scenario_path != NULL)
    g_unlink (mock->scenario_path);

  g_clear_object (&mock->session);
  g_clear_object (&mock->output);
  g_clear_object (&mock->process);
  g_free (mock->scenario_path);
  g_free (mock->url);
  g_free (mock);
}

/* A port that was free a moment ago; there is a small window in which
 * another process may take it. */
guint16
sluice_test_free_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, any_port, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  g_socket_close (socket, NULL);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* Returns: the port of the redis-server the runner started (REDIS_PORT),
 * or 0 when there is none. */
guint16
sluice_test_redis_port (void)
{
  const char *value = g_getenv ("REDIS_PORT");
  guint64 port = 0;

  if (value == NULL ||
      !g_ascii_string_to_unsigned (value, 10, 1, G_MAXUINT16, &port, NULL))
    return 0;

  return (guint16) port;
}
