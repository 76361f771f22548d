/* test-clock.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sluice.h"

static void
sleep_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GPtrArray *order = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = sluice_clock_sleep_finish (SLUICE_CLOCK (object), result, &error);

  g_ptr_array_add (order, ok ? g_strdup ("done")
                             : g_strdup_printf ("error: %s", error->message));
}

static void
drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* A manual clock only moves when told; sleeps end exactly at their
 * deadline, not a microsecond before. */
static void
test_manual_sleep (void)
{
  g_autoptr(SluiceClock) clock = sluice_clock_new_manual (1000 * G_USEC_PER_SEC);
  g_autoptr(GPtrArray) order = g_ptr_array_new_with_free_func (g_free);

  g_assert_true (sluice_clock_is_manual (clock));
  g_assert_cmpint (sluice_clock_now_us (clock), ==, 1000 * G_USEC_PER_SEC);
  g_assert_cmpint (sluice_clock_monotonic_us (clock), ==, 0);

  sluice_clock_sleep_async (clock, 5 * G_USEC_PER_SEC, NULL, sleep_done_cb, order);
  sluice_clock_sleep_async (clock, 2 * G_USEC_PER_SEC, NULL, sleep_done_cb, order);
  g_assert_cmpuint (sluice_clock_pending_sleeps (clock), ==, 2);

  sluice_clock_advance (clock, 2 * G_USEC_PER_SEC - 1);
  drain ();
  g_assert_cmpuint (order->len, ==, 0);

  sluice_clock_advance (clock, 1);
  drain ();
  g_assert_cmpuint (order->len, ==, 1);
  g_assert_cmpuint (sluice_clock_pending_sleeps (clock), ==, 1);

  sluice_clock_advance (clock, 3 * G_USEC_PER_SEC);
  drain ();
  g_assert_cmpuint (order->len, ==, 2);
  g_assert_cmpint (sluice_clock_monotonic_us (clock), ==, 5 * G_USEC_PER_SEC);
}

static void
test_manual_cancel (void)
{
  g_autoptr(SluiceClock) clock = sluice_clock_new_manual (0);
  g_autoptr(GPtrArray) order = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  sluice_clock_sleep_async (clock, G_USEC_PER_SEC, cancellable, sleep_done_cb, order);
  g_cancellable_cancel (cancellable);
  drain ();
  g_assert_cmpuint (order->len, ==, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (order, 0), "error:"));
  g_assert_cmpuint (sluice_clock_pending_sleeps (clock), ==, 0);

  /* Advancing afterwards must not complete it a second time. */
  sluice_clock_advance (clock, 2 * G_USEC_PER_SEC);
  drain ();
  g_assert_cmpuint (order->len, ==, 1);
}

static void
test_system_clock (void)
{
  g_autoptr(SluiceClock) clock = sluice_clock_new_system ();
  g_autoptr(GPtrArray) order = g_ptr_array_new_with_free_func (g_free);
  gint64 before = g_get_real_time ();
  gint64 mono = sluice_clock_monotonic_us (clock);

  g_assert_false (sluice_clock_is_manual (clock));
  g_assert_cmpint (sluice_clock_now_us (clock), >=, before);

  sluice_clock_sleep_async (clock, 20000, NULL, sleep_done_cb, order);
  while (order->len == 0)
    g_main_context_iteration (NULL, TRUE);
  /* Never early. */
  g_assert_cmpint (sluice_clock_monotonic_us (clock) - mono, >=, 20000);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/engine/clock/manual-sleep", test_manual_sleep);
  g_test_add_func ("/engine/clock/manual-cancel", test_manual_cancel);
  g_test_add_func ("/engine/clock/system", test_system_clock);

  return g_test_run ();
}
