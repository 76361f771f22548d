/* sluice-ledger-query.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-ledger-model.h"

G_BEGIN_DECLS

typedef enum
{
  SLUICE_LEDGER_QUERY_COUNT,
  SLUICE_LEDGER_QUERY_PAGE,
} SluiceLedgerQueryKind;

/* One read of the request log, owned by the worker thread that runs it:
 * the filter (copied), the id range and the order, then the results. */
typedef struct
{
  SluiceLedgerQueryKind  kind;
  char                  *model;
  char                  *user;
  char                  *text;
  int                    status;
  int                    cache;
  gint64                 since_us;
  gint64                 until_us;

  gint64                 lo_id;       /* rows with id > lo_id */
  gint64                 hi_id;       /* and id <= hi_id; 0 for no bound */
  gboolean               descending;
  gint64                 limit;
  gint64                 offset;

  /* Set by the model, not read by the query. */
  guint                  generation;
  guint                  page;
  gint64                 first_rank;

  /* Results. */
  gint64                 count;
  gint64                 max_id;
  GPtrArray             *rows;        /* SluiceLedgerRow* in query order */
} SluiceLedgerQuery;

void               _sluice_ledger_query_set_filter  (SluiceLedgerQuery        *query,
                                                     const SluiceLedgerFilter *filter);
SluiceLedgerQuery *_sluice_ledger_query_copy        (const SluiceLedgerQuery  *query);
void               _sluice_ledger_query_free        (SluiceLedgerQuery        *query);
gboolean           _sluice_ledger_query_is_filtered (const SluiceLedgerQuery  *query);
gboolean           _sluice_ledger_query_run         (SluiceStore              *store,
                                                     SluiceLedgerQuery        *query,
                                                     GError                  **error);

G_END_DECLS
