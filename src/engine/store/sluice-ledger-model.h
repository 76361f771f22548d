/* sluice-ledger-model.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sluice-store.h"

G_BEGIN_DECLS

/**
 * SluiceLedgerFilter:
 * @model: (nullable): only rows answered by this model
 * @user: (nullable): only rows of this user
 * @status: a #SluiceRequestStatus, or -1 for any
 * @cache: a #SluiceCacheStatus, or -1 for any
 * @since_us: only rows admitted at or after this wall-clock time; 0 for any
 * @until_us: only rows admitted before this wall-clock time; 0 for any
 * @text: (nullable): only rows whose prompt or answer contains this text
 *
 * What the request log shows. All set fields must match.
 */
typedef struct
{
  const char *model;
  const char *user;
  int         status;
  int         cache;
  gint64      since_us;
  gint64      until_us;
  const char *text;
} SluiceLedgerFilter;

#define SLUICE_LEDGER_FILTER_INIT { NULL, NULL, -1, -1, 0, 0, NULL }

#define SLUICE_TYPE_LEDGER_ITEM (sluice_ledger_item_get_type ())

G_DECLARE_FINAL_TYPE (SluiceLedgerItem, sluice_ledger_item, SLUICE, LEDGER_ITEM, GObject)

gboolean               sluice_ledger_item_get_loaded (SluiceLedgerItem *self);
const SluiceLedgerRow *sluice_ledger_item_get_row    (SluiceLedgerItem *self);
gint64                 sluice_ledger_item_get_id     (SluiceLedgerItem *self);

#define SLUICE_TYPE_LEDGER_MODEL (sluice_ledger_model_get_type ())

G_DECLARE_FINAL_TYPE (SluiceLedgerModel, sluice_ledger_model, SLUICE, LEDGER_MODEL, GObject)

SluiceLedgerModel *sluice_ledger_model_new              (SluiceStore              *store);
void               sluice_ledger_model_set_filter       (SluiceLedgerModel        *self,
                                                         const SluiceLedgerFilter *filter);
void               sluice_ledger_model_set_page_size    (SluiceLedgerModel        *self,
                                                         guint                     page_size,
                                                         guint                     max_pages);
void               sluice_ledger_model_refresh          (SluiceLedgerModel        *self);
gboolean           sluice_ledger_model_get_loading      (SluiceLedgerModel        *self);
guint              sluice_ledger_model_get_n_cached     (SluiceLedgerModel        *self);
void               sluice_ledger_model_load_detail_async (SluiceLedgerModel       *self,
                                                          gint64                   id,
                                                          GCancellable            *cancellable,
                                                          GAsyncReadyCallback      callback,
                                                          gpointer                 user_data);
SluiceLedgerRow   *sluice_ledger_model_load_detail_finish (SluiceLedgerModel      *self,
                                                           GAsyncResult           *result,
                                                           GError                **error);

G_END_DECLS
