/* sluice-config-parse-degradation.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-config"

#include "config.h"

#include "sluice-config-private.h"

/* The "degradation" section: what the engine does when every model of a
 * chain failed and no stale answer is at hand.
 *
 *   "degradation": {
 *     "static_responses": [                       first match wins
 *       { "name": "maintenance",                  required, unique
 *         "tasks": [ "qa" ],                      optional; absent = any task
 *         "match": "opening hours",               optional; a case-insensitive
 *                                                 substring of the last user
 *                                                 message; absent = any
 *         "content": "We are …" } ],              required, the answer
 *     "deferred": { "max_attempts": 20,           1 … 1000
 *                   "base_backoff_s": 30,         1 … 1 day
 *                   "max_backoff_s": 3600,        ≥ base, ≤ 1 day
 *                   "retention_s": 604800 } }     finished jobs kept, ≤ 90 days
 */

/* "models[].hedge": when the model's latency threshold passes, the next
 * model of the chain is started beside it and the first answer wins. */
gboolean
_sluice_config_read_model_hedge (SluiceConfigParser  *parser,
                                 JsonNode            *node,
                                 const char          *path,
                                 gpointer             target,
                                 GError             **error)
{
  SluiceModelConfig *model = target;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return _sluice_config_fail (error, path, "must be true or false");
  model->hedge = json_node_get_boolean (node);
  return TRUE;
}

void
_sluice_static_response_free (SluiceStaticResponse *response)
{
  if (response == NULL)
    return;
  g_free (response->name);
  g_strfreev (response->tasks);
  g_free (response->match);
  g_free (response->content);
  g_free (response);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SluiceStaticResponse, _sluice_static_response_free)

static gboolean
read_response_name (SluiceConfigParser  *parser,
                    JsonNode            *node,
                    const char          *path,
                    gpointer             target,
                    GError             **error)
{
  SluiceStaticResponse *response = target;
  const char *name = NULL;

  if (!_sluice_config_get_name (node, path, &name, error))
    return FALSE;
  for (guint i = 0; i < parser->config->static_responses->len; i++)
    {
      const SluiceStaticResponse *other = g_ptr_array_index (parser->config->static_responses, i);

      if (g_strcmp0 (other->name, name) == 0)
        return _sluice_config_fail (error, path, "another static response is called \"%s\"", name);
    }
  g_free (response->name);
  response->name = g_strdup (name);
  return TRUE;
}

static gboolean
read_response_tasks (SluiceConfigParser  *parser,
                     JsonNode            *node,
                     const char          *path,
                     gpointer             target,
                     GError             **error)
{
  SluiceStaticResponse *response = target;
  g_autoptr(GStrvBuilder) tasks = g_strv_builder_new ();
  JsonArray *array;

  if (!_sluice_config_get_array (node, path, &array, error))
    return FALSE;
  if (json_array_get_length (array) == 0)
    return _sluice_config_fail (error, path, "must not be empty; leave it out to match every task");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *child = _sluice_config_path_index (path, i);
      const char *task = NULL;

      if (!_sluice_config_get_name (json_array_get_element (array, i), child, &task, error))
        return FALSE;
      g_strv_builder_add (tasks, task);
    }
  g_strfreev (response->tasks);
  response->tasks = g_strv_builder_end (tasks);
  return TRUE;
}

static const SluiceFieldSpec response_fields[] = {
  { "name", SLUICE_FIELD_CUSTOM, TRUE, .func = read_response_name },
  { "tasks", SLUICE_FIELD_CUSTOM, .func = read_response_tasks },
  { "match", SLUICE_FIELD_STRING, .offset = G_STRUCT_OFFSET (SluiceStaticResponse, match) },
  { "content", SLUICE_FIELD_STRING, TRUE, .offset = G_STRUCT_OFFSET (SluiceStaticResponse, content) },
  { NULL }
};

static gboolean
read_static_responses (SluiceConfigParser  *parser,
                       JsonNode            *node,
                       const char          *path,
                       gpointer             target,
                       GError             **error)
{
  JsonArray *array;

  if (!_sluice_config_get_array (node, path, &array, error))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *child = _sluice_config_path_index (path, i);
      g_autoptr(SluiceStaticResponse) response = g_new0 (SluiceStaticResponse, 1);

      if (!_sluice_config_read_fields (parser, json_array_get_element (array, i), child,
                                       response_fields, response, error))
        return FALSE;
      g_ptr_array_add (parser->config->static_responses, g_steal_pointer (&response));
    }
  return TRUE;
}

#define DEFERRED_UINT(field, lo, hi) \
  { #field, SLUICE_FIELD_UINT, .offset = G_STRUCT_OFFSET (SluiceDeferredConfig, field), \
    .min = lo, .max = hi }

static const SluiceFieldSpec deferred_fields[] = {
  DEFERRED_UINT (max_attempts, 1, 1000),
  DEFERRED_UINT (base_backoff_s, 1, 86400),
  DEFERRED_UINT (max_backoff_s, 1, 86400),
  DEFERRED_UINT (retention_s, 60, 90 * 86400),
  { NULL }
};

static gboolean
read_deferred (SluiceConfigParser  *parser,
               JsonNode            *node,
               const char          *path,
               gpointer             target,
               GError             **error)
{
  SluiceDeferredConfig *deferred = &parser->config->deferred;

  if (!_sluice_config_read_fields (parser, node, path, deferred_fields, deferred, error))
    return FALSE;
  if (deferred->max_backoff_s < deferred->base_backoff_s)
    {
      g_autofree char *child = _sluice_config_path_member (path, "max_backoff_s");

      return _sluice_config_fail (error, child, "must be at least base_backoff_s (%u)",
                                  deferred->base_backoff_s);
    }
  return TRUE;
}

static const SluiceFieldSpec degradation_fields[] = {
  { "static_responses", SLUICE_FIELD_CUSTOM, .func = read_static_responses },
  { "deferred", SLUICE_FIELD_CUSTOM, .func = read_deferred },
  { NULL }
};

gboolean
_sluice_config_read_degradation (SluiceConfigParser  *parser,
                                 JsonNode            *node,
                                 const char          *path,
                                 gpointer             target,
                                 GError             **error)
{
  return _sluice_config_read_fields (parser, node, path, degradation_fields, NULL, error);
}

void
_sluice_config_write_degradation (JsonBuilder  *builder,
                                  SluiceConfig *self)
{
  json_builder_set_member_name (builder, "degradation");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "static_responses");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->static_responses->len; i++)
    {
      const SluiceStaticResponse *r = g_ptr_array_index (self->static_responses, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, r->name);
      if (r->tasks != NULL)
        {
          json_builder_set_member_name (builder, "tasks");
          json_builder_begin_array (builder);
          for (guint k = 0; r->tasks[k] != NULL; k++)
            json_builder_add_string_value (builder, r->tasks[k]);
          json_builder_end_array (builder);
        }
      if (r->match != NULL)
        {
          json_builder_set_member_name (builder, "match");
          json_builder_add_string_value (builder, r->match);
        }
      json_builder_set_member_name (builder, "content");
      json_builder_add_string_value (builder, r->content);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "deferred");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "max_attempts");
  json_builder_add_int_value (builder, self->deferred.max_attempts);
  json_builder_set_member_name (builder, "base_backoff_s");
  json_builder_add_int_value (builder, self->deferred.base_backoff_s);
  json_builder_set_member_name (builder, "max_backoff_s");
  json_builder_add_int_value (builder, self->deferred.max_backoff_s);
  json_builder_set_member_name (builder, "retention_s");
  json_builder_add_int_value (builder, self->deferred.retention_s);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}
