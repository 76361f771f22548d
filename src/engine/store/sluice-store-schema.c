/* sluice-store-schema.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "sluice-store-private.h"


/* The schema's history. Entry N - 1 takes a file from version N - 1 to
 * version N. A released migration is never edited: a change to the schema
 * is a new entry at the end and a bump of SLUICE_STORE_SCHEMA_VERSION. */
static const char * const migrations[] = {
  /* 1: the version row, config versions, the first ledger. */
  "CREATE TABLE schema_version ("
  "  id INTEGER PRIMARY KEY CHECK (id = 1),"
  "  version INTEGER NOT NULL);"
  "INSERT INTO schema_version (id, version) VALUES (1, 0);"
  "CREATE TABLE config_versions ("
  "  version INTEGER PRIMARY KEY,"
  "  time_us INTEGER NOT NULL,"
  "  author TEXT,"
  "  comment TEXT,"
  "  json TEXT NOT NULL);"
  "CREATE TABLE ledger ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  time_us INTEGER NOT NULL,"
  "  request_id TEXT NOT NULL,"
  "  user TEXT,"
  "  task TEXT,"
  "  route TEXT,"
  "  model TEXT,"
  "  provider TEXT,"
  "  tokens_in INTEGER NOT NULL DEFAULT 0,"
  "  tokens_out INTEGER NOT NULL DEFAULT 0,"
  "  cost_usd REAL NOT NULL DEFAULT 0,"
  "  latency_us INTEGER NOT NULL DEFAULT 0,"
  "  cache TEXT NOT NULL DEFAULT 'none',"
  "  fallback_depth INTEGER NOT NULL DEFAULT 0,"
  "  status TEXT NOT NULL DEFAULT 'ok',"
  "  error_class TEXT NOT NULL DEFAULT 'none');",

  /* 2: time to first token and cached input tokens; indexes for the
   * time-window reads (budgets, the request log) and id look-ups. */
  "ALTER TABLE ledger ADD COLUMN tokens_cached INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE ledger ADD COLUMN ttft_us INTEGER NOT NULL DEFAULT 0;"
  "CREATE INDEX ledger_time_us ON ledger (time_us);"
  "CREATE INDEX ledger_request_id ON ledger (request_id);",

  /* 3: the response cache (src/engine/cache), both tiers. */
  "CREATE TABLE cache_entries ("
  "  key TEXT PRIMARY KEY,"
  "  tier INTEGER NOT NULL,"
  "  scope TEXT NOT NULL,"
  "  model TEXT NOT NULL,"
  "  policy TEXT NOT NULL,"
  "  context TEXT NOT NULL,"
  "  text TEXT,"
  "  payload TEXT NOT NULL,"
  "  tokens INTEGER NOT NULL DEFAULT 0,"
  "  cost_usd REAL NOT NULL DEFAULT 0,"
  "  created_us INTEGER NOT NULL,"
  "  expires_us INTEGER NOT NULL,"
  "  used_us INTEGER NOT NULL,"
  "  vector BLOB);"
  "CREATE INDEX cache_entries_expires_us ON cache_entries (expires_us);",

  /* 4: what the request log shows of each request: the prompt, the answer
   * and the trace. Kept out of the ledger reads that only need numbers. */
  "ALTER TABLE ledger ADD COLUMN prompt TEXT;"
  "ALTER TABLE ledger ADD COLUMN answer TEXT;"
  "ALTER TABLE ledger ADD COLUMN trace TEXT;",

  /* 5: engine events (breaker state changes) and the persistent queue of
   * deferred requests. */
  "CREATE TABLE events ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  time_us INTEGER NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  subject TEXT,"
  "  detail TEXT);"
  "CREATE INDEX events_time_us ON events (time_us);"
  "CREATE TABLE deferred_jobs ("
  "  id TEXT PRIMARY KEY,"
  "  created_us INTEGER NOT NULL,"
  "  updated_us INTEGER NOT NULL,"
  "  state TEXT NOT NULL DEFAULT 'queued',"
  "  attempts INTEGER NOT NULL DEFAULT 0,"
  "  next_attempt_us INTEGER NOT NULL DEFAULT 0,"
  "  request TEXT NOT NULL,"
  "  response TEXT,"
  "  error TEXT);"
  "CREATE INDEX deferred_jobs_state ON deferred_jobs (state, next_attempt_us);",

  /* 6: observability (src/engine/observe): per-minute rollups, quality
   * scores, daily answer centroids for drift, and the alert stream. */
  "CREATE TABLE rollups ("
  "  minute INTEGER NOT NULL,"
  "  dimension TEXT NOT NULL,"
  "  key TEXT NOT NULL,"
  "  requests INTEGER NOT NULL DEFAULT 0,"
  "  errors INTEGER NOT NULL DEFAULT 0,"
  "  cache_hits INTEGER NOT NULL DEFAULT 0,"
  "  tokens_in INTEGER NOT NULL DEFAULT 0,"
  "  tokens_cached INTEGER NOT NULL DEFAULT 0,"
  "  tokens_out INTEGER NOT NULL DEFAULT 0,"
  "  cost_usd REAL NOT NULL DEFAULT 0,"
  "  latency_us INTEGER NOT NULL DEFAULT 0,"
  "  PRIMARY KEY (minute, dimension, key));"
  "CREATE TABLE quality_scores ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  time_us INTEGER NOT NULL,"
  "  request_id TEXT NOT NULL,"
  "  route TEXT,"
  "  model TEXT,"
  "  relevance REAL,"
  "  grounding REAL,"
  "  format REAL,"
  "  safety REAL,"
  "  judge REAL,"
  "  score REAL NOT NULL);"
  "CREATE INDEX quality_scores_time_us ON quality_scores (time_us);"
  "CREATE TABLE drift_centroids ("
  "  day INTEGER NOT NULL,"
  "  route TEXT NOT NULL,"
  "  model TEXT NOT NULL,"
  "  samples INTEGER NOT NULL,"
  "  vector BLOB NOT NULL,"
  "  PRIMARY KEY (day, route, model));"
  "CREATE TABLE alerts ("
  "  id INTEGER PRIMARY KEY,"
  "  time_us INTEGER NOT NULL,"
  "  last_us INTEGER NOT NULL,"
  "  severity TEXT NOT NULL,"
  "  code TEXT NOT NULL,"
  "  key TEXT NOT NULL,"
  "  message TEXT NOT NULL,"
  "  count INTEGER NOT NULL DEFAULT 1,"
  "  acknowledged INTEGER NOT NULL DEFAULT 0);"
  "CREATE INDEX alerts_time_us ON alerts (time_us);",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == SLUICE_STORE_SCHEMA_VERSION);

void
_sluice_store_set_sql_error (GError     **error,
                             int          code,
                             sqlite3     *db,
                             const char  *what)
{
  g_set_error (error, SLUICE_STORE_ERROR, code, "%s: %s", what,
               db != NULL ? sqlite3_errmsg (db) : "out of memory");
}

static gboolean
exec_sql (sqlite3     *db,
          const char  *sql,
          int          code,
          GError     **error)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) == SQLITE_OK)
    return TRUE;

  g_set_error (error, SLUICE_STORE_ERROR, code, "%s", message);
  sqlite3_free (message);
  return FALSE;
}

/* Creates the file with mode 0600 before SQLite sees it, so it is never
 * readable by others, not even for a moment. SQLite gives the -wal and
 * -shm files the same mode as the database. */
static gboolean
prepare_file (const char  *path,
              GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, SLUICE_STORE_ERROR, SLUICE_STORE_ERROR_OPEN,
                   "Could not create %s: %s", dir, g_strerror (saved_errno));
      return FALSE;
    }

  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0 || fchmod (fd, 0600) != 0)
    {
      int saved_errno = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, SLUICE_STORE_ERROR, SLUICE_STORE_ERROR_OPEN,
                   "Could not open %s: %s", path, g_strerror (saved_errno));
      return FALSE;
    }

  close (fd);
  return TRUE;
}

static gboolean
configure_db (sqlite3   *db,
              gboolean   read_only,
              GError   **error)
{
  /* In WAL mode, NORMAL makes a commit durable against a crash of the
   * process (kill -9): the WAL frames are written before COMMIT returns,
   * only their fsync waits for the next checkpoint. FULL adds an fsync to
   * every commit, which survives power loss too but costs milliseconds on
   * every request's path; SLUICE_DB_SYNC=full asks for it. */
  static const char writer_pragmas[] =
    "PRAGMA journal_mode = WAL;"
    "PRAGMA foreign_keys = ON;";
  static const char reader_pragmas[] =
    "PRAGMA query_only = ON;";
  const char *sync = g_strcmp0 (g_getenv ("SLUICE_DB_SYNC"), "full") == 0
                     ? "PRAGMA synchronous = FULL;" : "PRAGMA synchronous = NORMAL;";

  sqlite3_busy_timeout (db, _SLUICE_STORE_BUSY_TIMEOUT_MS);
  sqlite3_extended_result_codes (db, 1);

  if (read_only)
    return exec_sql (db, reader_pragmas, SLUICE_STORE_ERROR_OPEN, error);
  return exec_sql (db, writer_pragmas, SLUICE_STORE_ERROR_OPEN, error) &&
         exec_sql (db, sync, SLUICE_STORE_ERROR_OPEN, error);
}

sqlite3 *
_sluice_store_open_db (const char  *path,
                       gboolean     read_only,
                       GError     **error)
{
  sqlite3 *db = NULL;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX;
  int rc;

  g_assert (path != NULL);

  if (!read_only && !prepare_file (path, error))
    return NULL;

  rc = sqlite3_open_v2 (path, &db, flags, NULL);
  if (rc != SQLITE_OK)
    {
      _sluice_store_set_sql_error (error, SLUICE_STORE_ERROR_OPEN, db, path);
      sqlite3_close (db);
      return NULL;
    }

  if (!configure_db (db, read_only, error))
    {
      g_prefix_error (error, "%s: ", path);
      sqlite3_close (db);
      return NULL;
    }

  return db;
}

/* Returns the file's schema version (0 for a new file), or -1. */
static int
read_version (sqlite3  *db,
              GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  int version = -1;
  int rc;

  rc = sqlite3_prepare_v2 (db,
                           "SELECT count(*) FROM sqlite_master "
                           "WHERE type = 'table' AND name = 'schema_version'",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0) == 0 ? 0 : -1;
  sqlite3_finalize (stmt);
  stmt = NULL;

  if (version == 0)
    return 0;

  rc = sqlite3_prepare_v2 (db, "SELECT version FROM schema_version", -1,
                           &stmt, NULL);
  if (rc == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);

  if (version < 0)
    _sluice_store_set_sql_error (error, SLUICE_STORE_ERROR_MIGRATE, db,
                                 "Could not read the schema version");
  return version;
}

static gboolean
check_not_newer (int       version,
                 GError  **error)
{
  if (version <= SLUICE_STORE_SCHEMA_VERSION)
    return TRUE;

  g_set_error (error, SLUICE_STORE_ERROR, SLUICE_STORE_ERROR_MIGRATE,
               "The database has schema version %d, newer than the %d "
               "this build knows; refusing to open it",
               version, SLUICE_STORE_SCHEMA_VERSION);
  return FALSE;
}

/* Applies migration @target in its own transaction. The version is read
 * again inside the write lock, in case another process migrated first. */
static gboolean
apply_one (sqlite3  *db,
           int       target,
           GError  **error)
{
  g_autofree char *bump = NULL;
  int version;

  if (!exec_sql (db, "BEGIN IMMEDIATE", SLUICE_STORE_ERROR_MIGRATE, error))
    return FALSE;

  version = read_version (db, error);
  if (version < 0 || !check_not_newer (version, error))
    goto fail;
  if (version >= target)
    return exec_sql (db, "COMMIT", SLUICE_STORE_ERROR_MIGRATE, error);

  bump = g_strdup_printf ("UPDATE schema_version SET version = %d", target);
  if (!exec_sql (db, migrations[target - 1], SLUICE_STORE_ERROR_MIGRATE, error) ||
      !exec_sql (db, bump, SLUICE_STORE_ERROR_MIGRATE, error) ||
      !exec_sql (db, "COMMIT", SLUICE_STORE_ERROR_MIGRATE, error))
    goto fail;

  g_debug ("Migrated the store to schema version %d", target);
  return TRUE;

fail:
  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  g_prefix_error (error, "Migration to schema version %d: ", target);
  return FALSE;
}

/* Brings @db up to SLUICE_STORE_SCHEMA_VERSION. Returns the version, or
 * -1 when the file is newer than this build or a migration failed. */
int
_sluice_store_migrate (sqlite3  *db,
                       GError  **error)
{
  int version;

  version = read_version (db, error);
  if (version < 0 || !check_not_newer (version, error))
    return -1;

  for (int target = version + 1; target <= SLUICE_STORE_SCHEMA_VERSION; target++)
    {
      if (!apply_one (db, target, error))
        return -1;
    }

  return SLUICE_STORE_SCHEMA_VERSION;
}
