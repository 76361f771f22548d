/* sluice-config-draft.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-app"

#include "config.h"

#include "sluice-config-draft.h"

/* The editors' draft: a JSON document, a copy of the running config's
 * canonical text, that every editor changes in place. Editing the document
 * rather than a struct keeps members an editor does not know (a newer
 * schema's) exactly as they are. */

struct _SluiceConfigDraft
{
  GObject   parent_instance;

  JsonNode *base;   /* the running config's canonical document */
  JsonNode *root;   /* the draft */
};

G_DEFINE_FINAL_TYPE (SluiceConfigDraft, sluice_config_draft, G_TYPE_OBJECT)

enum {
  CHANGED,
  RESET,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

static void
sluice_config_draft_finalize (GObject *object)
{
  SluiceConfigDraft *self = SLUICE_CONFIG_DRAFT (object);

  g_clear_pointer (&self->base, json_node_unref);
  g_clear_pointer (&self->root, json_node_unref);

  G_OBJECT_CLASS (sluice_config_draft_parent_class)->finalize (object);
}

static void
sluice_config_draft_class_init (SluiceConfigDraftClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sluice_config_draft_finalize;

  /* ::changed (structural): an edit; structural when items were added,
   * removed or moved, so the editors rebuild their rows. */
  signals [CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
  /* ::reset: the whole document was replaced. */
  signals [RESET] = g_signal_new ("reset", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
sluice_config_draft_init (SluiceConfigDraft *self)
{
  self->base = json_node_init_object (json_node_alloc (), json_object_new ());
  self->root = json_node_init_object (json_node_alloc (), json_object_new ());
}

SluiceConfigDraft *
sluice_config_draft_new (void)
{
  return g_object_new (SLUICE_TYPE_CONFIG_DRAFT, NULL);
}

/**
 * sluice_config_draft_set_running:
 *
 * Starts a fresh draft from @running, dropping any edit.
 */
void
sluice_config_draft_set_running (SluiceConfigDraft *self,
                                 SluiceConfig      *running)
{
  g_autofree char *json = NULL;

  g_return_if_fail (SLUICE_IS_CONFIG_DRAFT (self));
  g_return_if_fail (SLUICE_IS_CONFIG (running));

  json = sluice_config_to_json (running);
  g_clear_pointer (&self->base, json_node_unref);
  g_clear_pointer (&self->root, json_node_unref);
  /* Two parses: json_node_copy() would share the objects underneath. */
  self->base = json_from_string (json, NULL);
  self->root = json_from_string (json, NULL);
  g_signal_emit (self, signals [RESET], 0);
}

/**
 * sluice_config_draft_load:
 *
 * Replaces the draft with @json after validating it: an invalid document
 * changes nothing and says why (its JSON path first).
 */
gboolean
sluice_config_draft_load (SluiceConfigDraft  *self,
                          const char         *json,
                          GError            **error)
{
  g_autoptr(SluiceConfig) config = NULL;
  g_autofree char *canonical = NULL;

  g_return_val_if_fail (SLUICE_IS_CONFIG_DRAFT (self), FALSE);

  config = sluice_config_new_from_data (json, -1, error);
  if (config == NULL)
    return FALSE;
  canonical = sluice_config_to_json (config);
  g_clear_pointer (&self->root, json_node_unref);
  self->root = json_from_string (canonical, NULL);
  g_signal_emit (self, signals [RESET], 0);
  return TRUE;
}

JsonObject *
sluice_config_draft_get_root (SluiceConfigDraft *self)
{
  g_return_val_if_fail (SLUICE_IS_CONFIG_DRAFT (self), NULL);

  return json_node_get_object (self->root);
}

static const char *
step (JsonNode   *node,
      const char *p,
      JsonNode  **out)
{
  *out = NULL;
  if (*p == '.' && JSON_NODE_HOLDS_OBJECT (node))
    {
      const char *end = p + 1;
      g_autofree char *member = NULL;

      while (*end != '\0' && *end != '.' && *end != '[')
        end++;
      member = g_strndup (p + 1, end - p - 1);
      *out = json_object_get_member (json_node_get_object (node), member);
      return end;
    }
  if (p[0] == '[' && p[1] == '"' && JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autoptr(GString) member = g_string_new (NULL);

      for (p += 2; *p != '\0' && *p != '"'; p++)
        {
          if (*p == '\\' && p[1] != '\0')
            p++;
          g_string_append_c (member, *p);
        }
      *out = json_object_get_member (json_node_get_object (node), member->str);
      return *p == '"' && p[1] == ']' ? p + 2 : p;
    }
  if (*p == '[' && JSON_NODE_HOLDS_ARRAY (node))
    {
      char *end = NULL;
      guint64 index = g_ascii_strtoull (p + 1, &end, 10);
      JsonArray *array = json_node_get_array (node);

      if (end != NULL && *end == ']' && index < json_array_get_length (array))
        *out = json_array_get_element (array, index);
      return end != NULL && *end == ']' ? end + 1 : p;
    }
  return p;
}

/**
 * sluice_config_draft_lookup:
 * @path: a JSON path as the config's errors write them ("$.models[2].name",
 *   "$.chains.frontier", "$.cache.policies[\"a b\"]")
 *
 * Returns: (transfer none) (nullable): the node there
 */
JsonNode *
sluice_config_draft_lookup (SluiceConfigDraft *self,
                            const char        *path)
{
  JsonNode *node;
  const char *p;

  g_return_val_if_fail (SLUICE_IS_CONFIG_DRAFT (self), NULL);
  g_return_val_if_fail (path != NULL && path[0] == '$', NULL);

  node = self->root;
  for (p = path + 1; *p != '\0' && node != NULL;)
    {
      JsonNode *next;
      const char *after = step (node, p, &next);

      if (after == p)
        return NULL;
      node = next;
      p = after;
    }
  return node;
}

void
sluice_config_draft_changed (SluiceConfigDraft *self,
                             gboolean           structural)
{
  g_return_if_fail (SLUICE_IS_CONFIG_DRAFT (self));

  g_signal_emit (self, signals [CHANGED], 0, structural);
}

gboolean
sluice_config_draft_is_dirty (SluiceConfigDraft *self)
{
  g_return_val_if_fail (SLUICE_IS_CONFIG_DRAFT (self), FALSE);

  return !json_node_equal (self->base, self->root);
}

char *
sluice_config_draft_dup_json (SluiceConfigDraft *self)
{
  g_return_val_if_fail (SLUICE_IS_CONFIG_DRAFT (self), NULL);

  return json_to_string (self->root, TRUE);
}

/**
 * sluice_config_draft_dup_diff:
 *
 * Returns: (transfer full): the draft's changes against the running
 *   config, one readable line each; "" when there is none
 */
char *
sluice_config_draft_dup_diff (SluiceConfigDraft *self)
{
  g_autoptr(GPtrArray) lines = NULL;

  g_return_val_if_fail (SLUICE_IS_CONFIG_DRAFT (self), NULL);

  lines = sluice_config_diff_nodes (self->base, self->root);
  g_ptr_array_add (lines, NULL);
  return g_strjoinv ("\n", (char **) lines->pdata);
}

/**
 * sluice_config_draft_move:
 * @array_path: the path of an array ("$.chains.frontier", "$.routing.rules")
 *
 * Moves item @from to position @to: what drag and drop and the move up /
 * move down buttons do.
 *
 * Returns: %TRUE if something moved
 */
gboolean
sluice_config_draft_move (SluiceConfigDraft *self,
                          const char        *array_path,
                          guint              from,
                          guint              to)
{
  JsonNode *node;
  JsonArray *array;
  g_autoptr(GPtrArray) items = NULL;
  JsonNode *item;

  g_return_val_if_fail (SLUICE_IS_CONFIG_DRAFT (self), FALSE);

  node = sluice_config_draft_lookup (self, array_path);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  array = json_node_get_array (node);
  if (from == to || from >= json_array_get_length (array) || to >= json_array_get_length (array))
    return FALSE;

  items = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  while (json_array_get_length (array) > 0)
    {
      g_ptr_array_add (items, json_array_dup_element (array, 0));
      json_array_remove_element (array, 0);
    }
  item = g_ptr_array_steal_index (items, from);
  g_ptr_array_insert (items, to, item);
  for (guint i = 0; i < items->len; i++)
    json_array_add_element (array, json_node_ref (g_ptr_array_index (items, i)));
  sluice_config_draft_changed (self, TRUE);
  return TRUE;
}

gboolean
sluice_config_draft_remove (SluiceConfigDraft *self,
                            const char        *array_path,
                            guint              index)
{
  JsonNode *node;

  g_return_val_if_fail (SLUICE_IS_CONFIG_DRAFT (self), FALSE);

  node = sluice_config_draft_lookup (self, array_path);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) ||
      index >= json_array_get_length (json_node_get_array (node)))
    return FALSE;
  json_array_remove_element (json_node_get_array (node), index);
  sluice_config_draft_changed (self, TRUE);
  return TRUE;
}

/**
 * sluice_config_draft_validate:
 *
 * Returns: (transfer full) (nullable): the draft as a config, or %NULL with
 *   @error set (for the schema: the JSON path first, then the reason)
 */
SluiceConfig *
sluice_config_draft_validate (SluiceConfigDraft  *self,
                              GError            **error)
{
  g_autofree char *json = NULL;

  g_return_val_if_fail (SLUICE_IS_CONFIG_DRAFT (self), NULL);

  json = json_to_string (self->root, FALSE);
  return sluice_config_new_from_data (json, -1, error);
}
