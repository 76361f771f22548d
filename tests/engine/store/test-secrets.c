/* test-secrets.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-test-secrets"

#include "config.h"

#include "sluice-secrets.h"

/* Provider names unlikely to clash with anything else in the keyring. */
#define PROVIDER_A "sluice-test-provider-a"
#define PROVIDER_B "sluice-test-provider-b"

static gboolean
have_secret_service (void)
{
  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") != NULL)
    return TRUE;

  g_test_skip ("No D-Bus session bus: run under ./run test, which starts "
               "dbus-run-session with an unlocked gnome-keyring");
  return FALSE;
}

static gboolean
strv_has (char       **strv,
          const char  *str)
{
  return strv != NULL && g_strv_contains ((const char * const *) strv, str);
}

static void
clear_test_keys (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sluice_secrets_delete_key (PROVIDER_A, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (sluice_secrets_delete_key (PROVIDER_B, NULL, &error));
  g_assert_no_error (error);
}

static void
test_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *key_a = NULL;
  g_autofree char *key_b = NULL;
  g_auto(GStrv) providers = NULL;

  if (!have_secret_service ())
    return;

  clear_test_keys ();

  missing = sluice_secrets_lookup_key (PROVIDER_A, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (missing);

  g_assert_true (sluice_secrets_store_key (PROVIDER_A, "sk-first-aaaa1111", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (sluice_secrets_store_key (PROVIDER_B, "sk-bbbb2222", NULL, &error));
  g_assert_no_error (error);
  /* Storing again replaces, not duplicates. */
  g_assert_true (sluice_secrets_store_key (PROVIDER_A, "sk-second-a1b2", NULL, &error));
  g_assert_no_error (error);

  key_a = sluice_secrets_lookup_key (PROVIDER_A, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key_a, ==, "sk-second-a1b2");
  key_b = sluice_secrets_lookup_key (PROVIDER_B, NULL, &error);
  g_assert_cmpstr (key_b, ==, "sk-bbbb2222");

  providers = sluice_secrets_list_providers (NULL, &error);
  g_assert_no_error (error);
  g_assert_true (strv_has (providers, PROVIDER_A));
  g_assert_true (strv_has (providers, PROVIDER_B));
  for (guint i = 0; providers[i] != NULL; i++)
    {
      if (providers[i + 1] != NULL)
        g_assert_cmpstr (providers[i], <, providers[i + 1]);
    }
  g_clear_pointer (&providers, g_strfreev);

  g_assert_true (sluice_secrets_delete_key (PROVIDER_A, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&key_a, g_free);
  key_a = sluice_secrets_lookup_key (PROVIDER_A, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (key_a);

  providers = sluice_secrets_list_providers (NULL, &error);
  g_assert_no_error (error);
  g_assert_false (strv_has (providers, PROVIDER_A));
  g_assert_true (strv_has (providers, PROVIDER_B));

  /* Deleting what is not there is not an error. */
  g_assert_true (sluice_secrets_delete_key (PROVIDER_A, NULL, &error));
  g_assert_no_error (error);

  clear_test_keys ();
}

static void
assert_mask (const char *key,
             const char *expected)
{
  g_autofree char *masked = sluice_secrets_mask (key);

  g_assert_cmpstr (masked, ==, expected);
}

static void
test_mask (void)
{
  assert_mask (NULL, NULL);
  assert_mask ("sk-proj-0123456789a1b2", "sk-…a1b2");
  assert_mask ("abcdefghijkl", "abc…ijkl");
  assert_mask ("abcdefghijk", "…jk");
  assert_mask ("ab", "…ab");
  assert_mask ("a", "…a");
  assert_mask ("", "…");
  /* Characters, not bytes, so a multi-byte key is never cut mid-sequence. */
  assert_mask ("ééé-long-key-ééé", "ééé…-ééé");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/engine/store/secrets/round-trip", test_round_trip);
  g_test_add_func ("/engine/store/secrets/mask", test_mask);

  return g_test_run ();
}
