/* sluice-snapshot-observe.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-snapshot"

#include "config.h"

#include <string.h>

#include "sluice-snapshot-private.h"

/* The snapshot's observability part (issue 8): latency windows, token
 * economics, quality trends, drift and the deprecation calendar. */

static void
latency_clear (gpointer data)
{
  g_free (((SluiceModelLatency *) data)->model);
}

static void
economics_clear (gpointer data)
{
  SluiceEconomics *e = data;

  g_free (e->dimension);
  g_free (e->key);
}

static void
quality_clear (gpointer data)
{
  g_free (((SluiceQualityTrend *) data)->route);
}

static void
drift_clear (gpointer data)
{
  SluiceDriftPoint *d = data;

  g_free (d->route);
  g_free (d->model);
}

static void
deprecation_clear (gpointer data)
{
  SluiceDeprecation *d = data;

  g_free (d->model);
  g_free (d->retires);
  g_free (d->replacement);
}

static GArray *
new_array (gsize          size,
           GDestroyNotify clear)
{
  GArray *array = g_array_new (FALSE, TRUE, size);

  g_array_set_clear_func (array, clear);
  return array;
}

void
_sluice_snapshot_init_observe (SluiceSnapshot *self)
{
  self->latencies = new_array (sizeof (SluiceModelLatency), latency_clear);
  self->economics = new_array (sizeof (SluiceEconomics), economics_clear);
  self->quality = new_array (sizeof (SluiceQualityTrend), quality_clear);
  self->drift = new_array (sizeof (SluiceDriftPoint), drift_clear);
  self->deprecations = new_array (sizeof (SluiceDeprecation), deprecation_clear);
}

void
_sluice_snapshot_clear_observe (SluiceSnapshot *self)
{
  g_array_unref (self->latencies);
  g_array_unref (self->economics);
  g_array_unref (self->quality);
  g_array_unref (self->drift);
  g_array_unref (self->deprecations);
}

#define DEFINE_ARRAY_GETTERS(Type, thing, things, array)                 \
guint                                                                    \
sluice_snapshot_get_n_##things (SluiceSnapshot *self)                    \
{                                                                        \
  g_return_val_if_fail (self != NULL, 0);                                \
  return self->array->len;                                               \
}                                                                        \
                                                                         \
const Type *                                                             \
sluice_snapshot_get_##thing (SluiceSnapshot *self,                       \
                             guint           index)                      \
{                                                                        \
  g_return_val_if_fail (self != NULL, NULL);                             \
  g_return_val_if_fail (index < self->array->len, NULL);                 \
  return &g_array_index (self->array, Type, index);                      \
}

DEFINE_ARRAY_GETTERS (SluiceModelLatency, latency, latencies, latencies)
DEFINE_ARRAY_GETTERS (SluiceEconomics, economics, economics, economics)
DEFINE_ARRAY_GETTERS (SluiceQualityTrend, quality, quality, quality)
DEFINE_ARRAY_GETTERS (SluiceDriftPoint, drift, drift, drift)
DEFINE_ARRAY_GETTERS (SluiceDeprecation, deprecation, deprecations, deprecations)

/**
 * sluice_snapshot_lookup_latency:
 *
 * Returns: (nullable): @model's latency windows, or %NULL without traffic
 */
const SluiceModelLatency *
sluice_snapshot_lookup_latency (SluiceSnapshot *self,
                                const char     *model)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (model != NULL, NULL);

  for (guint i = 0; i < self->latencies->len; i++)
    {
      const SluiceModelLatency *l = &g_array_index (self->latencies, SluiceModelLatency, i);

      if (strcmp (l->model, model) == 0)
        return l;
    }
  return NULL;
}

/**
 * sluice_snapshot_get_bucket_latency:
 * @bucket: an input-size bucket, below %SLUICE_N_TOKEN_BUCKETS
 *
 * Returns: end-to-end latency of requests of that input size
 */
const SluiceLatencySummary *
sluice_snapshot_get_bucket_latency (SluiceSnapshot *self,
                                    guint           bucket,
                                    SluiceTimeWindow    window)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (bucket < SLUICE_N_TOKEN_BUCKETS, NULL);
  g_return_val_if_fail (window < SLUICE_N_TIME_WINDOWS, NULL);

  return &self->bucket_latency[bucket][window];
}

const char *
sluice_snapshot_bucket_name (guint bucket)
{
  static const char *names[SLUICE_N_TOKEN_BUCKETS] = { "0-1K", "1K-10K", "10K-50K", "50K+" };

  g_return_val_if_fail (bucket < SLUICE_N_TOKEN_BUCKETS, NULL);
  return names[bucket];
}

/**
 * sluice_snapshot_get_overhead:
 *
 * Returns: the time spent inside Sluice per request (provider calls and
 *   waits excluded)
 */
const SluiceLatencySummary *
sluice_snapshot_get_overhead (SluiceSnapshot *self,
                              SluiceTimeWindow    window)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (window < SLUICE_N_TIME_WINDOWS, NULL);

  return &self->overhead[window];
}

const SluiceEconomics *
sluice_snapshot_lookup_economics (SluiceSnapshot *self,
                                  const char     *dimension,
                                  const char     *key)
{
  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; i < self->economics->len; i++)
    {
      const SluiceEconomics *e = &g_array_index (self->economics, SluiceEconomics, i);

      if (g_strcmp0 (e->dimension, dimension) == 0 && g_strcmp0 (e->key, key) == 0)
        return e;
    }
  return NULL;
}

/**
 * sluice_snapshot_get_cost_history:
 * @n_points: (out): how many points there are
 *
 * Returns: (array length=n_points): dollars spent per hour over the last
 *   24 hours, oldest first
 */
const double *
sluice_snapshot_get_cost_history (SluiceSnapshot *self,
                                  guint          *n_points)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (n_points != NULL, NULL);

  *n_points = SLUICE_SNAPSHOT_HOURS;
  return self->cost_history;
}

const SluiceQualityTrend *
sluice_snapshot_lookup_quality (SluiceSnapshot *self,
                                const char     *route)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (route != NULL, NULL);

  for (guint i = 0; i < self->quality->len; i++)
    {
      const SluiceQualityTrend *q = &g_array_index (self->quality, SluiceQualityTrend, i);

      if (strcmp (q->route, route) == 0)
        return q;
    }
  return NULL;
}
