/* sluice-embedder.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SLUICE_EMBEDDER_ERROR (sluice_embedder_error_quark ())

typedef enum
{
  SLUICE_EMBEDDER_ERROR_FAILED,     /* the backend answered with an error */
  SLUICE_EMBEDDER_ERROR_INVALID,    /* the answer was not what we asked for */
} SluiceEmbedderError;

GQuark sluice_embedder_error_quark (void);

#define SLUICE_TYPE_EMBEDDER (sluice_embedder_get_type ())

G_DECLARE_INTERFACE (SluiceEmbedder, sluice_embedder, SLUICE, EMBEDDER, GObject)

struct _SluiceEmbedderInterface
{
  GTypeInterface parent_iface;

  guint       (*get_dimensions)        (SluiceEmbedder       *self);
  double      (*get_default_threshold) (SluiceEmbedder       *self);
  void        (*embed_async)           (SluiceEmbedder       *self,
                                        const char * const   *texts,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
  GPtrArray  *(*embed_finish)          (SluiceEmbedder       *self,
                                        GAsyncResult         *result,
                                        GError              **error);
};

guint      sluice_embedder_get_dimensions        (SluiceEmbedder       *self);
double     sluice_embedder_get_default_threshold (SluiceEmbedder       *self);
void       sluice_embedder_embed_async           (SluiceEmbedder       *self,
                                                  const char * const   *texts,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
GPtrArray *sluice_embedder_embed_finish          (SluiceEmbedder       *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

G_END_DECLS
