/* sluice-config-embed.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-config"

#include "config.h"

#include <string.h>

#include "sluice-config-private.h"

/* Embedding models: a model's "kind", the cache's "embedder", and the
 * checks that keep chat and embedding models apart. */

#define MAX_DIMENSIONS 8192

gboolean
_sluice_config_read_model_kind (SluiceConfigParser  *parser,
                                JsonNode            *node,
                                const char          *path,
                                gpointer             target,
                                GError             **error)
{
  SluiceModelConfig *model = target;
  const char *kind = NULL;

  if (!_sluice_config_get_string (node, path, &kind, error))
    return FALSE;
  if (strcmp (kind, "chat") == 0)
    model->embedding = FALSE;
  else if (strcmp (kind, "embedding") == 0)
    model->embedding = TRUE;
  else
    return _sluice_config_fail (error, path, "must be \"chat\" or \"embedding\"");

  return TRUE;
}

static const SluiceFieldSpec embedder_fields[] = {
  { "model", SLUICE_FIELD_STRING, TRUE,
    .offset = G_STRUCT_OFFSET (SluiceCacheConfig, embedder_model) },
  { "dimensions", SLUICE_FIELD_UINT, TRUE,
    .offset = G_STRUCT_OFFSET (SluiceCacheConfig, embedder_dimensions),
    .min = 1, .max = MAX_DIMENSIONS },
  { NULL }
};

/* "local", or { "model": "<an embedding model>", "dimensions": N }. */
gboolean
_sluice_config_read_embedder (SluiceConfigParser  *parser,
                              JsonNode            *node,
                              const char          *path,
                              gpointer             target,
                              GError             **error)
{
  SluiceCacheConfig *cache = &parser->config->cache;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
      strcmp (json_node_get_string (node), "local") == 0)
    {
      g_clear_pointer (&cache->embedder_model, g_free);
      cache->embedder_dimensions = 0;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return _sluice_config_fail (error, path, "must be \"local\" or "
                                "{ \"model\": …, \"dimensions\": … }");
  g_clear_pointer (&cache->embedder_model, g_free);
  if (!_sluice_config_read_fields (parser, node, path, embedder_fields, cache, error))
    return FALSE;

  {
    g_autofree char *child = _sluice_config_path_member (path, "model");

    return _sluice_config_check_ref (parser->model_names, "model", cache->embedder_model,
                                     child, error);
  }
}

static gboolean
check_chain (SluiceConfig             *self,
             const SluiceChainConfig  *chain,
             GError                  **error)
{
  const SluiceModelConfig *first = sluice_config_lookup_model (self, chain->models[0]);

  for (guint i = 1; chain->models[i] != NULL; i++)
    {
      const SluiceModelConfig *model = sluice_config_lookup_model (self, chain->models[i]);

      if (model->embedding != first->embedding)
        {
          g_autofree char *path = g_strdup_printf ("$.chains.%s[%u]", chain->name, i);

          return _sluice_config_fail (error, path, "\"%s\" is %s model and \"%s\" %s one; "
                                      "a chain cannot mix them", model->name,
                                      model->embedding ? "an embedding" : "a chat",
                                      first->name,
                                      first->embedding ? "an embedding" : "a chat");
        }
    }
  return TRUE;
}

static gboolean
is_embedding_chain (SluiceConfig *self,
                    const char   *name)
{
  const SluiceChainConfig *chain = sluice_config_lookup_chain (self, name);
  const SluiceModelConfig *model = chain != NULL
                                   ? sluice_config_lookup_model (self, chain->models[0]) : NULL;

  return model != NULL && model->embedding;
}

/* Runs once the whole document is read: chains are all chat or all
 * embedding models, routing only ever picks chat chains, and the cache's
 * embedder is an embedding model. */
gboolean
_sluice_config_check_embedding (SluiceConfig  *self,
                                GError       **error)
{
  const SluiceCacheConfig *cache = sluice_config_get_cache (self);

  for (guint i = 0; i < sluice_config_get_n_chains (self); i++)
    {
      if (!check_chain (self, sluice_config_get_chain (self, i), error))
        return FALSE;
    }

  if (is_embedding_chain (self, sluice_config_get_default_chain (self)))
    return _sluice_config_fail (error, "$.routing.default",
                                "\"%s\" is a chain of embedding models; routing needs "
                                "chat models", sluice_config_get_default_chain (self));
  for (guint i = 0; i < sluice_config_get_n_rules (self); i++)
    {
      const SluiceRouteRule *rule = sluice_config_get_rule (self, i);

      if (is_embedding_chain (self, rule->chain))
        {
          g_autofree char *path = g_strdup_printf ("$.routing.rules[%u].chain", i);

          return _sluice_config_fail (error, path, "\"%s\" is a chain of embedding models; "
                                      "routing needs chat models", rule->chain);
        }
    }

  if (cache->embedder_model != NULL &&
      !sluice_config_lookup_model (self, cache->embedder_model)->embedding)
    return _sluice_config_fail (error, "$.cache.embedder.model",
                                "\"%s\" is not an embedding model (\"kind\": \"embedding\")",
                                cache->embedder_model);

  return TRUE;
}

void
_sluice_config_build_embedder (JsonBuilder             *builder,
                               const SluiceCacheConfig *cache)
{
  if (cache->embedder_model == NULL)
    return;
  json_builder_set_member_name (builder, "embedder");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, cache->embedder_model);
  json_builder_set_member_name (builder, "dimensions");
  json_builder_add_int_value (builder, cache->embedder_dimensions);
  json_builder_end_object (builder);
}
