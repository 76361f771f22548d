/* sluice-store.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sluice-types.h"

G_BEGIN_DECLS

#define SLUICE_STORE_ERROR (sluice_store_error_quark ())

typedef enum
{
  SLUICE_STORE_ERROR_OPEN,       /* the database could not be opened */
  SLUICE_STORE_ERROR_MIGRATE,    /* a migration failed, or the file is newer */
  SLUICE_STORE_ERROR_SQL,        /* a statement failed */
  SLUICE_STORE_ERROR_CLOSED,     /* the store was closed */
  SLUICE_STORE_ERROR_NOT_FOUND,
} SluiceStoreError;

GQuark sluice_store_error_quark (void);

/* The schema version this build writes; sluice_store_new() migrates older
 * files up to it and refuses newer ones. */
#define SLUICE_STORE_SCHEMA_VERSION 6

/* One row of the request ledger: one per request, committed before the
 * response is reported as settled. */
typedef struct
{
  gint64               id;             /* rowid; 0 before insertion */
  gint64               time_us;        /* wall clock when admitted */
  char                *request_id;
  char                *user;
  char                *task;
  char                *route;          /* chain name */
  char                *model;
  char                *provider;
  gint64               tokens_in;
  gint64               tokens_cached;
  gint64               tokens_out;
  double               cost_usd;
  gint64               latency_us;
  gint64               ttft_us;
  SluiceCacheStatus    cache;
  guint                fallback_depth;
  SluiceRequestStatus  status;
  SluiceErrorClass     error_class;
  /* Written with the row; read back only by sluice_store_load_ledger_detail(). */
  char                *prompt;         /* the messages, as JSON */
  char                *answer;
  char                *trace;          /* the trace, as JSON */
} SluiceLedgerRow;

#define SLUICE_TYPE_LEDGER_ROW (sluice_ledger_row_get_type ())

GType            sluice_ledger_row_get_type (void) G_GNUC_CONST;
SluiceLedgerRow *sluice_ledger_row_new      (void);
SluiceLedgerRow *sluice_ledger_row_copy     (const SluiceLedgerRow *row);
void             sluice_ledger_row_free     (SluiceLedgerRow       *row);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SluiceLedgerRow, sluice_ledger_row_free)

/* One stored configuration version. */
typedef struct
{
  gint64  version;     /* 1, 2, 3, ... */
  gint64  time_us;
  char   *author;
  char   *comment;
  char   *json;
} SluiceConfigVersion;

#define SLUICE_TYPE_CONFIG_VERSION (sluice_config_version_get_type ())

GType                sluice_config_version_get_type (void) G_GNUC_CONST;
SluiceConfigVersion *sluice_config_version_copy     (const SluiceConfigVersion *version);
void                 sluice_config_version_free     (SluiceConfigVersion *version);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SluiceConfigVersion, sluice_config_version_free)

#define SLUICE_TYPE_STORE (sluice_store_get_type ())

G_DECLARE_FINAL_TYPE (SluiceStore, sluice_store, SLUICE, STORE, GObject)

char                *sluice_store_default_path           (void);
SluiceStore         *sluice_store_new                    (const char             *path,
                                                          GError                **error);
const char          *sluice_store_get_path               (SluiceStore            *self);
int                  sluice_store_get_schema_version     (SluiceStore            *self);
void                 sluice_store_close                  (SluiceStore            *self);

void                 sluice_store_append_ledger_async    (SluiceStore            *self,
                                                          const SluiceLedgerRow  *row,
                                                          GCancellable           *cancellable,
                                                          GAsyncReadyCallback     callback,
                                                          gpointer                user_data);
gint64               sluice_store_append_ledger_finish   (SluiceStore            *self,
                                                          GAsyncResult           *result,
                                                          GError                **error);
gint64               sluice_store_append_ledger_now      (SluiceStore            *self,
                                                         const SluiceLedgerRow  *row,
                                                         GError                **error);
int                  sluice_store_append_ledger_rows_now (SluiceStore            *self,
                                                         GPtrArray              *rows,
                                                         GError                **error);
gint64               sluice_store_append_ledger_sync     (SluiceStore            *self,
                                                          const SluiceLedgerRow  *row,
                                                          GError                **error);
GPtrArray           *sluice_store_query_ledger           (SluiceStore            *self,
                                                          gint64                  since_us,
                                                          guint                   limit,
                                                          GError                **error);
SluiceLedgerRow     *sluice_store_load_ledger_detail     (SluiceStore            *self,
                                                          gint64                  id,
                                                          GError                **error);
GPtrArray           *sluice_store_page_ledger            (SluiceStore            *self,
                                                          gint64                  before_id,
                                                          guint                   limit,
                                                          GError                **error);
gint64               sluice_store_count_ledger           (SluiceStore            *self,
                                                          GError                **error);

gint64               sluice_store_save_config_version    (SluiceStore            *self,
                                                          const char             *json,
                                                          const char             *author,
                                                          const char             *comment,
                                                          GError                **error);
SluiceConfigVersion *sluice_store_load_config_version    (SluiceStore            *self,
                                                          gint64                  version,
                                                          GError                **error);
GPtrArray           *sluice_store_list_config_versions   (SluiceStore            *self,
                                                          GError                **error);

void                 sluice_store_flush                  (SluiceStore            *self);

/* Generic jobs, for parts that keep their own tables (e.g. the cache).
 * @db is a sqlite3 connection: the write connection inside an open
 * transaction (a failed job is rolled back to its own savepoint) for the
 * exec calls, the read-only connection for sluice_store_read(). */
struct sqlite3;
typedef gboolean (*SluiceStoreJobFunc) (struct sqlite3  *db,
                                        gpointer         data,
                                        GError         **error);

void                 sluice_store_exec_async             (SluiceStore            *self,
                                                          SluiceStoreJobFunc      func,
                                                          gpointer                data,
                                                          GDestroyNotify          destroy,
                                                          GCancellable           *cancellable,
                                                          GAsyncReadyCallback     callback,
                                                          gpointer                user_data);
gboolean             sluice_store_exec_finish            (SluiceStore            *self,
                                                          GAsyncResult           *result,
                                                          GError                **error);
gboolean             sluice_store_exec_sync              (SluiceStore            *self,
                                                          SluiceStoreJobFunc      func,
                                                          gpointer                data,
                                                          GError                **error);
gboolean             sluice_store_read                   (SluiceStore            *self,
                                                          SluiceStoreJobFunc      func,
                                                          gpointer                data,
                                                          GError                **error);

G_END_DECLS
