/* sluice-mock-scenario.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-mock"

#include "config.h"

#include "sluice-mock-scenario.h"

struct _SluiceMockScenario
{
  SluiceMockEntry *fallback;
  GHashTable      *models;   /* char * → SluiceMockEntry * */
  gint64           rpm;      /* 0: unlimited */
  gint64           tpm;
};

G_DEFINE_QUARK (sluice-mock-scenario-error-quark, sluice_mock_scenario_error)

static void
entry_free (SluiceMockEntry *entry)
{
  g_clear_pointer (&entry->behaviour, sluice_mock_behaviour_unref);
  g_clear_pointer (&entry->rand, g_rand_free);
  g_free (entry);
}

static void
entry_seed (SluiceMockEntry *entry,
            gint64           seed_override)
{
  guint64 seed;
  guint32 words[2];

  seed = seed_override >= 0 ? (guint64) seed_override
                            : sluice_mock_behaviour_get_seed (entry->behaviour);
  words[0] = (guint32) (seed & 0xffffffff);
  words[1] = (guint32) (seed >> 32);
  g_rand_set_seed_array (entry->rand, words, G_N_ELEMENTS (words));
}

/* Takes @behaviour. */
static SluiceMockEntry *
entry_new (SluiceMockBehaviour *behaviour)
{
  SluiceMockEntry *entry = g_new0 (SluiceMockEntry, 1);

  entry->behaviour = behaviour;
  entry->stream.cut_after_chunks = sluice_mock_behaviour_get_stream_cut_after (behaviour);
  entry->stream.chunk_delay_ms = sluice_mock_behaviour_get_chunk_delay_ms (behaviour);
  entry->rand = g_rand_new ();
  entry_seed (entry, -1);

  return entry;
}

static gboolean
read_count (JsonObject  *object,
            const char  *member,
            const char  *path,
            gint64      *out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) < 0)
    {
      g_set_error (error, SLUICE_MOCK_SCENARIO_ERROR,
                   SLUICE_MOCK_SCENARIO_ERROR_INVALID,
                   "%s.%s: must be a non-negative integer", path, member);
      return FALSE;
    }

  *out = json_node_get_int (node);
  return TRUE;
}

static gboolean
check_members (JsonObject         *object,
               const char         *path,
               const char * const *allowed,
               GError            **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (const GList *l = members; l != NULL; l = l->next)
    {
      if (!g_strv_contains (allowed, l->data))
        {
          g_set_error (error, SLUICE_MOCK_SCENARIO_ERROR,
                       SLUICE_MOCK_SCENARIO_ERROR_INVALID,
                       "%s.%s: unknown member", path, (const char *) l->data);
          return FALSE;
        }
    }

  return TRUE;
}

static SluiceMockEntry *
parse_entry (JsonNode    *node,
             const char  *path,
             GError     **error)
{
  SluiceMockBehaviour *behaviour = sluice_mock_behaviour_new_from_json (node, path, error);

  return behaviour != NULL ? entry_new (behaviour) : NULL;
}

static gboolean
parse_models (SluiceMockScenario  *self,
              JsonNode            *node,
              GError             **error)
{
  g_autoptr(GList) members = NULL;
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, SLUICE_MOCK_SCENARIO_ERROR,
                           SLUICE_MOCK_SCENARIO_ERROR_INVALID,
                           "$.models: must be an object");
      return FALSE;
    }

  object = json_node_get_object (node);
  members = json_object_get_members (object);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *model = l->data;
      g_autofree char *path = g_strdup_printf ("$.models.%s", model);
      SluiceMockEntry *entry;

      entry = parse_entry (json_object_get_member (object, model), path, error);
      if (entry == NULL)
        return FALSE;
      g_hash_table_replace (self->models, g_strdup (model), entry);
    }

  return TRUE;
}

static gboolean
parse_limits (SluiceMockScenario  *self,
              JsonNode            *node,
              GError             **error)
{
  static const char * const allowed[] = { "rpm", "tpm", NULL };

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, SLUICE_MOCK_SCENARIO_ERROR,
                           SLUICE_MOCK_SCENARIO_ERROR_INVALID,
                           "$.limits: must be an object");
      return FALSE;
    }

  return check_members (json_node_get_object (node), "$.limits", allowed, error) &&
         read_count (json_node_get_object (node), "rpm", "$.limits", &self->rpm, error) &&
         read_count (json_node_get_object (node), "tpm", "$.limits", &self->tpm, error);
}

static SluiceMockScenario *
scenario_new_empty (void)
{
  SluiceMockScenario *self = g_new0 (SluiceMockScenario, 1);

  self->models = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) entry_free);
  return self;
}

SluiceMockScenario *
sluice_mock_scenario_new_default (void)
{
  SluiceMockScenario *self = scenario_new_empty ();

  self->fallback = entry_new (sluice_mock_behaviour_new_default ());
  return self;
}

SluiceMockScenario *
sluice_mock_scenario_new_from_json (JsonNode  *root,
                                    GError   **error)
{
  static const char * const allowed[] = { "default", "models", "limits", NULL };
  g_autoptr(SluiceMockScenario) self = scenario_new_empty ();
  JsonObject *object;
  JsonNode *node;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, SLUICE_MOCK_SCENARIO_ERROR,
                           SLUICE_MOCK_SCENARIO_ERROR_INVALID,
                           "$: the scenario must be a JSON object");
      return NULL;
    }

  object = json_node_get_object (root);
  if (!check_members (object, "$", allowed, error))
    return NULL;

  if ((node = json_object_get_member (object, "default")) != NULL)
    self->fallback = parse_entry (node, "$.default", error);
  else
    self->fallback = entry_new (sluice_mock_behaviour_new_default ());
  if (self->fallback == NULL)
    return NULL;

  if ((node = json_object_get_member (object, "models")) != NULL &&
      !parse_models (self, node, error))
    return NULL;

  if ((node = json_object_get_member (object, "limits")) != NULL &&
      !parse_limits (self, node, error))
    return NULL;

  return g_steal_pointer (&self);
}

SluiceMockScenario *
sluice_mock_scenario_new_from_data (const char  *data,
                                    gssize       length,
                                    GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;

  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      g_set_error (error, SLUICE_MOCK_SCENARIO_ERROR,
                   SLUICE_MOCK_SCENARIO_ERROR_INVALID,
                   "$: not valid JSON: %s", local_error->message);
      return NULL;
    }

  return sluice_mock_scenario_new_from_json (json_parser_get_root (parser), error);
}

void
sluice_mock_scenario_free (SluiceMockScenario *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->fallback, entry_free);
  g_clear_pointer (&self->models, g_hash_table_unref);
  g_free (self);
}

JsonNode *
sluice_mock_scenario_to_json (SluiceMockScenario *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GList *models = sluice_mock_scenario_dup_models (self);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "default");
  json_builder_add_value (builder, sluice_mock_behaviour_to_json (self->fallback->behaviour));

  json_builder_set_member_name (builder, "models");
  json_builder_begin_object (builder);
  for (const GList *l = models; l != NULL; l = l->next)
    {
      SluiceMockEntry *entry = g_hash_table_lookup (self->models, l->data);

      json_builder_set_member_name (builder, l->data);
      json_builder_add_value (builder, sluice_mock_behaviour_to_json (entry->behaviour));
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "limits");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "rpm");
  json_builder_add_int_value (builder, self->rpm);
  json_builder_set_member_name (builder, "tpm");
  json_builder_add_int_value (builder, self->tpm);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  g_list_free_full (models, g_free);

  return json_builder_get_root (builder);
}

SluiceMockEntry *
sluice_mock_scenario_lookup (SluiceMockScenario *self,
                             const char         *model)
{
  SluiceMockEntry *entry = NULL;

  if (model != NULL)
    entry = g_hash_table_lookup (self->models, model);

  return entry != NULL ? entry : self->fallback;
}

/* Sorted, so listings are stable. */
GList *
sluice_mock_scenario_dup_models (SluiceMockScenario *self)
{
  GList *keys = g_hash_table_get_keys (self->models);
  GList *out = NULL;

  keys = g_list_sort (keys, (GCompareFunc) g_strcmp0);
  for (const GList *l = keys; l != NULL; l = l->next)
    out = g_list_prepend (out, g_strdup (l->data));
  g_list_free (keys);

  return g_list_reverse (out);
}

gint64
sluice_mock_scenario_get_rpm (SluiceMockScenario *self)
{
  return self->rpm;
}

gint64
sluice_mock_scenario_get_tpm (SluiceMockScenario *self)
{
  return self->tpm;
}

/* Restarts every random sequence, from @seed_override when it is not
 * negative, else from each behaviour's own seed. */
void
sluice_mock_scenario_reseed (SluiceMockScenario *self,
                             gint64              seed_override)
{
  GHashTableIter iter;
  gpointer value;

  entry_seed (self->fallback, seed_override);
  g_hash_table_iter_init (&iter, self->models);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    entry_seed (value, seed_override);
}
