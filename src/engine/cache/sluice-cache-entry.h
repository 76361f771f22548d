/* sluice-cache-entry.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "sluice-config.h"

G_BEGIN_DECLS

/* One cached response. Immutable once made; shared by reference between
 * the LRU, the vector index and callers. */
typedef struct
{
  char            *key;         /* hex SHA-256, unique across tiers */
  SluiceCacheTier  tier;        /* EXACT or SEMANTIC */
  char            *scope;       /* tenant */
  char            *model;       /* model or chain */
  char            *policy;      /* the task type whose TTL policy applied */
  char            *context;     /* semantic: the index scope key; exact: context hash */
  char            *text;        /* semantic: the original query text */
  char            *payload;     /* the response, opaque to the cache */
  gint64           tokens;      /* tokens a hit saves */
  double           cost_usd;    /* dollars a hit saves */
  gint64           created_us;
  gint64           expires_us;
  float           *vector;      /* semantic: unit vector of @dims floats */
  guint            dims;
} SluiceCacheEntry;

#define SLUICE_TYPE_CACHE_ENTRY (sluice_cache_entry_get_type ())

GType             sluice_cache_entry_get_type (void) G_GNUC_CONST;
SluiceCacheEntry *sluice_cache_entry_new      (void);
SluiceCacheEntry *sluice_cache_entry_ref      (SluiceCacheEntry *self);
void              sluice_cache_entry_unref    (SluiceCacheEntry *self);
gsize             sluice_cache_entry_get_size (const SluiceCacheEntry *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SluiceCacheEntry, sluice_cache_entry_unref)

G_END_DECLS
