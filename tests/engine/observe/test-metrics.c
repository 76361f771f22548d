/* test-metrics.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sluice.h"
#include "sluice-metrics.h"
#include "sluice-request-private.h"

static SluiceResponse *
make_response (SluiceRequestStatus status,
               gint64              latency_us,
               double              cost)
{
  g_autoptr(SluiceTrace) trace = sluice_trace_new (0);
  SluiceResponse *r = _sluice_response_new ("req_test", trace);

  r->status = status;
  r->latency_us = latency_us;
  r->cost_usd = cost;
  r->usage.input_tokens = 10;
  r->usage.output_tokens = 5;
  return r;
}

/* Percentiles are nearest-rank over the last minute of successful
 * requests; errors count towards the error rate only. */
static void
test_window_percentiles (void)
{
  g_autoptr(SluiceClock) clock = sluice_clock_new_manual (1700000000LL * G_USEC_PER_SEC);
  g_autoptr(SluiceMetrics) metrics = sluice_metrics_new (clock);
  g_autoptr(SluiceSnapshot) s1 = NULL, s2 = NULL;
  const SluiceSnapshotTotals *t;

  for (guint i = 1; i <= 100; i++)
    {
      g_autoptr(SluiceResponse) r = make_response (SLUICE_REQUEST_STATUS_OK, i * 1000, 0.01);

      sluice_metrics_request_started (metrics);
      sluice_metrics_record_request (metrics, r);
    }
  for (guint i = 0; i < 25; i++)
    {
      g_autoptr(SluiceResponse) r = make_response (SLUICE_REQUEST_STATUS_ERROR, 999000, 0);

      sluice_metrics_request_started (metrics);
      sluice_metrics_record_request (metrics, r);
    }

  g_assert_true (sluice_metrics_is_dirty (metrics));
  s1 = sluice_metrics_build_snapshot (metrics, 4);
  g_assert_false (sluice_metrics_is_dirty (metrics));
  t = sluice_snapshot_get_totals (s1);
  g_assert_cmpuint (t->requests, ==, 125);
  g_assert_cmpuint (t->errors, ==, 25);
  g_assert_cmpuint (t->in_flight, ==, 0);
  /* Nearest rank of the 100 successes (1 ms … 100 ms), from histogram
   * buckets that are within 1/64 of the value. */
  g_assert_cmpint (ABS (t->p50_us - 50000), <=, 50000 / 64);
  g_assert_cmpint (ABS (t->p95_us - 95000), <=, 95000 / 64);
  g_assert_cmpint (ABS (t->p99_us - 99000), <=, 99000 / 64);
  g_assert_cmpfloat_with_epsilon (t->error_rate, 0.2, 1e-9);
  g_assert_cmpfloat_with_epsilon (t->requests_per_s, 125 / 60.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (t->cost_usd, 1.0, 1e-9);
  g_assert_cmpint (t->tokens_in, ==, 1250);
  g_assert_cmpint (sluice_snapshot_get_config_version (s1), ==, 4);

  /* A minute later the window is empty but the totals stay. */
  sluice_clock_advance (clock, 61 * G_USEC_PER_SEC);
  s2 = sluice_metrics_build_snapshot (metrics, 4);
  t = sluice_snapshot_get_totals (s2);
  g_assert_cmpuint (t->requests, ==, 125);
  g_assert_cmpint (t->p99_us, ==, 0);
  g_assert_cmpfloat (t->requests_per_s, ==, 0);
  g_assert_cmpuint (sluice_snapshot_get_sequence (s2), ==, sluice_snapshot_get_sequence (s1) + 1);
}

static void
test_rps_history (void)
{
  g_autoptr(SluiceClock) clock = sluice_clock_new_manual (1700000000LL * G_USEC_PER_SEC);
  g_autoptr(SluiceMetrics) metrics = sluice_metrics_new (clock);
  g_autoptr(SluiceSnapshot) snapshot = NULL;
  const double *history;
  guint n;

  for (guint second = 0; second < 3; second++)
    {
      for (guint i = 0; i <= second; i++)
        {
          g_autoptr(SluiceResponse) r = make_response (SLUICE_REQUEST_STATUS_OK, 1000, 0);

          sluice_metrics_record_request (metrics, r);
        }
      sluice_clock_advance (clock, G_USEC_PER_SEC);
    }
  snapshot = sluice_metrics_build_snapshot (metrics, 1);
  history = sluice_snapshot_get_rps_history (snapshot, &n);
  g_assert_cmpuint (n, ==, SLUICE_SNAPSHOT_HISTORY);
  g_assert_cmpfloat (history[n - 1], ==, 0);
  g_assert_cmpfloat (history[n - 2], ==, 3);
  g_assert_cmpfloat (history[n - 3], ==, 2);
  g_assert_cmpfloat (history[n - 4], ==, 1);
}

static void
test_model_health (void)
{
  g_autoptr(SluiceClock) clock = sluice_clock_new_manual (1700000000LL * G_USEC_PER_SEC);
  g_autoptr(SluiceMetrics) metrics = sluice_metrics_new (clock);
  g_autoptr(SluiceSnapshot) snapshot = NULL;
  SluiceUsage usage = { 100, 0, 50 };
  const SluiceModelStats *a, *b;

  for (guint i = 0; i < 10; i++)
    sluice_metrics_record_call (metrics, "a", "pa", 2000, SLUICE_ERROR_CLASS_NONE, &usage, 0.5);
  for (guint i = 0; i < 10; i++)
    sluice_metrics_record_call (metrics, "b", "pb", 2000,
                                i < 6 ? SLUICE_ERROR_CLASS_SERVER : SLUICE_ERROR_CLASS_NONE,
                                i < 6 ? NULL : &usage, 0);
  snapshot = sluice_metrics_build_snapshot (metrics, 1);
  g_assert_cmpuint (sluice_snapshot_get_n_models (snapshot), ==, 2);
  a = sluice_snapshot_lookup_model (snapshot, "a");
  b = sluice_snapshot_lookup_model (snapshot, "b");
  g_assert_cmpint (a->health, ==, SLUICE_MODEL_HEALTH_HEALTHY);
  g_assert_cmpint (a->tokens_in, ==, 1000);
  g_assert_cmpfloat_with_epsilon (a->cost_usd, 5.0, 1e-9);
  g_assert_cmpint (b->health, ==, SLUICE_MODEL_HEALTH_FAILING);
  g_assert_cmpint (b->last_error, ==, SLUICE_ERROR_CLASS_SERVER);
  g_assert_cmpfloat_with_epsilon (b->error_rate, 0.6, 1e-9);
  g_assert_null (sluice_snapshot_lookup_model (snapshot, "c"));
}

/* A busy minute is counted whole: 30,000 requests in 50 s (600 a second;
 * the window once kept at most 8,192 samples, so its rate stopped at 136
 * a second and its percentiles forgot the start of the minute). */
static void
test_busy_minute (void)
{
  g_autoptr(SluiceClock) clock = sluice_clock_new_manual (1700000000LL * G_USEC_PER_SEC);
  g_autoptr(SluiceMetrics) metrics = sluice_metrics_new (clock);
  g_autoptr(SluiceSnapshot) snapshot = NULL;
  const SluiceSnapshotTotals *t;

  for (guint i = 0; i < 30000; i++)
    {
      /* The first 10,000 are slow (80 ms), the rest fast (2 ms). */
      g_autoptr(SluiceResponse) r = make_response (SLUICE_REQUEST_STATUS_OK,
                                                   i < 10000 ? 80000 : 2000, 0);

      sluice_metrics_request_started (metrics);
      sluice_metrics_record_request (metrics, r);
      if (i % 600 == 599)
        sluice_clock_advance (clock, G_USEC_PER_SEC);
    }
  snapshot = sluice_metrics_build_snapshot (metrics, 1);
  t = sluice_snapshot_get_totals (snapshot);
  g_assert_cmpfloat_with_epsilon (t->requests_per_s, 30000 / 60.0, 1e-9);
  g_assert_cmpint (ABS (t->p50_us - 2000), <=, 2000 / 64);
  g_assert_cmpint (ABS (t->p95_us - 80000), <=, 80000 / 64);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/engine/observe/metrics/window-percentiles", test_window_percentiles);
  g_test_add_func ("/engine/observe/metrics/rps-history", test_rps_history);
  g_test_add_func ("/engine/observe/metrics/model-health", test_model_health);
  g_test_add_func ("/engine/observe/metrics/busy-minute", test_busy_minute);

  return g_test_run ();
}
