/* sluice-provider-embedder.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-cache"

#include "config.h"

#include <math.h>

#include "sluice-provider-embedder.h"

/* The semantic tier's vectors from a provider's embeddings (OpenAI,
 * Gemini, Ollama or the mock): either straight from a SluiceProvider, or
 * through a backend (the engine, which meters them). Every vector is
 * checked for its length and made a unit vector, since not every model
 * returns normalised ones (Gemini's shortened ones do not). */

struct _SluiceProviderEmbedder
{
  GObject                parent_instance;

  SluiceProvider        *provider;    /* or: */
  GWeakRef               backend;
  SluiceEmbedAsyncFunc   backend_embed_async;
  SluiceEmbedFinishFunc  backend_embed_finish;
  char                  *model;
  guint                  dimensions;
};

static void embedder_iface_init (SluiceEmbedderInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SluiceProviderEmbedder, sluice_provider_embedder, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (SLUICE_TYPE_EMBEDDER, embedder_iface_init))

static guint
get_dimensions (SluiceEmbedder *embedder)
{
  return SLUICE_PROVIDER_EMBEDDER (embedder)->dimensions;
}

static double
get_default_threshold (SluiceEmbedder *embedder)
{
  return SLUICE_PROVIDER_EMBEDDER_THRESHOLD;
}

/* Takes @embeddings' vectors as unit vectors, or fails. */
static GPtrArray *
unit_vectors (SluiceProviderEmbedder  *self,
              SluiceEmbeddings        *embeddings,
              guint                    n_texts,
              GError                 **error)
{
  g_autoptr(GPtrArray) vectors = g_ptr_array_new_with_free_func (g_free);

  if (embeddings->vectors->len != n_texts || embeddings->dimensions != self->dimensions)
    {
      g_set_error (error, SLUICE_EMBEDDER_ERROR, SLUICE_EMBEDDER_ERROR_INVALID,
                   "%s gave %u vectors of %u dimensions for %u texts of %u", self->model,
                   embeddings->vectors->len, embeddings->dimensions, n_texts, self->dimensions);
      return NULL;
    }

  for (guint i = 0; i < n_texts; i++)
    {
      float *v = g_steal_pointer (&embeddings->vectors->pdata[i]);
      double norm = 0.0;

      g_ptr_array_add (vectors, v);
      for (guint j = 0; j < self->dimensions; j++)
        norm += (double) v[j] * v[j];
      if (!(norm > 0.0) || !isfinite (norm))
        {
          g_set_error (error, SLUICE_EMBEDDER_ERROR, SLUICE_EMBEDDER_ERROR_INVALID,
                       "%s gave a zero or invalid vector", self->model);
          return NULL;
        }
      norm = sqrt (norm);
      for (guint j = 0; j < self->dimensions; j++)
        v[j] = (float) (v[j] / norm);
    }
  return g_steal_pointer (&vectors);
}

static void
embedded_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SluiceProviderEmbedder *self = g_task_get_source_object (task);
  g_autoptr(SluiceEmbeddings) embeddings = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *vectors;

  if (self->provider != NULL)
    embeddings = sluice_provider_embed_finish (SLUICE_PROVIDER (object), result, &error);
  else
    embeddings = self->backend_embed_finish (object, result, &error);

  if (embeddings == NULL)
    {
      g_task_return_new_error (task, SLUICE_EMBEDDER_ERROR, SLUICE_EMBEDDER_ERROR_FAILED,
                               "%s: %s", self->model, error->message);
      return;
    }
  vectors = unit_vectors (self, embeddings, GPOINTER_TO_UINT (g_task_get_task_data (task)),
                          &error);
  if (vectors == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, vectors, (GDestroyNotify) g_ptr_array_unref);
}

static void
embed_async (SluiceEmbedder      *embedder,
             const char * const  *texts,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  SluiceProviderEmbedder *self = SLUICE_PROVIDER_EMBEDDER (embedder);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GObject) backend = NULL;
  SluiceProviderCall *call;

  g_task_set_source_tag (task, embed_async);
  g_task_set_task_data (task, GUINT_TO_POINTER (g_strv_length ((char **) texts)), NULL);

  if (self->provider != NULL)
    {
      call = sluice_provider_call_new_embed (self->model, texts, self->dimensions);
      /* The call lives as long as the task. */
      g_object_set_data_full (G_OBJECT (task), "call", call,
                              (GDestroyNotify) sluice_provider_call_free);
      sluice_provider_embed_async (self->provider, call, cancellable, embedded_cb,
                                   g_steal_pointer (&task));
      return;
    }

  backend = g_weak_ref_get (&self->backend);
  if (backend == NULL)
    {
      g_task_return_new_error (task, SLUICE_EMBEDDER_ERROR, SLUICE_EMBEDDER_ERROR_FAILED,
                               "%s: the engine is gone", self->model);
      return;
    }
  self->backend_embed_async (backend, self->model, texts, self->dimensions, cancellable,
                             embedded_cb, g_steal_pointer (&task));
}

static GPtrArray *
embed_finish (SluiceEmbedder  *embedder,
              GAsyncResult    *result,
              GError         **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
embedder_iface_init (SluiceEmbedderInterface *iface)
{
  iface->get_dimensions = get_dimensions;
  iface->get_default_threshold = get_default_threshold;
  iface->embed_async = embed_async;
  iface->embed_finish = embed_finish;
}

static void
sluice_provider_embedder_finalize (GObject *object)
{
  SluiceProviderEmbedder *self = SLUICE_PROVIDER_EMBEDDER (object);

  g_clear_object (&self->provider);
  g_weak_ref_clear (&self->backend);
  g_free (self->model);

  G_OBJECT_CLASS (sluice_provider_embedder_parent_class)->finalize (object);
}

static void
sluice_provider_embedder_class_init (SluiceProviderEmbedderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sluice_provider_embedder_finalize;
}

static void
sluice_provider_embedder_init (SluiceProviderEmbedder *self)
{
  g_weak_ref_init (&self->backend, NULL);
}

/**
 * sluice_provider_embedder_new:
 * @provider: a provider with embeddings
 * @upstream_model: the provider's own model id
 * @dimensions: the vectors' length, asked of the provider
 *
 * Returns: (transfer full): an embedder calling @provider directly
 *   (unmetered: for tests and tools; the engine meters through a backend)
 */
SluiceProviderEmbedder *
sluice_provider_embedder_new (SluiceProvider *provider,
                              const char     *upstream_model,
                              guint           dimensions)
{
  SluiceProviderEmbedder *self;

  g_return_val_if_fail (SLUICE_IS_PROVIDER (provider), NULL);
  g_return_val_if_fail (upstream_model != NULL, NULL);
  g_return_val_if_fail (dimensions > 0, NULL);

  self = g_object_new (SLUICE_TYPE_PROVIDER_EMBEDDER, NULL);
  self->provider = g_object_ref (provider);
  self->model = g_strdup (upstream_model);
  self->dimensions = dimensions;
  return self;
}

/**
 * sluice_provider_embedder_new_for_backend:
 * @backend: what embeds; held weakly, so it may own the embedder
 * @embed_async: (scope forever): starts an embedding call on @backend
 * @embed_finish: (scope forever): its finish
 * @model: the model (or chain) name @backend knows
 * @dimensions: the vectors' length
 *
 * Returns: (transfer full): an embedder calling @backend
 */
SluiceProviderEmbedder *
sluice_provider_embedder_new_for_backend (GObject               *backend,
                                          SluiceEmbedAsyncFunc   embed_async,
                                          SluiceEmbedFinishFunc  embed_finish,
                                          const char            *model,
                                          guint                  dimensions)
{
  SluiceProviderEmbedder *self;

  g_return_val_if_fail (G_IS_OBJECT (backend), NULL);
  g_return_val_if_fail (embed_async != NULL && embed_finish != NULL, NULL);
  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (dimensions > 0, NULL);

  self = g_object_new (SLUICE_TYPE_PROVIDER_EMBEDDER, NULL);
  g_weak_ref_set (&self->backend, backend);
  self->backend_embed_async = embed_async;
  self->backend_embed_finish = embed_finish;
  self->model = g_strdup (model);
  self->dimensions = dimensions;
  return self;
}

const char *
sluice_provider_embedder_get_model (SluiceProviderEmbedder *self)
{
  g_return_val_if_fail (SLUICE_IS_PROVIDER_EMBEDDER (self), NULL);

  return self->model;
}
