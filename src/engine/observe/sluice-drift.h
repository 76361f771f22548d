/* sluice-drift.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-local-embedder.h"
#include "sluice-snapshot.h"
#include "sluice-store.h"

G_BEGIN_DECLS

#define SLUICE_DRIFT_MIN_SAMPLES 5
#define SLUICE_DRIFT_DAYS        7

#define SLUICE_TYPE_DRIFT (sluice_drift_get_type ())

G_DECLARE_FINAL_TYPE (SluiceDrift, sluice_drift, SLUICE, DRIFT, GObject)

SluiceDrift *sluice_drift_new       (SluiceLocalEmbedder *embedder,
                                     SluiceStore         *store);
gboolean     sluice_drift_load      (SluiceDrift         *self,
                                     gint64               now_us,
                                     GError             **error);
void         sluice_drift_add       (SluiceDrift         *self,
                                     const char          *route,
                                     const char          *model,
                                     gint64               now_us,
                                     const char          *answer);
double       sluice_drift_distance  (SluiceDrift         *self,
                                     const char          *route,
                                     const char          *model,
                                     gint64               day,
                                     guint               *samples,
                                     guint               *week_samples);
void         sluice_drift_flush     (SluiceDrift         *self);
void         sluice_drift_list      (SluiceDrift         *self,
                                     gint64               now_us,
                                     GArray              *points);
gsize        sluice_drift_get_memory (SluiceDrift        *self);

G_END_DECLS
