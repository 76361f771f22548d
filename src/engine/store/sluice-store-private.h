/* sluice-store-private.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "sluice-store.h"

G_BEGIN_DECLS

typedef enum
{
  SLUICE_STORE_JOB_LEDGER,
  SLUICE_STORE_JOB_CONFIG,
  SLUICE_STORE_JOB_FLUSH,
  SLUICE_STORE_JOB_EXEC,
  SLUICE_STORE_JOB_STOP,
} SluiceStoreJobKind;

/* One unit of work for the writer thread. The caller fills the input
 * fields; the writer fills @result or @error once the work is committed
 * (or failed), then completes it through @task or @reply. */
typedef struct
{
  SluiceStoreJobKind  kind;
  SluiceLedgerRow    *row;
  char               *json;
  char               *author;
  char               *comment;
  GCancellable       *cancellable;
  SluiceStoreJobFunc  func;        /* EXEC */
  gpointer            data;
  GDestroyNotify      destroy;

  gint64              result;
  GError             *error;

  GTask              *task;        /* async: completed on its context */
  GAsyncQueue        *reply;       /* sync: the job is pushed back here */
} SluiceStoreJob;

/* How long a connection waits for another's lock. */
#define _SLUICE_STORE_BUSY_TIMEOUT_MS 10000

typedef struct _SluiceStoreWriter SluiceStoreWriter;
typedef struct _SluiceStoreCheckpointer SluiceStoreCheckpointer;

/* Shared by sluice-store.c (open, close, reads) and sluice-store-write.c. */
struct _SluiceStore
{
  GObject            parent_instance;

  char              *path;
  int                schema_version;

  SluiceStoreWriter *writer;
  GMutex             read_lock;
  sqlite3           *read_db;
};


/* sluice-store-schema.c */
sqlite3           *_sluice_store_open_db             (const char         *path,
                                                      gboolean            read_only,
                                                      GError            **error);
int                _sluice_store_migrate             (sqlite3            *db,
                                                      GError            **error);
void               _sluice_store_set_sql_error       (GError            **error,
                                                      int                 code,
                                                      sqlite3            *db,
                                                      const char         *what);

/* sluice-store-rows.c */
const char        *_sluice_store_enum_to_nick        (GType               type,
                                                      int                 value);
int                _sluice_store_enum_from_nick      (GType               type,
                                                      const char         *nick,
                                                      int                 fallback);

/* sluice-store-writer.c */
SluiceStoreJob    *_sluice_store_job_new             (SluiceStoreJobKind  kind);
void               _sluice_store_job_free            (SluiceStoreJob     *job);
SluiceStoreWriter *_sluice_store_writer_new          (sqlite3            *db,
                                                      GError            **error);
gboolean           _sluice_store_writer_run_async    (SluiceStoreWriter  *writer,
                                                      SluiceStoreJob     *job,
                                                      GTask              *task);
gint64             _sluice_store_writer_run_sync     (SluiceStoreWriter  *writer,
                                                      SluiceStoreJob     *job,
                                                      GError            **error);
void               _sluice_store_writer_run_detached (SluiceStoreWriter  *writer,
                                                      SluiceStoreJob     *job);
void               _sluice_store_writer_stop         (SluiceStoreWriter  *writer);
void               _sluice_store_writer_free         (SluiceStoreWriter  *writer);
guint              _sluice_store_writer_get_n_commits (SluiceStoreWriter *writer);
guint              _sluice_store_writer_get_n_checkpoints (SluiceStoreWriter *writer);
int                _sluice_store_writer_append_now   (SluiceStoreWriter            *writer,
                                                      const SluiceLedgerRow * const *rows,
                                                      guint                         n_rows,
                                                      gint64                       *ids,
                                                      GError                      **error);

SluiceStoreCheckpointer *_sluice_store_checkpointer_new  (sqlite3                 *writer_db);
guint              _sluice_store_checkpointer_get_n_checkpoints (SluiceStoreCheckpointer *self);
void               _sluice_store_checkpointer_free      (SluiceStoreCheckpointer *self);


/* sluice-store.c, for tests */
guint              _sluice_store_get_n_commits       (SluiceStore        *self);
guint              _sluice_store_get_n_checkpoints   (SluiceStore        *self);

G_END_DECLS
