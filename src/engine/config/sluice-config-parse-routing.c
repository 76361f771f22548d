/* sluice-config-parse-routing.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-config"

#include "config.h"

#include <string.h>

#include "sluice-config-private.h"

/* The "routing" section: the default chain, the rules with their
 * conditions and actions, and how unsure task guesses are routed; read
 * here and written back in canonical form. */

#define MAX_TOKENS 1000000000.0

static const char * const output_kinds[] = { "json", "tools", "text", NULL };

typedef gboolean (*CheckItem) (SluiceConfigParser  *parser,
                               const char          *item,
                               const char          *path,
                               GError             **error);

static gboolean
check_output (SluiceConfigParser  *parser,
              const char          *item,
              const char          *path,
              GError             **error)
{
  if (g_strv_contains (output_kinds, item))
    return TRUE;
  return _sluice_config_fail (error, path, "must be \"json\", \"tools\" or \"text\" (not \"%s\")",
                              item);
}

static gboolean
check_alias (SluiceConfigParser  *parser,
             const char          *item,
             const char          *path,
             GError             **error)
{
  if (sluice_config_resolve_alias (parser->config, item) != NULL ||
      g_hash_table_contains (parser->chain_names, item))
    return TRUE;
  return _sluice_config_fail (error, path, "\"%s\" is neither an alias nor a chain", item);
}

/* A non-empty list of distinct names, each passing @check if given. */
static gboolean
read_name_list (SluiceConfigParser  *parser,
                JsonNode            *node,
                const char          *path,
                const char          *what,
                CheckItem            check,
                GStrv               *out,
                GError             **error)
{
  g_autoptr(GStrvBuilder) items = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *array;

  if (!_sluice_config_get_array (node, path, &array, error))
    return FALSE;

  if (json_array_get_length (array) == 0)
    return _sluice_config_fail (error, path, "must not be empty; leave it out "
                                "to match every %s", what);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *child = _sluice_config_path_index (path, i);
      const char *item = NULL;

      if (!_sluice_config_get_name (json_array_get_element (array, i), child, &item, error) ||
          (check != NULL && !check (parser, item, child, error)))
        return FALSE;

      if (!g_hash_table_add (seen, (gpointer) item))
        return _sluice_config_fail (error, child, "%s \"%s\" is listed twice", what, item);

      g_strv_builder_add (items, item);
    }

  g_clear_pointer (out, g_strfreev);
  *out = g_strv_builder_end (items);
  return TRUE;
}

#define LIST_READER(field, what, check)                                       \
static gboolean                                                              \
read_rule_##field (SluiceConfigParser  *parser,                              \
                   JsonNode            *node,                                \
                   const char          *path,                                \
                   gpointer             target,                              \
                   GError             **error)                               \
{                                                                            \
  return read_name_list (parser, node, path, what, check,                    \
                         &((SluiceRouteRule *) target)->field, error);       \
}

LIST_READER (tasks, "task", NULL)
LIST_READER (outputs, "output format", check_output)
LIST_READER (users, "user", NULL)
LIST_READER (aliases, "alias", check_alias)

static gboolean
read_rule_name (SluiceConfigParser  *parser,
                JsonNode            *node,
                const char          *path,
                gpointer             target,
                GError             **error)
{
  SluiceRouteRule *rule = target;

  return _sluice_config_read_unique (parser, node, path, parser->rule_names,
                                     "rule", &rule->name, error);
}

static gboolean
read_chain_ref (SluiceConfigParser  *parser,
                JsonNode            *node,
                const char          *path,
                char               **out,
                GError             **error)
{
  const char *chain = NULL;

  if (!_sluice_config_get_string (node, path, &chain, error) ||
      !_sluice_config_check_ref (parser->chain_names, "chain", chain, path, error))
    return FALSE;

  g_free (*out);
  *out = g_strdup (chain);

  return TRUE;
}

static gboolean
read_rule_chain (SluiceConfigParser  *parser,
                 JsonNode            *node,
                 const char          *path,
                 gpointer             target,
                 GError             **error)
{
  return read_chain_ref (parser, node, path, &((SluiceRouteRule *) target)->chain, error);
}

static gboolean
read_rule_cheaper_chain (SluiceConfigParser  *parser,
                         JsonNode            *node,
                         const char          *path,
                         gpointer             target,
                         GError             **error)
{
  return read_chain_ref (parser, node, path, &((SluiceRouteRule *) target)->cheaper_chain,
                         error);
}

/* "HH:MM", 00:00 … 23:59, as minutes after midnight. */
static gboolean
read_clock_time (JsonNode    *node,
                 const char  *path,
                 gint        *out,
                 GError     **error)
{
  const char *text = NULL;
  guint hours, minutes;

  if (!_sluice_config_get_string (node, path, &text, error))
    return FALSE;
  if (strlen (text) != 5 || text[2] != ':' || !g_ascii_isdigit (text[0]) ||
      !g_ascii_isdigit (text[1]) || !g_ascii_isdigit (text[3]) || !g_ascii_isdigit (text[4]))
    return _sluice_config_fail (error, path, "must be a time of day \"HH:MM\" (not \"%s\")", text);
  hours = (text[0] - '0') * 10 + (text[1] - '0');
  minutes = (text[3] - '0') * 10 + (text[4] - '0');
  if (hours > 23 || minutes > 59)
    return _sluice_config_fail (error, path, "must be between 00:00 and 23:59 (not \"%s\")", text);
  *out = (gint) (hours * 60 + minutes);
  return TRUE;
}

static gboolean
read_hours_from (SluiceConfigParser  *parser,
                 JsonNode            *node,
                 const char          *path,
                 gpointer             target,
                 GError             **error)
{
  return read_clock_time (node, path, &((SluiceRouteRule *) target)->from_minute, error);
}

static gboolean
read_hours_to (SluiceConfigParser  *parser,
               JsonNode            *node,
               const char          *path,
               gpointer             target,
               GError             **error)
{
  return read_clock_time (node, path, &((SluiceRouteRule *) target)->to_minute, error);
}

static const SluiceFieldSpec hours_fields[] = {
  { "from", SLUICE_FIELD_CUSTOM, TRUE, .func = read_hours_from },
  { "to", SLUICE_FIELD_CUSTOM, TRUE, .func = read_hours_to },
  { NULL }
};

static gboolean
read_rule_hours (SluiceConfigParser  *parser,
                 JsonNode            *node,
                 const char          *path,
                 gpointer             target,
                 GError             **error)
{
  SluiceRouteRule *rule = target;

  if (!_sluice_config_read_fields (parser, node, path, hours_fields, rule, error))
    return FALSE;
  if (rule->from_minute == rule->to_minute)
    {
      g_autofree char *to = _sluice_config_path_member (path, "to");

      return _sluice_config_fail (error, to, "must differ from \"from\" (an empty range); "
                                  "leave \"hours\" out to match all day");
    }
  return TRUE;
}

static const SluiceFieldSpec rule_fields[] = {
  { "name", SLUICE_FIELD_CUSTOM, TRUE, .func = read_rule_name },
  { "tasks", SLUICE_FIELD_CUSTOM, .func = read_rule_tasks },
  { "min_input_tokens", SLUICE_FIELD_INT64,
    .offset = G_STRUCT_OFFSET (SluiceRouteRule, min_input_tokens),
    .min = 0, .max = MAX_TOKENS },
  { "max_input_tokens", SLUICE_FIELD_INT64,
    .offset = G_STRUCT_OFFSET (SluiceRouteRule, max_input_tokens),
    .min = 0, .max = MAX_TOKENS },
  { "output", SLUICE_FIELD_CUSTOM, .func = read_rule_outputs },
  { "users", SLUICE_FIELD_CUSTOM, .func = read_rule_users },
  { "aliases", SLUICE_FIELD_CUSTOM, .func = read_rule_aliases },
  { "hours", SLUICE_FIELD_CUSTOM, .func = read_rule_hours },
  { "chain", SLUICE_FIELD_CUSTOM, TRUE, .func = read_rule_chain },
  { "cap_max_tokens", SLUICE_FIELD_INT64,
    .offset = G_STRUCT_OFFSET (SluiceRouteRule, cap_max_tokens),
    .min = 1, .max = MAX_TOKENS },
  { "cap_temperature", SLUICE_FIELD_DOUBLE,
    .offset = G_STRUCT_OFFSET (SluiceRouteRule, cap_temperature),
    .min = 0, .max = 2 },
  { "when_budget_above", SLUICE_FIELD_FRACTION,
    .offset = G_STRUCT_OFFSET (SluiceRouteRule, when_budget_above) },
  { "cheaper_chain", SLUICE_FIELD_CUSTOM, .func = read_rule_cheaper_chain },
  { NULL }
};

static gboolean
check_rule (const SluiceRouteRule  *rule,
            const char             *path,
            GError                **error)
{
  g_autofree char *member = NULL;

  if (rule->max_input_tokens >= 0 && rule->min_input_tokens > rule->max_input_tokens)
    {
      member = _sluice_config_path_member (path, "max_input_tokens");
      return _sluice_config_fail (error, member,
                                  "must be at least min_input_tokens (%" G_GINT64_FORMAT ")",
                                  rule->min_input_tokens);
    }
  if (rule->when_budget_above > 0 && rule->cheaper_chain == NULL)
    {
      member = _sluice_config_path_member (path, "when_budget_above");
      return _sluice_config_fail (error, member, "needs \"cheaper_chain\", the chain to "
                                  "take past the threshold");
    }
  if (rule->cheaper_chain != NULL && rule->when_budget_above <= 0)
    {
      member = _sluice_config_path_member (path, "cheaper_chain");
      return _sluice_config_fail (error, member, "needs \"when_budget_above\", the budget "
                                  "fraction past which it is taken");
    }
  return TRUE;
}

static gboolean
read_rules (SluiceConfigParser  *parser,
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
      g_autoptr(SluiceRouteRule) rule = g_new0 (SluiceRouteRule, 1);

      rule->min_input_tokens = -1;
      rule->max_input_tokens = -1;
      rule->from_minute = -1;
      rule->to_minute = -1;
      rule->cap_temperature = -1;
      parser->index = i;

      if (!_sluice_config_read_fields (parser, json_array_get_element (array, i),
                                       child, rule_fields, rule, error) ||
          !check_rule (rule, child, error))
        return FALSE;

      g_ptr_array_add (parser->config->rules, g_steal_pointer (&rule));
    }

  return TRUE;
}

static gboolean
read_default_chain (SluiceConfigParser  *parser,
                    JsonNode            *node,
                    const char          *path,
                    gpointer             target,
                    GError             **error)
{
  return read_chain_ref (parser, node, path, &parser->config->default_chain, error);
}

static gboolean
read_uncertain_chain (SluiceConfigParser  *parser,
                      JsonNode            *node,
                      const char          *path,
                      gpointer             target,
                      GError             **error)
{
  return read_chain_ref (parser, node, path, &parser->config->uncertain_chain, error);
}

static const SluiceFieldSpec routing_fields[] = {
  { "default", SLUICE_FIELD_CUSTOM, TRUE, .func = read_default_chain },
  { "rules", SLUICE_FIELD_CUSTOM, .func = read_rules },
  { "min_confidence", SLUICE_FIELD_DOUBLE,
    .offset = G_STRUCT_OFFSET (SluiceConfig, min_confidence), .min = 0, .max = 1 },
  { "uncertain", SLUICE_FIELD_CUSTOM, .func = read_uncertain_chain },
  { NULL }
};

gboolean
_sluice_config_read_routing (SluiceConfigParser  *parser,
                             JsonNode            *node,
                             const char          *path,
                             gpointer             target,
                             GError             **error)
{
  return _sluice_config_read_fields (parser, node, path, routing_fields, parser->config, error);
}

/* The canonical form */

static void
add_string (JsonBuilder *builder,
            const char  *member,
            const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, value);
}

static void
add_strv (JsonBuilder *builder,
          const char  *member,
          GStrv        values)
{
  if (values == NULL)
    return;
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; values[i] != NULL; i++)
    json_builder_add_string_value (builder, values[i]);
  json_builder_end_array (builder);
}

static void
add_int (JsonBuilder *builder,
         const char  *member,
         gint64       value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_int_value (builder, value);
}

static void
add_double (JsonBuilder *builder,
            const char  *member,
            double       value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_double_value (builder, value);
}

static void
add_hours (JsonBuilder           *builder,
           const SluiceRouteRule *rule)
{
  g_autofree char *from = NULL, *to = NULL;

  if (rule->from_minute < 0)
    return;
  from = g_strdup_printf ("%02d:%02d", rule->from_minute / 60, rule->from_minute % 60);
  to = g_strdup_printf ("%02d:%02d", rule->to_minute / 60, rule->to_minute % 60);
  json_builder_set_member_name (builder, "hours");
  json_builder_begin_object (builder);
  add_string (builder, "from", from);
  add_string (builder, "to", to);
  json_builder_end_object (builder);
}

static void
build_rule (JsonBuilder           *builder,
            const SluiceRouteRule *rule)
{
  json_builder_begin_object (builder);
  add_string (builder, "name", rule->name);
  add_strv (builder, "tasks", rule->tasks);
  if (rule->min_input_tokens >= 0)
    add_int (builder, "min_input_tokens", rule->min_input_tokens);
  if (rule->max_input_tokens >= 0)
    add_int (builder, "max_input_tokens", rule->max_input_tokens);
  add_strv (builder, "output", rule->outputs);
  add_strv (builder, "users", rule->users);
  add_strv (builder, "aliases", rule->aliases);
  add_hours (builder, rule);
  add_string (builder, "chain", rule->chain);
  if (rule->cap_max_tokens > 0)
    add_int (builder, "cap_max_tokens", rule->cap_max_tokens);
  if (rule->cap_temperature >= 0)
    add_double (builder, "cap_temperature", rule->cap_temperature);
  if (rule->when_budget_above > 0)
    add_double (builder, "when_budget_above", rule->when_budget_above);
  add_string (builder, "cheaper_chain", rule->cheaper_chain);
  json_builder_end_object (builder);
}

void
_sluice_config_build_routing (JsonBuilder  *builder,
                              SluiceConfig *self)
{
  json_builder_set_member_name (builder, "routing");
  json_builder_begin_object (builder);
  add_string (builder, "default", self->default_chain);
  json_builder_set_member_name (builder, "rules");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->rules->len; i++)
    build_rule (builder, g_ptr_array_index (self->rules, i));
  json_builder_end_array (builder);
  add_double (builder, "min_confidence", self->min_confidence);
  add_string (builder, "uncertain", self->uncertain_chain);
  json_builder_end_object (builder);
}
