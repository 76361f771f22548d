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
  GArray               *policies;        /* SluiceSnapshotPolicy */
  GArray               *alerts;          /* SluiceSnapshotAlert, newest first */
  double                rps_history[SLUICE_SNAPSHOT_HISTORY];
  guint                 n_rps_history;

  /* observability (issue 8), filled by SluiceObserver */
  GArray               *latencies;       /* SluiceModelLatency */
  SluiceLatencySummary  bucket_latency[SLUICE_N_TOKEN_BUCKETS][SLUICE_N_TIME_WINDOWS];
  SluiceLatencySummary  overhead[SLUICE_N_TIME_WINDOWS];
  GArray               *economics;       /* SluiceEconomics */
  double                cost_history[SLUICE_SNAPSHOT_HOURS];  /* oldest first */
  GArray               *quality;         /* SluiceQualityTrend */
  GArray               *drift;           /* SluiceDriftPoint, by route, model, day */
  GArray               *deprecations;    /* SluiceDeprecation */
};

SluiceSnapshot *_sluice_snapshot_new (void);

/* sluice-snapshot-observe.c */
void _sluice_snapshot_init_observe  (SluiceSnapshot *self);
void _sluice_snapshot_clear_observe (SluiceSnapshot *self);

G_END_DECLS
