/* sluice-embedder.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-cache"

#include "config.h"

#include "sluice-embedder.h"

/* Turns texts into unit vectors for the semantic tier: the local embedder
 * (no network) or a provider's embeddings endpoint. */

G_DEFINE_QUARK (sluice-embedder-error-quark, sluice_embedder_error)

G_DEFINE_INTERFACE (SluiceEmbedder, sluice_embedder, G_TYPE_OBJECT)

static void
sluice_embedder_default_init (SluiceEmbedderInterface *iface)
{
}

guint
sluice_embedder_get_dimensions (SluiceEmbedder *self)
{
  g_return_val_if_fail (SLUICE_IS_EMBEDDER (self), 0);

  return SLUICE_EMBEDDER_GET_IFACE (self)->get_dimensions (self);
}

/**
 * sluice_embedder_get_default_threshold:
 *
 * Returns: the similarity above which two texts are taken as the same
 *   question, when the policy does not say otherwise
 */
double
sluice_embedder_get_default_threshold (SluiceEmbedder *self)
{
  g_return_val_if_fail (SLUICE_IS_EMBEDDER (self), 1.0);

  return SLUICE_EMBEDDER_GET_IFACE (self)->get_default_threshold (self);
}

/**
 * sluice_embedder_embed_async:
 * @self: an embedder
 * @texts: (array zero-terminated=1): the texts, one vector each
 * @cancellable: (nullable): a cancellable
 * @callback: called on the thread-default main context
 * @user_data: data for @callback
 */
void
sluice_embedder_embed_async (SluiceEmbedder      *self,
                             const char * const  *texts,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (SLUICE_IS_EMBEDDER (self));
  g_return_if_fail (texts != NULL);

  SLUICE_EMBEDDER_GET_IFACE (self)->embed_async (self, texts, cancellable, callback, user_data);
}

/**
 * sluice_embedder_embed_finish:
 *
 * Returns: (transfer container) (element-type gpointer): one unit vector
 *   (`float[dimensions]`, freed with the array) per text, in order, or
 *   %NULL with @error set
 */
GPtrArray *
sluice_embedder_embed_finish (SluiceEmbedder  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (SLUICE_IS_EMBEDDER (self), NULL);

  return SLUICE_EMBEDDER_GET_IFACE (self)->embed_finish (self, result, error);
}
