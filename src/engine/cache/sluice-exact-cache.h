/* sluice-exact-cache.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sluice-cache-entry.h"
#include "sluice-clock.h"
#include "sluice-store.h"

G_BEGIN_DECLS

typedef enum
{
  SLUICE_CACHE_PURGE_ALL,
  SLUICE_CACHE_PURGE_SCOPE,    /* one tenant */
  SLUICE_CACHE_PURGE_MODEL,    /* one model or chain */
  SLUICE_CACHE_PURGE_POLICY,   /* one task type */
} SluiceCachePurge;

#define SLUICE_TYPE_EXACT_CACHE (sluice_exact_cache_get_type ())

G_DECLARE_FINAL_TYPE (SluiceExactCache, sluice_exact_cache, SLUICE, EXACT_CACHE, GObject)

SluiceExactCache *sluice_exact_cache_new             (SluiceClock       *clock,
                                                      SluiceStore       *store,
                                                      guint              max_entries,
                                                      guint64            max_bytes,
                                                      gint64             stale_grace_s);
gboolean          sluice_exact_cache_load            (SluiceExactCache  *self,
                                                      GError           **error);
void              sluice_exact_cache_insert          (SluiceExactCache  *self,
                                                      SluiceCacheEntry  *entry);
SluiceCacheEntry *sluice_exact_cache_lookup          (SluiceExactCache  *self,
                                                      const char        *key,
                                                      gint64             max_age_s,
                                                      gboolean           stale_ok,
                                                      gboolean          *out_stale);
gboolean          sluice_exact_cache_remove          (SluiceExactCache  *self,
                                                      const char        *key);
guint             sluice_exact_cache_purge           (SluiceExactCache  *self,
                                                      SluiceCachePurge   what,
                                                      const char        *value);
guint             sluice_exact_cache_prune           (SluiceExactCache  *self);
GPtrArray        *sluice_exact_cache_dup_entries     (SluiceExactCache  *self);
guint             sluice_exact_cache_get_n_entries   (SluiceExactCache  *self);
guint64           sluice_exact_cache_get_n_bytes     (SluiceExactCache  *self);
guint64           sluice_exact_cache_get_n_evictions (SluiceExactCache  *self);
gint64            sluice_exact_cache_get_stale_grace (SluiceExactCache  *self);

G_END_DECLS
