/* test-store.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-test-store"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "sluice.h"
#include "sluice-store-private.h"

/* Migration 1 exactly as it left a file: the history test opens such a
 * file and expects the store to carry it forward. Never edit this. */
static const char schema_v1_sql[] =
  "CREATE TABLE schema_version ("
  "  id INTEGER PRIMARY KEY CHECK (id = 1),"
  "  version INTEGER NOT NULL);"
  "INSERT INTO schema_version (id, version) VALUES (1, 1);"
  "CREATE TABLE config_versions ("
  "  version INTEGER PRIMARY KEY, time_us INTEGER NOT NULL, author TEXT,"
  "  comment TEXT, json TEXT NOT NULL);"
  "CREATE TABLE ledger ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT, time_us INTEGER NOT NULL,"
  "  request_id TEXT NOT NULL, user TEXT, task TEXT, route TEXT, model TEXT,"
  "  provider TEXT, tokens_in INTEGER NOT NULL DEFAULT 0,"
  "  tokens_out INTEGER NOT NULL DEFAULT 0, cost_usd REAL NOT NULL DEFAULT 0,"
  "  latency_us INTEGER NOT NULL DEFAULT 0,"
  "  cache TEXT NOT NULL DEFAULT 'none',"
  "  fallback_depth INTEGER NOT NULL DEFAULT 0,"
  "  status TEXT NOT NULL DEFAULT 'ok',"
  "  error_class TEXT NOT NULL DEFAULT 'none');";

static char *
test_db_path (void)
{
  /* ISOLATE_DIRS gives each test its own data dir; the nested folders
   * check that the store creates its parents. */
  return g_build_filename (g_get_user_data_dir (), "a", "b", "test.db", NULL);
}

static void
raw_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
}

static char *
raw_query (const char *path,
           const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *result = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    result = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return result;
}

static SluiceLedgerRow *
make_row (const char *request_id,
          gint64      time_us)
{
  SluiceLedgerRow *row = sluice_ledger_row_new ();

  row->time_us = time_us;
  row->request_id = g_strdup (request_id);
  row->user = g_strdup ("alice");
  row->task = g_strdup ("summarise");
  row->route = g_strdup ("cheap-first");
  row->model = g_strdup ("mock-small");
  row->provider = g_strdup ("mock");
  row->tokens_in = 1234;
  row->tokens_cached = 200;
  row->tokens_out = 567;
  row->cost_usd = 0.00123;
  row->latency_us = 456789;
  row->ttft_us = 12345;
  row->cache = SLUICE_CACHE_STATUS_SEMANTIC;
  row->fallback_depth = 2;
  row->status = SLUICE_REQUEST_STATUS_DEGRADED;
  row->error_class = SLUICE_ERROR_CLASS_RATE_LIMITED;

  return row;
}

static void
assert_rows_equal (const SluiceLedgerRow *a,
                   const SluiceLedgerRow *b)
{
  g_assert_cmpint (a->time_us, ==, b->time_us);
  g_assert_cmpstr (a->request_id, ==, b->request_id);
  g_assert_cmpstr (a->user, ==, b->user);
  g_assert_cmpstr (a->task, ==, b->task);
  g_assert_cmpstr (a->route, ==, b->route);
  g_assert_cmpstr (a->model, ==, b->model);
  g_assert_cmpstr (a->provider, ==, b->provider);
  g_assert_cmpint (a->tokens_in, ==, b->tokens_in);
  g_assert_cmpint (a->tokens_cached, ==, b->tokens_cached);
  g_assert_cmpint (a->tokens_out, ==, b->tokens_out);
  g_assert_cmpfloat (a->cost_usd, ==, b->cost_usd);
  g_assert_cmpint (a->latency_us, ==, b->latency_us);
  g_assert_cmpint (a->ttft_us, ==, b->ttft_us);
  g_assert_cmpint (a->cache, ==, b->cache);
  g_assert_cmpuint (a->fallback_depth, ==, b->fallback_depth);
  g_assert_cmpint (a->status, ==, b->status);
  g_assert_cmpint (a->error_class, ==, b->error_class);
}

static void
assert_mode (const char *path,
             guint       mode)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, mode);
}

static void
test_open_new (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SluiceStore) store = NULL;
  g_autofree char *path = sluice_store_default_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *mode = NULL;
  g_autofree char *version = NULL;
  g_autoptr(SluiceLedgerRow) row = make_row ("r-1", 1);

  g_assert_true (g_str_has_prefix (path, g_get_user_data_dir ()));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  store = sluice_store_new (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sluice_store_get_path (store), ==, path);
  g_assert_cmpint (sluice_store_get_schema_version (store), ==, SLUICE_STORE_SCHEMA_VERSION);
  g_assert_cmpint (SLUICE_STORE_SCHEMA_VERSION, >=, 4);

  assert_mode (dir, 0700);
  assert_mode (path, 0600);

  /* The -wal file appears with the first write and must be private too. */
  g_assert_cmpint (sluice_store_append_ledger_sync (store, row, &error), >, 0);
  g_assert_no_error (error);
  assert_mode (wal, 0600);

  mode = raw_query (path, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");
  version = raw_query (path, "SELECT version FROM schema_version");
  g_assert_cmpint (g_ascii_strtoll (version, NULL, 10), ==, SLUICE_STORE_SCHEMA_VERSION);
  g_assert_cmpint (sluice_store_count_ledger (store, &error), ==, 1);
}

static void
test_open_existing_mode (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SluiceStore) store = NULL;
  g_autofree char *path = test_db_path ();
  g_autofree char *dir = g_path_get_dirname (path);

  /* A file left readable by others is made private on open. */
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  raw_exec (path, "PRAGMA user_version = 0");
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);

  store = sluice_store_new (path, &error);
  g_assert_no_error (error);
  assert_mode (path, 0600);
}

static void
test_open_migrate_v1 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SluiceStore) store = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(SluiceLedgerRow) fresh = make_row ("new-1", 2000);
  g_autofree char *path = test_db_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *index = NULL;
  SluiceLedgerRow *old;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  raw_exec (path, schema_v1_sql);
  raw_exec (path,
            "INSERT INTO ledger (time_us, request_id, user, model, provider,"
            " tokens_in, tokens_out, cost_usd, latency_us, cache, status,"
            " error_class) VALUES (1000, 'old-1', 'bob', 'm', 'p', 10, 20,"
            " 0.5, 99, 'exact', 'error', 'timeout')");
  raw_exec (path, "INSERT INTO config_versions VALUES (1, 5, 'me', 'c', '{}')");

  store = sluice_store_new (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sluice_store_get_schema_version (store), ==, SLUICE_STORE_SCHEMA_VERSION);

  /* The new columns and indexes exist and the new column is writable. */
  g_assert_cmpint (sluice_store_append_ledger_sync (store, fresh, &error), >, 0);
  g_assert_no_error (error);
  index = raw_query (path, "SELECT count(*) FROM sqlite_master WHERE type = "
                     "'index' AND name IN ('ledger_time_us', 'ledger_request_id')");
  g_assert_cmpstr (index, ==, "2");

  rows = sluice_store_query_ledger (store, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 2);
  assert_rows_equal (g_ptr_array_index (rows, 0), fresh);

  old = g_ptr_array_index (rows, 1);
  g_assert_cmpstr (old->request_id, ==, "old-1");
  g_assert_cmpstr (old->user, ==, "bob");
  g_assert_null (old->task);
  g_assert_cmpint (old->tokens_in, ==, 10);
  g_assert_cmpint (old->tokens_out, ==, 20);
  g_assert_cmpint (old->tokens_cached, ==, 0);
  g_assert_cmpint (old->ttft_us, ==, 0);
  g_assert_cmpint (old->cache, ==, SLUICE_CACHE_STATUS_EXACT);
  g_assert_cmpint (old->status, ==, SLUICE_REQUEST_STATUS_ERROR);
  g_assert_cmpint (old->error_class, ==, SLUICE_ERROR_CLASS_TIMEOUT);

  g_assert_cmpint (sluice_store_save_config_version (store, "{\"a\":1}", NULL,
                                                     NULL, &error), ==, 2);
  g_assert_no_error (error);
}

static void
test_open_refuse_newer (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SluiceStore) store = NULL;
  g_autofree char *path = test_db_path ();
  g_autofree char *version = NULL;

  store = sluice_store_new (path, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  raw_exec (path, "UPDATE schema_version SET version = 99");

  store = sluice_store_new (path, &error);
  g_assert_error (error, SLUICE_STORE_ERROR, SLUICE_STORE_ERROR_MIGRATE);
  g_assert_null (store);
  g_assert_nonnull (strstr (error->message, "99"));

  version = raw_query (path, "SELECT version FROM schema_version");
  g_assert_cmpstr (version, ==, "99");
}

static void
test_open_not_a_database (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SluiceStore) store = NULL;
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "junk.db", NULL);
  char junk[4096];

  memset (junk, 'x', sizeof junk);
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, junk, sizeof junk, NULL));

  store = sluice_store_new (path, &error);
  g_assert_error (error, SLUICE_STORE_ERROR, SLUICE_STORE_ERROR_OPEN);
  g_assert_null (store);
}

typedef struct
{
  SluiceStore *store;
  guint        n_done;
  guint        n_expected;
  GHashTable  *ids;
} AppendState;

static void
append_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  AppendState *state = user_data;
  g_autoptr(GError) error = NULL;
  gint64 id;

  id = sluice_store_append_ledger_finish (SLUICE_STORE (object), result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  g_assert_false (g_hash_table_contains (state->ids, &id));
  g_hash_table_add (state->ids, g_memdup2 (&id, sizeof id));
  state->n_done++;

  /* Reported means committed: the reader connection already sees it. */
  if (state->store != NULL)
    g_assert_cmpint (sluice_store_count_ledger (state->store, NULL), >=,
                     state->n_done);
}

static void
wait_for_appends (AppendState *state)
{
  while (state->n_done < state->n_expected)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_ledger_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SluiceStore) store = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(SluiceLedgerRow) a = make_row ("req-a", 1000);
  g_autoptr(SluiceLedgerRow) b = make_row ("req-b", 3000);
  g_autoptr(SluiceLedgerRow) c = make_row ("req-c", 2000);
  g_autofree char *path = test_db_path ();
  AppendState state = { NULL, 0, 1, ids };
  gint64 id_b;

  store = sluice_store_new (path, &error);
  g_assert_no_error (error);
  state.store = store;

  g_free (b->user);
  b->user = NULL;
  b->cache = SLUICE_CACHE_STATUS_MISS;
  b->status = SLUICE_REQUEST_STATUS_OK;
  b->error_class = SLUICE_ERROR_CLASS_NONE;
  b->cost_usd = 1.5e-7;

  sluice_store_append_ledger_async (store, a, NULL, append_cb, &state);
  wait_for_appends (&state);
  id_b = sluice_store_append_ledger_sync (store, b, &error);
  g_assert_no_error (error);
  g_assert_false (g_hash_table_contains (ids, &id_b));
  g_assert_cmpint (sluice_store_append_ledger_sync (store, c, &error), >, id_b);

  rows = sluice_store_query_ledger (store, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 3);
  assert_rows_equal (g_ptr_array_index (rows, 0), b);
  assert_rows_equal (g_ptr_array_index (rows, 1), c);
  assert_rows_equal (g_ptr_array_index (rows, 2), a);
  g_assert_cmpint (((SluiceLedgerRow *) g_ptr_array_index (rows, 0))->id, ==, id_b);
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* since is inclusive; limit keeps the newest. */
  rows = sluice_store_query_ledger (store, 2000, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  assert_rows_equal (g_ptr_array_index (rows, 0), b);
  g_clear_pointer (&rows, g_ptr_array_unref);

  rows = sluice_store_query_ledger (store, 2000, 0, &error);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpint (sluice_store_count_ledger (store, &error), ==, 3);
}

static void
test_ledger_batch (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SluiceStore) store = NULL;
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autofree char *path = test_db_path ();
  AppendState state = { NULL, 0, 500, ids };
  guint commits_before;

  store = sluice_store_new (path, &error);
  g_assert_no_error (error);
  state.store = store;
  commits_before = _sluice_store_get_n_commits (store);

  /* Another connection holds the write lock while the rows are queued, so
   * the writer cannot commit one by one and must batch what is waiting. */
  {
    sqlite3 *blocker = NULL;

    g_assert_cmpint (sqlite3_open (path, &blocker), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (blocker, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);

    for (guint i = 0; i < state.n_expected; i++)
      {
        g_autofree char *rid = g_strdup_printf ("batch-%u", i);
        g_autoptr(SluiceLedgerRow) row = make_row (rid, i);

        sluice_store_append_ledger_async (store, row, NULL, append_cb, &state);
      }

    g_assert_cmpuint (state.n_done, ==, 0);
    g_assert_cmpint (sqlite3_exec (blocker, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (blocker);
  }

  wait_for_appends (&state);
  g_assert_cmpuint (g_hash_table_size (ids), ==, 500);
  g_assert_cmpint (sluice_store_count_ledger (store, &error), ==, 500);
  g_assert_no_error (error);
  g_test_message ("500 rows took %u commits",
                  _sluice_store_get_n_commits (store) - commits_before);
  g_assert_cmpuint (_sluice_store_get_n_commits (store) - commits_before, <=, 4);
}

/* A row is committed on the caller's thread when nothing waits; when the
 * file is locked by another connection (or the writer is busy) nothing is
 * written and nobody waits, and the queue takes the row. */
static void
test_ledger_append_now (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SluiceStore) store = NULL;
  g_autofree char *path = test_db_path ();
  g_autoptr(SluiceLedgerRow) first = make_row ("now-1", 1000);
  g_autoptr(SluiceLedgerRow) second = make_row ("now-2", 2000);
  g_autoptr(SluiceLedgerRow) nameless = make_row (NULL, 3000);
  g_autoptr(GPtrArray) rows = NULL;
  sqlite3 *blocker = NULL;
  guint commits;
  gint64 id, start;

  store = sluice_store_new (path, &error);
  g_assert_no_error (error);
  commits = _sluice_store_get_n_commits (store);

  id = sluice_store_append_ledger_now (store, first, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  g_assert_cmpuint (_sluice_store_get_n_commits (store), ==, commits + 1);

  g_assert_cmpint (sluice_store_append_ledger_now (store, nameless, &error), ==, -1);
  g_assert_error (error, SLUICE_STORE_ERROR, SLUICE_STORE_ERROR_SQL);
  g_clear_error (&error);

  /* Another connection holds the write lock: 0 at once, not a wait for
   * the busy timeout. */
  g_assert_cmpint (sqlite3_open (path, &blocker), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (blocker, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
  start = g_get_monotonic_time ();
  g_assert_cmpint (sluice_store_append_ledger_now (store, second, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_assert_cmpint (sqlite3_exec (blocker, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (blocker);

  /* The lock is free again: the row goes in, and the first is still there. */
  g_assert_cmpint (sluice_store_append_ledger_now (store, second, &error), >, id);
  rows = sluice_store_query_ledger (store, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 2);
  assert_rows_equal (g_ptr_array_index (rows, 0), second);
  assert_rows_equal (g_ptr_array_index (rows, 1), first);
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* Several rows: one transaction, all or none. */
  {
    g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) sluice_ledger_row_free);

    for (guint i = 0; i < 5; i++)
      {
        g_autofree char *rid = g_strdup_printf ("now-batch-%u", i);

        g_ptr_array_add (batch, make_row (rid, 10000 + i));
      }
    commits = _sluice_store_get_n_commits (store);
    g_assert_cmpint (sluice_store_append_ledger_rows_now (store, batch, &error), ==, 1);
    g_assert_no_error (error);
    g_assert_cmpuint (_sluice_store_get_n_commits (store), ==, commits + 1);
    g_assert_cmpint (sluice_store_count_ledger (store, &error), ==, 7);

    g_ptr_array_add (batch, make_row (NULL, 20000));
    g_assert_cmpint (sluice_store_append_ledger_rows_now (store, batch, &error), ==, -1);
    g_assert_error (error, SLUICE_STORE_ERROR, SLUICE_STORE_ERROR_SQL);
    g_clear_error (&error);
    g_assert_cmpint (sluice_store_count_ledger (store, &error), ==, 7);
  }
}

/* The WAL header's checkpoint sequence number (big-endian, at byte 12)
 * goes up each time the WAL starts over. */
static guint32
wal_sequence (const char *path)
{
  guint8 header[16] = { 0 };
  FILE *file = g_fopen (path, "rb");

  g_assert_nonnull (file);
  g_assert_cmpuint (fread (header, 1, sizeof header, file), ==, sizeof header);
  fclose (file);
  return (guint32) header[12] << 24 | (guint32) header[13] << 16 |
         (guint32) header[14] << 8 | header[15];
}

/* Checkpoints run on their own thread and connection, not inside a
 * request's COMMIT; the WAL still starts over again and again (so it does
 * not grow without end), and every row is there after a reopen. */
static void
test_ledger_checkpoint (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SluiceStore) store = NULL;
  g_autofree char *path = test_db_path ();
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *answer = g_strnfill (3000, 'a');
  guint32 sequence_before = 0;
  guint n_rows = 0;

  store = sluice_store_new (path, &error);
  g_assert_no_error (error);

  /* Each commit writes several 4 KiB frames; 500 frames ask the thread for
   * a checkpoint. Keep writing until it has run one (the loop is bounded),
   * then much more: over 20,000 frames. */
  for (guint round = 0; round < 2; round++)
    {
      guint target = n_rows + (round == 0 ? 200 : 1500);

      for (; n_rows < target || (round == 0 && _sluice_store_get_n_checkpoints (store) == 0); n_rows++)
        {
          g_autofree char *rid = g_strdup_printf ("cp-%u", n_rows);
          g_autoptr(SluiceLedgerRow) row = make_row (rid, n_rows);

          row->answer = g_strdup (answer);
          g_assert_cmpint (sluice_store_append_ledger_sync (store, row, &error), >, 0);
          g_assert_cmpuint (n_rows, <, 20000);
        }
      if (round == 0)
        sequence_before = wal_sequence (wal);
    }

  g_test_message ("%u rows, %u background checkpoints, the WAL started over %u times",
                  n_rows, _sluice_store_get_n_checkpoints (store),
                  wal_sequence (wal) - sequence_before);
  g_assert_cmpuint (_sluice_store_get_n_checkpoints (store), >=, 1);
  g_assert_cmpuint (wal_sequence (wal) - sequence_before, >=, 2);

  sluice_store_close (store);
  g_clear_object (&store);
  store = sluice_store_new (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sluice_store_count_ledger (store, &error), ==, n_rows);
}

static gint64
save (SluiceStore *store,
      const char  *json,
      const char  *author,
      const char  *comment)
{
  g_autoptr(GError) error = NULL;
  gint64 version;

  version = sluice_store_save_config_version (store, json, author, comment, &error);
  g_assert_no_error (error);
  return version;
}

static void
test_config_versions (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SluiceStore) store = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(SluiceConfigVersion) version = NULL;
  g_autoptr(SluiceConfigVersion) copy = NULL;
  g_autofree char *path = test_db_path ();
  SluiceConfigVersion *newest;

  store = sluice_store_new (path, &error);
  g_assert_no_error (error);

  version = sluice_store_load_config_version (store, 0, &error);
  g_assert_error (error, SLUICE_STORE_ERROR, SLUICE_STORE_ERROR_NOT_FOUND);
  g_assert_null (version);
  g_clear_error (&error);
  list = sluice_store_list_config_versions (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);

  g_assert_cmpint (save (store, "{\"v\":1}", "ann", "first"), ==, 1);
  g_assert_cmpint (save (store, "{\"v\":2}", "ben", NULL), ==, 2);
  g_assert_cmpint (save (store, "{\"v\":3}", NULL, "third"), ==, 3);

  list = sluice_store_list_config_versions (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);
  newest = g_ptr_array_index (list, 0);
  g_assert_cmpint (newest->version, ==, 3);
  g_assert_null (newest->author);
  g_assert_cmpstr (newest->comment, ==, "third");
  g_assert_cmpint (newest->time_us, >, 0);
  g_assert_cmpint (((SluiceConfigVersion *) g_ptr_array_index (list, 2))->version, ==, 1);

  version = sluice_store_load_config_version (store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (version->version, ==, 3);
  g_assert_cmpstr (version->json, ==, "{\"v\":3}");
  g_clear_pointer (&version, sluice_config_version_free);

  version = sluice_store_load_config_version (store, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (version->json, ==, "{\"v\":2}");
  g_assert_cmpstr (version->author, ==, "ben");
  g_assert_null (version->comment);

  copy = g_boxed_copy (SLUICE_TYPE_CONFIG_VERSION, version);
  g_assert_true (copy->json != version->json);
  g_assert_cmpstr (copy->json, ==, version->json);

  g_assert_null (sluice_store_load_config_version (store, 9, &error));
  g_assert_error (error, SLUICE_STORE_ERROR, SLUICE_STORE_ERROR_NOT_FOUND);
}

static void
closed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GError **out = user_data;

  g_assert_cmpint (sluice_store_append_ledger_finish (SLUICE_STORE (object),
                                                      result, out), ==, -1);
}

static void
test_close (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) async_error = NULL;
  g_autoptr(SluiceStore) store = NULL;
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(SluiceLedgerRow) row = make_row ("late", 1);
  g_autofree char *path = test_db_path ();
  g_autofree char *count = NULL;
  AppendState state = { NULL, 0, 20, ids };

  store = sluice_store_new (path, &error);
  g_assert_no_error (error);

  /* Rows queued before close are committed by it, and reported. */
  for (guint i = 0; i < state.n_expected; i++)
    sluice_store_append_ledger_async (store, row, NULL, append_cb, &state);
  sluice_store_close (store);
  count = raw_query (path, "SELECT count(*) FROM ledger");
  g_assert_cmpstr (count, ==, "20");
  wait_for_appends (&state);

  g_assert_cmpint (sluice_store_append_ledger_sync (store, row, &error), ==, -1);
  g_assert_error (error, SLUICE_STORE_ERROR, SLUICE_STORE_ERROR_CLOSED);
  g_clear_error (&error);

  sluice_store_append_ledger_async (store, row, NULL, closed_cb, &async_error);
  while (async_error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (async_error, SLUICE_STORE_ERROR, SLUICE_STORE_ERROR_CLOSED);

  g_assert_null (sluice_store_query_ledger (store, 0, 0, &error));
  g_assert_error (error, SLUICE_STORE_ERROR, SLUICE_STORE_ERROR_CLOSED);
  g_clear_error (&error);
  g_assert_cmpint (sluice_store_count_ledger (store, &error), ==, -1);
  g_assert_error (error, SLUICE_STORE_ERROR, SLUICE_STORE_ERROR_CLOSED);
  g_clear_error (&error);
  g_assert_cmpint (sluice_store_save_config_version (store, "{}", NULL, NULL, &error), ==, -1);
  g_assert_error (error, SLUICE_STORE_ERROR, SLUICE_STORE_ERROR_CLOSED);
  g_clear_error (&error);
  g_assert_null (sluice_store_list_config_versions (store, &error));
  g_assert_error (error, SLUICE_STORE_ERROR, SLUICE_STORE_ERROR_CLOSED);

  /* Neither blocks nor crashes once closed. */
  sluice_store_flush (store);
  sluice_store_close (store);
}

static void
test_ledger_flush (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SluiceStore) store = NULL;
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(SluiceLedgerRow) row = make_row ("flush", 1);
  g_autofree char *path = test_db_path ();
  AppendState state = { NULL, 0, 50, ids };

  store = sluice_store_new (path, &error);
  g_assert_no_error (error);
  state.store = store;

  for (guint i = 0; i < state.n_expected; i++)
    sluice_store_append_ledger_async (store, row, NULL, append_cb, &state);
  sluice_store_flush (store);

  /* Committed, though no callback has run on this context yet. */
  g_assert_cmpuint (state.n_done, ==, 0);
  g_assert_cmpint (sluice_store_count_ledger (store, &error), ==, 50);
  wait_for_appends (&state);
}

static void
test_ledger_row_boxed (void)
{
  g_autoptr(SluiceLedgerRow) row = make_row ("boxed", 42);
  g_autoptr(SluiceLedgerRow) copy = NULL;

  row->id = 7;
  copy = g_boxed_copy (SLUICE_TYPE_LEDGER_ROW, row);
  g_assert_true (copy->request_id != row->request_id);
  g_assert_cmpint (copy->id, ==, 7);
  assert_rows_equal (copy, row);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/engine/store/open/new", test_open_new);
  g_test_add_func ("/engine/store/open/existing-mode", test_open_existing_mode);
  g_test_add_func ("/engine/store/open/migrate-v1", test_open_migrate_v1);
  g_test_add_func ("/engine/store/open/refuse-newer", test_open_refuse_newer);
  g_test_add_func ("/engine/store/open/not-a-database", test_open_not_a_database);
  g_test_add_func ("/engine/store/ledger/round-trip", test_ledger_round_trip);
  g_test_add_func ("/engine/store/ledger/batch", test_ledger_batch);
  g_test_add_func ("/engine/store/ledger/flush", test_ledger_flush);
  g_test_add_func ("/engine/store/ledger/checkpoint", test_ledger_checkpoint);
  g_test_add_func ("/engine/store/ledger/append-now", test_ledger_append_now);
  g_test_add_func ("/engine/store/ledger/row-boxed", test_ledger_row_boxed);
  g_test_add_func ("/engine/store/config/versions", test_config_versions);
  g_test_add_func ("/engine/store/close", test_close);

  return g_test_run ();
}
