/* sluice-engine-private.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-breaker.h"
#include "sluice-cache.h"
#include "sluice-deferred-queue.h"
#include "sluice-engine.h"
#include "sluice-limiter.h"
#include "sluice-metrics.h"
#include "sluice-observer.h"
#include "sluice-retry-budget.h"
#include "sluice-storm-guard.h"

G_BEGIN_DECLS

typedef struct _SluiceAnswerPacer SluiceAnswerPacer;

void _sluice_answer_pacer_free (SluiceAnswerPacer *pacer);

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
  SluiceObserver     *observer;         /* observability (issue 8) */
  SluiceDeferredQueue *deferred;
  GCancellable       *jobs_cancellable;
  guint               jobs_running;
  gboolean            ticking;
  gpointer            ledger_batch;     /* rows settled this main-loop turn (sluice-pipeline.c) */
  SluiceAnswerPacer  *pacer;            /* answers settled one per iteration (sluice-pipeline-pace.c) */

  GMutex          mutex;            /* guards config and snapshot */
  SluiceConfig   *config;
  gint64          config_version;
  SluiceSnapshot *snapshot;

  GHashTable     *providers;        /* name -> SluiceProvider */
  GSource        *snapshot_source;
  guint           snapshot_interval_ms;
  gint64          last_publish_us;
  guint64         n_requests;
  gboolean        shutting_down;
};

/* sluice-engine.c, used by sluice-engine-admin.c */
char *_sluice_engine_resolve_key (const SluiceProviderConfig *pc);

/* sluice-engine-deferred.c */
gboolean _sluice_engine_start_deferred (SluiceEngine  *self,
                                        GError       **error);
void     _sluice_engine_ensure_deferred_tick (SluiceEngine *self);

/* sluice-engine-routing.c */
SluiceRouteDecision *_sluice_engine_decide_route (SluiceEngine   *self,
                                                  SluiceConfig   *config,
                                                  SluiceLimiter  *limiter,
                                                  SluiceRequest  *request,
                                                  gint64          input_tokens,
                                                  GError        **error);

/* sluice-engine-observe.c */
void _sluice_engine_setup_observer (SluiceEngine *self);

/* sluice-pipeline.c */
void _sluice_engine_run_pipeline (SluiceEngine    *self,
                                  SluiceRequest   *request,
                                  SluiceDeltaFunc  on_delta,
                                  gpointer         on_delta_data,
                                  GTask           *task);
void _sluice_engine_run_pipeline_full (SluiceEngine       *self,
                                       SluiceRequest      *request,
                                       SluiceDeltaFunc     on_delta,
                                       SluiceDispatchFunc  on_dispatch,
                                       gpointer            on_delta_data,
                                       GTask              *task);

/* sluice-engine-embed.c */
SluiceEmbedder *_sluice_engine_new_cache_embedder (SluiceEngine            *self,
                                                   const SluiceCacheConfig *cache);

G_END_DECLS
