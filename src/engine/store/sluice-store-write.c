/* sluice-store-write.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-store"

#include "config.h"

#include "sluice-store-private.h"

/* The store's writes: ledger rows (queued for the writer thread, or
 * committed at once when nothing waits), config versions, and generic
 * jobs that run inside the writer's transactions. */

static SluiceStoreJob *
ledger_job_new (const SluiceLedgerRow *row)
{
  SluiceStoreJob *job = _sluice_store_job_new (SLUICE_STORE_JOB_LEDGER);

  job->row = sluice_ledger_row_copy (row);
  return job;
}

/**
 * sluice_store_append_ledger_async:
 * @self: a store
 * @row: the row; copied, its id is ignored
 * @cancellable: (nullable): cancels the write if it has not started
 * @callback: called on the thread-default main context after COMMIT
 * @user_data: data for @callback
 *
 * Queues @row for the writer thread. Rows queued together are committed
 * in one transaction; each callback runs only after that commit.
 */
void
sluice_store_append_ledger_async (SluiceStore           *self,
                                  const SluiceLedgerRow *row,
                                  GCancellable          *cancellable,
                                  GAsyncReadyCallback    callback,
                                  gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  SluiceStoreJob *job;

  g_return_if_fail (SLUICE_IS_STORE (self));
  g_return_if_fail (row != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sluice_store_append_ledger_async);
  /* A committed row is reported as committed, even if cancelled late. */
  g_task_set_check_cancellable (task, FALSE);

  job = ledger_job_new (row);
  g_set_object (&job->cancellable, cancellable);
  _sluice_store_writer_run_async (self->writer, job, g_steal_pointer (&task));
}

/**
 * sluice_store_append_ledger_now:
 * @self: a store
 * @row: the row; its id is ignored
 * @error: return location for an error
 *
 * Commits @row on the calling thread when that needs no waiting (the
 * writer thread is idle and nobody else holds the file's write lock);
 * otherwise does nothing and returns 0, and the row should go through
 * sluice_store_append_ledger_async(). Saves the two thread hops of the
 * queue on the request path. The commit is as durable as the queue's.
 *
 * Returns: the new row's id, 0 when the row was not written, or -1 with
 *   @error set
 */
gint64
sluice_store_append_ledger_now (SluiceStore            *self,
                                const SluiceLedgerRow  *row,
                                GError                **error)
{
  gint64 id = 0;
  int result;

  g_return_val_if_fail (SLUICE_IS_STORE (self), -1);
  g_return_val_if_fail (row != NULL, -1);

  result = _sluice_store_writer_append_now (self->writer, &row, 1, &id, error);
  return result == 1 ? id : result;
}

/**
 * sluice_store_append_ledger_rows_now:
 * @self: a store
 * @rows: (element-type SluiceLedgerRow): the rows; their ids are ignored
 * @error: return location for an error
 *
 * sluice_store_append_ledger_now() for several rows, in one transaction:
 * all are committed, or none.
 *
 * Returns: 1 when committed, 0 when nothing was written (use the queue),
 *   or -1 with @error set
 */
int
sluice_store_append_ledger_rows_now (SluiceStore  *self,
                                     GPtrArray    *rows,
                                     GError      **error)
{
  g_autofree gint64 *ids = NULL;

  g_return_val_if_fail (SLUICE_IS_STORE (self), -1);
  g_return_val_if_fail (rows != NULL, -1);

  if (rows->len == 0)
    return 1;
  ids = g_new0 (gint64, rows->len);
  return _sluice_store_writer_append_now (self->writer,
                                          (const SluiceLedgerRow * const *) rows->pdata,
                                          rows->len, ids, error);
}

/**
 * sluice_store_append_ledger_finish:
 *
 * Returns: the new row's id, or -1 with @error set
 */
gint64
sluice_store_append_ledger_finish (SluiceStore   *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (SLUICE_IS_STORE (self), -1);
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        sluice_store_append_ledger_async, -1);

  return g_task_propagate_int (G_TASK (result), error);
}

/**
 * sluice_store_append_ledger_sync:
 * @self: a store
 * @row: the row; copied, its id is ignored
 *
 * Appends @row and blocks until it is committed.
 *
 * Returns: the new row's id, or -1 with @error set
 */
gint64
sluice_store_append_ledger_sync (SluiceStore            *self,
                                 const SluiceLedgerRow  *row,
                                 GError                **error)
{
  g_return_val_if_fail (SLUICE_IS_STORE (self), -1);
  g_return_val_if_fail (row != NULL, -1);

  return _sluice_store_writer_run_sync (self->writer, ledger_job_new (row), error);
}

/**
 * sluice_store_save_config_version:
 * @self: a store
 * @json: the configuration document
 * @author: (nullable): who saved it
 * @comment: (nullable): why
 *
 * Stores a new configuration version and blocks until it is committed.
 *
 * Returns: the new version number (1, 2, ...), or -1 with @error set
 */
gint64
sluice_store_save_config_version (SluiceStore  *self,
                                  const char   *json,
                                  const char   *author,
                                  const char   *comment,
                                  GError      **error)
{
  SluiceStoreJob *job;

  g_return_val_if_fail (SLUICE_IS_STORE (self), -1);
  g_return_val_if_fail (json != NULL, -1);

  job = _sluice_store_job_new (SLUICE_STORE_JOB_CONFIG);
  job->json = g_strdup (json);
  job->author = g_strdup (author);
  job->comment = g_strdup (comment);

  return _sluice_store_writer_run_sync (self->writer, job, error);
}

/* Generic jobs. */

static SluiceStoreJob *
exec_job_new (SluiceStoreJobFunc  func,
              gpointer            data,
              GDestroyNotify      destroy)
{
  SluiceStoreJob *job = _sluice_store_job_new (SLUICE_STORE_JOB_EXEC);

  job->func = func;
  job->data = data;
  job->destroy = destroy;
  return job;
}

/**
 * sluice_store_exec_async:
 * @self: a store
 * @func: (scope async): runs on the writer thread, inside a transaction
 * @data: (transfer full): data for @func
 * @destroy: (nullable): frees @data, on the writer thread or the caller's
 * @cancellable: (nullable): cancels the job if it has not started
 * @callback: (nullable): called on the thread-default main context after
 *   COMMIT; %NULL for a detached job whose failure is only logged
 * @user_data: data for @callback
 *
 * Queues @func for the writer thread. Jobs queued together share one
 * transaction; each runs in its own savepoint.
 */
void
sluice_store_exec_async (SluiceStore         *self,
                         SluiceStoreJobFunc   func,
                         gpointer             data,
                         GDestroyNotify       destroy,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  SluiceStoreJob *job;
  GTask *task = NULL;

  g_return_if_fail (SLUICE_IS_STORE (self));
  g_return_if_fail (func != NULL);

  job = exec_job_new (func, data, destroy);
  g_set_object (&job->cancellable, cancellable);

  if (callback == NULL)
    {
      /* Detached: the writer frees the job itself (or right away when
       * the store is closed). */
      _sluice_store_writer_run_detached (self->writer, job);
      return;
    }

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sluice_store_exec_async);
  g_task_set_check_cancellable (task, FALSE);
  _sluice_store_writer_run_async (self->writer, job, task);
}

/**
 * sluice_store_exec_finish:
 *
 * Returns: %TRUE when the job's changes were committed
 */
gboolean
sluice_store_exec_finish (SluiceStore   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (SLUICE_IS_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_int (G_TASK (result), error) > 0;
}

/**
 * sluice_store_exec_sync:
 * @self: a store
 * @func: runs on the writer thread, inside a transaction
 * @data: data for @func, still the caller's afterwards
 *
 * Runs @func on the writer thread and blocks until it is committed.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 */
gboolean
sluice_store_exec_sync (SluiceStore         *self,
                        SluiceStoreJobFunc   func,
                        gpointer             data,
                        GError             **error)
{
  g_return_val_if_fail (SLUICE_IS_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  return _sluice_store_writer_run_sync (self->writer,
                                        exec_job_new (func, data, NULL),
                                        error) > 0;
}
