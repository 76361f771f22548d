/* test-storm-guard.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sluice.h"
#include "sluice-storm-guard.h"

static SluiceRequest *
make_request (const char *user,
              const char *prompt)
{
  SluiceRequest *request = sluice_request_new ();

  sluice_request_set_user (request, user);
  sluice_request_add_message (request, SLUICE_ROLE_USER, prompt);
  return request;
}

/* The "retry loop for six hours" case: the 21st copy within the window is
 * refused, other users and other prompts are not, and the window frees up
 * as the oldest copies age out. */
static void
test_trips_and_recovers (void)
{
  g_autoptr(SluiceClock) clock = sluice_clock_new_manual (0);
  g_autoptr(SluiceStormGuard) guard = sluice_storm_guard_new (clock);
  g_autoptr(SluiceRequest) loop = make_request ("bob", "the same 32K-token prompt");
  g_autoptr(SluiceRequest) other_user = make_request ("carol", "the same 32K-token prompt");
  g_autoptr(SluiceRequest) other_prompt = make_request ("bob", "a different prompt");
  gint64 retry_at = 0;
  guint seen = 0;

  sluice_storm_guard_configure (guard, 20, 300);
  for (guint i = 0; i < 20; i++)
    {
      g_assert_true (sluice_storm_guard_check (guard, loop, &seen, NULL));
      g_assert_cmpuint (seen, ==, i + 1);
      sluice_clock_advance (clock, G_USEC_PER_SEC);
    }
  g_assert_false (sluice_storm_guard_check (guard, loop, &seen, &retry_at));
  g_assert_cmpuint (seen, ==, 21);
  /* The first copy came at t=0: the window frees at t=300 s. */
  g_assert_cmpint (retry_at, ==, 300 * G_USEC_PER_SEC);
  g_assert_true (sluice_storm_guard_check (guard, other_user, NULL, NULL));
  g_assert_true (sluice_storm_guard_check (guard, other_prompt, NULL, NULL));

  sluice_clock_advance (clock, 300 * G_USEC_PER_SEC - 20 * G_USEC_PER_SEC - 1);
  g_assert_false (sluice_storm_guard_check (guard, loop, NULL, NULL));
  sluice_clock_advance (clock, 1);
  g_assert_true (sluice_storm_guard_check (guard, loop, NULL, NULL));
}

static void
test_disabled (void)
{
  g_autoptr(SluiceClock) clock = sluice_clock_new_manual (0);
  g_autoptr(SluiceStormGuard) guard = sluice_storm_guard_new (clock);
  g_autoptr(SluiceRequest) loop = make_request ("bob", "again");

  sluice_storm_guard_configure (guard, 0, 300);
  for (guint i = 0; i < 100; i++)
    g_assert_true (sluice_storm_guard_check (guard, loop, NULL, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/engine/resilience/storm-guard/trips-and-recovers", test_trips_and_recovers);
  g_test_add_func ("/engine/resilience/storm-guard/disabled", test_disabled);

  return g_test_run ();
}
