/* sluice-drift.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-observe"

#include "config.h"

#include <math.h>
#include <string.h>

#include "sluice-drift.h"
#include "sluice-observe-sql.h"

/* Semantic drift: sampled answers are embedded (the local embedder, so it
 * works offline) and summed per route, model and UTC day. A day's
 * centroid is compared with the previous week's (the mean of those days'
 * centroids, so each day weighs the same): the cosine distance says how
 * far today's answers moved. Day sums are kept in the store. */

#define DAY_US   (86400 * (gint64) G_USEC_PER_SEC)
#define DIMS     SLUICE_LOCAL_EMBEDDER_DIMS
#define KEEP     (SLUICE_DRIFT_DAYS * 2 + 1)
#define SEP      "\x1f"

typedef struct
{
  gint64    day;
  guint     n;
  gboolean  dirty;
  float     sum[DIMS];
} Day;

typedef struct
{
  char      *route;
  char      *model;
  GPtrArray *days;    /* Day*, oldest first */
} Series;

struct _SluiceDrift
{
  GObject              parent_instance;

  SluiceLocalEmbedder *embedder;
  SluiceStore         *store;
  GHashTable          *series;   /* "route\x1fmodel" → Series */
};

G_DEFINE_FINAL_TYPE (SluiceDrift, sluice_drift, G_TYPE_OBJECT)

static void
series_free (gpointer data)
{
  Series *s = data;

  g_free (s->route);
  g_free (s->model);
  g_ptr_array_unref (s->days);
  g_free (s);
}

static void
sluice_drift_finalize (GObject *object)
{
  SluiceDrift *self = SLUICE_DRIFT (object);

  g_clear_object (&self->embedder);
  g_clear_object (&self->store);
  g_clear_pointer (&self->series, g_hash_table_unref);

  G_OBJECT_CLASS (sluice_drift_parent_class)->finalize (object);
}

static void
sluice_drift_class_init (SluiceDriftClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sluice_drift_finalize;
}

static void
sluice_drift_init (SluiceDrift *self)
{
  self->series = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, series_free);
}

/**
 * sluice_drift_new:
 * @store: (nullable): where day sums are kept
 */
SluiceDrift *
sluice_drift_new (SluiceLocalEmbedder *embedder,
                  SluiceStore         *store)
{
  SluiceDrift *self = g_object_new (SLUICE_TYPE_DRIFT, NULL);

  self->embedder = g_object_ref (embedder);
  if (store != NULL)
    self->store = g_object_ref (store);
  return self;
}

static Series *
lookup_series (SluiceDrift *self,
               const char  *route,
               const char  *model,
               gboolean     create)
{
  g_autofree char *id = g_strconcat (route, SEP, model, NULL);
  Series *s = g_hash_table_lookup (self->series, id);

  if (s == NULL && create)
    {
      s = g_new0 (Series, 1);
      s->route = g_strdup (route);
      s->model = g_strdup (model);
      s->days = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_insert (self->series, g_steal_pointer (&id), s);
    }
  return s;
}

static Day *
lookup_day (Series   *s,
            gint64    day,
            gboolean  create)
{
  Day *d;
  guint at = s->days->len;

  for (guint i = 0; i < s->days->len; i++)
    {
      d = g_ptr_array_index (s->days, i);
      if (d->day == day)
        return d;
      if (d->day > day && at == s->days->len)
        at = i;
    }
  if (!create)
    return NULL;
  d = g_new0 (Day, 1);
  d->day = day;
  g_ptr_array_insert (s->days, at, d);
  while (s->days->len > KEEP)
    g_ptr_array_remove_index (s->days, 0);
  return d;
}

static void
load_row (sqlite3_stmt *stmt,
          gpointer      data)
{
  SluiceDrift *self = data;
  Series *s = lookup_series (self, (const char *) sqlite3_column_text (stmt, 1),
                             (const char *) sqlite3_column_text (stmt, 2), TRUE);
  Day *d = lookup_day (s, sqlite3_column_int64 (stmt, 0), TRUE);

  d->n = (guint) sqlite3_column_int64 (stmt, 3);
  if (sqlite3_column_bytes (stmt, 4) == (int) sizeof d->sum)
    memcpy (d->sum, sqlite3_column_blob (stmt, 4), sizeof d->sum);
}

gboolean
sluice_drift_load (SluiceDrift  *self,
                   gint64        now_us,
                   GError      **error)
{
  g_return_val_if_fail (SLUICE_IS_DRIFT (self), FALSE);

  if (self->store == NULL)
    return TRUE;
  return _sluice_observe_query (self->store,
                                "SELECT day, route, model, samples, vector FROM drift_centroids "
                                "WHERE day >= ? ORDER BY day",
                                g_variant_new ("(x)", now_us / DAY_US - KEEP), load_row, self,
                                error);
}

void
sluice_drift_add (SluiceDrift *self,
                  const char  *route,
                  const char  *model,
                  gint64       now_us,
                  const char  *answer)
{
  g_autofree float *v = NULL;
  double norm = 0;
  Day *d;

  g_return_if_fail (SLUICE_IS_DRIFT (self));

  v = sluice_local_embedder_embed (self->embedder, answer);
  for (guint i = 0; i < DIMS; i++)
    norm += v[i] * v[i];
  if (norm <= 0)
    return;
  norm = sqrt (norm);
  d = lookup_day (lookup_series (self, route, model, TRUE), now_us / DAY_US, TRUE);
  for (guint i = 0; i < DIMS; i++)
    d->sum[i] += (float) (v[i] / norm);
  d->n++;
  d->dirty = TRUE;
}

static void
add_unit (double      *into,
          const float *sum)
{
  double norm = 0;

  for (guint i = 0; i < DIMS; i++)
    norm += (double) sum[i] * sum[i];
  if (norm <= 0)
    return;
  norm = sqrt (norm);
  for (guint i = 0; i < DIMS; i++)
    into[i] += sum[i] / norm;
}

/* The cosine distance of @day's centroid to the week before it, or -1
 * when either side has no samples. */
double
sluice_drift_distance (SluiceDrift *self,
                       const char  *route,
                       const char  *model,
                       gint64       day,
                       guint       *samples,
                       guint       *week_samples)
{
  Series *s = lookup_series (self, route, model, FALSE);
  g_autofree double *today = g_new0 (double, DIMS);
  g_autofree double *week = g_new0 (double, DIMS);
  double dot = 0, nt = 0, nw = 0;
  Day *d = s != NULL ? lookup_day (s, day, FALSE) : NULL;

  *samples = d != NULL ? d->n : 0;
  *week_samples = 0;
  if (d == NULL || d->n == 0)
    return -1;
  add_unit (today, d->sum);
  for (guint i = 0; i < s->days->len; i++)
    {
      const Day *w = g_ptr_array_index (s->days, i);

      if (w->day >= day - SLUICE_DRIFT_DAYS && w->day < day && w->n > 0)
        {
          add_unit (week, w->sum);
          *week_samples += w->n;
        }
    }
  if (*week_samples == 0)
    return -1;
  for (guint i = 0; i < DIMS; i++)
    {
      dot += today[i] * week[i];
      nt += today[i] * today[i];
      nw += week[i] * week[i];
    }
  return nt > 0 && nw > 0 ? CLAMP (1.0 - dot / sqrt (nt * nw), 0, 2) : -1;
}

void
sluice_drift_flush (SluiceDrift *self)
{
  g_autoptr(GVariantBuilder) rows = g_variant_builder_new (G_VARIANT_TYPE ("a(xssxay)"));
  GHashTableIter iter;
  gpointer value;
  gboolean any = FALSE;

  g_return_if_fail (SLUICE_IS_DRIFT (self));

  g_hash_table_iter_init (&iter, self->series);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Series *s = value;

      for (guint i = 0; i < s->days->len; i++)
        {
          Day *d = g_ptr_array_index (s->days, i);

          if (!d->dirty)
            continue;
          d->dirty = FALSE;
          any = TRUE;
          g_variant_builder_add (rows, "(xssx@ay)", d->day, s->route, s->model, (gint64) d->n,
                                 g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, d->sum,
                                                            sizeof d->sum, 1));
        }
    }
  if (any && self->store != NULL)
    _sluice_observe_exec (self->store,
                          "INSERT OR REPLACE INTO drift_centroids (day, route, model, samples, "
                          "vector) VALUES (?, ?, ?, ?, ?)", g_variant_builder_end (rows));
}

/* Appends a SluiceDriftPoint per series and day of the last week. */
void
sluice_drift_list (SluiceDrift *self,
                   gint64       now_us,
                   GArray      *points)
{
  GHashTableIter iter;
  gpointer value;
  gint64 today = now_us / DAY_US;

  g_hash_table_iter_init (&iter, self->series);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Series *s = value;

      for (guint i = 0; i < s->days->len; i++)
        {
          Day *d = g_ptr_array_index (s->days, i);
          SluiceDriftPoint p = { 0 };
          guint week = 0;

          if (d->day <= today - SLUICE_DRIFT_DAYS)
            continue;
          p.route = g_strdup (s->route);
          p.model = g_strdup (s->model);
          p.day_us = d->day * DAY_US;
          p.distance = sluice_drift_distance (self, s->route, s->model, d->day, &p.samples, &week);
          g_array_append_val (points, p);
        }
    }
}

gsize
sluice_drift_get_memory (SluiceDrift *self)
{
  gsize total = 0;
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->series);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    total += sizeof (Series) + ((Series *) value)->days->len * sizeof (Day);
  return total;
}
