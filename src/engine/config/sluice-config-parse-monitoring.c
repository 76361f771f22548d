/* sluice-config-parse-monitoring.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-config"

#include "config.h"

#include <string.h>

#include "sluice-config-private.h"
#include "sluice-quality.h"

/* The "monitoring" section (observability, src/engine/observe):
 *
 *   "monitoring": {
 *     "quality": { "sample_rate": 0.05,          0 … 1, share of answers scored
 *                  "drop_threshold": 0.10,       (0, 1]: alert when the 24 h
 *                                                average falls by more than
 *                                                this share of the 24 h before
 *                  "blocklist": [ "word", … ],   answers containing one are
 *                                                unsafe; default []
 *                  "formats": { "<chain or model>":
 *                               { "regex": "^…$",           optional
 *                                 "schema": { … } } },      JSON-schema subset
 *                  "judge": { "model": "<model>",   optional: an LLM judge
 *                             "sample_rate": 0.01,  0 … 1
 *                             "usd_per_day": 1.0 } },   its own budget, ≥ 0
 *     "drift": { "sample_rate": 0.2, "threshold": 0.15 },   0 … 1, (0, 1]
 *     "cost": { "day_over_day_threshold": 0.2 },   > 0: alert when the average
 *                                                cost per request rises more
 *                                                than this share day over day
 *     "rollups": { "retention_days": 30 },       2 … 3650
 *     "webhook": { "url": "https://…",           alerts POSTed as JSON
 *                  "retries": 3 } }              0 … 10
 */

#define M(field) G_STRUCT_OFFSET (SluiceMonitoringConfig, field)

static void
format_check_free (gpointer data)
{
  SluiceFormatCheck *check = data;

  g_free (check->route);
  g_free (check->regex);
  g_clear_pointer (&check->schema, json_node_unref);
  g_free (check);
}

void
_sluice_config_clear_monitoring (SluiceConfig *self)
{
  SluiceMonitoringConfig *m = &self->monitoring;

  g_clear_pointer (&m->blocklist, g_strfreev);
  g_clear_pointer (&m->formats, g_ptr_array_unref);
  g_clear_pointer (&m->judge_model, g_free);
  g_clear_pointer (&m->webhook_url, g_free);
}

void
_sluice_config_set_monitoring_defaults (SluiceConfig *self)
{
  self->monitoring = (SluiceMonitoringConfig) {
    .quality_sample_rate = 0.05,
    .quality_drop_threshold = 0.10,
    .blocklist = g_new0 (char *, 1),
    .formats = g_ptr_array_new_with_free_func (format_check_free),
    .judge_sample_rate = 0.01,
    .judge_usd_per_day = 1.0,
    .drift_sample_rate = 0.2,
    .drift_threshold = 0.15,
    .cost_jump_threshold = 0.2,
    .retention_days = 30,
    .webhook_retries = 3,
  };
}

static gboolean
read_blocklist (SluiceConfigParser  *parser,
                JsonNode            *node,
                const char          *path,
                gpointer             target,
                GError             **error)
{
  SluiceMonitoringConfig *m = target;
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  JsonArray *array;

  if (!_sluice_config_get_array (node, path, &array, error))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *child = _sluice_config_path_index (path, i);
      const char *word = NULL;

      if (!_sluice_config_get_string (json_array_get_element (array, i), child, &word, error))
        return FALSE;
      g_strv_builder_add (b, word);
    }
  g_strfreev (m->blocklist);
  m->blocklist = g_strv_builder_end (b);
  return TRUE;
}

static gboolean
read_regex (SluiceConfigParser  *parser,
            JsonNode            *node,
            const char          *path,
            gpointer             target,
            GError             **error)
{
  SluiceFormatCheck *check = target;
  g_autoptr(GRegex) regex = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *pattern = NULL;

  if (!_sluice_config_get_string (node, path, &pattern, error))
    return FALSE;
  regex = g_regex_new (pattern, 0, 0, &local_error);
  if (regex == NULL)
    return _sluice_config_fail (error, path, "not a valid regular expression: %s",
                                local_error->message);
  g_free (check->regex);
  check->regex = g_strdup (pattern);
  return TRUE;
}

static gboolean
read_schema_member (SluiceConfigParser  *parser,
                    JsonNode            *node,
                    const char          *path,
                    gpointer             target,
                    GError             **error)
{
  SluiceFormatCheck *check = target;
  g_autofree char *why = NULL;

  if (!sluice_json_schema_check (node, &why))
    return _sluice_config_fail (error, path, "%s", why);
  g_clear_pointer (&check->schema, json_node_unref);
  check->schema = json_node_copy (node);
  return TRUE;
}

static const SluiceFieldSpec format_fields[] = {
  { "regex", SLUICE_FIELD_CUSTOM, .func = read_regex },
  { "schema", SLUICE_FIELD_CUSTOM, .func = read_schema_member },
  { NULL }
};

static int
compare_checks (gconstpointer a,
                gconstpointer b)
{
  return strcmp ((*(SluiceFormatCheck * const *) a)->route,
                 (*(SluiceFormatCheck * const *) b)->route);
}

static gboolean
read_formats (SluiceConfigParser  *parser,
              JsonNode            *node,
              const char          *path,
              gpointer             target,
              GError             **error)
{
  SluiceMonitoringConfig *m = target;
  JsonObject *object;
  JsonObjectIter iter;
  const char *route;
  JsonNode *value;

  if (!_sluice_config_get_object (node, path, &object, error))
    return FALSE;
  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &route, &value))
    {
      g_autofree char *child = _sluice_config_path_member (path, route);
      SluiceFormatCheck *check;

      if (!g_hash_table_contains (parser->chain_names, route) &&
          !g_hash_table_contains (parser->model_names, route))
        return _sluice_config_fail (error, child, "no chain or model is called \"%s\"", route);
      check = g_new0 (SluiceFormatCheck, 1);
      check->route = g_strdup (route);
      g_ptr_array_add (m->formats, check);
      if (!_sluice_config_read_fields (parser, value, child, format_fields, check, error))
        return FALSE;
      if (check->regex == NULL && check->schema == NULL)
        return _sluice_config_fail (error, child, "needs \"regex\" or \"schema\"");
    }
  g_ptr_array_sort (m->formats, compare_checks);
  return TRUE;
}

static gboolean
read_judge_model (SluiceConfigParser  *parser,
                  JsonNode            *node,
                  const char          *path,
                  gpointer             target,
                  GError             **error)
{
  SluiceMonitoringConfig *m = target;
  const char *model = NULL;

  if (!_sluice_config_get_name (node, path, &model, error) ||
      !_sluice_config_check_ref (parser->model_names, "model", model, path, error))
    return FALSE;
  g_free (m->judge_model);
  m->judge_model = g_strdup (model);
  return TRUE;
}

static const SluiceFieldSpec judge_fields[] = {
  { "model", SLUICE_FIELD_CUSTOM, TRUE, .func = read_judge_model },
  { "sample_rate", SLUICE_FIELD_DOUBLE, .offset = M (judge_sample_rate), .min = 0, .max = 1 },
  { "usd_per_day", SLUICE_FIELD_DOUBLE, .offset = M (judge_usd_per_day), .min = 0,
    .max = SLUICE_NO_MAX },
  { NULL }
};

static gboolean
read_judge (SluiceConfigParser  *parser,
            JsonNode            *node,
            const char          *path,
            gpointer             target,
            GError             **error)
{
  return _sluice_config_read_fields (parser, node, path, judge_fields, target, error);
}

static const SluiceFieldSpec quality_fields[] = {
  { "sample_rate", SLUICE_FIELD_DOUBLE, .offset = M (quality_sample_rate), .min = 0, .max = 1 },
  { "drop_threshold", SLUICE_FIELD_FRACTION, .offset = M (quality_drop_threshold) },
  { "blocklist", SLUICE_FIELD_CUSTOM, .func = read_blocklist },
  { "formats", SLUICE_FIELD_CUSTOM, .func = read_formats },
  { "judge", SLUICE_FIELD_CUSTOM, .func = read_judge },
  { NULL }
};

static const SluiceFieldSpec drift_fields[] = {
  { "sample_rate", SLUICE_FIELD_DOUBLE, .offset = M (drift_sample_rate), .min = 0, .max = 1 },
  { "threshold", SLUICE_FIELD_FRACTION, .offset = M (drift_threshold) },
  { NULL }
};

static const SluiceFieldSpec cost_fields[] = {
  { "day_over_day_threshold", SLUICE_FIELD_DOUBLE, .offset = M (cost_jump_threshold),
    .min = 0.001, .max = 100 },
  { NULL }
};

static const SluiceFieldSpec rollup_fields[] = {
  { "retention_days", SLUICE_FIELD_UINT, .offset = M (retention_days), .min = 2, .max = 3650 },
  { NULL }
};

static gboolean
read_webhook_url (SluiceConfigParser  *parser,
                  JsonNode            *node,
                  const char          *path,
                  gpointer             target,
                  GError             **error)
{
  SluiceMonitoringConfig *m = target;
  const char *url = NULL;
  g_autoptr(GUri) uri = NULL;

  if (!_sluice_config_get_string (node, path, &url, error))
    return FALSE;
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
                      g_strcmp0 (g_uri_get_scheme (uri), "https") != 0) ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return _sluice_config_fail (error, path, "must be an http:// or https:// URL");
  g_free (m->webhook_url);
  m->webhook_url = g_strdup (url);
  return TRUE;
}

static const SluiceFieldSpec webhook_fields[] = {
  { "url", SLUICE_FIELD_CUSTOM, TRUE, .func = read_webhook_url },
  { "retries", SLUICE_FIELD_UINT, .offset = M (webhook_retries), .min = 0, .max = 10 },
  { NULL }
};

#define SUB_READER(name, specs)                                              \
static gboolean                                                              \
name (SluiceConfigParser *parser, JsonNode *node, const char *path,          \
      gpointer target, GError **error)                                       \
{                                                                            \
  return _sluice_config_read_fields (parser, node, path, specs, target, error); \
}

SUB_READER (read_quality, quality_fields)
SUB_READER (read_drift, drift_fields)
SUB_READER (read_cost, cost_fields)
SUB_READER (read_rollups, rollup_fields)
SUB_READER (read_webhook, webhook_fields)

static const SluiceFieldSpec monitoring_fields[] = {
  { "quality", SLUICE_FIELD_CUSTOM, .func = read_quality },
  { "drift", SLUICE_FIELD_CUSTOM, .func = read_drift },
  { "cost", SLUICE_FIELD_CUSTOM, .func = read_cost },
  { "rollups", SLUICE_FIELD_CUSTOM, .func = read_rollups },
  { "webhook", SLUICE_FIELD_CUSTOM, .func = read_webhook },
  { NULL }
};

gboolean
_sluice_config_read_monitoring (SluiceConfigParser  *parser,
                                JsonNode            *node,
                                const char          *path,
                                gpointer             target,
                                GError             **error)
{
  return _sluice_config_read_fields (parser, node, path, monitoring_fields,
                                     &parser->config->monitoring, error);
}

static void
add_double (JsonBuilder *b,
            const char  *member,
            double       value)
{
  json_builder_set_member_name (b, member);
  json_builder_add_double_value (b, value);
}

static void
build_quality (JsonBuilder                  *b,
               const SluiceMonitoringConfig *m)
{
  json_builder_set_member_name (b, "quality");
  json_builder_begin_object (b);
  add_double (b, "sample_rate", m->quality_sample_rate);
  add_double (b, "drop_threshold", m->quality_drop_threshold);
  json_builder_set_member_name (b, "blocklist");
  json_builder_begin_array (b);
  for (guint i = 0; m->blocklist[i] != NULL; i++)
    json_builder_add_string_value (b, m->blocklist[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "formats");
  json_builder_begin_object (b);
  for (guint i = 0; i < m->formats->len; i++)
    {
      const SluiceFormatCheck *check = g_ptr_array_index (m->formats, i);

      json_builder_set_member_name (b, check->route);
      json_builder_begin_object (b);
      if (check->regex != NULL)
        {
          json_builder_set_member_name (b, "regex");
          json_builder_add_string_value (b, check->regex);
        }
      if (check->schema != NULL)
        {
          json_builder_set_member_name (b, "schema");
          json_builder_add_value (b, json_node_copy (check->schema));
        }
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  if (m->judge_model != NULL)
    {
      json_builder_set_member_name (b, "judge");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "model");
      json_builder_add_string_value (b, m->judge_model);
      add_double (b, "sample_rate", m->judge_sample_rate);
      add_double (b, "usd_per_day", m->judge_usd_per_day);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
}

/* Writes the "monitoring" section with every default filled in. */
void
_sluice_config_build_monitoring (JsonBuilder  *b,
                                 SluiceConfig *self)
{
  const SluiceMonitoringConfig *m = &self->monitoring;

  json_builder_set_member_name (b, "monitoring");
  json_builder_begin_object (b);
  build_quality (b, m);
  json_builder_set_member_name (b, "drift");
  json_builder_begin_object (b);
  add_double (b, "sample_rate", m->drift_sample_rate);
  add_double (b, "threshold", m->drift_threshold);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "cost");
  json_builder_begin_object (b);
  add_double (b, "day_over_day_threshold", m->cost_jump_threshold);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "rollups");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "retention_days");
  json_builder_add_int_value (b, m->retention_days);
  json_builder_end_object (b);
  if (m->webhook_url != NULL)
    {
      json_builder_set_member_name (b, "webhook");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "url");
      json_builder_add_string_value (b, m->webhook_url);
      json_builder_set_member_name (b, "retries");
      json_builder_add_int_value (b, m->webhook_retries);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
}
