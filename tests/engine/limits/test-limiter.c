/* test-limiter.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include <sluice.h>

#include "limits-redis.h"
#include "sluice-test-support.h"
#include "sluice-limiter.h"
#include "sluice-memory-counter-store.h"
#include "sluice-redis-counter-store.h"

/* The limiter on both counter stores: every test of the shared suite runs
 * once on the in-process store and once on Redis (the runner's REDIS_PORT,
 * else a redis-server of our own). */

#define USEC  G_GINT64_CONSTANT (1000000)
#define T0_US (G_GINT64_CONSTANT (1767225600) * USEC + 500000)

static const char base_config[] =
  "{ 'schema': 1,"
  "  'providers': [ { 'name': 'p1', 'kind': 'mock', 'limits': { 'concurrency': 12 } } ],"
  "  'models': ["
  "    { 'name': 'm1', 'provider': 'p1', 'price_in': 1.0, 'price_out': 2.0,"
  "      'context_window': 100000, 'limits': { 'rpm': 2 } },"
  "    { 'name': 'm2', 'provider': 'p1', 'price_in': 1.0, 'price_out': 1.0,"
  "      'context_window': 1000000, 'limits': { 'tpm': 10000 } },"
  "    { 'name': 'local', 'provider': 'p1', 'price_in': 0, 'price_out': 0,"
  "      'context_window': 1000000 } ],"
  "  'chains': { 'small': [ 'm1' ] },"
  "  'budgets': { 'tokens_per_request': 500000, 'user_tokens_per_hour': 200000,"
  "               'user_tokens_per_day': 1000000, 'global_tokens_per_hour': 5000000,"
  "               'user_usd_per_day': 1.0, 'global_usd_per_day': 500.0 },"
  "  'users': [ { 'name': 'alice', 'key_hash': 'sha256:"
  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' },"
  "             { 'name': 'bob', 'key_hash': 'sha256:"
  "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',"
  "               'limits': { 'concurrency': 1 } } ],"
  "  'limits': { 'global': { 'rpm': 1000 } } }";

static const char dollar_config[] =
  "{ 'schema': 1,"
  "  'providers': [ { 'name': 'p1', 'kind': 'mock' } ],"
  "  'models': ["
  "    { 'name': 'm3', 'provider': 'p1', 'price_in': 1.0, 'price_out': 1.0,"
  "      'context_window': 100000 },"
  "    { 'name': 'local', 'provider': 'p1', 'price_in': 0, 'price_out': 0,"
  "      'context_window': 100000 } ],"
  "  'chains': { 'small': [ 'm3' ] },"
  "  'budgets': { 'user_usd_per_day': 0.01, 'alert_fractions': [0.5, 0.8, 1.0] },"
  "  'users': [ { 'name': 'alice', 'key_hash': 'sha256:"
  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' } ] }";

typedef struct
{
  gboolean            redis;
  LimitsRedis        *own;
  guint16             port;
  char               *prefix;
  SluiceClock        *clock;
  SluiceConfig       *config;
  SluiceCounterStore *store;
  SluiceLimiter      *limiter;
  GPtrArray          *alerts;    /* "severity code message" */
} Fixture;

static char *
quote (const char *json)
{
  char *copy = g_strdup (json);

  g_strdelimit (copy, "'", '"');
  return copy;
}

static SluiceConfig *
config_new (const char *json)
{
  g_autofree char *text = quote (json);
  g_autoptr(GError) error = NULL;
  SluiceConfig *config = sluice_config_new_from_data (text, -1, &error);

  g_assert_no_error (error);
  return config;
}

static char *restart_config;

static void
on_alert (SluiceLimiter *limiter,
          const char    *severity,
          const char    *code,
          const char    *message,
          Fixture       *f)
{
  g_ptr_array_add (f->alerts, g_strdup_printf ("%s %s %s", severity, code, message));
}

static SluiceCounterStore *
store_new (Fixture *f)
{
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;
  SluiceCounterStore *store;

  if (!f->redis)
    return sluice_memory_counter_store_new ();

  url = limits_redis_url (f->port);
  store = sluice_redis_counter_store_new (url, f->prefix, &error);
  g_assert_no_error (error);
  return store;
}

static SluiceLimiter *
limiter_new (Fixture            *f,
             SluiceCounterStore *store)
{
  SluiceLimiter *limiter = sluice_limiter_new (f->config, f->clock, store);

  g_signal_connect (limiter, "alert", G_CALLBACK (on_alert), f);
  return limiter;
}

/* Replaces the config and the limiter; the store (the counts) stays. */
static void
use_config (Fixture    *f,
            const char *json)
{
  g_clear_object (&f->config);
  f->config = config_new (json);
  g_clear_object (&f->limiter);
  f->limiter = limiter_new (f, f->store);
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  f->redis = GPOINTER_TO_INT (data);
  if (f->redis && !limits_redis_available ())
    {
      g_test_skip ("redis-server is not installed");
      return;
    }

  if (f->redis)
    {
      f->port = sluice_test_redis_port ();
      if (f->port == 0)
        {
          f->own = limits_redis_start ();
          f->port = limits_redis_get_port (f->own);
        }
    }

  f->prefix = g_strdup_printf ("test-%08x:", g_random_int ());
  f->alerts = g_ptr_array_new_with_free_func (g_free);
  f->clock = sluice_clock_new_manual (T0_US);
  f->store = store_new (f);
  use_config (f, base_config);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_clear_object (&f->limiter);
  g_clear_object (&f->store);
  g_clear_object (&f->config);
  g_clear_object (&f->clock);
  g_clear_pointer (&f->alerts, g_ptr_array_unref);
  g_clear_pointer (&f->prefix, g_free);
  g_clear_pointer (&f->own, limits_redis_stop);
}

static void
on_done (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static SluiceReservation *
reserve (SluiceLimiter  *limiter,
         const char     *user,
         const char     *model,
         gint64          input,
         gint64          output,
         gint64         *retry_at_us,
         GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  static guint n_calls;
  SluiceReservation *now = NULL;
  GError *now_error = NULL;
  gint64 now_retry = -2;
  gboolean decided;

  /* The in-process store decides without a main-loop turn; every other
   * call goes that way, so both paths answer the whole suite. Redis can
   * only answer asynchronously, and the quick path leaves everything
   * untouched. */
  if (!SLUICE_IS_MEMORY_COUNTER_STORE (sluice_limiter_get_store (limiter)) || n_calls++ % 2 == 0)
    {
      decided = sluice_limiter_reserve_now (limiter, user, model, input, output, &now,
                                            &now_retry, &now_error);
      if (!SLUICE_IS_MEMORY_COUNTER_STORE (sluice_limiter_get_store (limiter)))
        {
          g_assert_false (decided);
          g_assert_null (now);
          g_assert_null (now_error);
          g_assert_cmpint (now_retry, ==, -2);
        }
      else
        {
          g_assert_true (decided);
          g_assert_true ((now != NULL) != (now_error != NULL));
          if (retry_at_us != NULL)
            *retry_at_us = now_retry;
          if (now_error != NULL)
            g_propagate_error (error, now_error);
          return now;
        }
    }

  sluice_limiter_reserve_async (limiter, user, model, input, output, NULL, on_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return sluice_limiter_reserve_finish (limiter, result, retry_at_us, error);
}

static void
assert_granted (Fixture    *f,
                const char *user,
                const char *model,
                gint64      input,
                gint64      output)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SluiceReservation) reservation = NULL;

  reservation = reserve (f->limiter, user, model, input, output, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (reservation);
  sluice_reservation_settle (reservation, input, output,
                             sluice_limiter_cost_usd (f->limiter, model, input, 0, output));
}

/* Returns the refusal's message; asserts the code and the retry time. */
static char *
assert_refused (Fixture    *f,
                const char *user,
                const char *model,
                gint64      input,
                gint64      output,
                int         code,
                gint64      retry_at_us)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SluiceReservation) reservation = NULL;
  gint64 retry = -2;

  reservation = reserve (f->limiter, user, model, input, output, &retry, &error);
  g_assert_null (reservation);
  g_assert_error (error, SLUICE_LIMIT_ERROR, code);
  g_assert_cmpint (retry, ==, retry_at_us);

  return g_strdup (error->message);
}

#define SKIP_IF_NEEDED(f) G_STMT_START { if ((f)->clock == NULL) return; } G_STMT_END

static void
test_window_edge (Fixture       *f,
                  gconstpointer  data)
{
  gint64 retry = (T0_US / USEC + 60) * USEC;
  g_autofree char *message = NULL;
  g_autofree char *again = NULL;

  SKIP_IF_NEEDED (f);

  assert_granted (f, "alice", "m1", 10, 10);
  sluice_clock_advance (f->clock, 20 * USEC);
  assert_granted (f, "alice", "m1", 10, 10);

  /* The first request leaves the minute exactly 60 s after its second. */
  message = assert_refused (f, "alice", "m1", 10, 10, SLUICE_LIMIT_ERROR_REFUSED, retry);
  g_assert_true (g_str_has_prefix (message, "model m1: requests per minute 2"));

  sluice_clock_advance (f->clock, retry - 1 - sluice_clock_now_us (f->clock));
  again = assert_refused (f, "alice", "m1", 10, 10, SLUICE_LIMIT_ERROR_REFUSED, retry);
  sluice_clock_advance (f->clock, 1);
  assert_granted (f, "alice", "m1", 10, 10);

  /* Now the second request is the oldest: 20 s later. */
  g_free (again);
  again = assert_refused (f, "alice", "m1", 10, 10, SLUICE_LIMIT_ERROR_REFUSED,
                          retry + 20 * USEC);
}

typedef struct
{
  guint      pending;
  GPtrArray *granted;
  guint      refused;
} Crowd;

static void
on_crowd (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Crowd *crowd = user_data;
  g_autoptr(GError) error = NULL;
  SluiceReservation *reservation;

  reservation = sluice_limiter_reserve_finish (SLUICE_LIMITER (object), result, NULL, &error);
  if (reservation != NULL)
    g_ptr_array_add (crowd->granted, reservation);
  else
    crowd->refused++;
  crowd->pending--;
}

static void
test_concurrent (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(SluiceLimiter) other = NULL;
  g_autoptr(SluiceCounterStore) other_store = NULL;
  Crowd crowd = { 64, g_ptr_array_new_with_free_func (g_object_unref), 0 };
  gint64 tokens = 0;
  double usd = 0;

  SKIP_IF_NEEDED (f);

  /* m2: 10000 tokens per minute; alice: $1 a day; each request 1000 tokens
   * and $0.001. Half the crowd goes through a second limiter on its own
   * connection (Redis) or the same counters (in-process). */
  other_store = f->redis ? store_new (f) : g_object_ref (f->store);
  other = limiter_new (f, other_store);
  for (guint i = 0; i < 64; i++)
    sluice_limiter_reserve_async (i % 2 ? other : f->limiter, "alice", "m2", 600, 400,
                                  NULL, on_crowd, &crowd);
  while (crowd.pending > 0)
    g_main_context_iteration (NULL, TRUE);

  for (guint i = 0; i < crowd.granted->len; i++)
    {
      SluiceReservation *reservation = g_ptr_array_index (crowd.granted, i);

      tokens += sluice_reservation_get_tokens (reservation);
      usd += sluice_reservation_get_cost_usd (reservation);
    }

  g_assert_cmpuint (crowd.granted->len, ==, 10);
  g_assert_cmpuint (crowd.refused, ==, 54);
  g_assert_cmpint (tokens, <=, 10000);
  g_assert_cmpfloat (usd, <=, 1.0);
  g_ptr_array_unref (crowd.granted);
}

static void
test_settle_release (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(SluiceReservation) first = NULL;
  g_autoptr(SluiceReservation) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  SKIP_IF_NEEDED (f);

  /* m2 allows 10000 tokens a minute; bob one request in flight. */
  first = reserve (f->limiter, "bob", "m2", 4000, 4000, NULL, &error);
  g_assert_no_error (error);
  message = assert_refused (f, "bob", "m2", 10, 10, SLUICE_LIMIT_ERROR_REFUSED, -1);
  g_assert_true (g_str_has_prefix (message, "user bob: requests in flight 1"));

  /* The call used 500 of the 8000 reserved tokens. */
  sluice_reservation_settle (first, 300, 200, 0.0005);
  second = reserve (f->limiter, "bob", "m2", 5000, 4500, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&message, g_free);
  message = assert_refused (f, "alice", "m2", 1, 0, SLUICE_LIMIT_ERROR_REFUSED,
                            (T0_US / USEC + 60) * USEC);
  g_assert_nonnull (strstr (message, "used 10000"));

  /* A failed call gives its tokens back. */
  sluice_reservation_release (second);
  assert_granted (f, "alice", "m2", 9000, 500);
  g_clear_pointer (&message, g_free);
  message = assert_refused (f, "alice", "m2", 1, 0, SLUICE_LIMIT_ERROR_REFUSED,
                            (T0_US / USEC + 60) * USEC);
}

static void
test_refusal (Fixture       *f,
              gconstpointer  data)
{
  gint64 hour = (T0_US / USEC + 3600) * USEC;
  g_autofree char *hourly = NULL;
  g_autofree char *large = NULL;
  g_autofree char *dollars = NULL;

  SKIP_IF_NEEDED (f);

  /* Free models: 150000 tokens pass, 60000 more break alice's hour. */
  assert_granted (f, "alice", "local", 100000, 50000);
  sluice_clock_advance (f->clock, 10 * USEC);
  hourly = assert_refused (f, "alice", "local", 50000, 10000,
                           SLUICE_LIMIT_ERROR_REFUSED, hour);
  g_assert_true (g_str_has_prefix (hourly, "user alice: tokens per hour 200000"));

  large = assert_refused (f, "bob", "local", 400000, 100001,
                          SLUICE_LIMIT_ERROR_TOO_LARGE, -1);
  g_assert_true (g_str_has_prefix (large, "request: tokens per request 500000"));

  /* Dollars: a cent a day for alice, half a cent a request on m3; the free
   * model is never held back by dollars. */
  use_config (f, dollar_config);
  assert_granted (f, "alice", "m3", 4000, 1000);
  sluice_clock_advance (f->clock, 5 * USEC);
  assert_granted (f, "alice", "m3", 4000, 1000);
  dollars = assert_refused (f, "alice", "m3", 4000, 1000, SLUICE_LIMIT_ERROR_REFUSED,
                            (T0_US / USEC + 10 + 86400) * USEC);
  g_assert_true (g_str_has_prefix (dollars, "user alice: dollars per day 0.01"));
  assert_granted (f, "alice", "local", 4000, 1000);
}

static void
test_alerts (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(SluiceReservation) held = NULL;
  g_autoptr(GError) error = NULL;

  SKIP_IF_NEEDED (f);

  /* A cent a day: $0.006 crosses 50%, $0.003 more crosses 80%. */
  use_config (f, dollar_config);
  held = reserve (f->limiter, "alice", "m3", 5000, 1000, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (f->alerts->len, ==, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (f->alerts, 0),
                                   "info budget.user_usd_per_day user alice: dollars "
                                   "per day at 50%"));
  assert_granted (f, "alice", "m3", 2000, 1000);
  g_assert_cmpuint (f->alerts->len, ==, 2);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (f->alerts, 1), "warning "));

  /* Released and crossed again in the same window: no second alert. */
  sluice_reservation_release (held);
  assert_granted (f, "alice", "m3", 5000, 1000);
  g_assert_cmpuint (f->alerts->len, ==, 2);

  /* A day later the window is new. */
  sluice_clock_advance (f->clock, 86400 * USEC);
  assert_granted (f, "alice", "m3", 5000, 1000);
  g_assert_cmpuint (f->alerts->len, ==, 3);
}

static void
test_provider_headers (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *message = NULL;
  gint64 reset = T0_US + 2 * USEC;

  SKIP_IF_NEEDED (f);

  sluice_limiter_observe_provider_headers (f->limiter, "m2", 1, 5000, 2000);
  assert_granted (f, "alice", "m2", 100, 100);
  message = assert_refused (f, "alice", "m2", 100, 100, SLUICE_LIMIT_ERROR_REFUSED, reset);
  g_assert_true (g_str_has_prefix (message, "model m2: provider-reported remaining requests"));

  sluice_clock_advance (f->clock, 2 * USEC);
  assert_granted (f, "alice", "m2", 100, 100);

  /* Tokens: 300 left until the reset. */
  sluice_limiter_observe_provider_headers (f->limiter, "m2", -1, 300, 1000);
  assert_granted (f, "alice", "m2", 100, 100);
  g_free (message);
  message = assert_refused (f, "alice", "m2", 100, 100, SLUICE_LIMIT_ERROR_REFUSED,
                            sluice_clock_now_us (f->clock) + 1000000);
}

static void
test_stream_cut (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(SluiceReservation) reservation = NULL;
  g_autoptr(SluiceReservation) uncut = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  SKIP_IF_NEEDED (f);

  reservation = reserve (f->limiter, "alice", "m2", 100, 50, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (sluice_reservation_allows_output (reservation, 50));
  g_assert_false (sluice_reservation_allows_output (reservation, 51));

  json = g_strdup (base_config);
  json[strlen (json) - 1] = '\0';
  use_config (f, g_strrstr (json, "'limits'") != NULL ? base_config : base_config);
  g_clear_object (&f->config);
  f->config = config_new ("{ 'schema': 1, 'providers': [ { 'name': 'p1', 'kind': 'mock' } ],"
                          " 'models': [ { 'name': 'm2', 'provider': 'p1', 'price_in': 1,"
                          " 'price_out': 1, 'context_window': 1000 } ],"
                          " 'chains': { 'small': [ 'm2' ] },"
                          " 'budgets': { 'cut_streams': false } }");
  sluice_limiter_set_config (f->limiter, f->config);
  uncut = reserve (f->limiter, "alice", "m2", 100, 50, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (sluice_reservation_allows_output (uncut, 5000));
}

static void
append_row (SluiceStore *store,
            gint64       time_us,
            const char  *user,
            const char  *model,
            gint64       tokens_in,
            gint64       tokens_out,
            double       cost)
{
  g_autoptr(SluiceLedgerRow) row = sluice_ledger_row_new ();
  g_autoptr(GError) error = NULL;

  row->time_us = time_us;
  row->request_id = g_strdup_printf ("r%" G_GINT64_FORMAT, time_us);
  row->user = g_strdup (user);
  row->model = g_strdup (model);
  row->provider = g_strdup ("p1");
  row->tokens_in = tokens_in;
  row->tokens_out = tokens_out;
  row->cost_usd = cost;
  row->status = SLUICE_REQUEST_STATUS_OK;
  g_assert_cmpint (sluice_store_append_ledger_sync (store, row, &error), >, 0);
  g_assert_no_error (error);
}

/* A restart keeps spending: in-process, the new limiter counts the ledger's
 * last day again; on Redis, the counters outlive the limiter. */
static void
test_restart (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *dir = g_dir_make_tmp ("sluice-limits-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "sluice.db", NULL);
  g_autoptr(SluiceStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hourly = NULL;
  g_autofree char *daily = NULL;
  gint64 now = T0_US;

  SKIP_IF_NEEDED (f);

  store = sluice_store_new (path, &error);
  g_assert_no_error (error);

  /* 30 h, 2 h and 30 min ago; only the last two are today's, only the last
   * one this hour. The day's budget here is 400000. The clock starts 2 h
   * before "now". */
  g_clear_object (&f->clock);
  f->clock = sluice_clock_new_manual (now - 2 * 3600 * USEC);
  use_config (f, restart_config);
  append_row (store, now - 30 * 3600 * USEC, "alice", "local", 190000, 0, 0);
  append_row (store, now - 2 * 3600 * USEC, "alice", "local", 100000, 50000, 0);
  append_row (store, now - 1800 * USEC, "alice", "local", 150000, 0, 0);
  if (f->redis)
    {
      /* What the first process counted in Redis as it went. */
      assert_granted (f, "alice", "local", 100000, 50000);
      sluice_clock_advance (f->clock, 5400 * USEC);
      assert_granted (f, "alice", "local", 150000, 0);
      sluice_clock_advance (f->clock, 1800 * USEC);
    }
  else
    {
      sluice_clock_advance (f->clock, 2 * 3600 * USEC);
    }

  /* The restart: a new store object and limiter. */
  g_clear_object (&f->limiter);
  g_clear_object (&f->store);
  f->store = store_new (f);
  f->limiter = limiter_new (f, f->store);
  g_assert_true (sluice_limiter_rebuild_from_ledger (f->limiter, store, &error));
  g_assert_no_error (error);

  hourly = assert_refused (f, "alice", "local", 40000, 20000, SLUICE_LIMIT_ERROR_REFUSED,
                           (now / USEC + 1800) * USEC);
  g_assert_true (g_str_has_prefix (hourly, "user alice: tokens per hour 200000"));
  assert_granted (f, "alice", "local", 30000, 20000);
  sluice_clock_advance (f->clock, 3600 * USEC);
  daily = assert_refused (f, "alice", "local", 40000, 20000, SLUICE_LIMIT_ERROR_REFUSED,
                          (now / USEC - 2 * 3600 + 86400) * USEC);
  g_assert_true (g_str_has_prefix (daily, "user alice: tokens per day 400000"));

  sluice_store_close (store);
  g_remove (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_auto(GStrv) parts = g_strsplit (base_config, "'user_tokens_per_day': 1000000", 2);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  restart_config = g_strjoinv ("'user_tokens_per_day': 400000", parts);

  for (int redis = 0; redis <= 1; redis++)
    {
      const char *store = redis ? "redis" : "memory";
      struct { const char *name; void (*func) (Fixture *, gconstpointer); } tests[] = {
        { "window-edge", test_window_edge },
        { "concurrent-64", test_concurrent },
        { "settle-release", test_settle_release },
        { "refusal", test_refusal },
        { "alerts", test_alerts },
        { "provider-headers", test_provider_headers },
        { "stream-cut", test_stream_cut },
        { "restart", test_restart },
      };

      for (guint i = 0; i < G_N_ELEMENTS (tests); i++)
        {
          g_autofree char *path = g_strdup_printf ("/engine/limits/%s/%s", store,
                                                   tests[i].name);

          g_test_add (path, Fixture, GINT_TO_POINTER (redis), setup, tests[i].func,
                      teardown);
        }
    }

  return g_test_run ();
}
