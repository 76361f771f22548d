/* sluice-snapshot.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "sluice-types.h"

G_BEGIN_DECLS

typedef enum
{
  SLUICE_MODEL_HEALTH_IDLE,      /* no traffic in the last minute */
  SLUICE_MODEL_HEALTH_HEALTHY,
  SLUICE_MODEL_HEALTH_DEGRADED,  /* some errors in the last minute */
  SLUICE_MODEL_HEALTH_FAILING,   /* most calls failed in the last minute */
} SluiceModelHealth;

typedef struct
{
  guint64 requests;          /* since the engine started */
  guint64 errors;            /* requests that ended without an answer */
  guint64 cache_hits;
  guint   in_flight;
  double  requests_per_s;    /* over the last minute */
  double  error_rate;        /* over the last minute, 0..1 */
  gint64  p50_us;            /* end-to-end latency, last minute */
  gint64  p95_us;
  gint64  p99_us;
  gint64  tokens_in;
  gint64  tokens_cached;
  gint64  tokens_out;
  double  cost_usd;          /* since the engine started */
  double  cost_today_usd;    /* since local midnight, from the ledger */
} SluiceSnapshotTotals;

typedef struct
{
  char              *model;
  char              *provider;
  guint64            calls;          /* provider calls, retries included */
  guint64            errors;
  double             error_rate;     /* last minute */
  gint64             p50_us;         /* successful calls, last minute */
  gint64             p95_us;
  gint64             p99_us;
  gint64             tokens_in;
  gint64             tokens_out;
  double             cost_usd;
  SluiceModelHealth  health;
  SluiceErrorClass   last_error;
  int                breaker_state;        /* SluiceBreakerState */
  gint64             breaker_open_until_us; /* wall clock; 0 unless open */
  gint64             held_until_us;        /* Retry-After hold; 0 when none */
  guint              breaker_trips;
  gboolean           breaker_forced;
  gint64             provider_requests_left; /* its rate-limit headers; -1 unknown */
  gint64             provider_tokens_left;
  gint64             provider_headers_at_us; /* 0 when it never sent any */
} SluiceModelStats;

/* The cache's counters since the engine started, and its size now. */
typedef struct
{
  guint64 hits_exact;
  guint64 hits_semantic;
  guint64 hits_stale;
  guint64 misses;
  guint64 bypassed;
  guint64 stores;
  guint64 evictions;
  gint64  tokens_saved;
  double  usd_saved;
  guint   n_entries;
  guint64 n_bytes;
} SluiceSnapshotCache;

/* The cache's lookups and hits under one TTL policy (task type). */
typedef struct
{
  char    *task;
  guint64  lookups;
  guint64  hits;
} SluiceSnapshotPolicy;

/* One limit or budget counter as last seen: rate-limit headroom and budget
 * burn. @kind: 0 requests, 1 tokens, 2 micro-dollars, 3 in flight. */
typedef struct
{
  char     *label;
  char     *code;
  int       kind;
  gboolean  budget;
  gint64    window_s;
  gint64    limit;
  gint64    used;
  gint64    updated_at_us;
} SluiceSnapshotLimit;

/* An engine event worth an operator's attention, from the one persisted
 * alert stream (src/engine/observe/sluice-alerts.c). */
typedef struct
{
  gint64    time_us;
  char     *severity;   /* "info", "warning", "critical" */
  char     *code;       /* e.g. "budget.user_tokens_per_hour", "breaker.open" */
  char     *message;
  gint64    id;         /* for sluice_engine_ack_alert() */
  gboolean  acknowledged;
  guint     count;      /* occurrences folded into this one (deduplicated) */
} SluiceSnapshotAlert;

/* observability (issue 8): latency windows, economics, quality, drift,
 * deprecations. */
typedef enum
{
  SLUICE_TIME_WINDOW_1M,
  SLUICE_TIME_WINDOW_1H,
  SLUICE_TIME_WINDOW_24H,
  SLUICE_N_TIME_WINDOWS,
} SluiceTimeWindow;

/* Percentiles from a log-bucketed histogram (within 1.6 % of exact). */
typedef struct
{
  guint64 count;
  gint64  p50_us;
  gint64  p95_us;
  gint64  p99_us;
  gint64  max_us;
  double  sum_us;
} SluiceLatencySummary;

typedef struct
{
  char                 *model;
  SluiceLatencySummary  total[SLUICE_N_TIME_WINDOWS];   /* end to end */
  SluiceLatencySummary  ttft[SLUICE_N_TIME_WINDOWS];    /* time to first token */
  guint64               total_count;               /* since start */
  double                total_sum_us;
  guint64               ttft_count;
  double                ttft_sum_us;
} SluiceModelLatency;

/* Input sizes: 0–1K, 1K–10K, 10K–50K, 50K+ tokens. */
#define SLUICE_N_TOKEN_BUCKETS 4

/* Token economics of one model, user or route over the last 24 hours and
 * the 24 hours before, from the per-minute rollups (they survive a
 * restart). */
typedef struct
{
  char    *dimension;        /* "model", "user" or "route" */
  char    *key;
  guint64  requests;
  guint64  errors;
  guint64  cache_hits;
  gint64   tokens_in;
  gint64   tokens_cached;
  gint64   tokens_out;
  double   cost_usd;
  gint64   latency_us;       /* summed, for the average */
  guint64  prev_requests;
  double   prev_cost_usd;
} SluiceEconomics;

#define SLUICE_SNAPSHOT_HOURS 24

/* Quality scores (0..1) of a route's sampled answers. Hourly points are
 * oldest first; NaN where nothing was scored. */
typedef struct
{
  char   *route;
  double  avg_24h;
  double  avg_prev_24h;
  guint   n_24h;
  guint   n_prev_24h;
  double  relevance_24h;
  double  safety_24h;
  double  hourly[SLUICE_SNAPSHOT_HOURS];
} SluiceQualityTrend;

/* The cosine distance of one day's answer centroid to the week before. */
typedef struct
{
  char   *route;
  char   *model;
  gint64  day_us;            /* the day's start (UTC) */
  double  distance;          /* < 0 when there is no previous week */
  guint   samples;
} SluiceDriftPoint;

typedef struct
{
  char *model;
  char *retires;             /* YYYY-MM-DD */
  char *replacement;         /* or NULL */
  int   days_left;           /* <= 0 once retired */
} SluiceDeprecation;

#define SLUICE_SNAPSHOT_HISTORY 60   /* one-second buckets kept for sparklines */

#define SLUICE_TYPE_SNAPSHOT (sluice_snapshot_get_type ())

GType                       sluice_snapshot_get_type          (void) G_GNUC_CONST;
SluiceSnapshot             *sluice_snapshot_ref               (SluiceSnapshot *self);
void                        sluice_snapshot_unref             (SluiceSnapshot *self);
guint64                     sluice_snapshot_get_sequence      (SluiceSnapshot *self);
gint64                      sluice_snapshot_get_time_us       (SluiceSnapshot *self);
gint64                      sluice_snapshot_get_config_version (SluiceSnapshot *self);
const SluiceSnapshotTotals *sluice_snapshot_get_totals        (SluiceSnapshot *self);
guint                       sluice_snapshot_get_n_models      (SluiceSnapshot *self);
const SluiceModelStats     *sluice_snapshot_get_model         (SluiceSnapshot *self,
                                                               guint           index);
const SluiceModelStats     *sluice_snapshot_lookup_model      (SluiceSnapshot *self,
                                                               const char     *model);
const double               *sluice_snapshot_get_rps_history   (SluiceSnapshot *self,
                                                               guint          *n_points);
const SluiceSnapshotCache  *sluice_snapshot_get_cache         (SluiceSnapshot *self);
guint                       sluice_snapshot_get_n_policies    (SluiceSnapshot *self);
const SluiceSnapshotPolicy *sluice_snapshot_get_policy        (SluiceSnapshot *self,
                                                               guint           index);
guint                       sluice_snapshot_get_n_limits      (SluiceSnapshot *self);
const SluiceSnapshotLimit  *sluice_snapshot_get_limit         (SluiceSnapshot *self,
                                                               guint           index);
guint                       sluice_snapshot_get_n_alerts      (SluiceSnapshot *self);
const SluiceSnapshotAlert  *sluice_snapshot_get_alert         (SluiceSnapshot *self,
                                                               guint           index);
const char                 *sluice_model_health_to_string     (SluiceModelHealth health);

/* observability (issue 8) */
const SluiceModelLatency   *sluice_snapshot_lookup_latency    (SluiceSnapshot *self,
                                                               const char     *model);
guint                       sluice_snapshot_get_n_latencies   (SluiceSnapshot *self);
const SluiceModelLatency   *sluice_snapshot_get_latency       (SluiceSnapshot *self,
                                                               guint           index);
const SluiceLatencySummary *sluice_snapshot_get_bucket_latency (SluiceSnapshot *self,
                                                               guint           bucket,
                                                               SluiceTimeWindow    window);
const char                 *sluice_snapshot_bucket_name       (guint           bucket);
const SluiceLatencySummary *sluice_snapshot_get_overhead      (SluiceSnapshot *self,
                                                               SluiceTimeWindow    window);
guint                       sluice_snapshot_get_n_economics   (SluiceSnapshot *self);
const SluiceEconomics      *sluice_snapshot_get_economics     (SluiceSnapshot *self,
                                                               guint           index);
const SluiceEconomics      *sluice_snapshot_lookup_economics  (SluiceSnapshot *self,
                                                               const char     *dimension,
                                                               const char     *key);
const double               *sluice_snapshot_get_cost_history  (SluiceSnapshot *self,
                                                               guint          *n_points);
guint                       sluice_snapshot_get_n_quality     (SluiceSnapshot *self);
const SluiceQualityTrend   *sluice_snapshot_get_quality       (SluiceSnapshot *self,
                                                               guint           index);
const SluiceQualityTrend   *sluice_snapshot_lookup_quality    (SluiceSnapshot *self,
                                                               const char     *route);
guint                       sluice_snapshot_get_n_drift       (SluiceSnapshot *self);
const SluiceDriftPoint     *sluice_snapshot_get_drift         (SluiceSnapshot *self,
                                                               guint           index);
guint                       sluice_snapshot_get_n_deprecations (SluiceSnapshot *self);
const SluiceDeprecation    *sluice_snapshot_get_deprecation   (SluiceSnapshot *self,
                                                               guint           index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SluiceSnapshot, sluice_snapshot_unref)

G_END_DECLS
