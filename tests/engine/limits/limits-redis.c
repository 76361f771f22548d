/* limits-redis.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <sys/types.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "limits-redis.h"
#include "sluice-test-support.h"

struct _LimitsRedis
{
  guint16  port;
  char    *dir;
};

gboolean
limits_redis_available (void)
{
  g_autofree char *server = g_find_program_in_path ("redis-server");
  g_autofree char *cli = g_find_program_in_path ("redis-cli");

  return server != NULL && cli != NULL;
}

char *
limits_redis_url (guint16 port)
{
  return g_strdup_printf ("redis://127.0.0.1:%u/0", port);
}

/* Runs one redis-cli command; TRUE when it exited 0. */
gboolean
limits_redis_cli (guint16     port,
                  const char *command)
{
  g_autofree char *line = g_strdup_printf ("redis-cli -p %u %s", port, command);
  g_autofree char *out = NULL;
  int status = 0;

  if (!g_spawn_command_line_sync (line, &out, NULL, &status, NULL))
    return FALSE;

  return g_spawn_check_wait_status (status, NULL) && out != NULL &&
         !g_str_has_prefix (out, "Could not connect");
}

static gboolean
ping (guint16 port)
{
  g_autofree char *line = g_strdup_printf ("redis-cli -p %u ping", port);
  g_autofree char *out = NULL;

  return g_spawn_command_line_sync (line, &out, NULL, NULL, NULL) && out != NULL &&
         g_str_has_prefix (out, "PONG");
}

LimitsRedis *
limits_redis_start (void)
{
  LimitsRedis *redis = g_new0 (LimitsRedis, 1);

  redis->dir = g_dir_make_tmp ("sluice-redis-XXXXXX", NULL);
  g_assert_nonnull (redis->dir);

  /* --daemonize returns 0 even when the bind fails: wait for PONG, and try
   * another port when none comes. */
  for (guint attempt = 0; attempt < 5; attempt++)
    {
      g_autofree char *line = NULL;

      redis->port = sluice_test_free_port ();
      line = g_strdup_printf ("redis-server --port %u --bind 127.0.0.1 --save '' "
                              "--appendonly no --daemonize yes --dir %s "
                              "--pidfile %s/redis.pid --logfile %s/redis.log",
                              redis->port, redis->dir, redis->dir, redis->dir);
      g_assert_true (g_spawn_command_line_sync (line, NULL, NULL, NULL, NULL));

      for (guint i = 0; i < 100; i++)
        {
          if (ping (redis->port))
            return redis;
          g_usleep (20000);
        }
    }

  g_error ("redis-server did not start; see %s/redis.log", redis->dir);
}

/* Sends @sig (SIGSTOP, SIGCONT) to the server. */
void
limits_redis_signal (LimitsRedis *redis,
                     int          sig)
{
  g_autofree char *path = g_build_filename (redis->dir, "redis.pid", NULL);
  g_autofree char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpint (kill ((pid_t) g_ascii_strtoll (text, NULL, 10), sig), ==, 0);
}

guint16
limits_redis_get_port (LimitsRedis *redis)
{
  return redis->port;
}

void
limits_redis_stop (LimitsRedis *redis)
{
  g_autofree char *log = NULL;

  if (redis == NULL)
    return;

  limits_redis_cli (redis->port, "shutdown nosave");
  log = g_build_filename (redis->dir, "redis.log", NULL);
  g_unlink (log);
  g_rmdir (redis->dir);
  g_free (redis->dir);
  g_free (redis);
}
