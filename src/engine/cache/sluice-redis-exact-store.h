/* sluice-redis-exact-store.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sluice-cache-entry.h"

G_BEGIN_DECLS

#define SLUICE_TYPE_REDIS_EXACT_STORE (sluice_redis_exact_store_get_type ())

G_DECLARE_FINAL_TYPE (SluiceRedisExactStore, sluice_redis_exact_store,
                      SLUICE, REDIS_EXACT_STORE, GObject)

SluiceRedisExactStore *sluice_redis_exact_store_new          (const char             *url,
                                                              const char             *prefix,
                                                              GError                **error);
gboolean               sluice_redis_exact_store_is_connected (SluiceRedisExactStore  *self);
void                   sluice_redis_exact_store_get_async    (SluiceRedisExactStore  *self,
                                                              const char             *key,
                                                              GCancellable           *cancellable,
                                                              GAsyncReadyCallback     callback,
                                                              gpointer                user_data);
SluiceCacheEntry      *sluice_redis_exact_store_get_finish   (SluiceRedisExactStore  *self,
                                                              GAsyncResult           *result,
                                                              GError                **error);
void                   sluice_redis_exact_store_put          (SluiceRedisExactStore  *self,
                                                              SluiceCacheEntry       *entry,
                                                              gint64                  keep_s);
gboolean               sluice_redis_exact_store_purge        (SluiceRedisExactStore  *self,
                                                              const char             *field,
                                                              const char             *value);
char                  *sluice_redis_exact_store_encode       (const SluiceCacheEntry *entry);
SluiceCacheEntry      *sluice_redis_exact_store_decode       (const char             *key,
                                                              const char             *text);

G_END_DECLS
