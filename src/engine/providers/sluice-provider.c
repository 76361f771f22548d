/* sluice-provider.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-provider"

#include "config.h"

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

void
sluice_provider_call_free (SluiceProviderCall *call)
{
  if (call == NULL)
    return;
  g_clear_object (&call->request);
  g_free (call->upstream_model);
  g_free (call);
}

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
call_state_free (gpointer data)
{
  CallState *state = data;

  if (state->outer != NULL)
    g_cancellable_disconnect (state->outer, state->outer_handler);
  g_clear_object (&state->outer);
  g_clear_object (&state->inner);
  if (state->timeout != NULL)
    {
      g_source_destroy (state->timeout);
      g_source_unref (state->timeout);
    }
  g_free (state);
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
  else if (state->timed_out &&
           (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
            g_error_matches (error, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_TIMEOUT)))
    g_task_return_new_error (task, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_TIMEOUT,
                             "%s gave no answer within %u ms",
                             sluice_provider_get_name (self), state->timeout_ms);
  else
    g_task_return_error (task, g_steal_pointer (&error));
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
  state->inner = g_cancellable_new ();
  state->timeout_ms = call->timeout_ms;
  g_task_set_task_data (task, state, call_state_free);

  if (cancellable != NULL)
    {
      state->outer = g_object_ref (cancellable);
      state->outer_handler = g_cancellable_connect (cancellable,
                                                    G_CALLBACK (outer_cancelled_cb),
                                                    g_object_ref (state->inner),
                                                    g_object_unref);
    }

  if (call->timeout_ms > 0)
    {
      state->timeout = g_timeout_source_new (call->timeout_ms);
      g_source_set_callback (state->timeout, call_timeout_cb, state, NULL);
      g_source_attach (state->timeout, g_main_context_get_thread_default ());
    }

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
