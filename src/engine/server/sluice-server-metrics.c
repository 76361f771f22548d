/* sluice-server-metrics.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-server"

#include "config.h"

#include <string.h>

#include "sluice-breaker.h"
#include "sluice-server-private.h"

/* GET /metrics (Prometheus text format 0.0.4, from the engine's snapshot
 * and the gateway's own counters), GET /healthz and GET /readyz. */

static void
family (GString    *out,
        const char *name,
        const char *type,
        const char *help)
{
  g_string_append_printf (out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
append_label_value (GString    *out,
                    const char *value)
{
  for (const char *p = value != NULL ? value : ""; *p != '\0'; p++)
    {
      if (*p == '\\' || *p == '"')
        g_string_append_c (out, '\\');
      if (*p == '\n')
        g_string_append (out, "\\n");
      else
        g_string_append_c (out, *p);
    }
}

/* One sample; @labels alternates names and values, NULL-terminated. */
static void
sample (GString    *out,
        const char *name,
        double      value,
        ...)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  const char *label;
  gboolean first = TRUE;
  va_list args;

  g_string_append (out, name);
  va_start (args, value);
  while ((label = va_arg (args, const char *)) != NULL)
    {
      const char *label_value = va_arg (args, const char *);

      g_string_append (out, first ? "{" : ",");
      g_string_append_printf (out, "%s=\"", label);
      append_label_value (out, label_value);
      g_string_append_c (out, '"');
      first = FALSE;
    }
  va_end (args);
  if (!first)
    g_string_append_c (out, '}');
  /* Counts print as integers; other values with ten significant digits. */
  if (value == (double) (gint64) value && ABS (value) < 9007199254740992.0)
    g_string_append_printf (out, " %" G_GINT64_FORMAT "\n", (gint64) value);
  else
    g_string_append_printf (out, " %s\n", g_ascii_formatd (buffer, sizeof buffer, "%.10g", value));
}

static const char *quantile_names[] = { "0.5", "0.95", "0.99" };

static void
append_totals (GString                    *out,
               const SluiceSnapshotTotals *t)
{
  gint64 latencies[] = { t->p50_us, t->p95_us, t->p99_us };

  family (out, "sluice_requests_total", "counter", "Requests the engine settled since it started.");
  sample (out, "sluice_requests_total", t->requests, NULL);
  family (out, "sluice_request_errors_total", "counter",
          "Requests that ended without an answer.");
  sample (out, "sluice_request_errors_total", t->errors, NULL);
  family (out, "sluice_requests_in_flight", "gauge", "Requests the engine is working on.");
  sample (out, "sluice_requests_in_flight", t->in_flight, NULL);
  family (out, "sluice_requests_per_second", "gauge", "Request rate over the last minute.");
  sample (out, "sluice_requests_per_second", t->requests_per_s, NULL);
  family (out, "sluice_error_ratio", "gauge", "Share of requests that failed, last minute.");
  sample (out, "sluice_error_ratio", t->error_rate, NULL);
  family (out, "sluice_request_latency_seconds", "summary",
          "End-to-end latency quantiles over the last minute.");
  for (guint i = 0; i < G_N_ELEMENTS (latencies); i++)
    sample (out, "sluice_request_latency_seconds", latencies[i] / 1e6,
            "quantile", quantile_names[i], NULL);
  family (out, "sluice_tokens_total", "counter", "Tokens by kind since the engine started.");
  sample (out, "sluice_tokens_total", t->tokens_in, "kind", "input", NULL);
  sample (out, "sluice_tokens_total", t->tokens_cached, "kind", "cached_input", NULL);
  sample (out, "sluice_tokens_total", t->tokens_out, "kind", "output", NULL);
  family (out, "sluice_cost_usd_total", "counter", "Spending in US dollars since the engine started.");
  sample (out, "sluice_cost_usd_total", t->cost_usd, NULL);
  family (out, "sluice_cost_today_usd", "gauge", "Spending in US dollars since local midnight.");
  sample (out, "sluice_cost_today_usd", t->cost_today_usd, NULL);
  family (out, "sluice_cache_hits_total", "counter", "Requests answered from the cache.");
  sample (out, "sluice_cache_hits_total", t->cache_hits, NULL);
}

static void
model_sample (GString                *out,
              const char             *name,
              double                  value,
              const SluiceModelStats *m,
              const char             *label,
              const char             *label_value)
{
  if (label != NULL)
    sample (out, name, value, "model", m->model, "provider", m->provider,
            label, label_value, NULL);
  else
    sample (out, name, value, "model", m->model, "provider", m->provider, NULL);
}

typedef enum
{
  MODEL_CALLS,
  MODEL_ERRORS,
  MODEL_LATENCY,
  MODEL_TOKENS,
  MODEL_COST,
  MODEL_HEALTH,
} ModelFamily;

static void
model_family_sample (GString                *out,
                     const char             *name,
                     ModelFamily             kind,
                     const SluiceModelStats *m)
{
  gint64 latencies[] = { m->p50_us, m->p95_us, m->p99_us };

  switch (kind)
    {
    case MODEL_CALLS:
      model_sample (out, name, m->calls, m, NULL, NULL);
      break;
    case MODEL_ERRORS:
      model_sample (out, name, m->errors, m, NULL, NULL);
      break;
    case MODEL_LATENCY:
      for (guint q = 0; q < G_N_ELEMENTS (latencies); q++)
        model_sample (out, name, latencies[q] / 1e6, m, "quantile", quantile_names[q]);
      break;
    case MODEL_TOKENS:
      model_sample (out, name, m->tokens_in, m, "kind", "input");
      model_sample (out, name, m->tokens_out, m, "kind", "output");
      break;
    case MODEL_COST:
      model_sample (out, name, m->cost_usd, m, NULL, NULL);
      break;
    case MODEL_HEALTH:
      model_sample (out, name, 1, m, "state", sluice_model_health_to_string (m->health));
      break;
    }
}

static void
append_models (GString        *out,
               SluiceSnapshot *snapshot)
{
  static const struct {
    const char  *name;
    const char  *type;
    ModelFamily  kind;
    const char  *help;
  } families[] = {
    { "sluice_model_calls_total", "counter", MODEL_CALLS,
      "Provider calls per model, retries included." },
    { "sluice_model_errors_total", "counter", MODEL_ERRORS, "Failed provider calls per model." },
    { "sluice_model_latency_seconds", "summary", MODEL_LATENCY,
      "Latency quantiles of successful calls per model, last minute." },
    { "sluice_model_tokens_total", "counter", MODEL_TOKENS, "Tokens per model and kind." },
    { "sluice_model_cost_usd_total", "counter", MODEL_COST, "Spending per model in US dollars." },
    { "sluice_model_health", "gauge", MODEL_HEALTH, "1 for the model's current health state." },
  };

  for (guint f = 0; f < G_N_ELEMENTS (families); f++)
    {
      family (out, families[f].name, families[f].type, families[f].help);
      for (guint i = 0; i < sluice_snapshot_get_n_models (snapshot); i++)
        model_family_sample (out, families[f].name, families[f].kind,
                             sluice_snapshot_get_model (snapshot, i));
    }
}

static gint
compare_codes (gconstpointer a,
               gconstpointer b)
{
  return (gint) GPOINTER_TO_UINT (a) - (gint) GPOINTER_TO_UINT (b);
}

static void
append_gateway (GString      *out,
                SluiceServer *self)
{
  g_autoptr(GList) codes = g_list_sort (g_hash_table_get_keys (self->http_codes), compare_codes);

  family (out, "sluice_gateway_requests_total", "counter",
          "API calls the gateway answered, by the engine's status.");
  for (guint i = 0; i < SLUICE_N_REQUEST_STATUSES; i++)
    sample (out, "sluice_gateway_requests_total", self->by_status[i],
            "status", sluice_request_status_to_string (i), NULL);
  family (out, "sluice_gateway_in_flight", "gauge", "API calls waiting for the engine.");
  sample (out, "sluice_gateway_in_flight", self->n_in_flight, NULL);
  family (out, "sluice_http_responses_total", "counter", "HTTP responses by status code.");
  for (GList *l = codes; l != NULL; l = l->next)
    {
      gpointer key = l->data;
      g_autofree char *code = g_strdup_printf ("%u", GPOINTER_TO_UINT (key));

      sample (out, "sluice_http_responses_total",
              GPOINTER_TO_SIZE (g_hash_table_lookup (self->http_codes, key)),
              "code", code, NULL);
    }
  family (out, "sluice_engine_overhead_seconds", "summary",
          "Time spent inside Sluice per request, provider calls and waits excluded.");
  sample (out, "sluice_engine_overhead_seconds_sum", self->overhead_sum_us / 1e6, NULL);
  sample (out, "sluice_engine_overhead_seconds_count", self->overhead_count, NULL);
  family (out, "sluice_engine_overhead_max_seconds", "gauge",
          "The largest overhead of one request since start.");
  sample (out, "sluice_engine_overhead_max_seconds", self->overhead_max_us / 1e6, NULL);
}

/* observability (issue 8): windows, economics, cache tiers, breakers,
 * limits, overhead, alerts, quality, drift and deprecations. */

static const char *window_names[SLUICE_N_TIME_WINDOWS] = { "1m", "1h", "24h" };

static void
window_samples (GString                    *out,
                const char                 *name,
                const char                 *label,
                const char                 *label_value,
                const char                 *window,
                const SluiceLatencySummary *s)
{
  gint64 values[] = { s->p50_us, s->p95_us, s->p99_us, s->max_us };
  static const char *qs[] = { "0.5", "0.95", "0.99", "1" };

  g_autofree char *sum = g_strconcat (name, "_sum", NULL);
  g_autofree char *count = g_strconcat (name, "_count", NULL);

  for (guint q = 0; q < G_N_ELEMENTS (values); q++)
    {
      if (label != NULL)
        sample (out, name, values[q] / 1e6, label, label_value, "window", window,
                "quantile", qs[q], NULL);
      else
        sample (out, name, values[q] / 1e6, "window", window, "quantile", qs[q], NULL);
    }
  /* The window's own count and sum: each window is a summary of its own. */
  if (label != NULL)
    {
      sample (out, sum, s->sum_us / 1e6, label, label_value, "window", window, NULL);
      sample (out, count, s->count, label, label_value, "window", window, NULL);
    }
  else
    {
      sample (out, sum, s->sum_us / 1e6, "window", window, NULL);
      sample (out, count, s->count, "window", window, NULL);
    }
}

static void
summary_family (GString                  *out,
                SluiceSnapshot           *snapshot,
                const char               *name,
                const char               *help,
                gboolean                  ttft)
{
  g_autofree char *sum = g_strconcat (name, "_sum", NULL);
  g_autofree char *count = g_strconcat (name, "_count", NULL);

  family (out, name, "summary", help);
  for (guint i = 0; i < sluice_snapshot_get_n_latencies (snapshot); i++)
    {
      const SluiceModelLatency *l = sluice_snapshot_get_latency (snapshot, i);
      const SluiceLatencySummary *s = ttft ? &l->ttft[SLUICE_TIME_WINDOW_1M]
                                           : &l->total[SLUICE_TIME_WINDOW_1M];
      gint64 values[] = { s->p50_us, s->p95_us, s->p99_us };

      for (guint q = 0; q < G_N_ELEMENTS (values); q++)
        sample (out, name, values[q] / 1e6, "model", l->model, "quantile", quantile_names[q], NULL);
      sample (out, sum, (ttft ? l->ttft_sum_us : l->total_sum_us) / 1e6, "model", l->model, NULL);
      sample (out, count, ttft ? l->ttft_count : l->total_count, "model", l->model, NULL);
    }
}

static void
append_latency_windows (GString        *out,
                        SluiceSnapshot *snapshot)
{
  summary_family (out, snapshot, "sluice_model_request_duration_seconds",
                  "End-to-end latency per model (quantiles over the last minute, HDR histograms).",
                  FALSE);
  summary_family (out, snapshot, "sluice_model_time_to_first_token_seconds",
                  "Time to first token per model (quantiles over the last minute).", TRUE);
  family (out, "sluice_model_latency_window_seconds", "summary",
          "Latency quantiles per model over sliding windows (quantile 1 is the maximum).");
  for (guint i = 0; i < sluice_snapshot_get_n_latencies (snapshot); i++)
    {
      const SluiceModelLatency *l = sluice_snapshot_get_latency (snapshot, i);

      for (guint w = 0; w < SLUICE_N_TIME_WINDOWS; w++)
        window_samples (out, "sluice_model_latency_window_seconds", "model", l->model,
                        window_names[w], &l->total[w]);
    }
  family (out, "sluice_input_size_latency_seconds", "summary",
          "End-to-end latency quantiles by input size over sliding windows.");
  for (guint b = 0; b < SLUICE_N_TOKEN_BUCKETS; b++)
    for (guint w = 0; w < SLUICE_N_TIME_WINDOWS; w++)
      window_samples (out, "sluice_input_size_latency_seconds", "size",
                      sluice_snapshot_bucket_name (b), window_names[w],
                      sluice_snapshot_get_bucket_latency (snapshot, b, w));
  family (out, "sluice_engine_overhead_window_seconds", "summary",
          "Time spent inside Sluice per request, quantiles over sliding windows.");
  for (guint w = 0; w < SLUICE_N_TIME_WINDOWS; w++)
    window_samples (out, "sluice_engine_overhead_window_seconds", NULL, NULL, window_names[w],
                    sluice_snapshot_get_overhead (snapshot, w));
}

static void
append_economics (GString        *out,
                  SluiceSnapshot *snapshot)
{
  family (out, "sluice_rollup_requests", "gauge",
          "Requests per model, user and route over the last 24 hours (persisted rollups).");
  for (guint i = 0; i < sluice_snapshot_get_n_economics (snapshot); i++)
    {
      const SluiceEconomics *e = sluice_snapshot_get_economics (snapshot, i);

      sample (out, "sluice_rollup_requests", e->requests, "dimension", e->dimension,
              "key", e->key, NULL);
    }
  family (out, "sluice_rollup_cost_usd", "gauge",
          "US dollars per model, user and route over the last 24 hours.");
  for (guint i = 0; i < sluice_snapshot_get_n_economics (snapshot); i++)
    {
      const SluiceEconomics *e = sluice_snapshot_get_economics (snapshot, i);

      sample (out, "sluice_rollup_cost_usd", e->cost_usd, "dimension", e->dimension,
              "key", e->key, NULL);
    }
  family (out, "sluice_rollup_tokens", "gauge",
          "Tokens by kind per model, user and route over the last 24 hours.");
  for (guint i = 0; i < sluice_snapshot_get_n_economics (snapshot); i++)
    {
      const SluiceEconomics *e = sluice_snapshot_get_economics (snapshot, i);

      sample (out, "sluice_rollup_tokens", e->tokens_in, "dimension", e->dimension,
              "key", e->key, "kind", "input", NULL);
      sample (out, "sluice_rollup_tokens", e->tokens_cached, "dimension", e->dimension,
              "key", e->key, "kind", "cached_input", NULL);
      sample (out, "sluice_rollup_tokens", e->tokens_out, "dimension", e->dimension,
              "key", e->key, "kind", "output", NULL);
    }
}

static void
append_cache_and_breakers (GString        *out,
                           SluiceSnapshot *snapshot)
{
  const SluiceSnapshotCache *c = sluice_snapshot_get_cache (snapshot);

  family (out, "sluice_cache_tier_hits_total", "counter", "Cache hits by tier.");
  sample (out, "sluice_cache_tier_hits_total", c->hits_exact, "tier", "exact", NULL);
  sample (out, "sluice_cache_tier_hits_total", c->hits_semantic, "tier", "semantic", NULL);
  sample (out, "sluice_cache_tier_hits_total", c->hits_stale, "tier", "stale", NULL);
  family (out, "sluice_cache_misses_total", "counter", "Cache look-ups that found nothing.");
  sample (out, "sluice_cache_misses_total", c->misses, NULL);
  family (out, "sluice_cache_saved_usd_total", "counter",
          "US dollars the cache saved since the engine started.");
  sample (out, "sluice_cache_saved_usd_total", c->usd_saved, NULL);
  family (out, "sluice_breaker_state", "gauge", "1 for the current state of each model's breaker.");
  for (guint i = 0; i < sluice_snapshot_get_n_models (snapshot); i++)
    {
      const SluiceModelStats *m = sluice_snapshot_get_model (snapshot, i);

      for (int s = SLUICE_BREAKER_CLOSED; s <= SLUICE_BREAKER_HALF_OPEN; s++)
        sample (out, "sluice_breaker_state", m->breaker_state == s, "model", m->model,
                "state", sluice_breaker_state_to_string (s), NULL);
    }
  family (out, "sluice_breaker_trips_total", "counter", "Times each model's breaker opened.");
  for (guint i = 0; i < sluice_snapshot_get_n_models (snapshot); i++)
    sample (out, "sluice_breaker_trips_total", sluice_snapshot_get_model (snapshot, i)->breaker_trips,
            "model", sluice_snapshot_get_model (snapshot, i)->model, NULL);
}

static void
append_limits (GString        *out,
               SluiceSnapshot *snapshot)
{
  static const char *kinds[] = { "requests", "tokens", "usd_micro", "in_flight" };

  family (out, "sluice_limit_used", "gauge", "Use of each rate limit and budget in its window.");
  for (guint i = 0; i < sluice_snapshot_get_n_limits (snapshot); i++)
    {
      const SluiceSnapshotLimit *l = sluice_snapshot_get_limit (snapshot, i);

      sample (out, "sluice_limit_used", l->used, "code", l->code, "label", l->label,
              "kind", kinds[CLAMP (l->kind, 0, 3)], NULL);
    }
  family (out, "sluice_limit_max", "gauge", "Each rate limit and budget.");
  for (guint i = 0; i < sluice_snapshot_get_n_limits (snapshot); i++)
    {
      const SluiceSnapshotLimit *l = sluice_snapshot_get_limit (snapshot, i);

      sample (out, "sluice_limit_max", l->limit, "code", l->code, "label", l->label,
              "kind", kinds[CLAMP (l->kind, 0, 3)], NULL);
    }
  family (out, "sluice_limit_headroom_ratio", "gauge",
          "Share of each rate limit and budget still free (0 when spent).");
  for (guint i = 0; i < sluice_snapshot_get_n_limits (snapshot); i++)
    {
      const SluiceSnapshotLimit *l = sluice_snapshot_get_limit (snapshot, i);

      sample (out, "sluice_limit_headroom_ratio",
              l->limit > 0 ? MAX (0, (double) (l->limit - l->used) / l->limit) : 1,
              "code", l->code, "label", l->label, "kind", kinds[CLAMP (l->kind, 0, 3)], NULL);
    }
}

static void
append_watch (GString        *out,
              SluiceSnapshot *snapshot)
{
  static const char *severities[] = { "info", "warning", "critical" };
  guint open[G_N_ELEMENTS (severities)] = { 0 };

  for (guint i = 0; i < sluice_snapshot_get_n_alerts (snapshot); i++)
    {
      const SluiceSnapshotAlert *a = sluice_snapshot_get_alert (snapshot, i);

      for (guint s = 0; s < G_N_ELEMENTS (severities) && !a->acknowledged; s++)
        open[s] += g_strcmp0 (a->severity, severities[s]) == 0;
    }
  family (out, "sluice_alerts_unacknowledged", "gauge", "Recent alerts nobody acknowledged yet.");
  for (guint s = 0; s < G_N_ELEMENTS (severities); s++)
    sample (out, "sluice_alerts_unacknowledged", open[s], "severity", severities[s], NULL);
  family (out, "sluice_quality_score", "gauge",
          "Average quality score per route: last 24 hours and the 24 hours before.");
  for (guint i = 0; i < sluice_snapshot_get_n_quality (snapshot); i++)
    {
      const SluiceQualityTrend *q = sluice_snapshot_get_quality (snapshot, i);

      if (q->n_24h > 0)
        sample (out, "sluice_quality_score", q->avg_24h, "route", q->route, "window", "24h", NULL);
      if (q->n_prev_24h > 0)
        sample (out, "sluice_quality_score", q->avg_prev_24h, "route", q->route,
                "window", "prev_24h", NULL);
    }
  family (out, "sluice_drift_distance", "gauge",
          "Cosine distance of the newest day's answer centroid to the previous week's.");
  for (guint i = 0; i < sluice_snapshot_get_n_drift (snapshot); i++)
    {
      const SluiceDriftPoint *d = sluice_snapshot_get_drift (snapshot, i);
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (d->day_us / G_USEC_PER_SEC);
      g_autofree char *day = g_date_time_format (when, "%Y-%m-%d");

      if (d->distance >= 0)
        sample (out, "sluice_drift_distance", d->distance, "route", d->route, "model", d->model,
                "day", day, NULL);
    }
  family (out, "sluice_model_retirement_days", "gauge", "Days until each model retires.");
  for (guint i = 0; i < sluice_snapshot_get_n_deprecations (snapshot); i++)
    {
      const SluiceDeprecation *d = sluice_snapshot_get_deprecation (snapshot, i);

      sample (out, "sluice_model_retirement_days", d->days_left, "model", d->model, NULL);
    }
}

void
_sluice_server_handle_metrics (SluiceServer      *self,
                               SoupServerMessage *msg,
                               const char        *user,
                               const char        *rest)
{
  g_autoptr(SluiceSnapshot) snapshot = NULL;
  GString *out = g_string_new (NULL);
  gsize len;

  /* A scrape reads the numbers of now, not of the last timer tick. */
  sluice_engine_publish_snapshot (self->engine);
  snapshot = sluice_engine_dup_snapshot (self->engine);

  append_totals (out, sluice_snapshot_get_totals (snapshot));
  append_models (out, snapshot);
  append_gateway (out, self);
  append_latency_windows (out, snapshot);
  append_economics (out, snapshot);
  append_cache_and_breakers (out, snapshot);
  append_limits (out, snapshot);
  append_watch (out, snapshot);
  family (out, "sluice_config_version", "gauge", "The stored config version in force.");
  sample (out, "sluice_config_version", sluice_snapshot_get_config_version (snapshot), NULL);

  len = out->len;
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/plain; version=0.0.4; charset=utf-8",
                                    SOUP_MEMORY_TAKE, g_string_free (out, FALSE), len);
}

void
_sluice_server_handle_healthz (SluiceServer      *self,
                               SoupServerMessage *msg,
                               const char        *user,
                               const char        *rest)
{
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "ok\n", 3);
}

/* Returns the reason the gateway cannot answer, or NULL when it can:
 * at least one model of the default chain must have a provider. */
static char *
not_ready_reason (SluiceServer *self)
{
  g_autoptr(SluiceConfig) config = sluice_engine_dup_config (self->engine);
  const char *chain_name = sluice_config_get_default_chain (config);
  const SluiceChainConfig *chain;

  if (self->draining)
    return g_strdup ("the gateway is shutting down");
  chain = sluice_config_lookup_chain (config, chain_name);
  if (chain == NULL)
    return g_strdup_printf ("the default chain “%s” does not exist", chain_name);
  for (guint i = 0; chain->models != NULL && chain->models[i] != NULL; i++)
    {
      const SluiceModelConfig *mc = sluice_config_lookup_model (config, chain->models[i]);

      if (mc != NULL && sluice_engine_lookup_provider (self->engine, mc->provider) != NULL)
        return NULL;
    }
  return g_strdup_printf ("no model of the default chain “%s” has a provider", chain_name);
}

void
_sluice_server_handle_readyz (SluiceServer      *self,
                              SoupServerMessage *msg,
                              const char        *user,
                              const char        *rest)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *reason = not_ready_reason (self);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ready");
  json_builder_add_boolean_value (builder, reason == NULL);
  if (reason != NULL)
    {
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, reason);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  _sluice_server_reply_json (self, msg, reason == NULL ? SOUP_STATUS_OK
                                                       : SOUP_STATUS_SERVICE_UNAVAILABLE, root);
}
