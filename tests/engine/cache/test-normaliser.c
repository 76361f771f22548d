/* test-normaliser.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sluice-normaliser.h"

static void
check (SluiceNormaliser *n,
       const char       *input,
       const char       *expected)
{
  g_autofree char *out = sluice_normaliser_normalise (n, input);

  g_assert_cmpstr (out, ==, expected);
}

static void
test_basic (void)
{
  g_autoptr(SluiceNormaliser) n = sluice_normaliser_new (NULL);

  check (n, "  How   do I\treset my PASSWORD?? ", "how do i reset my password");
  check (n, "Ｆｕｌｌｗｉｄｔｈ ＡＢＣ", "fullwidth abc");           /* NFKC */
  check (n, "ﬁle straße", "file strasse");                           /* ligature, case fold */
  check (n, "Hello, can you please tell me the price?", "tell me the price");
  check (n, "hello", "hello");                                       /* all fillers: kept */
}

static void
test_numbers (void)
{
  g_autoptr(SluiceNormaliser) n = sluice_normaliser_new (NULL);

  check (n, "Is pi 3.14 or 3.15?", "is pi 3.14 or 3.15");
  check (n, "Set it to -5 degrees.", "set it to -5 degrees");
  check (n, "A 10% discount on $1,000!", "a 10% discount on $1000");
  check (n, "pre-order the e-mail plan", "preorder the email plan");
}

static void
test_contractions (void)
{
  g_autoptr(SluiceNormaliser) n = sluice_normaliser_new (NULL);

  check (n, "I don't know", "i do not know");
  check (n, "It’s fine, isn't it?", "it is fine is not it");
  check (n, "We can't and won't", "we cannot and will not");
  check (n, "You can not do that", "you cannot do that");
  check (n, "I'm sure they're here, we've seen it", "i am sure they are here we have seen it");
  check (n, "the user's settings", "the user settings");
}

static void
test_fillers (void)
{
  const char * const custom[] = { "yo", "no", "do not", "just", NULL };
  g_autoptr(SluiceNormaliser) def = sluice_normaliser_new (NULL);
  g_autoptr(SluiceNormaliser) n = sluice_normaliser_new (custom);

  /* Negations are never fillers, even when configured. */
  check (n, "yo just do not delete it, no", "do not delete it no");
  check (def, "Um, could you basically just explain caching?", "explain caching");
  check (def, "Please don't delete my account", "do not delete my account");
  /* Content words that contain a filler are kept. */
  check (def, "justice actually matters", "justice matters");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/engine/cache/normaliser/basic", test_basic);
  g_test_add_func ("/engine/cache/normaliser/numbers", test_numbers);
  g_test_add_func ("/engine/cache/normaliser/contractions", test_contractions);
  g_test_add_func ("/engine/cache/normaliser/fillers", test_fillers);

  return g_test_run ();
}
