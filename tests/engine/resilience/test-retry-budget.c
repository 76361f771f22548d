/* test-retry-budget.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sluice.h"
#include "sluice-retry-budget.h"

static void
test_ratio (void)
{
  g_autoptr(SluiceClock) clock = sluice_clock_new_manual (0);
  g_autoptr(SluiceRetryBudget) budget = sluice_retry_budget_new (clock);
  guint granted = 0, requests, retries;

  sluice_retry_budget_configure (budget, 0.1, 60, 3);
  for (guint i = 0; i < 1000; i++)
    {
      sluice_retry_budget_record_request (budget);
      /* Every request wants three retries, as in a full outage. */
      for (guint k = 0; k < 3; k++)
        granted += sluice_retry_budget_try_acquire (budget);
    }
  /* 10 % of 1000 requests, plus the allowance of 3. */
  g_assert_cmpuint (granted, ==, 103);
  sluice_retry_budget_get_counts (budget, &requests, &retries);
  g_assert_cmpuint (requests, ==, 1000);
  g_assert_cmpuint (retries, ==, 103);
}

static void
test_window_slides (void)
{
  g_autoptr(SluiceClock) clock = sluice_clock_new_manual (0);
  g_autoptr(SluiceRetryBudget) budget = sluice_retry_budget_new (clock);
  guint requests, retries;

  sluice_retry_budget_configure (budget, 0.5, 10, 0);
  for (guint i = 0; i < 10; i++)
    sluice_retry_budget_record_request (budget);
  for (guint i = 0; i < 5; i++)
    g_assert_true (sluice_retry_budget_try_acquire (budget));
  g_assert_false (sluice_retry_budget_try_acquire (budget));

  /* Nine seconds later the window still holds them; at ten they are gone. */
  sluice_clock_advance (clock, 9 * G_USEC_PER_SEC);
  g_assert_false (sluice_retry_budget_try_acquire (budget));
  sluice_clock_advance (clock, G_USEC_PER_SEC);
  sluice_retry_budget_get_counts (budget, &requests, &retries);
  g_assert_cmpuint (requests, ==, 0);
  g_assert_cmpuint (retries, ==, 0);
  g_assert_false (sluice_retry_budget_try_acquire (budget));
  sluice_retry_budget_record_request (budget);
  sluice_retry_budget_record_request (budget);
  g_assert_true (sluice_retry_budget_try_acquire (budget));
  g_assert_false (sluice_retry_budget_try_acquire (budget));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/engine/resilience/retry-budget/ratio", test_ratio);
  g_test_add_func ("/engine/resilience/retry-budget/window-slides", test_window_slides);

  return g_test_run ();
}
