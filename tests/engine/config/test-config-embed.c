/* test-config-embed.c — embedding models and the cache's embedder
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "sluice.h"

#define DOC(models_extra, chains, extra) \
  "{ \"schema\": 1," \
  "  \"providers\": [ { \"name\": \"p\", \"kind\": \"mock\" } ]," \
  "  \"models\": [" \
  "    { \"name\": \"chat\", \"provider\": \"p\", \"price_in\": 1, \"price_out\": 2," \
  "      \"context_window\": 1000 }," \
  "    { \"name\": \"vec\", \"provider\": \"p\", \"kind\": \"embedding\", \"price_in\": 0.02," \
  "      \"price_out\": 0, \"context_window\": 8191 } " models_extra " ]," \
  "  \"chains\": { " chains " }" extra " }"

#define GOOD DOC ("", "\"small\": [\"chat\"], \"vectors\": [\"vec\"]", \
                  ", \"cache\": { \"embedder\": { \"model\": \"vec\", \"dimensions\": 256 } }")

static void
test_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SluiceConfig) config = sluice_config_new_from_data (GOOD, -1, &error);
  g_autoptr(SluiceConfig) again = NULL;
  g_autofree char *json = NULL;

  g_assert_no_error (error);
  g_assert_false (sluice_config_lookup_model (config, "chat")->embedding);
  g_assert_true (sluice_config_lookup_model (config, "vec")->embedding);
  g_assert_cmpstr (sluice_config_get_cache (config)->embedder_model, ==, "vec");
  g_assert_cmpuint (sluice_config_get_cache (config)->embedder_dimensions, ==, 256);

  json = sluice_config_to_json (config);
  g_assert_nonnull (strstr (json, "\"embedding\""));
  g_assert_nonnull (strstr (json, "\"embedder\""));
  again = sluice_config_new_from_data (json, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sluice_config_get_digest (again), ==, sluice_config_get_digest (config));
  g_assert_true (sluice_config_lookup_model (again, "vec")->embedding);
  g_assert_cmpuint (sluice_config_get_cache (again)->embedder_dimensions, ==, 256);
}

static void
test_local_embedder (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SluiceConfig) config =
    sluice_config_new_from_data (DOC ("", "\"small\": [\"chat\"]",
                                      ", \"cache\": { \"embedder\": \"local\" }"), -1, &error);
  g_autofree char *json = NULL;

  g_assert_no_error (error);
  g_assert_null (sluice_config_get_cache (config)->embedder_model);
  json = sluice_config_to_json (config);
  g_assert_null (strstr (json, "\"embedder\""));
}

static void
assert_invalid (const char *doc,
                const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SluiceConfig) config = sluice_config_new_from_data (doc, -1, &error);

  g_assert_null (config);
  g_assert_error (error, SLUICE_CONFIG_ERROR, SLUICE_CONFIG_ERROR_INVALID);
  if (!g_str_has_prefix (error->message, path))
    g_error ("expected an error at %s, got: %s", path, error->message);
}

static void
test_invalid (void)
{
  assert_invalid (DOC (", { \"name\": \"odd\", \"provider\": \"p\", \"kind\": \"vector\","
                       " \"price_in\": 1, \"price_out\": 1, \"context_window\": 10 }",
                       "\"small\": [\"chat\"]", ""),
                  "$.models[2].kind");
  assert_invalid (DOC ("", "\"small\": [\"chat\"], \"mix\": [\"chat\", \"vec\"]", ""),
                  "$.chains.mix[1]");
  assert_invalid (DOC ("", "\"small\": [\"vec\"]", ""), "$.routing.default");
  assert_invalid (DOC ("", "\"small\": [\"chat\"], \"v\": [\"vec\"]",
                       ", \"routing\": { \"default\": \"small\", \"rules\": [ { \"name\": \"r\","
                       " \"chain\": \"v\" } ] }"),
                  "$.routing.rules[0].chain");
  assert_invalid (DOC ("", "\"small\": [\"chat\"]",
                       ", \"cache\": { \"embedder\": { \"model\": \"chat\", \"dimensions\": 8 } }"),
                  "$.cache.embedder.model");
  assert_invalid (DOC ("", "\"small\": [\"chat\"]",
                       ", \"cache\": { \"embedder\": { \"model\": \"nope\", \"dimensions\": 8 } }"),
                  "$.cache.embedder.model");
  assert_invalid (DOC ("", "\"small\": [\"chat\"]",
                       ", \"cache\": { \"embedder\": { \"model\": \"vec\", \"dimensions\": 0 } }"),
                  "$.cache.embedder.dimensions");
  assert_invalid (DOC ("", "\"small\": [\"chat\"]",
                       ", \"cache\": { \"embedder\": { \"model\": \"vec\" } }"),
                  "$.cache.embedder.dimensions");
  assert_invalid (DOC ("", "\"small\": [\"chat\"]", ", \"cache\": { \"embedder\": \"remote\" }"),
                  "$.cache.embedder");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/engine/config/embed/round-trip", test_round_trip);
  g_test_add_func ("/engine/config/embed/local-embedder", test_local_embedder);
  g_test_add_func ("/engine/config/embed/invalid", test_invalid);

  return g_test_run ();
}
