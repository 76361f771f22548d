/* test-instances.c — two sluiced processes on one redis-server
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "sluice.h"
#include "sluice-engine-private.h"
#include "sluice-redis-exact-store.h"

/* Any number of instances on one Redis share limits, budgets and the exact
 * cache. Each test runs two sluiced on the same Redis (./run's, from
 * REDIS_PORT, or a private one started here) with its own key prefix, or
 * with `--redis` on its own database and a config that names no Redis. */

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

/* No Redis at all: `sluiced --redis URL` adds it. */
#define PLAIN_CONFIG \
  "{ \"schema\": 1," \
  "  \"providers\": [ { \"name\": \"alpha\", \"kind\": \"mock\"," \
  "      \"mock\": { \"seed\": 1, \"latency_ms\": { \"p50\": 0, \"p99\": 0 } } } ]," \
  "  \"models\": [ { \"name\": \"alpha-large\", \"provider\": \"alpha\", \"upstream\": \"a-1\"," \
  "      \"price_in\": 3, \"price_out\": 15, \"context_window\": 200000 } ]," \
  "  \"chains\": { \"main\": [\"alpha-large\"] }," \
  "  \"routing\": { \"default\": \"main\" }," \
  "  \"retry\": { \"deadline_ms\": 1000 } %s }"

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
       const char *config,
       const char *redis_url)
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
                                                   "--db", db_path,
                                                   redis_url != NULL ? "--redis" : NULL,
                                                   redis_url, NULL);
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

  start (a, config, NULL);
  start (b, config, NULL);
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

/* How many keys of database @db match @pattern. */
static guint
redis_count_keys (guint       db,
                  const char *pattern)
{
  g_autofree char *port = g_strdup_printf ("%u", redis_port);
  g_autofree char *number = g_strdup_printf ("%u", db);
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  const char *argv[] = { "redis-cli", "-p", port, "-n", number, "--scan", "--pattern", pattern,
                         NULL };
  guint n = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, NULL, NULL) || out == NULL)
    return 0;
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (*lines[i] != '\0')
      n++;
  return n;
}

static gboolean
redis_has_key (const char *pattern)
{
  return redis_count_keys (0, pattern) > 0;
}

/* Waits (up to 2 s) until database @db holds @n keys matching @pattern. */
static guint
wait_for_keys (guint       db,
               const char *pattern,
               guint       n)
{
  guint count = redis_count_keys (db, pattern);

  for (guint i = 0; i < 100 && count != n; i++)
    {
      g_usleep (20000);
      count = redis_count_keys (db, pattern);
    }
  return count;
}

static void
redis_flush (guint db)
{
  g_autofree char *port = g_strdup_printf ("%u", redis_port);
  g_autofree char *number = g_strdup_printf ("%u", db);
  g_autofree char *out = NULL;
  const char *argv[] = { "redis-cli", "-p", port, "-n", number, "FLUSHDB", NULL };

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &out, NULL, NULL, NULL));
  g_assert_cmpstr (g_strstrip (out), ==, "OK");
}

static gboolean
skip_without_redis_cli (void)
{
  g_autofree char *redis_cli = g_find_program_in_path ("redis-cli");

  if (skip_without_redis ())
    return TRUE;
  if (redis_cli == NULL)
    {
      g_test_skip ("redis-cli is not installed");
      return TRUE;
    }
  return FALSE;
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

/* `--redis` with a config that names no Redis: one global limit of 5 a
 * minute across both instances (database 1, flushed first). */
static void
test_redis_option_limit (void)
{
  Instance a = { 0 }, b = { 0 };
  g_autofree char *url = NULL;
  g_autofree char *config = g_strdup_printf (PLAIN_CONFIG,
                                             ", \"limits\": { \"global\": { \"rpm\": 5 } }");
  guint ok = 0, refused = 0;

  if (skip_without_redis_cli ())
    return;
  redis_flush (1);
  url = g_strdup_printf ("redis://127.0.0.1:%u/1", redis_port);
  start (&a, config, url);
  start (&b, config, url);
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *prompt = g_strdup_printf ("limited question %u", i);
      guint status = chat (i % 2 == 0 ? &a : &b, prompt, NULL, NULL, NULL);

      g_assert_true (status == 200 || status == 429);
      if (status == 200)
        ok++;
      else
        refused++;
    }
  g_assert_cmpuint (ok, ==, 5);
  g_assert_cmpuint (refused, ==, 5);
  /* The counters are in database 1 under the default prefix. */
  g_assert_cmpuint (redis_count_keys (1, "sluice:*"), >, 0);
  stop (&a);
  stop (&b);
}

/* `--redis`: an answer cached by A is an exact hit on B (database 2). */
static void
test_redis_option_cache (void)
{
  Instance a = { 0 }, b = { 0 };
  g_autofree char *url = NULL;
  g_autofree char *config = g_strdup_printf (PLAIN_CONFIG, "");
  g_autoptr(SoupMessageHeaders) first = NULL;
  g_autoptr(SoupMessageHeaders) second = NULL;

  if (skip_without_redis_cli ())
    return;
  redis_flush (2);
  url = g_strdup_printf ("redis://127.0.0.1:%u/2", redis_port);
  start (&a, config, url);
  start (&b, config, url);
  g_assert_cmpuint (chat (&a, "Is this option shared?", "classification", NULL, &first), ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (first, "x-sluice-cache"), ==, "miss");
  g_assert_cmpuint (wait_for_keys (2, "sluice:cache:*", 1), ==, 1);
  g_assert_cmpuint (chat (&b, "is this option shared", "classification", NULL, &second), ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (second, "x-sluice-cache"), ==, "exact");
  stop (&a);
  stop (&b);
}

/* `sluiced --redis` with something that is no Redis URL does not start. */
static void
test_redis_option_refused (void)
{
  g_autofree char *binary = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sluice-instance-XXXXXX", NULL);
  g_autofree char *db_path = g_build_filename (dir, "sluiced.db", NULL);
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) env = g_environ_unsetenv (g_get_environ (), "G_DEBUG");
  int status = 0;

  if (g_getenv ("SLUICE_BUILD_DIR") == NULL)
    {
      g_test_skip ("SLUICE_BUILD_DIR is not set (run through meson test)");
      return;
    }
  binary = g_build_filename (g_getenv ("SLUICE_BUILD_DIR"), "src", "daemon", "sluiced", NULL);
  g_spawn_sync (NULL, (char *[]) { binary, (char *) "--redis", (char *) "not-a-url",
                                   (char *) "--listen", (char *) "127.0.0.1:0",
                                   (char *) "--db", db_path, NULL },
                env, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 1);
  g_assert_nonnull (strstr (err, "--redis “not-a-url”"));
  g_assert_nonnull (strstr (err, ".redis_url: must be redis://HOST[:PORT][/DB] or unix:///PATH"));
}

/* An engine on the same Redis, connected. */
static SluiceEngine *
purging_engine (const char *config_text)
{
  g_autofree char *dir = g_dir_make_tmp ("sluice-purger-XXXXXX", NULL);
  g_autofree char *db_path = g_build_filename (dir, "purger.db", NULL);
  g_autoptr(SluiceConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  SluiceEngine *engine;
  SluiceRedisExactStore *shared;

  engine = sluice_engine_new (db_path, NULL, &error);
  g_assert_no_error (error);
  config = sluice_config_new_from_data (config_text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (sluice_engine_apply_config (engine, config, "test", "purger", &error));
  g_assert_no_error (error);
  shared = sluice_cache_get_redis_store (engine->cache);
  g_assert_nonnull (shared);
  for (guint i = 0; i < 500 && !sluice_redis_exact_store_is_connected (shared); i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (10000);
    }
  g_assert_true (sluice_redis_exact_store_is_connected (shared));
  return engine;
}

/* Until the shared tier holds @n keys; the purger's commands are sent
 * from this context. */
static guint
iterate_for_keys (const char *pattern,
                  guint       n)
{
  guint count = redis_count_keys (0, pattern);

  for (guint i = 0; i < 200 && count != n; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (10000);
      count = redis_count_keys (0, pattern);
    }
  return count;
}

/* A purge on one instance empties the shared tier for the others, by task
 * (only the matching entries) and then entirely. */
static void
test_purge_shared (void)
{
  Instance a = { 0 }, b = { 0 };
  g_autofree char *prefix = g_strdup_printf ("t-purge-%u:", g_random_int ());
  g_autofree char *pattern = g_strconcat (prefix, "cache:*", NULL);
  g_autofree char *config = NULL;
  g_autoptr(SluiceEngine) purger = NULL;
  g_autoptr(SoupMessageHeaders) h1 = NULL;
  g_autoptr(SoupMessageHeaders) h2 = NULL;
  g_autoptr(SoupMessageHeaders) h3 = NULL;

  if (skip_without_redis_cli ())
    return;
  config = g_strdup_printf (CONFIG, redis_port, prefix, redis_port, "");
  start_pair (&a, &b, prefix, "");
  purger = purging_engine (config);

  g_assert_cmpuint (chat (&a, "Label this ticket", "classification", NULL, NULL), ==, 200);
  g_assert_cmpuint (chat (&a, "Extract the dates", "extraction", NULL, NULL), ==, 200);
  g_assert_cmpuint (chat (&a, "Extract the names", "extraction", NULL, NULL), ==, 200);
  g_assert_cmpuint (wait_for_keys (0, pattern, 3), ==, 3);

  sluice_engine_purge_cache (purger, SLUICE_CACHE_PURGE_POLICY, "classification");
  g_assert_cmpuint (iterate_for_keys (pattern, 2), ==, 2);
  g_assert_cmpuint (chat (&b, "Label this ticket", "classification", NULL, &h1), ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (h1, "x-sluice-cache"), ==, "miss");
  g_assert_cmpuint (chat (&b, "Extract the dates", "extraction", NULL, &h2), ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (h2, "x-sluice-cache"), ==, "exact");

  /* B stored its miss again: 3 keys; ALL leaves none. */
  g_assert_cmpuint (wait_for_keys (0, pattern, 3), ==, 3);
  sluice_engine_purge_cache (purger, SLUICE_CACHE_PURGE_ALL, NULL);
  g_assert_cmpuint (iterate_for_keys (pattern, 0), ==, 0);
  /* A keeps its own copies locally; B never saw this one. */
  g_assert_cmpuint (chat (&b, "Extract the names", "extraction", NULL, &h3), ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (h3, "x-sluice-cache"), ==, "miss");
  stop (&a);
  stop (&b);
}

/* A purge on another instance also reaches the copy an instance keeps in
 * its own memory (through the purge channel), not only the shared tier. */
static void
test_purge_reaches_local (void)
{
  Instance a = { 0 };
  g_autofree char *prefix = g_strdup_printf ("t-local-%u:", g_random_int ());
  g_autofree char *pattern = g_strconcat (prefix, "cache:*", NULL);
  g_autofree char *config = NULL;
  g_autoptr(SluiceEngine) purger = NULL;
  g_autoptr(SoupMessageHeaders) before = NULL;
  const char *cache = NULL;
  guint tries;

  if (skip_without_redis_cli ())
    return;
  /* The same question again and again is what this test asks. */
  config = g_strdup_printf (CONFIG, redis_port, prefix, redis_port,
                            ", \"storm_guard\": { \"max_repeats\": 1000, \"window_s\": 1 }");
  start (&a, config, NULL);
  purger = purging_engine (config);

  g_assert_cmpuint (chat (&a, "Label this ticket", "classification", NULL, NULL), ==, 200);
  g_assert_cmpuint (chat (&a, "Label this ticket", "classification", NULL, &before), ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (before, "x-sluice-cache"), ==, "exact");
  g_assert_cmpuint (wait_for_keys (0, pattern, 1), ==, 1);

  sluice_engine_purge_cache (purger, SLUICE_CACHE_PURGE_POLICY, "classification");
  g_assert_cmpuint (iterate_for_keys (pattern, 0), ==, 0);
  /* The message takes a moment; until it is in, A answers from memory. */
  for (tries = 0; tries < 100; tries++)
    {
      g_autoptr(SoupMessageHeaders) after = NULL;

      g_assert_cmpuint (chat (&a, "Label this ticket", "classification", NULL, &after), ==, 200);
      cache = soup_message_headers_get_one (after, "x-sluice-cache");
      if (g_strcmp0 (cache, "miss") == 0)
        break;
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (20000);
    }
  g_test_message ("A missed after %u tries", tries + 1);
  g_assert_cmpuint (tries, <, 100);
  stop (&a);
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
  g_test_add_func ("/integration/instances/redis-option/one-global-limit",
                   test_redis_option_limit);
  g_test_add_func ("/integration/instances/redis-option/shared-exact-cache",
                   test_redis_option_cache);
  g_test_add_func ("/integration/instances/redis-option/refused", test_redis_option_refused);
  g_test_add_func ("/integration/instances/purge-shared", test_purge_shared);
  g_test_add_func ("/integration/instances/purge-reaches-local", test_purge_reaches_local);
  status = g_test_run ();
  if (own_redis != NULL)
    {
      g_subprocess_force_exit (own_redis);
      g_subprocess_wait (own_redis, NULL, NULL);
      g_clear_object (&own_redis);
    }
  return status;
}
