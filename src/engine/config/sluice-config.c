/* sluice-config.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The configuration document, schema version 1.
 *
 * One JSON object. Unknown keys anywhere are errors, so a typo never passes
 * silently. Names (providers, models, chains, aliases, rules, tasks, users)
 * are 1–64 letters, digits and . _ : / -, starting with a letter or digit.
 * Model, chain and alias names share one namespace, because a request names
 * any of them in the same field.
 *
 *   "schema": 1                                  required; else a VERSION error
 *
 *   "providers": [                               required, at least one
 *     { "name": "mock-cloud-a",                  required, unique
 *       "kind": "mock" | "openai" | "anthropic" | "gemini",    required
 *       "base_url": "https://…",                 http(s), no query/fragment;
 *                                                default per kind; a mock
 *                                                without one runs in-process
 *       "key": "openai",                         the NAME of a key in the
 *                                                Secret Service / environment,
 *                                                never the key (anything that
 *                                                looks like one is refused)
 *       "timeout_ms": 60000,                     100 … 600000
 *       "connect_timeout_ms": 5000,              100 … 60000, ≤ timeout_ms
 *       "limits": { "rpm": 0, "tpm": 0,           optional rate limits over
 *                   "tpd": 0, "concurrency": 0 }  all its models; integers
 *                                                ≥ 0, 0 or absent = none
 *       "mock": { … } } ]                        kind "mock" only; read by
 *                                                sluice_mock_behaviour_new_from_json
 *
 *   "models": [                                  required, at least one
 *     { "name": "mock-large",                    required, unique
 *       "provider": "mock-cloud-a",              required, a provider's name
 *       "upstream": "mock-large-2026",           the provider's id; default name
 *       "price_in": 3.0,                         USD per 1M tokens, ≥ 0; required
 *                                                unless the default price table
 *                                                (data/prices.json) lists upstream
 *       "price_cached_in": 0.3,                  ≥ 0, default from the table,
 *                                                else price_in
 *       "price_out": 15.0,                       ≥ 0, required as price_in
 *       "context_window": 200000,                required, 1 … 10⁹
 *       "max_output_tokens": 8192,               ≤ context_window, default
 *                                                min (4096, context_window)
 *       "retires": "2027-06-30",                 optional YYYY-MM-DD
 *       "replacement": "mock-large-v2",          optional, another model; no cycles
 *       "latency_threshold_ms": 0,               0 … 600000, 0 = none
 *       "hedge": false,                          at the threshold, start the
 *                                                next model beside it; first
 *                                                answer wins (needs a threshold)
 *       "kind": "chat" | "embedding",            default chat; embedding
 *                                                models answer only
 *                                                sluice_engine_embed_async,
 *                                                a chain never mixes kinds
 *                                                and routing picks only chat
 *       "limits": { "rpm", "tpm", "tpd", "concurrency" } } ]   as providers'
 *
 *   "chains": { "frontier": [ "mock-large", … ] }     required, at least one
 *                                                chain; each a non-empty list
 *                                                of distinct models, tried in
 *                                                order
 *
 *   "aliases": { "fast": "small" }               alias → chain; default {}
 *
 *   "routing": {                                 default: { "default": "small" }
 *     "default": "small",                        required, a chain
 *     "rules": [                                 first match wins; default [].
 *                                                A request naming a concrete
 *                                                model skips them; one naming
 *                                                an alias or chain is routed
 *                                                by them too, and falls back
 *                                                to that chain, not "default"
 *       { "name": "…",                           required, unique
 *         conditions, all optional (absent = any); every one given must hold:
 *         "tasks": [ "classification", … ],      non-empty; the caller's task
 *                                                (x-sluice-task, metadata.task)
 *                                                else the classifier's guess
 *         "min_input_tokens": N,                 estimated input ≥ N
 *         "max_input_tokens": N,                 estimated input ≤ N
 *         "output": [ "json" | "tools" | "text" ],   what the caller wants
 *                                                back (tools win over json)
 *         "users": [ "alice", … ],               the request's user (a
 *                                                virtual key's user)
 *         "aliases": [ "smart", … ],             the alias or chain name
 *                                                asked for; each must exist
 *         "hours": { "from": "22:00",            local time on the engine's
 *                    "to": "06:00" },            clock, from ≤ t < to; wraps
 *                                                midnight when to < from
 *         the action:
 *         "chain": "frontier",                   required, a chain
 *         "cap_max_tokens": N,                   1 … 10⁹: max_tokens of the
 *                                                dispatched copy at most N
 *         "cap_temperature": 0.3,                0 … 2, likewise
 *         "when_budget_above": 0.8,              (0, 1]; with cheaper_chain:
 *         "cheaper_chain": "small" } ],          past this fraction of the
 *                                                user's or global budget
 *                                                (limiter readings), take it
 *     "min_confidence": 0.5,                     0 … 1: a guessed task less
 *                                                sure than this routes up
 *                                                (never down) where the guess
 *                                                decided (a rule on tasks, or
 *                                                no rule matched)
 *     "uncertain": "frontier" }                  optional chain "up" means;
 *                                                default the most capable (by
 *                                                its first model's price); for
 *                                                an alias, the alias's chain
 *
 *   "cache": { "policies": {                     task → policy; tasks named
 *     "qa": { "tier": "none" | "exact" | "semantic",   here override the
 *             "ttl_s": 7200,                     defaults, the others keep
 *             "threshold": 0.95 } } }            them. ttl_s: 1 … 1 year
 *                                                (0 or absent for none);
 *                                                threshold in (0, 1],
 *                                                semantic only, default 0.95.
 *     Defaults: classification exact 48 h, code exact 3 h, creative none,
 *     extraction exact 36 h, qa semantic 2 h 0.95, summarisation exact 8 h.
 *     Beside "policies": "max_entries": 10000 and "max_bytes": 268435456
 *     (0 = no cap; LRU eviction past either), "max_temperature": 0.7 (above
 *     it nothing is cached), "stale_grace_s": 86400 (expired entries kept
 *     for degradation), "local_threshold": 0 (the local embedder's
 *     calibrated 0.50), "filler_words": [ … ] (default: the built-in list),
 *     "redis_url": "redis://HOST[:PORT][/DB]" or "unix:///PATH" (optional:
 *     the exact tier is also kept there, shared by every instance, with
 *     the counters' prefix + "cache:"; without Redis, local only),
 *     "embedder": "local" (default) | { "model": "<an embedding model>",
 *     "dimensions": 1 … 8192 } (the semantic tier's vectors from a provider,
 *     through sluice_engine_embed_async, metered like any call).
 *
 *   "budgets": { "tokens_per_request": 50000, "user_tokens_per_hour": 200000,
 *                "user_tokens_per_day": 1000000,
 *                "global_tokens_per_hour": 5000000,     tokens: integers ≥ 1
 *                "user_usd_per_day": 50.0, "global_usd_per_day": 500.0,  ≥ 0
 *                "alert_fractions": [ 0.5, 0.8, 1.0 ],   each in (0, 1],
 *                                                increasing
 *                "cut_streams": true }           cut a stream whose output
 *                                                outgrows its reservation
 *
 *   "limits": { "global": { "rpm", "tpm", "tpd", "concurrency" },  as providers'
 *               "tokenizer": { "encoding": "o200k_base" | "cl100k_base",
 *                              "path": "/…/o200k_base.tiktoken" } }  path
 *                                                optional: without it (or when
 *                                                the file is missing) tokens
 *                                                are estimated
 *
 *   "counters": { "store": "memory" | "redis",   default "memory"
 *                 "redis_url": "redis://127.0.0.1:6379/0",   or unix:///path
 *                 "on_loss": "fail_closed" | "fail_open",    default closed
 *                 "prefix": "sluice:" }          every Redis key starts so
 *
 *   "breaker": { "consecutive_failures": 3, "error_ratio": 0.5 (in (0, 1]),
 *                "window_s": 60, "min_requests": 10, "cooldown_s": 60,
 *                "max_cooldown_s": 600 (≥ cooldown_s) }
 *
 *   "retry": { "max_attempts": 3 (1 … 10), "base_backoff_ms": 250,
 *              "max_backoff_ms": 8000 (≥ base), "budget_ratio": 0.1 (0 … 1),
 *              "budget_window_s": 60, "deadline_ms": 120000 }
 *
 *   "storm_guard": { "max_repeats": 20, "window_s": 300 }
 *
 *   "degradation": { "static_responses": [ … ], "deferred": { … } }
 *                                                see sluice-config-parse-degradation.c
 *
 *   "users": [ { "name": "alice",                required, unique
 *                "key_hash": "sha256:<64 lowercase hex>",      unique
 *                "limits": { "rpm", "tpm", "tpd", "concurrency" } } ]  quotas
 *
 *   "monitoring": { "quality": { … }, "drift": { … }, "cost": { … },
 *                   "rollups": { … }, "webhook": { … } }
 *                                                observability; documented in
 *                                                sluice-config-parse-monitoring.c
 *
 * Errors: not JSON (or a member repeated in one object) → PARSE, message
 * "line:column: reason"; schema other than 1 → VERSION; anything else →
 * INVALID, message "<JSON path>: <reason>", e.g.
 * "$.models[2].price_in: must be a number >= 0". Members are checked in
 * document order and the first error is reported.
 *
 * The canonical text (sluice_config_to_json) lists every member in the order
 * above with all defaults filled in; chains, aliases and cache policies are
 * sorted by name. Its SHA-256 is the digest, so two documents that mean the
 * same configuration have the same digest.
 */

#define G_LOG_DOMAIN "sluice-config"

#include "config.h"

#include <string.h>

#include "sluice-config-private.h"
#include "sluice-engine-resources.h"

#define DEFAULT_CONFIG_RESOURCE "/io/github/sluice/engine/default-config.json"

G_DEFINE_QUARK (sluice-config-error-quark, sluice_config_error)

G_DEFINE_FINAL_TYPE (SluiceConfig, sluice_config, G_TYPE_OBJECT)

void
_sluice_provider_config_free (SluiceProviderConfig *provider)
{
  g_free (provider->name);
  g_free (provider->base_url);
  g_free (provider->key_ref);
  g_clear_pointer (&provider->mock, sluice_mock_behaviour_unref);
  g_free (provider);
}

void
_sluice_model_config_free (SluiceModelConfig *model)
{
  g_free (model->name);
  g_free (model->provider);
  g_free (model->upstream);
  g_free (model->retires);
  g_free (model->replacement);
  g_free (model);
}

void
_sluice_chain_config_free (SluiceChainConfig *chain)
{
  g_free (chain->name);
  g_strfreev (chain->models);
  g_free (chain);
}

void
_sluice_alias_config_free (SluiceAliasConfig *alias)
{
  g_free (alias->name);
  g_free (alias->chain);
  g_free (alias);
}

void
_sluice_route_rule_free (SluiceRouteRule *rule)
{
  g_free (rule->name);
  g_strfreev (rule->tasks);
  g_strfreev (rule->outputs);
  g_strfreev (rule->users);
  g_strfreev (rule->aliases);
  g_free (rule->chain);
  g_free (rule->cheaper_chain);
  g_free (rule);
}

void
_sluice_ttl_policy_free (SluiceTtlPolicy *policy)
{
  g_free (policy->task);
  g_free (policy);
}

void
_sluice_user_config_free (SluiceUserConfig *user)
{
  g_free (user->name);
  g_free (user->key_hash);
  g_free (user);
}

static void
sluice_config_finalize (GObject *object)
{
  SluiceConfig *self = (SluiceConfig *) object;

  g_clear_pointer (&self->provider_index, g_hash_table_unref);
  g_clear_pointer (&self->model_index, g_hash_table_unref);
  g_clear_pointer (&self->chain_index, g_hash_table_unref);
  g_clear_pointer (&self->alias_index, g_hash_table_unref);
  g_clear_pointer (&self->ttl_index, g_hash_table_unref);
  g_clear_pointer (&self->user_index, g_hash_table_unref);
  g_clear_pointer (&self->key_hash_index, g_hash_table_unref);

  g_clear_pointer (&self->providers, g_ptr_array_unref);
  g_clear_pointer (&self->models, g_ptr_array_unref);
  g_clear_pointer (&self->chains, g_ptr_array_unref);
  g_clear_pointer (&self->aliases, g_ptr_array_unref);
  g_clear_pointer (&self->rules, g_ptr_array_unref);
  g_clear_pointer (&self->ttl_policies, g_ptr_array_unref);
  g_clear_pointer (&self->static_responses, g_ptr_array_unref);
  g_clear_pointer (&self->users, g_ptr_array_unref);

  g_clear_pointer (&self->budgets.alert_fractions, g_free);
  g_clear_pointer (&self->cache.filler_words, g_strfreev);
  g_clear_pointer (&self->cache.embedder_model, g_free);
  g_clear_pointer (&self->cache.redis_url, g_free);
  g_clear_pointer (&self->limits.tokenizer_encoding, g_free);
  g_clear_pointer (&self->limits.tokenizer_path, g_free);
  g_clear_pointer (&self->counters.redis_url, g_free);
  g_clear_pointer (&self->counters.prefix, g_free);
  _sluice_config_clear_monitoring (self);
  g_clear_pointer (&self->default_chain, g_free);
  g_clear_pointer (&self->uncertain_chain, g_free);
  g_clear_pointer (&self->canonical, g_free);
  g_clear_pointer (&self->digest, g_free);

  G_OBJECT_CLASS (sluice_config_parent_class)->finalize (object);
}

static void
sluice_config_class_init (SluiceConfigClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sluice_config_finalize;
}

static void
sluice_config_init (SluiceConfig *self)
{
  self->providers = g_ptr_array_new_with_free_func ((GDestroyNotify) _sluice_provider_config_free);
  self->models = g_ptr_array_new_with_free_func ((GDestroyNotify) _sluice_model_config_free);
  self->chains = g_ptr_array_new_with_free_func ((GDestroyNotify) _sluice_chain_config_free);
  self->aliases = g_ptr_array_new_with_free_func ((GDestroyNotify) _sluice_alias_config_free);
  self->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) _sluice_route_rule_free);
  self->ttl_policies = g_ptr_array_new_with_free_func ((GDestroyNotify) _sluice_ttl_policy_free);
  self->static_responses = g_ptr_array_new_with_free_func ((GDestroyNotify) _sluice_static_response_free);
  self->users = g_ptr_array_new_with_free_func ((GDestroyNotify) _sluice_user_config_free);
  self->min_confidence = 0.5;

  self->provider_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->model_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->chain_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->alias_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->ttl_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->user_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->key_hash_index = g_hash_table_new (g_str_hash, g_str_equal);
}

/**
 * sluice_config_new_from_data:
 * @data: the JSON document
 * @length: the length of @data, or -1 if it is nul-terminated
 * @error: return location for a #SLUICE_CONFIG_ERROR
 *
 * Validates the document and builds an immutable configuration from it.
 *
 * Returns: (transfer full) (nullable): the configuration, or %NULL with
 *   @error set
 */
SluiceConfig *
sluice_config_new_from_data (const char  *data,
                             gssize       length,
                             GError     **error)
{
  g_autoptr(SluiceConfig) self = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) canonical = NULL;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(root = _sluice_config_parse_text (data, length, error)))
    return NULL;

  self = g_object_new (SLUICE_TYPE_CONFIG, NULL);
  if (!_sluice_config_parse (self, root, error))
    return NULL;

  /* Computed now, so that reading a config never writes to it. */
  canonical = _sluice_config_build_json (self);
  self->canonical = _sluice_config_write_json (canonical);
  self->digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, self->canonical, -1);

  return g_steal_pointer (&self);
}

/**
 * sluice_config_new_from_file:
 * @path: a file holding a JSON document
 * @error: return location for a #GFileError or #SLUICE_CONFIG_ERROR
 *
 * Returns: (transfer full) (nullable): the configuration, or %NULL with
 *   @error set
 */
SluiceConfig *
sluice_config_new_from_file (const char  *path,
                             GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;

  return sluice_config_new_from_data (contents, length, error);
}

/**
 * sluice_config_new_default:
 *
 * Loads the built-in configuration, which runs offline on the mock
 * providers. It is validated by the test suite; an invalid one is a bug.
 *
 * Returns: (transfer full): the default configuration
 */
SluiceConfig *
sluice_config_new_default (void)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  SluiceConfig *self;

  bytes = g_resource_lookup_data (sluice_engine_get_resource (),
                                  DEFAULT_CONFIG_RESOURCE,
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes == NULL)
    g_error ("Cannot load %s: %s", DEFAULT_CONFIG_RESOURCE, error->message);

  self = sluice_config_new_from_data (g_bytes_get_data (bytes, NULL),
                                      g_bytes_get_size (bytes), &error);
  if (self == NULL)
    g_error ("The built-in configuration is invalid: %s", error->message);

  return self;
}

/**
 * sluice_config_to_json:
 * @self: a #SluiceConfig
 *
 * Returns: (transfer full): the canonical JSON text, with every default
 *   filled in; it reads back to an equal configuration
 */
char *
sluice_config_to_json (SluiceConfig *self)
{
  g_return_val_if_fail (SLUICE_IS_CONFIG (self), NULL);

  return g_strdup (self->canonical);
}

/**
 * sluice_config_get_digest:
 * @self: a #SluiceConfig
 *
 * Returns: the SHA-256 of the canonical text, in lowercase hex
 */
const char *
sluice_config_get_digest (SluiceConfig *self)
{
  g_return_val_if_fail (SLUICE_IS_CONFIG (self), NULL);

  return self->digest;
}

#define DEFINE_LIST_GETTERS(Type, thing, array)                          \
guint                                                                    \
sluice_config_get_n_##array (SluiceConfig *self)                         \
{                                                                        \
  g_return_val_if_fail (SLUICE_IS_CONFIG (self), 0);                     \
  return self->array->len;                                               \
}                                                                        \
                                                                         \
const Type *                                                             \
sluice_config_get_##thing (SluiceConfig *self,                           \
                           guint         index)                          \
{                                                                        \
  g_return_val_if_fail (SLUICE_IS_CONFIG (self), NULL);                  \
  g_return_val_if_fail (index < self->array->len, NULL);                 \
  return g_ptr_array_index (self->array, index);                         \
}

/* Entries keep the order of the document, except chains and TTL policies,
 * which are sorted by name. */
DEFINE_LIST_GETTERS (SluiceProviderConfig, provider, providers)
DEFINE_LIST_GETTERS (SluiceModelConfig, model, models)
DEFINE_LIST_GETTERS (SluiceChainConfig, chain, chains)
DEFINE_LIST_GETTERS (SluiceRouteRule, rule, rules)
DEFINE_LIST_GETTERS (SluiceTtlPolicy, ttl_policy, ttl_policies)
DEFINE_LIST_GETTERS (SluiceUserConfig, user, users)

/**
 * sluice_config_lookup_provider:
 * @self: a #SluiceConfig
 * @name: a provider's name
 *
 * Returns: (nullable) (transfer none): the provider, or %NULL
 */
const SluiceProviderConfig *
sluice_config_lookup_provider (SluiceConfig *self,
                               const char   *name)
{
  g_return_val_if_fail (SLUICE_IS_CONFIG (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return g_hash_table_lookup (self->provider_index, name);
}

/**
 * sluice_config_lookup_model:
 * @self: a #SluiceConfig
 * @name: a model's name (Sluice's, not the upstream id)
 *
 * Returns: (nullable) (transfer none): the model, or %NULL
 */
const SluiceModelConfig *
sluice_config_lookup_model (SluiceConfig *self,
                            const char   *name)
{
  g_return_val_if_fail (SLUICE_IS_CONFIG (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return g_hash_table_lookup (self->model_index, name);
}

/**
 * sluice_config_lookup_chain:
 * @self: a #SluiceConfig
 * @name: a chain's name (not an alias; see sluice_config_resolve_alias())
 *
 * Returns: (nullable) (transfer none): the chain, or %NULL
 */
const SluiceChainConfig *
sluice_config_lookup_chain (SluiceConfig *self,
                            const char   *name)
{
  g_return_val_if_fail (SLUICE_IS_CONFIG (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return g_hash_table_lookup (self->chain_index, name);
}

/**
 * sluice_config_resolve_alias:
 * @self: a #SluiceConfig
 * @alias: an alias or a chain name
 *
 * Returns: (nullable): the chain @alias stands for, @alias's own name if it
 *   names a chain, or %NULL if it is neither
 */
const char *
sluice_config_resolve_alias (SluiceConfig *self,
                             const char   *alias)
{
  const SluiceAliasConfig *entry;
  const SluiceChainConfig *chain;

  g_return_val_if_fail (SLUICE_IS_CONFIG (self), NULL);
  g_return_val_if_fail (alias != NULL, NULL);

  if ((entry = g_hash_table_lookup (self->alias_index, alias)))
    return entry->chain;

  if ((chain = g_hash_table_lookup (self->chain_index, alias)))
    return chain->name;

  return NULL;
}

/**
 * sluice_config_dup_alias_names:
 * @self: a #SluiceConfig
 *
 * Returns: (transfer full): the aliases' names, sorted
 */
GStrv
sluice_config_dup_alias_names (SluiceConfig *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (SLUICE_IS_CONFIG (self), NULL);

  for (guint i = 0; i < self->aliases->len; i++)
    {
      const SluiceAliasConfig *alias = g_ptr_array_index (self->aliases, i);

      g_strv_builder_add (builder, alias->name);
    }

  return g_strv_builder_end (builder);
}

/**
 * sluice_config_get_default_chain:
 * @self: a #SluiceConfig
 *
 * Returns: the chain requests take when no rule matches
 */
const char *
sluice_config_get_default_chain (SluiceConfig *self)
{
  g_return_val_if_fail (SLUICE_IS_CONFIG (self), NULL);

  return self->default_chain;
}

/**
 * sluice_config_get_min_confidence:
 * @self: a #SluiceConfig
 *
 * Returns: the classifier's confidence below which a request whose task
 *   was guessed is routed up (routing.min_confidence)
 */
double
sluice_config_get_min_confidence (SluiceConfig *self)
{
  g_return_val_if_fail (SLUICE_IS_CONFIG (self), 0);

  return self->min_confidence;
}

/**
 * sluice_config_get_uncertain_chain:
 * @self: a #SluiceConfig
 *
 * Returns: (nullable): the chain unsure guesses are routed up to
 *   (routing.uncertain), or %NULL for the most capable chain
 */
const char *
sluice_config_get_uncertain_chain (SluiceConfig *self)
{
  g_return_val_if_fail (SLUICE_IS_CONFIG (self), NULL);

  return self->uncertain_chain;
}

/**
 * sluice_config_lookup_ttl_policy:
 * @self: a #SluiceConfig
 * @task: a task type, e.g. "qa"
 *
 * Returns: (nullable) (transfer none): the task's policy, or %NULL when the
 *   config has none (the cache is then not used for it)
 */
const SluiceTtlPolicy *
sluice_config_lookup_ttl_policy (SluiceConfig *self,
                                 const char   *task)
{
  g_return_val_if_fail (SLUICE_IS_CONFIG (self), NULL);
  g_return_val_if_fail (task != NULL, NULL);

  return g_hash_table_lookup (self->ttl_index, task);
}

/**
 * sluice_config_get_cache:
 *
 * Returns: (transfer none): the cache's caps, temperature limit, stale
 *   grace and normaliser words
 */
const SluiceCacheConfig *
sluice_config_get_cache (SluiceConfig *self)
{
  g_return_val_if_fail (SLUICE_IS_CONFIG (self), NULL);

  return &self->cache;
}

guint
sluice_config_get_n_static_responses (SluiceConfig *self)
{
  g_return_val_if_fail (SLUICE_IS_CONFIG (self), 0);

  return self->static_responses->len;
}

const SluiceStaticResponse *
sluice_config_get_static_response (SluiceConfig *self,
                                   guint         index)
{
  g_return_val_if_fail (SLUICE_IS_CONFIG (self), NULL);
  g_return_val_if_fail (index < self->static_responses->len, NULL);

  return g_ptr_array_index (self->static_responses, index);
}

const SluiceDeferredConfig *
sluice_config_get_deferred (SluiceConfig *self)
{
  g_return_val_if_fail (SLUICE_IS_CONFIG (self), NULL);

  return &self->deferred;
}

const SluiceBudgetConfig *
sluice_config_get_budgets (SluiceConfig *self)
{
  g_return_val_if_fail (SLUICE_IS_CONFIG (self), NULL);

  return &self->budgets;
}

const SluiceLimitsConfig *
sluice_config_get_limits (SluiceConfig *self)
{
  g_return_val_if_fail (SLUICE_IS_CONFIG (self), NULL);

  return &self->limits;
}

const SluiceCountersConfig *
sluice_config_get_counters (SluiceConfig *self)
{
  g_return_val_if_fail (SLUICE_IS_CONFIG (self), NULL);

  return &self->counters;
}

const SluiceBreakerConfig *
sluice_config_get_breaker (SluiceConfig *self)
{
  g_return_val_if_fail (SLUICE_IS_CONFIG (self), NULL);

  return &self->breaker;
}

const SluiceRetryConfig *
sluice_config_get_retry (SluiceConfig *self)
{
  g_return_val_if_fail (SLUICE_IS_CONFIG (self), NULL);

  return &self->retry;
}

const SluiceStormGuardConfig *
sluice_config_get_storm_guard (SluiceConfig *self)
{
  g_return_val_if_fail (SLUICE_IS_CONFIG (self), NULL);

  return &self->storm_guard;
}

/**
 * sluice_config_get_monitoring:
 *
 * Returns: (transfer none): quality, drift, cost alert, rollup and webhook
 *   settings
 */
const SluiceMonitoringConfig *
sluice_config_get_monitoring (SluiceConfig *self)
{
  g_return_val_if_fail (SLUICE_IS_CONFIG (self), NULL);

  return &self->monitoring;
}

/**
 * sluice_config_lookup_user:
 * @self: a #SluiceConfig
 * @name: a user's name
 *
 * Returns: (nullable) (transfer none): the user, or %NULL
 */
const SluiceUserConfig *
sluice_config_lookup_user (SluiceConfig *self,
                           const char   *name)
{
  g_return_val_if_fail (SLUICE_IS_CONFIG (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return g_hash_table_lookup (self->user_index, name);
}

/**
 * sluice_config_lookup_user_by_key_hash:
 * @self: a #SluiceConfig
 * @key_hash: "sha256:" and the lowercase hex SHA-256 of a virtual key
 *
 * Returns: (nullable) (transfer none): the user the key belongs to, or %NULL
 */
const SluiceUserConfig *
sluice_config_lookup_user_by_key_hash (SluiceConfig *self,
                                       const char   *key_hash)
{
  g_return_val_if_fail (SLUICE_IS_CONFIG (self), NULL);
  g_return_val_if_fail (key_hash != NULL, NULL);

  return g_hash_table_lookup (self->key_hash_index, key_hash);
}
