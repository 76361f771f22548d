/* sluice-engine-admin.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-engine"

#include "config.h"

#include <string.h>

#include "sluice-anthropic-provider.h"
#include "sluice-config-diff.h"
#include "sluice-engine-private.h"
#include "sluice-gemini-provider.h"
#include "sluice-mock-provider.h"
#include "sluice-openai-provider.h"

/* What the console's editors need besides applying a config: the stored
 * versions, rolling back to one, readable diffs, live chaos on the mock
 * providers (an operational change, not a config version) and a probe of
 * one provider with one cheap call. */

G_DEFINE_BOXED_TYPE (SluiceProviderProbe, sluice_provider_probe,
                     sluice_provider_probe_copy, sluice_provider_probe_free)

SluiceProviderProbe *
sluice_provider_probe_copy (const SluiceProviderProbe *probe)
{
  SluiceProviderProbe *copy = g_new0 (SluiceProviderProbe, 1);

  *copy = *probe;
  copy->model = g_strdup (probe->model);
  copy->message = g_strdup (probe->message);
  return copy;
}

void
sluice_provider_probe_free (SluiceProviderProbe *probe)
{
  if (probe == NULL)
    return;
  g_free (probe->model);
  g_free (probe->message);
  g_free (probe);
}

/**
 * sluice_engine_list_config_versions:
 * @self: the engine
 * @error: return location for an error
 *
 * Returns: (transfer container) (element-type SluiceConfigVersion): every
 *   stored version (time, author, comment, document), newest first
 */
GPtrArray *
sluice_engine_list_config_versions (SluiceEngine  *self,
                                    GError       **error)
{
  g_return_val_if_fail (SLUICE_IS_ENGINE (self), NULL);

  return sluice_store_list_config_versions (self->store, error);
}

/**
 * sluice_engine_rollback:
 * @self: the engine
 * @version: a stored version
 * @author: (nullable): who rolls back
 * @comment: (nullable): why; %NULL for "Roll back to version N"
 * @error: return location for an error
 *
 * Applies the document of @version again, as a new version: history only
 * ever grows. A version the schema does not accept any more is refused and
 * the running config stays.
 *
 * Returns: the new version, or 0 with @error set
 */
gint64
sluice_engine_rollback (SluiceEngine  *self,
                        gint64         version,
                        const char    *author,
                        const char    *comment,
                        GError       **error)
{
  g_autoptr(SluiceConfigVersion) stored = NULL;
  g_autofree char *default_comment = NULL;

  g_return_val_if_fail (SLUICE_IS_ENGINE (self), 0);
  g_return_val_if_fail (version > 0, 0);

  stored = sluice_store_load_config_version (self->store, version, error);
  if (stored == NULL)
    return 0;
  if (comment == NULL || *comment == '\0')
    comment = default_comment =
      g_strdup_printf ("Roll back to version %" G_GINT64_FORMAT, version);
  if (!sluice_engine_apply_config_json (self, stored->json, author, comment, error))
    return 0;
  return sluice_engine_get_config_version (self);
}

/**
 * sluice_engine_config_diff:
 * @a: the old config
 * @b: the new config
 *
 * Returns: (transfer full): the readable changes from @a to @b, one per
 *   line (see sluice_config_diff()), "" when they mean the same
 */
char *
sluice_engine_config_diff (SluiceConfig *a,
                           SluiceConfig *b)
{
  g_autoptr(GPtrArray) lines = NULL;

  g_return_val_if_fail (SLUICE_IS_CONFIG (a) && SLUICE_IS_CONFIG (b), NULL);

  lines = sluice_config_diff (a, b);
  g_ptr_array_add (lines, NULL);
  return g_strjoinv ("\n", (char **) lines->pdata);
}

static SluiceMockProvider *
lookup_mock (SluiceEngine  *self,
             const char    *name,
             GError       **error)
{
  SluiceProvider *provider = g_hash_table_lookup (self->providers, name);

  if (provider == NULL || !SLUICE_IS_MOCK_PROVIDER (provider))
    {
      g_set_error (error, SLUICE_ENGINE_ERROR, SLUICE_ENGINE_ERROR_NO_ROUTE,
                   "“%s” is not a mock provider of the running config", name);
      return NULL;
    }
  return SLUICE_MOCK_PROVIDER (provider);
}

/**
 * sluice_engine_dup_mock_behaviour:
 *
 * Returns: (transfer full) (nullable): the behaviour @provider has now,
 *   chaos included; %NULL when it is not a mock provider
 */
SluiceMockBehaviour *
sluice_engine_dup_mock_behaviour (SluiceEngine *self,
                                  const char   *provider)
{
  SluiceMockProvider *mock;

  g_return_val_if_fail (SLUICE_IS_ENGINE (self), NULL);
  g_return_val_if_fail (provider != NULL, NULL);

  mock = lookup_mock (self, provider, NULL);
  return mock != NULL ? sluice_mock_provider_dup_behaviour (mock) : NULL;
}

/**
 * sluice_engine_set_mock_chaos:
 * @self: the engine
 * @provider: a mock provider of the running config
 * @behaviour: how it behaves from now on
 * @error: return location for an error
 *
 * Changes a mock provider's latency, errors, rate limits, outage or stream
 * cuts at once, without storing a config version: an operator stages an
 * incident and watches breakers, fallbacks and budgets respond. Applying a
 * config (or sluice_engine_reset_mock_chaos()) brings back the configured
 * behaviour.
 *
 * Returns: %TRUE, or %FALSE when @provider is not a mock
 */
gboolean
sluice_engine_set_mock_chaos (SluiceEngine         *self,
                              const char           *provider,
                              SluiceMockBehaviour  *behaviour,
                              GError              **error)
{
  SluiceMockProvider *mock;

  g_return_val_if_fail (SLUICE_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (provider != NULL && behaviour != NULL, FALSE);

  mock = lookup_mock (self, provider, error);
  if (mock == NULL)
    return FALSE;
  sluice_mock_provider_set_behaviour (mock, behaviour);
  g_debug ("Chaos on mock provider %s", provider);
  sluice_engine_publish_snapshot (self);
  return TRUE;
}

/**
 * sluice_engine_reset_mock_chaos:
 *
 * Gives @provider back the behaviour the running config says.
 */
gboolean
sluice_engine_reset_mock_chaos (SluiceEngine  *self,
                                const char    *provider,
                                GError       **error)
{
  const SluiceProviderConfig *pc;
  SluiceMockProvider *mock;

  g_return_val_if_fail (SLUICE_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (provider != NULL, FALSE);

  mock = lookup_mock (self, provider, error);
  if (mock == NULL)
    return FALSE;
  pc = sluice_config_lookup_provider (self->config, provider);
  g_assert (pc != NULL && pc->mock != NULL);
  sluice_mock_provider_set_behaviour (mock, pc->mock);
  sluice_engine_publish_snapshot (self);
  return TRUE;
}

/* Key reloads. */

typedef struct
{
  SluiceConfig *config;
  char         *provider;
} KeyJob;

static void
key_job_free (gpointer data)
{
  KeyJob *job = data;

  g_clear_object (&job->config);
  g_free (job->provider);
  g_free (job);
}

static void
resolve_key_thread (GTask        *task,
                    gpointer      source,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  KeyJob *job = task_data;
  const SluiceProviderConfig *pc = sluice_config_lookup_provider (job->config, job->provider);

  g_task_return_pointer (task, _sluice_engine_resolve_key (pc), g_free);
}

static SluiceProvider *
new_http_provider (const SluiceProviderConfig *pc,
                   const char                 *key)
{
  switch (pc->kind)
    {
    case SLUICE_PROVIDER_KIND_OPENAI:
      return sluice_openai_provider_new (pc->name, pc->base_url, key, pc->connect_timeout_ms);
    case SLUICE_PROVIDER_KIND_ANTHROPIC:
      return sluice_anthropic_provider_new (pc->name, pc->base_url, key, pc->connect_timeout_ms);
    case SLUICE_PROVIDER_KIND_GEMINI:
      return sluice_gemini_provider_new (pc->name, pc->base_url, key, pc->connect_timeout_ms);
    case SLUICE_PROVIDER_KIND_MOCK:
    default:
      return NULL;
    }
}

/* A copy of the provider table with one entry replaced: requests in flight
 * keep the table they started with. */
static void
swap_provider (SluiceEngine   *self,
               SluiceProvider *provider)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  GHashTableIter iter;
  gpointer name, value;

  g_mutex_lock (&self->mutex);
  g_hash_table_iter_init (&iter, self->providers);
  while (g_hash_table_iter_next (&iter, &name, &value))
    g_hash_table_insert (table, g_strdup (name), g_object_ref (value));
  g_hash_table_replace (table, g_strdup (sluice_provider_get_name (provider)),
                        g_object_ref (provider));
  g_hash_table_unref (self->providers);
  self->providers = table;
  g_mutex_unlock (&self->mutex);
}

static void
key_resolved_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  SluiceEngine *self = SLUICE_ENGINE (object);
  g_autoptr(GTask) task = user_data;
  KeyJob *job = g_task_get_task_data (task);
  g_autofree char *key = g_task_propagate_pointer (G_TASK (result), NULL);
  const SluiceProviderConfig *pc = NULL;
  g_autoptr(SluiceProvider) provider = NULL;

  /* The config may have moved on while the key was looked up. */
  if (self->config == job->config)
    pc = sluice_config_lookup_provider (self->config, job->provider);
  if (pc != NULL)
    provider = new_http_provider (pc, key);
  if (key != NULL)
    memset (key, 0, strlen (key));
  if (provider != NULL)
    swap_provider (self, provider);
  g_task_return_boolean (task, TRUE);
}

/**
 * sluice_engine_reload_provider_async:
 * @self: the engine
 * @provider: a provider of the running config
 *
 * Builds @provider anew with its key as it is now (the environment, then
 * the Secret Service, looked up in a worker thread), so a key stored or
 * removed in the console takes effect without a new config version. Mock
 * providers have no key and are left as they are.
 */
void
sluice_engine_reload_provider_async (SluiceEngine        *self,
                                     const char          *provider,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) lookup = NULL;
  const SluiceProviderConfig *pc;
  KeyJob *job;

  g_return_if_fail (SLUICE_IS_ENGINE (self));
  g_return_if_fail (provider != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sluice_engine_reload_provider_async);
  pc = sluice_config_lookup_provider (self->config, provider);
  if (pc == NULL)
    {
      g_task_return_new_error (task, SLUICE_ENGINE_ERROR, SLUICE_ENGINE_ERROR_NO_ROUTE,
                               "No provider “%s” in the running config", provider);
      return;
    }
  job = g_new0 (KeyJob, 1);
  job->config = g_object_ref (self->config);
  job->provider = g_strdup (provider);
  g_task_set_task_data (task, job, key_job_free);
  if (pc->kind == SLUICE_PROVIDER_KIND_MOCK)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  lookup = g_task_new (self, cancellable, key_resolved_cb, g_steal_pointer (&task));
  g_task_set_task_data (lookup, job, NULL);
  g_task_run_in_thread (lookup, resolve_key_thread);
}

gboolean
sluice_engine_reload_provider_finish (SluiceEngine  *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Probes. */

typedef struct
{
  char   *provider;
  char   *model;
  char   *upstream;
  guint   timeout_ms;
  gint64  start_us;
} ProbeJob;

static void
probe_job_free (gpointer data)
{
  ProbeJob *job = data;

  g_free (job->provider);
  g_free (job->model);
  g_free (job->upstream);
  g_free (job);
}

static void
probe_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SluiceEngine *self = g_task_get_source_object (task);
  ProbeJob *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(SluiceCompletion) completion = NULL;
  SluiceProviderProbe *probe = g_new0 (SluiceProviderProbe, 1);

  completion = sluice_provider_complete_finish (SLUICE_PROVIDER (object), result, &error);
  probe->latency_us = sluice_clock_monotonic_us (self->clock) - job->start_us;
  probe->model = g_strdup (job->model);
  probe->ok = completion != NULL;
  probe->message = g_strdup (completion != NULL ? completion->content : error->message);
  g_task_return_pointer (task, probe, (GDestroyNotify) sluice_provider_probe_free);
}

static void
probe_call (GTask *task)
{
  SluiceEngine *self = g_task_get_source_object (task);
  ProbeJob *job = g_task_get_task_data (task);
  SluiceProvider *provider = g_hash_table_lookup (self->providers, job->provider);
  g_autoptr(SluiceRequest) request = sluice_request_new ();
  SluiceProviderCall *call;

  if (provider == NULL)
    {
      g_task_return_new_error (task, SLUICE_ENGINE_ERROR, SLUICE_ENGINE_ERROR_NO_ROUTE,
                               "No provider “%s” in the running config", job->provider);
      g_object_unref (task);
      return;
    }
  sluice_request_add_message (request, SLUICE_ROLE_USER, "ping");
  sluice_request_set_max_tokens (request, 1);
  call = sluice_provider_call_new (request, job->upstream);
  call->timeout_ms = job->timeout_ms;
  job->start_us = sluice_clock_monotonic_us (self->clock);
  /* The call outlives this function: the task data keeps it. */
  g_object_set_data_full (G_OBJECT (task), "call", call,
                          (GDestroyNotify) sluice_provider_call_free);
  sluice_provider_complete_async (provider, call, g_task_get_cancellable (task),
                                  probe_done_cb, task);
}

static void
probe_reloaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!sluice_engine_reload_provider_finish (SLUICE_ENGINE (object), result, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  probe_call (task);
}

static ProbeJob *
probe_job_new (SluiceConfig               *config,
               const SluiceProviderConfig *pc)
{
  ProbeJob *job = g_new0 (ProbeJob, 1);

  job->provider = g_strdup (pc->name);
  job->timeout_ms = pc->timeout_ms;
  for (guint i = 0; i < sluice_config_get_n_models (config); i++)
    {
      const SluiceModelConfig *mc = sluice_config_get_model (config, i);

      if (g_strcmp0 (mc->provider, pc->name) == 0)
        {
          job->model = g_strdup (mc->name);
          job->upstream = g_strdup (mc->upstream);
          break;
        }
    }
  if (job->upstream == NULL)
    job->upstream = g_strdup ("ping");
  return job;
}

/**
 * sluice_engine_test_provider_async:
 * @self: the engine
 * @provider: a provider of the running config
 *
 * Reloads @provider's key (see sluice_engine_reload_provider_async()) and
 * makes one cheap call — a one-token answer to "ping" from its first model
 * — straight to the provider, outside the pipeline: no limits, budget,
 * cache or ledger row.
 */
void
sluice_engine_test_provider_async (SluiceEngine        *self,
                                   const char          *provider,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  const SluiceProviderConfig *pc;

  g_return_if_fail (SLUICE_IS_ENGINE (self));
  g_return_if_fail (provider != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sluice_engine_test_provider_async);
  pc = sluice_config_lookup_provider (self->config, provider);
  if (pc == NULL)
    {
      g_task_return_new_error (task, SLUICE_ENGINE_ERROR, SLUICE_ENGINE_ERROR_NO_ROUTE,
                               "No provider “%s” in the running config", provider);
      return;
    }
  g_task_set_task_data (task, probe_job_new (self->config, pc), probe_job_free);
  if (pc->kind == SLUICE_PROVIDER_KIND_MOCK)
    probe_call (g_steal_pointer (&task));
  else
    sluice_engine_reload_provider_async (self, provider, cancellable, probe_reloaded_cb,
                                         g_steal_pointer (&task));
}

/**
 * sluice_engine_test_provider_finish:
 *
 * Returns: (transfer full): the probe — a failed call is a probe with @ok
 *   unset, not an error — or %NULL with @error set when there is no such
 *   provider
 */
SluiceProviderProbe *
sluice_engine_test_provider_finish (SluiceEngine  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
