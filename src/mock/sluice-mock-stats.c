/* sluice-mock-stats.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-mock"

#include "config.h"

#include "sluice-mock-stats.h"

/* A Tally counts calls under one key and, below it, per sub-key. */
typedef struct
{
  guint64     calls;
  GHashTable *sub;   /* char * → GUINT_TO_POINTER (count) */
} Tally;

struct _SluiceMockStats
{
  guint64     total;
  GHashTable *endpoints;  /* char * → Tally *, sub-keys are models */
  GHashTable *models;     /* char * → Tally *, sub-keys are outcomes */
  GHashTable *outcomes;   /* char * → GUINT_TO_POINTER (count) */
};

static void
tally_free (Tally *tally)
{
  g_hash_table_unref (tally->sub);
  g_free (tally);
}

static GHashTable *
counts_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static GHashTable *
tallies_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                (GDestroyNotify) tally_free);
}

static void
count (GHashTable *counts,
       const char *key)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, key));

  g_hash_table_replace (counts, g_strdup (key), GUINT_TO_POINTER (n + 1));
}

static void
tally (GHashTable *tallies,
       const char *key,
       const char *sub_key)
{
  Tally *t = g_hash_table_lookup (tallies, key);

  if (t == NULL)
    {
      t = g_new0 (Tally, 1);
      t->sub = counts_new ();
      g_hash_table_insert (tallies, g_strdup (key), t);
    }

  t->calls++;
  count (t->sub, sub_key);
}

SluiceMockStats *
sluice_mock_stats_new (void)
{
  SluiceMockStats *self = g_new0 (SluiceMockStats, 1);

  self->endpoints = tallies_new ();
  self->models = tallies_new ();
  self->outcomes = counts_new ();
  return self;
}

void
sluice_mock_stats_free (SluiceMockStats *self)
{
  if (self == NULL)
    return;

  g_hash_table_unref (self->endpoints);
  g_hash_table_unref (self->models);
  g_hash_table_unref (self->outcomes);
  g_free (self);
}

void
sluice_mock_stats_record (SluiceMockStats *self,
                          const char      *endpoint,
                          const char      *model,
                          const char      *outcome)
{
  if (model == NULL || *model == '\0')
    model = "(none)";

  self->total++;
  tally (self->endpoints, endpoint, model);
  tally (self->models, model, outcome);
  count (self->outcomes, outcome);
}

void
sluice_mock_stats_reset (SluiceMockStats *self)
{
  self->total = 0;
  g_hash_table_remove_all (self->endpoints);
  g_hash_table_remove_all (self->models);
  g_hash_table_remove_all (self->outcomes);
}

guint64
sluice_mock_stats_get_total (SluiceMockStats *self)
{
  return self->total;
}

static GList *
sorted_keys (GHashTable *table)
{
  return g_list_sort (g_hash_table_get_keys (table), (GCompareFunc) g_strcmp0);
}

static JsonObject *
counts_to_object (GHashTable *counts)
{
  JsonObject *object = json_object_new ();
  g_autoptr(GList) keys = sorted_keys (counts);

  for (const GList *l = keys; l != NULL; l = l->next)
    json_object_set_int_member (object, l->data,
                                GPOINTER_TO_UINT (g_hash_table_lookup (counts, l->data)));
  return object;
}

static JsonObject *
tallies_to_object (GHashTable *tallies,
                   const char *sub_name)
{
  JsonObject *object = json_object_new ();
  g_autoptr(GList) keys = sorted_keys (tallies);

  for (const GList *l = keys; l != NULL; l = l->next)
    {
      Tally *t = g_hash_table_lookup (tallies, l->data);
      JsonObject *entry = json_object_new ();

      json_object_set_int_member (entry, "calls", (gint64) t->calls);
      json_object_set_object_member (entry, sub_name, counts_to_object (t->sub));
      json_object_set_object_member (object, l->data, entry);
    }
  return object;
}

JsonNode *
sluice_mock_stats_to_json (SluiceMockStats *self)
{
  JsonObject *root = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_int_member (root, "total", (gint64) self->total);
  json_object_set_object_member (root, "endpoints",
                                 tallies_to_object (self->endpoints, "models"));
  json_object_set_object_member (root, "models",
                                 tallies_to_object (self->models, "outcomes"));
  json_object_set_object_member (root, "outcomes", counts_to_object (self->outcomes));
  json_node_take_object (node, root);

  return node;
}
