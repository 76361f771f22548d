/* sluice-engine-deferred.c — the engine runs its deferred jobs
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-engine"

#include "config.h"

#include <json-glib/json-glib.h>

#include "sluice-engine-private.h"

/* Due jobs are taken a few at a time: when a breaker closes (a provider
 * came back), and on a tick of the engine's clock. Each runs through the
 * whole pipeline again, as an ordinary (not deferrable) request. */

#define JOBS_PER_ROUND 8
#define TICK_US (10 * G_USEC_PER_SEC)

typedef struct
{
  SluiceEngine *engine;
  char         *id;
} JobRun;

static void
job_run_free (JobRun *run)
{
  g_object_unref (run->engine);
  g_free (run->id);
  g_free (run);
}

static char *
response_json (SluiceResponse *response)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const SluiceUsage *usage = sluice_response_get_usage (response);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "request_id");
  json_builder_add_string_value (b, sluice_response_get_request_id (response));
  json_builder_set_member_name (b, "content");
  json_builder_add_string_value (b, sluice_response_get_content (response));
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, sluice_response_get_model (response));
  json_builder_set_member_name (b, "finish_reason");
  json_builder_add_string_value (b, sluice_response_get_finish_reason (response));
  json_builder_set_member_name (b, "input_tokens");
  json_builder_add_int_value (b, usage->input_tokens);
  json_builder_set_member_name (b, "output_tokens");
  json_builder_add_int_value (b, usage->output_tokens);
  json_builder_set_member_name (b, "cost_usd");
  json_builder_add_double_value (b, sluice_response_get_cost_usd (response));
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static void
job_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  JobRun *run = user_data;
  SluiceEngine *self = run->engine;
  g_autoptr(SluiceResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  response = sluice_engine_complete_finish (self, result, &error);
  self->jobs_running--;
  if (response != NULL && sluice_response_get_status (response) == SLUICE_REQUEST_STATUS_OK)
    {
      json = response_json (response);
      sluice_deferred_queue_finish_job (self->deferred, run->id, TRUE, json, NULL);
      g_message ("Deferred job %s answered by %s", run->id, sluice_response_get_model (response));
    }
  else
    sluice_deferred_queue_finish_job (self->deferred, run->id, FALSE, NULL,
                                      response != NULL ? sluice_response_get_error_message (response)
                                                       : error->message);
  job_run_free (run);
}

/**
 * sluice_engine_run_deferred_jobs:
 * @self: the engine
 *
 * Runs the deferred jobs whose time has come (the engine also does this by
 * itself on its clock and whenever a breaker closes).
 *
 * Returns: how many jobs were started
 */
guint
sluice_engine_run_deferred_jobs (SluiceEngine *self)
{
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (SLUICE_IS_ENGINE (self), 0);

  if (self->shutting_down || self->jobs_running > 0)
    return 0;

  jobs = sluice_deferred_queue_take_due (self->deferred, JOBS_PER_ROUND, &error);
  if (jobs == NULL)
    {
      g_warning ("Could not take deferred jobs: %s", error->message);
      return 0;
    }

  for (guint i = 0; i < jobs->len; i++)
    {
      const SluiceDeferredJob *job = g_ptr_array_index (jobs, i);
      g_autoptr(SluiceRequest) request = NULL;
      g_autoptr(GError) build_error = NULL;
      JobRun *run;

      request = sluice_deferred_job_build_request (job, &build_error);
      if (request == NULL)
        {
          sluice_deferred_queue_finish_job (self->deferred, job->id, FALSE, NULL,
                                            build_error->message);
          continue;
        }
      run = g_new0 (JobRun, 1);
      run->engine = g_object_ref (self);
      run->id = g_strdup (job->id);
      self->jobs_running++;
      sluice_engine_complete_async (self, request, NULL, NULL, self->jobs_cancellable,
                                    job_done_cb, run);
    }
  return jobs->len;
}

/* The tick holds the engine weakly: a pending wait on the clock must not
 * keep a dropped engine alive. */
static void
tick_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GWeakRef *weak = user_data;
  g_autoptr(SluiceEngine) self = g_weak_ref_get (weak);
  gboolean slept = sluice_clock_sleep_finish (SLUICE_CLOCK (object), result, NULL);

  g_weak_ref_clear (weak);
  g_free (weak);
  if (self == NULL)
    return;
  self->ticking = FALSE;
  if (!slept)
    return;
  sluice_engine_run_deferred_jobs (self);
  _sluice_engine_ensure_deferred_tick (self);
}

/* The tick runs only while jobs wait, so an engine without deferred work
 * keeps no timer (and a test's manual clock sees no pending sleep). */
void
_sluice_engine_ensure_deferred_tick (SluiceEngine *self)
{
  GWeakRef *weak;

  if (self->ticking || self->shutting_down ||
      sluice_deferred_queue_count_pending (self->deferred) == 0)
    return;
  weak = g_new0 (GWeakRef, 1);
  g_weak_ref_init (weak, self);
  self->ticking = TRUE;
  sluice_clock_sleep_async (self->clock, TICK_US, self->jobs_cancellable, tick_cb, weak);
}

/* Called once the store is open: jobs left running by a crash are queued
 * again, and the tick starts. */
gboolean
_sluice_engine_start_deferred (SluiceEngine  *self,
                               GError       **error)
{
  self->deferred = sluice_deferred_queue_new (self->store, self->clock);
  self->jobs_cancellable = g_cancellable_new ();
  if (!sluice_deferred_queue_recover (self->deferred, error))
    return FALSE;
  _sluice_engine_ensure_deferred_tick (self);
  return TRUE;
}

/**
 * sluice_engine_lookup_job:
 * @self: the engine
 * @id: a job id from sluice_response_get_job_id()
 * @error: %SLUICE_STORE_ERROR_NOT_FOUND for an unknown id
 *
 * Returns: (transfer full) (nullable): the job: its state, attempts, and
 *   once done the answer as JSON
 */
SluiceDeferredJob *
sluice_engine_lookup_job (SluiceEngine  *self,
                          const char    *id,
                          GError       **error)
{
  g_return_val_if_fail (SLUICE_IS_ENGINE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return sluice_deferred_queue_lookup (self->deferred, id, error);
}
