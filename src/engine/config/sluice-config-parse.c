/* sluice-config-parse.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-config"

#include "config.h"

#include <string.h>

#include "sluice-config-private.h"

/* The document, its chains, aliases and routing. Providers and models are
 * read in sluice-config-parse-providers.c, the limits sections in
 * sluice-config-parse-limits.c. */

#define MAX_TOKENS 1000000000.0

static gboolean
check_shared_name (SluiceConfigParser  *parser,
                   const char          *name,
                   const char          *path,
                   GError             **error)
{
  /* Requests name a model, a chain or an alias in one field, so the three
   * share one namespace. */
  if (g_hash_table_contains (parser->model_names, name))
    return _sluice_config_fail (error, path, "\"%s\" is already a model's name",
                                name);

  return TRUE;
}

static gboolean
read_chain (SluiceConfigParser  *parser,
            const char          *name,
            JsonNode            *node,
            const char          *path,
            GError             **error)
{
  g_autoptr(SluiceChainConfig) chain = g_new0 (SluiceChainConfig, 1);
  g_autoptr(GStrvBuilder) models = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *array;

  if (!_sluice_config_is_name (name))
    return _sluice_config_fail (error, path, "a chain's name must be letters, "
                                "digits and . _ : / - (at most 64)");

  if (!check_shared_name (parser, name, path, error) ||
      !_sluice_config_get_array (node, path, &array, error))
    return FALSE;

  if (json_array_get_length (array) == 0)
    return _sluice_config_fail (error, path, "a chain needs at least one model");

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *child = _sluice_config_path_index (path, i);
      const char *model = NULL;

      if (!_sluice_config_get_string (json_array_get_element (array, i), child,
                                      &model, error) ||
          !_sluice_config_check_ref (parser->model_names, "model", model,
                                     child, error))
        return FALSE;

      if (!g_hash_table_add (seen, (gpointer) model))
        return _sluice_config_fail (error, child,
                                    "model \"%s\" appears twice in the chain",
                                    model);

      g_strv_builder_add (models, model);
    }

  chain->name = g_strdup (name);
  chain->models = g_strv_builder_end (models);
  g_hash_table_insert (parser->config->chain_index, chain->name, chain);
  g_ptr_array_add (parser->config->chains, g_steal_pointer (&chain));

  return TRUE;
}

static gboolean
read_chains (SluiceConfigParser  *parser,
             JsonNode            *node,
             const char          *path,
             gpointer             target,
             GError             **error)
{
  JsonObject *object;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  if (!_sluice_config_get_object (node, path, &object, error))
    return FALSE;

  if (json_object_get_size (object) == 0)
    return _sluice_config_fail (error, path, "needs at least one chain");

  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &name, &value))
    {
      g_autofree char *child = _sluice_config_path_member (path, name);

      if (!read_chain (parser, name, value, child, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
read_aliases (SluiceConfigParser  *parser,
              JsonNode            *node,
              const char          *path,
              gpointer             target,
              GError             **error)
{
  SluiceConfig *self = parser->config;
  JsonObject *object;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  if (!_sluice_config_get_object (node, path, &object, error))
    return FALSE;

  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &name, &value))
    {
      g_autofree char *child = _sluice_config_path_member (path, name);
      SluiceAliasConfig *alias;
      const char *chain = NULL;

      if (!_sluice_config_is_name (name))
        return _sluice_config_fail (error, child, "an alias must be letters, "
                                    "digits and . _ : / - (at most 64)");

      if (g_hash_table_contains (parser->chain_names, name))
        return _sluice_config_fail (error, child,
                                    "\"%s\" is already a chain's name", name);

      if (!check_shared_name (parser, name, child, error) ||
          !_sluice_config_get_string (value, child, &chain, error) ||
          !_sluice_config_check_ref (parser->chain_names, "chain", chain,
                                     child, error))
        return FALSE;

      alias = g_new0 (SluiceAliasConfig, 1);
      alias->name = g_strdup (name);
      alias->chain = g_strdup (chain);
      g_hash_table_insert (self->alias_index, alias->name, alias);
      g_ptr_array_add (self->aliases, alias);
    }

  return TRUE;
}

static gboolean
read_schema (SluiceConfigParser  *parser,
             JsonNode            *node,
             const char          *path,
             gpointer             target,
             GError             **error)
{
  /* Checked before anything else, in check_schema (). */
  return TRUE;
}

static const SluiceFieldSpec document_fields[] = {
  { "schema", SLUICE_FIELD_CUSTOM, TRUE, .func = read_schema },
  { "providers", SLUICE_FIELD_CUSTOM, TRUE, .func = _sluice_config_read_providers },
  { "models", SLUICE_FIELD_CUSTOM, TRUE, .func = _sluice_config_read_models },
  { "chains", SLUICE_FIELD_CUSTOM, TRUE, .func = read_chains },
  { "aliases", SLUICE_FIELD_CUSTOM, .func = read_aliases },
  { "routing", SLUICE_FIELD_CUSTOM, .func = _sluice_config_read_routing },
  { "cache", SLUICE_FIELD_CUSTOM, .func = _sluice_config_read_cache },
  { "budgets", SLUICE_FIELD_CUSTOM, .func = _sluice_config_read_budgets },
  { "breaker", SLUICE_FIELD_CUSTOM, .func = _sluice_config_read_breaker },
  { "retry", SLUICE_FIELD_CUSTOM, .func = _sluice_config_read_retry },
  { "storm_guard", SLUICE_FIELD_CUSTOM, .func = _sluice_config_read_storm },
  { "degradation", SLUICE_FIELD_CUSTOM, .func = _sluice_config_read_degradation },
  { "users", SLUICE_FIELD_CUSTOM, .func = _sluice_config_read_users },
  { "limits", SLUICE_FIELD_CUSTOM, .func = _sluice_config_read_limits },
  { "counters", SLUICE_FIELD_CUSTOM, .func = _sluice_config_read_counters },
  { "monitoring", SLUICE_FIELD_CUSTOM, .func = _sluice_config_read_monitoring },
  { NULL }
};

/* Counts the members json-glib has seen per object: a member that does not
 * grow its object replaced an earlier one of the same name, which JSON
 * allows but a config must not ("chains" listed twice would lose one). */
typedef struct
{
  GHashTable *counts;
  char       *duplicate;
} DuplicateWatch;

static void
on_object_member (JsonParser     *parser,
                  JsonObject     *object,
                  const char     *member,
                  DuplicateWatch *watch)
{
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (watch->counts, object)) + 1;

  g_hash_table_insert (watch->counts, object, GUINT_TO_POINTER (count));

  if (watch->duplicate == NULL && json_object_get_size (object) < count)
    watch->duplicate = g_strdup_printf ("%u:%u: member \"%s\" appears twice "
                                        "in one object",
                                        json_parser_get_current_line (parser),
                                        json_parser_get_current_pos (parser),
                                        member);
}

static gboolean
set_parse_error (GError     **error,
                 const char  *message)
{
  g_autofree char *line_column = NULL;

  /* json-glib says "<data>:3:14: Parse error: unexpected …". */
  if (g_str_has_prefix (message, "<data>:"))
    message += strlen ("<data>:");

  line_column = g_strndup (message, strcspn (message, " "));
  message += strlen (line_column);
  if (g_str_has_prefix (message, " Parse error: "))
    message += strlen (" Parse error:");

  g_set_error (error, SLUICE_CONFIG_ERROR, SLUICE_CONFIG_ERROR_PARSE, "%s%s",
               line_column, message);

  return FALSE;
}

/* Reads the text into a tree; PARSE errors say "line:column: reason". */
JsonNode *
_sluice_config_parse_text (const char  *data,
                           gssize       length,
                           GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  DuplicateWatch watch = { g_hash_table_new (NULL, NULL), NULL };
  JsonNode *root = NULL;

  g_signal_connect (parser, "object-member", G_CALLBACK (on_object_member), &watch);

  if (!json_parser_load_from_data (parser, data, length, &local_error))
    set_parse_error (error, local_error->message);
  else if (watch.duplicate != NULL)
    set_parse_error (error, watch.duplicate);
  else if (json_parser_get_root (parser) == NULL)
    set_parse_error (error, "1:1: the document is empty");
  else
    root = json_parser_steal_root (parser);

  g_hash_table_unref (watch.counts);
  g_free (watch.duplicate);

  return root;
}

static gboolean
check_schema (JsonNode  *root,
              GError   **error)
{
  JsonNode *schema;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    return _sluice_config_fail (error, "$", "must be an object");

  schema = json_object_get_member (json_node_get_object (root), "schema");
  if (schema == NULL)
    return _sluice_config_fail (error, "$.schema", "required");

  if (!JSON_NODE_HOLDS_VALUE (schema) ||
      json_node_get_value_type (schema) != G_TYPE_INT64)
    return _sluice_config_fail (error, "$.schema", "must be an integer");

  if (json_node_get_int (schema) != SLUICE_CONFIG_SCHEMA_VERSION)
    {
      g_set_error (error, SLUICE_CONFIG_ERROR, SLUICE_CONFIG_ERROR_VERSION,
                   "$.schema: version %" G_GINT64_FORMAT " is not supported; "
                   "this Sluice reads version %d",
                   json_node_get_int (schema), SLUICE_CONFIG_SCHEMA_VERSION);
      return FALSE;
    }

  return TRUE;
}

/* Gathers the names of the elements of an array of objects, tolerating any
 * malformation: validation reports those in order later. */
static void
collect_names (JsonNode   *node,
               GHashTable *names)
{
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonNode *name;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;

      name = json_object_get_member (json_node_get_object (element), "name");
      if (name != NULL && JSON_NODE_HOLDS_VALUE (name) &&
          json_node_get_value_type (name) == G_TYPE_STRING &&
          !g_hash_table_contains (names, json_node_get_string (name)))
        g_hash_table_insert (names, (gpointer) json_node_get_string (name),
                             GUINT_TO_POINTER (i + 1));
    }
}

static void
collect_all_names (SluiceConfigParser *parser,
                   JsonObject         *root)
{
  JsonNode *chains = json_object_get_member (root, "chains");
  JsonNode *routing = json_object_get_member (root, "routing");

  collect_names (json_object_get_member (root, "providers"), parser->provider_names);
  collect_names (json_object_get_member (root, "models"), parser->model_names);
  collect_names (json_object_get_member (root, "users"), parser->user_names);

  if (routing != NULL && JSON_NODE_HOLDS_OBJECT (routing))
    collect_names (json_object_get_member (json_node_get_object (routing), "rules"),
                   parser->rule_names);

  if (chains != NULL && JSON_NODE_HOLDS_OBJECT (chains))
    {
      GList *members = json_object_get_members (json_node_get_object (chains));

      for (GList *l = members; l != NULL; l = l->next)
        g_hash_table_add (parser->chain_names, l->data);
      g_list_free (members);
    }
}

static int
compare_by_name (gconstpointer a,
                 gconstpointer b)
{
  /* Every sorted entry type starts with its name. */
  return strcmp (**(char * const * const *) a, **(char * const * const *) b);
}

static gboolean
finish_document (SluiceConfigParser  *parser,
                 JsonObject          *root,
                 GError             **error)
{
  SluiceConfig *self = parser->config;

  if (self->default_chain == NULL)
    {
      if (!g_hash_table_contains (parser->chain_names, "small"))
        return _sluice_config_fail (error, "$.routing",
                                    "required, since no chain is named \"small\" "
                                    "to be the default");
      self->default_chain = g_strdup ("small");
    }

  g_ptr_array_sort (self->chains, compare_by_name);
  g_ptr_array_sort (self->aliases, compare_by_name);

  return _sluice_config_check_replacements (self, error) &&
         _sluice_config_check_embedding (self, error);
}

gboolean
_sluice_config_parse (SluiceConfig  *self,
                      JsonNode      *root,
                      GError       **error)
{
  SluiceConfigParser parser = { .config = self };
  gboolean ret = FALSE;

  if (!check_schema (root, error))
    return FALSE;

  parser.provider_names = g_hash_table_new (g_str_hash, g_str_equal);
  parser.model_names = g_hash_table_new (g_str_hash, g_str_equal);
  parser.chain_names = g_hash_table_new (g_str_hash, g_str_equal);
  parser.rule_names = g_hash_table_new (g_str_hash, g_str_equal);
  parser.user_names = g_hash_table_new (g_str_hash, g_str_equal);
  collect_all_names (&parser, json_node_get_object (root));

  _sluice_config_set_defaults (self);

  if (_sluice_config_read_fields (&parser, root, "$", document_fields, self, error))
    ret = finish_document (&parser, json_node_get_object (root), error);

  g_hash_table_unref (parser.provider_names);
  g_hash_table_unref (parser.model_names);
  g_hash_table_unref (parser.chain_names);
  g_hash_table_unref (parser.rule_names);
  g_hash_table_unref (parser.user_names);

  return ret;
}
