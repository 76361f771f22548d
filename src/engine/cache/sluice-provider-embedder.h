/* sluice-provider-embedder.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-embedder.h"
#include "sluice-provider.h"

G_BEGIN_DECLS

/* The similarity above which a provider's embeddings of two texts are
 * taken as the same question when the TTL policy names none. */
#define SLUICE_PROVIDER_EMBEDDER_THRESHOLD 0.90

/* Where the vectors come from when not straight from a provider: the
 * engine's metered embeddings (the cache never sees the engine itself). */
typedef void              (*SluiceEmbedAsyncFunc)  (gpointer             backend,
                                                    const char          *model,
                                                    const char * const  *inputs,
                                                    guint                dimensions,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
typedef SluiceEmbeddings *(*SluiceEmbedFinishFunc) (gpointer             backend,
                                                    GAsyncResult        *result,
                                                    GError             **error);

#define SLUICE_TYPE_PROVIDER_EMBEDDER (sluice_provider_embedder_get_type ())

G_DECLARE_FINAL_TYPE (SluiceProviderEmbedder, sluice_provider_embedder, SLUICE,
                      PROVIDER_EMBEDDER, GObject)

SluiceProviderEmbedder *sluice_provider_embedder_new             (SluiceProvider        *provider,
                                                                  const char            *upstream_model,
                                                                  guint                  dimensions);
SluiceProviderEmbedder *sluice_provider_embedder_new_for_backend (GObject               *backend,
                                                                  SluiceEmbedAsyncFunc   embed_async,
                                                                  SluiceEmbedFinishFunc  embed_finish,
                                                                  const char            *model,
                                                                  guint                  dimensions);
const char             *sluice_provider_embedder_get_model       (SluiceProviderEmbedder *self);

G_END_DECLS
