/* sluiced-redis.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluiced"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "sluiced-redis.h"

/* `sluiced --redis URL`: every config the daemon applies is rewritten so
 * that the limits' and budgets' counters and the exact cache live in Redis
 * at URL, then parsed by the engine's strict parser like any other
 * document, so a bad URL is refused with the same words as in a file. */

static JsonObject *
ensure_object (JsonObject *parent,
               const char *name)
{
  JsonNode *node = json_object_get_member (parent, name);

  /* Another type is left to the parser, which says where and why. */
  if (node != NULL)
    return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  json_object_set_object_member (parent, name, json_object_new ());
  return json_object_get_object_member (parent, name);
}

static char *
override_text (const char *text,
               const char *url)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = NULL;
  JsonObject *root, *counters, *cache;

  /* A document that does not parse fails in the engine's parser. */
  if (!json_parser_load_from_data (parser, text, -1, NULL) ||
      json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return g_strdup (text);

  root = json_node_get_object (json_parser_get_root (parser));
  counters = ensure_object (root, "counters");
  cache = ensure_object (root, "cache");
  if (counters != NULL)
    {
      json_object_set_string_member (counters, "store", "redis");
      json_object_set_string_member (counters, "redis_url", url);
    }
  if (cache != NULL)
    json_object_set_string_member (cache, "redis_url", url);

  generator = json_generator_new ();
  json_generator_set_root (generator, json_parser_get_root (parser));
  return json_generator_to_data (generator, NULL);
}

/**
 * sluiced_redis_config_new:
 * @text: a config document
 * @url: (nullable): the `--redis` URL, or %NULL for no override
 * @error: where the document (or @url) is wrong
 *
 * Returns: (transfer full) (nullable): @text as a config, with its
 *   counters.store, counters.redis_url and cache.redis_url set to @url
 */
SluiceConfig *
sluiced_redis_config_new (const char  *text,
                          const char  *url,
                          GError     **error)
{
  g_autofree char *edited = NULL;
  GError *local_error = NULL;
  SluiceConfig *config;

  g_return_val_if_fail (text != NULL, NULL);

  if (url == NULL)
    return sluice_config_new_from_data (text, -1, error);

  edited = override_text (text, url);
  config = sluice_config_new_from_data (edited, -1, &local_error);
  if (config == NULL)
    {
      /* Name the option: the URL came from the command line, not the file. */
      if (g_str_has_prefix (local_error->message, "$.counters.redis_url:") ||
          g_str_has_prefix (local_error->message, "$.cache.redis_url:"))
        g_prefix_error (&local_error, "--redis “%s”: ", url);
      g_propagate_error (error, local_error);
    }
  return config;
}

/**
 * sluiced_redis_config_override:
 * @config: a config
 * @url: the `--redis` URL
 * @error: where @url is wrong
 *
 * Returns: (transfer full) (nullable): @config with the override applied
 *   (the default config when sluiced has no --config)
 */
SluiceConfig *
sluiced_redis_config_override (SluiceConfig  *config,
                               const char    *url,
                               GError       **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (url != NULL, NULL);

  text = sluice_config_to_json (config);
  return sluiced_redis_config_new (text, url, error);
}
