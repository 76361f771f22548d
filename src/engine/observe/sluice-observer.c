/* sluice-observer.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-observe"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sluice-deprecation.h"
#include "sluice-observe-sql.h"
#include "sluice-observer-private.h"

/* The observability part's façade. The pipeline hands it each settled
 * request (sluice_observer_record): latency goes into HDR histograms over
 * sliding windows, tokens and dollars into per-minute rollups, a sample of
 * answers into quality scoring and drift; each check that trips raises an
 * alert in the one stream, which the webhook (if any) delivers. Everything
 * runs on the engine's thread; the store does the I/O on its own. */

/* Fewer requests than this on either side is not a trend. */
#define MIN_COST_REQUESTS    10
#define MIN_QUALITY_SAMPLES  5
#define WEBHOOK_BACKOFF_MS   500

G_DEFINE_FINAL_TYPE (SluiceObserver, sluice_observer, G_TYPE_OBJECT)

static void
model_series_free (gpointer data)
{
  ModelSeries *m = data;

  g_free (m->model);
  sluice_latency_windows_free (m->total);
  sluice_latency_windows_free (m->ttft);
  g_free (m);
}

static void
sluice_observer_dispose (GObject *object)
{
  SluiceObserver *self = SLUICE_OBSERVER (object);

  if (self->alerts != NULL)
    g_signal_handlers_disconnect_by_data (self->alerts, self);
  g_clear_object (&self->webhook);

  G_OBJECT_CLASS (sluice_observer_parent_class)->dispose (object);
}

static void
sluice_observer_finalize (GObject *object)
{
  SluiceObserver *self = SLUICE_OBSERVER (object);

  g_clear_object (&self->clock);
  g_clear_object (&self->store);
  g_clear_object (&self->config);
  g_clear_object (&self->embedder);
  g_clear_object (&self->alerts);
  g_clear_object (&self->rollups);
  g_clear_object (&self->quality);
  g_clear_object (&self->drift);
  g_free (self->webhook_override);
  g_clear_pointer (&self->models, g_hash_table_unref);
  for (guint i = 0; i < SLUICE_N_TOKEN_BUCKETS; i++)
    sluice_latency_windows_free (self->buckets[i]);
  sluice_latency_windows_free (self->overhead);

  G_OBJECT_CLASS (sluice_observer_parent_class)->finalize (object);
}

static void
sluice_observer_class_init (SluiceObserverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sluice_observer_dispose;
  object_class->finalize = sluice_observer_finalize;
}

static void
sluice_observer_init (SluiceObserver *self)
{
  self->models = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, model_series_free);
  for (guint i = 0; i < SLUICE_N_TOKEN_BUCKETS; i++)
    self->buckets[i] = sluice_latency_windows_new ();
  self->overhead = sluice_latency_windows_new ();
  self->minute = -1;
  self->checked_day = -1;
}

static void
alert_raised_cb (SluiceAlerts      *alerts,
                 const SluiceAlert *alert,
                 SluiceObserver    *self)
{
  if (self->webhook != NULL)
    sluice_webhook_deliver (self->webhook, alert);
}

static void
load_score_row (sqlite3_stmt *stmt,
                gpointer      data)
{
  SluiceObserver *self = data;
  SluiceQualityScore score = { .score = sqlite3_column_double (stmt, 2),
                               .relevance = sqlite3_column_double (stmt, 3),
                               .safety = sqlite3_column_double (stmt, 4) };

  sluice_quality_add (self->quality, (const char *) sqlite3_column_text (stmt, 1),
                      sqlite3_column_int64 (stmt, 0), &score);
}

static gboolean
load (SluiceObserver  *self,
      GError         **error)
{
  gint64 now = sluice_clock_now_us (self->clock);

  if (!sluice_alerts_load (self->alerts, error) ||
      !sluice_rollups_load (self->rollups, now, error) ||
      !sluice_drift_load (self->drift, now, error))
    return FALSE;
  if (self->store == NULL)
    return TRUE;
  return _sluice_observe_query (self->store,
                                "SELECT time_us, route, score, relevance, safety "
                                "FROM quality_scores WHERE time_us >= ? AND route IS NOT NULL",
                                g_variant_new ("(x)", now - 2 * OBSERVE_DAY_US),
                                load_score_row, self, error);
}

/**
 * sluice_observer_new:
 * @store: (nullable): where rollups, scores, centroids and alerts are
 *   kept; %NULL keeps everything in memory
 *
 * Reads back what the store holds of the last days.
 */
SluiceObserver *
sluice_observer_new (SluiceClock  *clock,
                     SluiceStore  *store,
                     GError      **error)
{
  g_autoptr(SluiceObserver) self = g_object_new (SLUICE_TYPE_OBSERVER, NULL);

  self->clock = g_object_ref (clock);
  if (store != NULL)
    self->store = g_object_ref (store);
  self->embedder = sluice_local_embedder_new (NULL);
  self->alerts = sluice_alerts_new (clock, store);
  self->rollups = sluice_rollups_new (store);
  self->quality = sluice_quality_new (self->embedder);
  self->drift = sluice_drift_new (self->embedder, store);
  g_signal_connect (self->alerts, "raised", G_CALLBACK (alert_raised_cb), self);
  if (!load (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

static void
update_webhook (SluiceObserver *self)
{
  const SluiceMonitoringConfig *m = self->config != NULL
                                    ? sluice_config_get_monitoring (self->config) : NULL;
  const char *url = self->webhook_override != NULL ? self->webhook_override
                    : m != NULL ? m->webhook_url : NULL;
  guint retries = self->webhook_override != NULL ? self->webhook_override_retries
                  : m != NULL ? m->webhook_retries : 3;

  if (self->webhook != NULL && g_strcmp0 (sluice_webhook_get_url (self->webhook), url) == 0)
    return;
  g_clear_object (&self->webhook);
  if (url != NULL)
    self->webhook = sluice_webhook_new (self->clock, url, retries, WEBHOOK_BACKOFF_MS);
}

void
sluice_observer_set_config (SluiceObserver *self,
                            SluiceConfig   *config)
{
  const SluiceMonitoringConfig *m;

  g_return_if_fail (SLUICE_IS_OBSERVER (self));
  g_return_if_fail (SLUICE_IS_CONFIG (config));

  g_set_object (&self->config, config);
  m = sluice_config_get_monitoring (config);
  sluice_quality_set_blocklist (self->quality, (const char * const *) m->blocklist);
  sluice_quality_clear_formats (self->quality);
  for (guint i = 0; i < m->formats->len; i++)
    {
      const SluiceFormatCheck *check = g_ptr_array_index (m->formats, i);

      sluice_quality_set_format (self->quality, check->route, check->regex, check->schema);
    }
  sluice_rollups_set_retention (self->rollups, m->retention_days);
  update_webhook (self);
  self->checked_day = -1;
  sluice_observer_tick (self);
}

/**
 * sluice_observer_set_webhook_url:
 * @url: (nullable): overrides the config's webhook; %NULL to follow it
 */
void
sluice_observer_set_webhook_url (SluiceObserver *self,
                                 const char     *url,
                                 guint           retries)
{
  g_return_if_fail (SLUICE_IS_OBSERVER (self));

  g_free (self->webhook_override);
  self->webhook_override = g_strdup (url);
  self->webhook_override_retries = retries;
  g_clear_object (&self->webhook);
  update_webhook (self);
}

void
sluice_observer_set_judge_func (SluiceObserver  *self,
                                SluiceJudgeFunc  func,
                                gpointer         user_data)
{
  g_return_if_fail (SLUICE_IS_OBSERVER (self));

  self->judge_func = func;
  self->judge_data = user_data;
}

SluiceAlerts *
sluice_observer_get_alerts (SluiceObserver *self)
{
  g_return_val_if_fail (SLUICE_IS_OBSERVER (self), NULL);

  return self->alerts;
}

/**
 * sluice_observer_get_webhook:
 *
 * Returns: (transfer none) (nullable) (type SluiceWebhook): the webhook
 */
gpointer
sluice_observer_get_webhook (SluiceObserver *self)
{
  g_return_val_if_fail (SLUICE_IS_OBSERVER (self), NULL);

  return self->webhook;
}

gboolean
sluice_observer_raise (SluiceObserver *self,
                       const char     *severity,
                       const char     *code,
                       const char     *key,
                       gint64          dedup_s,
                       const char     *message)
{
  g_return_val_if_fail (SLUICE_IS_OBSERVER (self), FALSE);

  return sluice_alerts_raise (self->alerts, severity, code, key, dedup_s, message);
}

/* A stable draw in [0, 1) per request and purpose, so a request is
 * sampled (or not) the same way wherever it is looked at. */
static double
draw (const char *request_id,
      const char *salt)
{
  g_autofree char *text = g_strconcat (salt, request_id != NULL ? request_id : "", NULL);
  guint32 h = 2166136261u;

  for (const char *p = text; *p != '\0'; p++)
    h = (h ^ (guchar) *p) * 16777619u;
  return h / 4294967296.0;
}

gboolean
_sluice_observer_sampled (const char *request_id,
                          const char *salt,
                          double      rate)
{
  return rate >= 1.0 || (rate > 0 && draw (request_id, salt) < rate);
}

static char *
day_key (gint64 now_us)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (now_us / G_USEC_PER_SEC);

  return g_date_time_format (when, "%Y-%m-%d");
}

static guint
bucket_of (gint64 input_tokens)
{
  if (input_tokens < 1000)
    return 0;
  if (input_tokens < 10000)
    return 1;
  if (input_tokens < 50000)
    return 2;
  return 3;
}

static void
record_latency (SluiceObserver *self,
                SluiceResponse *response,
                gint64          now)
{
  const char *model = sluice_response_get_model (response);
  gint64 latency = sluice_response_get_latency_us (response);
  gint64 ttft = sluice_response_get_ttft_us (response);
  ModelSeries *m;

  sluice_latency_windows_record (self->overhead, now, sluice_response_get_overhead_us (response));
  if (model == NULL)
    return;
  m = g_hash_table_lookup (self->models, model);
  if (m == NULL)
    {
      m = g_new0 (ModelSeries, 1);
      m->model = g_strdup (model);
      m->total = sluice_latency_windows_new ();
      m->ttft = sluice_latency_windows_new ();
      g_hash_table_insert (self->models, m->model, m);
    }
  sluice_latency_windows_record (m->total, now, latency);
  if (ttft >= 0)
    sluice_latency_windows_record (m->ttft, now, ttft);
  sluice_latency_windows_record (self->buckets[bucket_of (sluice_response_get_usage (response)->input_tokens)],
                                 now, latency);
}

static void
check_cost (SluiceObserver *self,
            gint64          now)
{
  const SluiceMonitoringConfig *m = sluice_config_get_monitoring (self->config);
  SluiceRollup today, before;
  double avg_today, avg_before;
  g_autofree char *key = NULL;
  g_autofree char *message = NULL;

  sluice_rollups_sum (self->rollups, "total", "all", now, 24, 0, &today);
  sluice_rollups_sum (self->rollups, "total", "all", now, 48, 24, &before);
  if (today.requests < MIN_COST_REQUESTS || before.requests < MIN_COST_REQUESTS)
    return;
  avg_today = today.cost_usd / today.requests;
  avg_before = before.cost_usd / before.requests;
  if (avg_before <= 0 || avg_today <= avg_before * (1 + m->cost_jump_threshold))
    return;
  key = day_key (now);
  message = g_strdup_printf ("The average cost per request rose %.0f%% day over day "
                             "($%.6f against $%.6f; the threshold is %.0f%%)",
                             (avg_today / avg_before - 1) * 100, avg_today, avg_before,
                             m->cost_jump_threshold * 100);
  sluice_alerts_raise (self->alerts, "warning", "cost.day_over_day", key,
                       SLUICE_ALERT_DEDUP_FOREVER, message);
}

static void
record_economics (SluiceObserver *self,
                  SluiceRequest  *request,
                  SluiceResponse *response,
                  gint64          now)
{
  SluiceRequestStatus status = sluice_response_get_status (response);
  SluiceCacheStatus cache = sluice_response_get_cache_status (response);
  const SluiceUsage *usage = sluice_response_get_usage (response);
  const char *model = sluice_response_get_model (response);
  const char *user = sluice_request_get_user (request);
  const char *route = sluice_response_get_route (response);
  SluiceRollup amount = {
    .requests = 1,
    .errors = status == SLUICE_REQUEST_STATUS_ERROR || status == SLUICE_REQUEST_STATUS_REFUSED,
    .cache_hits = cache == SLUICE_CACHE_STATUS_EXACT || cache == SLUICE_CACHE_STATUS_SEMANTIC ||
                  cache == SLUICE_CACHE_STATUS_STALE,
    .tokens_in = usage->input_tokens,
    .tokens_cached = usage->cached_input_tokens,
    .tokens_out = usage->output_tokens,
    .cost_usd = sluice_response_get_cost_usd (response),
    .latency_us = sluice_response_get_latency_us (response),
  };

  sluice_rollups_add (self->rollups, now, "total", "all", &amount);
  sluice_rollups_add (self->rollups, now, "model", model != NULL ? model : "(none)", &amount);
  sluice_rollups_add (self->rollups, now, "user", user != NULL ? user : "anonymous", &amount);
  sluice_rollups_add (self->rollups, now, "route", route != NULL ? route : "(none)", &amount);
  check_cost (self, now);
}

static void
check_quality (SluiceObserver *self,
               const char     *route,
               gint64          now)
{
  const SluiceMonitoringConfig *m = sluice_config_get_monitoring (self->config);
  SluiceQualityTrend trend;
  g_autofree char *day = NULL;
  g_autofree char *key = NULL;
  g_autofree char *message = NULL;

  sluice_quality_trend (self->quality, route, now, &trend);
  if (trend.n_24h < MIN_QUALITY_SAMPLES || trend.n_prev_24h < MIN_QUALITY_SAMPLES ||
      !(trend.avg_prev_24h > 0) ||
      (trend.avg_prev_24h - trend.avg_24h) / trend.avg_prev_24h <= m->quality_drop_threshold)
    return;
  day = day_key (now);
  key = g_strdup_printf ("%s|%s", route, day);
  message = g_strdup_printf ("Answer quality on %s fell %.0f%%: %.2f over the last 24 hours "
                             "against %.2f the day before (%u and %u answers scored)", route,
                             (1 - trend.avg_24h / trend.avg_prev_24h) * 100, trend.avg_24h,
                             trend.avg_prev_24h, trend.n_24h, trend.n_prev_24h);
  sluice_alerts_raise (self->alerts, "warning", "quality.drop", key,
                       SLUICE_ALERT_DEDUP_FOREVER, message);
}

static void
score_quality (SluiceObserver *self,
               SluiceRequest  *request,
               SluiceResponse *response,
               gint64          now)
{
  const char *route = sluice_response_get_route (response);
  SluiceQualityScore score;

  sluice_quality_score (self->quality, request, response, &score);
  sluice_quality_add (self->quality, route, now, &score);
  if (self->store != NULL)
    _sluice_observe_exec (self->store,
                          "INSERT INTO quality_scores (time_us, request_id, route, model, relevance, "
                          "grounding, format, safety, score) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          g_variant_new ("(xsmsmsdddd)", now, sluice_response_get_request_id (response),
                                         route, sluice_response_get_model (response),
                                         score.relevance, score.grounding, score.format,
                                         score.safety, score.score));
  check_quality (self, route, now);
  _sluice_observer_maybe_judge (self, request, response, now);
}

static void
watch_drift (SluiceObserver *self,
             SluiceResponse *response,
             gint64          now)
{
  const SluiceMonitoringConfig *m = sluice_config_get_monitoring (self->config);
  const char *route = sluice_response_get_route (response);
  const char *model = sluice_response_get_model (response);
  g_autofree char *day = NULL;
  g_autofree char *key = NULL;
  g_autofree char *message = NULL;
  guint n = 0, week = 0;
  double distance;

  sluice_drift_add (self->drift, route, model, now, sluice_response_get_content (response));
  distance = sluice_drift_distance (self->drift, route, model, now / OBSERVE_DAY_US, &n, &week);
  if (n < SLUICE_DRIFT_MIN_SAMPLES || week < SLUICE_DRIFT_MIN_SAMPLES || distance <= m->drift_threshold)
    return;
  day = day_key (now);
  key = g_strdup_printf ("%s|%s|%s", route, model, day);
  message = g_strdup_printf ("The answers of %s on %s drifted: today's centroid is %.2f away "
                             "(cosine distance) from the previous week's; the threshold is %.2f",
                             model, route, distance, m->drift_threshold);
  sluice_alerts_raise (self->alerts, "warning", "drift.detected", key,
                       SLUICE_ALERT_DEDUP_FOREVER, message);
}

/**
 * sluice_observer_record:
 *
 * Takes in one settled request: called once per request, at settle.
 */
void
sluice_observer_record (SluiceObserver *self,
                        SluiceRequest  *request,
                        SluiceResponse *response)
{
  const SluiceMonitoringConfig *m;
  const char *content = sluice_response_get_content (response);
  const char *id = sluice_response_get_request_id (response);
  gint64 now;
  gboolean answered;

  g_return_if_fail (SLUICE_IS_OBSERVER (self));
  g_return_if_fail (self->config != NULL);

  now = sluice_clock_now_us (self->clock);
  m = sluice_config_get_monitoring (self->config);
  record_latency (self, response, now);
  record_economics (self, request, response, now);
  if (now / (60 * G_USEC_PER_SEC) != self->minute)
    {
      self->minute = now / (60 * G_USEC_PER_SEC);
      sluice_drift_flush (self->drift);
    }

  answered = sluice_response_get_status (response) == SLUICE_REQUEST_STATUS_OK &&
             sluice_response_get_cache_status (response) != SLUICE_CACHE_STATUS_STALE &&
             content != NULL && sluice_response_get_route (response) != NULL &&
             g_strcmp0 (sluice_request_get_user (request), SLUICE_OBSERVER_JUDGE_USER) != 0;
  if (!answered)
    return;
  if (_sluice_observer_sampled (id, "quality", m->quality_sample_rate))
    score_quality (self, request, response, now);
  if (sluice_response_get_model (response) != NULL && *content != '\0' &&
      _sluice_observer_sampled (id, "drift", m->drift_sample_rate))
    watch_drift (self, response, now);
}

/* Time-driven checks: the deprecation calendar, once a day (and after
 * each config). */
void
sluice_observer_tick (SluiceObserver *self)
{
  gint64 now;

  g_return_if_fail (SLUICE_IS_OBSERVER (self));

  now = sluice_clock_now_us (self->clock);
  if (self->config == NULL || now / OBSERVE_DAY_US == self->checked_day)
    return;
  self->checked_day = now / OBSERVE_DAY_US;
  sluice_deprecation_check (self->config, now, self->alerts);
}

/* Queues what is only in memory (this minute's rollups, today's drift
 * sums) for the store; sluice_store_flush() then waits for it. */
void
sluice_observer_flush (SluiceObserver *self)
{
  g_return_if_fail (SLUICE_IS_OBSERVER (self));

  sluice_rollups_flush (self->rollups);
  sluice_drift_flush (self->drift);
}

gsize
sluice_observer_get_memory (SluiceObserver *self)
{
  gsize total = sizeof *self + sluice_rollups_get_memory (self->rollups) +
                sluice_drift_get_memory (self->drift);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->models);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    total += sizeof (ModelSeries) +
             sluice_latency_windows_get_memory (((ModelSeries *) value)->total) +
             sluice_latency_windows_get_memory (((ModelSeries *) value)->ttft);
  return total;
}
