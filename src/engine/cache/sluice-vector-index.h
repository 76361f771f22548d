/* sluice-vector-index.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* An approximate nearest-neighbour index over unit vectors by inner
 * product: a SimHash code scan, then an exact re-rank (see the .c file for
 * why not HNSW). Not thread-safe: one user at a time. */
typedef struct _SluiceVectorIndex SluiceVectorIndex;

SluiceVectorIndex *sluice_vector_index_new          (guint                dims);
void               sluice_vector_index_free         (SluiceVectorIndex   *self);
void               sluice_vector_index_reserve      (SluiceVectorIndex   *self,
                                                     guint                n);
guint              sluice_vector_index_add          (SluiceVectorIndex   *self,
                                                     const float         *vector);
void               sluice_vector_index_remove       (SluiceVectorIndex   *self,
                                                     guint                id);
guint              sluice_vector_index_search       (SluiceVectorIndex   *self,
                                                     const float         *query,
                                                     guint                k,
                                                     guint                ef,
                                                     guint               *ids,
                                                     float               *similarities);
guint              sluice_vector_index_search_exact (SluiceVectorIndex   *self,
                                                     const float         *query,
                                                     guint                k,
                                                     guint               *ids,
                                                     float               *similarities);
guint              sluice_vector_index_get_dims     (SluiceVectorIndex   *self);
guint              sluice_vector_index_get_size     (SluiceVectorIndex   *self);
guint              sluice_vector_index_get_n_live   (SluiceVectorIndex   *self);
const float       *sluice_vector_index_get_vector   (SluiceVectorIndex   *self,
                                                     guint                id);
float              sluice_vector_dot                (const float         *a,
                                                     const float         *b,
                                                     guint                dims);
void               sluice_vector_normalise          (float               *v,
                                                     guint                dims);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SluiceVectorIndex, sluice_vector_index_free)

G_END_DECLS
