/* sluice-counter-store.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * SluiceCounterItem:
 * @key: the counter's name, without the store's prefix
 * @window_s: the sliding window in seconds, counted in one-second buckets;
 *   0 for a gauge (requests in flight)
 * @limit: the most the window (or gauge) may hold; 0 for no limit
 * @amount: what a reservation adds, or an adjustment's signed delta
 *
 * One counter a decision touches.
 */
typedef struct
{
  const char *key;
  gint64      window_s;
  gint64      limit;
  gint64      amount;
} SluiceCounterItem;

typedef enum
{
  SLUICE_COUNTER_OP_RESERVE,   /* check every item, then add all or none */
  SLUICE_COUNTER_OP_ADJUST,    /* add signed deltas to the bucket of at_s */
} SluiceCounterOp;

/**
 * SluiceCounterVerdict:
 * @granted: %TRUE when every item had room (always for ADJUST)
 * @refused: the index of the first item without room, or -1
 * @used: that item's count before the request
 * @retry_at_s: the earliest second at which enough of that item's window
 *   will have expired for the request to pass, or -1 when unknown (gauges)
 *   or never (the amount exceeds the limit)
 * @totals: (array length=n_items): each item's count after the decision
 *   (before it, when refused)
 * @n_items: the number of items
 */
typedef struct
{
  gboolean  granted;
  gint      refused;
  gint64    used;
  gint64    retry_at_s;
  gint64   *totals;
  guint     n_items;
} SluiceCounterVerdict;

void sluice_counter_verdict_free (SluiceCounterVerdict *verdict);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SluiceCounterVerdict, sluice_counter_verdict_free)

#define SLUICE_TYPE_COUNTER_STORE (sluice_counter_store_get_type ())

G_DECLARE_DERIVABLE_TYPE (SluiceCounterStore, sluice_counter_store,
                          SLUICE, COUNTER_STORE, GObject)

/**
 * SluiceCounterStoreClass:
 * @apply_async: decides atomically over every item; the store copies what
 *   it needs before returning
 * @apply_finish: the verdict, or %NULL with an error when the store is
 *   unreachable (%G_IO_ERROR_NOT_CONNECTED) or failed
 * @is_shared: whether other processes see the same counters
 */
struct _SluiceCounterStoreClass
{
  GObjectClass parent_class;

  void                   (*apply_async)  (SluiceCounterStore       *self,
                                          SluiceCounterOp           op,
                                          const SluiceCounterItem  *items,
                                          guint                     n_items,
                                          gint64                    now_s,
                                          gint64                    at_s,
                                          GCancellable             *cancellable,
                                          GAsyncReadyCallback       callback,
                                          gpointer                  user_data);
  SluiceCounterVerdict  *(*apply_finish) (SluiceCounterStore       *self,
                                          GAsyncResult             *result,
                                          GError                  **error);
  gboolean               (*is_shared)    (SluiceCounterStore       *self);

  gpointer padding[8];
};

void                  sluice_counter_store_apply_async  (SluiceCounterStore       *self,
                                                         SluiceCounterOp           op,
                                                         const SluiceCounterItem  *items,
                                                         guint                     n_items,
                                                         gint64                    now_s,
                                                         gint64                    at_s,
                                                         GCancellable             *cancellable,
                                                         GAsyncReadyCallback       callback,
                                                         gpointer                  user_data);
SluiceCounterVerdict *sluice_counter_store_apply_finish (SluiceCounterStore       *self,
                                                         GAsyncResult             *result,
                                                         GError                  **error);
gboolean              sluice_counter_store_is_shared    (SluiceCounterStore       *self);
gboolean              sluice_counter_store_is_connected (SluiceCounterStore       *self);
void                  _sluice_counter_store_set_connected (SluiceCounterStore     *self,
                                                           gboolean                connected,
                                                           const char             *message);

G_END_DECLS
