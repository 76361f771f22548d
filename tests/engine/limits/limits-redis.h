/* limits-redis.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A redis-server of the test's own, on a free loopback port, without
 * persistence; stopped with `redis-cli shutdown nosave`. */
typedef struct _LimitsRedis LimitsRedis;

gboolean     limits_redis_available (void);
LimitsRedis *limits_redis_start     (void);
guint16      limits_redis_get_port  (LimitsRedis *redis);
char        *limits_redis_url       (guint16      port);
gboolean     limits_redis_cli       (guint16      port,
                                     const char  *command);
void         limits_redis_stop      (LimitsRedis *redis);
void         limits_redis_signal    (LimitsRedis *redis,
                                     int          sig);

G_END_DECLS
