/* test-breaker.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sluice.h"

#define S G_USEC_PER_SEC

typedef struct
{
  SluiceClock        *clock;
  SluiceBreakerBoard *board;
  GPtrArray          *changes;
} Fixture;

static void
changed_cb (SluiceBreakerBoard *board,
            const char         *key,
            int                 old_state,
            int                 new_state,
            const char         *reason,
            Fixture            *f)
{
  g_ptr_array_add (f->changes, g_strdup_printf ("%s:%s", key, sluice_breaker_state_to_string (new_state)));
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  SluiceBreakerConfig config = {
    .consecutive_failures = 3, .error_ratio = 0.5, .window_s = 60,
    .min_requests = 10, .cooldown_s = 60, .max_cooldown_s = 600,
  };

  f->clock = sluice_clock_new_manual (1700000000LL * S);
  f->board = sluice_breaker_board_new (f->clock);
  f->changes = g_ptr_array_new_with_free_func (g_free);
  sluice_breaker_board_configure (f->board, &config);
  g_signal_connect (f->board, "state-changed", G_CALLBACK (changed_cb), f);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_clear_object (&f->board);
  g_clear_object (&f->clock);
  g_ptr_array_unref (f->changes);
}

static void
fail (Fixture *f)
{
  g_assert_cmpint (sluice_breaker_board_admit (f->board, "m", NULL), ==, SLUICE_BREAKER_ALLOW);
  sluice_breaker_board_record (f->board, "m", FALSE, SLUICE_ERROR_CLASS_SERVER, -1);
}

/* Three failures in a row open it; after the cooldown exactly one probe
 * passes; a successful probe closes it. */
static void
test_consecutive_and_probe (Fixture       *f,
                            gconstpointer  data)
{
  gint64 retry_at = 0;

  fail (f);
  fail (f);
  g_assert_cmpint (sluice_breaker_board_get_state (f->board, "m"), ==, SLUICE_BREAKER_CLOSED);
  fail (f);
  g_assert_cmpint (sluice_breaker_board_get_state (f->board, "m"), ==, SLUICE_BREAKER_OPEN);
  g_assert_cmpint (sluice_breaker_board_admit (f->board, "m", &retry_at), ==, SLUICE_BREAKER_DENY_OPEN);
  g_assert_cmpint (retry_at, ==, sluice_clock_now_us (f->clock) + 60 * S);

  sluice_clock_advance (f->clock, 60 * S - 1);
  g_assert_cmpint (sluice_breaker_board_admit (f->board, "m", NULL), ==, SLUICE_BREAKER_DENY_OPEN);
  sluice_clock_advance (f->clock, 1);
  g_assert_cmpint (sluice_breaker_board_admit (f->board, "m", NULL), ==, SLUICE_BREAKER_ALLOW_PROBE);
  g_assert_cmpint (sluice_breaker_board_get_state (f->board, "m"), ==, SLUICE_BREAKER_HALF_OPEN);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpint (sluice_breaker_board_admit (f->board, "m", NULL), ==, SLUICE_BREAKER_DENY_PROBE);

  sluice_breaker_board_record (f->board, "m", TRUE, SLUICE_ERROR_CLASS_NONE, -1);
  g_assert_cmpint (sluice_breaker_board_get_state (f->board, "m"), ==, SLUICE_BREAKER_CLOSED);
  g_assert_cmpint (sluice_breaker_board_admit (f->board, "m", NULL), ==, SLUICE_BREAKER_ALLOW);

  g_assert_cmpuint (f->changes->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (f->changes, 0), ==, "m:open");
  g_assert_cmpstr (g_ptr_array_index (f->changes, 1), ==, "m:half-open");
  g_assert_cmpstr (g_ptr_array_index (f->changes, 2), ==, "m:closed");
}

/* A failed probe re-opens it for a longer cooldown, doubling up to the cap. */
static void
test_failed_probe_backs_off (Fixture       *f,
                             gconstpointer  data)
{
  gint64 expected[] = { 60, 120, 240, 480, 600, 600 };
  gint64 retry_at;

  fail (f);
  fail (f);
  fail (f);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_assert_cmpint (sluice_breaker_board_admit (f->board, "m", &retry_at), ==, SLUICE_BREAKER_DENY_OPEN);
      g_assert_cmpint (retry_at - sluice_clock_now_us (f->clock), ==, expected[i] * S);
      sluice_clock_advance (f->clock, expected[i] * S);
      g_assert_cmpint (sluice_breaker_board_admit (f->board, "m", NULL), ==, SLUICE_BREAKER_ALLOW_PROBE);
      sluice_breaker_board_record (f->board, "m", TRUE, SLUICE_ERROR_CLASS_TIMEOUT, -1);
      g_assert_cmpint (sluice_breaker_board_get_state (f->board, "m"), ==, SLUICE_BREAKER_OPEN);
    }
}

/* The ratio rule: half of at least ten calls in the window, even when they
 * never fail three times in a row. */
static void
test_error_ratio (Fixture       *f,
                  gconstpointer  data)
{
  for (guint i = 0; i < 9; i++)
    {
      sluice_breaker_board_admit (f->board, "m", NULL);
      sluice_breaker_board_record (f->board, "m", FALSE,
                                   i % 2 == 0 ? SLUICE_ERROR_CLASS_SERVER : SLUICE_ERROR_CLASS_NONE, -1);
      sluice_clock_advance (f->clock, S);
    }
  /* 5 failures of 9 calls: not enough calls yet. */
  g_assert_cmpint (sluice_breaker_board_get_state (f->board, "m"), ==, SLUICE_BREAKER_CLOSED);
  sluice_breaker_board_record (f->board, "m", FALSE, SLUICE_ERROR_CLASS_NONE, -1);
  g_assert_cmpint (sluice_breaker_board_get_state (f->board, "m"), ==, SLUICE_BREAKER_CLOSED);
  sluice_breaker_board_record (f->board, "m", FALSE, SLUICE_ERROR_CLASS_OVERLOADED, -1);
  /* 6 of 11 ≥ 50 %. */
  g_assert_cmpint (sluice_breaker_board_get_state (f->board, "m"), ==, SLUICE_BREAKER_OPEN);
}

/* Failures that left the window no longer count. */
static void
test_window_slides (Fixture       *f,
                    gconstpointer  data)
{
  for (guint i = 0; i < 6; i++)
    {
      sluice_breaker_board_record (f->board, "m", FALSE, SLUICE_ERROR_CLASS_SERVER, -1);
      sluice_breaker_board_record (f->board, "m", FALSE, SLUICE_ERROR_CLASS_NONE, -1);
    }
  g_assert_cmpint (sluice_breaker_board_get_state (f->board, "m"), ==, SLUICE_BREAKER_OPEN);
  sluice_breaker_board_reset (f->board, "m");

  for (guint i = 0; i < 4; i++)
    {
      sluice_breaker_board_record (f->board, "m", FALSE, SLUICE_ERROR_CLASS_SERVER, -1);
      sluice_breaker_board_record (f->board, "m", FALSE, SLUICE_ERROR_CLASS_NONE, -1);
    }
  sluice_clock_advance (f->clock, 61 * S);
  for (guint i = 0; i < 6; i++)
    sluice_breaker_board_record (f->board, "m", FALSE, SLUICE_ERROR_CLASS_NONE, -1);
  sluice_breaker_board_record (f->board, "m", FALSE, SLUICE_ERROR_CLASS_SERVER, -1);
  sluice_breaker_board_record (f->board, "m", FALSE, SLUICE_ERROR_CLASS_NONE, -1);
  sluice_breaker_board_record (f->board, "m", FALSE, SLUICE_ERROR_CLASS_SERVER, -1);
  sluice_breaker_board_record (f->board, "m", FALSE, SLUICE_ERROR_CLASS_NONE, -1);
  /* In the window: 2 failures of 10. */
  g_assert_cmpint (sluice_breaker_board_get_state (f->board, "m"), ==, SLUICE_BREAKER_CLOSED);
}

/* A 429 is not an outage: the model is held for its Retry-After and then
 * comes back, without ever opening. */
static void
test_retry_after_hold (Fixture       *f,
                       gconstpointer  data)
{
  gint64 retry_at;

  for (guint i = 0; i < 10; i++)
    sluice_breaker_board_record (f->board, "m", FALSE, SLUICE_ERROR_CLASS_RATE_LIMITED, 5000);
  g_assert_cmpint (sluice_breaker_board_get_state (f->board, "m"), ==, SLUICE_BREAKER_CLOSED);
  g_assert_cmpint (sluice_breaker_board_admit (f->board, "m", &retry_at), ==, SLUICE_BREAKER_DENY_HELD);
  g_assert_cmpint (retry_at, ==, sluice_clock_now_us (f->clock) + 5 * S);
  sluice_clock_advance (f->clock, 5 * S);
  g_assert_cmpint (sluice_breaker_board_admit (f->board, "m", NULL), ==, SLUICE_BREAKER_ALLOW);
  g_assert_cmpuint (f->changes->len, ==, 0);
}

/* Refusals of the request itself show the provider is up. */
static void
test_client_errors_are_not_outages (Fixture       *f,
                                    gconstpointer  data)
{
  for (guint i = 0; i < 20; i++)
    sluice_breaker_board_record (f->board, "m", FALSE,
                                 (SluiceErrorClass[]) { SLUICE_ERROR_CLASS_AUTH,
                                                        SLUICE_ERROR_CLASS_BAD_REQUEST,
                                                        SLUICE_ERROR_CLASS_CONTEXT_LENGTH,
                                                        SLUICE_ERROR_CLASS_CONTENT_FILTER }[i % 4], -1);
  g_assert_cmpint (sluice_breaker_board_get_state (f->board, "m"), ==, SLUICE_BREAKER_CLOSED);
}

static void
test_force_and_reset (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GArray) list = NULL;
  const SluiceBreakerInfo *info;

  sluice_breaker_board_force_open (f->board, "m", 30 * S);
  g_assert_cmpint (sluice_breaker_board_admit (f->board, "m", NULL), ==, SLUICE_BREAKER_DENY_OPEN);
  list = sluice_breaker_board_list (f->board);
  g_assert_cmpuint (list->len, ==, 1);
  info = &g_array_index (list, SluiceBreakerInfo, 0);
  g_assert_cmpstr (info->key, ==, "m");
  g_assert_true (info->forced);
  g_assert_cmpint (info->open_until_us, ==, sluice_clock_now_us (f->clock) + 30 * S);

  sluice_breaker_board_reset (f->board, "m");
  g_assert_cmpint (sluice_breaker_board_admit (f->board, "m", NULL), ==, SLUICE_BREAKER_ALLOW);
  /* Cancelled probes give their slot back. */
  fail (f);
  fail (f);
  fail (f);
  sluice_clock_advance (f->clock, 60 * S);
  g_assert_cmpint (sluice_breaker_board_admit (f->board, "m", NULL), ==, SLUICE_BREAKER_ALLOW_PROBE);
  sluice_breaker_board_release_probe (f->board, "m");
  g_assert_cmpint (sluice_breaker_board_admit (f->board, "m", NULL), ==, SLUICE_BREAKER_ALLOW_PROBE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/engine/resilience/breaker/" path, Fixture, NULL, setup, func, teardown)

  ADD ("consecutive-and-probe", test_consecutive_and_probe);
  ADD ("failed-probe-backs-off", test_failed_probe_backs_off);
  ADD ("error-ratio", test_error_ratio);
  ADD ("window-slides", test_window_slides);
  ADD ("retry-after-hold", test_retry_after_hold);
  ADD ("client-errors-are-not-outages", test_client_errors_are_not_outages);
  ADD ("force-and-reset", test_force_and_reset);

  return g_test_run ();
}
