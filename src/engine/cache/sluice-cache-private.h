/* sluice-cache-private.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-cache.h"
#include "sluice-exact-cache.h"
#include "sluice-redis-exact-store.h"
#include "sluice-semantic-cache.h"

G_BEGIN_DECLS

struct _SluiceCache
{
  GObject               parent_instance;

  SluiceClock          *clock;
  SluiceNormaliser     *normaliser;
  SluiceEmbedder       *embedder;
  SluiceExactCache     *entries;
  SluiceSemanticCache  *semantic;
  double                max_temperature;
  double                local_threshold;
  SluiceRedisExactStore *redis;           /* the shared exact tier, or NULL */
  gint64                stale_grace_s;

  GMutex                stats_lock;
  SluiceCacheStats      stats;
};

typedef struct
{
  gboolean no_cache;
  gboolean no_store;
  gint64   max_age_s;   /* -1 = any */
} Control;

#define STAT_ADD(self, field, n) G_STMT_START { \
  g_mutex_lock (&(self)->stats_lock);            \
  (self)->stats.field += (n);                    \
  g_mutex_unlock (&(self)->stats_lock);          \
} G_STMT_END

/* sluice-cache-keys.c: keys, scopes and whether a request may use the cache */
void        _sluice_cache_parse_control   (const char             *text,
                                           Control                *control);
char       *_sluice_cache_context_hash    (const SluiceCacheQuery *q);
gint        _sluice_cache_last_user_index (const SluiceCacheQuery *q);
char       *_sluice_cache_scope_key       (SluiceCache            *self,
                                           const SluiceCacheQuery *query);
double      _sluice_cache_threshold_for   (SluiceCache            *self,
                                           const SluiceTtlPolicy  *policy);
const char *_sluice_cache_bypass_reason   (SluiceCache            *self,
                                           const SluiceCacheQuery *query);

G_END_DECLS
