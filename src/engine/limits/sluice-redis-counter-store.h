/* sluice-redis-counter-store.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-counter-store.h"

G_BEGIN_DECLS

#define SLUICE_TYPE_REDIS_COUNTER_STORE (sluice_redis_counter_store_get_type ())

G_DECLARE_FINAL_TYPE (SluiceRedisCounterStore, sluice_redis_counter_store,
                      SLUICE, REDIS_COUNTER_STORE, SluiceCounterStore)

SluiceCounterStore *sluice_redis_counter_store_new          (const char              *url,
                                                             const char              *prefix,
                                                             GError                 **error);
const char         *sluice_redis_counter_store_get_sha      (SluiceRedisCounterStore *self);
guint               sluice_redis_counter_store_get_n_reloads (SluiceRedisCounterStore *self);

G_END_DECLS
