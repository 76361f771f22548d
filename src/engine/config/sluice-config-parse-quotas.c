/* sluice-config-parse-quotas.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-config"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sluice-config-private.h"
#include "sluice-prices.h"

/* Rate limits (providers, models, users, global), the "limits" and
 * "counters" sections, budgets.cut_streams, and prices from the default
 * table. */

#define MAX_RATE 1000000000000.0

#define RATE_FIELD(field) \
  { #field, SLUICE_FIELD_INT64, \
    .offset = G_STRUCT_OFFSET (SluiceRateLimits, field), \
    .min = 0, .max = MAX_RATE }

static const SluiceFieldSpec rate_fields[] = {
  RATE_FIELD (rpm),
  RATE_FIELD (tpm),
  RATE_FIELD (tpd),
  RATE_FIELD (concurrency),
  { NULL }
};

/* target: a SluiceRateLimits. */
gboolean
_sluice_config_read_rate_limits (SluiceConfigParser  *parser,
                                 JsonNode            *node,
                                 const char          *path,
                                 gpointer             target,
                                 GError             **error)
{
  return _sluice_config_read_fields (parser, node, path, rate_fields, target, error);
}

gboolean
_sluice_config_read_cut_streams (SluiceConfigParser  *parser,
                                 JsonNode            *node,
                                 const char          *path,
                                 gpointer             target,
                                 GError             **error)
{
  SluiceBudgetConfig *budgets = target;

  if (!JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return _sluice_config_fail (error, path, "must be true or false");

  budgets->cut_streams = json_node_get_boolean (node);

  return TRUE;
}

static gboolean
read_encoding (SluiceConfigParser  *parser,
               JsonNode            *node,
               const char          *path,
               gpointer             target,
               GError             **error)
{
  SluiceLimitsConfig *limits = target;
  const char *encoding = NULL;

  if (!_sluice_config_get_string (node, path, &encoding, error))
    return FALSE;

  if (strcmp (encoding, "o200k_base") != 0 && strcmp (encoding, "cl100k_base") != 0)
    return _sluice_config_fail (error, path,
                                "must be \"o200k_base\" or \"cl100k_base\"");

  g_free (limits->tokenizer_encoding);
  limits->tokenizer_encoding = g_strdup (encoding);

  return TRUE;
}

static gboolean
read_tokenizer_path (SluiceConfigParser  *parser,
                     JsonNode            *node,
                     const char          *path,
                     gpointer             target,
                     GError             **error)
{
  SluiceLimitsConfig *limits = target;
  const char *file = NULL;

  if (!_sluice_config_get_string (node, path, &file, error))
    return FALSE;

  if (!g_path_is_absolute (file))
    return _sluice_config_fail (error, path, "must be an absolute path");

  g_free (limits->tokenizer_path);
  limits->tokenizer_path = g_strdup (file);

  return TRUE;
}

static const SluiceFieldSpec tokenizer_fields[] = {
  { "encoding", SLUICE_FIELD_CUSTOM, .func = read_encoding },
  { "path", SLUICE_FIELD_CUSTOM, .func = read_tokenizer_path },
  { NULL }
};

static gboolean
read_tokenizer (SluiceConfigParser  *parser,
                JsonNode            *node,
                const char          *path,
                gpointer             target,
                GError             **error)
{
  return _sluice_config_read_fields (parser, node, path, tokenizer_fields,
                                     target, error);
}

static gboolean
read_global (SluiceConfigParser  *parser,
             JsonNode            *node,
             const char          *path,
             gpointer             target,
             GError             **error)
{
  SluiceLimitsConfig *limits = target;

  return _sluice_config_read_rate_limits (parser, node, path, &limits->global, error);
}

static const SluiceFieldSpec limits_fields[] = {
  { "global", SLUICE_FIELD_CUSTOM, .func = read_global },
  { "tokenizer", SLUICE_FIELD_CUSTOM, .func = read_tokenizer },
  { NULL }
};

gboolean
_sluice_config_read_limits (SluiceConfigParser  *parser,
                            JsonNode            *node,
                            const char          *path,
                            gpointer             target,
                            GError             **error)
{
  return _sluice_config_read_fields (parser, node, path, limits_fields,
                                     &parser->config->limits, error);
}

static gboolean
read_store (SluiceConfigParser  *parser,
            JsonNode            *node,
            const char          *path,
            gpointer             target,
            GError             **error)
{
  SluiceCountersConfig *counters = target;
  const char *store = NULL;

  if (!_sluice_config_get_string (node, path, &store, error))
    return FALSE;

  if (strcmp (store, "memory") == 0)
    counters->store = SLUICE_COUNTER_STORE_MEMORY;
  else if (strcmp (store, "redis") == 0)
    counters->store = SLUICE_COUNTER_STORE_REDIS;
  else
    return _sluice_config_fail (error, path, "must be \"memory\" or \"redis\"");

  return TRUE;
}

gboolean
_sluice_config_is_redis_url (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  const char *path;

  if (scheme == NULL)
    return FALSE;

  path = g_uri_get_path (uri);
  if (g_ascii_strcasecmp (scheme, "unix") == 0)
    return path != NULL && path[0] == '/';

  if (g_ascii_strcasecmp (scheme, "redis") != 0 ||
      g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
    return FALSE;

  /* An optional "/N" selects database N. */
  return path == NULL || path[0] == '\0' || strcmp (path, "/") == 0 ||
         (path[0] == '/' && strspn (path + 1, "0123456789") == strlen (path + 1) &&
          strlen (path + 1) <= 2);
}

static gboolean
read_redis_url (SluiceConfigParser  *parser,
                JsonNode            *node,
                const char          *path,
                gpointer             target,
                GError             **error)
{
  SluiceCountersConfig *counters = target;
  const char *url = NULL;

  if (!_sluice_config_get_string (node, path, &url, error))
    return FALSE;

  if (!_sluice_config_is_redis_url (url))
    return _sluice_config_fail (error, path,
                                "must be redis://HOST[:PORT][/DB] or unix:///PATH");

  g_free (counters->redis_url);
  counters->redis_url = g_strdup (url);

  return TRUE;
}

static gboolean
read_on_loss (SluiceConfigParser  *parser,
              JsonNode            *node,
              const char          *path,
              gpointer             target,
              GError             **error)
{
  SluiceCountersConfig *counters = target;
  const char *policy = NULL;

  if (!_sluice_config_get_string (node, path, &policy, error))
    return FALSE;

  if (strcmp (policy, "fail_open") != 0 && strcmp (policy, "fail_closed") != 0)
    return _sluice_config_fail (error, path,
                                "must be \"fail_open\" or \"fail_closed\"");

  counters->fail_open = strcmp (policy, "fail_open") == 0;

  return TRUE;
}

static gboolean
read_prefix (SluiceConfigParser  *parser,
             JsonNode            *node,
             const char          *path,
             gpointer             target,
             GError             **error)
{
  SluiceCountersConfig *counters = target;
  const char *prefix = NULL;

  if (!_sluice_config_get_string (node, path, &prefix, error))
    return FALSE;

  if (strlen (prefix) > 64 || strpbrk (prefix, " \t\r\n") != NULL)
    return _sluice_config_fail (error, path,
                                "must be at most 64 characters without spaces");

  g_free (counters->prefix);
  counters->prefix = g_strdup (prefix);

  return TRUE;
}

static const SluiceFieldSpec counters_fields[] = {
  { "store", SLUICE_FIELD_CUSTOM, .func = read_store },
  { "redis_url", SLUICE_FIELD_CUSTOM, .func = read_redis_url },
  { "on_loss", SLUICE_FIELD_CUSTOM, .func = read_on_loss },
  { "prefix", SLUICE_FIELD_CUSTOM, .func = read_prefix },
  { NULL }
};

gboolean
_sluice_config_read_counters (SluiceConfigParser  *parser,
                              JsonNode            *node,
                              const char          *path,
                              gpointer             target,
                              GError             **error)
{
  return _sluice_config_read_fields (parser, node, path, counters_fields,
                                     &parser->config->counters, error);
}

void
_sluice_config_set_quota_defaults (SluiceConfig *self)
{
  self->limits = (SluiceLimitsConfig) {
    .tokenizer_encoding = g_strdup ("o200k_base"),
  };
  self->counters = (SluiceCountersConfig) {
    .store = SLUICE_COUNTER_STORE_MEMORY,
    .redis_url = g_strdup ("redis://127.0.0.1:6379/0"),
    .fail_open = FALSE,
    .prefix = g_strdup ("sluice:"),
  };
}

/* Fills the prices a model leaves out (marked < 0) from the default table;
 * without an entry there, price_in and price_out stay required. */
gboolean
_sluice_config_fill_prices (SluiceModelConfig  *model,
                            const char         *path,
                            GError            **error)
{
  double in = 0, cached_in = 0, out = 0;
  gboolean listed = sluice_prices_lookup (model->upstream, &in, &cached_in, &out);
  const char *missing = NULL;

  if (model->price_in < 0)
    {
      model->price_in = in;
      missing = listed ? NULL : "price_in";
    }

  if (model->price_out < 0)
    {
      model->price_out = out;
      missing = listed || missing != NULL ? missing : "price_out";
    }

  if (missing != NULL)
    {
      g_autofree char *child = _sluice_config_path_member (path, missing);

      return _sluice_config_fail (error, child,
                                  "required (the default price table does not "
                                  "list \"%s\")", model->upstream);
    }

  if (model->price_cached_in < 0)
    model->price_cached_in = listed ? cached_in : model->price_in;

  return TRUE;
}

static void
add_int (JsonBuilder *builder,
         const char  *member,
         gint64       value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_int_value (builder, value);
}

/* Writes "limits": {…} — always, or only when some limit is set. */
void
_sluice_config_build_rate_limits (JsonBuilder            *builder,
                                  const SluiceRateLimits *limits,
                                  gboolean                always)
{
  if (!always && limits->rpm == 0 && limits->tpm == 0 && limits->tpd == 0 &&
      limits->concurrency == 0)
    return;

  json_builder_set_member_name (builder, "limits");
  json_builder_begin_object (builder);
  add_int (builder, "rpm", limits->rpm);
  add_int (builder, "tpm", limits->tpm);
  add_int (builder, "tpd", limits->tpd);
  add_int (builder, "concurrency", limits->concurrency);
  json_builder_end_object (builder);
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

/* Writes the "limits" and "counters" sections. */
void
_sluice_config_build_quotas (JsonBuilder  *builder,
                             SluiceConfig *self)
{
  json_builder_set_member_name (builder, "limits");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "global");
  json_builder_begin_object (builder);
  add_int (builder, "rpm", self->limits.global.rpm);
  add_int (builder, "tpm", self->limits.global.tpm);
  add_int (builder, "tpd", self->limits.global.tpd);
  add_int (builder, "concurrency", self->limits.global.concurrency);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "tokenizer");
  json_builder_begin_object (builder);
  add_string (builder, "encoding", self->limits.tokenizer_encoding);
  add_string (builder, "path", self->limits.tokenizer_path);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "counters");
  json_builder_begin_object (builder);
  add_string (builder, "store", self->counters.store == SLUICE_COUNTER_STORE_REDIS
                                ? "redis" : "memory");
  add_string (builder, "redis_url", self->counters.redis_url);
  add_string (builder, "on_loss", self->counters.fail_open ? "fail_open" : "fail_closed");
  add_string (builder, "prefix", self->counters.prefix);
  json_builder_end_object (builder);
}
