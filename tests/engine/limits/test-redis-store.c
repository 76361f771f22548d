/* test-redis-store.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>

#include <sluice.h>

#include "limits-redis.h"
#include "sluice-limiter.h"
#include "sluice-redis-counter-store.h"
#include "sluice-test-support.h"

/* What only the Redis store has: several limiters (gateways) on separate
 * connections, the loss of the server, and the script cache. Each test
 * runs a redis-server of its own, since some stop it. */

#define USEC G_GINT64_CONSTANT (1000000)
#define T0_US (G_GINT64_CONSTANT (1767225600) * USEC)

static const char config_json[] =
  "{\"schema\": 1, \"providers\": [{\"name\": \"p\", \"kind\": \"mock\"}],"
  " \"models\": [{\"name\": \"m\", \"provider\": \"p\", \"price_in\": 1,"
  " \"price_out\": 1, \"context_window\": 100000}],"
  " \"chains\": {\"small\": [\"m\"]},"
  " \"limits\": {\"global\": {\"rpm\": 3}},"
  " \"counters\": {\"store\": \"redis\", \"redis_url\": \"%s\","
  " \"on_loss\": \"%s\", \"prefix\": \"%s\"}}";

typedef struct
{
  LimitsRedis  *redis;
  SluiceClock  *clock;
  SluiceConfig *config;
  GPtrArray    *alerts;
} Fixture;

static void
on_alert (SluiceLimiter *limiter,
          const char    *severity,
          const char    *code,
          const char    *message,
          Fixture       *f)
{
  g_ptr_array_add (f->alerts, g_strdup (code));
}

static void
setup_policy (Fixture    *f,
              const char *policy)
{
  g_autofree char *url = NULL;
  g_autofree char *json = NULL;
  g_autofree char *prefix = g_strdup_printf ("t%08x:", g_random_int ());
  g_autoptr(GError) error = NULL;

  f->redis = limits_redis_start ();
  url = limits_redis_url (limits_redis_get_port (f->redis));
  json = g_strdup_printf (config_json, url, policy, prefix);
  f->config = sluice_config_new_from_data (json, -1, &error);
  g_assert_no_error (error);
  f->clock = sluice_clock_new_manual (T0_US);
  f->alerts = g_ptr_array_new_with_free_func (g_free);
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  if (!limits_redis_available ())
    {
      g_test_skip ("redis-server is not installed");
      return;
    }

  setup_policy (f, data != NULL ? data : "fail_closed");
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_clear_object (&f->config);
  g_clear_object (&f->clock);
  g_clear_pointer (&f->alerts, g_ptr_array_unref);
  g_clear_pointer (&f->redis, limits_redis_stop);
}

static SluiceLimiter *
limiter_new (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  SluiceLimiter *limiter = sluice_limiter_new_for_config (f->config, f->clock, &error);

  g_assert_no_error (error);
  g_assert_true (sluice_counter_store_is_shared (sluice_limiter_get_store (limiter)));
  g_signal_connect (limiter, "alert", G_CALLBACK (on_alert), f);

  return limiter;
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
         GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sluice_limiter_reserve_async (limiter, "alice", "m", 10, 10, NULL, on_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return sluice_limiter_reserve_finish (limiter, result, NULL, error);
}

static void
test_shared_global (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(SluiceLimiter) one = NULL;
  g_autoptr(SluiceLimiter) two = NULL;
  guint granted = 0;

  if (f->clock == NULL)
    return;

  /* Two gateways, two connections, one global limit of 3 a minute. */
  one = limiter_new (f);
  two = limiter_new (f);
  g_assert_true (sluice_limiter_get_store (one) != sluice_limiter_get_store (two));

  for (guint i = 0; i < 8; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SluiceReservation) reservation = reserve (i % 2 ? two : one, &error);

      if (reservation != NULL)
        granted++;
      else
        g_assert_error (error, SLUICE_LIMIT_ERROR, SLUICE_LIMIT_ERROR_REFUSED);
    }

  g_assert_cmpuint (granted, ==, 3);
}

static gboolean
has_alert (Fixture    *f,
           const char *code)
{
  for (guint i = 0; i < f->alerts->len; i++)
    if (g_str_equal (g_ptr_array_index (f->alerts, i), code))
      return TRUE;

  return FALSE;
}

static void
test_loss (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(SluiceLimiter) limiter = NULL;
  g_autoptr(SluiceReservation) before = NULL;
  g_autoptr(SluiceReservation) after = NULL;
  g_autoptr(GError) error = NULL;
  gboolean open = g_str_equal (data, "fail_open");

  if (f->clock == NULL)
    return;

  limiter = limiter_new (f);
  before = reserve (limiter, &error);
  g_assert_no_error (error);
  g_assert_true (sluice_reservation_is_counted (before));

  /* The server goes away mid-run. */
  g_assert_true (limits_redis_cli (limits_redis_get_port (f->redis), "shutdown nosave"));
  while (sluice_counter_store_is_connected (sluice_limiter_get_store (limiter)))
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (has_alert (f, "counters.lost"));

  after = reserve (limiter, &error);
  if (open)
    {
      g_assert_no_error (error);
      g_assert_false (sluice_reservation_is_counted (after));
      sluice_reservation_settle (after, 10, 10, 0.00002);
    }
  else
    {
      g_assert_null (after);
      g_assert_error (error, SLUICE_LIMIT_ERROR, SLUICE_LIMIT_ERROR_UNAVAILABLE);
    }

  /* Settling what was counted before the loss must not crash either. */
  sluice_reservation_settle (before, 10, 10, 0.00002);
}

/* A server that stops answering (SIGSTOP) without closing the connection:
 * the decision waits about a second, then the connection is dropped and
 * limits follow on_loss; when the server answers again, decisions are
 * counted again. */
static void
test_hung (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(SluiceLimiter) limiter = NULL;
  g_autoptr(SluiceReservation) before = NULL;
  g_autoptr(SluiceReservation) during = NULL;
  g_autoptr(SluiceReservation) after = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start, waited;

  if (f->clock == NULL)
    return;

  limiter = limiter_new (f);
  before = reserve (limiter, &error);
  g_assert_no_error (error);
  g_assert_true (sluice_reservation_is_counted (before));

  limits_redis_signal (f->redis, SIGSTOP);
  start = g_get_monotonic_time ();
  during = reserve (limiter, &error);
  waited = g_get_monotonic_time () - start;
  limits_redis_signal (f->redis, SIGCONT);
  g_test_message ("a decision against a stopped server took %.2f s", waited / 1e6);
  g_assert_no_error (error);
  g_assert_false (sluice_reservation_is_counted (during));
  g_assert_true (has_alert (f, "counters.lost"));
  g_assert_cmpint (waited, <, 30 * USEC);

  /* Back: reconnected with backoff, and counting again. */
  while (!sluice_counter_store_is_connected (sluice_limiter_get_store (limiter)))
    g_main_context_iteration (NULL, TRUE);
  after = reserve (limiter, &error);
  g_assert_no_error (error);
  g_assert_true (sluice_reservation_is_counted (after));

  sluice_reservation_settle (before, 10, 10, 0.00002);
  sluice_reservation_settle (during, 10, 10, 0.00002);
  sluice_reservation_settle (after, 10, 10, 0.00002);
}

static void
test_noscript (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(SluiceLimiter) limiter = NULL;
  g_autoptr(SluiceReservation) first = NULL;
  g_autoptr(SluiceReservation) second = NULL;
  g_autoptr(GError) error = NULL;
  SluiceRedisCounterStore *store;

  if (f->clock == NULL)
    return;

  limiter = limiter_new (f);
  store = SLUICE_REDIS_COUNTER_STORE (sluice_limiter_get_store (limiter));
  first = reserve (limiter, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sluice_redis_counter_store_get_n_reloads (store), ==, 1);

  /* The server forgets every script; the next decision loads it again. */
  g_assert_true (limits_redis_cli (limits_redis_get_port (f->redis), "script flush"));
  second = reserve (limiter, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sluice_redis_counter_store_get_n_reloads (store), ==, 2);
  sluice_reservation_settle (first, 1, 1, 0.000002);
  sluice_reservation_settle (second, 1, 1, 0.000002);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/engine/limits/redis-store/shared-global", Fixture, NULL,
              setup, test_shared_global, teardown);
  g_test_add ("/engine/limits/redis-store/loss/fail-closed", Fixture, "fail_closed",
              setup, test_loss, teardown);
  g_test_add ("/engine/limits/redis-store/loss/fail-open", Fixture, "fail_open",
              setup, test_loss, teardown);
  g_test_add ("/engine/limits/redis-store/loss/hung", Fixture, "fail_open",
              setup, test_hung, teardown);
  g_test_add ("/engine/limits/redis-store/noscript", Fixture, NULL,
              setup, test_noscript, teardown);

  return g_test_run ();
}
