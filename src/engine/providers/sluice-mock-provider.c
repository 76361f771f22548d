/* sluice-mock-provider.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-mock"

#include "config.h"

#include <string.h>

#include "sluice-mock-embedding.h"
#include "sluice-mock-provider.h"

/* The in-process mock: the shared behaviour model answered without a
 * socket. Waits go through the engine's clock, so a manual clock makes a
 * slow mock instant in tests. */

#define STREAM_CHUNKS 8

struct _SluiceMockProvider
{
  SluiceProvider       parent_instance;

  GMutex               mutex;
  SluiceMockBehaviour *behaviour;
  GRand               *rand;
  SluiceClock         *clock;
  guint64              n_calls;
};

G_DEFINE_FINAL_TYPE (SluiceMockProvider, sluice_mock_provider, SLUICE_TYPE_PROVIDER)

typedef struct
{
  SluiceProviderCall *call;      /* borrowed: the caller keeps it alive */
  SluiceMockOutcome   outcome;
  char              **chunks;
  guint               next_chunk;
  gint64              chunk_delay_us;
  gint64              started_us;
  guint               cut_after;
} MockCall;

static void
mock_call_free (gpointer data)
{
  MockCall *mc = data;

  sluice_mock_outcome_clear (&mc->outcome);
  g_strfreev (mc->chunks);
  g_free (mc);
}

static GError *
outcome_error (SluiceMockProvider *self,
               MockCall           *mc)
{
  const char *name = sluice_provider_get_name (SLUICE_PROVIDER (self));
  SluiceErrorClass klass = mc->outcome.error;

  if (klass == SLUICE_ERROR_CLASS_RATE_LIMITED)
    return g_error_new (SLUICE_PROVIDER_ERROR, klass,
                        "%s: rate limited (429), retry after %" G_GINT64_FORMAT " ms",
                        name, mc->outcome.retry_after_ms);
  return g_error_new (SLUICE_PROVIDER_ERROR, klass, "%s: scripted %s error",
                      name, sluice_error_class_to_string (klass));
}

static gboolean
call_dims_invalid (SluiceProviderCall *call)
{
  return call->dimensions > SLUICE_MOCK_EMBEDDING_MAX_DIMS;
}

static void
mark_first_token (SluiceMockProvider *self,
                  MockCall           *mc)
{
  if (mc->call->ttft_us < 0)
    mc->call->ttft_us = sluice_clock_monotonic_us (self->clock) - mc->started_us;
}

static void stream_step (GTask *task);

static void
stream_slept_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!sluice_clock_sleep_finish (SLUICE_CLOCK (object), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  stream_step (g_steal_pointer (&task));
}

/* One chunk per step; the stream may be scripted to break off mid-way,
 * which a caller must see as an error, never as a short answer. */
static void
stream_step (GTask *task)
{
  SluiceMockProvider *self = g_task_get_source_object (task);
  MockCall *mc = g_task_get_task_data (task);
  const char *chunk = mc->chunks[mc->next_chunk];

  if (mc->cut_after > 0 && mc->next_chunk >= mc->cut_after)
    {
      g_task_return_new_error (task, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_NETWORK,
                               "%s: stream cut after %u chunks",
                               sluice_provider_get_name (SLUICE_PROVIDER (self)),
                               mc->next_chunk);
      g_object_unref (task);
      return;
    }

  if (chunk == NULL)
    {
      g_task_return_pointer (task,
                             sluice_completion_new (mc->outcome.content,
                                                    mc->outcome.finish_reason,
                                                    mc->call->upstream_model,
                                                    &mc->outcome.usage),
                             (GDestroyNotify) sluice_completion_free);
      g_object_unref (task);
      return;
    }

  mark_first_token (self, mc);
  if (mc->call->on_delta != NULL)
    mc->call->on_delta (chunk, mc->call->on_delta_data);
  mc->next_chunk++;

  sluice_clock_sleep_async (self->clock, mc->chunk_delay_us,
                            g_task_get_cancellable (task),
                            stream_slept_cb, task);
}

static char **
split_chunks (const char *content)
{
  GPtrArray *chunks = g_ptr_array_new ();
  glong n_chars = g_utf8_strlen (content, -1);
  glong per_chunk = MAX (1, (n_chars + STREAM_CHUNKS - 1) / STREAM_CHUNKS);
  const char *p = content;

  while (*p != '\0')
    {
      const char *end = g_utf8_offset_to_pointer (p, MIN (per_chunk, (glong) g_utf8_strlen (p, -1)));

      g_ptr_array_add (chunks, g_strndup (p, end - p));
      p = end;
    }
  g_ptr_array_add (chunks, NULL);
  return (char **) g_ptr_array_free (chunks, FALSE);
}

static void
latency_slept_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SluiceMockProvider *self = g_task_get_source_object (task);
  MockCall *mc = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!sluice_clock_sleep_finish (SLUICE_CLOCK (object), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (mc->outcome.error != SLUICE_ERROR_CLASS_NONE)
    {
      mc->call->retry_after_ms = mc->outcome.retry_after_ms;
      g_task_return_error (task, outcome_error (self, mc));
      return;
    }

  if (mc->call->stream)
    {
      mc->chunks = split_chunks (mc->outcome.content);
      stream_step (g_steal_pointer (&task));
      return;
    }

  mark_first_token (self, mc);
  g_task_return_pointer (task,
                         sluice_completion_new (mc->outcome.content,
                                                mc->outcome.finish_reason,
                                                mc->call->upstream_model,
                                                &mc->outcome.usage),
                         (GDestroyNotify) sluice_completion_free);
}

static void
sluice_mock_provider_complete_async (SluiceProvider      *provider,
                                     SluiceProviderCall  *call,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  SluiceMockProvider *self = SLUICE_MOCK_PROVIDER (provider);
  g_autoptr(GTask) task = NULL;
  g_autoptr(SluiceMockBehaviour) behaviour = NULL;
  MockCall *mc;
  gint64 wait_us;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sluice_mock_provider_complete_async);

  mc = g_new0 (MockCall, 1);
  mc->call = call;
  mc->started_us = sluice_clock_monotonic_us (self->clock);
  g_task_set_task_data (task, mc, mock_call_free);

  g_mutex_lock (&self->mutex);
  behaviour = sluice_mock_behaviour_ref (self->behaviour);
  sluice_mock_behaviour_decide (behaviour, self->rand, call->request,
                                sluice_clock_now_us (self->clock), &mc->outcome);
  self->n_calls++;
  g_mutex_unlock (&self->mutex);

  wait_us = mc->outcome.latency_us;
  if (mc->outcome.error == SLUICE_ERROR_CLASS_TIMEOUT)
    {
      /* Hold the call the way a hung provider does: until the caller's
       * timeout fires, or for the p99 when there is none. */
      wait_us = call->timeout_ms > 0
                ? (gint64) call->timeout_ms * 1000 + G_USEC_PER_SEC
                : (gint64) (sluice_mock_behaviour_get_p99_ms (behaviour) * 1000);
    }
  if (call->stream && mc->outcome.error == SLUICE_ERROR_CLASS_NONE)
    {
      guint delay_ms = sluice_mock_behaviour_get_chunk_delay_ms (behaviour);

      /* The first token comes after a third of the latency; the rest of it
       * is spread over the chunks. */
      mc->chunk_delay_us = delay_ms > 0 ? (gint64) delay_ms * 1000
                                        : (wait_us * 2 / 3) / STREAM_CHUNKS;
      wait_us = wait_us / 3;
      mc->cut_after = sluice_mock_behaviour_get_stream_cut_after (behaviour);
    }

  sluice_clock_sleep_async (self->clock, wait_us, cancellable,
                            latency_slept_cb, g_steal_pointer (&task));
}

static SluiceCompletion *
sluice_mock_provider_complete_finish (SluiceProvider  *provider,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Embeddings: the same vectors as sluice-mock's, after the same scripted
 * latency and errors as a completion of the joined inputs. */

static SluiceEmbeddings *
mock_embeddings (SluiceProviderCall *call,
                 const SluiceUsage  *usage)
{
  guint dims = call->dimensions > 0 ? call->dimensions : SLUICE_MOCK_EMBEDDING_DIMS;
  SluiceEmbeddings *result = sluice_embeddings_new (dims);
  g_autofree double *values = g_new (double, dims);

  for (guint i = 0; call->inputs[i] != NULL; i++)
    {
      float *vector = g_new (float, dims);

      sluice_mock_embedding_compute (call->inputs[i], dims, values);
      for (guint j = 0; j < dims; j++)
        vector[j] = (float) values[j];
      sluice_embeddings_add (result, vector);
    }
  result->model = g_strdup (call->upstream_model);
  result->usage.input_tokens = usage->input_tokens;
  return result;
}

static void
embed_slept_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SluiceMockProvider *self = g_task_get_source_object (task);
  MockCall *mc = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!sluice_clock_sleep_finish (SLUICE_CLOCK (object), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else if (mc->outcome.error != SLUICE_ERROR_CLASS_NONE)
    {
      mc->call->retry_after_ms = mc->outcome.retry_after_ms;
      g_task_return_error (task, outcome_error (self, mc));
    }
  else if (call_dims_invalid (mc->call))
    g_task_return_new_error (task, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_BAD_REQUEST,
                             "%s: dimensions must be at most %u",
                             sluice_provider_get_name (SLUICE_PROVIDER (self)),
                             SLUICE_MOCK_EMBEDDING_MAX_DIMS);
  else
    g_task_return_pointer (task, mock_embeddings (mc->call, &mc->outcome.usage),
                           (GDestroyNotify) sluice_embeddings_unref);
}

static void
sluice_mock_provider_embed_async (SluiceProvider      *provider,
                                  SluiceProviderCall  *call,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  SluiceMockProvider *self = SLUICE_MOCK_PROVIDER (provider);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(SluiceMockBehaviour) behaviour = NULL;
  g_autoptr(SluiceRequest) request = sluice_request_new ();
  g_autofree char *joined = g_strjoinv ("\n", call->inputs);
  MockCall *mc;
  gint64 wait_us;

  g_task_set_source_tag (task, sluice_mock_provider_embed_async);
  sluice_request_set_model (request, call->upstream_model);
  sluice_request_add_message (request, SLUICE_ROLE_USER, joined);

  mc = g_new0 (MockCall, 1);
  mc->call = call;
  g_task_set_task_data (task, mc, mock_call_free);

  g_mutex_lock (&self->mutex);
  behaviour = sluice_mock_behaviour_ref (self->behaviour);
  sluice_mock_behaviour_decide (behaviour, self->rand, request,
                                sluice_clock_now_us (self->clock), &mc->outcome);
  self->n_calls++;
  g_mutex_unlock (&self->mutex);

  wait_us = mc->outcome.latency_us;
  if (mc->outcome.error == SLUICE_ERROR_CLASS_TIMEOUT)
    wait_us = call->timeout_ms > 0
              ? (gint64) call->timeout_ms * 1000 + G_USEC_PER_SEC
              : (gint64) (sluice_mock_behaviour_get_p99_ms (behaviour) * 1000);

  sluice_clock_sleep_async (self->clock, wait_us, cancellable,
                            embed_slept_cb, g_steal_pointer (&task));
}

static SluiceEmbeddings *
sluice_mock_provider_embed_finish (SluiceProvider  *provider,
                                   GAsyncResult    *result,
                                   GError         **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
sluice_mock_provider_finalize (GObject *object)
{
  SluiceMockProvider *self = SLUICE_MOCK_PROVIDER (object);

  g_clear_pointer (&self->behaviour, sluice_mock_behaviour_unref);
  g_clear_pointer (&self->rand, g_rand_free);
  g_clear_object (&self->clock);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (sluice_mock_provider_parent_class)->finalize (object);
}

static void
sluice_mock_provider_class_init (SluiceMockProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SluiceProviderClass *provider_class = SLUICE_PROVIDER_CLASS (klass);

  object_class->finalize = sluice_mock_provider_finalize;
  provider_class->complete_async = sluice_mock_provider_complete_async;
  provider_class->complete_finish = sluice_mock_provider_complete_finish;
  provider_class->embed_async = sluice_mock_provider_embed_async;
  provider_class->embed_finish = sluice_mock_provider_embed_finish;
}

static void
sluice_mock_provider_init (SluiceMockProvider *self)
{
  g_mutex_init (&self->mutex);
}

static GRand *
rand_for (SluiceMockBehaviour *behaviour)
{
  guint64 seed = sluice_mock_behaviour_get_seed (behaviour);
  guint32 words[2] = { (guint32) seed, (guint32) (seed >> 32) };

  return g_rand_new_with_seed_array (words, 2);
}

/**
 * sluice_mock_provider_new:
 * @name: the provider's name in the config
 * @behaviour: what it does
 * @clock: (nullable): the clock its waits use; %NULL for the system clock
 *
 * Returns: (transfer full): a new in-process mock provider
 */
SluiceMockProvider *
sluice_mock_provider_new (const char          *name,
                          SluiceMockBehaviour *behaviour,
                          SluiceClock         *clock)
{
  SluiceMockProvider *self;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (behaviour != NULL, NULL);

  self = g_object_new (SLUICE_TYPE_MOCK_PROVIDER,
                       "name", name,
                       "kind", SLUICE_PROVIDER_KIND_MOCK,
                       NULL);
  self->behaviour = sluice_mock_behaviour_ref (behaviour);
  self->rand = rand_for (behaviour);
  self->clock = clock != NULL ? g_object_ref (clock) : sluice_clock_new_system ();
  return self;
}

/**
 * sluice_mock_provider_dup_behaviour:
 *
 * Returns: (transfer full): the behaviour in force
 */
SluiceMockBehaviour *
sluice_mock_provider_dup_behaviour (SluiceMockProvider *self)
{
  SluiceMockBehaviour *behaviour;

  g_return_val_if_fail (SLUICE_IS_MOCK_PROVIDER (self), NULL);

  g_mutex_lock (&self->mutex);
  behaviour = sluice_mock_behaviour_ref (self->behaviour);
  g_mutex_unlock (&self->mutex);
  return behaviour;
}

/**
 * sluice_mock_provider_set_behaviour:
 *
 * Replaces the behaviour live; the generator restarts from the new seed,
 * so the calls after a change are as reproducible as the first ones.
 */
void
sluice_mock_provider_set_behaviour (SluiceMockProvider  *self,
                                    SluiceMockBehaviour *behaviour)
{
  g_return_if_fail (SLUICE_IS_MOCK_PROVIDER (self));
  g_return_if_fail (behaviour != NULL);

  g_mutex_lock (&self->mutex);
  if (self->behaviour != behaviour)
    {
      g_clear_pointer (&self->behaviour, sluice_mock_behaviour_unref);
      self->behaviour = sluice_mock_behaviour_ref (behaviour);
      g_rand_free (self->rand);
      self->rand = rand_for (behaviour);
    }
  g_mutex_unlock (&self->mutex);
}

guint64
sluice_mock_provider_get_n_calls (SluiceMockProvider *self)
{
  guint64 n;

  g_return_val_if_fail (SLUICE_IS_MOCK_PROVIDER (self), 0);

  g_mutex_lock (&self->mutex);
  n = self->n_calls;
  g_mutex_unlock (&self->mutex);
  return n;
}
