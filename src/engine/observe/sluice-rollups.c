/* sluice-rollups.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-observe"

#include "config.h"

#include <string.h>

#include "sluice-observe-sql.h"
#include "sluice-rollups.h"

/* Token economics per minute and per model, user, route (and "total"):
 * the minute being counted is in memory and goes to the store when the
 * minute turns (or on flush); the last 48 hours are also kept per hour in
 * memory, rebuilt from the store at start, for the console's day-over-day
 * views and the cost alert. Rows older than the retention are deleted. */

#define MINUTE_US  (60 * G_USEC_PER_SEC)
#define HOUR_US    (3600 * (gint64) G_USEC_PER_SEC)
#define SEP        "\x1f"

typedef struct
{
  gint64       hours[SLUICE_ROLLUP_HOURS];   /* hour number each slot holds */
  SluiceRollup sums[SLUICE_ROLLUP_HOURS];
} HourRing;

struct _SluiceRollups
{
  GObject      parent_instance;

  SluiceStore *store;
  guint        retention_days;
  gint64       minute;        /* the minute being counted, or -1 */
  GHashTable  *current;       /* "dim\x1fkey" → SluiceRollup, this minute */
  GHashTable  *hours;         /* "dim\x1fkey" → HourRing */
  gint64       pruned_hour;
};

G_DEFINE_FINAL_TYPE (SluiceRollups, sluice_rollups, G_TYPE_OBJECT)

static void
sluice_rollups_finalize (GObject *object)
{
  SluiceRollups *self = SLUICE_ROLLUPS (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->current, g_hash_table_unref);
  g_clear_pointer (&self->hours, g_hash_table_unref);

  G_OBJECT_CLASS (sluice_rollups_parent_class)->finalize (object);
}

static void
sluice_rollups_class_init (SluiceRollupsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sluice_rollups_finalize;
}

static void
sluice_rollups_init (SluiceRollups *self)
{
  self->current = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->hours = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->minute = -1;
  self->retention_days = 30;
  self->pruned_hour = -1;
}

/**
 * sluice_rollups_new:
 * @store: (nullable): where minutes are kept; %NULL for memory only
 */
SluiceRollups *
sluice_rollups_new (SluiceStore *store)
{
  SluiceRollups *self = g_object_new (SLUICE_TYPE_ROLLUPS, NULL);

  if (store != NULL)
    self->store = g_object_ref (store);
  return self;
}

void
sluice_rollups_set_retention (SluiceRollups *self,
                              guint          days)
{
  g_return_if_fail (SLUICE_IS_ROLLUPS (self));

  self->retention_days = MAX (days, 2);
}

static void
rollup_add (SluiceRollup       *into,
            const SluiceRollup *amount)
{
  into->requests += amount->requests;
  into->errors += amount->errors;
  into->cache_hits += amount->cache_hits;
  into->tokens_in += amount->tokens_in;
  into->tokens_cached += amount->tokens_cached;
  into->tokens_out += amount->tokens_out;
  into->cost_usd += amount->cost_usd;
  into->latency_us += amount->latency_us;
}

static void
add_hour (SluiceRollups      *self,
          const char         *id,
          gint64              hour,
          const SluiceRollup *amount)
{
  HourRing *ring = g_hash_table_lookup (self->hours, id);
  guint slot = (guint) (hour % SLUICE_ROLLUP_HOURS);

  if (ring == NULL)
    {
      ring = g_new0 (HourRing, 1);
      for (guint i = 0; i < SLUICE_ROLLUP_HOURS; i++)
        ring->hours[i] = -1;
      g_hash_table_insert (self->hours, g_strdup (id), ring);
    }
  if (ring->hours[slot] > hour)
    return;   /* older than what the slot holds now */
  if (ring->hours[slot] != hour)
    {
      memset (&ring->sums[slot], 0, sizeof ring->sums[slot]);
      ring->hours[slot] = hour;
    }
  rollup_add (&ring->sums[slot], amount);
}

static void
load_row (sqlite3_stmt *stmt,
          gpointer      data)
{
  SluiceRollups *self = data;
  g_autofree char *id = g_strconcat ((const char *) sqlite3_column_text (stmt, 1), SEP,
                                     (const char *) sqlite3_column_text (stmt, 2), NULL);
  SluiceRollup amount = {
    .requests = sqlite3_column_int64 (stmt, 3),
    .errors = sqlite3_column_int64 (stmt, 4),
    .cache_hits = sqlite3_column_int64 (stmt, 5),
    .tokens_in = sqlite3_column_int64 (stmt, 6),
    .tokens_cached = sqlite3_column_int64 (stmt, 7),
    .tokens_out = sqlite3_column_int64 (stmt, 8),
    .cost_usd = sqlite3_column_double (stmt, 9),
    .latency_us = sqlite3_column_int64 (stmt, 10),
  };

  add_hour (self, id, sqlite3_column_int64 (stmt, 0) * MINUTE_US / HOUR_US, &amount);
}

/* Rebuilds the last 48 hours from the stored minutes. */
gboolean
sluice_rollups_load (SluiceRollups  *self,
                     gint64          now_us,
                     GError        **error)
{
  gint64 since = (now_us - SLUICE_ROLLUP_HOURS * HOUR_US) / MINUTE_US;

  g_return_val_if_fail (SLUICE_IS_ROLLUPS (self), FALSE);

  if (self->store == NULL)
    return TRUE;
  return _sluice_observe_query (self->store,
                                "SELECT minute, dimension, key, requests, errors, cache_hits, "
                                "tokens_in, tokens_cached, tokens_out, cost_usd, latency_us "
                                "FROM rollups WHERE minute >= ? ORDER BY minute",
                                g_variant_new ("(x)", since), load_row, self, error);
}

void
sluice_rollups_flush (SluiceRollups *self)
{
  g_autoptr(GVariantBuilder) rows = NULL;
  GHashTableIter iter;
  gpointer key, value;

  g_return_if_fail (SLUICE_IS_ROLLUPS (self));

  if (self->store == NULL || g_hash_table_size (self->current) == 0)
    {
      g_hash_table_remove_all (self->current);
      return;
    }
  rows = g_variant_builder_new (G_VARIANT_TYPE ("a(xssxxxxxxdx)"));
  g_hash_table_iter_init (&iter, self->current);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_auto(GStrv) parts = g_strsplit (key, SEP, 2);
      const SluiceRollup *r = value;

      g_variant_builder_add (rows, "(xssxxxxxxdx)", self->minute, parts[0], parts[1],
                             (gint64) r->requests, (gint64) r->errors, (gint64) r->cache_hits,
                             r->tokens_in, r->tokens_cached, r->tokens_out, r->cost_usd,
                             r->latency_us);
    }
  _sluice_observe_exec (self->store,
                        "INSERT INTO rollups (minute, dimension, key, requests, errors, "
                        "cache_hits, tokens_in, tokens_cached, tokens_out, cost_usd, latency_us) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT (minute, dimension, key) DO UPDATE SET "
                        "requests = requests + excluded.requests, "
                        "errors = errors + excluded.errors, "
                        "cache_hits = cache_hits + excluded.cache_hits, "
                        "tokens_in = tokens_in + excluded.tokens_in, "
                        "tokens_cached = tokens_cached + excluded.tokens_cached, "
                        "tokens_out = tokens_out + excluded.tokens_out, "
                        "cost_usd = cost_usd + excluded.cost_usd, "
                        "latency_us = latency_us + excluded.latency_us",
                        g_variant_builder_end (rows));
  g_hash_table_remove_all (self->current);
}

static void
prune (SluiceRollups *self,
       gint64         now_us)
{
  gint64 hour = now_us / HOUR_US;

  if (self->store == NULL || hour == self->pruned_hour)
    return;
  self->pruned_hour = hour;
  _sluice_observe_exec (self->store, "DELETE FROM rollups WHERE minute < ?",
                        g_variant_new ("(x)", (now_us - (gint64) self->retention_days * 24 * HOUR_US)
                                              / MINUTE_US));
}

void
sluice_rollups_add (SluiceRollups      *self,
                    gint64              now_us,
                    const char         *dimension,
                    const char         *key,
                    const SluiceRollup *amount)
{
  g_autofree char *id = NULL;
  SluiceRollup *minute;
  gint64 now_minute = now_us / MINUTE_US;

  g_return_if_fail (SLUICE_IS_ROLLUPS (self));

  if (now_minute != self->minute)
    {
      sluice_rollups_flush (self);
      prune (self, now_us);
      self->minute = now_minute;
    }
  id = g_strconcat (dimension, SEP, key != NULL ? key : "", NULL);
  minute = g_hash_table_lookup (self->current, id);
  if (minute == NULL)
    {
      minute = g_new0 (SluiceRollup, 1);
      g_hash_table_insert (self->current, g_strdup (id), minute);
    }
  rollup_add (minute, amount);
  add_hour (self, id, now_us / HOUR_US, amount);
}

/* Sums the hours in (now - from_hours_ago, now - to_hours_ago]; the
 * current hour counts as 0 hours ago. */
void
sluice_rollups_sum (SluiceRollups *self,
                    const char    *dimension,
                    const char    *key,
                    gint64         now_us,
                    guint          from_hours_ago,
                    guint          to_hours_ago,
                    SluiceRollup  *sum)
{
  g_autofree char *id = g_strconcat (dimension, SEP, key != NULL ? key : "", NULL);
  HourRing *ring = g_hash_table_lookup (self->hours, id);
  gint64 hour = now_us / HOUR_US;

  memset (sum, 0, sizeof *sum);
  if (ring == NULL)
    return;
  for (guint i = 0; i < SLUICE_ROLLUP_HOURS; i++)
    {
      gint64 age = hour - ring->hours[i];

      if (ring->hours[i] >= 0 && age >= to_hours_ago && age < from_hours_ago)
        rollup_add (sum, &ring->sums[i]);
    }
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/**
 * sluice_rollups_list_keys:
 *
 * Returns: (transfer full) (element-type utf8): the keys of @dimension
 *   seen in the last 48 hours, sorted
 */
GPtrArray *
sluice_rollups_list_keys (SluiceRollups *self,
                          const char    *dimension)
{
  GPtrArray *keys = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *prefix = g_strconcat (dimension, SEP, NULL);
  GHashTableIter iter;
  gpointer id;

  g_hash_table_iter_init (&iter, self->hours);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    if (g_str_has_prefix (id, prefix))
      g_ptr_array_add (keys, g_strdup ((const char *) id + strlen (prefix)));
  g_ptr_array_sort (keys, compare_strings);
  return keys;
}

gsize
sluice_rollups_get_memory (SluiceRollups *self)
{
  return g_hash_table_size (self->hours) * (sizeof (HourRing) + 64) +
         g_hash_table_size (self->current) * (sizeof (SluiceRollup) + 64);
}
