/* test-instances.c — two sluiced processes on one redis-server
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include <gio/gio.h>
#include <libsoup/soup.h>

/* Any number of instances on one Redis share limits, budgets and the exact
 * cache. Each test runs two sluiced on the same Redis (./run's, from
 * REDIS_PORT, or a private one started here) with its own key prefix. */

#define CONFIG \
  "{ \"schema\": 1," \
  "  \"providers\": [ { \"name\": \"alpha\", \"kind\": \"mock\"," \
  "      \"mock\": { \"seed\": 1, \"latency_ms\": { \"p50\": 0, \"p99\": 0 } } } ]," \
  "  \"models\": [ { \"name\": \"alpha-large\", \"provider\": \"alpha\", \"upstream\": \"a-1\"," \
  "      \"price_in\": 3, \"price_out\": 15, \"context_window\": 200000 } ]," \
  "  \"chains\": { \"main\": [\"alpha-large\"] }," \
  "  \"routing\": { \"default\": \"main\" }," \
  "  \"retry\": { \"deadline_ms\": 1000 }," \
  "  \"counters\": { \"store\": \"redis\", \"redis_url\": \"redis://127.0.0.1:%u\"," \
  "                  \"prefix\": \"%s\" }," \
  "  \"cache\": { \"redis_url\": \"redis://127.0.0.1:%u\" } %s }"

typedef struct
{
  GSubprocess *process;
  char        *base;
} Instance;

static guint16 redis_port;
static GSubprocess *own_redis;

static guint16
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) any = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (any, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, address, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static gboolean
redis_answers (void)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", redis_port, NULL, NULL);
  return connection != NULL;
}

static gboolean
start_redis (void)
{
  g_autofree char *binary = g_find_program_in_path ("redis-server");
  g_autofree char *port = NULL;
  g_autoptr(GError) error = NULL;
  const char *env = g_getenv ("REDIS_PORT");

  if (env != NULL && *env != '\0')
    {
      redis_port = (guint16) g_ascii_strtoull (env, NULL, 10);
      return redis_answers ();
    }
  if (binary == NULL)
    return FALSE;
  redis_port = free_port ();
  port = g_strdup_printf ("%u", redis_port);
  own_redis = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, binary,
                                "--port", port, "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", NULL);
  g_assert_no_error (error);
  for (guint i = 0; i < 100 && !redis_answers (); i++)
    g_usleep (50000);
  return redis_answers ();
}

static void
start (Instance   *instance,
       const char *config)
{
  g_autofree char *binary = g_build_filename (g_getenv ("SLUICE_BUILD_DIR"), "src", "daemon",
                                              "sluiced", NULL);
  g_autofree char *dir = g_dir_make_tmp ("sluice-instance-XXXXXX", NULL);
  g_autofree char *config_path = g_build_filename (dir, "sluiced.json", NULL);
  g_autofree char *db_path = g_build_filename (dir, "sluiced.db", NULL);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  g_assert_true (g_file_set_contents (config_path, config, -1, NULL));
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "G_DEBUG");
  instance->process = g_subprocess_launcher_spawn (launcher, &error, binary,
                                                   "--listen", "127.0.0.1:0",
                                                   "--config", config_path,
                                                   "--db", db_path, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (instance->process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "sluiced listening on "));
  instance->base = g_strdup (line + strlen ("sluiced listening on "));
}

static void
stop (Instance *instance)
{
  g_subprocess_send_signal (instance->process, SIGTERM);
  g_subprocess_wait (instance->process, NULL, NULL);
  g_clear_object (&instance->process);
  g_clear_pointer (&instance->base, g_free);
}

static void
start_pair (Instance   *a,
            Instance   *b,
            const char *prefix,
            const char *extra)
{
  g_autofree char *config = g_strdup_printf (CONFIG, redis_port, prefix, redis_port, extra);

  start (a, config);
  start (b, config);
}

/* Sends one chat request; returns the status, and the response headers. */
static guint
chat (Instance            *instance,
      const char          *prompt,
      const char          *task,
      const char          *user,
      SoupMessageHeaders **headers)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 30, NULL);
  g_autofree char *url = g_strconcat (instance->base, "/v1/chat/completions", NULL);
  g_autofree char *body = g_strdup_printf ("{\"model\":\"main\",\"max_tokens\":20,"
                                           "\"messages\":[{\"role\":\"user\","
                                           "\"content\":\"%s\"}]}", prompt);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));
  g_autoptr(GBytes) reply = NULL;
  SoupMessageHeaders *request_headers = soup_message_get_request_headers (msg);

  soup_message_set_request_body_from_bytes (msg, "application/json", request);
  if (task != NULL)
    soup_message_headers_replace (request_headers, "x-sluice-task", task);
  if (user != NULL)
    soup_message_headers_replace (request_headers, "x-sluice-user", user);
  reply = soup_session_send_and_read (session, msg, NULL, NULL);
  g_assert_nonnull (reply);
  if (headers != NULL)
    *headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  return soup_message_get_status (msg);
}

static gboolean
skip_without_redis (void)
{
  if (g_getenv ("SLUICE_BUILD_DIR") == NULL)
    {
      g_test_skip ("SLUICE_BUILD_DIR is not set (run through meson test)");
      return TRUE;
    }
  if (redis_port == 0 && !start_redis ())
    {
      g_test_skip ("redis-server is not installed (apt install redis-server)");
      return TRUE;
    }
  return FALSE;
}

/* A global limit of 10 requests a minute holds across both instances. */
static void
test_one_global_limit (void)
{
  Instance a = { 0 }, b = { 0 };
  g_autofree char *prefix = g_strdup_printf ("t-rpm-%u:", g_random_int ());
  guint ok = 0, refused = 0;

  if (skip_without_redis ())
    return;
  start_pair (&a, &b, prefix, ", \"limits\": { \"global\": { \"rpm\": 10 } }");
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *prompt = g_strdup_printf ("question number %u", i);
      g_autoptr(SoupMessageHeaders) headers = NULL;
      guint status = chat (i % 2 == 0 ? &a : &b, prompt, NULL, NULL, &headers);

      if (status == 200)
        ok++;
      else
        {
          const char *retry = soup_message_headers_get_one (headers, "Retry-After");

          g_assert_cmpuint (status, ==, 429);
          /* The limiter says when the window has room: within the minute. */
          g_assert_nonnull (retry);
          g_assert_cmpint (g_ascii_strtoll (retry, NULL, 10), >=, 1);
          g_assert_cmpint (g_ascii_strtoll (retry, NULL, 10), <=, 61);
          refused++;
        }
    }
  g_assert_cmpuint (ok, ==, 10);
  g_assert_cmpuint (refused, ==, 10);
  stop (&a);
  stop (&b);
}

/* What one instance spent, the other counts: once A has used up a user's
 * daily dollars, B refuses that user at once. */
static void
test_shared_budget (void)
{
  Instance a = { 0 }, b = { 0 };
  g_autofree char *prefix = g_strdup_printf ("t-budget-%u:", g_random_int ());
  guint served_by_a = 0, status = 200;

  if (skip_without_redis ())
    return;
  start_pair (&a, &b, prefix, ", \"budgets\": { \"user_usd_per_day\": 0.002 }");
  while (status == 200 && served_by_a < 50)
    {
      g_autofree char *prompt = g_strdup_printf ("budget question %u", served_by_a);

      status = chat (&a, prompt, NULL, "spender", NULL);
      if (status == 200)
        served_by_a++;
    }
  g_assert_cmpuint (status, ==, 429);
  g_assert_cmpuint (served_by_a, >=, 1);
  g_assert_cmpuint (chat (&b, "a fresh question for b", NULL, "spender", NULL), ==, 429);
  /* Another user still has a budget of their own. */
  g_assert_cmpuint (chat (&b, "a fresh question for b", NULL, "saver", NULL), ==, 200);
  stop (&a);
  stop (&b);
}

static gboolean
redis_has_key (const char *pattern)
{
  g_autofree char *port = g_strdup_printf ("%u", redis_port);
  g_autofree char *out = NULL;
  const char *argv[] = { "redis-cli", "-p", port, "--scan", "--pattern", pattern, NULL };

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, NULL, NULL))
    return FALSE;
  return out != NULL && *out != '\0';
}

/* An answer cached by A is an exact hit on B. */
static void
test_shared_exact_cache (void)
{
  Instance a = { 0 }, b = { 0 };
  g_autofree char *prefix = g_strdup_printf ("t-cache-%u:", g_random_int ());
  g_autofree char *pattern = g_strconcat (prefix, "cache:*", NULL);
  g_autoptr(SoupMessageHeaders) first = NULL;
  g_autoptr(SoupMessageHeaders) second = NULL;
  g_autofree char *redis_cli = g_find_program_in_path ("redis-cli");

  if (skip_without_redis ())
    return;
  if (redis_cli == NULL)
    {
      g_test_skip ("redis-cli is not installed");
      return;
    }
  start_pair (&a, &b, prefix, "");
  g_assert_cmpuint (chat (&a, "Is this review positive?", "classification", NULL, &first), ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (first, "x-sluice-cache"), ==, "miss");
  /* The SET is on its way when A answers; wait until Redis has it. */
  for (guint i = 0; i < 100 && !redis_has_key (pattern); i++)
    g_usleep (20000);
  g_assert_true (redis_has_key (pattern));

  g_assert_cmpuint (chat (&b, "is this review positive", "classification", NULL, &second), ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (second, "x-sluice-cache"), ==, "exact");
  g_assert_cmpstr (soup_message_headers_get_one (second, "x-sluice-model"), ==, "alpha-large");
  stop (&a);
  stop (&b);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/integration/instances/one-global-limit", test_one_global_limit);
  g_test_add_func ("/integration/instances/shared-budget", test_shared_budget);
  g_test_add_func ("/integration/instances/shared-exact-cache", test_shared_exact_cache);
  status = g_test_run ();
  if (own_redis != NULL)
    {
      g_subprocess_force_exit (own_redis);
      g_subprocess_wait (own_redis, NULL, NULL);
      g_clear_object (&own_redis);
    }
  return status;
}
