/* sluice-provider.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-provider"

#include "config.h"

#include <string.h>

#include "sluice-provider.h"

G_DEFINE_QUARK (sluice-provider-error-quark, sluice_provider_error)

SluiceProviderCall *
sluice_provider_call_new (SluiceRequest *request,
                          const char    *upstream_model)
{
  SluiceProviderCall *call = g_new0 (SluiceProviderCall, 1);

  call->request = g_object_ref (request);
  call->upstream_model = g_strdup (upstream_model);
  call->stream = sluice_request_get_stream (request);
  call->retry_after_ms = -1;
  call->ttft_us = -1;
  call->ratelimit_remaining_requests = -1;
  call->ratelimit_remaining_tokens = -1;
  return call;
}

/**
 * sluice_provider_call_new_embed:
 * @upstream_model: the provider's own model id
 * @inputs: (array zero-terminated=1): the texts to embed
 * @dimensions: the vectors' length, 0 for the model's own
 *
 * Returns: (transfer full): a call for sluice_provider_embed_async()
 */
SluiceProviderCall *
sluice_provider_call_new_embed (const char         *upstream_model,
                                const char * const *inputs,
                                guint               dimensions)
{
  SluiceProviderCall *call = g_new0 (SluiceProviderCall, 1);

  call->upstream_model = g_strdup (upstream_model);
  call->inputs = g_strdupv ((char **) inputs);
  call->dimensions = dimensions;
  call->retry_after_ms = -1;
  call->ttft_us = -1;
  call->ratelimit_remaining_requests = -1;
  call->ratelimit_remaining_tokens = -1;
  return call;
}

void
sluice_provider_call_free (SluiceProviderCall *call)
{
  if (call == NULL)
    return;
  g_clear_object (&call->request);
  g_free (call->upstream_model);
  g_strfreev (call->inputs);
  g_free (call);
}

static void
embeddings_clear (SluiceEmbeddings *self)
{
  g_ptr_array_unref (self->vectors);
  g_free (self->model);
  g_free (self->provider);
  g_free (self->route);
  g_free (self->request_id);
}

/**
 * sluice_embeddings_new:
 * @dimensions: the length of every vector
 *
 * Returns: (transfer full): an empty set of vectors
 */
SluiceEmbeddings *
sluice_embeddings_new (guint dimensions)
{
  SluiceEmbeddings *self = g_atomic_rc_box_new0 (SluiceEmbeddings);

  self->vectors = g_ptr_array_new_with_free_func (g_free);
  self->dimensions = dimensions;
  return self;
}

SluiceEmbeddings *
sluice_embeddings_ref (SluiceEmbeddings *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

void
sluice_embeddings_unref (SluiceEmbeddings *self)
{
  if (self != NULL)
    g_atomic_rc_box_release_full (self, (GDestroyNotify) embeddings_clear);
}

/**
 * sluice_embeddings_add:
 * @vector: (transfer full): `float[dimensions]`, allocated with g_malloc
 */
void
sluice_embeddings_add (SluiceEmbeddings *self,
                       float            *vector)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (vector != NULL);

  g_ptr_array_add (self->vectors, vector);
}

G_DEFINE_BOXED_TYPE (SluiceEmbeddings, sluice_embeddings,
                     sluice_embeddings_ref, sluice_embeddings_unref)

SluiceCompletion *
sluice_completion_new (const char        *content,
                       const char        *finish_reason,
                       const char        *model,
                       const SluiceUsage *usage)
{
  SluiceCompletion *completion = g_new0 (SluiceCompletion, 1);

  completion->content = g_strdup (content != NULL ? content : "");
  completion->finish_reason = g_strdup (finish_reason != NULL ? finish_reason : "stop");
  completion->model = g_strdup (model);
  if (usage != NULL)
    completion->usage = *usage;
  return completion;
}

void
sluice_completion_free (SluiceCompletion *completion)
{
  if (completion == NULL)
    return;
  g_free (completion->content);
  g_free (completion->finish_reason);
  g_free (completion->model);
  g_free (completion);
}

typedef struct
{
  char               *name;
  SluiceProviderKind  kind;
} SluiceProviderPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (SluiceProvider, sluice_provider, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_KIND,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static void
sluice_provider_finalize (GObject *object)
{
  SluiceProvider *self = SLUICE_PROVIDER (object);
  SluiceProviderPrivate *priv = sluice_provider_get_instance_private (self);

  g_clear_pointer (&priv->name, g_free);

  G_OBJECT_CLASS (sluice_provider_parent_class)->finalize (object);
}

static void
sluice_provider_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SluiceProvider *self = SLUICE_PROVIDER (object);
  SluiceProviderPrivate *priv = sluice_provider_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, priv->name);
      break;

    case PROP_KIND:
      g_value_set_int (value, priv->kind);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sluice_provider_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  SluiceProvider *self = SLUICE_PROVIDER (object);
  SluiceProviderPrivate *priv = sluice_provider_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_NAME:
      priv->name = g_value_dup_string (value);
      break;

    case PROP_KIND:
      priv->kind = g_value_get_int (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sluice_provider_class_init (SluiceProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sluice_provider_finalize;
  object_class->get_property = sluice_provider_get_property;
  object_class->set_property = sluice_provider_set_property;

  properties [PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS));
  properties [PROP_KIND] =
    g_param_spec_int ("kind", NULL, NULL,
                      SLUICE_PROVIDER_KIND_MOCK, SLUICE_PROVIDER_KIND_GEMINI,
                      SLUICE_PROVIDER_KIND_MOCK,
                      (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                       G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sluice_provider_init (SluiceProvider *self)
{
}

const char *
sluice_provider_get_name (SluiceProvider *self)
{
  SluiceProviderPrivate *priv = sluice_provider_get_instance_private (self);

  g_return_val_if_fail (SLUICE_IS_PROVIDER (self), NULL);

  return priv->name;
}

SluiceProviderKind
sluice_provider_get_kind (SluiceProvider *self)
{
  SluiceProviderPrivate *priv = sluice_provider_get_instance_private (self);

  g_return_val_if_fail (SLUICE_IS_PROVIDER (self), SLUICE_PROVIDER_KIND_MOCK);

  return priv->kind;
}

/* The base class owns the total timeout: it cancels the subclass's call
 * through a child cancellable and reports a timeout, so every provider gets
 * the same behaviour and cancellation really reaches the connection. */
typedef struct
{
  GCancellable *inner;
  GCancellable *outer;
  gulong        outer_handler;
  GSource      *timeout;
  guint         timeout_ms;
  gboolean      timed_out;
} CallState;

static void
call_state_clear (CallState *state)
{
  if (state->outer != NULL)
    g_cancellable_disconnect (state->outer, state->outer_handler);
  g_clear_object (&state->outer);
  g_clear_object (&state->inner);
  if (state->timeout != NULL)
    {
      g_source_destroy (state->timeout);
      g_source_unref (state->timeout);
    }
}

static void
call_state_free (gpointer data)
{
  call_state_clear (data);
  g_free (data);
}

static void
outer_cancelled_cb (GCancellable *outer,
                    GCancellable *inner)
{
  g_cancellable_cancel (inner);
}

static gboolean
call_timeout_cb (gpointer user_data)
{
  CallState *state = user_data;

  state->timed_out = TRUE;
  g_cancellable_cancel (state->inner);
  return G_SOURCE_REMOVE;
}

static void
call_state_start (CallState    *state,
                  GCancellable *cancellable,
                  guint         timeout_ms)
{
  state->inner = g_cancellable_new ();
  state->timeout_ms = timeout_ms;

  if (cancellable != NULL)
    {
      state->outer = g_object_ref (cancellable);
      state->outer_handler = g_cancellable_connect (cancellable,
                                                    G_CALLBACK (outer_cancelled_cb),
                                                    g_object_ref (state->inner),
                                                    g_object_unref);
    }

  if (timeout_ms > 0)
    {
      state->timeout = g_timeout_source_new (timeout_ms);
      g_source_set_callback (state->timeout, call_timeout_cb, state, NULL);
      g_source_attach (state->timeout, g_main_context_get_thread_default ());
    }
}

/* A call the timeout cut short reports a timeout, not a cancellation. */
static GError *
map_timeout (SluiceProvider *self,
             CallState      *state,
             GError         *error)
{
  if (state->timed_out &&
      (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
       g_error_matches (error, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_TIMEOUT)))
    {
      g_error_free (error);
      return g_error_new (SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_TIMEOUT,
                          "%s gave no answer within %u ms",
                          sluice_provider_get_name (self), state->timeout_ms);
    }
  return error;
}

static void
complete_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  SluiceProvider *self = SLUICE_PROVIDER (object);
  g_autoptr(GTask) task = user_data;
  CallState *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SluiceCompletion *completion;

  completion = SLUICE_PROVIDER_GET_CLASS (self)->complete_finish (self, result, &error);

  if (completion != NULL)
    g_task_return_pointer (task, completion, (GDestroyNotify) sluice_completion_free);
  else
    g_task_return_error (task, map_timeout (self, state, g_steal_pointer (&error)));
}

/**
 * sluice_provider_complete_async:
 * @self: a provider
 * @call: the call; must stay alive until the callback ran
 * @cancellable: (nullable): cancels the call and closes its connection
 * @callback: called with the result
 * @user_data: data for @callback
 *
 * Sends one request to one model. `call->timeout_ms`, when not 0, bounds
 * the whole call; running out of it fails with
 * %SLUICE_ERROR_CLASS_TIMEOUT.
 */
void
sluice_provider_complete_async (SluiceProvider      *self,
                                SluiceProviderCall  *call,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CallState *state;

  g_return_if_fail (SLUICE_IS_PROVIDER (self));
  g_return_if_fail (call != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sluice_provider_complete_async);

  state = g_new0 (CallState, 1);
  g_task_set_task_data (task, state, call_state_free);
  call_state_start (state, cancellable, call->timeout_ms);

  SLUICE_PROVIDER_GET_CLASS (self)->complete_async (self, call, state->inner,
                                                    complete_cb,
                                                    g_steal_pointer (&task));
}

/**
 * sluice_provider_complete_finish:
 *
 * Returns: (transfer full): the completion, or %NULL with @error set in
 *   %SLUICE_PROVIDER_ERROR (or %G_IO_ERROR_CANCELLED)
 */
SluiceCompletion *
sluice_provider_complete_finish (SluiceProvider  *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  g_return_val_if_fail (SLUICE_IS_PROVIDER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Embeddings: the base class splits the inputs into batches the provider
 * accepts, sends them one after the other within the one total timeout,
 * and joins the vectors and the usage. */

typedef struct
{
  CallState           state;
  SluiceProviderCall *call;    /* the caller's, borrowed */
  SluiceProviderCall *batch;   /* the one in flight */
  SluiceEmbeddings   *result;
  guint               next;    /* the first input not sent yet */
  guint               n_inputs;
} EmbedState;

static void
embed_state_free (gpointer data)
{
  EmbedState *es = data;

  call_state_clear (&es->state);
  g_clear_pointer (&es->batch, sluice_provider_call_free);
  g_clear_pointer (&es->result, sluice_embeddings_unref);
  g_free (es);
}

gboolean
sluice_provider_can_embed (SluiceProvider *self)
{
  g_return_val_if_fail (SLUICE_IS_PROVIDER (self), FALSE);

  return SLUICE_PROVIDER_GET_CLASS (self)->embed_async != NULL;
}

static void embed_next_batch (GTask *task);

static void
copy_outputs (SluiceProviderCall       *to,
              const SluiceProviderCall *from)
{
  if (from->retry_after_ms >= 0)
    to->retry_after_ms = from->retry_after_ms;
  if (from->ratelimit_remaining_requests >= 0)
    to->ratelimit_remaining_requests = from->ratelimit_remaining_requests;
  if (from->ratelimit_remaining_tokens >= 0)
    to->ratelimit_remaining_tokens = from->ratelimit_remaining_tokens;
}

static void
embed_batch_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  SluiceProvider *self = SLUICE_PROVIDER (object);
  g_autoptr(GTask) task = user_data;
  EmbedState *es = g_task_get_task_data (task);
  g_autoptr(SluiceEmbeddings) part = NULL;
  GError *error = NULL;
  guint sent = g_strv_length (es->batch->inputs);

  part = SLUICE_PROVIDER_GET_CLASS (self)->embed_finish (self, result, &error);
  copy_outputs (es->call, es->batch);
  if (part == NULL)
    {
      g_task_return_error (task, map_timeout (self, &es->state, error));
      return;
    }
  if (part->vectors->len != sent ||
      (es->result->dimensions != 0 && part->dimensions != es->result->dimensions))
    {
      g_task_return_new_error (task, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_MALFORMED,
                               "%s: %u vectors of %u dimensions for %u inputs",
                               sluice_provider_get_name (self), part->vectors->len,
                               part->dimensions, sent);
      return;
    }

  es->result->dimensions = part->dimensions;
  for (guint i = 0; i < part->vectors->len; i++)
    g_ptr_array_add (es->result->vectors, g_steal_pointer (&part->vectors->pdata[i]));
  es->result->usage.input_tokens += part->usage.input_tokens;
  if (es->result->model == NULL)
    es->result->model = g_strdup (part->model);
  es->next += sent;

  if (es->next < es->n_inputs)
    {
      embed_next_batch (g_steal_pointer (&task));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&es->result),
                         (GDestroyNotify) sluice_embeddings_unref);
}

static void
embed_next_batch (GTask *task)
{
  SluiceProvider *self = g_task_get_source_object (task);
  EmbedState *es = g_task_get_task_data (task);
  guint max = SLUICE_PROVIDER_GET_CLASS (self)->embed_max_batch;
  guint count = es->n_inputs - es->next;
  g_autofree const char **slice = NULL;

  if (max > 0 && count > max)
    count = max;
  slice = g_new0 (const char *, count + 1);
  memcpy (slice, es->call->inputs + es->next, count * sizeof (char *));

  g_clear_pointer (&es->batch, sluice_provider_call_free);
  es->batch = sluice_provider_call_new_embed (es->call->upstream_model, slice,
                                              es->call->dimensions);
  SLUICE_PROVIDER_GET_CLASS (self)->embed_async (self, es->batch, es->state.inner,
                                                 embed_batch_cb, task);
}

/**
 * sluice_provider_embed_async:
 * @self: a provider
 * @call: a call made with sluice_provider_call_new_embed(); must stay alive
 *   until the callback ran
 * @cancellable: (nullable): cancels the call and closes its connection
 * @callback: called with the result
 * @user_data: data for @callback
 *
 * Turns every input of @call into a vector, in as many calls as the
 * provider's batch size needs. `call->timeout_ms`, when not 0, bounds them
 * all. A provider without embeddings fails with
 * %SLUICE_ERROR_CLASS_BAD_REQUEST.
 */
void
sluice_provider_embed_async (SluiceProvider      *self,
                             SluiceProviderCall  *call,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  EmbedState *es;

  g_return_if_fail (SLUICE_IS_PROVIDER (self));
  g_return_if_fail (call != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sluice_provider_embed_async);

  if (!sluice_provider_can_embed (self))
    {
      g_task_return_new_error (task, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_BAD_REQUEST,
                               "%s: this provider has no embeddings",
                               sluice_provider_get_name (self));
      return;
    }
  if (call->inputs == NULL || call->inputs[0] == NULL)
    {
      g_task_return_new_error (task, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_BAD_REQUEST,
                               "%s: nothing to embed", sluice_provider_get_name (self));
      return;
    }

  es = g_new0 (EmbedState, 1);
  es->call = call;
  es->n_inputs = g_strv_length (call->inputs);
  es->result = sluice_embeddings_new (0);
  g_task_set_task_data (task, es, embed_state_free);
  call_state_start (&es->state, cancellable, call->timeout_ms);

  embed_next_batch (g_steal_pointer (&task));
}

/**
 * sluice_provider_embed_finish:
 *
 * Returns: (transfer full): one vector per input, in order, or %NULL with
 *   @error set in %SLUICE_PROVIDER_ERROR (or %G_IO_ERROR_CANCELLED)
 */
SluiceEmbeddings *
sluice_provider_embed_finish (SluiceProvider  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (SLUICE_IS_PROVIDER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
