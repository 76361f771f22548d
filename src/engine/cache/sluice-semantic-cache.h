/* sluice-semantic-cache.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-exact-cache.h"
#include "sluice-normaliser.h"

G_BEGIN_DECLS

#define SLUICE_TYPE_SEMANTIC_CACHE (sluice_semantic_cache_get_type ())

G_DECLARE_FINAL_TYPE (SluiceSemanticCache, sluice_semantic_cache, SLUICE, SEMANTIC_CACHE, GObject)

SluiceSemanticCache *sluice_semantic_cache_new        (SluiceExactCache     *entries,
                                                       SluiceNormaliser     *normaliser);
void                 sluice_semantic_cache_index_all  (SluiceSemanticCache  *self);
void                 sluice_semantic_cache_insert     (SluiceSemanticCache  *self,
                                                       SluiceCacheEntry     *entry);
SluiceCacheEntry    *sluice_semantic_cache_lookup     (SluiceSemanticCache  *self,
                                                       const char           *scope_key,
                                                       const float          *vector,
                                                       guint                 dims,
                                                       const char           *text,
                                                       double                threshold,
                                                       gint64                max_age_s,
                                                       gboolean              stale_ok,
                                                       double               *out_similarity,
                                                       gboolean             *out_stale,
                                                       char                **out_detail);
guint                sluice_semantic_cache_get_n_vectors (SluiceSemanticCache *self);

G_END_DECLS
