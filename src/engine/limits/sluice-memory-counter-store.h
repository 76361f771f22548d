/* sluice-memory-counter-store.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-counter-store.h"

G_BEGIN_DECLS

#define SLUICE_TYPE_MEMORY_COUNTER_STORE (sluice_memory_counter_store_get_type ())

G_DECLARE_FINAL_TYPE (SluiceMemoryCounterStore, sluice_memory_counter_store,
                      SLUICE, MEMORY_COUNTER_STORE, SluiceCounterStore)

SluiceCounterStore *sluice_memory_counter_store_new  (void);
void                sluice_memory_counter_store_add  (SluiceMemoryCounterStore *self,
                                                      const char               *key,
                                                      gint64                    window_s,
                                                      gint64                    amount,
                                                      gint64                    at_s);
SluiceCounterVerdict *sluice_memory_counter_store_apply (SluiceMemoryCounterStore *self,
                                                         SluiceCounterOp           op,
                                                         const SluiceCounterItem  *items,
                                                         guint                     n_items,
                                                         gint64                    now_s,
                                                         gint64                    at_s);
guint               sluice_memory_counter_store_get_n_buckets (SluiceMemoryCounterStore *self,
                                                               const char               *key);

G_END_DECLS
