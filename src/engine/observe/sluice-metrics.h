/* sluice-metrics.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-clock.h"
#include "sluice-request.h"
#include "sluice-snapshot.h"

G_BEGIN_DECLS

#define SLUICE_TYPE_METRICS (sluice_metrics_get_type ())

G_DECLARE_FINAL_TYPE (SluiceMetrics, sluice_metrics, SLUICE, METRICS, GObject)

SluiceMetrics  *sluice_metrics_new             (SluiceClock      *clock);
void            sluice_metrics_request_started (SluiceMetrics    *self);
guint           sluice_metrics_get_in_flight   (SluiceMetrics    *self);
void            sluice_metrics_record_request  (SluiceMetrics    *self,
                                                SluiceResponse   *response);
void            sluice_metrics_record_call     (SluiceMetrics    *self,
                                                const char       *model,
                                                const char       *provider,
                                                gint64            latency_us,
                                                SluiceErrorClass  error_class,
                                                const SluiceUsage *usage,
                                                double            cost_usd);
void            sluice_metrics_add_cost_today  (SluiceMetrics    *self,
                                                double            cost_usd);
void            sluice_metrics_note_cache_lookup (SluiceMetrics   *self,
                                                  const char      *task,
                                                  gboolean         hit);
void            sluice_metrics_note_breaker_change (SluiceMetrics *self);
gboolean        sluice_metrics_is_dirty        (SluiceMetrics    *self);
SluiceSnapshot *sluice_metrics_build_snapshot  (SluiceMetrics    *self,
                                                gint64            config_version);

G_END_DECLS
