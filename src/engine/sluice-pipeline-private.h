/* sluice-pipeline-private.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-engine-private.h"
#include "sluice-request-private.h"

G_BEGIN_DECLS

/* What the stages of one request share (sluice-pipeline.c: admit, route,
 * cache, settle; sluice-pipeline-dispatch.c: dispatch; and
 * sluice-pipeline-degrade.c: degrade and the cache entries). */
/* A second model raced beside a slow one (models[].hedge). */
typedef struct
{
  guint               index;         /* its place in the chain */
  SluiceProviderCall *call;
  GCancellable       *cancellable;
  SluiceReservation  *reservation;
  gint64              start_us;
} SluiceHedge;

typedef struct
{
  SluiceEngine       *engine;
  SluiceRequest      *request;
  SluiceConfig       *config;
  GHashTable         *providers;
  SluiceTrace        *trace;
  SluiceResponse     *response;
  SluiceDeltaFunc     on_delta;
  gpointer            on_delta_data;
  gint64              start_us;      /* monotonic */
  gint64              admitted_at;   /* wall clock */
  gint64              deadline_us;   /* monotonic */
  gint64              estimate_in;
  char              **chain;
  guint               chain_index;
  guint               attempt;
  SluiceProviderCall *call;
  gint64              call_start_us;
  gint64              outside_us;    /* provider calls and waits */
  gint64              answered_us;   /* a paced answer's arrival, or 0 */
  gboolean            streamed;
  SluiceLimiter      *limiter;
  SluiceCache        *cache;
  const SluiceTtlPolicy *policy;     /* the task's cache policy, or NULL */
  SluiceReservation  *reservation;   /* the current model's, if any */
  gint64              reserved_out;  /* output tokens it covers */
  gsize               streamed_bytes;
  gboolean            budget_cut;    /* the budget ran out mid-stream */
  char               *refusal;       /* the last limit's refusal */
  gint64              retry_at;      /* wall clock: the limits' earliest room, or -1 */
  SluiceDispatchFunc  on_dispatch;   /* told what answers, before the first delta */
  gboolean            dispatched;
  gboolean            probe;         /* this attempt is a breaker's probe */
  gboolean            too_slow;      /* the latency threshold fired */
  GCancellable       *attempt_cancellable;
  GCancellable       *threshold_cancellable;
  GString            *failures;
  SluiceHedge        *hedge;         /* the racer, while one runs */
  gboolean            hedging;       /* a race was started for this model */
  gboolean            primary_failed; /* ended without an answer mid-race */
  gboolean            primary_lost;  /* the racer won; the primary was cancelled */
  gboolean            decided;       /* one side of the race settled the request */
} RequestState;

static inline gint64
now_mono (RequestState *state)
{
  return sluice_clock_monotonic_us (state->engine->clock);
}

static inline gboolean
request_cancelled (GTask *task)
{
  GCancellable *cancellable = g_task_get_cancellable (task);

  return cancellable != NULL && g_cancellable_is_cancelled (cancellable);
}

/* How long a provider's rate-limit headers are trusted when they carry no
 * reset time of their own. */
#define PROVIDER_WINDOW_MS 1000

#define TRACE(state, stage, duration, what, ...) \
  sluice_trace_add ((state)->trace, (stage), now_mono (state), (duration), (what), __VA_ARGS__)

/* Ownership: the functions of the dispatch chain each take over one
 * reference to the task (the request's own), which the last of them drops
 * once the ledger row is committed and the response returned. */

/* sluice-pipeline-pace.c: %TRUE when the answer waits for a later
 * main-loop iteration, where @callback gets it (and @task) back. */
gboolean _sluice_pipeline_pace (GTask               *task,
                                GObject             *object,
                                GAsyncResult        *result,
                                GAsyncReadyCallback  callback);
gboolean _sluice_pipeline_pacing (SluiceEngine        *engine);

/* sluice-pipeline.c */
void     _sluice_pipeline_settle          (GTask               *task);
void     _sluice_pipeline_fail_request    (GTask               *task,
                                           SluiceRequestStatus  status,
                                           SluiceErrorClass     error_class,
                                           const char          *message);
void     _sluice_pipeline_cancelled       (GTask               *task,
                                           const char          *model);

/* sluice-pipeline-dispatch.c */
void     _sluice_pipeline_dispatch_next   (GTask               *task);
double   _sluice_pipeline_cost_of         (const SluiceModelConfig *mc,
                                           const SluiceUsage   *usage);

/* sluice-pipeline-hedge.c */
gboolean _sluice_pipeline_start_hedge     (GTask               *task);
gboolean _sluice_pipeline_race_primary_done (GTask             *task,
                                           gboolean             answered);
double   _sluice_pipeline_hedge_loser_cost (RequestState       *state);
void     _sluice_pipeline_hedge_free      (SluiceHedge         *hedge);

/* sluice-pipeline-degrade.c */
void     _sluice_pipeline_degrade         (GTask               *task);
void     _sluice_pipeline_fill_query      (RequestState        *state,
                                           SluiceCacheQuery    *query);
void     _sluice_pipeline_store_answer    (RequestState        *state);
void     _sluice_pipeline_notify_dispatch (RequestState        *state,
                                           const char          *model,
                                           const char          *provider);
gboolean _sluice_pipeline_serve_entry     (GTask               *task,
                                           SluiceCacheResult   *result);

G_END_DECLS
