/* sluice-observe-sql.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-observe"

#include "config.h"

#include "sluice-observe-sql.h"

typedef struct
{
  char     *sql;
  GVariant *rows;     /* a tuple, or an array of tuples */
  GVariant *params;
  SluiceObserveRowFunc func;
  gpointer  data;
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  g_free (job->sql);
  g_clear_pointer (&job->rows, g_variant_unref);
  g_free (job);
}

static gboolean
fail (sqlite3  *db,
      GError  **error)
{
  g_set_error (error, SLUICE_STORE_ERROR, SLUICE_STORE_ERROR_SQL, "%s", sqlite3_errmsg (db));
  return FALSE;
}

static void
bind_tuple (sqlite3_stmt *stmt,
            GVariant     *tuple)
{
  gsize n = tuple != NULL ? g_variant_n_children (tuple) : 0;

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr(GVariant) v = g_variant_get_child_value (tuple, i);
      int at = (int) i + 1;

      if (g_variant_is_of_type (v, G_VARIANT_TYPE_MAYBE))
        {
          g_autoptr(GVariant) inner = g_variant_get_maybe (v);

          if (inner == NULL)
            sqlite3_bind_null (stmt, at);
          else
            sqlite3_bind_text (stmt, at, g_variant_get_string (inner, NULL), -1, SQLITE_TRANSIENT);
        }
      else if (g_variant_is_of_type (v, G_VARIANT_TYPE_INT64))
        sqlite3_bind_int64 (stmt, at, g_variant_get_int64 (v));
      else if (g_variant_is_of_type (v, G_VARIANT_TYPE_DOUBLE))
        sqlite3_bind_double (stmt, at, g_variant_get_double (v));
      else if (g_variant_is_of_type (v, G_VARIANT_TYPE_STRING))
        sqlite3_bind_text (stmt, at, g_variant_get_string (v, NULL), -1, SQLITE_TRANSIENT);
      else if (g_variant_is_of_type (v, G_VARIANT_TYPE_BYTESTRING))
        {
          gsize len = 0;
          gconstpointer bytes = g_variant_get_fixed_array (v, &len, 1);

          sqlite3_bind_blob (stmt, at, bytes, (int) len, SQLITE_TRANSIENT);
        }
      else
        g_assert_not_reached ();
    }
}

static gboolean
exec_run (sqlite3   *db,
          gpointer   data,
          GError   **error)
{
  Job *job = data;
  sqlite3_stmt *stmt = NULL;
  gboolean ok = TRUE;

  if (sqlite3_prepare_v2 (db, job->sql, -1, &stmt, NULL) != SQLITE_OK)
    return fail (db, error);
  if (g_variant_is_of_type (job->rows, G_VARIANT_TYPE_ARRAY))
    {
      for (gsize i = 0; ok && i < g_variant_n_children (job->rows); i++)
        {
          g_autoptr(GVariant) row = g_variant_get_child_value (job->rows, i);

          bind_tuple (stmt, row);
          ok = sqlite3_step (stmt) == SQLITE_DONE;
        }
    }
  else
    {
      bind_tuple (stmt, job->rows);
      ok = sqlite3_step (stmt) == SQLITE_DONE;
    }
  if (!ok)
    fail (db, error);
  sqlite3_finalize (stmt);
  return ok;
}

/* Queues @sql once per row of @rows (floating references are sunk); the
 * write is detached: a failure is logged by the store. */
void
_sluice_observe_exec (SluiceStore *store,
                      const char  *sql,
                      GVariant    *rows)
{
  Job *job = g_new0 (Job, 1);

  job->sql = g_strdup (sql);
  job->rows = g_variant_ref_sink (rows);
  sluice_store_exec_async (store, exec_run, job, job_free, NULL, NULL, NULL);
}

static gboolean
query_run (sqlite3   *db,
           gpointer   data,
           GError   **error)
{
  Job *job = data;
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, job->sql, -1, &stmt, NULL) != SQLITE_OK)
    return fail (db, error);
  bind_tuple (stmt, job->params);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    job->func (stmt, job->data);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return fail (db, error);
  return TRUE;
}

gboolean
_sluice_observe_query (SluiceStore           *store,
                       const char            *sql,
                       GVariant              *params,
                       SluiceObserveRowFunc   func,
                       gpointer               data,
                       GError               **error)
{
  g_autoptr(GVariant) owned = params != NULL ? g_variant_ref_sink (params) : NULL;
  Job job = { (char *) sql, NULL, owned, func, data };

  return sluice_store_read (store, query_run, &job, error);
}

char *
_sluice_observe_column_text (sqlite3_stmt *stmt,
                             int           column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}
