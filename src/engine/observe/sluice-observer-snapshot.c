/* sluice-observer-snapshot.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-observe"

#include "config.h"

#include <string.h>

#include "sluice-deprecation.h"
#include "sluice-observer-private.h"
#include "sluice-snapshot-private.h"

/* What the observer puts in each snapshot. */

#define MAX_SNAPSHOT_ALERTS 50

static int
compare_latency (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (((const SluiceModelLatency *) a)->model, ((const SluiceModelLatency *) b)->model);
}

void
_sluice_observer_fill_latency (SluiceObserver *self,
                               SluiceSnapshot *snapshot,
                               gint64          now)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->models);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      ModelSeries *m = value;
      SluiceModelLatency l = { 0 };

      l.model = g_strdup (m->model);
      for (guint w = 0; w < SLUICE_N_TIME_WINDOWS; w++)
        {
          sluice_latency_windows_summarise (m->total, now, w, &l.total[w]);
          sluice_latency_windows_summarise (m->ttft, now, w, &l.ttft[w]);
        }
      l.total_count = sluice_latency_windows_get_count (m->total);
      l.total_sum_us = sluice_latency_windows_get_sum (m->total);
      l.ttft_count = sluice_latency_windows_get_count (m->ttft);
      l.ttft_sum_us = sluice_latency_windows_get_sum (m->ttft);
      g_array_append_val (snapshot->latencies, l);
    }
  g_array_sort (snapshot->latencies, compare_latency);

  for (guint w = 0; w < SLUICE_N_TIME_WINDOWS; w++)
    {
      for (guint b = 0; b < SLUICE_N_TOKEN_BUCKETS; b++)
        sluice_latency_windows_summarise (self->buckets[b], now, w, &snapshot->bucket_latency[b][w]);
      sluice_latency_windows_summarise (self->overhead, now, w, &snapshot->overhead[w]);
    }
}

void
_sluice_observer_fill_economics (SluiceObserver *self,
                                 SluiceSnapshot *snapshot,
                                 gint64          now)
{
  static const char * const dimensions[] = { "model", "user", "route" };

  for (guint d = 0; d < G_N_ELEMENTS (dimensions); d++)
    {
      g_autoptr(GPtrArray) keys = sluice_rollups_list_keys (self->rollups, dimensions[d]);

      for (guint i = 0; i < keys->len; i++)
        {
          const char *key = g_ptr_array_index (keys, i);
          SluiceRollup day, before;
          SluiceEconomics e = { 0 };

          sluice_rollups_sum (self->rollups, dimensions[d], key, now, 24, 0, &day);
          sluice_rollups_sum (self->rollups, dimensions[d], key, now, 48, 24, &before);
          e.dimension = g_strdup (dimensions[d]);
          e.key = g_strdup (key);
          e.requests = day.requests;
          e.errors = day.errors;
          e.cache_hits = day.cache_hits;
          e.tokens_in = day.tokens_in;
          e.tokens_cached = day.tokens_cached;
          e.tokens_out = day.tokens_out;
          e.cost_usd = day.cost_usd;
          e.latency_us = day.latency_us;
          e.prev_requests = before.requests;
          e.prev_cost_usd = before.cost_usd;
          g_array_append_val (snapshot->economics, e);
        }
    }
  for (guint h = 0; h < SLUICE_SNAPSHOT_HOURS; h++)
    {
      SluiceRollup hour;
      guint age = SLUICE_SNAPSHOT_HOURS - 1 - h;

      sluice_rollups_sum (self->rollups, "total", "all", now, age + 1, age, &hour);
      snapshot->cost_history[h] = hour.cost_usd;
    }
}

static void
fill_quality (SluiceObserver *self,
              SluiceSnapshot *snapshot,
              gint64          now)
{
  g_autoptr(GPtrArray) routes = sluice_quality_list_routes (self->quality);

  for (guint i = 0; i < routes->len; i++)
    {
      SluiceQualityTrend trend;

      sluice_quality_trend (self->quality, g_ptr_array_index (routes, i), now, &trend);
      trend.route = g_strdup (g_ptr_array_index (routes, i));
      g_array_append_val (snapshot->quality, trend);
    }
}

static void
fill_alerts (SluiceObserver *self,
             SluiceSnapshot *snapshot)
{
  g_autoptr(GPtrArray) alerts = sluice_alerts_list (self->alerts, MAX_SNAPSHOT_ALERTS);

  for (guint i = 0; i < alerts->len; i++)
    {
      SluiceAlert *a = g_ptr_array_index (alerts, i);
      SluiceSnapshotAlert copy = {
        .time_us = a->last_us, .severity = g_strdup (a->severity), .code = g_strdup (a->code),
        .message = g_strdup (a->message), .id = a->id, .acknowledged = a->acknowledged,
        .count = a->count,
      };

      g_array_append_val (snapshot->alerts, copy);
    }
}

/* Fills the snapshot's observability members and its alerts. */
void
sluice_observer_fill_snapshot (SluiceObserver *self,
                               SluiceSnapshot *snapshot)
{
  gint64 now;

  g_return_if_fail (SLUICE_IS_OBSERVER (self));
  g_return_if_fail (snapshot != NULL);

  now = sluice_clock_now_us (self->clock);
  _sluice_observer_fill_latency (self, snapshot, now);
  _sluice_observer_fill_economics (self, snapshot, now);
  fill_quality (self, snapshot, now);
  sluice_drift_list (self->drift, now, snapshot->drift);
  if (self->config != NULL)
    sluice_deprecation_list (self->config, now, snapshot->deprecations);
  fill_alerts (self, snapshot);
}
