/* sluice-observe-sql.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "sluice-store.h"

G_BEGIN_DECLS

/* The observability tables' I/O through the store: writes on its writer
 * thread, reads on its read connection. Parameters are GVariant tuples
 * whose members bind in order: x (int64), d (double), s (text), ms (text
 * or NULL), ay (blob). */

typedef void (*SluiceObserveRowFunc) (sqlite3_stmt *stmt,
                                      gpointer      data);

void     _sluice_observe_exec  (SluiceStore          *store,
                                const char           *sql,
                                GVariant             *rows);
gboolean _sluice_observe_query (SluiceStore          *store,
                                const char           *sql,
                                GVariant             *params,
                                SluiceObserveRowFunc  func,
                                gpointer              data,
                                GError              **error);
char    *_sluice_observe_column_text (sqlite3_stmt   *stmt,
                                      int             column);

G_END_DECLS
