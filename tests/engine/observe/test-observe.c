/* test-observe.c — alerts, rollups and the snapshot's observability part,
 * end to end on the in-process mock with a manual clock
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "sluice.h"
#include "sluice-engine-private.h"

#define DAY_US (86400 * (gint64) G_USEC_PER_SEC)

/* %s: alpha's extra behaviour, beta-small's extra members, extra top-level
 * members. */
#define CONFIG_TEMPLATE \
  "{ \"schema\": 1," \
  "  \"providers\": [" \
  "    { \"name\": \"alpha\", \"kind\": \"mock\"," \
  "      \"mock\": { \"seed\": 1, \"latency_ms\": { \"p50\": 0, \"p99\": 0 } %s } }," \
  "    { \"name\": \"beta\", \"kind\": \"mock\"," \
  "      \"mock\": { \"seed\": 2, \"latency_ms\": { \"p50\": 0, \"p99\": 0 } } } ]," \
  "  \"models\": [" \
  "    { \"name\": \"alpha-large\", \"provider\": \"alpha\", \"upstream\": \"alpha-large-1\"," \
  "      \"price_in\": 3, \"price_out\": 15, \"context_window\": 200000 }," \
  "    { \"name\": \"beta-small\", \"provider\": \"beta\", \"upstream\": \"beta-small-1\"," \
  "      \"price_in\": 0.15, \"price_out\": 0.6, \"context_window\": 128000 %s } ]," \
  "  \"chains\": { \"main\": [\"alpha-large\", \"beta-small\"], \"small\": [\"beta-small\"] }," \
  "  \"routing\": { \"default\": \"main\" } %s %s }"

#define MONITORING \
  ", \"monitoring\": { \"quality\": { \"sample_rate\": 1.0 }," \
  "                  \"drift\": { \"sample_rate\": 1.0 } }"

typedef struct
{
  SluiceClock  *clock;
  SluiceEngine *engine;
  char         *db_path;
} Fixture;

static void
apply (Fixture    *f,
       const char *alpha,
       const char *beta,
       const char *top)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = g_strdup_printf (CONFIG_TEMPLATE, alpha, beta,
                                           strstr (top, "monitoring") != NULL ? "" : MONITORING,
                                           top);

  sluice_engine_apply_config_json (f->engine, json, "test", NULL, &error);
  g_assert_no_error (error);
}

static void
open_engine (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  f->engine = sluice_engine_new (f->db_path, f->clock, &error);
  g_assert_no_error (error);
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  /* Noon UTC, so a day's requests never straddle midnight. */
  gint64 now = g_get_real_time ();

  f->clock = sluice_clock_new_manual (now - now % DAY_US + DAY_US / 2);
  f->db_path = g_build_filename (g_get_user_data_dir (), "observe.db", NULL);
  open_engine (f);
  apply (f, "", "", "");
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_clear_object (&f->engine);
  g_clear_object (&f->clock);
  g_free (f->db_path);
}

typedef struct
{
  SluiceResponse *response;
  gboolean        done;
} Result;

static void
complete_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Result *r = user_data;

  r->response = sluice_engine_complete_finish (SLUICE_ENGINE (object), result, NULL);
  r->done = TRUE;
}

static SluiceResponse *
run (Fixture    *f,
     const char *model,
     const char *prompt)
{
  g_autoptr(SluiceRequest) request = sluice_request_new ();
  Result r = { 0 };

  sluice_request_add_message (request, SLUICE_ROLE_USER, prompt);
  sluice_request_set_user (request, "alice");
  sluice_request_set_max_tokens (request, 100);
  if (model != NULL)
    sluice_request_set_model (request, model);
  sluice_engine_complete_async (f->engine, request, NULL, NULL, NULL, complete_cb, &r);
  while (!r.done)
    {
      if (!g_main_context_iteration (NULL, FALSE) && sluice_clock_pending_sleeps (f->clock) > 0)
        sluice_clock_advance (f->clock, 50 * 1000);
    }
  g_assert_nonnull (r.response);
  return r.response;
}

static void
run_many (Fixture    *f,
          const char *model,
          guint       n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *prompt = g_strdup_printf ("Question %u: how do rivers carve valleys?", i);
      g_autoptr(SluiceResponse) response = run (f, model, prompt);
    }
}

static guint
count_alerts (Fixture    *f,
              const char *code)
{
  g_autoptr(GPtrArray) alerts = sluice_engine_list_alerts (f->engine, 0);
  guint n = 0;

  for (guint i = 0; i < alerts->len; i++)
    n += g_str_has_prefix (((SluiceAlert *) g_ptr_array_index (alerts, i))->code, code);
  return n;
}

static void
next_day (Fixture *f)
{
  sluice_clock_advance (f->clock, DAY_US);
}

static void
test_rollups_survive_restart (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(SluiceSnapshot) before = NULL;
  g_autoptr(SluiceSnapshot) after = NULL;
  const SluiceEconomics *e;
  double cost;

  run_many (f, "small", 4);
  sluice_engine_publish_snapshot (f->engine);
  before = sluice_engine_dup_snapshot (f->engine);
  e = sluice_snapshot_lookup_economics (before, "model", "beta-small");
  g_assert_nonnull (e);
  g_assert_cmpuint (e->requests, ==, 4);
  cost = e->cost_usd;
  g_assert_cmpfloat (cost, >, 0);

  /* A new engine on the same file: yesterday's numbers are still there. */
  g_clear_object (&f->engine);
  sluice_clock_advance (f->clock, DAY_US / 4);
  open_engine (f);
  after = sluice_engine_dup_snapshot (f->engine);
  e = sluice_snapshot_lookup_economics (after, "model", "beta-small");
  g_assert_nonnull (e);
  g_assert_cmpuint (e->requests, ==, 4);
  g_assert_cmpfloat (fabs (e->cost_usd - cost), <, 1e-9);
  g_assert_nonnull (sluice_snapshot_lookup_economics (after, "user", "alice"));
  g_assert_nonnull (sluice_snapshot_lookup_economics (after, "route", "small"));
}

static void
test_cost_alert (Fixture       *f,
                 gconstpointer  data)
{
  run_many (f, "small", 12);
  next_day (f);
  run_many (f, "small", 12);
  g_assert_cmpuint (count_alerts (f, "cost."), ==, 0);
  next_day (f);
  /* alpha-large costs twenty times as much per token. */
  run_many (f, "alpha-large", 12);
  run_many (f, "alpha-large", 6);
  g_assert_cmpuint (count_alerts (f, "cost.day_over_day"), ==, 1);
}

static void
test_quality_alert (Fixture       *f,
                    gconstpointer  data)
{
  run_many (f, "alpha-large", 6);
  g_assert_cmpuint (count_alerts (f, "quality."), ==, 0);
  next_day (f);
  apply (f, ", \"answer\": \"canned\", \"canned\": { \"question\": "
            "\"I'm sorry, but I cannot help with that.\" }", "", "");
  run_many (f, "alpha-large", 6);
  run_many (f, "alpha-large", 3);
  g_assert_cmpuint (count_alerts (f, "quality.drop"), ==, 1);
}

static void
test_drift_alert (Fixture       *f,
                  gconstpointer  data)
{
  apply (f, ", \"answer\": \"canned\", \"canned\": { \"question\": "
            "\"Rivers carve valleys by eroding rock and carrying sediment downstream.\" }", "", "");
  run_many (f, "alpha-large", 6);
  next_day (f);
  run_many (f, "alpha-large", 6);
  g_assert_cmpuint (count_alerts (f, "drift."), ==, 0);
  next_day (f);
  apply (f, ", \"answer\": \"canned\", \"canned\": { \"question\": "
            "\"Preheat the oven and whisk butter, sugar and eggs for the sponge cake.\" }", "", "");
  run_many (f, "alpha-large", 6);
  run_many (f, "alpha-large", 3);
  g_assert_cmpuint (count_alerts (f, "drift.detected"), ==, 1);
}

static void
test_breaker_alert (Fixture       *f,
                    gconstpointer  data)
{
  apply (f, ", \"errors\": { \"server\": 1.0 }", "", "");
  run_many (f, "main", 5);
  g_assert_cmpuint (count_alerts (f, "breaker.open"), ==, 1);
}

static void
test_budget_alert (Fixture       *f,
                   gconstpointer  data)
{
  apply (f, "", "", ", \"budgets\": { \"user_tokens_per_hour\": 1500, \"alert_fractions\": [0.5] }");
  run_many (f, "small", 40);
  g_assert_cmpuint (count_alerts (f, "budget.user_tokens_per_hour"), ==, 1);
}

static void
test_redis_loss_alert (Fixture       *f,
                       gconstpointer  data)
{
  /* The limiter's own signal, as a counter store losing Redis sends it;
   * twice, as a flapping connection would. */
  for (guint i = 0; i < 2; i++)
    g_signal_emit_by_name (f->engine->limiter, "alert", "critical", "counters.lost",
                           "Redis at 127.0.0.1:6390 is unreachable");
  g_assert_cmpuint (count_alerts (f, "counters.lost"), ==, 1);
}

static char *
retiring (Fixture *f,
          int      days)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (sluice_clock_now_us (f->clock) / G_USEC_PER_SEC);
  g_autoptr(GDateTime) then = g_date_time_add_days (when, days);
  g_autofree char *date = g_date_time_format (then, "%Y-%m-%d");

  return g_strdup_printf (", \"retires\": \"%s\", \"replacement\": \"alpha-large\"", date);
}

static void
test_deprecation (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *beta = retiring (f, 31);
  g_autoptr(SluiceSnapshot) snapshot = NULL;
  g_autoptr(SluiceResponse) response = NULL;
  SluiceTrace *trace;
  gboolean substituted = FALSE;

  apply (f, "", beta, "");
  g_assert_cmpuint (count_alerts (f, "deprecation."), ==, 0);
  for (guint day = 1; day <= 32; day++)
    {
      next_day (f);
      sluice_engine_publish_snapshot (f->engine);
      if (day == 1)
        g_assert_cmpuint (count_alerts (f, "deprecation.30d"), ==, 1);
      if (day == 23)
        g_assert_cmpuint (count_alerts (f, "deprecation.7d"), ==, 0);
      if (day == 24)
        g_assert_cmpuint (count_alerts (f, "deprecation.7d"), ==, 1);
    }
  g_assert_cmpuint (count_alerts (f, "deprecation.30d"), ==, 1);
  g_assert_cmpuint (count_alerts (f, "deprecation.7d"), ==, 1);
  g_assert_cmpuint (count_alerts (f, "deprecation.retired"), ==, 1);

  snapshot = sluice_engine_dup_snapshot (f->engine);
  g_assert_cmpuint (sluice_snapshot_get_n_deprecations (snapshot), ==, 1);
  g_assert_cmpint (sluice_snapshot_get_deprecation (snapshot, 0)->days_left, <, 0);

  /* Retired: its traffic goes to the replacement, and the trace says so. */
  response = run (f, "small", "Question: is it retired?");
  g_assert_cmpstr (sluice_response_get_model (response), ==, "alpha-large");
  trace = sluice_response_get_trace (response);
  for (guint i = 0; i < sluice_trace_get_n_entries (trace); i++)
    substituted |= g_strcmp0 (sluice_trace_get_entry (trace, i)->what, "deprecated") == 0;
  g_assert_true (substituted);
}

static void
test_ack_persists (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) alerts = NULL;
  g_autoptr(SluiceSnapshot) snapshot = NULL;
  gint64 id;

  g_signal_emit_by_name (f->engine->limiter, "alert", "critical", "counters.lost", "gone");
  alerts = sluice_engine_list_alerts (f->engine, 0);
  g_assert_cmpuint (alerts->len, ==, 1);
  id = ((SluiceAlert *) g_ptr_array_index (alerts, 0))->id;
  g_assert_true (sluice_engine_ack_alert (f->engine, id));
  g_assert_false (sluice_engine_ack_alert (f->engine, id + 100));

  g_clear_object (&f->engine);
  open_engine (f);
  snapshot = sluice_engine_dup_snapshot (f->engine);
  g_assert_cmpuint (sluice_snapshot_get_n_alerts (snapshot), ==, 1);
  g_assert_cmpint (sluice_snapshot_get_alert (snapshot, 0)->id, ==, id);
  g_assert_true (sluice_snapshot_get_alert (snapshot, 0)->acknowledged);

  /* Acknowledged, it folds nothing: the same condition is a new alert. */
  g_signal_emit_by_name (f->engine->limiter, "alert", "critical", "counters.lost", "gone again");
  g_assert_cmpuint (count_alerts (f, "counters.lost"), ==, 2);
}

static void
test_judge (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(SluiceSnapshot) snapshot = NULL;
  const SluiceEconomics *judge;

  apply (f, "", "", ", \"monitoring\": { \"quality\": { \"sample_rate\": 1.0,"
                   " \"judge\": { \"model\": \"beta-small\", \"sample_rate\": 1.0,"
                   " \"usd_per_day\": 1.0 } } }");
  run_many (f, "alpha-large", 3);
  /* The last judge's request is still on its way. */
  for (guint i = 0; i < 10000; i++)
    if (!g_main_context_iteration (NULL, FALSE) && sluice_clock_pending_sleeps (f->clock) > 0)
      sluice_clock_advance (f->clock, 50 * 1000);
  sluice_engine_publish_snapshot (f->engine);
  snapshot = sluice_engine_dup_snapshot (f->engine);
  /* Each scored answer was judged once, through the engine, and the
   * judge's own requests were not judged in turn. */
  judge = sluice_snapshot_lookup_economics (snapshot, "user", "sluice-judge");
  g_assert_nonnull (judge);
  g_assert_cmpuint (judge->requests, ==, 3);
  g_assert_cmpuint (sluice_snapshot_lookup_economics (snapshot, "model", "beta-small")->requests, ==, 3);
}

static void
test_snapshot_latency (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(SluiceSnapshot) snapshot = NULL;
  const SluiceModelLatency *l;
  const SluiceQualityTrend *q;

  run_many (f, "small", 10);
  sluice_engine_publish_snapshot (f->engine);
  snapshot = sluice_engine_dup_snapshot (f->engine);
  l = sluice_snapshot_lookup_latency (snapshot, "beta-small");
  g_assert_nonnull (l);
  g_assert_cmpuint (l->total[SLUICE_TIME_WINDOW_1M].count, ==, 10);
  g_assert_cmpuint (l->total[SLUICE_TIME_WINDOW_24H].count, ==, 10);
  g_assert_cmpuint (l->total_count, ==, 10);
  g_assert_cmpint (l->total[SLUICE_TIME_WINDOW_1M].p99_us, >=, l->total[SLUICE_TIME_WINDOW_1M].p50_us);
  g_assert_cmpuint (sluice_snapshot_get_bucket_latency (snapshot, 0, SLUICE_TIME_WINDOW_1H)->count, ==, 10);
  g_assert_cmpuint (sluice_snapshot_get_overhead (snapshot, SLUICE_TIME_WINDOW_1M)->count, ==, 10);
  q = sluice_snapshot_lookup_quality (snapshot, "small");
  g_assert_nonnull (q);
  g_assert_cmpuint (q->n_24h, ==, 10);
  g_assert_cmpfloat (q->avg_24h, >, 0.5);
  g_assert_false (isnan (q->hourly[SLUICE_SNAPSHOT_HOURS - 1]));
  g_assert_cmpuint (sluice_snapshot_get_n_drift (snapshot), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/engine/observe/" path, Fixture, NULL, setup, func, teardown)
  ADD ("rollups/survive-restart", test_rollups_survive_restart);
  ADD ("alerts/cost-day-over-day", test_cost_alert);
  ADD ("alerts/quality-drop", test_quality_alert);
  ADD ("alerts/drift", test_drift_alert);
  ADD ("alerts/breaker-open", test_breaker_alert);
  ADD ("alerts/budget", test_budget_alert);
  ADD ("alerts/redis-loss", test_redis_loss_alert);
  ADD ("alerts/deprecation", test_deprecation);
  ADD ("alerts/acknowledge", test_ack_persists);
  ADD ("snapshot/latency-quality", test_snapshot_latency);
  ADD ("quality/judge", test_judge);
#undef ADD
  return g_test_run ();
}
