/* test-config-diff.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-config-diff"

#include "config.h"

#include <string.h>

#include "sluice.h"

/* Single quotes stand for double quotes. */
static const char base_document[] =
  "{'schema': 1,"
  " 'providers': [{'name': 'p1', 'kind': 'mock'}, {'name': 'p2', 'kind': 'mock'}],"
  " 'models': [{'name': 'a', 'provider': 'p1', 'price_in': 1.0,"
  " 'price_out': 2.0, 'context_window': 1000},"
  "            {'name': 'b', 'provider': 'p2', 'price_in': 0.3,"
  " 'price_out': 0.6, 'context_window': 100000}],"
  " 'chains': {'frontier': ['a', 'b']},"
  " 'routing': {'default': 'frontier', 'rules': ["
  "   {'name': 'r1', 'tasks': ['code'], 'chain': 'frontier'},"
  "   {'name': 'r2', 'min_input_tokens': 5, 'chain': 'frontier'}]}}";

static SluiceConfig *
load (const char *find,
      const char *replace)
{
  g_autoptr(GString) doc = g_string_new (base_document);
  g_autoptr(GError) error = NULL;
  SluiceConfig *config;

  if (find != NULL)
    {
      const char *at = strstr (doc->str, find);

      g_assert_nonnull (at);
      g_string_erase (doc, at - doc->str, strlen (find));
      g_string_insert (doc, at - doc->str, replace);
    }
  g_strdelimit (doc->str, "'", '"');
  config = sluice_config_new_from_data (doc->str, -1, &error);
  g_assert_no_error (error);
  return config;
}

static char *
diff_of (const char *find,
         const char *replace)
{
  g_autoptr(SluiceConfig) a = load (NULL, NULL);
  g_autoptr(SluiceConfig) b = load (find, replace);

  return sluice_engine_config_diff (a, b);
}

static void
test_identical (void)
{
  g_autofree char *diff = diff_of (NULL, NULL);

  g_assert_cmpstr (diff, ==, "");
}

static void
test_chain_order (void)
{
  g_autofree char *diff = diff_of ("['a', 'b']", "['b', 'a']");

  g_assert_cmpstr (diff, ==, "chains.frontier: [a, b] → [b, a]");
}

static void
test_named_member (void)
{
  g_autofree char *diff = diff_of ("'price_out': 0.6", "'price_out': 0.9");

  g_assert_cmpstr (diff, ==, "models[b].price_out: 0.6 → 0.9");
}

static void
test_rule_order (void)
{
  g_autofree char *diff = diff_of (
    "{'name': 'r1', 'tasks': ['code'], 'chain': 'frontier'},"
    "   {'name': 'r2', 'min_input_tokens': 5, 'chain': 'frontier'}",
    "{'name': 'r2', 'min_input_tokens': 5, 'chain': 'frontier'},"
    "   {'name': 'r1', 'tasks': ['code'], 'chain': 'frontier'}");

  g_assert_cmpstr (diff, ==, "routing.rules: order [r1, r2] → [r2, r1]");
}

static void
test_added_and_removed (void)
{
  g_autoptr(SluiceConfig) a = load (NULL, NULL);
  g_autoptr(SluiceConfig) b = load ("'chains': {'frontier': ['a', 'b']}",
                                    "'chains': {'frontier': ['a', 'b'], 'solo': ['a']}");
  g_autoptr(GPtrArray) forward = sluice_config_diff (a, b);
  g_autoptr(GPtrArray) back = sluice_config_diff (b, a);

  g_assert_cmpuint (forward->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (forward, 0), ==, "chains.solo: added [a]");
  g_assert_cmpuint (back->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (back, 0), ==, "chains.solo: removed [a]");
}

static void
test_named_item_added (void)
{
  g_autoptr(SluiceConfig) a = load (NULL, NULL);
  g_autoptr(SluiceConfig) b = load ("'chain': 'frontier'}]",
                                    "'chain': 'frontier'}, {'name': 'r3', 'chain': 'frontier'}]");
  g_autoptr(GPtrArray) lines = sluice_config_diff (a, b);

  /* One line for the new rule, none for the rules around it. */
  g_assert_cmpuint (lines->len, ==, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (lines, 0), "routing.rules[r3]: added {"));
}

static void
test_text_of_any_json (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *diff = sluice_config_diff_text ("{\"x\": {\"y\": true}}",
                                                   "{\"x\": {\"y\": false}, \"z\": \"s\"}",
                                                   &error);
  g_autofree char *bad = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (diff, ==, "x.y: true → false\nz: added s");
  bad = sluice_config_diff_text ("{", "{}", &error);
  g_assert_null (bad);
  g_assert_nonnull (error);
}

static void
test_long_value_cut (void)
{
  g_autoptr(GString) text = g_string_new ("\"");
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *rendered = NULL;

  for (guint i = 0; i < 400; i++)
    g_string_append_c (text, 'x');
  g_string_append_c (text, '"');
  node = json_from_string (text->str, NULL);
  rendered = sluice_config_diff_render_value (node);
  g_assert_cmpuint (g_utf8_strlen (rendered, -1), ==, 160);
  g_assert_true (g_str_has_suffix (rendered, "…"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/engine/config/diff/identical", test_identical);
  g_test_add_func ("/engine/config/diff/chain-order", test_chain_order);
  g_test_add_func ("/engine/config/diff/named-member", test_named_member);
  g_test_add_func ("/engine/config/diff/rule-order", test_rule_order);
  g_test_add_func ("/engine/config/diff/added-and-removed", test_added_and_removed);
  g_test_add_func ("/engine/config/diff/named-item-added", test_named_item_added);
  g_test_add_func ("/engine/config/diff/text-of-any-json", test_text_of_any_json);
  g_test_add_func ("/engine/config/diff/long-value-cut", test_long_value_cut);

  return g_test_run ();
}
