/* sluice-deferred-queue.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-deferred"

#include "config.h"

#include <sqlite3.h>

#include <json-glib/json-glib.h>

#include "sluice-deferred-queue.h"

/* Requests marked deferrable that no model could answer are kept in SQLite
 * (table deferred_jobs) with a job id the caller gets at once. The engine
 * takes due jobs when a breaker closes and on a timer, runs them through the
 * pipeline again, and records the answer or the next attempt's time
 * (exponential backoff, capped). Writes go through the store's writer
 * thread; a job committed survives a crash, and one that was running when
 * the process died is queued again at the next start. */

struct _SluiceDeferredQueue
{
  GObject               parent_instance;

  SluiceStore          *store;
  SluiceClock          *clock;
  SluiceDeferredConfig  config;
};

G_DEFINE_FINAL_TYPE (SluiceDeferredQueue, sluice_deferred_queue, G_TYPE_OBJECT)

static const char *state_names[] = { "queued", "running", "done", "failed" };

const char *
sluice_job_state_to_string (SluiceJobState state)
{
  return (guint) state < G_N_ELEMENTS (state_names) ? state_names[state] : "unknown";
}

static SluiceJobState
state_from_string (const char *text)
{
  for (guint i = 0; i < G_N_ELEMENTS (state_names); i++)
    if (g_strcmp0 (text, state_names[i]) == 0)
      return i;
  return SLUICE_JOB_FAILED;
}

void
sluice_deferred_job_free (SluiceDeferredJob *job)
{
  if (job == NULL)
    return;
  g_free (job->id);
  g_free (job->request);
  g_free (job->response);
  g_free (job->error);
  g_free (job);
}

static void
sluice_deferred_queue_finalize (GObject *object)
{
  SluiceDeferredQueue *self = SLUICE_DEFERRED_QUEUE (object);

  g_clear_object (&self->store);
  g_clear_object (&self->clock);

  G_OBJECT_CLASS (sluice_deferred_queue_parent_class)->finalize (object);
}

static void
sluice_deferred_queue_class_init (SluiceDeferredQueueClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sluice_deferred_queue_finalize;
}

static void
sluice_deferred_queue_init (SluiceDeferredQueue *self)
{
  self->config = (SluiceDeferredConfig) { 20, 30, 3600, 7 * 86400 };
}

SluiceDeferredQueue *
sluice_deferred_queue_new (SluiceStore *store,
                           SluiceClock *clock)
{
  SluiceDeferredQueue *self = g_object_new (SLUICE_TYPE_DEFERRED_QUEUE, NULL);

  self->store = g_object_ref (store);
  self->clock = g_object_ref (clock);
  return self;
}

void
sluice_deferred_queue_configure (SluiceDeferredQueue        *self,
                                 const SluiceDeferredConfig *config)
{
  g_return_if_fail (SLUICE_IS_DEFERRED_QUEUE (self));

  self->config = *config;
}

static gboolean
sql_error (sqlite3  *db,
           GError  **error)
{
  g_set_error (error, SLUICE_STORE_ERROR, SLUICE_STORE_ERROR_SQL, "%s", sqlite3_errmsg (db));
  return FALSE;
}

/* Runs @sql with up to three integer parameters and up to four text ones
 * (bound after the integers, in order). */
typedef struct
{
  const char *sql;
  gint64      ints[3];
  guint       n_ints;
  const char *texts[4];
  guint       n_texts;
  GPtrArray  *rows;      /* SluiceDeferredJob, when the statement returns jobs */
  gint64      count;     /* the first column of the last row, for counts */
  char       *owned[4];  /* texts owned by an async job */
} Statement;

static void
statement_free (gpointer data)
{
  Statement *st = data;

  for (guint i = 0; i < G_N_ELEMENTS (st->owned); i++)
    g_free (st->owned[i]);
  g_clear_pointer (&st->rows, g_ptr_array_unref);
  g_free (st);
}

#define JOB_COLUMNS "id, state, attempts, created_us, updated_us, next_attempt_us, request, response, error"

static SluiceDeferredJob *
job_from_row (sqlite3_stmt *stmt)
{
  SluiceDeferredJob *job = g_new0 (SluiceDeferredJob, 1);

  job->id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  job->state = state_from_string ((const char *) sqlite3_column_text (stmt, 1));
  job->attempts = sqlite3_column_int (stmt, 2);
  job->created_us = sqlite3_column_int64 (stmt, 3);
  job->updated_us = sqlite3_column_int64 (stmt, 4);
  job->next_attempt_us = sqlite3_column_int64 (stmt, 5);
  job->request = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
  job->response = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
  job->error = g_strdup ((const char *) sqlite3_column_text (stmt, 8));
  return job;
}

static gboolean
run_statement (sqlite3  *db,
               gpointer  data,
               GError  **error)
{
  Statement *st = data;
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, st->sql, -1, &stmt, NULL) != SQLITE_OK)
    return sql_error (db, error);
  for (guint i = 0; i < st->n_ints; i++)
    sqlite3_bind_int64 (stmt, i + 1, st->ints[i]);
  for (guint i = 0; i < st->n_texts; i++)
    sqlite3_bind_text (stmt, st->n_ints + i + 1, st->texts[i], -1, SQLITE_STATIC);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (st->rows != NULL)
        g_ptr_array_add (st->rows, job_from_row (stmt));
      else
        st->count = sqlite3_column_int64 (stmt, 0);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return sql_error (db, error);
  return TRUE;
}

/**
 * sluice_deferred_queue_recover:
 *
 * At start: jobs that were running when the process stopped are queued
 * again, and finished jobs past their retention are deleted.
 */
gboolean
sluice_deferred_queue_recover (SluiceDeferredQueue  *self,
                               GError              **error)
{
  gint64 now = sluice_clock_now_us (self->clock);
  Statement requeue = { .sql = "UPDATE deferred_jobs SET state = 'queued', updated_us = ?1 "
                               "WHERE state = 'running'", .ints = { now }, .n_ints = 1 };
  Statement prune = { .sql = "DELETE FROM deferred_jobs WHERE state IN ('done', 'failed') "
                             "AND updated_us < ?1",
                      .ints = { now - (gint64) self->config.retention_s * G_USEC_PER_SEC },
                      .n_ints = 1 };

  g_return_val_if_fail (SLUICE_IS_DEFERRED_QUEUE (self), FALSE);

  return sluice_store_exec_sync (self->store, run_statement, &requeue, error) &&
         sluice_store_exec_sync (self->store, run_statement, &prune, error);
}

static char *
request_to_json (SluiceRequest *request)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  GPtrArray *messages = sluice_request_get_messages (request);
  const char *strings[][2] = {
    { "model", sluice_request_get_model (request) },
    { "task", sluice_request_get_task (request) },
    { "user", sluice_request_get_user (request) },
  };

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "messages");
  json_builder_begin_array (b);
  for (guint i = 0; i < messages->len; i++)
    {
      const SluiceMessage *m = g_ptr_array_index (messages, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "role");
      json_builder_add_string_value (b, sluice_role_to_string (sluice_message_get_role (m)));
      json_builder_set_member_name (b, "content");
      json_builder_add_string_value (b, sluice_message_get_content (m));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    {
      if (strings[i][1] == NULL)
        continue;
      json_builder_set_member_name (b, strings[i][0]);
      json_builder_add_string_value (b, strings[i][1]);
    }
  json_builder_set_member_name (b, "temperature");
  json_builder_add_double_value (b, sluice_request_get_temperature (request));
  json_builder_set_member_name (b, "max_tokens");
  json_builder_add_int_value (b, sluice_request_get_max_tokens (request));
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/**
 * sluice_deferred_job_build_request:
 *
 * Returns: (transfer full): the stored request, ready to run again (no
 *   longer deferrable, so it cannot queue itself twice)
 */
SluiceRequest *
sluice_deferred_job_build_request (const SluiceDeferredJob  *job,
                                   GError                  **error)
{
  g_autoptr(JsonNode) node = json_from_string (job->request, error);
  g_autoptr(SluiceRequest) request = sluice_request_new ();
  JsonObject *object;
  JsonArray *messages;

  if (node == NULL)
    return NULL;
  object = json_node_get_object (node);
  messages = json_object_get_array_member (object, "messages");
  for (guint i = 0; messages != NULL && i < json_array_get_length (messages); i++)
    {
      JsonObject *m = json_array_get_object_element (messages, i);
      SluiceRole role = SLUICE_ROLE_USER;

      sluice_role_from_string (json_object_get_string_member_with_default (m, "role", "user"), &role);
      sluice_request_add_message (request, role,
                                  json_object_get_string_member_with_default (m, "content", ""));
    }
  sluice_request_set_model (request, json_object_get_string_member_with_default (object, "model", NULL));
  sluice_request_set_task (request, json_object_get_string_member_with_default (object, "task", NULL));
  sluice_request_set_user (request, json_object_get_string_member_with_default (object, "user", NULL));
  sluice_request_set_temperature (request, json_object_get_double_member_with_default (object, "temperature", -1));
  sluice_request_set_max_tokens (request, json_object_get_int_member_with_default (object, "max_tokens", 0));
  return g_steal_pointer (&request);
}

static void
enqueued_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!sluice_store_exec_finish (SLUICE_STORE (object), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_strdup (g_task_get_task_data (task)), g_free);
}

/**
 * sluice_deferred_queue_enqueue_async:
 * @self: the queue
 * @request: the request no model could answer
 * @reason: why it was deferred (kept as the job's first error)
 *
 * Stores @request; the callback gets the job id once it is committed.
 */
void
sluice_deferred_queue_enqueue_async (SluiceDeferredQueue *self,
                                     SluiceRequest       *request,
                                     const char          *reason,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *request_id = sluice_request_new_id ();
  Statement *st = g_new0 (Statement, 1);
  gint64 now = sluice_clock_now_us (self->clock);
  char *id = g_strconcat ("job_", request_id + 4, NULL);

  g_task_set_source_tag (task, sluice_deferred_queue_enqueue_async);
  g_task_set_task_data (task, id, g_free);
  st->sql = "INSERT INTO deferred_jobs (created_us, updated_us, next_attempt_us, id, request, error) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
  st->ints[0] = st->ints[1] = now;
  st->ints[2] = now + (gint64) self->config.base_backoff_s * G_USEC_PER_SEC;
  st->n_ints = 3;
  st->texts[0] = st->owned[0] = g_strdup (id);
  st->texts[1] = st->owned[1] = request_to_json (request);
  st->texts[2] = st->owned[2] = g_strdup (reason);
  st->n_texts = 3;
  sluice_store_exec_async (self->store, run_statement, st, statement_free, cancellable,
                           enqueued_cb, g_steal_pointer (&task));
}

char *
sluice_deferred_queue_enqueue_finish (SluiceDeferredQueue  *self,
                                      GAsyncResult         *result,
                                      GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * sluice_deferred_queue_take_due:
 * @self: the queue
 * @max: at most this many
 *
 * Marks up to @max queued jobs whose time has come as running and returns
 * them, oldest first.
 *
 * Returns: (transfer container) (element-type SluiceDeferredJob): the jobs
 */
GPtrArray *
sluice_deferred_queue_take_due (SluiceDeferredQueue  *self,
                                guint                 max,
                                GError              **error)
{
  gint64 now = sluice_clock_now_us (self->clock);
  Statement st = {
    .sql = "UPDATE deferred_jobs SET state = 'running', updated_us = ?1 WHERE id IN "
           "(SELECT id FROM deferred_jobs WHERE state = 'queued' AND next_attempt_us <= ?2 "
           "ORDER BY created_us LIMIT ?3) RETURNING " JOB_COLUMNS,
    .ints = { now, now, max }, .n_ints = 3,
    .rows = g_ptr_array_new_with_free_func ((GDestroyNotify) sluice_deferred_job_free),
  };

  if (!sluice_store_exec_sync (self->store, run_statement, &st, error))
    {
      g_ptr_array_unref (st.rows);
      return NULL;
    }
  return st.rows;
}

/* The next attempt waits base × 2^(attempts - 1), capped. */
static gint64
backoff_us (SluiceDeferredQueue *self,
            guint                attempts)
{
  gint64 s = (gint64) self->config.base_backoff_s << MIN (attempts > 0 ? attempts - 1 : 0, 20u);

  return MIN (s, (gint64) self->config.max_backoff_s) * G_USEC_PER_SEC;
}

/**
 * sluice_deferred_queue_finish_job:
 * @self: the queue
 * @id: a job taken with sluice_deferred_queue_take_due()
 * @succeeded: whether it got an answer
 * @response_json: (nullable): the answer
 * @error_message: (nullable): why it failed
 *
 * Records one attempt: done, queued again with backoff, or failed for good
 * after the configured number of attempts.
 */
void
sluice_deferred_queue_finish_job (SluiceDeferredQueue *self,
                                  const char          *id,
                                  gboolean             succeeded,
                                  const char          *response_json,
                                  const char          *error_message)
{
  g_autoptr(SluiceDeferredJob) job = sluice_deferred_queue_lookup (self, id, NULL);
  Statement *st = g_new0 (Statement, 1);
  gint64 now = sluice_clock_now_us (self->clock);
  guint attempts = job != NULL ? job->attempts + 1 : 1;
  const char *state = succeeded ? "done"
                      : attempts >= self->config.max_attempts ? "failed" : "queued";

  st->sql = "UPDATE deferred_jobs SET attempts = ?1, updated_us = ?2, next_attempt_us = ?3, "
            "state = ?4, response = ?5, error = ?6 WHERE id = ?7";
  st->ints[0] = attempts;
  st->ints[1] = now;
  st->ints[2] = now + backoff_us (self, attempts);
  st->n_ints = 3;
  st->texts[0] = state;
  st->texts[1] = st->owned[0] = g_strdup (response_json);
  st->texts[2] = st->owned[1] = g_strdup (error_message);
  st->texts[3] = st->owned[2] = g_strdup (id);
  st->n_texts = 4;
  sluice_store_exec_async (self->store, run_statement, st, statement_free, NULL, NULL, NULL);
}

/**
 * sluice_deferred_queue_lookup:
 *
 * Returns: (transfer full) (nullable): the job, or %NULL with
 *   %SLUICE_STORE_ERROR_NOT_FOUND
 */
SluiceDeferredJob *
sluice_deferred_queue_lookup (SluiceDeferredQueue  *self,
                              const char           *id,
                              GError              **error)
{
  Statement st = {
    .sql = "SELECT " JOB_COLUMNS " FROM deferred_jobs WHERE id = ?1",
    .texts = { id }, .n_texts = 1,
    .rows = g_ptr_array_new_with_free_func ((GDestroyNotify) sluice_deferred_job_free),
  };
  SluiceDeferredJob *job = NULL;

  g_return_val_if_fail (SLUICE_IS_DEFERRED_QUEUE (self), NULL);

  if (sluice_store_read (self->store, run_statement, &st, error))
    {
      if (st.rows->len > 0)
        job = g_ptr_array_steal_index (st.rows, 0);
      else
        g_set_error (error, SLUICE_STORE_ERROR, SLUICE_STORE_ERROR_NOT_FOUND,
                     "No deferred job “%s”", id);
    }
  g_ptr_array_unref (st.rows);
  return job;
}

/**
 * sluice_deferred_queue_count_pending:
 *
 * Returns: the jobs queued or running
 */
guint
sluice_deferred_queue_count_pending (SluiceDeferredQueue *self)
{
  Statement st = {
    .sql = "SELECT count(*) FROM deferred_jobs WHERE state IN ('queued', 'running')",
  };

  g_return_val_if_fail (SLUICE_IS_DEFERRED_QUEUE (self), 0);

  if (!sluice_store_read (self->store, run_statement, &st, NULL))
    return 0;
  return (guint) st.count;
}
