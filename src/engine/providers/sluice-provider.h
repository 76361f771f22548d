/* sluice-provider.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sluice-request.h"
#include "sluice-types.h"

G_BEGIN_DECLS

#define SLUICE_PROVIDER_ERROR (sluice_provider_error_quark ())

/* The codes of SLUICE_PROVIDER_ERROR are the SluiceErrorClass values. */
GQuark sluice_provider_error_quark (void);

/* SluiceProviderCall: one call to one provider model. The engine fills the
 * inputs; the provider fills the outputs (retry-after, time to first token,
 * what the rate-limit headers said) whether the call succeeds or fails. */

typedef void (*SluiceDeltaFunc) (const char *text,
                                 gpointer    user_data);

typedef struct
{
  /* inputs */
  SluiceRequest   *request;          /* owned reference */
  char            *upstream_model;   /* the provider's own model id */
  guint            timeout_ms;       /* total timeout of this call, 0 none */
  gboolean         stream;
  SluiceDeltaFunc  on_delta;         /* called on the engine context */
  gpointer         on_delta_data;

  /* outputs */
  gint64           retry_after_ms;   /* -1 when the provider gave none */
  gint64           ttft_us;          /* -1 until the first token came */
  gint64           ratelimit_remaining_requests;  /* -1 unknown */
  gint64           ratelimit_remaining_tokens;    /* -1 unknown */

  /* embeddings: the inputs of an embedding call, whose request is NULL */
  GStrv            inputs;
  guint            dimensions;       /* 0 for the model's own */
} SluiceProviderCall;

SluiceProviderCall *sluice_provider_call_new  (SluiceRequest      *request,
                                               const char         *upstream_model);
SluiceProviderCall *sluice_provider_call_new_embed (const char         *upstream_model,
                                                    const char * const *inputs,
                                                    guint               dimensions);
void                sluice_provider_call_free (SluiceProviderCall *call);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SluiceProviderCall, sluice_provider_call_free)

/* SluiceCompletion: a provider's successful answer. */

typedef struct
{
  char        *content;
  char        *finish_reason;
  char        *model;        /* as the provider reported it */
  SluiceUsage  usage;
} SluiceCompletion;

SluiceCompletion *sluice_completion_new  (const char       *content,
                                          const char       *finish_reason,
                                          const char       *model,
                                          const SluiceUsage *usage);
void              sluice_completion_free (SluiceCompletion *completion);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SluiceCompletion, sluice_completion_free)

/* SluiceEmbeddings: vectors for a list of inputs, one each, in order.
 * Providers fill vectors, dimensions, model (as they reported it) and
 * usage; the engine adds the rest. Immutable once returned; ref-counted. */

typedef struct
{
  GPtrArray   *vectors;      /* float[dimensions] each */
  guint        dimensions;
  char        *model;
  char        *provider;
  char        *route;        /* the model or chain asked for */
  char        *request_id;
  SluiceUsage  usage;
  double       cost_usd;
} SluiceEmbeddings;

#define SLUICE_TYPE_EMBEDDINGS (sluice_embeddings_get_type ())

GType             sluice_embeddings_get_type (void) G_GNUC_CONST;
SluiceEmbeddings *sluice_embeddings_new      (guint             dimensions);
SluiceEmbeddings *sluice_embeddings_ref      (SluiceEmbeddings *self);
void              sluice_embeddings_unref    (SluiceEmbeddings *self);
void              sluice_embeddings_add      (SluiceEmbeddings *self,
                                              float            *vector);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SluiceEmbeddings, sluice_embeddings_unref)

#define SLUICE_TYPE_PROVIDER (sluice_provider_get_type ())

G_DECLARE_DERIVABLE_TYPE (SluiceProvider, sluice_provider, SLUICE, PROVIDER, GObject)

struct _SluiceProviderClass
{
  GObjectClass parent_class;

  void               (*complete_async)  (SluiceProvider      *self,
                                         SluiceProviderCall  *call,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
  SluiceCompletion  *(*complete_finish) (SluiceProvider      *self,
                                         GAsyncResult        *result,
                                         GError             **error);

  /* Embeddings, optional: without them a provider answers
   * SLUICE_ERROR_CLASS_BAD_REQUEST. The base class splits the inputs into
   * calls of at most embed_max_batch (0: no limit). */
  void               (*embed_async)     (SluiceProvider      *self,
                                         SluiceProviderCall  *call,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
  SluiceEmbeddings  *(*embed_finish)    (SluiceProvider      *self,
                                         GAsyncResult        *result,
                                         GError             **error);
  guint               embed_max_batch;

  gpointer padding[5];
};

const char        *sluice_provider_get_name        (SluiceProvider      *self);
SluiceProviderKind sluice_provider_get_kind        (SluiceProvider      *self);
void               sluice_provider_complete_async  (SluiceProvider      *self,
                                                    SluiceProviderCall  *call,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
SluiceCompletion  *sluice_provider_complete_finish (SluiceProvider      *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
gboolean           sluice_provider_can_embed       (SluiceProvider      *self);
void               sluice_provider_embed_async     (SluiceProvider      *self,
                                                    SluiceProviderCall  *call,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
SluiceEmbeddings  *sluice_provider_embed_finish    (SluiceProvider      *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

G_END_DECLS
