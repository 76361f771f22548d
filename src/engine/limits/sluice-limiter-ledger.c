/* sluice-limiter-ledger.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-limits"

#include "config.h"

#include <math.h>

#include "sluice-limit-items.h"
#include "sluice-limiter-private.h"
#include "sluice-memory-counter-store.h"
#include "sluice-store.h"

/* At start, the in-process counters are rebuilt from the ledger's last
 * day, so that a restart never resets spending. */

#define DAY_S 86400

static int
compare_by_time (gconstpointer a,
                 gconstpointer b)
{
  const SluiceLedgerRow *ra = *(SluiceLedgerRow * const *) a;
  const SluiceLedgerRow *rb = *(SluiceLedgerRow * const *) b;

  return ra->time_us < rb->time_us ? -1 : ra->time_us > rb->time_us;
}

static void
count_row (SluiceLimiter            *self,
           SluiceMemoryCounterStore *store,
           const SluiceLedgerRow    *row)
{
  SluiceConfig *config = _sluice_limiter_get_config (self);
  const SluiceModelConfig *model = row->model != NULL
                                   ? sluice_config_lookup_model (config, row->model) : NULL;
  SluiceLimitUsage usage = {
    .tokens = row->tokens_in + row->tokens_out,
    .usd_micro = (gint64) llround (row->cost_usd * 1e6),
    .in_flight = FALSE,
  };
  g_autoptr(GPtrArray) items = _sluice_limit_items_build (config, row->user, model,
                                                          &usage);

  for (guint i = 0; i < items->len; i++)
    {
      const SluiceLimitItem *item = g_ptr_array_index (items, i);

      sluice_memory_counter_store_add (store, item->key, item->window_s, item->amount,
                                       row->time_us / G_USEC_PER_SEC);
    }
}

/**
 * sluice_limiter_rebuild_from_ledger:
 * @self: a limiter on the in-process store
 * @store: the database
 * @error: return location for an error
 *
 * Counts the last day of the ledger again, so that a restart never resets
 * spending. Call once at start, before the first decision. With Redis the
 * counters outlive the process and nothing is done.
 *
 * Returns: %TRUE on success
 */
gboolean
sluice_limiter_rebuild_from_ledger (SluiceLimiter  *self,
                                    SluiceStore    *store,
                                    GError        **error)
{
  g_autoptr(GPtrArray) rows = NULL;
  gint64 now_us;

  g_return_val_if_fail (SLUICE_IS_LIMITER (self), FALSE);
  g_return_val_if_fail (SLUICE_IS_STORE (store), FALSE);

  if (!SLUICE_IS_MEMORY_COUNTER_STORE (sluice_limiter_get_store (self)))
    return TRUE;

  now_us = sluice_clock_now_us (_sluice_limiter_get_clock (self));
  rows = sluice_store_query_ledger (store, now_us - (gint64) DAY_S * G_USEC_PER_SEC, 0,
                                    error);
  if (rows == NULL)
    return FALSE;

  g_ptr_array_sort (rows, compare_by_time);
  for (guint i = 0; i < rows->len; i++)
    {
      const SluiceLedgerRow *row = g_ptr_array_index (rows, i);

      if (row->status != SLUICE_REQUEST_STATUS_REFUSED && row->time_us <= now_us)
        count_row (self, SLUICE_MEMORY_COUNTER_STORE (sluice_limiter_get_store (self)),
                   row);
    }

  return TRUE;
}
