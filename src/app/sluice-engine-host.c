/* sluice-engine-host.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-app"

#include "config.h"

#include "sluice-engine-host.h"

/* The engine lives on its own thread, confined to its own GMainContext.
 * Everything the UI sees crosses over as immutable values: snapshots are
 * coalesced into one pending idle on the UI context, commands are posted to
 * the engine context and answer back on the UI context. Every GTask is
 * created, returned and released on the UI thread, so the host's last
 * reference can never be dropped from the engine thread. */

struct _SluiceEngineHost
{
  GObject         parent_instance;

  char           *db_path;
  guint           interval_ms;
  GThread        *thread;
  GMainContext   *engine_context;
  GMainLoop      *loop;
  GMainContext   *ui_context;

  /* Engine thread only. */
  SluiceEngine   *engine;
  gulong          snapshot_handler;
  gint64          config_version;

  /* Shared, under the mutex. */
  GMutex          mutex;
  GCond           cond;
  gboolean        started;
  SluiceConfig   *config;
  SluiceSnapshot *pending;
  GSource        *pending_source;

  /* Written before started is set, read-only afterwards. */
  GError         *error;

  /* UI thread only. */
  SluiceSnapshot *snapshot;
};

G_DEFINE_FINAL_TYPE (SluiceEngineHost, sluice_engine_host, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SNAPSHOT,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

typedef struct
{
  gint              ref_count;
  SluiceEngineHost *host;          /* the task keeps it alive */
  GTask            *task;          /* UI thread only */
  GMainContext     *ui_context;
  SluiceRequest    *request;
  GCancellable     *cancellable;
  SluiceDeltaFunc   delta_cb;
  gpointer          delta_data;
  SluiceResponse   *response;
  GError           *error;
} SendOp;

typedef struct
{
  SendOp *op;
  char   *text;
} DeltaMessage;

static SendOp *
send_op_ref (SendOp *op)
{
  g_atomic_int_inc (&op->ref_count);
  return op;
}

static void
send_op_unref (gpointer data)
{
  SendOp *op = data;

  if (!g_atomic_int_dec_and_test (&op->ref_count))
    return;

  g_assert (op->task == NULL);
  g_clear_object (&op->request);
  g_clear_object (&op->cancellable);
  g_clear_object (&op->response);
  g_clear_error (&op->error);
  g_clear_pointer (&op->ui_context, g_main_context_unref);
  g_free (op);
}

static void
delta_message_free (gpointer data)
{
  DeltaMessage *msg = data;

  send_op_unref (msg->op);
  g_free (msg->text);
  g_free (msg);
}

/* UI thread. */
static gboolean
deliver_snapshot (gpointer data)
{
  SluiceEngineHost *self = data;
  SluiceSnapshot *snapshot;
  GSource *source;

  g_mutex_lock (&self->mutex);
  snapshot = g_steal_pointer (&self->pending);
  source = g_steal_pointer (&self->pending_source);
  g_mutex_unlock (&self->mutex);

  g_clear_pointer (&source, g_source_unref);

  if (snapshot != NULL)
    {
      g_clear_pointer (&self->snapshot, sluice_snapshot_unref);
      self->snapshot = snapshot;
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_SNAPSHOT]);
    }

  return G_SOURCE_REMOVE;
}

/* Engine thread. */
static void
on_snapshot_published (SluiceEngine   *engine,
                       SluiceSnapshot *snapshot,
                       gpointer        user_data)
{
  SluiceEngineHost *self = user_data;
  SluiceConfig *config = NULL;
  gint64 version = sluice_snapshot_get_config_version (snapshot);

  if (version != self->config_version)
    {
      config = sluice_engine_dup_config (engine);
      self->config_version = version;
    }

  g_mutex_lock (&self->mutex);

  if (config != NULL)
    {
      g_clear_object (&self->config);
      self->config = config;
    }

  /* Keep only the newest snapshot; one idle delivers whichever is there. */
  g_clear_pointer (&self->pending, sluice_snapshot_unref);
  self->pending = sluice_snapshot_ref (snapshot);

  if (self->pending_source == NULL)
    {
      GSource *source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, deliver_snapshot, self, NULL);
      g_source_set_static_name (source, "[sluice] deliver snapshot");
      g_source_attach (source, self->ui_context);
      self->pending_source = source;
    }

  g_mutex_unlock (&self->mutex);
}

static void
engine_thread_start (SluiceEngineHost *self)
{
  g_autoptr(GError) error = NULL;
  SluiceConfig *config = NULL;

  self->engine = sluice_engine_new (self->db_path, NULL, &error);

  if (self->engine != NULL)
    {
      self->config_version = sluice_engine_get_config_version (self->engine);
      config = sluice_engine_dup_config (self->engine);
      sluice_engine_set_snapshot_interval (self->engine, self->interval_ms);
      self->snapshot_handler =
        g_signal_connect (self->engine, "snapshot-published",
                          G_CALLBACK (on_snapshot_published), self);
    }

  g_mutex_lock (&self->mutex);
  self->error = g_steal_pointer (&error);
  self->config = config;
  self->started = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

static gpointer
engine_thread_main (gpointer data)
{
  SluiceEngineHost *self = data;

  g_main_context_push_thread_default (self->engine_context);

  engine_thread_start (self);

  if (self->engine != NULL)
    {
      SluiceSnapshot *first = sluice_engine_dup_snapshot (self->engine);

      if (first != NULL)
        {
          on_snapshot_published (self->engine, first, self);
          sluice_snapshot_unref (first);
        }

      g_main_loop_run (self->loop);

      /* The engine is dropped in the thread it lives in. */
      g_clear_signal_handler (&self->snapshot_handler, self->engine);
      g_clear_object (&self->engine);
    }

  g_main_context_pop_thread_default (self->engine_context);

  return NULL;
}

static void
sluice_engine_host_dispose (GObject *object)
{
  SluiceEngineHost *self = (SluiceEngineHost *)object;

  if (self->thread != NULL)
    {
      g_main_loop_quit (self->loop);
      g_thread_join (g_steal_pointer (&self->thread));
    }

  g_mutex_lock (&self->mutex);
  if (self->pending_source != NULL)
    {
      g_source_destroy (self->pending_source);
      g_clear_pointer (&self->pending_source, g_source_unref);
    }
  g_clear_pointer (&self->pending, sluice_snapshot_unref);
  g_clear_object (&self->config);
  g_mutex_unlock (&self->mutex);

  g_clear_pointer (&self->snapshot, sluice_snapshot_unref);

  G_OBJECT_CLASS (sluice_engine_host_parent_class)->dispose (object);
}

static void
sluice_engine_host_finalize (GObject *object)
{
  SluiceEngineHost *self = (SluiceEngineHost *)object;

  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->engine_context, g_main_context_unref);
  g_clear_pointer (&self->ui_context, g_main_context_unref);
  g_clear_error (&self->error);
  g_clear_pointer (&self->db_path, g_free);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (sluice_engine_host_parent_class)->finalize (object);
}

static void
sluice_engine_host_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  SluiceEngineHost *self = SLUICE_ENGINE_HOST (object);

  switch (prop_id)
    {
    case PROP_SNAPSHOT:
      g_value_set_boxed (value, self->snapshot);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sluice_engine_host_class_init (SluiceEngineHostClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sluice_engine_host_dispose;
  object_class->finalize = sluice_engine_host_finalize;
  object_class->get_property = sluice_engine_host_get_property;

  properties [PROP_SNAPSHOT] =
    g_param_spec_boxed ("snapshot", NULL, NULL,
                        SLUICE_TYPE_SNAPSHOT,
                        (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sluice_engine_host_init (SluiceEngineHost *self)
{
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->ui_context = g_main_context_ref_thread_default ();
  self->engine_context = g_main_context_new ();
  self->loop = g_main_loop_new (self->engine_context, FALSE);
}

/**
 * sluice_engine_host_new:
 * @db_path: (nullable): the engine's database, or %NULL for its default
 * @interval_ms: how often the engine publishes a snapshot
 *
 * Starts the engine thread and waits until the engine exists (or failed to
 * start, see sluice_engine_host_get_error()).
 *
 * Returns: (transfer full): a new host
 */
SluiceEngineHost *
sluice_engine_host_new (const char *db_path,
                        guint       interval_ms)
{
  SluiceEngineHost *self = g_object_new (SLUICE_TYPE_ENGINE_HOST, NULL);

  self->db_path = g_strdup (db_path);
  self->interval_ms = interval_ms;
  self->thread = g_thread_new ("sluice-engine", engine_thread_main, self);

  g_mutex_lock (&self->mutex);
  while (!self->started)
    g_cond_wait (&self->cond, &self->mutex);
  g_mutex_unlock (&self->mutex);

  return self;
}

const GError *
sluice_engine_host_get_error (SluiceEngineHost *self)
{
  g_return_val_if_fail (SLUICE_IS_ENGINE_HOST (self), NULL);

  return self->error;
}

/**
 * sluice_engine_host_get_snapshot:
 *
 * Returns: (transfer none) (nullable): the newest snapshot the UI received
 */
SluiceSnapshot *
sluice_engine_host_get_snapshot (SluiceEngineHost *self)
{
  g_return_val_if_fail (SLUICE_IS_ENGINE_HOST (self), NULL);

  return self->snapshot;
}

/**
 * sluice_engine_host_dup_config:
 *
 * Returns: (transfer full) (nullable): the engine's current configuration,
 *   immutable and safe to read on any thread
 */
SluiceConfig *
sluice_engine_host_dup_config (SluiceEngineHost *self)
{
  SluiceConfig *config = NULL;

  g_return_val_if_fail (SLUICE_IS_ENGINE_HOST (self), NULL);

  g_mutex_lock (&self->mutex);
  if (self->config != NULL)
    config = g_object_ref (self->config);
  g_mutex_unlock (&self->mutex);

  return config;
}

typedef struct
{
  SluiceEngineHost *host;
  guint             interval_ms;
} IntervalChange;

static gboolean
apply_interval (gpointer data)
{
  IntervalChange *change = data;

  if (change->host->engine != NULL)
    sluice_engine_set_snapshot_interval (change->host->engine,
                                         change->interval_ms);

  return G_SOURCE_REMOVE;
}

void
sluice_engine_host_set_snapshot_interval (SluiceEngineHost *self,
                                          guint             interval_ms)
{
  IntervalChange *change;

  g_return_if_fail (SLUICE_IS_ENGINE_HOST (self));

  if (self->engine_context == NULL || self->error != NULL)
    return;

  change = g_new0 (IntervalChange, 1);
  /* No reference: the engine thread is joined before the host goes. */
  change->host = self;
  change->interval_ms = interval_ms;
  g_main_context_invoke_full (self->engine_context, G_PRIORITY_DEFAULT,
                              apply_interval, change, g_free);
}

/* UI thread. */
static gboolean
deliver_delta (gpointer data)
{
  DeltaMessage *msg = data;
  SendOp *op = msg->op;

  if (op->cancellable == NULL || !g_cancellable_is_cancelled (op->cancellable))
    op->delta_cb (msg->text, op->delta_data);

  return G_SOURCE_REMOVE;
}

/* Engine thread. */
static void
on_engine_delta (const char *text,
                 gpointer    user_data)
{
  SendOp *op = user_data;
  DeltaMessage *msg = g_new0 (DeltaMessage, 1);

  msg->op = send_op_ref (op);
  msg->text = g_strdup (text);
  g_main_context_invoke_full (op->ui_context, G_PRIORITY_DEFAULT,
                              deliver_delta, msg, delta_message_free);
}

/* UI thread: deltas were posted before this, so they have all arrived. */
static gboolean
complete_in_ui (gpointer data)
{
  SendOp *op = data;
  g_autoptr(GTask) task = g_steal_pointer (&op->task);

  if (op->error != NULL)
    g_task_return_error (task, g_steal_pointer (&op->error));
  else
    g_task_return_pointer (task, g_steal_pointer (&op->response),
                           g_object_unref);

  return G_SOURCE_REMOVE;
}

/* Engine thread. */
static void
on_engine_complete (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  SendOp *op = user_data;

  op->response = sluice_engine_complete_finish (SLUICE_ENGINE (object),
                                                result, &op->error);
  if (op->response == NULL && op->error == NULL)
    op->error = g_error_new_literal (SLUICE_ENGINE_ERROR,
                                     SLUICE_ENGINE_ERROR_ALL_FAILED,
                                     "The engine gave no answer");

  g_main_context_invoke_full (op->ui_context, G_PRIORITY_DEFAULT,
                              complete_in_ui, op, send_op_unref);
}

/* Engine thread. */
static gboolean
start_in_engine (gpointer data)
{
  SendOp *op = data;

  sluice_engine_complete_async (op->host->engine,
                                op->request,
                                op->delta_cb != NULL ? on_engine_delta : NULL,
                                op,
                                op->cancellable,
                                on_engine_complete,
                                op);

  return G_SOURCE_REMOVE;
}

/**
 * sluice_engine_host_send_async:
 * @request: the request; the caller must not change it afterwards
 * @delta_cb: (nullable): called on the UI context for each streamed piece
 *
 * Sends @request through the engine. @callback runs on the context that was
 * thread-default when the host was made.
 */
void
sluice_engine_host_send_async (SluiceEngineHost    *self,
                               SluiceRequest       *request,
                               SluiceDeltaFunc      delta_cb,
                               gpointer             delta_data,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SendOp *op;

  g_return_if_fail (SLUICE_IS_ENGINE_HOST (self));
  g_return_if_fail (SLUICE_IS_REQUEST (request));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sluice_engine_host_send_async);

  if (self->error != NULL)
    {
      g_task_return_error (task, g_error_copy (self->error));
      return;
    }

  op = g_new0 (SendOp, 1);
  op->ref_count = 1;
  op->host = self;
  op->task = g_steal_pointer (&task);
  op->ui_context = g_main_context_ref (self->ui_context);
  op->request = g_object_ref (request);
  op->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  op->delta_cb = delta_cb;
  op->delta_data = delta_data;

  g_main_context_invoke_full (self->engine_context, G_PRIORITY_DEFAULT,
                              start_in_engine, op, NULL);
}

/**
 * sluice_engine_host_send_finish:
 *
 * Returns: (transfer full): the engine's response; a response whose status
 *   is not OK is still a response, not an error
 */
SluiceResponse *
sluice_engine_host_send_finish (SluiceEngineHost  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (SLUICE_IS_ENGINE_HOST (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

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
