/* sluice-limit-items.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-limiter-private.h"

G_BEGIN_DECLS

/* What one request adds to its counters. */
typedef struct
{
  gint64   tokens;      /* input + output */
  gint64   usd_micro;   /* cost in millionths of a dollar */
  gboolean in_flight;   /* count it against concurrency */
} SluiceLimitUsage;

GPtrArray *_sluice_limit_items_build         (SluiceConfig            *config,
                                              const char              *user,
                                              const SluiceModelConfig *model,
                                              const SluiceLimitUsage  *usage);
char      *_sluice_limit_item_describe       (const SluiceLimitItem   *item);
char      *_sluice_limit_item_format_amount  (const SluiceLimitItem   *item,
                                              gint64                   amount);

G_END_DECLS
