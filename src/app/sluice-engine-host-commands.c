/* sluice-engine-host-commands.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-app"

#include "config.h"

#include "sluice-engine-host-private.h"

/* The host's commands besides sending requests: operator actions for the
 * monitoring panels, generic engine-thread calls for the editors, the
 * request log's model and alert acknowledgement. Each runs on the engine's
 * thread and, when it answers, answers on the UI thread. */

/* Operator commands for the monitoring panels. */

typedef struct
{
  SluiceEngineHost     *host;
  SluiceEngineHostFunc  func;
  gpointer              data;
  GDestroyNotify        destroy;
} Invocation;

static void
invocation_free (gpointer data)
{
  Invocation *inv = data;

  if (inv->destroy != NULL)
    inv->destroy (inv->data);
  g_free (inv);
}

/* Engine thread. */
static gboolean
run_invocation (gpointer data)
{
  Invocation *inv = data;

  if (inv->host->engine != NULL)
    inv->func (inv->host->engine, inv->data);

  return G_SOURCE_REMOVE;
}

/**
 * sluice_engine_host_invoke:
 * @func: runs on the engine thread with the engine
 * @destroy: (nullable): frees @data, on the engine thread
 *
 * Posts @func to the engine's context. Nothing runs if the engine did not
 * start.
 */
void
sluice_engine_host_invoke (SluiceEngineHost     *self,
                           SluiceEngineHostFunc  func,
                           gpointer              data,
                           GDestroyNotify        destroy)
{
  Invocation *inv;

  g_return_if_fail (SLUICE_IS_ENGINE_HOST (self));
  g_return_if_fail (func != NULL);

  if (self->error != NULL)
    {
      if (destroy != NULL)
        destroy (data);
      return;
    }

  inv = g_new0 (Invocation, 1);
  /* No reference: the engine thread is joined before the host goes. */
  inv->host = self;
  inv->func = func;
  inv->data = data;
  inv->destroy = destroy;
  g_main_context_invoke_full (self->engine_context, G_PRIORITY_DEFAULT,
                              run_invocation, inv, invocation_free);
}

typedef struct
{
  char  *model;
  guint  duration_s;
} BreakerCommand;

static void
breaker_command_free (gpointer data)
{
  BreakerCommand *cmd = data;

  g_free (cmd->model);
  g_free (cmd);
}

static void
force_open_in_engine (SluiceEngine *engine,
                      gpointer      data)
{
  BreakerCommand *cmd = data;

  sluice_engine_force_open_breaker (engine, cmd->model, cmd->duration_s);
}

static void
reset_in_engine (SluiceEngine *engine,
                 gpointer      data)
{
  BreakerCommand *cmd = data;

  sluice_engine_reset_breaker (engine, cmd->model);
}

/**
 * sluice_engine_host_force_open_breaker:
 *
 * Opens @model's breaker for @duration_s; the next snapshot shows it.
 */
void
sluice_engine_host_force_open_breaker (SluiceEngineHost *self,
                                       const char       *model,
                                       guint             duration_s)
{
  BreakerCommand *cmd;

  g_return_if_fail (SLUICE_IS_ENGINE_HOST (self));
  g_return_if_fail (model != NULL);

  cmd = g_new0 (BreakerCommand, 1);
  cmd->model = g_strdup (model);
  cmd->duration_s = duration_s;
  sluice_engine_host_invoke (self, force_open_in_engine, cmd, breaker_command_free);
}

void
sluice_engine_host_reset_breaker (SluiceEngineHost *self,
                                  const char       *model)
{
  BreakerCommand *cmd;

  g_return_if_fail (SLUICE_IS_ENGINE_HOST (self));
  g_return_if_fail (model != NULL);

  cmd = g_new0 (BreakerCommand, 1);
  cmd->model = g_strdup (model);
  sluice_engine_host_invoke (self, reset_in_engine, cmd, breaker_command_free);
}

typedef struct
{
  GTask            *task;        /* UI thread only */
  GMainContext     *ui_context;
  SluiceCachePurge  what;
  char             *value;
  guint             removed;
} PurgeCommand;

static void
purge_command_free (gpointer data)
{
  PurgeCommand *cmd = data;

  g_assert (cmd->task == NULL);
  g_main_context_unref (cmd->ui_context);
  g_free (cmd->value);
  g_free (cmd);
}

/* UI thread. */
static gboolean
purge_done_in_ui (gpointer data)
{
  PurgeCommand *cmd = data;
  g_autoptr(GTask) task = g_steal_pointer (&cmd->task);

  g_task_return_int (task, cmd->removed);
  return G_SOURCE_REMOVE;
}

/* Engine thread. */
static void
purge_in_engine (SluiceEngine *engine,
                 gpointer      data)
{
  PurgeCommand *cmd = data;

  cmd->removed = sluice_engine_purge_cache (engine, cmd->what, cmd->value);
  g_main_context_invoke_full (cmd->ui_context, G_PRIORITY_DEFAULT,
                              purge_done_in_ui, cmd, purge_command_free);
}

/**
 * sluice_engine_host_purge_cache_async:
 * @value: (nullable): the user, model or task type
 *
 * Purges cache entries; sluice_engine_host_purge_cache_finish() tells how
 * many went.
 */
void
sluice_engine_host_purge_cache_async (SluiceEngineHost    *self,
                                      SluiceCachePurge     what,
                                      const char          *value,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  PurgeCommand *cmd;

  g_return_if_fail (SLUICE_IS_ENGINE_HOST (self));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, sluice_engine_host_purge_cache_async);

  if (self->error != NULL)
    {
      g_task_return_error (task, g_error_copy (self->error));
      return;
    }

  cmd = g_new0 (PurgeCommand, 1);
  cmd->task = g_steal_pointer (&task);
  cmd->ui_context = g_main_context_ref (self->ui_context);
  cmd->what = what;
  cmd->value = g_strdup (value);
  sluice_engine_host_invoke (self, purge_in_engine, cmd, NULL);
}

/**
 * sluice_engine_host_purge_cache_finish:
 *
 * Returns: the number of entries removed, or -1 with @error set
 */
gssize
sluice_engine_host_purge_cache_finish (SluiceEngineHost  *self,
                                       GAsyncResult      *result,
                                       GError           **error)
{
  g_return_val_if_fail (SLUICE_IS_ENGINE_HOST (self), -1);
  g_return_val_if_fail (g_task_is_valid (result, self), -1);

  return g_task_propagate_int (G_TASK (result), error);
}

/* Generic commands. */

typedef struct
{
  SluiceEngineHost         *host;      /* the UI task keeps it alive */
  GTask                    *task;      /* UI thread only */
  GMainContext             *ui_context;
  SluiceEngineHostTaskFunc  func;
  gpointer                  data;
  GDestroyNotify            data_destroy;
  GDestroyNotify            result_destroy;
  GCancellable             *cancellable;
  gpointer                  result;
  GError                   *error;
} RunOp;

static void
run_op_free (gpointer data)
{
  RunOp *op = data;

  g_assert (op->task == NULL);
  if (op->result != NULL && op->result_destroy != NULL)
    op->result_destroy (op->result);
  if (op->data_destroy != NULL)
    op->data_destroy (op->data);
  g_clear_object (&op->cancellable);
  g_clear_error (&op->error);
  g_clear_pointer (&op->ui_context, g_main_context_unref);
  g_free (op);
}

/* UI thread. */
static gboolean
run_complete_in_ui (gpointer data)
{
  RunOp *op = data;
  g_autoptr(GTask) task = g_steal_pointer (&op->task);

  if (op->error != NULL)
    g_task_return_error (task, g_steal_pointer (&op->error));
  else
    g_task_return_pointer (task, g_steal_pointer (&op->result), op->result_destroy);

  return G_SOURCE_REMOVE;
}

/* Engine thread. */
static void
run_done_in_engine (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  RunOp *op = user_data;

  op->result = g_task_propagate_pointer (G_TASK (result), &op->error);
  g_main_context_invoke_full (op->ui_context, G_PRIORITY_DEFAULT,
                              run_complete_in_ui, op, run_op_free);
}

/* Engine thread. */
static gboolean
run_in_engine (gpointer data)
{
  RunOp *op = data;
  GTask *task = g_task_new (op->host->engine, op->cancellable, run_done_in_engine, op);

  op->func (op->host->engine, op->data, task);

  return G_SOURCE_REMOVE;
}

/**
 * sluice_engine_host_run_async:
 * @func: (scope async): runs on the engine thread
 * @data: (transfer full): data for @func, freed with @data_destroy on the
 *   UI thread
 * @result_destroy: (nullable): frees what @func returned through its task
 *
 * Runs @func with the engine on its own thread; @callback runs on the UI
 * context with what @func returned.
 */
void
sluice_engine_host_run_async (SluiceEngineHost         *self,
                              SluiceEngineHostTaskFunc  func,
                              gpointer                  data,
                              GDestroyNotify            data_destroy,
                              GDestroyNotify            result_destroy,
                              GCancellable             *cancellable,
                              GAsyncReadyCallback       callback,
                              gpointer                  user_data)
{
  g_autoptr(GTask) task = NULL;
  RunOp *op;

  g_return_if_fail (SLUICE_IS_ENGINE_HOST (self));
  g_return_if_fail (func != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sluice_engine_host_run_async);

  if (self->error != NULL)
    {
      if (data_destroy != NULL)
        data_destroy (data);
      g_task_return_error (task, g_error_copy (self->error));
      return;
    }

  op = g_new0 (RunOp, 1);
  op->host = self;
  op->task = g_steal_pointer (&task);
  op->ui_context = g_main_context_ref (self->ui_context);
  op->func = func;
  op->data = data;
  op->data_destroy = data_destroy;
  op->result_destroy = result_destroy;
  op->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;

  g_main_context_invoke_full (self->engine_context, G_PRIORITY_DEFAULT,
                              run_in_engine, op, NULL);
}

/**
 * sluice_engine_host_run_finish:
 *
 * Returns: (transfer full) (nullable): what the command returned
 */
gpointer
sluice_engine_host_run_finish (SluiceEngineHost  *self,
                               GAsyncResult      *result,
                               GError           **error)
{
  g_return_val_if_fail (SLUICE_IS_ENGINE_HOST (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Request log. */

/**
 * sluice_engine_host_new_ledger_model:
 *
 * Returns: (transfer full) (nullable): a model of the engine's request
 *   ledger whose signals arrive on the UI context, or %NULL when the engine
 *   did not start
 */
SluiceLedgerModel *
sluice_engine_host_new_ledger_model (SluiceEngineHost *self)
{
  g_return_val_if_fail (SLUICE_IS_ENGINE_HOST (self), NULL);

  if (self->error != NULL || self->engine == NULL)
    return NULL;

  /* Safe from the UI thread: it reads only the engine's store, which is
   * set before the engine thread reports that it started. */
  return sluice_engine_new_ledger_model (self->engine);
}

/* Alerts. */

/* Engine thread. */
static void
ack_in_engine (SluiceEngine *engine,
               gpointer      data)
{
  gint64 *id = data;

  if (!sluice_engine_ack_alert (engine, *id))
    g_debug ("No alert %" G_GINT64_FORMAT " to acknowledge", *id);
}

/* Engine thread. */
static void
ack_all_in_engine (SluiceEngine *engine,
                   gpointer      data)
{
  g_autoptr(GPtrArray) alerts = sluice_engine_list_alerts (engine, 0);

  for (guint i = 0; alerts != NULL && i < alerts->len; i++)
    {
      const SluiceAlert *alert = g_ptr_array_index (alerts, i);

      if (!alert->acknowledged)
        sluice_engine_ack_alert (engine, alert->id);
    }
}

/**
 * sluice_engine_host_ack_alert:
 * @id: the alert's id (#SluiceSnapshotAlert.id)
 *
 * Acknowledges one alert on the engine thread.
 */
void
sluice_engine_host_ack_alert (SluiceEngineHost *self,
                              gint64            id)
{
  g_return_if_fail (SLUICE_IS_ENGINE_HOST (self));
  g_return_if_fail (id > 0);

  sluice_engine_host_invoke (self, ack_in_engine, g_memdup2 (&id, sizeof id), g_free);
}

/**
 * sluice_engine_host_ack_all_alerts:
 *
 * Acknowledges every alert the engine keeps that is not yet acknowledged.
 */
void
sluice_engine_host_ack_all_alerts (SluiceEngineHost *self)
{
  g_return_if_fail (SLUICE_IS_ENGINE_HOST (self));

  sluice_engine_host_invoke (self, ack_all_in_engine, NULL, NULL);
}
