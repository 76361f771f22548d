/* sluice-config-writer.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-config"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sluice-config-private.h"

/* The canonical form: every member in a fixed order, every default filled
 * in, two-space indentation, and each number written in the shortest form
 * that reads back to the same value. Its SHA-256 is the config's digest. */

const char *
_sluice_cache_tier_to_string (SluiceCacheTier tier)
{
  static const char * const names[] = { "none", "exact", "semantic" };

  g_return_val_if_fail (tier <= SLUICE_CACHE_TIER_SEMANTIC, NULL);

  return names[tier];
}

static void
add_string (JsonBuilder *builder,
            const char  *member,
            const char  *value)
{
  if (value == NULL)
    return;

  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, value);
}

static void
add_int (JsonBuilder *builder,
         const char  *member,
         gint64       value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_int_value (builder, value);
}

static void
add_double (JsonBuilder *builder,
            const char  *member,
            double       value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_double_value (builder, value);
}

static void
add_strv (JsonBuilder        *builder,
          const char         *member,
          const char * const *values)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; values[i] != NULL; i++)
    json_builder_add_string_value (builder, values[i]);
  json_builder_end_array (builder);
}

static void
build_provider (JsonBuilder                *builder,
                const SluiceProviderConfig *provider)
{
  json_builder_begin_object (builder);
  add_string (builder, "name", provider->name);
  add_string (builder, "kind", sluice_provider_kind_to_string (provider->kind));
  add_string (builder, "base_url", provider->base_url);
  add_string (builder, "key", provider->key_ref);
  add_int (builder, "timeout_ms", provider->timeout_ms);
  add_int (builder, "connect_timeout_ms", provider->connect_timeout_ms);
  if (provider->mock != NULL)
    {
      json_builder_set_member_name (builder, "mock");
      json_builder_add_value (builder, sluice_mock_behaviour_to_json (provider->mock));
    }
  _sluice_config_build_rate_limits (builder, &provider->limits, FALSE);
  json_builder_end_object (builder);
}

static void
build_model (JsonBuilder             *builder,
             const SluiceModelConfig *model)
{
  json_builder_begin_object (builder);
  add_string (builder, "name", model->name);
  add_string (builder, "provider", model->provider);
  add_string (builder, "upstream", model->upstream);
  add_double (builder, "price_in", model->price_in);
  add_double (builder, "price_cached_in", model->price_cached_in);
  add_double (builder, "price_out", model->price_out);
  add_int (builder, "context_window", model->context_window);
  add_int (builder, "max_output_tokens", model->max_output_tokens);
  add_string (builder, "retires", model->retires);
  add_string (builder, "replacement", model->replacement);
  add_int (builder, "latency_threshold_ms", model->latency_threshold_ms);
  json_builder_set_member_name (builder, "hedge");
  json_builder_add_boolean_value (builder, model->hedge);
  if (model->embedding)
    add_string (builder, "kind", "embedding");
  _sluice_config_build_rate_limits (builder, &model->limits, FALSE);
  json_builder_end_object (builder);
}

static void
build_cache (JsonBuilder  *builder,
             SluiceConfig *self)
{
  json_builder_set_member_name (builder, "cache");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "policies");
  json_builder_begin_object (builder);
  for (guint i = 0; i < self->ttl_policies->len; i++)
    {
      const SluiceTtlPolicy *policy = g_ptr_array_index (self->ttl_policies, i);

      json_builder_set_member_name (builder, policy->task);
      json_builder_begin_object (builder);
      add_string (builder, "tier", _sluice_cache_tier_to_string (policy->tier));
      add_int (builder, "ttl_s", policy->ttl_s);
      if (policy->tier == SLUICE_CACHE_TIER_SEMANTIC)
        add_double (builder, "threshold", policy->threshold);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  add_int (builder, "max_entries", self->cache.max_entries);
  add_int (builder, "max_bytes", self->cache.max_bytes);
  add_double (builder, "max_temperature", self->cache.max_temperature);
  add_int (builder, "stale_grace_s", self->cache.stale_grace_s);
  add_double (builder, "local_threshold", self->cache.local_threshold);
  if (self->cache.redis_url != NULL)
    add_string (builder, "redis_url", self->cache.redis_url);
  if (self->cache.filler_words != NULL)
    {
      json_builder_set_member_name (builder, "filler_words");
      json_builder_begin_array (builder);
      for (guint i = 0; self->cache.filler_words[i] != NULL; i++)
        json_builder_add_string_value (builder, self->cache.filler_words[i]);
      json_builder_end_array (builder);
    }
  _sluice_config_build_embedder (builder, &self->cache);
  json_builder_end_object (builder);
}

static void
build_budgets (JsonBuilder              *builder,
               const SluiceBudgetConfig *budgets)
{
  json_builder_set_member_name (builder, "budgets");
  json_builder_begin_object (builder);
  add_int (builder, "tokens_per_request", budgets->tokens_per_request);
  add_int (builder, "user_tokens_per_hour", budgets->user_tokens_per_hour);
  add_int (builder, "user_tokens_per_day", budgets->user_tokens_per_day);
  add_int (builder, "global_tokens_per_hour", budgets->global_tokens_per_hour);
  add_double (builder, "user_usd_per_day", budgets->user_usd_per_day);
  add_double (builder, "global_usd_per_day", budgets->global_usd_per_day);
  json_builder_set_member_name (builder, "alert_fractions");
  json_builder_begin_array (builder);
  for (guint i = 0; i < budgets->n_alert_fractions; i++)
    json_builder_add_double_value (builder, budgets->alert_fractions[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "cut_streams");
  json_builder_add_boolean_value (builder, budgets->cut_streams);
  json_builder_end_object (builder);
}

static void
build_resilience (JsonBuilder  *builder,
                  SluiceConfig *self)
{
  json_builder_set_member_name (builder, "breaker");
  json_builder_begin_object (builder);
  add_int (builder, "consecutive_failures", self->breaker.consecutive_failures);
  add_double (builder, "error_ratio", self->breaker.error_ratio);
  add_int (builder, "window_s", self->breaker.window_s);
  add_int (builder, "min_requests", self->breaker.min_requests);
  add_int (builder, "cooldown_s", self->breaker.cooldown_s);
  add_int (builder, "max_cooldown_s", self->breaker.max_cooldown_s);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "retry");
  json_builder_begin_object (builder);
  add_int (builder, "max_attempts", self->retry.max_attempts);
  add_int (builder, "base_backoff_ms", self->retry.base_backoff_ms);
  add_int (builder, "max_backoff_ms", self->retry.max_backoff_ms);
  add_double (builder, "budget_ratio", self->retry.budget_ratio);
  add_int (builder, "budget_window_s", self->retry.budget_window_s);
  add_int (builder, "deadline_ms", self->retry.deadline_ms);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "storm_guard");
  json_builder_begin_object (builder);
  add_int (builder, "max_repeats", self->storm_guard.max_repeats);
  add_int (builder, "window_s", self->storm_guard.window_s);
  json_builder_end_object (builder);

  _sluice_config_write_degradation (builder, self);
}

static void
build_named_lists (JsonBuilder  *builder,
                   SluiceConfig *self)
{
  json_builder_set_member_name (builder, "chains");
  json_builder_begin_object (builder);
  for (guint i = 0; i < self->chains->len; i++)
    {
      const SluiceChainConfig *chain = g_ptr_array_index (self->chains, i);

      add_strv (builder, chain->name, (const char * const *) chain->models);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "aliases");
  json_builder_begin_object (builder);
  for (guint i = 0; i < self->aliases->len; i++)
    {
      const SluiceAliasConfig *alias = g_ptr_array_index (self->aliases, i);

      add_string (builder, alias->name, alias->chain);
    }
  json_builder_end_object (builder);
}

JsonNode *
_sluice_config_build_json (SluiceConfig *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_int (builder, "schema", SLUICE_CONFIG_SCHEMA_VERSION);

  json_builder_set_member_name (builder, "providers");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->providers->len; i++)
    build_provider (builder, g_ptr_array_index (self->providers, i));
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "models");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->models->len; i++)
    build_model (builder, g_ptr_array_index (self->models, i));
  json_builder_end_array (builder);

  build_named_lists (builder, self);
  _sluice_config_build_routing (builder, self);
  build_cache (builder, self);
  build_budgets (builder, &self->budgets);
  build_resilience (builder, self);

  json_builder_set_member_name (builder, "users");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->users->len; i++)
    {
      const SluiceUserConfig *user = g_ptr_array_index (self->users, i);

      json_builder_begin_object (builder);
      add_string (builder, "name", user->name);
      add_string (builder, "key_hash", user->key_hash);
      _sluice_config_build_rate_limits (builder, &user->limits, FALSE);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  _sluice_config_build_quotas (builder, self);
  _sluice_config_build_monitoring (builder, self);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* The text writer. json-glib's generator prints 0.3 as 0.29999999999999999,
 * which is correct but unfriendly in an exported file, so numbers and the
 * layout are written here. */

static void
write_double (GString *out,
              double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  for (int digits = 15; digits <= 17; digits++)
    {
      g_ascii_formatd (buf, sizeof buf, digits == 15 ? "%.15g"
                                        : digits == 16 ? "%.16g" : "%.17g", value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }

  g_string_append (out, buf);

  /* Keep it a JSON double, so it reads back with the same type. */
  if (strpbrk (buf, ".eEn") == NULL)
    g_string_append (out, ".0");
}

static void
write_string (GString    *out,
              const char *str)
{
  g_string_append_c (out, '"');
  for (const char *p = str; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default:
          if ((guchar) *p < 0x20)
            g_string_append_printf (out, "\\u%04x", (guint) (guchar) *p);
          else
            g_string_append_c (out, *p);
        }
    }
  g_string_append_c (out, '"');
}

static void
write_value (GString  *out,
             JsonNode *node)
{
  GType type = json_node_get_value_type (node);

  if (type == G_TYPE_INT64)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
  else if (type == G_TYPE_DOUBLE)
    write_double (out, json_node_get_double (node));
  else if (type == G_TYPE_BOOLEAN)
    g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
  else if (type == G_TYPE_STRING)
    write_string (out, json_node_get_string (node));
  else
    g_string_append (out, "null");
}

static void write_node (GString *out, JsonNode *node, guint depth);

static void
write_indent (GString *out,
              guint    depth)
{
  g_string_append_c (out, '\n');
  for (guint i = 0; i < depth; i++)
    g_string_append (out, "  ");
}

static void
write_object (GString    *out,
              JsonObject *object,
              guint       depth)
{
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;
  gboolean first = TRUE;

  g_string_append_c (out, '{');
  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &member, &value))
    {
      g_string_append (out, first ? "" : ",");
      write_indent (out, depth + 1);
      write_string (out, member);
      g_string_append (out, ": ");
      write_node (out, value, depth + 1);
      first = FALSE;
    }
  if (!first)
    write_indent (out, depth);
  g_string_append_c (out, '}');
}

static void
write_array (GString   *out,
             JsonArray *array,
             guint      depth)
{
  guint n = json_array_get_length (array);

  g_string_append_c (out, '[');
  for (guint i = 0; i < n; i++)
    {
      g_string_append (out, i == 0 ? "" : ",");
      write_indent (out, depth + 1);
      write_node (out, json_array_get_element (array, i), depth + 1);
    }
  if (n > 0)
    write_indent (out, depth);
  g_string_append_c (out, ']');
}

static void
write_node (GString  *out,
            JsonNode *node,
            guint     depth)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      write_object (out, json_node_get_object (node), depth);
      break;
    case JSON_NODE_ARRAY:
      write_array (out, json_node_get_array (node), depth);
      break;
    case JSON_NODE_VALUE:
      write_value (out, node);
      break;
    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
      break;
    }
}

char *
_sluice_config_write_json (JsonNode *node)
{
  GString *out = g_string_new (NULL);

  write_node (out, node, 0);
  g_string_append_c (out, '\n');

  return g_string_free (out, FALSE);
}
