/* sluice-store.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-store"

#include "config.h"

#include "sluice-enums.h"
#include "sluice-store-private.h"

/* The store: a SQLite file in WAL mode. Every write goes through the
 * writer's connection (sluice-store-writer.c): queued for its thread, or,
 * for a ledger row when the thread is idle and the lock is free at once,
 * committed on the caller's thread (sluice_store_append_ledger_now()).
 * Checkpoints run on a thread and connection of their own
 * (sluice-store-checkpoint.c). Reads use their own connection, guarded by
 * @read_lock, so a reader never waits behind the writer's transaction and
 * never touches the writer's connection. */

enum {
  PROP_0,
  PROP_PATH,
  PROP_SCHEMA_VERSION,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

G_DEFINE_FINAL_TYPE (SluiceStore, sluice_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (sluice-store-error-quark, sluice_store_error)

static const char ledger_columns[] =
  "id, time_us, request_id, user, task, route, model, provider, tokens_in, "
  "tokens_cached, tokens_out, cost_usd, latency_us, ttft_us, cache, "
  "fallback_depth, status, error_class";

static void
sluice_store_dispose (GObject *object)
{
  sluice_store_close (SLUICE_STORE (object));

  G_OBJECT_CLASS (sluice_store_parent_class)->dispose (object);
}

static void
sluice_store_finalize (GObject *object)
{
  SluiceStore *self = SLUICE_STORE (object);

  g_clear_pointer (&self->writer, _sluice_store_writer_free);
  g_clear_pointer (&self->path, g_free);
  g_mutex_clear (&self->read_lock);

  G_OBJECT_CLASS (sluice_store_parent_class)->finalize (object);
}

static void
sluice_store_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  SluiceStore *self = SLUICE_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    case PROP_SCHEMA_VERSION:
      g_value_set_int (value, self->schema_version);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sluice_store_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  SluiceStore *self = SLUICE_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sluice_store_class_init (SluiceStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sluice_store_dispose;
  object_class->finalize = sluice_store_finalize;
  object_class->get_property = sluice_store_get_property;
  object_class->set_property = sluice_store_set_property;

  properties [PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);
  properties [PROP_SCHEMA_VERSION] =
    g_param_spec_int ("schema-version", NULL, NULL,
                      0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sluice_store_init (SluiceStore *self)
{
  g_mutex_init (&self->read_lock);
}

/**
 * sluice_store_default_path:
 *
 * Returns: (transfer full): `$XDG_DATA_HOME/sluice/sluice.db`
 */
char *
sluice_store_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "sluice", "sluice.db", NULL);
}

static gboolean
sluice_store_open (SluiceStore  *self,
                   GError      **error)
{
  sqlite3 *db;

  db = _sluice_store_open_db (self->path, FALSE, error);
  if (db == NULL)
    return FALSE;

  self->schema_version = _sluice_store_migrate (db, error);
  if (self->schema_version < 0)
    {
      sqlite3_close (db);
      return FALSE;
    }

  self->read_db = _sluice_store_open_db (self->path, TRUE, error);
  if (self->read_db == NULL)
    {
      sqlite3_close (db);
      return FALSE;
    }

  self->writer = _sluice_store_writer_new (db, error);
  if (self->writer == NULL)
    {
      sqlite3_close (db);
      return FALSE;
    }

  return TRUE;
}

/**
 * sluice_store_new:
 * @path: (nullable): the database file, or %NULL for the default path
 *
 * Opens (creating it if needed) and migrates the store, and starts its
 * writer thread.
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
SluiceStore *
sluice_store_new (const char  *path,
                  GError     **error)
{
  g_autofree char *default_path = NULL;
  g_autoptr(SluiceStore) self = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (path == NULL)
    path = default_path = sluice_store_default_path ();

  self = g_object_new (SLUICE_TYPE_STORE, "path", path, NULL);
  if (!sluice_store_open (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
sluice_store_get_path (SluiceStore *self)
{
  g_return_val_if_fail (SLUICE_IS_STORE (self), NULL);

  return self->path;
}

int
sluice_store_get_schema_version (SluiceStore *self)
{
  g_return_val_if_fail (SLUICE_IS_STORE (self), -1);

  return self->schema_version;
}

/* The number of transactions the writer has committed; lets tests see
 * that queued rows were batched. */
guint
_sluice_store_get_n_commits (SluiceStore *self)
{
  g_return_val_if_fail (SLUICE_IS_STORE (self), 0);

  return self->writer != NULL ? _sluice_store_writer_get_n_commits (self->writer) : 0;
}

/* The number of checkpoints the checkpoint thread has run. */
guint
_sluice_store_get_n_checkpoints (SluiceStore *self)
{
  g_return_val_if_fail (SLUICE_IS_STORE (self), 0);

  return self->writer != NULL ? _sluice_store_writer_get_n_checkpoints (self->writer) : 0;
}

/**
 * sluice_store_close:
 * @self: a store
 *
 * Waits for the queued writes to commit, stops the writer thread and
 * closes both connections. Later calls fail with
 * %SLUICE_STORE_ERROR_CLOSED. Safe to call more than once.
 */
void
sluice_store_close (SluiceStore *self)
{
  g_return_if_fail (SLUICE_IS_STORE (self));

  if (self->writer != NULL)
    _sluice_store_writer_stop (self->writer);

  g_mutex_lock (&self->read_lock);
  g_clear_pointer (&self->read_db, sqlite3_close);
  g_mutex_unlock (&self->read_lock);
}

/**
 * sluice_store_flush:
 * @self: a store
 *
 * Blocks until every write queued before the call has been committed.
 */
void
sluice_store_flush (SluiceStore *self)
{
  g_return_if_fail (SLUICE_IS_STORE (self));

  if (self->writer != NULL)
    _sluice_store_writer_run_sync (self->writer,
                                   _sluice_store_job_new (SLUICE_STORE_JOB_FLUSH),
                                   NULL);
}

/* Readers. */

typedef gpointer (*RowReader) (sqlite3_stmt *stmt);

/* Runs @sql on the read connection with @bind_a and @bind_b bound to its
 * first parameters (when it has them) and collects one object per row
 * made by @reader. Returns NULL with @error set on failure. */
static GPtrArray *
read_rows (SluiceStore     *self,
           const char      *sql,
           gint64           bind_a,
           gint64           bind_b,
           RowReader        reader,
           GDestroyNotify   free_func,
           GError         **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (free_func);
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_mutex_lock (&self->read_lock);

  if (self->read_db == NULL)
    {
      g_mutex_unlock (&self->read_lock);
      g_set_error_literal (error, SLUICE_STORE_ERROR, SLUICE_STORE_ERROR_CLOSED,
                           "The store is closed");
      return NULL;
    }

  rc = sqlite3_prepare_v2 (self->read_db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      int n = sqlite3_bind_parameter_count (stmt);

      if (n >= 1)
        sqlite3_bind_int64 (stmt, 1, bind_a);
      if (n >= 2)
        sqlite3_bind_int64 (stmt, 2, bind_b);

      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        g_ptr_array_add (rows, reader (stmt));
    }

  if (rc != SQLITE_DONE)
    {
      _sluice_store_set_sql_error (error, SLUICE_STORE_ERROR_SQL,
                                   self->read_db, "Query failed");
      g_clear_pointer (&rows, g_ptr_array_unref);
    }

  sqlite3_finalize (stmt);
  g_mutex_unlock (&self->read_lock);

  return g_steal_pointer (&rows);
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

static const char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  return (const char *) sqlite3_column_text (stmt, column);
}

static gpointer
read_ledger_row (sqlite3_stmt *stmt)
{
  SluiceLedgerRow *row = sluice_ledger_row_new ();

  row->id = sqlite3_column_int64 (stmt, 0);
  row->time_us = sqlite3_column_int64 (stmt, 1);
  row->request_id = column_dup (stmt, 2);
  row->user = column_dup (stmt, 3);
  row->task = column_dup (stmt, 4);
  row->route = column_dup (stmt, 5);
  row->model = column_dup (stmt, 6);
  row->provider = column_dup (stmt, 7);
  row->tokens_in = sqlite3_column_int64 (stmt, 8);
  row->tokens_cached = sqlite3_column_int64 (stmt, 9);
  row->tokens_out = sqlite3_column_int64 (stmt, 10);
  row->cost_usd = sqlite3_column_double (stmt, 11);
  row->latency_us = sqlite3_column_int64 (stmt, 12);
  row->ttft_us = sqlite3_column_int64 (stmt, 13);
  row->cache = _sluice_store_enum_from_nick (SLUICE_TYPE_CACHE_STATUS,
                                             column_text (stmt, 14),
                                             SLUICE_CACHE_STATUS_NONE);
  row->fallback_depth = sqlite3_column_int (stmt, 15);
  row->status = _sluice_store_enum_from_nick (SLUICE_TYPE_REQUEST_STATUS,
                                              column_text (stmt, 16),
                                              SLUICE_REQUEST_STATUS_ERROR);
  row->error_class = _sluice_store_enum_from_nick (SLUICE_TYPE_ERROR_CLASS,
                                                   column_text (stmt, 17),
                                                   SLUICE_ERROR_CLASS_NONE);
  return row;
}

/**
 * sluice_store_query_ledger:
 * @self: a store
 * @since_us: only rows with `time_us >= since_us`
 * @limit: at most this many rows; 0 for all
 *
 * Returns: (transfer container) (element-type SluiceLedgerRow): the rows,
 *   newest first, or %NULL with @error set
 */
GPtrArray *
sluice_store_query_ledger (SluiceStore  *self,
                           gint64        since_us,
                           guint         limit,
                           GError      **error)
{
  g_autofree char *sql = NULL;

  g_return_val_if_fail (SLUICE_IS_STORE (self), NULL);

  sql = g_strdup_printf ("SELECT %s FROM ledger WHERE time_us >= ?1 "
                         "ORDER BY time_us DESC, id DESC LIMIT ?2",
                         ledger_columns);
  return read_rows (self, sql, since_us, limit > 0 ? (gint64) limit : -1,
                    read_ledger_row, (GDestroyNotify) sluice_ledger_row_free,
                    error);
}

static gpointer
read_ledger_detail (sqlite3_stmt *stmt)
{
  SluiceLedgerRow *row = read_ledger_row (stmt);

  row->prompt = column_dup (stmt, 18);
  row->answer = column_dup (stmt, 19);
  row->trace = column_dup (stmt, 20);
  return row;
}

/**
 * sluice_store_load_ledger_detail:
 * @self: a store
 * @id: the row's id
 *
 * Returns: (transfer full): the row with its prompt, answer and trace, or
 *   %NULL with %SLUICE_STORE_ERROR_NOT_FOUND
 */
SluiceLedgerRow *
sluice_store_load_ledger_detail (SluiceStore  *self,
                                 gint64        id,
                                 GError      **error)
{
  g_autofree char *sql = NULL;
  g_autoptr(GPtrArray) rows = NULL;

  g_return_val_if_fail (SLUICE_IS_STORE (self), NULL);

  sql = g_strdup_printf ("SELECT %s, prompt, answer, trace FROM ledger WHERE id = ?1",
                         ledger_columns);
  rows = read_rows (self, sql, id, 0, read_ledger_detail,
                    (GDestroyNotify) sluice_ledger_row_free, error);
  if (rows == NULL)
    return NULL;
  if (rows->len == 0)
    {
      g_set_error (error, SLUICE_STORE_ERROR, SLUICE_STORE_ERROR_NOT_FOUND,
                   "No ledger row %" G_GINT64_FORMAT, id);
      return NULL;
    }
  return g_steal_pointer (&rows->pdata[0]);
}

/**
 * sluice_store_page_ledger:
 * @self: a store
 * @before_id: only rows with a smaller id; 0 (or less) for the newest
 * @limit: at most this many rows
 *
 * Pages through the ledger newest first by id, in O(limit) however long it
 * is: what a request log of a million rows scrolls through.
 *
 * Returns: (transfer container) (element-type SluiceLedgerRow): the rows
 *   (without prompt, answer and trace), or %NULL with @error set
 */
GPtrArray *
sluice_store_page_ledger (SluiceStore  *self,
                          gint64        before_id,
                          guint         limit,
                          GError      **error)
{
  g_autofree char *sql = NULL;

  g_return_val_if_fail (SLUICE_IS_STORE (self), NULL);

  sql = g_strdup_printf ("SELECT %s FROM ledger WHERE id < ?1 ORDER BY id DESC LIMIT ?2",
                         ledger_columns);
  return read_rows (self, sql, before_id > 0 ? before_id : G_MAXINT64, limit > 0 ? (gint64) limit : -1,
                    read_ledger_row, (GDestroyNotify) sluice_ledger_row_free, error);
}

static gpointer
read_count (sqlite3_stmt *stmt)
{
  gint64 *count = g_new (gint64, 1);

  *count = sqlite3_column_int64 (stmt, 0);
  return count;
}

/**
 * sluice_store_count_ledger:
 *
 * Returns: the number of committed ledger rows, or -1 with @error set
 */
gint64
sluice_store_count_ledger (SluiceStore  *self,
                           GError      **error)
{
  g_autoptr(GPtrArray) rows = NULL;

  g_return_val_if_fail (SLUICE_IS_STORE (self), -1);

  rows = read_rows (self, "SELECT count(*) FROM ledger", 0, 0,
                    read_count, g_free, error);
  if (rows == NULL)
    return -1;

  g_assert (rows->len == 1);
  return *(gint64 *) g_ptr_array_index (rows, 0);
}

static gpointer
read_config_version (sqlite3_stmt *stmt)
{
  SluiceConfigVersion *version = g_new0 (SluiceConfigVersion, 1);

  version->version = sqlite3_column_int64 (stmt, 0);
  version->time_us = sqlite3_column_int64 (stmt, 1);
  version->author = column_dup (stmt, 2);
  version->comment = column_dup (stmt, 3);
  version->json = column_dup (stmt, 4);
  return version;
}

#define CONFIG_SELECT \
  "SELECT version, time_us, author, comment, json FROM config_versions "

/**
 * sluice_store_load_config_version:
 * @self: a store
 * @version: the version to load, or 0 for the latest
 *
 * Returns: (transfer full): the version, or %NULL with @error set
 *   (%SLUICE_STORE_ERROR_NOT_FOUND when there is no such version)
 */
SluiceConfigVersion *
sluice_store_load_config_version (SluiceStore  *self,
                                  gint64        version,
                                  GError      **error)
{
  g_autoptr(GPtrArray) rows = NULL;

  g_return_val_if_fail (SLUICE_IS_STORE (self), NULL);
  g_return_val_if_fail (version >= 0, NULL);

  if (version == 0)
    rows = read_rows (self, CONFIG_SELECT "ORDER BY version DESC LIMIT 1",
                      0, 0, read_config_version,
                      (GDestroyNotify) sluice_config_version_free, error);
  else
    rows = read_rows (self, CONFIG_SELECT "WHERE version = ?1", version, 0,
                      read_config_version,
                      (GDestroyNotify) sluice_config_version_free, error);

  if (rows == NULL)
    return NULL;

  if (rows->len == 0)
    {
      if (version == 0)
        g_set_error_literal (error, SLUICE_STORE_ERROR, SLUICE_STORE_ERROR_NOT_FOUND,
                             "No configuration version is stored");
      else
        g_set_error (error, SLUICE_STORE_ERROR, SLUICE_STORE_ERROR_NOT_FOUND,
                     "No configuration version %" G_GINT64_FORMAT, version);
      return NULL;
    }

  return g_ptr_array_steal_index (rows, 0);
}

/**
 * sluice_store_list_config_versions:
 *
 * Returns: (transfer container) (element-type SluiceConfigVersion): every
 *   stored version, newest first, or %NULL with @error set
 */
GPtrArray *
sluice_store_list_config_versions (SluiceStore  *self,
                                   GError      **error)
{
  g_return_val_if_fail (SLUICE_IS_STORE (self), NULL);

  return read_rows (self, CONFIG_SELECT "ORDER BY version DESC", 0, 0,
                    read_config_version,
                    (GDestroyNotify) sluice_config_version_free, error);
}

/**
 * sluice_store_read:
 * @self: a store
 * @func: runs on the calling thread with the read-only connection
 * @data: data for @func
 *
 * Runs @func with the read connection, which nobody else uses meanwhile.
 *
 * Returns: what @func returned, or %FALSE with %SLUICE_STORE_ERROR_CLOSED
 */
gboolean
sluice_store_read (SluiceStore         *self,
                   SluiceStoreJobFunc   func,
                   gpointer             data,
                   GError             **error)
{
  gboolean ok;

  g_return_val_if_fail (SLUICE_IS_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  g_mutex_lock (&self->read_lock);
  if (self->read_db == NULL)
    {
      g_mutex_unlock (&self->read_lock);
      g_set_error_literal (error, SLUICE_STORE_ERROR, SLUICE_STORE_ERROR_CLOSED,
                           "The store is closed");
      return FALSE;
    }
  ok = func (self->read_db, data, error);
  g_mutex_unlock (&self->read_lock);

  return ok;
}
