/* sluice-config-parse-limits.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-config"

#include "config.h"

#include <string.h>

#include "sluice-config-private.h"

/* The optional sections: cache policies, budgets, breaker, retry, storm
 * guard and users, with their defaults. */

#define MAX_TTL_S      31536000.0    /* a year */
#define MAX_DAY_S      86400.0
#define MAX_BIG_TOKENS 1000000000000.0
#define SHA256_PREFIX  "sha256:"

static const struct
{
  const char      *task;
  SluiceCacheTier  tier;
  gint64           ttl_s;
  double           threshold;
} default_policies[] = {
  { "classification", SLUICE_CACHE_TIER_EXACT, 48 * 3600, 0 },
  { "code", SLUICE_CACHE_TIER_EXACT, 3 * 3600, 0 },
  { "creative", SLUICE_CACHE_TIER_NONE, 0, 0 },
  { "extraction", SLUICE_CACHE_TIER_EXACT, 36 * 3600, 0 },
  { "qa", SLUICE_CACHE_TIER_SEMANTIC, 2 * 3600, 0.95 },
  { "summarisation", SLUICE_CACHE_TIER_EXACT, 8 * 3600, 0 },
};

static const double default_alert_fractions[] = { 0.5, 0.8, 1.0 };

static void
put_policy (SluiceConfig    *self,
            SluiceTtlPolicy *policy)
{
  SluiceTtlPolicy *old = g_hash_table_lookup (self->ttl_index, policy->task);
  guint position;

  g_hash_table_replace (self->ttl_index, policy->task, policy);

  if (old != NULL && g_ptr_array_find (self->ttl_policies, old, &position))
    {
      _sluice_ttl_policy_free (old);
      self->ttl_policies->pdata[position] = policy;
    }
  else
    {
      g_ptr_array_add (self->ttl_policies, policy);
    }
}

void
_sluice_config_set_defaults (SluiceConfig *self)
{
  self->budgets = (SluiceBudgetConfig) {
    .tokens_per_request = 50000,
    .user_tokens_per_hour = 200000,
    .user_tokens_per_day = 1000000,
    .global_tokens_per_hour = 5000000,
    .user_usd_per_day = 50.0,
    .global_usd_per_day = 500.0,
    .alert_fractions = g_memdup2 (default_alert_fractions,
                                  sizeof default_alert_fractions),
    .n_alert_fractions = G_N_ELEMENTS (default_alert_fractions),
    .cut_streams = TRUE,
  };
  self->cache = (SluiceCacheConfig) {
    .max_entries = 10000, .max_bytes = 256 * 1024 * 1024, .max_temperature = 0.7,
    .stale_grace_s = 86400, .local_threshold = 0, .filler_words = NULL,
  };
  self->breaker = (SluiceBreakerConfig) {
    .consecutive_failures = 3, .error_ratio = 0.5, .window_s = 60,
    .min_requests = 10, .cooldown_s = 60, .max_cooldown_s = 600,
  };
  self->retry = (SluiceRetryConfig) {
    .max_attempts = 3, .base_backoff_ms = 250, .max_backoff_ms = 8000,
    .budget_ratio = 0.1, .budget_window_s = 60, .deadline_ms = 120000,
  };
  self->storm_guard = (SluiceStormGuardConfig) { .max_repeats = 20, .window_s = 300 };
  self->deferred = (SluiceDeferredConfig) {
    .max_attempts = 20, .base_backoff_s = 30, .max_backoff_s = 3600, .retention_s = 7 * 86400,
  };
  _sluice_config_set_quota_defaults (self);
  _sluice_config_set_monitoring_defaults (self);

  for (guint i = 0; i < G_N_ELEMENTS (default_policies); i++)
    {
      SluiceTtlPolicy *policy = g_new0 (SluiceTtlPolicy, 1);

      policy->task = g_strdup (default_policies[i].task);
      policy->tier = default_policies[i].tier;
      policy->ttl_s = default_policies[i].ttl_s;
      policy->threshold = default_policies[i].threshold;
      put_policy (self, policy);
    }
}

static gboolean
read_tier (SluiceConfigParser  *parser,
           JsonNode            *node,
           const char          *path,
           gpointer             target,
           GError             **error)
{
  static const char * const tiers[] = { "none", "exact", "semantic", NULL };
  SluiceTtlPolicy *policy = target;
  const char *tier = NULL;

  if (!_sluice_config_get_string (node, path, &tier, error))
    return FALSE;

  for (guint i = 0; tiers[i] != NULL; i++)
    {
      if (strcmp (tier, tiers[i]) == 0)
        {
          policy->tier = (SluiceCacheTier) i;
          return TRUE;
        }
    }

  return _sluice_config_fail (error, path,
                              "must be one of \"none\", \"exact\", \"semantic\"");
}

static const SluiceFieldSpec policy_fields[] = {
  { "tier", SLUICE_FIELD_CUSTOM, TRUE, .func = read_tier },
  { "ttl_s", SLUICE_FIELD_INT64, .offset = G_STRUCT_OFFSET (SluiceTtlPolicy, ttl_s),
    .min = 0, .max = MAX_TTL_S },
  { "threshold", SLUICE_FIELD_FRACTION,
    .offset = G_STRUCT_OFFSET (SluiceTtlPolicy, threshold) },
  { NULL }
};

static gboolean
finish_policy (SluiceTtlPolicy  *policy,
               const char       *path,
               GError          **error)
{
  g_autofree char *ttl_path = _sluice_config_path_member (path, "ttl_s");
  g_autofree char *threshold_path = _sluice_config_path_member (path, "threshold");

  if (policy->tier == SLUICE_CACHE_TIER_NONE)
    {
      if (policy->ttl_s > 0)
        return _sluice_config_fail (error, ttl_path,
                                    "must be 0 when the tier is \"none\"");
      policy->ttl_s = 0;
    }
  else if (policy->ttl_s < 0)
    {
      return _sluice_config_fail (error, ttl_path, "required");
    }
  else if (policy->ttl_s == 0)
    {
      return _sluice_config_fail (error, ttl_path,
                                  "must be at least 1 when the tier caches");
    }

  if (policy->tier != SLUICE_CACHE_TIER_SEMANTIC && policy->threshold >= 0)
    return _sluice_config_fail (error, threshold_path,
                                "only allowed with the \"semantic\" tier");

  if (policy->tier == SLUICE_CACHE_TIER_SEMANTIC && policy->threshold < 0)
    policy->threshold = 0.95;
  else if (policy->tier != SLUICE_CACHE_TIER_SEMANTIC)
    policy->threshold = 0;

  return TRUE;
}

static gboolean
read_policies (SluiceConfigParser  *parser,
               JsonNode            *node,
               const char          *path,
               gpointer             target,
               GError             **error)
{
  JsonObject *object;
  JsonObjectIter iter;
  const char *task;
  JsonNode *value;

  if (!_sluice_config_get_object (node, path, &object, error))
    return FALSE;

  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &task, &value))
    {
      g_autofree char *child = _sluice_config_path_member (path, task);
      g_autoptr(SluiceTtlPolicy) policy = g_new0 (SluiceTtlPolicy, 1);

      if (!_sluice_config_is_name (task))
        return _sluice_config_fail (error, child, "a task must be letters, "
                                    "digits and . _ : / - (at most 64)");

      policy->task = g_strdup (task);
      policy->ttl_s = -1;
      policy->threshold = -1;

      if (!_sluice_config_read_fields (parser, value, child, policy_fields,
                                       policy, error) ||
          !finish_policy (policy, child, error))
        return FALSE;

      put_policy (parser->config, g_steal_pointer (&policy));
    }

  return TRUE;
}

static int
compare_by_task (gconstpointer a,
                 gconstpointer b)
{
  const SluiceTtlPolicy *pa = *(SluiceTtlPolicy * const *) a;
  const SluiceTtlPolicy *pb = *(SluiceTtlPolicy * const *) b;

  return strcmp (pa->task, pb->task);
}

static gboolean
read_filler_words (SluiceConfigParser  *parser,
                   JsonNode            *node,
                   const char          *path,
                   gpointer             target,
                   GError             **error)
{
  g_autoptr(GStrvBuilder) words = g_strv_builder_new ();
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return _sluice_config_fail (error, path, "must be an array of words");
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *item_path = _sluice_config_path_index (path, i);
      const char *word;

      if (!_sluice_config_get_string (json_array_get_element (array, i), item_path, &word, error))
        return FALSE;
      g_strv_builder_add (words, word);
    }
  g_strfreev (parser->config->cache.filler_words);
  parser->config->cache.filler_words = g_strv_builder_end (words);
  return TRUE;
}

static gboolean
read_cache_redis_url (SluiceConfigParser  *parser,
                      JsonNode            *node,
                      const char          *path,
                      gpointer             target,
                      GError             **error)
{
  const char *url = NULL;

  if (!_sluice_config_get_string (node, path, &url, error))
    return FALSE;
  if (!_sluice_config_is_redis_url (url))
    return _sluice_config_fail (error, path, "must be redis://HOST[:PORT][/DB] or unix:///PATH");
  g_free (parser->config->cache.redis_url);
  parser->config->cache.redis_url = g_strdup (url);
  return TRUE;
}

static const SluiceFieldSpec cache_fields[] = {
  { "policies", SLUICE_FIELD_CUSTOM, .func = read_policies },
  { "max_entries", SLUICE_FIELD_UINT, .offset = G_STRUCT_OFFSET (SluiceCacheConfig, max_entries),
    .min = 0, .max = 100000000 },
  { "max_bytes", SLUICE_FIELD_INT64, .offset = G_STRUCT_OFFSET (SluiceCacheConfig, max_bytes),
    .min = 0, .max = 1099511627776.0 },
  { "max_temperature", SLUICE_FIELD_DOUBLE,
    .offset = G_STRUCT_OFFSET (SluiceCacheConfig, max_temperature), .min = 0, .max = 2 },
  { "stale_grace_s", SLUICE_FIELD_INT64, .offset = G_STRUCT_OFFSET (SluiceCacheConfig, stale_grace_s),
    .min = 0, .max = 31536000 },
  { "local_threshold", SLUICE_FIELD_DOUBLE,
    .offset = G_STRUCT_OFFSET (SluiceCacheConfig, local_threshold), .min = 0, .max = 1 },
  { "filler_words", SLUICE_FIELD_CUSTOM, .func = read_filler_words },
  { "embedder", SLUICE_FIELD_CUSTOM, .func = _sluice_config_read_embedder },
  { "redis_url", SLUICE_FIELD_CUSTOM, .func = read_cache_redis_url },
  { NULL }
};

gboolean
_sluice_config_read_cache (SluiceConfigParser  *parser,
                           JsonNode            *node,
                           const char          *path,
                           gpointer             target,
                           GError             **error)
{
  if (!_sluice_config_read_fields (parser, node, path, cache_fields,
                                   &parser->config->cache, error))
    return FALSE;

  /* Policies named in the document override the defaults of their task; the
   * others keep theirs. */
  g_ptr_array_sort (parser->config->ttl_policies, compare_by_task);

  return TRUE;
}

static gboolean
read_alert_fractions (SluiceConfigParser  *parser,
                      JsonNode            *node,
                      const char          *path,
                      gpointer             target,
                      GError             **error)
{
  SluiceBudgetConfig *budgets = target;
  g_autofree double *fractions = NULL;
  JsonArray *array;
  guint n;

  if (!_sluice_config_get_array (node, path, &array, error))
    return FALSE;

  n = json_array_get_length (array);
  fractions = g_new0 (double, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *child = _sluice_config_path_index (path, i);
      JsonNode *element = json_array_get_element (array, i);
      GType type = JSON_NODE_HOLDS_VALUE (element)
                   ? json_node_get_value_type (element) : G_TYPE_INVALID;

      if ((type != G_TYPE_INT64 && type != G_TYPE_DOUBLE) ||
          !(json_node_get_double (element) > 0.0 &&
            json_node_get_double (element) <= 1.0))
        return _sluice_config_fail (error, child, "must be a number in (0, 1]");

      fractions[i] = json_node_get_double (element);
      if (i > 0 && fractions[i] <= fractions[i - 1])
        return _sluice_config_fail (error, child,
                                    "must be greater than the fraction before it");
    }

  g_free (budgets->alert_fractions);
  budgets->alert_fractions = g_steal_pointer (&fractions);
  budgets->n_alert_fractions = n;

  return TRUE;
}

#define BUDGET_TOKENS(field) \
  { #field, SLUICE_FIELD_INT64, \
    .offset = G_STRUCT_OFFSET (SluiceBudgetConfig, field), \
    .min = 1, .max = MAX_BIG_TOKENS }
#define BUDGET_USD(field) \
  { #field, SLUICE_FIELD_DOUBLE, \
    .offset = G_STRUCT_OFFSET (SluiceBudgetConfig, field), \
    .min = 0, .max = SLUICE_NO_MAX }

static const SluiceFieldSpec budget_fields[] = {
  BUDGET_TOKENS (tokens_per_request),
  BUDGET_TOKENS (user_tokens_per_hour),
  BUDGET_TOKENS (user_tokens_per_day),
  BUDGET_TOKENS (global_tokens_per_hour),
  BUDGET_USD (user_usd_per_day),
  BUDGET_USD (global_usd_per_day),
  { "alert_fractions", SLUICE_FIELD_CUSTOM, .func = read_alert_fractions },
  { "cut_streams", SLUICE_FIELD_CUSTOM, .func = _sluice_config_read_cut_streams },
  { NULL }
};

gboolean
_sluice_config_read_budgets (SluiceConfigParser  *parser,
                             JsonNode            *node,
                             const char          *path,
                             gpointer             target,
                             GError             **error)
{
  return _sluice_config_read_fields (parser, node, path, budget_fields,
                                     &parser->config->budgets, error);
}

#define UINT_FIELD(type, field, lo, hi) \
  { #field, SLUICE_FIELD_UINT, .offset = G_STRUCT_OFFSET (type, field), \
    .min = lo, .max = hi }

static const SluiceFieldSpec breaker_fields[] = {
  UINT_FIELD (SluiceBreakerConfig, consecutive_failures, 1, 1000),
  { "error_ratio", SLUICE_FIELD_FRACTION,
    .offset = G_STRUCT_OFFSET (SluiceBreakerConfig, error_ratio) },
  UINT_FIELD (SluiceBreakerConfig, window_s, 1, MAX_DAY_S),
  UINT_FIELD (SluiceBreakerConfig, min_requests, 1, 1000000),
  UINT_FIELD (SluiceBreakerConfig, cooldown_s, 1, MAX_DAY_S),
  UINT_FIELD (SluiceBreakerConfig, max_cooldown_s, 1, MAX_DAY_S),
  { NULL }
};

static gboolean
check_not_below (guint        value,
                 guint        floor,
                 const char  *path,
                 const char  *member,
                 const char  *floor_member,
                 GError     **error)
{
  g_autofree char *child = NULL;

  if (value >= floor)
    return TRUE;

  child = _sluice_config_path_member (path, member);

  return _sluice_config_fail (error, child, "must be at least %s (%u)",
                              floor_member, floor);
}

gboolean
_sluice_config_read_breaker (SluiceConfigParser  *parser,
                             JsonNode            *node,
                             const char          *path,
                             gpointer             target,
                             GError             **error)
{
  SluiceBreakerConfig *breaker = &parser->config->breaker;

  return _sluice_config_read_fields (parser, node, path, breaker_fields,
                                     breaker, error) &&
         check_not_below (breaker->max_cooldown_s, breaker->cooldown_s, path,
                          "max_cooldown_s", "cooldown_s", error);
}

static const SluiceFieldSpec retry_fields[] = {
  UINT_FIELD (SluiceRetryConfig, max_attempts, 1, 10),
  UINT_FIELD (SluiceRetryConfig, base_backoff_ms, 1, 60000),
  UINT_FIELD (SluiceRetryConfig, max_backoff_ms, 1, 600000),
  { "budget_ratio", SLUICE_FIELD_DOUBLE,
    .offset = G_STRUCT_OFFSET (SluiceRetryConfig, budget_ratio),
    .min = 0, .max = 1 },
  UINT_FIELD (SluiceRetryConfig, budget_window_s, 1, MAX_DAY_S),
  UINT_FIELD (SluiceRetryConfig, deadline_ms, 100, 3600000),
  { NULL }
};

gboolean
_sluice_config_read_retry (SluiceConfigParser  *parser,
                           JsonNode            *node,
                           const char          *path,
                           gpointer             target,
                           GError             **error)
{
  SluiceRetryConfig *retry = &parser->config->retry;

  return _sluice_config_read_fields (parser, node, path, retry_fields,
                                     retry, error) &&
         check_not_below (retry->max_backoff_ms, retry->base_backoff_ms, path,
                          "max_backoff_ms", "base_backoff_ms", error);
}

static const SluiceFieldSpec storm_fields[] = {
  UINT_FIELD (SluiceStormGuardConfig, max_repeats, 1, 1000000),
  UINT_FIELD (SluiceStormGuardConfig, window_s, 1, MAX_DAY_S),
  { NULL }
};

gboolean
_sluice_config_read_storm (SluiceConfigParser  *parser,
                           JsonNode            *node,
                           const char          *path,
                           gpointer             target,
                           GError             **error)
{
  return _sluice_config_read_fields (parser, node, path, storm_fields,
                                     &parser->config->storm_guard, error);
}

static gboolean
read_user_name (SluiceConfigParser  *parser,
                JsonNode            *node,
                const char          *path,
                gpointer             target,
                GError             **error)
{
  SluiceUserConfig *user = target;

  return _sluice_config_read_unique (parser, node, path, parser->user_names,
                                     "user", &user->name, error);
}

static gboolean
read_key_hash (SluiceConfigParser  *parser,
               JsonNode            *node,
               const char          *path,
               gpointer             target,
               GError             **error)
{
  SluiceUserConfig *user = target;
  const SluiceUserConfig *other;
  const char *hash = NULL;
  const char *hex;

  if (!_sluice_config_get_string (node, path, &hash, error))
    return FALSE;

  hex = g_str_has_prefix (hash, SHA256_PREFIX) ? hash + strlen (SHA256_PREFIX) : "";
  if (strlen (hex) != 64 || strspn (hex, "0123456789abcdef") != 64)
    return _sluice_config_fail (error, path, "must be \"sha256:\" followed by "
                                "64 lowercase hex digits (the hash of the "
                                "virtual key, never the key)");

  if ((other = g_hash_table_lookup (parser->config->key_hash_index, hash)))
    return _sluice_config_fail (error, path, "the same key as user \"%s\"",
                                other->name);

  g_free (user->key_hash);
  user->key_hash = g_strdup (hash);

  return TRUE;
}

static gboolean
read_user_limits (SluiceConfigParser  *parser,
                  JsonNode            *node,
                  const char          *path,
                  gpointer             target,
                  GError             **error)
{
  SluiceUserConfig *user = target;

  return _sluice_config_read_rate_limits (parser, node, path, &user->limits, error);
}

static const SluiceFieldSpec user_fields[] = {
  { "name", SLUICE_FIELD_CUSTOM, TRUE, .func = read_user_name },
  { "key_hash", SLUICE_FIELD_CUSTOM, TRUE, .func = read_key_hash },
  { "limits", SLUICE_FIELD_CUSTOM, .func = read_user_limits },
  { NULL }
};

gboolean
_sluice_config_read_users (SluiceConfigParser  *parser,
                           JsonNode            *node,
                           const char          *path,
                           gpointer             target,
                           GError             **error)
{
  SluiceConfig *self = parser->config;
  JsonArray *array;

  if (!_sluice_config_get_array (node, path, &array, error))
    return FALSE;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *child = _sluice_config_path_index (path, i);
      g_autoptr(SluiceUserConfig) user = g_new0 (SluiceUserConfig, 1);

      parser->index = i;
      if (!_sluice_config_read_fields (parser, json_array_get_element (array, i),
                                       child, user_fields, user, error))
        return FALSE;

      g_hash_table_insert (self->user_index, user->name, user);
      g_hash_table_insert (self->key_hash_index, user->key_hash, user);
      g_ptr_array_add (self->users, g_steal_pointer (&user));
    }

  return TRUE;
}
