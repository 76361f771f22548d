/* test-config.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-config"

#include "config.h"

#include <string.h>

#include "sluice.h"

/* A small valid document. Cases below edit it; single quotes stand for
 * double quotes to keep the C strings readable. */
static const char base_document[] =
  "{'schema': 1,\n"
  " 'providers': [{'name': 'p1', 'kind': 'mock'},\n"
  "               {'name': 'p2', 'kind': 'openai', 'key': 'openai-prod'}],\n"
  " 'models': [{'name': 'm1', 'provider': 'p1', 'price_in': 1.0,"
  " 'price_out': 2.0, 'context_window': 1000},\n"
  "            {'name': 'm2', 'provider': 'p2', 'price_in': 0.3,"
  " 'price_out': 0.6, 'context_window': 100000}],\n"
  " 'chains': {'small': ['m1', 'm2'], 'big': ['m2']}}\n";

static char *
quote (const char *text)
{
  char *copy = g_strdup (text);

  g_strdelimit (copy, "'", '"');

  return copy;
}

/* The base document with the first occurrence of @find replaced. */
static char *
edit_document (const char *find,
               const char *replace)
{
  const char *at = strstr (base_document, find);
  g_autoptr(GString) doc = NULL;

  g_assert_nonnull (at);
  doc = g_string_new_len (base_document, at - base_document);
  g_string_append (doc, replace);
  g_string_append (doc, at + strlen (find));

  return quote (doc->str);
}

static SluiceConfig *
load_base (void)
{
  g_autofree char *doc = quote (base_document);
  g_autoptr(GError) error = NULL;
  SluiceConfig *config = sluice_config_new_from_data (doc, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (config);

  return config;
}

static void
assert_round_trips (SluiceConfig *config)
{
  g_autofree char *text = sluice_config_to_json (config);
  g_autoptr(SluiceConfig) again = NULL;
  g_autofree char *text_again = NULL;
  g_autoptr(GError) error = NULL;

  again = sluice_config_new_from_data (text, -1, &error);
  g_assert_no_error (error);
  text_again = sluice_config_to_json (again);

  g_assert_cmpstr (text_again, ==, text);
  g_assert_cmpstr (sluice_config_get_digest (again), ==,
                   sluice_config_get_digest (config));
}

static void
test_default_valid (void)
{
  g_autoptr(SluiceConfig) config = sluice_config_new_default ();
  const SluiceChainConfig *frontier;
  const SluiceChainConfig *small;
  const SluiceModelConfig *large;
  const SluiceModelConfig *local;
  const SluiceTtlPolicy *qa;
  const SluiceBudgetConfig *budgets;

  g_assert_cmpuint (sluice_config_get_n_providers (config), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      const SluiceProviderConfig *provider = sluice_config_get_provider (config, i);

      g_assert_cmpint (provider->kind, ==, SLUICE_PROVIDER_KIND_MOCK);
      g_assert_nonnull (provider->mock);
      g_assert_null (provider->key_ref);
    }

  frontier = sluice_config_lookup_chain (config, "frontier");
  small = sluice_config_lookup_chain (config, "small");
  g_assert_nonnull (frontier);
  g_assert_nonnull (small);
  g_assert_cmpstr (frontier->models[g_strv_length (frontier->models) - 1], ==, "mock-local");
  g_assert_cmpstr (small->models[g_strv_length (small->models) - 1], ==, "mock-local");
  g_assert_cmpuint (g_strv_length (frontier->models), >=, 3);

  large = sluice_config_lookup_model (config, frontier->models[0]);
  local = sluice_config_lookup_model (config, "mock-local");
  g_assert_cmpfloat (large->price_in, ==, 3.0);
  g_assert_cmpfloat (large->price_out, ==, 15.0);
  g_assert_cmpfloat (local->price_in + local->price_out, ==, 0.0);
  g_assert_cmpfloat (sluice_config_lookup_model (config, small->models[0])->price_in, ==, 0.15);

  g_assert_cmpstr (sluice_config_get_default_chain (config), ==, "small");
  g_assert_cmpstr (sluice_config_resolve_alias (config, "smart"), ==, "frontier");
  g_assert_cmpstr (sluice_config_resolve_alias (config, "fast"), ==, "small");
  g_assert_cmpstr (sluice_config_resolve_alias (config, "cheap"), ==, "small");
  g_assert_cmpuint (sluice_config_get_n_rules (config), >=, 3);

  qa = sluice_config_lookup_ttl_policy (config, "qa");
  g_assert_cmpint (qa->tier, ==, SLUICE_CACHE_TIER_SEMANTIC);
  g_assert_cmpint (qa->ttl_s, ==, 7200);
  g_assert_cmpfloat (qa->threshold, ==, 0.95);
  g_assert_cmpint (sluice_config_lookup_ttl_policy (config, "creative")->tier, ==,
                   SLUICE_CACHE_TIER_NONE);

  budgets = sluice_config_get_budgets (config);
  g_assert_cmpint (budgets->tokens_per_request, ==, 50000);
  g_assert_cmpint (budgets->global_tokens_per_hour, ==, 5000000);
  g_assert_cmpfloat (budgets->global_usd_per_day, ==, 500.0);
}

static void
test_default_round_trip (void)
{
  g_autoptr(SluiceConfig) config = sluice_config_new_default ();
  const char *digest = sluice_config_get_digest (config);

  g_assert_cmpuint (strlen (digest), ==, 64);
  g_assert_cmpuint (strspn (digest, "0123456789abcdef"), ==, 64);
  assert_round_trips (config);
}

static void
test_default_matches_file (void)
{
  const char *srcdir = g_getenv ("SLUICE_SOURCE_DIR");
  g_autofree char *path = NULL;
  g_autoptr(SluiceConfig) from_file = NULL;
  g_autoptr(SluiceConfig) builtin = sluice_config_new_default ();
  g_autoptr(GError) error = NULL;

  if (srcdir == NULL)
    {
      g_test_skip ("SLUICE_SOURCE_DIR is not set");
      return;
    }

  path = g_build_filename (srcdir, "data", "default-config.json", NULL);
  from_file = sluice_config_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sluice_config_get_digest (from_file), ==,
                   sluice_config_get_digest (builtin));
}

static void
test_defaults_filled (void)
{
  g_autoptr(SluiceConfig) config = load_base ();
  const SluiceProviderConfig *p1 = sluice_config_get_provider (config, 0);
  const SluiceProviderConfig *p2 = sluice_config_get_provider (config, 1);
  const SluiceModelConfig *m1 = sluice_config_lookup_model (config, "m1");
  const SluiceBreakerConfig *breaker = sluice_config_get_breaker (config);
  const SluiceRetryConfig *retry = sluice_config_get_retry (config);
  const SluiceBudgetConfig *budgets = sluice_config_get_budgets (config);
  g_auto(GStrv) aliases = sluice_config_dup_alias_names (config);

  g_assert_cmpuint (p1->timeout_ms, ==, 60000);
  g_assert_cmpuint (p1->connect_timeout_ms, ==, 5000);
  g_assert_nonnull (p1->mock);
  g_assert_null (p1->base_url);
  g_assert_null (p2->mock);
  g_assert_cmpstr (p2->base_url, ==, "https://api.openai.com/v1");
  g_assert_cmpstr (p2->key_ref, ==, "openai-prod");

  g_assert_cmpstr (m1->upstream, ==, "m1");
  g_assert_cmpfloat (m1->price_cached_in, ==, m1->price_in);
  g_assert_cmpint (m1->max_output_tokens, ==, 1000);
  g_assert_cmpint (sluice_config_lookup_model (config, "m2")->max_output_tokens, ==, 4096);
  g_assert_null (m1->retires);
  g_assert_null (m1->replacement);

  g_assert_cmpuint (sluice_config_get_cache (config)->max_entries, ==, 10000);
  g_assert_cmpint (sluice_config_get_cache (config)->max_bytes, ==, 256 * 1024 * 1024);
  g_assert_cmpfloat (sluice_config_get_cache (config)->max_temperature, ==, 0.7);
  g_assert_cmpint (sluice_config_get_cache (config)->stale_grace_s, ==, 86400);
  g_assert_null (sluice_config_get_cache (config)->filler_words);
  g_assert_cmpuint (sluice_config_get_n_static_responses (config), ==, 0);
  g_assert_cmpuint (sluice_config_get_deferred (config)->max_attempts, ==, 20);
  g_assert_cmpuint (sluice_config_get_deferred (config)->base_backoff_s, ==, 30);

  g_assert_cmpstr (sluice_config_get_default_chain (config), ==, "small");
  g_assert_cmpuint (sluice_config_get_n_rules (config), ==, 0);
  g_assert_cmpuint (g_strv_length (aliases), ==, 0);
  g_assert_cmpuint (sluice_config_get_n_users (config), ==, 0);

  g_assert_cmpint (budgets->tokens_per_request, ==, 50000);
  g_assert_cmpint (budgets->user_tokens_per_hour, ==, 200000);
  g_assert_cmpint (budgets->user_tokens_per_day, ==, 1000000);
  g_assert_cmpint (budgets->global_tokens_per_hour, ==, 5000000);
  g_assert_cmpfloat (budgets->user_usd_per_day, ==, 50.0);
  g_assert_cmpfloat (budgets->global_usd_per_day, ==, 500.0);
  g_assert_cmpuint (budgets->n_alert_fractions, ==, 3);
  g_assert_cmpfloat (budgets->alert_fractions[1], ==, 0.8);

  g_assert_cmpuint (breaker->consecutive_failures, ==, 3);
  g_assert_cmpfloat (breaker->error_ratio, ==, 0.5);
  g_assert_cmpuint (breaker->max_cooldown_s, ==, 600);
  g_assert_cmpuint (retry->max_attempts, ==, 3);
  g_assert_cmpuint (retry->deadline_ms, ==, 120000);
  g_assert_cmpuint (sluice_config_get_storm_guard (config)->max_repeats, ==, 20);
  g_assert_cmpuint (sluice_config_get_storm_guard (config)->window_s, ==, 300);

  g_assert_cmpuint (sluice_config_get_n_ttl_policies (config), ==, 6);
  g_assert_cmpint (sluice_config_lookup_ttl_policy (config, "classification")->ttl_s, ==, 172800);
  g_assert_cmpint (sluice_config_lookup_ttl_policy (config, "summarisation")->ttl_s, ==, 28800);
  g_assert_cmpint (sluice_config_lookup_ttl_policy (config, "code")->ttl_s, ==, 10800);
  g_assert_cmpint (sluice_config_lookup_ttl_policy (config, "extraction")->ttl_s, ==, 129600);
  g_assert_null (sluice_config_lookup_ttl_policy (config, "chat"));

  assert_round_trips (config);
}

/* The limits sections: rate limits everywhere, the tokenizer, the counter
 * store, prices from the default table; all survive the canonical form. */
/* cache.redis_url: the shared exact tier, over TCP or a unix socket; it
 * survives the canonical form. */
static void
test_cache_redis_url (void)
{
  static const char * const urls[] = { "redis://10.0.0.5:6380/3", "unix:///run/redis.sock" };
  g_autoptr(SluiceConfig) base = load_base ();

  g_assert_null (sluice_config_get_cache (base)->redis_url);
  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autofree char *member = g_strdup_printf ("}, 'cache': {'redis_url': '%s'}}", urls[i]);
      g_autofree char *text = edit_document ("}}\n", member);
      g_autoptr(SluiceConfig) config = NULL;
      g_autoptr(GError) error = NULL;

      config = sluice_config_new_from_data (text, -1, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (sluice_config_get_cache (config)->redis_url, ==, urls[i]);
      /* The counters stay where they were: only the cache is shared. */
      g_assert_cmpint (sluice_config_get_counters (config)->store, ==,
                       SLUICE_COUNTER_STORE_MEMORY);
      assert_round_trips (config);
    }
}

static void
test_limits_sections (void)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SluiceConfig) config = NULL;
  g_autoptr(SluiceConfig) again = NULL;
  g_autofree char *json = NULL;
  const SluiceModelConfig *m1;

  text = edit_document ("}}\n", "}, 'users': [{'name': 'ann', 'key_hash': 'sha256:"
                        "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc',"
                        " 'limits': {'concurrency': 2}}],"
                        " 'limits': {'global': {'rpm': 600, 'tpd': 9000000},"
                        " 'tokenizer': {'encoding': 'cl100k_base', 'path': '/x/c.tiktoken'}},"
                        " 'counters': {'store': 'redis', 'redis_url': 'unix:///run/r.sock',"
                        " 'on_loss': 'fail_open', 'prefix': 'gw:'},"
                        " 'budgets': {'cut_streams': false}}");
  {
    g_auto(GStrv) parts = g_strsplit (text, "\"context_window\": 1000}", 2);
    g_autofree char *model = quote ("'context_window': 1000, 'limits': {'rpm': 5, "
                                    "'tpm': 700}, 'upstream': 'gpt-4o-mini'}");

    g_free (text);
    text = g_strjoinv (model, parts);
  }

  config = sluice_config_new_from_data (text, -1, &error);
  g_assert_no_error (error);
  m1 = sluice_config_lookup_model (config, "m1");
  g_assert_cmpint (m1->limits.rpm, ==, 5);
  g_assert_cmpint (m1->limits.tpm, ==, 700);
  g_assert_cmpint (m1->limits.concurrency, ==, 0);
  g_assert_cmpfloat (m1->price_in, ==, 1.0);
  g_assert_cmpfloat (m1->price_cached_in, ==, 0.075);
  g_assert_cmpint (sluice_config_lookup_user (config, "ann")->limits.concurrency, ==, 2);
  g_assert_cmpint (sluice_config_get_limits (config)->global.rpm, ==, 600);
  g_assert_cmpint (sluice_config_get_limits (config)->global.tpd, ==, 9000000);
  g_assert_cmpstr (sluice_config_get_limits (config)->tokenizer_path, ==, "/x/c.tiktoken");
  g_assert_cmpint (sluice_config_get_counters (config)->store, ==, SLUICE_COUNTER_STORE_REDIS);
  g_assert_true (sluice_config_get_counters (config)->fail_open);
  g_assert_cmpstr (sluice_config_get_counters (config)->prefix, ==, "gw:");
  g_assert_false (sluice_config_get_budgets (config)->cut_streams);

  json = sluice_config_to_json (config);
  again = sluice_config_new_from_data (json, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sluice_config_get_digest (again), ==, sluice_config_get_digest (config));
  g_assert_cmpint (sluice_config_lookup_model (again, "m1")->limits.tpm, ==, 700);
}

static void
test_lookups (void)
{
  g_autoptr(SluiceConfig) config = load_base ();
  const SluiceChainConfig *chain;

  g_assert_cmpstr (sluice_config_lookup_provider (config, "p2")->name, ==, "p2");
  g_assert_null (sluice_config_lookup_provider (config, "p3"));
  g_assert_cmpstr (sluice_config_lookup_model (config, "m2")->provider, ==, "p2");
  g_assert_null (sluice_config_lookup_model (config, "small"));
  g_assert_true (sluice_config_get_model (config, 1) == sluice_config_lookup_model (config, "m2"));

  /* Chains are sorted by name. */
  g_assert_cmpuint (sluice_config_get_n_chains (config), ==, 2);
  g_assert_cmpstr (sluice_config_get_chain (config, 0)->name, ==, "big");
  chain = sluice_config_lookup_chain (config, "small");
  g_assert_cmpuint (g_strv_length (chain->models), ==, 2);
  g_assert_cmpstr (chain->models[0], ==, "m1");
  g_assert_cmpstr (chain->models[1], ==, "m2");
  g_assert_null (sluice_config_lookup_chain (config, "m1"));
}

/* Every condition and action of a rule reads, defaults and writes back. */
static void
test_routing_rules_full (void)
{
  g_autofree char *doc = edit_document ("}}\n",
    "},\n 'aliases': {'smart': 'big'},\n"
    " 'routing': {'default': 'small', 'min_confidence': 0.7, 'uncertain': 'big', 'rules': ["
    "{'name': 'night', 'tasks': ['code'], 'output': ['json', 'tools'], 'users': ['alice'],"
    " 'aliases': ['smart', 'small'], 'hours': {'from': '22:30', 'to': '06:00'},"
    " 'chain': 'big', 'cap_max_tokens': 512, 'cap_temperature': 0.2,"
    " 'when_budget_above': 0.8, 'cheaper_chain': 'small'},"
    "{'name': 'plain', 'chain': 'small'}]}}\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(SluiceConfig) config = sluice_config_new_from_data (doc, -1, &error);
  g_autofree char *text = NULL;
  const SluiceRouteRule *rule;

  g_assert_no_error (error);
  g_assert_cmpfloat (sluice_config_get_min_confidence (config), ==, 0.7);
  g_assert_cmpstr (sluice_config_get_uncertain_chain (config), ==, "big");
  rule = sluice_config_get_rule (config, 0);
  g_assert_cmpstr (rule->outputs[1], ==, "tools");
  g_assert_cmpstr (rule->users[0], ==, "alice");
  g_assert_cmpstr (rule->aliases[1], ==, "small");
  g_assert_cmpint (rule->from_minute, ==, 22 * 60 + 30);
  g_assert_cmpint (rule->to_minute, ==, 6 * 60);
  g_assert_cmpint (rule->cap_max_tokens, ==, 512);
  g_assert_cmpfloat (rule->cap_temperature, ==, 0.2);
  g_assert_cmpfloat (rule->when_budget_above, ==, 0.8);
  g_assert_cmpstr (rule->cheaper_chain, ==, "small");

  /* Absent conditions and actions have their "none" values. */
  rule = sluice_config_get_rule (config, 1);
  g_assert_null (rule->outputs);
  g_assert_null (rule->users);
  g_assert_null (rule->aliases);
  g_assert_cmpint (rule->from_minute, ==, -1);
  g_assert_cmpint (rule->cap_max_tokens, ==, 0);
  g_assert_cmpfloat (rule->cap_temperature, <, 0);
  g_assert_cmpfloat (rule->when_budget_above, ==, 0);
  g_assert_null (rule->cheaper_chain);

  text = sluice_config_to_json (config);
  g_assert_nonnull (strstr (text, "\"22:30\""));
  g_assert_nonnull (strstr (text, "\"uncertain\""));
  assert_round_trips (config);

  /* Without a routing section the confidence threshold has its default. */
  g_clear_object (&config);
  config = load_base ();
  g_assert_cmpfloat (sluice_config_get_min_confidence (config), ==, 0.5);
  g_assert_null (sluice_config_get_uncertain_chain (config));
}

static void
test_aliases_and_rules (void)
{
  g_autofree char *doc = edit_document ("}}\n",
    "},\n 'aliases': {'smart': 'big', 'fast': 'small'},\n"
    " 'routing': {'default': 'big', 'rules': ["
    "{'name': 'long', 'min_input_tokens': 10000, 'chain': 'big'},"
    "{'name': 'easy', 'tasks': ['classification', 'yes-no'],"
    " 'max_input_tokens': 9999, 'chain': 'small'}]},\n"
    " 'users': [{'name': 'alice', 'key_hash': 'sha256:"
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'}]}\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(SluiceConfig) config = sluice_config_new_from_data (doc, -1, &error);
  g_auto(GStrv) aliases = NULL;
  const SluiceRouteRule *rule;

  g_assert_no_error (error);
  aliases = sluice_config_dup_alias_names (config);
  g_assert_cmpuint (g_strv_length (aliases), ==, 2);
  g_assert_cmpstr (aliases[0], ==, "fast");
  g_assert_cmpstr (aliases[1], ==, "smart");
  g_assert_cmpstr (sluice_config_resolve_alias (config, "smart"), ==, "big");
  g_assert_cmpstr (sluice_config_resolve_alias (config, "fast"), ==, "small");
  g_assert_cmpstr (sluice_config_resolve_alias (config, "small"), ==, "small");
  g_assert_null (sluice_config_resolve_alias (config, "m1"));
  g_assert_null (sluice_config_resolve_alias (config, "slow"));
  g_assert_cmpstr (sluice_config_get_default_chain (config), ==, "big");

  g_assert_cmpuint (sluice_config_get_n_rules (config), ==, 2);
  rule = sluice_config_get_rule (config, 0);
  g_assert_cmpstr (rule->name, ==, "long");
  g_assert_null (rule->tasks);
  g_assert_cmpint (rule->min_input_tokens, ==, 10000);
  g_assert_cmpint (rule->max_input_tokens, ==, -1);
  rule = sluice_config_get_rule (config, 1);
  g_assert_cmpstr (rule->tasks[1], ==, "yes-no");
  g_assert_cmpint (rule->min_input_tokens, ==, -1);
  g_assert_cmpint (rule->max_input_tokens, ==, 9999);
  g_assert_cmpstr (rule->chain, ==, "small");

  g_assert_cmpuint (sluice_config_get_n_users (config), ==, 1);
  g_assert_cmpstr (sluice_config_get_user (config, 0)->name, ==, "alice");
  g_assert_true (sluice_config_lookup_user (config, "alice") ==
                 sluice_config_get_user (config, 0));
  g_assert_null (sluice_config_lookup_user (config, "bob"));
  g_assert_true (sluice_config_lookup_user_by_key_hash (config, "sha256:"
                 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef") ==
                 sluice_config_get_user (config, 0));
  g_assert_null (sluice_config_lookup_user_by_key_hash (config, "sha256:"
                 "1123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));

  assert_round_trips (config);
}

static void
test_cache_policies_merge (void)
{
  g_autofree char *doc = edit_document ("}}\n",
    "},\n 'cache': {'policies': {'qa': {'tier': 'semantic', 'ttl_s': 60},"
    " 'code': {'tier': 'none'}, 'chat': {'tier': 'exact', 'ttl_s': 30}}}}\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(SluiceConfig) config = sluice_config_new_from_data (doc, -1, &error);
  const SluiceTtlPolicy *policy;

  g_assert_no_error (error);
  g_assert_cmpuint (sluice_config_get_n_ttl_policies (config), ==, 7);

  policy = sluice_config_lookup_ttl_policy (config, "qa");
  g_assert_cmpint (policy->ttl_s, ==, 60);
  g_assert_cmpfloat (policy->threshold, ==, 0.95);
  g_assert_cmpint (sluice_config_lookup_ttl_policy (config, "code")->tier, ==,
                   SLUICE_CACHE_TIER_NONE);
  g_assert_cmpint (sluice_config_lookup_ttl_policy (config, "chat")->ttl_s, ==, 30);
  g_assert_cmpint (sluice_config_lookup_ttl_policy (config, "classification")->ttl_s,
                   ==, 172800);

  /* Sorted by task. */
  for (guint i = 1; i < sluice_config_get_n_ttl_policies (config); i++)
    g_assert_cmpstr (sluice_config_get_ttl_policy (config, i - 1)->task, <,
                     sluice_config_get_ttl_policy (config, i)->task);

  assert_round_trips (config);
}

static void
test_canonical_digest (void)
{
  g_autoptr(SluiceConfig) base = load_base ();
  g_autofree char *reordered_doc = quote (
    "{'chains': {'big': ['m2'], 'small': ['m1', 'm2']},\n"
    " 'models': [{'context_window': 1000, 'price_out': 2, 'price_in': 1,"
    " 'provider': 'p1', 'name': 'm1'},\n"
    "  {'name': 'm2', 'provider': 'p2', 'price_in': 0.3, 'price_out': 0.6,"
    " 'context_window': 100000, 'max_output_tokens': 4096}],\n"
    " 'breaker': {'cooldown_s': 60},\n"
    " 'providers': [{'kind': 'mock', 'name': 'p1', 'timeout_ms': 60000},\n"
    "  {'name': 'p2', 'kind': 'openai', 'key': 'openai-prod',"
    " 'base_url': 'https://api.openai.com/v1'}], 'schema': 1}");
  g_autofree char *changed_doc = edit_document ("'price_in': 0.3", "'price_in': 0.31");
  g_autoptr(SluiceConfig) reordered = NULL;
  g_autoptr(SluiceConfig) changed = NULL;
  g_autofree char *text = sluice_config_to_json (base);
  g_autoptr(GError) error = NULL;

  reordered = sluice_config_new_from_data (reordered_doc, -1, &error);
  g_assert_no_error (error);
  changed = sluice_config_new_from_data (changed_doc, -1, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (sluice_config_get_digest (reordered), ==, sluice_config_get_digest (base));
  g_assert_cmpstr (sluice_config_get_digest (changed), !=, sluice_config_get_digest (base));

  /* Numbers are written in their shortest exact form. */
  g_assert_nonnull (strstr (text, "\"price_in\": 0.3,"));
  g_assert_nonnull (strstr (text, "\"price_in\": 1.0,"));
  g_assert_nonnull (strstr (text, "\"context_window\": 1000,"));
  g_assert_cmpint (g_checksum_type_get_length (G_CHECKSUM_SHA256) * 2, ==,
                   strlen (sluice_config_get_digest (base)));
}

static void
test_parse_error_position (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SluiceConfig) config = NULL;

  config = sluice_config_new_from_data ("{\"schema\": 1,\n  \"providers\": [}", -1, &error);
  g_assert_null (config);
  g_assert_error (error, SLUICE_CONFIG_ERROR, SLUICE_CONFIG_ERROR_PARSE);
  g_assert_true (g_str_has_prefix (error->message, "2:"));
  g_clear_error (&error);

  config = sluice_config_new_from_data ("", 0, &error);
  g_assert_error (error, SLUICE_CONFIG_ERROR, SLUICE_CONFIG_ERROR_PARSE);
  g_clear_error (&error);

  config = sluice_config_new_from_data ("{\"schema\": 1,\n \"schema\": 1}", -1, &error);
  g_assert_error (error, SLUICE_CONFIG_ERROR, SLUICE_CONFIG_ERROR_PARSE);
  g_assert_true (g_str_has_prefix (error->message, "2:"));
  g_assert_nonnull (strstr (error->message, "\"schema\" appears twice"));
}

static void
test_missing_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SluiceConfig) config = NULL;
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "no-such-config.json", NULL);

  config = sluice_config_new_from_file (path, &error);
  g_assert_null (config);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
}

/* Each invalid document: an edit of the base document (or a whole document
 * when find is NULL), the error code and the start of the message. */
typedef struct
{
  const char *name;
  const char *find;
  const char *replace;
  int         code;
  const char *message;
} InvalidCase;

#define INVALID SLUICE_CONFIG_ERROR_INVALID
#define HASH_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HASH_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static const InvalidCase invalid_cases[] = {
  { "not-json", "'chains'", "'chains' 'chains'", SLUICE_CONFIG_ERROR_PARSE,
    "6:9: unexpected string constant" },
  { "version", "'schema': 1", "'schema': 2", SLUICE_CONFIG_ERROR_VERSION,
    "$.schema: version 2 is not supported" },
  { "version-first", "'schema': 1,", "'schema': 3, 'bogus': 1,",
    SLUICE_CONFIG_ERROR_VERSION, "$.schema:" },
  { "schema-missing", "'schema': 1,", "", INVALID, "$.schema: required" },
  { "root-not-object", NULL, "[1, 2]", INVALID, "$: must be an object" },
  { "unknown-key", "'chains'", "'chians': {}, 'chains'", INVALID,
    "$.chians: unknown key (did you mean \"chains\"?)" },
  { "unknown-key-model", "'price_out'", "'prise_out'", INVALID,
    "$.models[0].prise_out: unknown key (did you mean \"price_out\"?)" },
  { "wrong-type", "'context_window': 1000", "'context_window': '1000'", INVALID,
    "$.models[0].context_window: must be an integer between 1 and 1000000000" },
  { "fractional-integer", "'context_window': 1000", "'context_window': 1000.5",
    INVALID, "$.models[0].context_window: must be an integer" },
  { "required-member", "'price_out': 2.0, ", "", INVALID,
    "$.models[0].price_out: required" },
  { "negative-price", "'price_in': 1.0", "'price_in': -1", INVALID,
    "$.models[0].price_in: must be a number >= 0" },
  { "unknown-provider", "'provider': 'p2'", "'provider': 'p3'", INVALID,
    "$.models[1].provider: unknown provider \"p3\"" },
  { "unknown-model", "'big': ['m2']", "'big': ['m2', 'm3']", INVALID,
    "$.chains.big[1]: unknown model \"m3\"" },
  { "duplicate-provider", "'name': 'p2'", "'name': 'p1'", INVALID,
    "$.providers[1].name: duplicate provider name \"p1\"" },
  { "duplicate-model", "'name': 'm2'", "'name': 'm1'", INVALID,
    "$.models[1].name: duplicate model name \"m1\"" },
  { "duplicate-in-chain", "['m1', 'm2']", "['m1', 'm1']", INVALID,
    "$.chains.small[1]: model \"m1\" appears twice" },
  { "duplicate-member", "'big': ['m2']", "'small': ['m2']",
    SLUICE_CONFIG_ERROR_PARSE, "6:50: member \"small\" appears twice" },
  { "empty-chain", "'big': ['m2']", "'big': []", INVALID,
    "$.chains.big: a chain needs at least one model" },
  { "no-chains", "{'small': ['m1', 'm2'], 'big': ['m2']}", "{}", INVALID,
    "$.chains: needs at least one chain" },
  { "chain-named-like-model", "'big'", "'m2'", INVALID,
    "$.chains.m2: \"m2\" is already a model's name" },
  { "secret-key", "'openai-prod'", "'sk-proj-abc123'", INVALID,
    "$.providers[1].key: this looks like a secret key; store the key in the "
    "Secret Service and put its name here" },
  { "long-key", "'openai-prod'",
    "'openai-openai-openai-openai-openai-openai-openai-openai-openai-openai'",
    INVALID, "$.providers[1].key: this looks like a secret key" },
  { "bad-url", "'kind': 'openai'", "'kind': 'openai', 'base_url': 'ftp://x.org'",
    INVALID, "$.providers[1].base_url: must be an http:// or https:// URL" },
  { "bad-kind", "'kind': 'openai'", "'kind': 'openia'", INVALID,
    "$.providers[1].kind: must be one of" },
  { "timeout-range", "'kind': 'mock'", "'kind': 'mock', 'timeout_ms': 10",
    INVALID, "$.providers[0].timeout_ms: must be an integer between 100 and 600000" },
  { "connect-timeout-above-timeout", "'kind': 'mock'",
    "'kind': 'mock', 'timeout_ms': 1000, 'connect_timeout_ms': 2000",
    INVALID, "$.providers[0].connect_timeout_ms: must not exceed timeout_ms" },
  { "mock-section-error", "'kind': 'mock'",
    "'kind': 'mock', 'mock': {'latency_ms': {'p50': 'slow'}}", INVALID,
    "$.providers[0].mock.latency_ms.p50:" },
  { "mock-on-real-provider", "'key': 'openai-prod'",
    "'key': 'openai-prod', 'mock': {}", INVALID,
    "$.providers[1].mock: only allowed for providers of kind \"mock\"" },
  { "bad-date", "'name': 'm1',", "'name': 'm1', 'retires': '2027-02-30',",
    INVALID, "$.models[0].retires: must be a date in the form YYYY-MM-DD" },
  { "replacement-self", "'name': 'm1',", "'name': 'm1', 'replacement': 'm1',",
    INVALID, "$.models[0].replacement: must name another model" },
  { "replacement-unknown", "'name': 'm1',", "'name': 'm1', 'replacement': 'm9',",
    INVALID, "$.models[0].replacement: unknown model \"m9\"" },
  { "replacement-cycle", "1000},\n            {'name': 'm2',",
    "1000, 'replacement': 'm2'},\n {'name': 'm2', 'replacement': 'm1',", INVALID,
    "$.models[0].replacement: the replacements of \"m1\" form a cycle" },
  { "max-output-above-window", "'context_window': 1000",
    "'context_window': 1000, 'max_output_tokens': 2000", INVALID,
    "$.models[0].max_output_tokens: must not exceed context_window (1000)" },
  { "bad-fraction", "}}\n", "}, 'budgets': {'alert_fractions': [0.5, 1.5]}}",
    INVALID, "$.budgets.alert_fractions[1]: must be a number in (0, 1]" },
  { "static-response-content", "}}\n", "}, 'degradation': {'static_responses': [{'name': 'x'}]}}",
    INVALID, "$.degradation.static_responses[0].content: required" },
  { "static-response-duplicate", "}}\n", "}, 'degradation': {'static_responses': "
    "[{'name': 'x', 'content': 'a'}, {'name': 'x', 'content': 'b'}]}}",
    INVALID, "$.degradation.static_responses[1].name: another static response" },
  { "deferred-backoff", "}}\n", "}, 'degradation': {'deferred': {'base_backoff_s': 60, 'max_backoff_s': 30}}}",
    INVALID, "$.degradation.deferred.max_backoff_s: must be at least base_backoff_s (60)" },
  { "cache-temperature", "}}\n", "}, 'cache': {'max_temperature': 3}}",
    INVALID, "$.cache.max_temperature: must be" },
  { "cache-filler-words", "}}\n", "}, 'cache': {'filler_words': ['um', 7]}}",
    INVALID, "$.cache.filler_words[1]: must be a string" },
  { "zero-error-ratio", "}}\n", "}, 'breaker': {'error_ratio': 0}}",
    INVALID, "$.breaker.error_ratio: must be a number in (0, 1]" },
  { "rule-bad-output", "}}\n", "}, 'routing': {'default': 'small', 'rules': [{'name': 'r',"
    " 'output': ['xml'], 'chain': 'big'}]}}",
    INVALID, "$.routing.rules[0].output[0]: must be \"json\", \"tools\" or \"text\"" },
  { "rule-unknown-alias", "}}\n", "}, 'routing': {'default': 'small', 'rules': [{'name': 'r',"
    " 'aliases': ['nope'], 'chain': 'big'}]}}",
    INVALID, "$.routing.rules[0].aliases[0]: \"nope\" is neither an alias nor a chain" },
  { "rule-bad-hours", "}}\n", "}, 'routing': {'default': 'small', 'rules': [{'name': 'r',"
    " 'hours': {'from': '25:00', 'to': '06:00'}, 'chain': 'big'}]}}",
    INVALID, "$.routing.rules[0].hours.from: must be between 00:00 and 23:59" },
  { "rule-empty-hours", "}}\n", "}, 'routing': {'default': 'small', 'rules': [{'name': 'r',"
    " 'hours': {'from': '06:00', 'to': '06:00'}, 'chain': 'big'}]}}",
    INVALID, "$.routing.rules[0].hours.to: must differ from \"from\"" },
  { "rule-budget-without-chain", "}}\n", "}, 'routing': {'default': 'small', 'rules': ["
    "{'name': 'r', 'chain': 'big', 'when_budget_above': 0.8}]}}",
    INVALID, "$.routing.rules[0].when_budget_above: needs \"cheaper_chain\"" },
  { "rule-cheaper-without-budget", "}}\n", "}, 'routing': {'default': 'small', 'rules': ["
    "{'name': 'r', 'chain': 'big', 'cheaper_chain': 'small'}]}}",
    INVALID, "$.routing.rules[0].cheaper_chain: needs \"when_budget_above\"" },
  { "rule-cap-temperature", "}}\n", "}, 'routing': {'default': 'small', 'rules': ["
    "{'name': 'r', 'chain': 'big', 'cap_temperature': 3}]}}",
    INVALID, "$.routing.rules[0].cap_temperature: must be" },
  { "routing-min-confidence", "}}\n", "}, 'routing': {'default': 'small', 'min_confidence': 2}}",
    INVALID, "$.routing.min_confidence: must be" },
  { "routing-unknown-member", "}}\n", "}, 'routing': {'default': 'small', 'rules': ["
    "{'name': 'r', 'chain': 'big', 'user': ['a']}]}}",
    INVALID, "$.routing.rules[0].user: unknown key (did you mean \"users\"?)" },
  { "alias-unknown-chain", "}}\n", "}, 'aliases': {'fast': 'tiny'}}",
    INVALID, "$.aliases.fast: unknown chain \"tiny\"" },
  { "alias-shadows-chain", "}}\n", "}, 'aliases': {'big': 'small'}}",
    INVALID, "$.aliases.big: \"big\" is already a chain's name" },
  { "rule-unknown-chain", "}}\n",
    "}, 'routing': {'default': 'small', 'rules': [{'name': 'r', 'chain': 'huge'}]}}",
    INVALID, "$.routing.rules[0].chain: unknown chain \"huge\"" },
  { "rule-bounds", "}}\n",
    "}, 'routing': {'default': 'small', 'rules': [{'name': 'r', 'chain': 'big',"
    " 'min_input_tokens': 10, 'max_input_tokens': 5}]}}",
    INVALID, "$.routing.rules[0].max_input_tokens: must be at least min_input_tokens" },
  { "routing-default-missing", "}}\n", "}, 'routing': {'rules': []}}",
    INVALID, "$.routing.default: required" },
  { "no-default-chain", "'small'", "'tiny'", INVALID, "$.routing: required" },
  { "threshold-on-exact", "}}\n",
    "}, 'cache': {'policies': {'code': {'tier': 'exact', 'ttl_s': 5, 'threshold': 0.9}}}}",
    INVALID, "$.cache.policies.code.threshold: only allowed with the \"semantic\" tier" },
  { "bad-tier", "}}\n", "}, 'cache': {'policies': {'code': {'tier': 'fuzzy'}}}}",
    INVALID, "$.cache.policies.code.tier: must be one of" },
  { "bad-key-hash", "}}\n", "}, 'users': [{'name': 'bob', 'key_hash': 'sk-123'}]}",
    INVALID, "$.users[0].key_hash: must be \"sha256:\"" },
  { "duplicate-key-hash", "}}\n", "}, 'users': ["
    "{'name': 'ann', 'key_hash': 'sha256:" HASH_A "'},"
    "{'name': 'bob', 'key_hash': 'sha256:" HASH_A "'}]}",
    INVALID, "$.users[1].key_hash: the same key as user \"ann\"" },
  { "duplicate-user", "}}\n", "}, 'users': ["
    "{'name': 'ann', 'key_hash': 'sha256:" HASH_A "'},"
    "{'name': 'ann', 'key_hash': 'sha256:" HASH_B "'}]}",
    INVALID, "$.users[1].name: duplicate user name \"ann\"" },
  { "first-error-wins", "'price_in': 1.0", "'price_in': -1, 'oops': 1", INVALID,
    "$.models[0].price_in:" },
  { "first-error-wins-references", "'provider': 'p1'", "'provider': 'px'", INVALID,
    "$.models[0].provider: unknown provider \"px\" (did you mean \"p1\"?)" },
  { "price-not-in-table", "'price_in': 1.0, 'price_out': 2.0, ", "", INVALID,
    "$.models[0].price_in: required (the default price table does not list \"m1\")" },
  { "negative-rate", "'kind': 'mock'", "'kind': 'mock', 'limits': {'rpm': -1}", INVALID,
    "$.providers[0].limits.rpm: must be an integer between 0 and" },
  { "unknown-rate", "'context_window': 1000", "'context_window': 1000, "
    "'limits': {'rpn': 1}", INVALID,
    "$.models[0].limits.rpn: unknown key (did you mean \"rpm\"?)" },
  { "counters-store", "}}\n", "}, 'counters': {'store': 'mongo'}}", INVALID,
    "$.counters.store: must be \"memory\" or \"redis\"" },
  { "counters-url", "}}\n", "}, 'counters': {'redis_url': 'http://x'}}", INVALID,
    "$.counters.redis_url: must be redis://HOST[:PORT][/DB] or unix:///PATH" },
  { "cache-redis-url", "}}\n", "}, 'cache': {'redis_url': 'http://x'}}", INVALID,
    "$.cache.redis_url: must be redis://HOST[:PORT][/DB] or unix:///PATH" },
  { "cache-redis-url-type", "}}\n", "}, 'cache': {'redis_url': 6379}}", INVALID,
    "$.cache.redis_url: must be a string" },
  { "counters-on-loss", "}}\n", "}, 'counters': {'on_loss': 'maybe'}}", INVALID,
    "$.counters.on_loss: must be \"fail_open\" or \"fail_closed\"" },
  { "tokenizer-encoding", "}}\n", "}, 'limits': {'tokenizer': {'encoding': 'p50k'}}}",
    INVALID, "$.limits.tokenizer.encoding: must be \"o200k_base\" or \"cl100k_base\"" },
  { "tokenizer-path", "}}\n", "}, 'limits': {'tokenizer': {'path': 'rel.tiktoken'}}}",
    INVALID, "$.limits.tokenizer.path: must be an absolute path" },
  { "cut-streams", "}}\n", "}, 'budgets': {'cut_streams': 1}}", INVALID,
    "$.budgets.cut_streams: must be true or false" },
  /* monitoring (observability) */
  { "monitoring-sample-rate", "'chains'", "'monitoring': {'quality': {'sample_rate': 1.5}}, 'chains'",
    INVALID, "$.monitoring.quality.sample_rate: must be a number between 0 and 1" },
  { "monitoring-unknown", "'chains'", "'monitoring': {'drift': {'treshold': 0.2}}, 'chains'",
    INVALID, "$.monitoring.drift.treshold: unknown key (did you mean \"threshold\"?)" },
  { "monitoring-format-route", "'chains'",
    "'monitoring': {'quality': {'formats': {'nope': {'regex': 'x'}}}}, 'chains'",
    INVALID, "$.monitoring.quality.formats.nope: no chain or model is called \"nope\"" },
  { "monitoring-bad-regex", "'chains'",
    "'monitoring': {'quality': {'formats': {'small': {'regex': '(['}}}}, 'chains'",
    INVALID, "$.monitoring.quality.formats.small.regex: not a valid regular expression" },
  { "monitoring-schema-keyword", "'chains'",
    "'monitoring': {'quality': {'formats': {'small': {'schema': {'pattern': 'x'}}}}}, 'chains'",
    INVALID, "$.monitoring.quality.formats.small.schema: keyword \"pattern\" is not supported" },
  { "monitoring-judge-model", "'chains'",
    "'monitoring': {'quality': {'judge': {'model': 'm9'}}}, 'chains'",
    INVALID, "$.monitoring.quality.judge.model: unknown model \"m9\"" },
  { "monitoring-webhook-url", "'chains'",
    "'monitoring': {'webhook': {'url': 'ftp://x'}}, 'chains'",
    INVALID, "$.monitoring.webhook.url: must be an http:// or https:// URL" },
  { "monitoring-retention", "'chains'",
    "'monitoring': {'rollups': {'retention_days': 1}}, 'chains'",
    INVALID, "$.monitoring.rollups.retention_days: must be an integer between 2 and 3650" },
};

static void
test_invalid (gconstpointer data)
{
  const InvalidCase *c = data;
  g_autofree char *doc = c->find != NULL ? edit_document (c->find, c->replace)
                                         : quote (c->replace);
  g_autoptr(GError) error = NULL;
  g_autoptr(SluiceConfig) config = NULL;

  config = sluice_config_new_from_data (doc, -1, &error);
  g_assert_null (config);
  g_assert_error (error, SLUICE_CONFIG_ERROR, c->code);
  if (!g_str_has_prefix (error->message, c->message))
    g_test_fail_printf ("expected a message starting with \"%s\", got \"%s\"",
                        c->message, error->message);
}

static void
test_monitoring (void)
{
  g_autoptr(SluiceConfig) base = load_base ();
  const SluiceMonitoringConfig *m = sluice_config_get_monitoring (base);
  g_autofree char *doc = edit_document ("'chains'",
    "'monitoring': {'quality': {'sample_rate': 0.5, 'blocklist': ['bad'],"
    " 'formats': {'small': {'regex': '^[{]', 'schema': {'type': 'object', 'required': ['a']}},"
    " 'm1': {'regex': 'x'}}, 'judge': {'model': 'm2'}},"
    " 'drift': {'threshold': 0.3}, 'webhook': {'url': 'http://127.0.0.1:9/hook'}}, 'chains'");
  g_autoptr(SluiceConfig) config = NULL;
  g_autoptr(SluiceConfig) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  /* Defaults. */
  g_assert_cmpfloat (m->quality_sample_rate, ==, 0.05);
  g_assert_cmpfloat (m->quality_drop_threshold, ==, 0.10);
  g_assert_cmpfloat (m->drift_threshold, ==, 0.15);
  g_assert_cmpfloat (m->cost_jump_threshold, ==, 0.2);
  g_assert_cmpuint (m->retention_days, ==, 30);
  g_assert_null (m->webhook_url);
  g_assert_null (m->judge_model);

  config = sluice_config_new_from_data (doc, -1, &error);
  g_assert_no_error (error);
  m = sluice_config_get_monitoring (config);
  g_assert_cmpfloat (m->quality_sample_rate, ==, 0.5);
  g_assert_cmpstr (m->blocklist[0], ==, "bad");
  g_assert_cmpuint (m->formats->len, ==, 2);
  /* Sorted by route, so the canonical text does not depend on order. */
  g_assert_cmpstr (((SluiceFormatCheck *) g_ptr_array_index (m->formats, 0))->route, ==, "m1");
  g_assert_nonnull (((SluiceFormatCheck *) g_ptr_array_index (m->formats, 1))->schema);
  g_assert_cmpstr (m->judge_model, ==, "m2");
  g_assert_cmpstr (m->webhook_url, ==, "http://127.0.0.1:9/hook");
  g_assert_cmpuint (m->webhook_retries, ==, 3);

  /* The canonical writer round-trips it. */
  text = sluice_config_to_json (config);
  again = sluice_config_new_from_data (text, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sluice_config_get_digest (again), ==, sluice_config_get_digest (config));
  g_assert_cmpstr (sluice_config_get_monitoring (again)->judge_model, ==, "m2");
}

static void
add_invalid_tests (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (invalid_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/engine/config/invalid/%s",
                                               invalid_cases[i].name);

      g_test_add_data_func (path, &invalid_cases[i], test_invalid);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/engine/config/default/valid", test_default_valid);
  g_test_add_func ("/engine/config/default/round-trip", test_default_round_trip);
  g_test_add_func ("/engine/config/default/matches-file", test_default_matches_file);
  g_test_add_func ("/engine/config/defaults-filled", test_defaults_filled);
  g_test_add_func ("/engine/config/lookups", test_lookups);
  g_test_add_func ("/engine/config/monitoring", test_monitoring);
  g_test_add_func ("/engine/config/limits-sections", test_limits_sections);
  g_test_add_func ("/engine/config/cache/redis-url", test_cache_redis_url);
  g_test_add_func ("/engine/config/aliases-and-rules", test_aliases_and_rules);
  g_test_add_func ("/engine/config/routing/rules-full", test_routing_rules_full);
  g_test_add_func ("/engine/config/cache/policies-merge", test_cache_policies_merge);
  g_test_add_func ("/engine/config/canonical/digest", test_canonical_digest);
  g_test_add_func ("/engine/config/parse-error/position", test_parse_error_position);
  g_test_add_func ("/engine/config/file/missing", test_missing_file);
  add_invalid_tests ();

  return g_test_run ();
}
