/* sluice-config.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "sluice-mock-behaviour.h"
#include "sluice-types.h"

G_BEGIN_DECLS

#define SLUICE_CONFIG_SCHEMA_VERSION 1

#define SLUICE_CONFIG_ERROR (sluice_config_error_quark ())

/**
 * SluiceConfigError:
 * @SLUICE_CONFIG_ERROR_PARSE: the document is not JSON
 * @SLUICE_CONFIG_ERROR_INVALID: the document is JSON but breaks the schema;
 *   the message starts with the JSON path (e.g. `$.models[2].price_in: `)
 * @SLUICE_CONFIG_ERROR_VERSION: the schema version is not one we read
 */
typedef enum
{
  SLUICE_CONFIG_ERROR_PARSE,
  SLUICE_CONFIG_ERROR_INVALID,
  SLUICE_CONFIG_ERROR_VERSION,
} SluiceConfigError;

GQuark sluice_config_error_quark (void);

typedef enum
{
  SLUICE_CACHE_TIER_NONE,
  SLUICE_CACHE_TIER_EXACT,
  SLUICE_CACHE_TIER_SEMANTIC,
} SluiceCacheTier;

/**
 * SluiceRateLimits:
 * @rpm: requests per minute, 0 for no limit
 * @tpm: tokens (input + output) per minute, 0 for no limit
 * @tpd: tokens per day (a sliding 24 hours), 0 for no limit
 * @concurrency: requests in flight at once, 0 for no limit
 *
 * The rate limits of a provider, a model, a user or the whole gateway
 * (the `"limits"` member of each).
 */
typedef struct
{
  gint64 rpm;
  gint64 tpm;
  gint64 tpd;
  gint64 concurrency;
} SluiceRateLimits;

typedef struct
{
  char                *name;
  SluiceProviderKind   kind;
  char                *base_url;            /* NULL for the in-process mock */
  char                *key_ref;             /* the key's name, never the key */
  guint                timeout_ms;
  guint                connect_timeout_ms;
  SluiceMockBehaviour *mock;                /* kind == MOCK only */
  SluiceRateLimits     limits;              /* over all its models */
} SluiceProviderConfig;

typedef struct
{
  char   *name;              /* Sluice's name, unique across providers */
  char   *provider;
  char   *upstream;          /* the provider's own model id */
  double  price_in;          /* USD per 1M input tokens */
  double  price_cached_in;   /* USD per 1M cached input tokens */
  double  price_out;         /* USD per 1M output tokens */
  gint64  context_window;
  gint64  max_output_tokens;
  char   *retires;           /* ISO 8601 date, or NULL */
  char   *replacement;       /* a model name, or NULL */
  guint   latency_threshold_ms;  /* 0 = none */
  gboolean hedge;                /* at the threshold, race the next model */
  SluiceRateLimits limits;
  gboolean embedding;        /* "kind": "embedding" (else a chat model) */
} SluiceModelConfig;

typedef struct
{
  char  *name;
  GStrv  models;             /* model names, tried in order */
} SluiceChainConfig;

/* A routing rule: conditions (all must hold; an absent one holds
 * always), then the action. See the comment atop sluice-config.c. */
typedef struct
{
  char   *name;
  GStrv   tasks;             /* NULL matches any task */
  gint64  min_input_tokens;  /* -1 = no lower bound */
  gint64  max_input_tokens;  /* -1 = no upper bound */
  GStrv   outputs;           /* "json", "tools", "text"; NULL = any */
  GStrv   users;             /* NULL = any user (or none) */
  GStrv   aliases;           /* alias or chain names asked for; NULL = any */
  gint    from_minute;       /* local time of day, 0 … 1439; -1 = any time */
  gint    to_minute;         /* exclusive; may be < from_minute (wraps) */
  char   *chain;
  gint64  cap_max_tokens;    /* 0 = no cap */
  double  cap_temperature;   /* < 0 = no cap */
  double  when_budget_above; /* 0 = never; else a fraction in (0, 1] */
  char   *cheaper_chain;     /* with when_budget_above */
} SluiceRouteRule;

typedef struct
{
  char            *task;
  SluiceCacheTier  tier;
  gint64           ttl_s;
  double           threshold;  /* semantic tier only */
} SluiceTtlPolicy;

/* The `"cache"` section's settings besides its policies. */
typedef struct
{
  guint   max_entries;       /* 0 = no cap */
  gint64  max_bytes;         /* 0 = no cap */
  double  max_temperature;   /* above it nothing is cached */
  gint64  stale_grace_s;     /* expired entries kept this long for degradation */
  double  local_threshold;   /* the local embedder's; 0 = its calibrated one */
  GStrv   filler_words;      /* NULL = the normaliser's built-in list */
  char   *embedder_model;    /* "embedder": an embedding model; NULL = local */
  guint   embedder_dimensions;
  char   *redis_url;         /* the exact tier shared through Redis; NULL = local only */
} SluiceCacheConfig;

typedef struct
{
  gint64  tokens_per_request;
  gint64  user_tokens_per_hour;
  gint64  user_tokens_per_day;
  gint64  global_tokens_per_hour;
  double  user_usd_per_day;
  double  global_usd_per_day;
  double *alert_fractions;
  guint   n_alert_fractions;
  gboolean cut_streams;      /* cut a stream whose output outgrows its reservation */
} SluiceBudgetConfig;

typedef struct
{
  guint  consecutive_failures;
  double error_ratio;
  guint  window_s;
  guint  min_requests;
  guint  cooldown_s;
  guint  max_cooldown_s;
} SluiceBreakerConfig;

typedef struct
{
  guint  max_attempts;       /* per model, including the first */
  guint  base_backoff_ms;
  guint  max_backoff_ms;
  double budget_ratio;       /* retries / requests over the window */
  guint  budget_window_s;
  guint  deadline_ms;        /* whole chain */
} SluiceRetryConfig;

typedef struct
{
  guint max_repeats;
  guint window_s;
} SluiceStormGuardConfig;

/* "degradation.static_responses[]": an answer given when every model
 * failed and no stale cache entry is at hand. */
typedef struct
{
  char  *name;
  GStrv  tasks;      /* NULL matches any task */
  char  *match;      /* case-insensitive substring of the last user message */
  char  *content;
} SluiceStaticResponse;

/* "degradation.deferred": the persistent queue of deferrable requests. */
typedef struct
{
  guint max_attempts;
  guint base_backoff_s;
  guint max_backoff_s;
  guint retention_s;
} SluiceDeferredConfig;

typedef struct
{
  char *name;
  char *key_hash;            /* "sha256:<hex>" of the virtual key */
  SluiceRateLimits limits;
} SluiceUserConfig;

/* The `"limits"` section: the gateway-wide rate limits and the tokenizer. */
typedef struct
{
  SluiceRateLimits  global;
  char             *tokenizer_encoding;  /* "o200k_base" or "cl100k_base" */
  char             *tokenizer_path;      /* a .tiktoken rank file, or NULL */
} SluiceLimitsConfig;

typedef enum
{
  SLUICE_COUNTER_STORE_MEMORY,
  SLUICE_COUNTER_STORE_REDIS,
} SluiceCounterStoreKind;

/* The `"counters"` section: where limits and budgets are counted. */
typedef struct
{
  SluiceCounterStoreKind  store;
  char                   *redis_url;  /* redis://host:port/db or unix:///path */
  gboolean                fail_open;  /* on_loss: "fail_open" */
  char                   *prefix;     /* of every Redis key */
} SluiceCountersConfig;

/* observability (issue 8): a route's answer format check. */
typedef struct
{
  char     *route;             /* a chain or model name */
  char     *regex;             /* or NULL */
  JsonNode *schema;            /* a JSON-schema subset, or NULL */
} SluiceFormatCheck;

/* The `"monitoring"` section: quality scoring, drift, cost alerts,
 * rollups and the alert webhook. */
typedef struct
{
  double     quality_sample_rate;     /* 0..1 */
  double     quality_drop_threshold;  /* (0, 1] */
  GStrv      blocklist;
  GPtrArray *formats;                 /* SluiceFormatCheck*, by route */
  char      *judge_model;             /* NULL = no LLM judge */
  double     judge_sample_rate;
  double     judge_usd_per_day;
  double     drift_sample_rate;
  double     drift_threshold;
  double     cost_jump_threshold;
  guint      retention_days;
  char      *webhook_url;             /* NULL = none */
  guint      webhook_retries;
} SluiceMonitoringConfig;

#define SLUICE_TYPE_CONFIG (sluice_config_get_type ())

G_DECLARE_FINAL_TYPE (SluiceConfig, sluice_config, SLUICE, CONFIG, GObject)

SluiceConfig                 *sluice_config_new_from_data      (const char   *data,
                                                                gssize        length,
                                                                GError      **error);
SluiceConfig                 *sluice_config_new_from_file      (const char   *path,
                                                                GError      **error);
SluiceConfig                 *sluice_config_new_default        (void);
char                         *sluice_config_to_json            (SluiceConfig *self);
const char                   *sluice_config_get_digest         (SluiceConfig *self);

guint                         sluice_config_get_n_providers    (SluiceConfig *self);
const SluiceProviderConfig   *sluice_config_get_provider       (SluiceConfig *self,
                                                                guint         index);
const SluiceProviderConfig   *sluice_config_lookup_provider    (SluiceConfig *self,
                                                                const char   *name);
guint                         sluice_config_get_n_models       (SluiceConfig *self);
const SluiceModelConfig      *sluice_config_get_model          (SluiceConfig *self,
                                                                guint         index);
const SluiceModelConfig      *sluice_config_lookup_model       (SluiceConfig *self,
                                                                const char   *name);
guint                         sluice_config_get_n_chains       (SluiceConfig *self);
const SluiceChainConfig      *sluice_config_get_chain          (SluiceConfig *self,
                                                                guint         index);
const SluiceChainConfig      *sluice_config_lookup_chain       (SluiceConfig *self,
                                                                const char   *name);
const char                   *sluice_config_resolve_alias      (SluiceConfig *self,
                                                                const char   *alias);
GStrv                         sluice_config_dup_alias_names    (SluiceConfig *self);
guint                         sluice_config_get_n_rules        (SluiceConfig *self);
const SluiceRouteRule        *sluice_config_get_rule           (SluiceConfig *self,
                                                                guint         index);
const char                   *sluice_config_get_default_chain  (SluiceConfig *self);
double                        sluice_config_get_min_confidence (SluiceConfig *self);
const char                   *sluice_config_get_uncertain_chain (SluiceConfig *self);
guint                         sluice_config_get_n_ttl_policies (SluiceConfig *self);
const SluiceTtlPolicy        *sluice_config_get_ttl_policy     (SluiceConfig *self,
                                                                guint         index);
const SluiceTtlPolicy        *sluice_config_lookup_ttl_policy  (SluiceConfig *self,
                                                                const char   *task);
const SluiceCacheConfig      *sluice_config_get_cache          (SluiceConfig *self);
const SluiceBudgetConfig     *sluice_config_get_budgets        (SluiceConfig *self);
const SluiceLimitsConfig     *sluice_config_get_limits         (SluiceConfig *self);
const SluiceCountersConfig   *sluice_config_get_counters       (SluiceConfig *self);
const SluiceBreakerConfig    *sluice_config_get_breaker        (SluiceConfig *self);
const SluiceRetryConfig      *sluice_config_get_retry          (SluiceConfig *self);
const SluiceStormGuardConfig *sluice_config_get_storm_guard    (SluiceConfig *self);
const SluiceMonitoringConfig *sluice_config_get_monitoring     (SluiceConfig *self);
guint                         sluice_config_get_n_static_responses (SluiceConfig *self);
const SluiceStaticResponse   *sluice_config_get_static_response (SluiceConfig *self,
                                                                guint         index);
const SluiceDeferredConfig   *sluice_config_get_deferred       (SluiceConfig *self);
guint                         sluice_config_get_n_users        (SluiceConfig *self);
const SluiceUserConfig       *sluice_config_get_user           (SluiceConfig *self,
                                                                guint         index);
const SluiceUserConfig       *sluice_config_lookup_user        (SluiceConfig *self,
                                                                const char   *name);
const SluiceUserConfig       *sluice_config_lookup_user_by_key_hash
                                                               (SluiceConfig *self,
                                                                const char   *key_hash);

G_END_DECLS
