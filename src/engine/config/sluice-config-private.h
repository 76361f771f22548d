/* sluice-config-private.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-config.h"

G_BEGIN_DECLS

typedef struct
{
  char *name;
  char *chain;
} SluiceAliasConfig;

struct _SluiceConfig
{
  GObject                 parent_instance;

  GPtrArray              *providers;     /* SluiceProviderConfig, doc order */
  GPtrArray              *models;        /* SluiceModelConfig, doc order */
  GPtrArray              *chains;        /* SluiceChainConfig, by name */
  GPtrArray              *aliases;       /* SluiceAliasConfig, by name */
  GPtrArray              *rules;         /* SluiceRouteRule, doc order */
  GPtrArray              *ttl_policies;  /* SluiceTtlPolicy, by task */
  GPtrArray              *users;         /* SluiceUserConfig, doc order */

  /* Name → entry, borrowed from the arrays above. */
  GHashTable             *provider_index;
  GHashTable             *model_index;
  GHashTable             *chain_index;
  GHashTable             *alias_index;
  GHashTable             *ttl_index;
  GHashTable             *user_index;
  GHashTable             *key_hash_index;

  char                   *default_chain;
  char                   *uncertain_chain;  /* routing.uncertain, or NULL */
  double                  min_confidence;   /* routing.min_confidence */
  SluiceCacheConfig       cache;
  SluiceBudgetConfig      budgets;
  SluiceLimitsConfig      limits;
  SluiceCountersConfig    counters;
  SluiceBreakerConfig     breaker;
  SluiceRetryConfig       retry;
  SluiceStormGuardConfig  storm_guard;
  SluiceMonitoringConfig  monitoring;
  GPtrArray              *static_responses;  /* SluiceStaticResponse */
  SluiceDeferredConfig    deferred;

  char                   *canonical;
  char                   *digest;
};

/* Reading helpers shared by the section parsers (sluice-config-reader.c). */

typedef struct _SluiceConfigParser SluiceConfigParser;

typedef gboolean (*SluiceFieldFunc) (SluiceConfigParser  *parser,
                                     JsonNode            *node,
                                     const char          *path,
                                     gpointer             target,
                                     GError             **error);

typedef enum
{
  SLUICE_FIELD_STRING,   /* char *, non-empty */
  SLUICE_FIELD_NAME,     /* char *, a name (see _sluice_config_is_name) */
  SLUICE_FIELD_UINT,     /* guint, integer in [min, max] */
  SLUICE_FIELD_INT64,    /* gint64, integer in [min, max] */
  SLUICE_FIELD_DOUBLE,   /* double, number in [min, max] */
  SLUICE_FIELD_FRACTION, /* double, number in (0, 1] */
  SLUICE_FIELD_CUSTOM,   /* func (parser, node, path, target, error) */
} SluiceFieldType;

typedef struct
{
  const char      *name;
  SluiceFieldType  type;
  gboolean         required;
  gsize            offset;
  double           min;
  double           max;
  SluiceFieldFunc  func;
} SluiceFieldSpec;

#define SLUICE_NO_MAX (-1.0)

struct _SluiceConfigParser
{
  SluiceConfig *config;
  /* Names declared anywhere in the document, gathered before validation so
   * that references are checked in document order: name → 1 + index of its
   * first occurrence (0 for chains). Borrowed strings. */
  GHashTable   *provider_names;
  GHashTable   *model_names;
  GHashTable   *chain_names;
  GHashTable   *rule_names;
  GHashTable   *user_names;
  guint         index;       /* of the array element being read */
};

char     *_sluice_config_path_member   (const char             *path,
                                        const char             *member);
char     *_sluice_config_path_index    (const char             *path,
                                        guint                   index);
gboolean  _sluice_config_fail          (GError                **error,
                                        const char             *path,
                                        const char             *format,
                                        ...) G_GNUC_PRINTF (3, 4);
gboolean  _sluice_config_is_name       (const char             *str);
char     *_sluice_config_suggest       (const char             *word,
                                        const char * const     *candidates);
char     *_sluice_config_suggest_table (const char             *word,
                                        GHashTable             *names);
gboolean  _sluice_config_read_fields   (SluiceConfigParser     *parser,
                                        JsonNode               *node,
                                        const char             *path,
                                        const SluiceFieldSpec  *specs,
                                        gpointer                target,
                                        GError                **error);
gboolean  _sluice_config_get_string    (JsonNode               *node,
                                        const char             *path,
                                        const char            **out,
                                        GError                **error);
gboolean  _sluice_config_get_name      (JsonNode               *node,
                                        const char             *path,
                                        const char            **out,
                                        GError                **error);
gboolean  _sluice_config_get_object    (JsonNode               *node,
                                        const char             *path,
                                        JsonObject            **out,
                                        GError                **error);
gboolean  _sluice_config_get_array     (JsonNode               *node,
                                        const char             *path,
                                        JsonArray             **out,
                                        GError                **error);
gboolean  _sluice_config_check_ref     (GHashTable             *names,
                                        const char             *what,
                                        const char             *name,
                                        const char             *path,
                                        GError                **error);

gboolean  _sluice_config_read_unique   (SluiceConfigParser     *parser,
                                        JsonNode               *node,
                                        const char             *path,
                                        GHashTable             *names,
                                        const char             *what,
                                        char                  **out,
                                        GError                **error);

/* The section parsers (sluice-config-parse*.c). */
JsonNode *_sluice_config_parse_text    (const char             *data,
                                        gssize                  length,
                                        GError                **error);
gboolean  _sluice_config_parse         (SluiceConfig           *self,
                                        JsonNode               *root,
                                        GError                **error);
gboolean  _sluice_config_read_providers (SluiceConfigParser   *parser,
                                         JsonNode             *node,
                                         const char           *path,
                                         gpointer              target,
                                         GError              **error);
gboolean  _sluice_config_read_models   (SluiceConfigParser     *parser,
                                        JsonNode               *node,
                                        const char             *path,
                                        gpointer                target,
                                        GError                **error);
/* sluice-config-embed.c */
gboolean  _sluice_config_read_model_kind (SluiceConfigParser   *parser,
                                          JsonNode             *node,
                                          const char           *path,
                                          gpointer              target,
                                          GError              **error);
gboolean  _sluice_config_read_embedder   (SluiceConfigParser   *parser,
                                          JsonNode             *node,
                                          const char           *path,
                                          gpointer              target,
                                          GError              **error);
gboolean  _sluice_config_check_embedding (SluiceConfig         *self,
                                          GError              **error);
void      _sluice_config_build_embedder  (JsonBuilder             *builder,
                                          const SluiceCacheConfig *cache);
gboolean  _sluice_config_check_replacements (SluiceConfig     *self,
                                             GError          **error);
gboolean  _sluice_config_read_cache    (SluiceConfigParser     *parser,
                                        JsonNode               *node,
                                        const char             *path,
                                        gpointer                target,
                                        GError                **error);
gboolean  _sluice_config_read_budgets  (SluiceConfigParser     *parser,
                                        JsonNode               *node,
                                        const char             *path,
                                        gpointer                target,
                                        GError                **error);
gboolean  _sluice_config_read_breaker  (SluiceConfigParser     *parser,
                                        JsonNode               *node,
                                        const char             *path,
                                        gpointer                target,
                                        GError                **error);
gboolean  _sluice_config_read_retry    (SluiceConfigParser     *parser,
                                        JsonNode               *node,
                                        const char             *path,
                                        gpointer                target,
                                        GError                **error);
gboolean  _sluice_config_read_degradation (SluiceConfigParser  *parser,
                                           JsonNode            *node,
                                           const char          *path,
                                           gpointer             target,
                                           GError             **error);
void      _sluice_config_write_degradation (JsonBuilder        *builder,
                                            SluiceConfig       *self);
void      _sluice_static_response_free    (SluiceStaticResponse *response);
gboolean  _sluice_config_read_model_hedge (SluiceConfigParser  *parser,
                                           JsonNode            *node,
                                           const char          *path,
                                           gpointer             target,
                                           GError             **error);
gboolean  _sluice_config_read_storm    (SluiceConfigParser     *parser,
                                        JsonNode               *node,
                                        const char             *path,
                                        gpointer                target,
                                        GError                **error);
gboolean  _sluice_config_read_routing  (SluiceConfigParser     *parser,
                                        JsonNode               *node,
                                        const char             *path,
                                        gpointer                target,
                                        GError                **error);
void      _sluice_config_build_routing (JsonBuilder            *builder,
                                        SluiceConfig           *self);
gboolean  _sluice_config_read_users    (SluiceConfigParser     *parser,
                                        JsonNode               *node,
                                        const char             *path,
                                        gpointer                target,
                                        GError                **error);
void      _sluice_config_set_defaults  (SluiceConfig           *self);

/* Rate limits, the limits and counters sections, and default prices
 * (sluice-config-parse-quotas.c). */
gboolean  _sluice_config_read_rate_limits (SluiceConfigParser  *parser,
                                           JsonNode            *node,
                                           const char          *path,
                                           gpointer             target,
                                           GError             **error);
gboolean  _sluice_config_read_limits   (SluiceConfigParser     *parser,
                                        JsonNode               *node,
                                        const char             *path,
                                        gpointer                target,
                                        GError                **error);
/* redis://HOST[:PORT][/DB] or unix:///PATH */
gboolean  _sluice_config_is_redis_url (const char             *url);
gboolean  _sluice_config_read_counters (SluiceConfigParser     *parser,
                                        JsonNode               *node,
                                        const char             *path,
                                        gpointer                target,
                                        GError                **error);
gboolean  _sluice_config_read_cut_streams (SluiceConfigParser  *parser,
                                           JsonNode            *node,
                                           const char          *path,
                                           gpointer             target,
                                           GError             **error);
void      _sluice_config_set_quota_defaults (SluiceConfig      *self);

/* The "monitoring" section (sluice-config-parse-monitoring.c). */
gboolean  _sluice_config_read_monitoring (SluiceConfigParser   *parser,
                                          JsonNode             *node,
                                          const char           *path,
                                          gpointer              target,
                                          GError              **error);
void      _sluice_config_set_monitoring_defaults (SluiceConfig *self);
void      _sluice_config_clear_monitoring (SluiceConfig        *self);
void      _sluice_config_build_monitoring (JsonBuilder         *builder,
                                           SluiceConfig        *self);
gboolean  _sluice_config_fill_prices   (SluiceModelConfig      *model,
                                        const char             *path,
                                        GError                **error);
void      _sluice_config_build_rate_limits (JsonBuilder           *builder,
                                            const SluiceRateLimits *limits,
                                            gboolean               always);
void      _sluice_config_build_quotas  (JsonBuilder            *builder,
                                        SluiceConfig           *self);

/* Entries (sluice-config.c). */
void      _sluice_provider_config_free (SluiceProviderConfig   *provider);
void      _sluice_model_config_free    (SluiceModelConfig      *model);
void      _sluice_chain_config_free    (SluiceChainConfig      *chain);
void      _sluice_alias_config_free    (SluiceAliasConfig      *alias);
void      _sluice_route_rule_free      (SluiceRouteRule        *rule);
void      _sluice_ttl_policy_free      (SluiceTtlPolicy        *policy);
void      _sluice_user_config_free     (SluiceUserConfig       *user);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SluiceProviderConfig, _sluice_provider_config_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SluiceModelConfig, _sluice_model_config_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SluiceChainConfig, _sluice_chain_config_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SluiceRouteRule, _sluice_route_rule_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SluiceTtlPolicy, _sluice_ttl_policy_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SluiceUserConfig, _sluice_user_config_free)

/* The canonical form (sluice-config-writer.c). */
JsonNode *_sluice_config_build_json    (SluiceConfig           *self);
char     *_sluice_config_write_json    (JsonNode               *node);

const char *_sluice_cache_tier_to_string (SluiceCacheTier tier);

G_END_DECLS
