/* sluice-store-writer.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-store"

#include "config.h"

#include "sluice-enums.h"
#include "sluice-store-private.h"

/* At most this many queued ledger rows share one transaction. */
#define MAX_BATCH 256

/* The writer thread owns the write connection. Everything that changes
 * the file is a job on @jobs; the thread takes jobs in order, commits
 * them, then reports back. @lock orders pushes against closing, so a STOP
 * job is always the last one the thread sees. */
struct _SluiceStoreWriter
{
  sqlite3       *db;
  sqlite3_stmt  *insert_ledger;
  sqlite3_stmt  *insert_config;
  sqlite3_stmt  *begin;
  sqlite3_stmt  *commit;
  GAsyncQueue   *jobs;
  GThread       *thread;
  SluiceStoreCheckpointer *checkpointer;
  GMutex         db_lock;      /* the connection: the thread's batches, or a row now */
  GMutex         lock;
  gboolean       closed;
  guint          n_commits;    /* atomic; for tests of batching */
};

static const char insert_ledger_sql[] =
  "INSERT INTO ledger (time_us, request_id, user, task, route, model, "
  "provider, tokens_in, tokens_cached, tokens_out, cost_usd, latency_us, "
  "ttft_us, cache, fallback_depth, status, error_class, prompt, answer, trace) "
  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
  "?15, ?16, ?17, ?18, ?19, ?20)";

static const char insert_config_sql[] =
  "INSERT INTO config_versions (version, time_us, author, comment, json) "
  "VALUES ((SELECT IFNULL(MAX(version), 0) + 1 FROM config_versions), "
  "?1, ?2, ?3, ?4)";

SluiceStoreJob *
_sluice_store_job_new (SluiceStoreJobKind kind)
{
  SluiceStoreJob *job = g_new0 (SluiceStoreJob, 1);

  job->kind = kind;
  job->result = -1;
  return job;
}

void
_sluice_store_job_free (SluiceStoreJob *job)
{
  if (job == NULL)
    return;

  g_clear_pointer (&job->row, sluice_ledger_row_free);
  g_free (job->json);
  g_free (job->author);
  g_free (job->comment);
  g_clear_object (&job->cancellable);
  if (job->destroy != NULL)
    g_clear_pointer (&job->data, job->destroy);
  g_clear_error (&job->error);
  g_clear_object (&job->task);
  g_clear_pointer (&job->reply, g_async_queue_unref);
  g_free (job);
}

static gboolean
exec_simple (SluiceStoreWriter  *writer,
             const char         *sql,
             GError            **error)
{
  if (sqlite3_exec (writer->db, sql, NULL, NULL, NULL) == SQLITE_OK)
    return TRUE;

  _sluice_store_set_sql_error (error, SLUICE_STORE_ERROR_SQL, writer->db, sql);
  return FALSE;
}

/* BEGIN and COMMIT run on every batch: prepared once, not parsed each time. */
static gboolean
step_simple (SluiceStoreWriter  *writer,
             sqlite3_stmt       *stmt,
             GError            **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;

  _sluice_store_set_sql_error (error, SLUICE_STORE_ERROR_SQL, writer->db, sqlite3_sql (stmt));
  return FALSE;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, index);
}

static void
bind_ledger_row (sqlite3_stmt          *stmt,
                 const SluiceLedgerRow *row)
{
  sqlite3_bind_int64 (stmt, 1, row->time_us);
  bind_text (stmt, 2, row->request_id);
  bind_text (stmt, 3, row->user);
  bind_text (stmt, 4, row->task);
  bind_text (stmt, 5, row->route);
  bind_text (stmt, 6, row->model);
  bind_text (stmt, 7, row->provider);
  sqlite3_bind_int64 (stmt, 8, row->tokens_in);
  sqlite3_bind_int64 (stmt, 9, row->tokens_cached);
  sqlite3_bind_int64 (stmt, 10, row->tokens_out);
  sqlite3_bind_double (stmt, 11, row->cost_usd);
  sqlite3_bind_int64 (stmt, 12, row->latency_us);
  sqlite3_bind_int64 (stmt, 13, row->ttft_us);
  bind_text (stmt, 14, _sluice_store_enum_to_nick (SLUICE_TYPE_CACHE_STATUS,
                                                   row->cache));
  sqlite3_bind_int64 (stmt, 15, row->fallback_depth);
  bind_text (stmt, 16, _sluice_store_enum_to_nick (SLUICE_TYPE_REQUEST_STATUS,
                                                   row->status));
  bind_text (stmt, 17, _sluice_store_enum_to_nick (SLUICE_TYPE_ERROR_CLASS,
                                                   row->error_class));
  bind_text (stmt, 18, row->prompt);
  bind_text (stmt, 19, row->answer);
  bind_text (stmt, 20, row->trace);
}

/* Runs one prepared insert inside the open transaction. */
static void
run_insert (SluiceStoreWriter *writer,
            sqlite3_stmt      *stmt,
            SluiceStoreJob    *job)
{
  if (sqlite3_step (stmt) == SQLITE_DONE)
    job->result = sqlite3_last_insert_rowid (writer->db);
  else
    _sluice_store_set_sql_error (&job->error, SLUICE_STORE_ERROR_SQL,
                                 writer->db, "Insert failed");

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

static void
insert_ledger (SluiceStoreWriter *writer,
               SluiceStoreJob    *job)
{
  if (g_cancellable_set_error_if_cancelled (job->cancellable, &job->error))
    return;

  if (job->row->request_id == NULL)
    {
      g_set_error (&job->error, SLUICE_STORE_ERROR, SLUICE_STORE_ERROR_SQL,
                   "A ledger row needs a request id");
      return;
    }

  bind_ledger_row (writer->insert_ledger, job->row);
  run_insert (writer, writer->insert_ledger, job);
}

static void
insert_config (SluiceStoreWriter *writer,
               SluiceStoreJob    *job)
{
  sqlite3_stmt *stmt = writer->insert_config;

  sqlite3_bind_int64 (stmt, 1, g_get_real_time ());
  bind_text (stmt, 2, job->author);
  bind_text (stmt, 3, job->comment);
  bind_text (stmt, 4, job->json);
  run_insert (writer, stmt, job);
}

/* A generic job runs inside its own savepoint, so its failure undoes only
 * its own changes and the rest of the batch still commits. */
static void
run_exec (SluiceStoreWriter *writer,
          SluiceStoreJob    *job)
{
  if (g_cancellable_set_error_if_cancelled (job->cancellable, &job->error) ||
      !exec_simple (writer, "SAVEPOINT job", &job->error))
    return;

  if (job->func (writer->db, job->data, &job->error))
    {
      job->result = 1;
      exec_simple (writer, "RELEASE job", NULL);
      return;
    }

  if (job->error == NULL)
    g_set_error_literal (&job->error, SLUICE_STORE_ERROR, SLUICE_STORE_ERROR_SQL,
                         "A store job failed");
  exec_simple (writer, "ROLLBACK TO job", NULL);
  exec_simple (writer, "RELEASE job", NULL);
}

static gboolean
complete_in_context (gpointer data)
{
  SluiceStoreJob *job = data;

  if (job->error != NULL)
    g_task_return_error (job->task, g_steal_pointer (&job->error));
  else
    g_task_return_int (job->task, job->result);

  _sluice_store_job_free (job);
  return G_SOURCE_REMOVE;
}

/* Hands a finished job back. An async job is returned on its task's
 * context, where its last reference is also dropped: the writer thread
 * never holds the last reference to a task (and so to the store). */
static void
complete_job (SluiceStoreJob *job)
{
  if (job->task != NULL)
    {
      GSource *source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, complete_in_context, job, NULL);
      g_source_set_static_name (source, "[sluice] store job done");
      g_source_attach (source, g_task_get_context (job->task));
      g_source_unref (source);
    }
  else if (job->reply != NULL)
    {
      g_async_queue_push (job->reply, job);
    }
  else
    {
      if (job->error != NULL)
        g_debug ("A detached store job failed: %s", job->error->message);
      _sluice_store_job_free (job);
    }
}

static void
fail_batch (GPtrArray    *batch,
            const GError *error)
{
  for (guint i = 0; i < batch->len; i++)
    {
      SluiceStoreJob *job = g_ptr_array_index (batch, i);

      g_clear_error (&job->error);
      job->error = g_error_copy (error);
      job->result = -1;
    }
}

/* Runs @batch (one or more jobs of the same kind) in one transaction and
 * completes every job only after COMMIT returned. */
static void
run_batch (SluiceStoreWriter *writer,
           GPtrArray         *batch)
{
  g_autoptr(GError) error = NULL;

  if (!step_simple (writer, writer->begin, &error))
    {
      fail_batch (batch, error);
      goto done;
    }

  for (guint i = 0; i < batch->len; i++)
    {
      SluiceStoreJob *job = g_ptr_array_index (batch, i);

      /* A failed insert may have rolled the whole transaction back; then
       * the rest must not run in autocommit mode, and COMMIT fails. */
      if (sqlite3_get_autocommit (writer->db) != 0)
        break;

      if (job->kind == SLUICE_STORE_JOB_LEDGER)
        insert_ledger (writer, job);
      else if (job->kind == SLUICE_STORE_JOB_EXEC)
        run_exec (writer, job);
      else
        insert_config (writer, job);
    }

  if (!step_simple (writer, writer->commit, &error))
    {
      sqlite3_exec (writer->db, "ROLLBACK", NULL, NULL, NULL);
      fail_batch (batch, error);
    }
  else
    {
      g_atomic_int_inc (&writer->n_commits);
    }

done:
  for (guint i = 0; i < batch->len; i++)
    complete_job (g_ptr_array_index (batch, i));
  g_ptr_array_set_size (batch, 0);
}

/* Collects @first and the jobs of the same kind (ledger rows or generic
 * jobs) queued right behind it. Returns the first job that does not fit
 * the batch, which the caller runs next. */
static SluiceStoreJob *
gather_batch (SluiceStoreWriter *writer,
              SluiceStoreJob    *first,
              GPtrArray         *batch)
{
  g_ptr_array_add (batch, first);

  if (first->kind != SLUICE_STORE_JOB_LEDGER && first->kind != SLUICE_STORE_JOB_EXEC)
    return NULL;

  while (batch->len < MAX_BATCH)
    {
      SluiceStoreJob *next = g_async_queue_try_pop (writer->jobs);

      if (next == NULL)
        return NULL;
      if (next->kind != first->kind)
        return next;
      g_ptr_array_add (batch, next);
    }

  return NULL;
}

static gpointer
writer_thread (gpointer data)
{
  SluiceStoreWriter *writer = data;
  g_autoptr(GPtrArray) batch = g_ptr_array_new ();
  SluiceStoreJob *pending = NULL;

  for (;;)
    {
      SluiceStoreJob *job = pending != NULL ? pending : g_async_queue_pop (writer->jobs);

      pending = NULL;

      if (job->kind == SLUICE_STORE_JOB_STOP || job->kind == SLUICE_STORE_JOB_FLUSH)
        {
          gboolean stop = job->kind == SLUICE_STORE_JOB_STOP;

          job->result = 0;
          complete_job (job);
          if (stop)
            break;
          continue;
        }

      pending = gather_batch (writer, job, batch);
      g_mutex_lock (&writer->db_lock);
      run_batch (writer, batch);
      g_mutex_unlock (&writer->db_lock);
    }

  return NULL;
}

static gboolean
prepare (sqlite3       *db,
         const char    *sql,
         sqlite3_stmt **stmt,
         GError       **error)
{
  if (sqlite3_prepare_v3 (db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, NULL) == SQLITE_OK)
    return TRUE;

  _sluice_store_set_sql_error (error, SLUICE_STORE_ERROR_OPEN, db,
                               "Could not prepare a statement");
  return FALSE;
}

/* Takes ownership of @db, which must be migrated already, and starts the
 * thread. On failure @db stays the caller's. */
SluiceStoreWriter *
_sluice_store_writer_new (sqlite3  *db,
                          GError  **error)
{
  SluiceStoreWriter *writer;
  sqlite3_stmt *insert_ledger = NULL;
  sqlite3_stmt *insert_config = NULL;
  sqlite3_stmt *begin = NULL;
  sqlite3_stmt *commit = NULL;

  g_assert (db != NULL);

  if (!prepare (db, insert_ledger_sql, &insert_ledger, error) ||
      !prepare (db, insert_config_sql, &insert_config, error) ||
      !prepare (db, "BEGIN IMMEDIATE", &begin, error) ||
      !prepare (db, "COMMIT", &commit, error))
    {
      sqlite3_finalize (insert_ledger);
      sqlite3_finalize (insert_config);
      sqlite3_finalize (begin);
      return NULL;
    }

  writer = g_new0 (SluiceStoreWriter, 1);
  writer->db = db;
  writer->insert_ledger = insert_ledger;
  writer->insert_config = insert_config;
  writer->begin = begin;
  writer->commit = commit;
  writer->jobs = g_async_queue_new ();
  g_mutex_init (&writer->lock);
  g_mutex_init (&writer->db_lock);
  writer->checkpointer = _sluice_store_checkpointer_new (db);
  writer->thread = g_thread_new ("sluice-store-writer", writer_thread, writer);

  return writer;
}

static gboolean
push_job (SluiceStoreWriter *writer,
          SluiceStoreJob    *job)
{
  gboolean pushed = FALSE;

  if (writer == NULL)
    return FALSE;

  g_mutex_lock (&writer->lock);
  if (!writer->closed)
    {
      g_async_queue_push (writer->jobs, job);
      pushed = TRUE;
    }
  g_mutex_unlock (&writer->lock);

  return pushed;
}

static void
set_closed_error (GError **error)
{
  g_set_error_literal (error, SLUICE_STORE_ERROR, SLUICE_STORE_ERROR_CLOSED,
                       "The store is closed");
}

/* Consumes @job and @task. The task is returned on its context after the
 * job was committed, or right away with CLOSED. */
gboolean
_sluice_store_writer_run_async (SluiceStoreWriter *writer,
                                SluiceStoreJob    *job,
                                GTask             *task)
{
  job->task = task;

  if (push_job (writer, job))
    return TRUE;

  set_closed_error (&job->error);
  complete_in_context (job);
  return FALSE;
}

/* Consumes @job; nobody waits for it. */
void
_sluice_store_writer_run_detached (SluiceStoreWriter *writer,
                                   SluiceStoreJob    *job)
{
  if (!push_job (writer, job))
    _sluice_store_job_free (job);
}

/* Consumes @job and blocks until the writer has committed it. */
gint64
_sluice_store_writer_run_sync (SluiceStoreWriter  *writer,
                               SluiceStoreJob     *job,
                               GError            **error)
{
  g_autoptr(GAsyncQueue) reply = g_async_queue_new ();
  SluiceStoreJob *done;
  gint64 result;

  job->reply = g_async_queue_ref (reply);

  if (!push_job (writer, job))
    {
      _sluice_store_job_free (job);
      set_closed_error (error);
      return -1;
    }

  done = g_async_queue_pop (reply);
  g_assert (done == job);

  result = done->result;
  if (done->error != NULL)
    g_propagate_error (error, g_steal_pointer (&done->error));
  _sluice_store_job_free (done);

  return result;
}

guint
_sluice_store_writer_get_n_commits (SluiceStoreWriter *writer)
{
  return g_atomic_int_get (&writer->n_commits);
}

/* Commits @rows (in one transaction) on the calling thread when that
 * needs no waiting: the writer thread has nothing queued and is not in a
 * batch, and SQLite's write lock is free at once (nobody else writes the
 * file). Saves the rows the two thread hops of the queue. Returns 1 with
 * each row's id in @ids, 0 when the rows must go through the queue
 * instead, or -1 with @error set (nothing committed). */
int
_sluice_store_writer_append_now (SluiceStoreWriter            *writer,
                                 const SluiceLedgerRow * const *rows,
                                 guint                         n_rows,
                                 gint64                       *ids,
                                 GError                      **error)
{
  int result = 0;

  for (guint i = 0; i < n_rows; i++)
    {
      if (rows[i]->request_id == NULL)
        {
          g_set_error (error, SLUICE_STORE_ERROR, SLUICE_STORE_ERROR_SQL,
                       "A ledger row needs a request id");
          return -1;
        }
    }
  if (writer == NULL || writer->closed || g_async_queue_length (writer->jobs) > 0 ||
      !g_mutex_trylock (&writer->db_lock))
    return 0;
  if (writer->db == NULL)
    {
      g_mutex_unlock (&writer->db_lock);
      return 0;
    }

  sqlite3_busy_timeout (writer->db, 0);
  if (sqlite3_step (writer->begin) != SQLITE_DONE)
    {
      sqlite3_reset (writer->begin);
      goto out;
    }
  sqlite3_reset (writer->begin);

  result = 1;
  for (guint i = 0; i < n_rows && result == 1; i++)
    {
      bind_ledger_row (writer->insert_ledger, rows[i]);
      if (sqlite3_step (writer->insert_ledger) == SQLITE_DONE)
        ids[i] = sqlite3_last_insert_rowid (writer->db);
      else
        {
          _sluice_store_set_sql_error (error, SLUICE_STORE_ERROR_SQL, writer->db, "Insert failed");
          result = -1;
        }
      sqlite3_reset (writer->insert_ledger);
      sqlite3_clear_bindings (writer->insert_ledger);
    }

  if (result == 1 && step_simple (writer, writer->commit, error))
    {
      g_atomic_int_inc (&writer->n_commits);
      goto out;
    }
  if (sqlite3_get_autocommit (writer->db) == 0)
    sqlite3_exec (writer->db, "ROLLBACK", NULL, NULL, NULL);
  result = -1;

out:
  sqlite3_busy_timeout (writer->db, _SLUICE_STORE_BUSY_TIMEOUT_MS);
  g_mutex_unlock (&writer->db_lock);
  return result;
}

guint
_sluice_store_writer_get_n_checkpoints (SluiceStoreWriter *writer)
{
  return _sluice_store_checkpointer_get_n_checkpoints (writer->checkpointer);
}

/* Lets the queued jobs finish, stops the thread and closes the write
 * connection. Safe to call more than once; later jobs fail with CLOSED. */
void
_sluice_store_writer_stop (SluiceStoreWriter *writer)
{
  GThread *thread;

  g_assert (writer != NULL);

  g_mutex_lock (&writer->lock);
  writer->closed = TRUE;
  thread = g_steal_pointer (&writer->thread);
  if (thread != NULL)
    g_async_queue_push (writer->jobs, _sluice_store_job_new (SLUICE_STORE_JOB_STOP));
  g_mutex_unlock (&writer->lock);

  if (thread != NULL)
    g_thread_join (thread);
  g_clear_pointer (&writer->checkpointer, _sluice_store_checkpointer_free);
  g_mutex_lock (&writer->db_lock);

  g_clear_pointer (&writer->insert_ledger, sqlite3_finalize);
  g_clear_pointer (&writer->insert_config, sqlite3_finalize);
  g_clear_pointer (&writer->begin, sqlite3_finalize);
  g_clear_pointer (&writer->commit, sqlite3_finalize);
  if (writer->db != NULL && sqlite3_close (writer->db) != SQLITE_OK)
    g_warning ("Could not close the store's write connection: %s",
               sqlite3_errmsg (writer->db));
  writer->db = NULL;
  g_mutex_unlock (&writer->db_lock);
}

/* Stops @writer if needed and frees it. The store keeps the writer until
 * it is finalized, so a call racing with close sees CLOSED rather than
 * freed memory. */
void
_sluice_store_writer_free (SluiceStoreWriter *writer)
{
  if (writer == NULL)
    return;

  _sluice_store_writer_stop (writer);
  g_async_queue_unref (writer->jobs);
  g_mutex_clear (&writer->lock);
  g_mutex_clear (&writer->db_lock);
  g_free (writer);
}
