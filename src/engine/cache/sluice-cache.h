/* sluice-cache.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sluice-cache-entry.h"
#include "sluice-clock.h"
#include "sluice-config.h"
#include "sluice-embedder.h"
#include "sluice-exact-cache.h"
#include "sluice-redis-exact-store.h"
#include "sluice-store.h"

G_BEGIN_DECLS

/* What the cache is told by the configuration. */
typedef struct
{
  guint                max_entries;      /* 0 = no cap; default 10000 */
  guint64              max_bytes;        /* 0 = no cap; default 256 MiB */
  double               max_temperature;  /* above it nothing is cached; default 0.7 */
  gint64               stale_grace_s;    /* default 86400 */
  const char * const  *filler_words;     /* NULL = the normaliser's defaults */
  double               local_threshold;  /* 0 = the local embedder's calibrated one */
  const char          *redis_url;        /* the exact tier shared through Redis; NULL = none */
  const char          *redis_prefix;     /* of its keys; NULL = "sluice:cache:" */
} SluiceCacheSettings;

void sluice_cache_settings_init (SluiceCacheSettings *settings);

/* One request as the cache sees it; the strings are borrowed for the
 * duration of the call. */
typedef struct
{
  const char            *scope;            /* tenant (user); NULL = "" */
  const char            *model;            /* model or chain name */
  GPtrArray             *messages;         /* of SluiceMessage */
  double                 temperature;
  const char            *tools;            /* canonical JSON, or NULL */
  const char            *response_format;  /* or NULL */
  const SluiceTtlPolicy *policy;           /* NULL = not cached */
  const char            *cache_control;    /* "no-cache, no-store, max-age=N" or NULL */
} SluiceCacheQuery;

typedef struct
{
  SluiceCacheStatus  status;      /* NONE, MISS, EXACT, SEMANTIC or STALE */
  SluiceCacheEntry  *entry;       /* the hit, or NULL */
  double             similarity;  /* SEMANTIC (or a semantic STALE) hit */
  char              *detail;      /* one sentence for the trace */
} SluiceCacheResult;

void sluice_cache_result_free (SluiceCacheResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SluiceCacheResult, sluice_cache_result_free)

typedef struct
{
  guint64 hits_exact;
  guint64 hits_semantic;
  guint64 hits_stale;
  guint64 misses;
  guint64 bypassed;        /* lookups the policy, temperature or no-cache skipped */
  guint64 stores;
  guint64 evictions;
  gint64  tokens_saved;
  double  usd_saved;
  guint   n_entries;
  guint64 n_bytes;
} SluiceCacheStats;

#define SLUICE_TYPE_CACHE (sluice_cache_get_type ())

G_DECLARE_FINAL_TYPE (SluiceCache, sluice_cache, SLUICE, CACHE, GObject)

SluiceCache       *sluice_cache_new             (SluiceClock               *clock,
                                                 SluiceStore               *store,
                                                 SluiceEmbedder            *embedder,
                                                 const SluiceCacheSettings *settings,
                                                 GError                   **error);
SluiceCacheResult *sluice_cache_lookup_now      (SluiceCache               *self,
                                                 const SluiceCacheQuery    *query,
                                                 gboolean                   stale_ok);
SluiceCacheResult *sluice_cache_lookup_start    (SluiceCache               *self,
                                                 const SluiceCacheQuery    *query,
                                                 gboolean                   stale_ok,
                                                 GCancellable              *cancellable,
                                                 GAsyncReadyCallback        callback,
                                                 gpointer                   user_data);
void               sluice_cache_lookup_async    (SluiceCache               *self,
                                                 const SluiceCacheQuery    *query,
                                                 gboolean                   stale_ok,
                                                 GCancellable              *cancellable,
                                                 GAsyncReadyCallback        callback,
                                                 gpointer                   user_data);
SluiceCacheResult *sluice_cache_lookup_finish   (SluiceCache               *self,
                                                 GAsyncResult              *result,
                                                 GError                   **error);
void               sluice_cache_store_async     (SluiceCache               *self,
                                                 const SluiceCacheQuery    *query,
                                                 const char                *payload,
                                                 gint64                     tokens,
                                                 double                     cost_usd,
                                                 GCancellable              *cancellable,
                                                 GAsyncReadyCallback        callback,
                                                 gpointer                   user_data);
gboolean           sluice_cache_store_finish    (SluiceCache               *self,
                                                 GAsyncResult              *result,
                                                 GError                   **error);
guint              sluice_cache_purge           (SluiceCache               *self,
                                                 SluiceCachePurge           what,
                                                 const char                *value);
void               sluice_cache_get_stats       (SluiceCache               *self,
                                                 SluiceCacheStats          *stats);
SluiceEmbedder    *sluice_cache_get_embedder    (SluiceCache               *self);
SluiceRedisExactStore *sluice_cache_get_redis_store (SluiceCache           *self);
char              *sluice_cache_compute_key     (SluiceCache               *self,
                                                 const SluiceCacheQuery    *query);

G_END_DECLS
