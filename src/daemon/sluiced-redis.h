/* sluiced-redis.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice.h"

G_BEGIN_DECLS

SluiceConfig *sluiced_redis_config_new      (const char    *text,
                                             const char    *url,
                                             GError       **error);
SluiceConfig *sluiced_redis_config_override (SluiceConfig  *config,
                                             const char    *url,
                                             GError       **error);

G_END_DECLS
