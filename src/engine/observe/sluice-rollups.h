/* sluice-rollups.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "sluice-store.h"

G_BEGIN_DECLS

/* What one minute (or hour, or day) of traffic added up to. */
typedef struct
{
  guint64 requests;
  guint64 errors;
  guint64 cache_hits;
  gint64  tokens_in;
  gint64  tokens_cached;
  gint64  tokens_out;
  double  cost_usd;
  gint64  latency_us;
} SluiceRollup;

#define SLUICE_ROLLUP_HOURS 48

#define SLUICE_TYPE_ROLLUPS (sluice_rollups_get_type ())

G_DECLARE_FINAL_TYPE (SluiceRollups, sluice_rollups, SLUICE, ROLLUPS, GObject)

SluiceRollups *sluice_rollups_new          (SluiceStore        *store);
void           sluice_rollups_set_retention (SluiceRollups     *self,
                                            guint               days);
gboolean       sluice_rollups_load         (SluiceRollups      *self,
                                            gint64              now_us,
                                            GError            **error);
void           sluice_rollups_add          (SluiceRollups      *self,
                                            gint64              now_us,
                                            const char         *dimension,
                                            const char         *key,
                                            const SluiceRollup *amount);
void           sluice_rollups_flush        (SluiceRollups      *self);
void           sluice_rollups_sum          (SluiceRollups      *self,
                                            const char         *dimension,
                                            const char         *key,
                                            gint64              now_us,
                                            guint               from_hours_ago,
                                            guint               to_hours_ago,
                                            SluiceRollup       *sum);
GPtrArray     *sluice_rollups_list_keys    (SluiceRollups      *self,
                                            const char         *dimension);
gsize          sluice_rollups_get_memory   (SluiceRollups      *self);

G_END_DECLS
