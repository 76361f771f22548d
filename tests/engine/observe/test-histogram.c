/* test-histogram.c — HDR-style histograms and their sliding windows
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "sluice-histogram.h"

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* The nearest-rank percentile of sorted values. */
static gint64
exact (GArray *sorted,
       double  q)
{
  guint rank = (guint) ceil (q * sorted->len);

  return g_array_index (sorted, gint64, CLAMP (rank, 1, sorted->len) - 1);
}

static void
check_bounds (GRand  *rand,
              guint   n,
              double  max_log)
{
  static const double qs[] = { 0.01, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1.0 };
  g_autoptr(SluiceHistogram) h = sluice_histogram_new ();
  g_autoptr(GArray) values = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n);

  for (guint i = 0; i < n; i++)
    {
      /* Log-uniform, like latencies: from 1 µs up to e^max_log. */
      gint64 v = (gint64) exp (g_rand_double_range (rand, 0, max_log));

      g_array_append_val (values, v);
      sluice_histogram_record (h, v);
    }
  g_array_sort (values, compare_gint64);
  g_assert_cmpuint (sluice_histogram_get_count (h), ==, n);
  g_assert_cmpint (sluice_histogram_get_max (h), ==, g_array_index (values, gint64, n - 1));
  for (guint i = 0; i < G_N_ELEMENTS (qs); i++)
    {
      gint64 want = exact (values, qs[i]);
      gint64 got = sluice_histogram_percentile (h, qs[i]);

      g_assert_cmpfloat (fabs ((double) got - want), <=,
                         want * SLUICE_HISTOGRAM_MAX_RELATIVE_ERROR + 0.5);
    }
}

static void
test_error_bound (void)
{
  for (guint32 seed = 1; seed <= 20; seed++)
    {
      g_autoptr(GRand) rand = g_rand_new_with_seed (seed);

      check_bounds (rand, 1 + g_rand_int_range (rand, 0, 20000), seed % 2 ? 16 : 22);
    }
}

static void
test_small_values_exact (void)
{
  g_autoptr(SluiceHistogram) h = sluice_histogram_new ();

  for (gint64 v = 0; v < 64; v++)
    sluice_histogram_record (h, v);
  g_assert_cmpint (sluice_histogram_percentile (h, 0.5), ==, 31);
  g_assert_cmpint (sluice_histogram_percentile (h, 1.0), ==, 63);
  g_assert_cmpint (sluice_histogram_get_min (h), ==, 0);
}

static void
test_merge (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(SluiceHistogram) whole = sluice_histogram_new ();
  g_autoptr(SluiceHistogram) a = sluice_histogram_new ();
  g_autoptr(SluiceHistogram) b = sluice_histogram_new ();

  for (guint i = 0; i < 5000; i++)
    {
      /* a holds small values, b large ones: merging must widen a's range. */
      gint64 v = i % 2 ? g_rand_int_range (rand, 100, 1000) : g_rand_int_range (rand, 50000, 900000);

      sluice_histogram_record (whole, v);
      sluice_histogram_record (i % 2 ? a : b, v);
    }
  sluice_histogram_merge (a, b);
  g_assert_cmpuint (sluice_histogram_get_count (a), ==, 5000);
  g_assert_cmpfloat (sluice_histogram_get_sum (a), ==, sluice_histogram_get_sum (whole));
  for (double q = 0.05; q <= 1.0; q += 0.05)
    g_assert_cmpint (sluice_histogram_percentile (a, q), ==, sluice_histogram_percentile (whole, q));
}

static void
test_windows_slide (void)
{
  SluiceLatencyWindows *w = sluice_latency_windows_new ();
  gint64 t0 = (gint64) 1700000000 * G_USEC_PER_SEC;
  SluiceLatencySummary s;

  for (guint i = 0; i < 100; i++)
    sluice_latency_windows_record (w, t0, 1000 + i);
  sluice_latency_windows_summarise (w, t0, SLUICE_TIME_WINDOW_1M, &s);
  g_assert_cmpuint (s.count, ==, 100);
  g_assert_cmpint (s.max_us, ==, 1099);

  /* Two minutes on: gone from the minute, still in the hour and the day. */
  sluice_latency_windows_record (w, t0 + 120 * G_USEC_PER_SEC, 5000);
  sluice_latency_windows_summarise (w, t0 + 120 * G_USEC_PER_SEC, SLUICE_TIME_WINDOW_1M, &s);
  g_assert_cmpuint (s.count, ==, 1);
  g_assert_cmpint (s.p50_us, ==, 5000);
  sluice_latency_windows_summarise (w, t0 + 120 * G_USEC_PER_SEC, SLUICE_TIME_WINDOW_1H, &s);
  g_assert_cmpuint (s.count, ==, 101);

  /* Two hours on: only the day remembers. */
  sluice_latency_windows_summarise (w, t0 + (gint64) 7200 * G_USEC_PER_SEC, SLUICE_TIME_WINDOW_1H, &s);
  g_assert_cmpuint (s.count, ==, 0);
  sluice_latency_windows_summarise (w, t0 + (gint64) 7200 * G_USEC_PER_SEC, SLUICE_TIME_WINDOW_24H, &s);
  g_assert_cmpuint (s.count, ==, 101);
  sluice_latency_windows_summarise (w, t0 + (gint64) 25 * 3600 * G_USEC_PER_SEC, SLUICE_TIME_WINDOW_24H, &s);
  g_assert_cmpuint (s.count, ==, 0);
  g_assert_cmpuint (sluice_latency_windows_get_count (w), ==, 101);
  sluice_latency_windows_free (w);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/engine/observe/histogram/error-bound", test_error_bound);
  g_test_add_func ("/engine/observe/histogram/small-values-exact", test_small_values_exact);
  g_test_add_func ("/engine/observe/histogram/merge", test_merge);
  g_test_add_func ("/engine/observe/histogram/windows-slide", test_windows_slide);
  return g_test_run ();
}
