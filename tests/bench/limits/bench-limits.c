/* bench-limits.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <sluice.h>

#include "limits-redis.h"
#include "sluice-limiter.h"
#include "sluice-memory-counter-store.h"
#include "sluice-redis-counter-store.h"
#include "sluice-test-support.h"

/* ./run bench limits: decisions per second in-process and on Redis, the
 * cost of one Redis decision beside the sorted-set-and-scan pattern, and
 * the token estimator against exact o200k_base counts. */

#define N_FEATURES 8

void _sluice_tokens_features (const char *text, gssize length, double *features);

static const char *corpus[] = { "prose.txt", "code.txt", "ledger.json", "multilingual.txt" };

static char *
source_path (const char *name)
{
  const char *root = g_getenv ("SLUICE_SOURCE_DIR");

  return g_build_filename (root != NULL ? root : ".", "tests", "bench", "limits", name, NULL);
}

/* Solves (XᵀX) w = Xᵀy by Gaussian elimination with partial pivoting. */
static void
least_squares (GArray *rows,
               GArray *targets,
               double *w)
{
  double a[N_FEATURES][N_FEATURES + 1] = { { 0 } };

  for (guint r = 0; r < rows->len / N_FEATURES; r++)
    {
      const double *x = &g_array_index (rows, double, r * N_FEATURES);

      for (int i = 0; i < N_FEATURES; i++)
        {
          for (int j = 0; j < N_FEATURES; j++)
            a[i][j] += x[i] * x[j];
          a[i][N_FEATURES] += x[i] * g_array_index (targets, double, r);
        }
    }

  for (int i = 0; i < N_FEATURES; i++)
    a[i][i] += 1e-6;

  for (int c = 0; c < N_FEATURES; c++)
    {
      int pivot = c;

      for (int r = c + 1; r < N_FEATURES; r++)
        if (fabs (a[r][c]) > fabs (a[pivot][c]))
          pivot = r;
      for (int k = 0; k <= N_FEATURES; k++)
        {
          double t = a[c][k];
          a[c][k] = a[pivot][k];
          a[pivot][k] = t;
        }
      for (int r = 0; r < N_FEATURES; r++)
        {
          double f = r == c ? 0 : a[r][c] / a[c][c];

          for (int k = c; k <= N_FEATURES; k++)
            a[r][k] -= f * a[c][k];
        }
    }

  for (int i = 0; i < N_FEATURES; i++)
    w[i] = a[i][N_FEATURES] / a[i][i];
}

/* Fits the estimator's weights on ~1 KB chunks counted by our exact BPE. */
static void
calibrate (SluiceTokenizer *exact)
{
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) targets = g_array_new (FALSE, FALSE, sizeof (double));
  double w[N_FEATURES];

  for (guint f = 0; f < G_N_ELEMENTS (corpus); f++)
    {
      g_autofree char *name = g_build_filename ("corpus", corpus[f], NULL);
      g_autofree char *path = source_path (name);
      g_autofree char *text = NULL;
      g_auto(GStrv) lines = NULL;
      g_autoptr(GString) chunk = g_string_new (NULL);

      g_file_get_contents (path, &text, NULL, NULL);
      lines = g_strsplit (text, "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        {
          double x[N_FEATURES];
          double y;

          g_string_append_printf (chunk, "%s\n", lines[i]);
          if (chunk->len < 1024 && lines[i + 1] != NULL)
            continue;
          _sluice_tokens_features (chunk->str, chunk->len, x);
          y = sluice_tokenizer_count (exact, chunk->str, chunk->len);
          g_array_append_vals (rows, x, N_FEATURES);
          g_array_append_val (targets, y);
          g_string_truncate (chunk, 0);
        }
    }

  least_squares (rows, targets, w);
  g_print ("\nestimator weights fitted on %u chunks (latin words, latin letters, digits, "
           "punctuation, breaks, CJK, other words, other letters):\n ", targets->len);
  for (int i = 0; i < N_FEATURES; i++)
    g_print (" %.3f", w[i]);
  g_print ("\n");
}

static void
bench_estimator (void)
{
  const char *build = g_getenv ("SLUICE_BUILD_DIR");
  g_autofree char *dir = g_build_filename (build != NULL ? build : ".", "bench-node", NULL);
  g_autofree char *script = source_path ("o200k-reference.sh");
  g_autofree char *ranks = g_build_filename (dir, "o200k_base.tiktoken", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SluiceTokenizer) exact = NULL;
  g_autoptr(SluiceTokenizer) estimator = sluice_tokenizer_new_estimator ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  double total_abs = 0;
  gint64 total_ref = 0;
  int status = 0;

  g_ptr_array_add (argv, g_strdup (script));
  g_ptr_array_add (argv, g_strdup (dir));
  for (guint i = 0; i < G_N_ELEMENTS (corpus); i++)
    {
      g_autofree char *name = g_build_filename ("corpus", corpus[i], NULL);

      g_ptr_array_add (argv, source_path (name));
    }
  g_ptr_array_add (argv, NULL);

  g_print ("\n== Token estimator against exact o200k_base (js-tiktoken %s) ==\n",
           "1.0.21");
  g_print ("   reproduce: ./run bench limits   (or %s %s FILES)\n", script, dir);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                     &out, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, NULL))
    {
      g_print ("   skipped: the reference tokenizer is unavailable (npm offline?)\n");
      return;
    }

  exact = sluice_tokenizer_new_from_file ("o200k_base", ranks, &error);
  g_assert_no_error (error);

  g_print ("%-18s %8s %8s %8s %8s %8s\n", "file", "bytes", "o200k", "our BPE",
           "estimate", "error");
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_autofree char *text = NULL;
      gsize length = 0;
      gint64 reference = g_ascii_strtoll (lines[i], NULL, 10);
      const char *file = strchr (lines[i], ' ') + 1;
      gint64 ours, estimate;

      g_file_get_contents (file, &text, &length, NULL);
      ours = sluice_tokenizer_count (exact, text, length);
      estimate = sluice_tokenizer_count (estimator, text, length);
      total_abs += fabs ((double) estimate - reference);
      total_ref += reference;
      g_print ("%-18s %8zu %8" G_GINT64_FORMAT " %8" G_GINT64_FORMAT "%s %8"
               G_GINT64_FORMAT " %+7.1f%%\n",
               strrchr (file, '/') + 1, length, reference, ours,
               ours == reference ? " " : "!", estimate,
               100.0 * (estimate - reference) / reference);
    }
  g_print ("mean absolute error, weighted by tokens: %.1f%%\n", 100 * total_abs / total_ref);

  calibrate (exact);
}

static const char bench_config[] =
  "{\"schema\": 1, \"providers\": [{\"name\": \"p\", \"kind\": \"mock\","
  " \"limits\": {\"rpm\": 1000000000, \"concurrency\": 1000000}}],"
  " \"models\": [{\"name\": \"m\", \"provider\": \"p\", \"price_in\": 1,"
  " \"price_out\": 2, \"context_window\": 100000,"
  " \"limits\": {\"rpm\": 1000000000, \"tpm\": 1000000000000, \"tpd\": 1000000000000}}],"
  " \"chains\": {\"small\": [\"m\"]},"
  " \"budgets\": {\"user_tokens_per_hour\": 1000000000000,"
  " \"user_tokens_per_day\": 1000000000000, \"global_tokens_per_hour\": 1000000000000,"
  " \"user_usd_per_day\": 1000000000, \"global_usd_per_day\": 1000000000},"
  " \"limits\": {\"global\": {\"rpm\": 1000000000}}}";

typedef struct
{
  guint          issued;
  guint          done;
  guint          total;
  guint          window;
  SluiceLimiter *limiter;
} Run;

static void issue (Run *run);

static void
on_reserved (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(SluiceReservation) reservation = NULL;
  g_autoptr(GError) error = NULL;

  reservation = sluice_limiter_reserve_finish (run->limiter, result, NULL, &error);
  g_assert_no_error (error);
  sluice_reservation_settle (reservation, 200, 100, 0.0004);
  run->done++;
  issue (run);
}

static void
issue (Run *run)
{
  while (run->issued < run->total && run->issued - run->done < run->window)
    {
      char user[16];

      g_snprintf (user, sizeof user, "u%u", run->issued % 100);
      run->issued++;
      sluice_limiter_reserve_async (run->limiter, user, "m", 300, 200, NULL,
                                    on_reserved, run);
    }
}

/* Reserve + settle through the limiter: 13 counters per decision. */
static double
decisions_per_second (SluiceCounterStore *store,
                      guint               total,
                      guint               window)
{
  g_autoptr(SluiceConfig) config = sluice_config_new_from_data (bench_config, -1, NULL);
  g_autoptr(SluiceClock) clock = sluice_clock_new_system ();
  g_autoptr(SluiceLimiter) limiter = sluice_limiter_new (config, clock, store);
  Run run = { 0, 0, total, window, limiter };
  gint64 start = g_get_monotonic_time ();

  issue (&run);
  while (run.done < run.total)
    g_main_context_iteration (NULL, TRUE);

  /* Let the last settlements reach the store. */
  for (guint i = 0; i < 100 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);

  return total / ((g_get_monotonic_time () - start) / 1e6);
}

static const char naive_script[] =
  "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))\n"
  "local used = 0\n"
  "for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do\n"
  "  used = used + tonumber(string.match(m, ':(%d+)$'))\n"
  "end\n"
  "if used + tonumber(ARGV[4]) > tonumber(ARGV[3]) then return 0 end\n"
  "redis.call('ZADD', KEYS[1], ARGV[1], ARGV[5] .. ':' .. ARGV[4])\n"
  "return 1\n";

static char *
load_script (redisContext *c,
             const char   *script)
{
  redisReply *reply = redisCommand (c, "SCRIPT LOAD %s", script);
  char *sha;

  g_assert (reply != NULL && reply->type == REDIS_REPLY_STRING);
  sha = g_strdup (reply->str);
  freeReplyObject (reply);

  return sha;
}

static void
run_command (redisContext *c,
             const char   *format,
             ...)
{
  va_list args;
  redisReply *reply;

  va_start (args, format);
  reply = redisvCommand (c, format, args);
  va_end (args);
  g_assert (reply != NULL && reply->type != REDIS_REPLY_ERROR);
  freeReplyObject (reply);
}

/* µs per decision on one key holding n requests of the last minute. */
static double
ours_cost (redisContext *c,
           const char   *sha,
           guint         n)
{
  g_autofree char *key = g_strdup_printf ("bench:ours:%u", n);
  gint64 base = 1767225600, start;
  guint rounds = 2000;

  run_command (c, "DEL %s %s:q", key, key);
  for (guint i = 0; i < n; i++)
    run_command (c, "EVALSHA %s 1 %s r %" G_GINT64_FORMAT " 0 60 0 1", sha, key,
                 base + (gint64) i * 60 / n);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < rounds; i++)
    run_command (c, "EVALSHA %s 1 %s r %" G_GINT64_FORMAT " 0 60 0 1", sha, key,
                 base + 59);

  return (g_get_monotonic_time () - start) / (double) rounds;
}

static double
naive_cost (redisContext *c,
            const char   *sha,
            guint         n)
{
  g_autofree char *key = g_strdup_printf ("bench:naive:%u", n);
  gint64 base = 1767225600, start;
  guint rounds = 2000;

  run_command (c, "DEL %s", key);
  for (guint i = 0; i < n; i++)
    run_command (c, "ZADD %s %" G_GINT64_FORMAT " r%u:1", key, base + (gint64) i * 60 / n, i);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < rounds; i++)
    run_command (c, "EVALSHA %s 1 %s %" G_GINT64_FORMAT " 60 1000000000 1 q", sha, key,
                 base + 59);

  return (g_get_monotonic_time () - start) / (double) rounds;
}

static void
bench_redis (void)
{
  LimitsRedis *own = NULL;
  guint16 port = sluice_test_redis_port ();
  g_autofree char *url = NULL;
  g_autoptr(SluiceCounterStore) store = NULL;
  g_autofree char *ours_sha = NULL;
  g_autofree char *naive_sha = NULL;
  g_autofree char *script = NULL;
  g_autofree char *script_path = NULL;
  redisContext *c;

  if (port == 0 && !limits_redis_available ())
    {
      g_print ("\n== Redis: skipped, redis-server is not installed ==\n");
      return;
    }
  if (port == 0)
    {
      own = limits_redis_start ();
      port = limits_redis_get_port (own);
    }

  url = limits_redis_url (port);
  store = sluice_redis_counter_store_new (url, "bench:", NULL);
  g_print ("\n== Decisions per second (reserve + settle, 13 counters each) ==\n");
  g_print ("redis, 64 in flight   %10.0f /s\n", decisions_per_second (store, 20000, 64));
  g_print ("redis, 1 in flight    %10.0f /s\n", decisions_per_second (store, 5000, 1));

  c = redisConnect ("127.0.0.1", port);
  g_assert (c != NULL && c->err == 0);
  script_path = g_build_filename (g_getenv ("SLUICE_SOURCE_DIR") != NULL
                                  ? g_getenv ("SLUICE_SOURCE_DIR") : ".", "src", "engine",
                                  "limits", "sluice-counter-script.lua", NULL);
  g_file_get_contents (script_path, &script, NULL, NULL);
  g_assert (script != NULL);
  ours_sha = load_script (c, script);
  naive_sha = load_script (c, naive_script);

  g_print ("\n== One Redis decision (us, round trip included; 2000 decisions each) ==\n");
  g_print ("%-28s %12s %12s\n", "requests in the window", "10", "10000");
  g_print ("%-28s %12.1f %12.1f\n", "bucketed (sluice)", ours_cost (c, ours_sha, 10),
           ours_cost (c, ours_sha, 10000));
  g_print ("%-28s %12.1f %12.1f\n", "sorted set + scan", naive_cost (c, naive_sha, 10),
           naive_cost (c, naive_sha, 10000));
  run_command (c, "DEL bench:ours:10 bench:ours:10:q bench:ours:10000 bench:ours:10000:q "
               "bench:naive:10 bench:naive:10000");
  redisFree (c);

  g_clear_object (&store);
  g_clear_pointer (&own, limits_redis_stop);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SluiceCounterStore) memory = sluice_memory_counter_store_new ();

  g_print ("bench-limits: reproduce with ./run bench limits\n");
  g_print ("\n== Decisions per second (reserve + settle, 13 counters each) ==\n");
  g_print ("in-process            %10.0f /s\n", decisions_per_second (memory, 200000, 64));

  bench_redis ();
  bench_estimator ();

  return 0;
}
