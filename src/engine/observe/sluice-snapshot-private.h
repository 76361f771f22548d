/* sluice-snapshot-private.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-snapshot.h"

G_BEGIN_DECLS

struct _SluiceSnapshot
{
  guint64               sequence;
  gint64                time_us;
  gint64                config_version;
  SluiceSnapshotTotals  totals;
  GArray               *models;          /* SluiceModelStats */
  SluiceSnapshotCache   cache;
  GArray               *limits;          /* SluiceSnapshotLimit */
  GArray               *alerts;          /* SluiceSnapshotAlert, newest first */
  double                rps_history[SLUICE_SNAPSHOT_HISTORY];
  guint                 n_rps_history;
};

SluiceSnapshot *_sluice_snapshot_new (void);

G_END_DECLS
