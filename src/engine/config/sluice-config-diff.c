/* sluice-config-diff.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-config"

#include "config.h"

#include "sluice-config-diff.h"

/* A readable diff of two configuration documents, one line per change,
 * addressed by a JSON path without the leading "$.":
 *
 *   chains.frontier: [mock-large, mock-local] → [mock-local, mock-large]
 *   models[mock-small].price_in: 0.15 → 0.2
 *   users[alice]: added {name: alice, …}
 *   routing.rules: order [long-input, hard-tasks] → [hard-tasks, long-input]
 *
 * Arrays whose items are all objects with a unique "name" (providers,
 * models, rules, users) are compared by name, so inserting one item does
 * not report every item after it; their order is reported on its own line
 * when it changed. Any other array is one value. */

#define MAX_RENDER 160

static void diff_nodes (GPtrArray  *lines,
                        const char *path,
                        JsonNode   *a,
                        JsonNode   *b);

static void
render_into (GString  *out,
             JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_NULL:
      g_string_append (out, "null");
      break;

    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        g_string_append (out, json_node_get_string (node));
      else if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
        g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
      else if (json_node_get_value_type (node) == G_TYPE_INT64)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
      else
        g_string_append_printf (out, "%g", json_node_get_double (node));
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        g_string_append_c (out, '[');
        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            if (i > 0)
              g_string_append (out, ", ");
            render_into (out, json_array_get_element (array, i));
          }
        g_string_append_c (out, ']');
      }
      break;

    case JSON_NODE_OBJECT:
    default:
      {
        JsonObjectIter iter;
        const char *member;
        JsonNode *value;
        gboolean first = TRUE;

        g_string_append_c (out, '{');
        json_object_iter_init_ordered (&iter, json_node_get_object (node));
        while (json_object_iter_next_ordered (&iter, &member, &value))
          {
            g_string_append_printf (out, "%s%s: ", first ? "" : ", ", member);
            render_into (out, value);
            first = FALSE;
          }
        g_string_append_c (out, '}');
      }
      break;
    }
}

/**
 * sluice_config_diff_render_value:
 * @node: a JSON value
 *
 * Returns: (transfer full): @node on one line, strings unquoted, cut with
 *   "…" past 160 characters
 */
char *
sluice_config_diff_render_value (JsonNode *node)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (node != NULL, NULL);

  render_into (out, node);
  if (g_utf8_strlen (out->str, -1) > MAX_RENDER)
    {
      const char *cut = g_utf8_offset_to_pointer (out->str, MAX_RENDER - 1);

      g_string_truncate (out, cut - out->str);
      g_string_append (out, "…");
    }
  return g_string_free (out, FALSE);
}

static char *
join_path (const char *path,
           const char *member)
{
  return *path == '\0' ? g_strdup (member) : g_strdup_printf ("%s.%s", path, member);
}

static void
add_change (GPtrArray  *lines,
            const char *path,
            JsonNode   *a,
            JsonNode   *b)
{
  g_autofree char *old = sluice_config_diff_render_value (a);
  g_autofree char *new = sluice_config_diff_render_value (b);

  g_ptr_array_add (lines, g_strdup_printf ("%s: %s → %s", path, old, new));
}

static void
add_presence (GPtrArray  *lines,
              const char *path,
              const char *what,
              JsonNode   *node)
{
  g_autofree char *value = sluice_config_diff_render_value (node);

  g_ptr_array_add (lines, g_strdup_printf ("%s: %s %s", path, what, value));
}

static void
diff_objects (GPtrArray  *lines,
              const char *path,
              JsonObject *a,
              JsonObject *b)
{
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;

  json_object_iter_init_ordered (&iter, a);
  while (json_object_iter_next_ordered (&iter, &member, &value))
    {
      g_autofree char *child = join_path (path, member);

      if (!json_object_has_member (b, member))
        add_presence (lines, child, "removed", value);
      else
        diff_nodes (lines, child, value, json_object_get_member (b, member));
    }

  json_object_iter_init_ordered (&iter, b);
  while (json_object_iter_next_ordered (&iter, &member, &value))
    {
      g_autofree char *child = NULL;

      if (json_object_has_member (a, member))
        continue;
      child = join_path (path, member);
      add_presence (lines, child, "added", value);
    }
}

static const char *
item_name (JsonNode *item)
{
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (item))
    return NULL;
  object = json_node_get_object (item);
  if (!json_object_has_member (object, "name") ||
      json_object_get_string_member_with_default (object, "name", NULL) == NULL)
    return NULL;
  return json_object_get_string_member (object, "name");
}

/* Returns name → item, or NULL when the array is not a list of uniquely
 * named objects. */
static GHashTable *
index_by_name (JsonArray *array)
{
  g_autoptr(GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      const char *name = item_name (item);

      if (name == NULL || g_hash_table_contains (index, name))
        return NULL;
      g_hash_table_insert (index, (gpointer) name, item);
    }
  return g_steal_pointer (&index);
}

/* The names of @array that @other also has, in @array's order. */
static JsonNode *
common_order (JsonArray  *array,
              GHashTable *other)
{
  g_autoptr(JsonArray) names = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *name = item_name (json_array_get_element (array, i));

      if (g_hash_table_contains (other, name))
        json_array_add_string_element (names, name);
    }
  json_node_set_array (node, names);
  return node;
}

static void
diff_named_arrays (GPtrArray  *lines,
                   const char *path,
                   JsonArray  *a,
                   JsonArray  *b,
                   GHashTable *a_index,
                   GHashTable *b_index)
{
  g_autoptr(JsonNode) a_order = common_order (a, b_index);
  g_autoptr(JsonNode) b_order = common_order (b, a_index);

  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *item = json_array_get_element (a, i);
      const char *name = item_name (item);
      g_autofree char *child = g_strdup_printf ("%s[%s]", path, name);
      JsonNode *other = g_hash_table_lookup (b_index, name);

      if (other == NULL)
        g_ptr_array_add (lines, g_strdup_printf ("%s: removed", child));
      else
        diff_nodes (lines, child, item, other);
    }
  for (guint i = 0; i < json_array_get_length (b); i++)
    {
      JsonNode *item = json_array_get_element (b, i);
      g_autofree char *child = g_strdup_printf ("%s[%s]", path, item_name (item));

      if (!g_hash_table_contains (a_index, item_name (item)))
        add_presence (lines, child, "added", item);
    }
  if (!json_node_equal (a_order, b_order))
    {
      g_autofree char *old = sluice_config_diff_render_value (a_order);
      g_autofree char *new = sluice_config_diff_render_value (b_order);

      g_ptr_array_add (lines, g_strdup_printf ("%s: order %s → %s", path, old, new));
    }
}

static void
diff_arrays (GPtrArray  *lines,
             const char *path,
             JsonNode   *a,
             JsonNode   *b)
{
  JsonArray *aa = json_node_get_array (a);
  JsonArray *ba = json_node_get_array (b);
  g_autoptr(GHashTable) a_index = NULL;
  g_autoptr(GHashTable) b_index = NULL;

  if (json_node_equal (a, b))
    return;
  if (json_array_get_length (aa) > 0 && json_array_get_length (ba) > 0)
    {
      a_index = index_by_name (aa);
      b_index = index_by_name (ba);
    }
  if (a_index != NULL && b_index != NULL)
    diff_named_arrays (lines, path, aa, ba, a_index, b_index);
  else
    add_change (lines, path, a, b);
}

static gboolean
numbers_equal (JsonNode *a,
               JsonNode *b)
{
  GType at = json_node_get_value_type (a);
  GType bt = json_node_get_value_type (b);
  gboolean a_num = at == G_TYPE_INT64 || at == G_TYPE_DOUBLE;
  gboolean b_num = bt == G_TYPE_INT64 || bt == G_TYPE_DOUBLE;

  return a_num && b_num && json_node_get_double (a) == json_node_get_double (b);
}

static void
diff_nodes (GPtrArray  *lines,
            const char *path,
            JsonNode   *a,
            JsonNode   *b)
{
  if (JSON_NODE_TYPE (a) != JSON_NODE_TYPE (b))
    add_change (lines, path, a, b);
  else if (JSON_NODE_HOLDS_OBJECT (a))
    diff_objects (lines, path, json_node_get_object (a), json_node_get_object (b));
  else if (JSON_NODE_HOLDS_ARRAY (a))
    diff_arrays (lines, path, a, b);
  else if (JSON_NODE_HOLDS_VALUE (a) && numbers_equal (a, b))
    return;
  else if (!json_node_equal (a, b))
    add_change (lines, path, a, b);
}

/**
 * sluice_config_diff_nodes:
 * @a: the old document
 * @b: the new document
 *
 * Returns: (transfer full) (element-type utf8): one readable line per
 *   change, in document order; empty when they mean the same
 */
GPtrArray *
sluice_config_diff_nodes (JsonNode *a,
                          JsonNode *b)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (a != NULL && b != NULL, lines);

  diff_nodes (lines, "", a, b);
  return lines;
}

/**
 * sluice_config_diff:
 * @a: the old config
 * @b: the new config
 *
 * Compares the canonical documents of @a and @b.
 *
 * Returns: (transfer full) (element-type utf8): as sluice_config_diff_nodes()
 */
GPtrArray *
sluice_config_diff (SluiceConfig *a,
                    SluiceConfig *b)
{
  g_autofree char *a_json = NULL;
  g_autofree char *b_json = NULL;
  g_autoptr(JsonNode) a_node = NULL;
  g_autoptr(JsonNode) b_node = NULL;

  g_return_val_if_fail (SLUICE_IS_CONFIG (a) && SLUICE_IS_CONFIG (b), NULL);

  a_json = sluice_config_to_json (a);
  b_json = sluice_config_to_json (b);
  a_node = json_from_string (a_json, NULL);
  b_node = json_from_string (b_json, NULL);
  g_assert (a_node != NULL && b_node != NULL);
  return sluice_config_diff_nodes (a_node, b_node);
}

/**
 * sluice_config_diff_text:
 * @a_json: the old document
 * @b_json: the new document
 * @error: return location for a parse error
 *
 * Neither document needs to be valid against today's schema: old stored
 * versions are compared as they were written.
 *
 * Returns: (transfer full) (nullable): the changes, one per line, "" when
 *   none, or %NULL with @error set when either is not JSON
 */
char *
sluice_config_diff_text (const char  *a_json,
                         const char  *b_json,
                         GError     **error)
{
  g_autoptr(JsonNode) a = NULL;
  g_autoptr(JsonNode) b = NULL;
  g_autoptr(GPtrArray) lines = NULL;

  g_return_val_if_fail (a_json != NULL && b_json != NULL, NULL);

  a = json_from_string (a_json, error);
  if (a == NULL)
    return NULL;
  b = json_from_string (b_json, error);
  if (b == NULL)
    return NULL;
  lines = sluice_config_diff_nodes (a, b);
  g_ptr_array_add (lines, NULL);
  return g_strjoinv ("\n", (char **) lines->pdata);
}
