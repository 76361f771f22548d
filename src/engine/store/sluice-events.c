/* sluice-events.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-store"

#include "config.h"

#include <sqlite3.h>

#include "sluice-events.h"

typedef struct
{
  gint64     time_us;
  gint64     since_us;
  gint64     limit;
  char      *kind;
  char      *subject;
  char      *detail;
  GPtrArray *rows;
} EventJob;

void
sluice_event_free (SluiceEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->kind);
  g_free (event->subject);
  g_free (event->detail);
  g_free (event);
}

static void
event_job_free (gpointer data)
{
  EventJob *job = data;

  g_free (job->kind);
  g_free (job->subject);
  g_free (job->detail);
  g_free (job);
}

static gboolean
insert_event (sqlite3  *db,
              gpointer  data,
              GError  **error)
{
  EventJob *job = data;
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, "INSERT INTO events (time_us, kind, subject, detail) "
                              "VALUES (?1, ?2, ?3, ?4)", -1, &stmt, NULL) != SQLITE_OK)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, job->time_us);
  sqlite3_bind_text (stmt, 2, job->kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, job->subject, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, job->detail, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;

failed:
  g_set_error (error, SLUICE_STORE_ERROR, SLUICE_STORE_ERROR_SQL, "%s", sqlite3_errmsg (db));
  return FALSE;
}

/**
 * sluice_events_append:
 *
 * Queues one event row on the store's writer thread; nothing waits for it.
 */
void
sluice_events_append (SluiceStore *store,
                      gint64       time_us,
                      const char  *kind,
                      const char  *subject,
                      const char  *detail)
{
  EventJob *job = g_new0 (EventJob, 1);

  g_return_if_fail (SLUICE_IS_STORE (store));

  job->time_us = time_us;
  job->kind = g_strdup (kind);
  job->subject = g_strdup (subject);
  job->detail = g_strdup (detail);
  sluice_store_exec_async (store, insert_event, job, event_job_free, NULL, NULL, NULL);
}

static gboolean
select_events (sqlite3  *db,
               gpointer  data,
               GError  **error)
{
  EventJob *job = data;
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, "SELECT id, time_us, kind, subject, detail FROM events "
                              "WHERE time_us >= ?1 ORDER BY id DESC LIMIT ?2",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, SLUICE_STORE_ERROR, SLUICE_STORE_ERROR_SQL, "%s", sqlite3_errmsg (db));
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, job->since_us);
  sqlite3_bind_int64 (stmt, 2, job->limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SluiceEvent *event = g_new0 (SluiceEvent, 1);

      event->id = sqlite3_column_int64 (stmt, 0);
      event->time_us = sqlite3_column_int64 (stmt, 1);
      event->kind = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      event->subject = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      event->detail = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      g_ptr_array_add (job->rows, event);
    }
  sqlite3_finalize (stmt);
  return TRUE;
}

/**
 * sluice_events_list:
 *
 * Returns: (transfer container) (element-type SluiceEvent): events since
 *   @since_us, newest first
 */
GPtrArray *
sluice_events_list (SluiceStore  *store,
                    gint64        since_us,
                    guint         limit,
                    GError      **error)
{
  EventJob job = { .since_us = since_us, .limit = limit > 0 ? (gint64) limit : -1 };

  job.rows = g_ptr_array_new_with_free_func ((GDestroyNotify) sluice_event_free);
  if (!sluice_store_read (store, select_events, &job, error))
    {
      g_ptr_array_unref (job.rows);
      return NULL;
    }
  return job.rows;
}
