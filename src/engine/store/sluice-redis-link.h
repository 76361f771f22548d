/* sluice-redis-link.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <hiredis/async.h>

G_BEGIN_DECLS

/* One asynchronous Redis connection on the GLib main context that was
 * thread-default at construction, reconnected with a growing backoff
 * after every loss. Its owner hears of it coming up and going down. */
typedef struct _SluiceRedisLink SluiceRedisLink;

/* @connecting: the connection attempt failed at once (before any event) */
typedef void (*SluiceRedisLinkUpFunc)   (gpointer    user_data);
typedef void (*SluiceRedisLinkDownFunc) (const char *why,
                                         gboolean    connecting,
                                         gpointer    user_data);

SluiceRedisLink   *sluice_redis_link_new             (const char               *url,
                                                      GError                  **error);
void               sluice_redis_link_start           (SluiceRedisLink          *link,
                                                      SluiceRedisLinkUpFunc     up,
                                                      SluiceRedisLinkDownFunc   down,
                                                      gpointer                  user_data);
redisAsyncContext *sluice_redis_link_get_context     (SluiceRedisLink          *link);
gboolean           sluice_redis_link_is_up           (SluiceRedisLink          *link);
const char        *sluice_redis_link_get_host        (SluiceRedisLink          *link);
int                sluice_redis_link_get_port        (SluiceRedisLink          *link);
const char        *sluice_redis_link_get_socket_path (SluiceRedisLink          *link);
void               sluice_redis_link_free            (SluiceRedisLink          *link);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SluiceRedisLink, sluice_redis_link_free)

G_END_DECLS
