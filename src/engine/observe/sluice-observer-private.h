/* sluice-observer-private.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-drift.h"
#include "sluice-histogram.h"
#include "sluice-observer.h"
#include "sluice-quality.h"
#include "sluice-rollups.h"
#include "sluice-webhook.h"

G_BEGIN_DECLS

typedef struct
{
  char                 *model;
  SluiceLatencyWindows *total;
  SluiceLatencyWindows *ttft;
} ModelSeries;

struct _SluiceObserver
{
  GObject               parent_instance;

  SluiceClock          *clock;
  SluiceStore          *store;
  SluiceConfig         *config;
  SluiceLocalEmbedder  *embedder;
  SluiceAlerts         *alerts;
  SluiceRollups        *rollups;
  SluiceQuality        *quality;
  SluiceDrift          *drift;
  SluiceWebhook        *webhook;
  char                 *webhook_override;   /* sluiced --alert-webhook */
  guint                 webhook_override_retries;

  GHashTable           *models;             /* name → ModelSeries */
  SluiceLatencyWindows *buckets[SLUICE_N_TOKEN_BUCKETS];
  SluiceLatencyWindows *overhead;

  SluiceJudgeFunc       judge_func;
  gpointer              judge_data;
  gint64                judge_day;
  double                judge_spent_usd;

  gint64                minute;
  gint64                checked_day;        /* deprecations */
};

#define OBSERVE_DAY_US  (86400 * (gint64) G_USEC_PER_SEC)

/* sluice-observer.c */
gboolean _sluice_observer_sampled (const char *request_id,
                                   const char *salt,
                                   double      rate);

/* sluice-observer-judge.c */
void _sluice_observer_maybe_judge (SluiceObserver *self,
                                   SluiceRequest  *request,
                                   SluiceResponse *response,
                                   gint64          now);

/* sluice-observer-snapshot.c */
void _sluice_observer_fill_latency   (SluiceObserver *self,
                                      SluiceSnapshot *snapshot,
                                      gint64          now);
void _sluice_observer_fill_economics (SluiceObserver *self,
                                      SluiceSnapshot *snapshot,
                                      gint64          now);

G_END_DECLS
