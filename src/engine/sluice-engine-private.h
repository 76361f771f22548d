/* sluice-engine-private.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-breaker.h"
#include "sluice-cache.h"
#include "sluice-engine.h"
#include "sluice-limiter.h"
#include "sluice-metrics.h"
#include "sluice-retry-budget.h"
#include "sluice-storm-guard.h"

G_BEGIN_DECLS

struct _SluiceEngine
{
  GObject         parent_instance;

  GMainContext   *context;          /* the one the engine is confined to */
  SluiceClock    *clock;
  SluiceStore    *store;
  SluiceMetrics  *metrics;
  SluiceBreakerBoard *breakers;
  SluiceRetryBudget  *retry_budget;
  SluiceStormGuard   *storm_guard;
  SluiceLimiter      *limiter;
  SluiceCache        *cache;

  GMutex          mutex;            /* guards config and snapshot */
  SluiceConfig   *config;
  gint64          config_version;
  SluiceSnapshot *snapshot;

  GHashTable     *providers;        /* name -> SluiceProvider */
  GSource        *snapshot_source;
  GQueue          recent_alerts;    /* SluiceSnapshotAlert*, newest first */
  guint           snapshot_interval_ms;
  gint64          last_publish_us;
  guint64         n_requests;
  gboolean        shutting_down;
};

/* sluice-pipeline.c */
void _sluice_engine_run_pipeline (SluiceEngine    *self,
                                  SluiceRequest   *request,
                                  SluiceDeltaFunc  on_delta,
                                  gpointer         on_delta_data,
                                  GTask           *task);

G_END_DECLS
