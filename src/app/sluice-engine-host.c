/* sluice-engine-host.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-app"

#include "config.h"

#include "sluice-engine-host-private.h"

/* The engine lives on its own thread, confined to its own GMainContext.
 * Everything the UI sees crosses over as immutable values: snapshots are
 * coalesced into one pending idle on the UI context, commands are posted to
 * the engine context and answer back on the UI context. Every GTask is
 * created, returned and released on the UI thread, so the host's last
 * reference can never be dropped from the engine thread. */

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
