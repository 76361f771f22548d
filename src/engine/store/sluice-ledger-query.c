/* sluice-ledger-query.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-store"

#include "config.h"

#include "sluice-enums.h"
#include "sluice-ledger-query.h"
#include "sluice-store-private.h"

/* The request log's reads: counting and paging through the ledger under a
 * filter, on the store's read connection. They run on worker threads, so
 * everything here works on its own copy of the filter. Text search is a
 * plain LIKE over the prompt and the answer: no full-text index, so it
 * scans, which is why it never runs on the UI thread. */

static const char columns[] =
  "id, time_us, request_id, user, task, route, model, provider, tokens_in, "
  "tokens_cached, tokens_out, cost_usd, latency_us, ttft_us, cache, "
  "fallback_depth, status, error_class";

void
_sluice_ledger_query_set_filter (SluiceLedgerQuery        *query,
                                 const SluiceLedgerFilter *filter)
{
  g_clear_pointer (&query->model, g_free);
  g_clear_pointer (&query->user, g_free);
  g_clear_pointer (&query->text, g_free);
  query->status = query->cache = -1;
  query->since_us = query->until_us = 0;

  if (filter == NULL)
    return;

  query->model = filter->model != NULL && filter->model[0] != '\0' ? g_strdup (filter->model) : NULL;
  query->user = filter->user != NULL && filter->user[0] != '\0' ? g_strdup (filter->user) : NULL;
  query->text = filter->text != NULL && filter->text[0] != '\0' ? g_strdup (filter->text) : NULL;
  query->status = filter->status;
  query->cache = filter->cache;
  query->since_us = filter->since_us;
  query->until_us = filter->until_us;
}

SluiceLedgerQuery *
_sluice_ledger_query_copy (const SluiceLedgerQuery *query)
{
  SluiceLedgerQuery *copy = g_new0 (SluiceLedgerQuery, 1);

  *copy = *query;
  copy->model = g_strdup (query->model);
  copy->user = g_strdup (query->user);
  copy->text = g_strdup (query->text);
  copy->rows = NULL;
  return copy;
}

void
_sluice_ledger_query_free (SluiceLedgerQuery *query)
{
  if (query == NULL)
    return;

  g_free (query->model);
  g_free (query->user);
  g_free (query->text);
  g_clear_pointer (&query->rows, g_ptr_array_unref);
  g_free (query);
}

gboolean
_sluice_ledger_query_is_filtered (const SluiceLedgerQuery *query)
{
  return query->model != NULL || query->user != NULL || query->text != NULL ||
         query->status >= 0 || query->cache >= 0 ||
         query->since_us > 0 || query->until_us > 0;
}

static void
append_filter (GString                 *sql,
               const SluiceLedgerQuery *query)
{
  if (query->model != NULL)
    g_string_append (sql, " AND model = :model");
  if (query->user != NULL)
    g_string_append (sql, " AND user = :user");
  if (query->status >= 0)
    g_string_append (sql, " AND status = :status");
  if (query->cache >= 0)
    g_string_append (sql, " AND cache = :cache");
  if (query->since_us > 0)
    g_string_append (sql, " AND time_us >= :since");
  if (query->until_us > 0)
    g_string_append (sql, " AND time_us < :until");
  if (query->text != NULL)
    g_string_append (sql, " AND (prompt LIKE :text ESCAPE '\\'"
                          " OR answer LIKE :text ESCAPE '\\')");
}

/* "50%_off" → "%50\%\_off%": the text matches literally, anywhere. */
static char *
like_pattern (const char *text)
{
  GString *pattern = g_string_new ("%");

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *p);
    }
  g_string_append_c (pattern, '%');

  return g_string_free (pattern, FALSE);
}

static void
bind_text (sqlite3_stmt *stmt,
           const char   *name,
           const char   *value)
{
  int index = sqlite3_bind_parameter_index (stmt, name);

  if (index > 0)
    sqlite3_bind_text (stmt, index, value, -1, SQLITE_TRANSIENT);
}

static void
bind_int (sqlite3_stmt *stmt,
          const char   *name,
          gint64        value)
{
  int index = sqlite3_bind_parameter_index (stmt, name);

  if (index > 0)
    sqlite3_bind_int64 (stmt, index, value);
}

static void
bind_filter (sqlite3_stmt            *stmt,
             const SluiceLedgerQuery *query)
{
  g_autofree char *pattern = query->text != NULL ? like_pattern (query->text) : NULL;

  bind_text (stmt, ":model", query->model);
  bind_text (stmt, ":user", query->user);
  if (query->status >= 0)
    bind_text (stmt, ":status",
               _sluice_store_enum_to_nick (SLUICE_TYPE_REQUEST_STATUS, query->status));
  if (query->cache >= 0)
    bind_text (stmt, ":cache",
               _sluice_store_enum_to_nick (SLUICE_TYPE_CACHE_STATUS, query->cache));
  bind_int (stmt, ":since", query->since_us);
  bind_int (stmt, ":until", query->until_us);
  bind_text (stmt, ":text", pattern);
}

static SluiceLedgerRow *
read_row (sqlite3_stmt *stmt)
{
  SluiceLedgerRow *row = sluice_ledger_row_new ();

  row->id = sqlite3_column_int64 (stmt, 0);
  row->time_us = sqlite3_column_int64 (stmt, 1);
  row->request_id = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  row->user = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  row->task = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  row->route = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
  row->model = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
  row->provider = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
  row->tokens_in = sqlite3_column_int64 (stmt, 8);
  row->tokens_cached = sqlite3_column_int64 (stmt, 9);
  row->tokens_out = sqlite3_column_int64 (stmt, 10);
  row->cost_usd = sqlite3_column_double (stmt, 11);
  row->latency_us = sqlite3_column_int64 (stmt, 12);
  row->ttft_us = sqlite3_column_int64 (stmt, 13);
  row->cache = _sluice_store_enum_from_nick (SLUICE_TYPE_CACHE_STATUS,
                                             (const char *) sqlite3_column_text (stmt, 14),
                                             SLUICE_CACHE_STATUS_NONE);
  row->fallback_depth = sqlite3_column_int (stmt, 15);
  row->status = _sluice_store_enum_from_nick (SLUICE_TYPE_REQUEST_STATUS,
                                              (const char *) sqlite3_column_text (stmt, 16),
                                              SLUICE_REQUEST_STATUS_ERROR);
  row->error_class = _sluice_store_enum_from_nick (SLUICE_TYPE_ERROR_CLASS,
                                                   (const char *) sqlite3_column_text (stmt, 17),
                                                   SLUICE_ERROR_CLASS_NONE);
  return row;
}

static gboolean
run (sqlite3            *db,
     const char         *sql,
     SluiceLedgerQuery  *query,
     GError            **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      bind_filter (stmt, query);
      bind_int (stmt, ":lo", query->lo_id);
      bind_int (stmt, ":hi", query->hi_id > 0 ? query->hi_id : G_MAXINT64);
      bind_int (stmt, ":limit", query->limit);
      bind_int (stmt, ":offset", query->offset);

      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          if (query->kind == SLUICE_LEDGER_QUERY_COUNT)
            {
              query->count = sqlite3_column_int64 (stmt, 0);
              query->max_id = sqlite3_column_int64 (stmt, 1);
            }
          else
            g_ptr_array_add (query->rows, read_row (stmt));
        }
    }

  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _sluice_store_set_sql_error (error, SLUICE_STORE_ERROR_SQL, db, "Ledger query failed");
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_job (sqlite3  *db,
          gpointer  data,
          GError  **error)
{
  SluiceLedgerQuery *query = data;
  g_autoptr(GString) sql = g_string_new (NULL);

  if (query->kind == SLUICE_LEDGER_QUERY_COUNT)
    g_string_append (sql, "SELECT count(*), coalesce(max(id), 0) FROM ledger WHERE id > :lo");
  else
    g_string_append_printf (sql, "SELECT %s FROM ledger WHERE id > :lo AND id <= :hi", columns);

  append_filter (sql, query);

  if (query->kind == SLUICE_LEDGER_QUERY_PAGE)
    g_string_append_printf (sql, " ORDER BY id %s LIMIT :limit OFFSET :offset",
                            query->descending ? "DESC" : "ASC");

  return run (db, sql->str, query, error);
}

/**
 * _sluice_ledger_query_run:
 * @query: what to read; its results are filled in
 *
 * Counts (rows with an id above @lo_id, and their largest id) or reads one
 * page, on the calling thread. Unfiltered pages read backwards from a
 * known id go through sluice_store_page_ledger().
 */
gboolean
_sluice_ledger_query_run (SluiceStore        *store,
                          SluiceLedgerQuery  *query,
                          GError            **error)
{
  if (query->kind == SLUICE_LEDGER_QUERY_PAGE)
    {
      g_clear_pointer (&query->rows, g_ptr_array_unref);

      if (query->descending && query->offset == 0 && query->lo_id == 0 &&
          query->hi_id > 0 &&
          !_sluice_ledger_query_is_filtered (query))
        {
          query->rows = sluice_store_page_ledger (store, query->hi_id + 1,
                                                  query->limit, error);
          return query->rows != NULL;
        }

      query->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) sluice_ledger_row_free);
    }

  return sluice_store_read (store, read_job, query, error);
}
