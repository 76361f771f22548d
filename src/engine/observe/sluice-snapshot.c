/* sluice-snapshot.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-snapshot"

#include "config.h"

#include <string.h>

#include "sluice-snapshot-private.h"

/* A snapshot is built once on the engine's thread and then only read, from
 * any thread: the console's panels all draw from the same one. */

G_DEFINE_BOXED_TYPE (SluiceSnapshot, sluice_snapshot,
                     sluice_snapshot_ref, sluice_snapshot_unref)

static void
model_stats_clear (gpointer data)
{
  SluiceModelStats *stats = data;

  g_free (stats->model);
  g_free (stats->provider);
}

static void
limit_clear (gpointer data)
{
  SluiceSnapshotLimit *limit = data;

  g_free (limit->label);
  g_free (limit->code);
}

static void
policy_clear (gpointer data)
{
  g_free (((SluiceSnapshotPolicy *) data)->task);
}

static void
alert_clear (gpointer data)
{
  SluiceSnapshotAlert *alert = data;

  g_free (alert->severity);
  g_free (alert->code);
  g_free (alert->message);
}

SluiceSnapshot *
_sluice_snapshot_new (void)
{
  SluiceSnapshot *self = g_atomic_rc_box_new0 (SluiceSnapshot);

  self->models = g_array_new (FALSE, TRUE, sizeof (SluiceModelStats));
  g_array_set_clear_func (self->models, model_stats_clear);
  self->policies = g_array_new (FALSE, TRUE, sizeof (SluiceSnapshotPolicy));
  g_array_set_clear_func (self->policies, policy_clear);
  self->limits = g_array_new (FALSE, TRUE, sizeof (SluiceSnapshotLimit));
  g_array_set_clear_func (self->limits, limit_clear);
  self->alerts = g_array_new (FALSE, TRUE, sizeof (SluiceSnapshotAlert));
  g_array_set_clear_func (self->alerts, alert_clear);
  _sluice_snapshot_init_observe (self);
  return self;
}

SluiceSnapshot *
sluice_snapshot_ref (SluiceSnapshot *self)
{
  return g_atomic_rc_box_acquire (self);
}

static void
snapshot_clear (gpointer data)
{
  SluiceSnapshot *self = data;

  g_array_unref (self->models);
  g_array_unref (self->limits);
  g_array_unref (self->policies);
  g_array_unref (self->alerts);
  _sluice_snapshot_clear_observe (self);
}

void
sluice_snapshot_unref (SluiceSnapshot *self)
{
  g_atomic_rc_box_release_full (self, snapshot_clear);
}

guint64
sluice_snapshot_get_sequence (SluiceSnapshot *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->sequence;
}

gint64
sluice_snapshot_get_time_us (SluiceSnapshot *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->time_us;
}

gint64
sluice_snapshot_get_config_version (SluiceSnapshot *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->config_version;
}

const SluiceSnapshotTotals *
sluice_snapshot_get_totals (SluiceSnapshot *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return &self->totals;
}

guint
sluice_snapshot_get_n_models (SluiceSnapshot *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->models->len;
}

const SluiceModelStats *
sluice_snapshot_get_model (SluiceSnapshot *self,
                           guint           index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->models->len, NULL);

  return &g_array_index (self->models, SluiceModelStats, index);
}

const SluiceModelStats *
sluice_snapshot_lookup_model (SluiceSnapshot *self,
                              const char     *model)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (model != NULL, NULL);

  for (guint i = 0; i < self->models->len; i++)
    {
      const SluiceModelStats *stats = &g_array_index (self->models, SluiceModelStats, i);

      if (strcmp (stats->model, model) == 0)
        return stats;
    }
  return NULL;
}

/**
 * sluice_snapshot_get_rps_history:
 * @self: a snapshot
 * @n_points: (out): how many points there are
 *
 * Returns: (array length=n_points): requests per second over the last
 *   seconds, oldest first
 */
const double *
sluice_snapshot_get_rps_history (SluiceSnapshot *self,
                                 guint          *n_points)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (n_points != NULL, NULL);

  *n_points = self->n_rps_history;
  return self->rps_history;
}

const SluiceSnapshotCache *
sluice_snapshot_get_cache (SluiceSnapshot *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return &self->cache;
}

guint
sluice_snapshot_get_n_policies (SluiceSnapshot *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->policies->len;
}

const SluiceSnapshotPolicy *
sluice_snapshot_get_policy (SluiceSnapshot *self,
                            guint           index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->policies->len, NULL);

  return &g_array_index (self->policies, SluiceSnapshotPolicy, index);
}

guint
sluice_snapshot_get_n_limits (SluiceSnapshot *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->limits->len;
}

const SluiceSnapshotLimit *
sluice_snapshot_get_limit (SluiceSnapshot *self,
                           guint           index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->limits->len, NULL);

  return &g_array_index (self->limits, SluiceSnapshotLimit, index);
}

guint
sluice_snapshot_get_n_alerts (SluiceSnapshot *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->alerts->len;
}

/**
 * sluice_snapshot_get_alert:
 *
 * Returns: (transfer none): alert @index, newest first
 */
const SluiceSnapshotAlert *
sluice_snapshot_get_alert (SluiceSnapshot *self,
                           guint           index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->alerts->len, NULL);

  return &g_array_index (self->alerts, SluiceSnapshotAlert, index);
}

const char *
sluice_model_health_to_string (SluiceModelHealth health)
{
  switch (health)
    {
    case SLUICE_MODEL_HEALTH_IDLE:
      return "idle";
    case SLUICE_MODEL_HEALTH_HEALTHY:
      return "healthy";
    case SLUICE_MODEL_HEALTH_DEGRADED:
      return "degraded";
    case SLUICE_MODEL_HEALTH_FAILING:
      return "failing";
    default:
      return "unknown";
    }
}
