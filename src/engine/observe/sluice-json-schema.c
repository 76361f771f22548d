/* sluice-json-schema.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-observe"

#include "config.h"

#include <math.h>
#include <string.h>

#include "sluice-quality.h"

/* The subset of JSON Schema a route's format check may use. Unknown
 * keywords are refused when the config is read, so a schema never checks
 * less than its author thinks. */

static const char * const keywords[] = {
  "type", "properties", "required", "items", "enum", "additionalProperties",
  "minItems", "maxItems", "minLength", "maxLength", "minimum", "maximum",
  "title", "description", NULL
};

static const char * const types[] = {
  "object", "array", "string", "number", "integer", "boolean", "null", NULL
};

static gboolean
fail (char       **why,
      const char  *format,
      const char  *member)
{
  if (why != NULL)
    *why = g_strdup_printf (format, member);
  return FALSE;
}

static gboolean
check_member (const char  *name,
              JsonNode    *value,
              char       **why)
{
  if (!g_strv_contains (keywords, name))
    return fail (why, "keyword \"%s\" is not supported", name);
  if (strcmp (name, "type") == 0)
    {
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING ||
          !g_strv_contains (types, json_node_get_string (value)))
        return fail (why, "%s must be a JSON type name", name);
    }
  else if (strcmp (name, "properties") == 0)
    {
      JsonObjectIter iter;
      const char *member;
      JsonNode *sub;

      if (!JSON_NODE_HOLDS_OBJECT (value))
        return fail (why, "%s must be an object", name);
      json_object_iter_init (&iter, json_node_get_object (value));
      while (json_object_iter_next (&iter, &member, &sub))
        if (!sluice_json_schema_check (sub, why))
          return FALSE;
    }
  else if (strcmp (name, "items") == 0)
    return sluice_json_schema_check (value, why);
  else if (strcmp (name, "required") == 0 || strcmp (name, "enum") == 0)
    {
      if (!JSON_NODE_HOLDS_ARRAY (value))
        return fail (why, "%s must be an array", name);
    }
  else if (strcmp (name, "additionalProperties") == 0)
    {
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_BOOLEAN)
        return fail (why, "%s must be true or false", name);
    }
  else if (strcmp (name, "title") != 0 && strcmp (name, "description") != 0)
    {
      if (!JSON_NODE_HOLDS_VALUE (value) || (json_node_get_value_type (value) != G_TYPE_INT64 &&
                                             json_node_get_value_type (value) != G_TYPE_DOUBLE))
        return fail (why, "%s must be a number", name);
    }
  return TRUE;
}

/**
 * sluice_json_schema_check:
 * @why: (out) (optional): what is wrong
 *
 * Returns: whether @schema uses only the supported subset, correctly
 */
gboolean
sluice_json_schema_check (JsonNode  *schema,
                          char     **why)
{
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;

  if (!JSON_NODE_HOLDS_OBJECT (schema))
    return fail (why, "a schema must be an object%s", "");
  json_object_iter_init (&iter, json_node_get_object (schema));
  while (json_object_iter_next (&iter, &member, &value))
    if (!check_member (member, value, why))
      return FALSE;
  return TRUE;
}

static const char *
type_of (JsonNode *node)
{
  GType t;

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      return "object";
    case JSON_NODE_ARRAY:
      return "array";
    case JSON_NODE_NULL:
      return "null";
    case JSON_NODE_VALUE:
    default:
      t = json_node_get_value_type (node);
      if (t == G_TYPE_STRING)
        return "string";
      if (t == G_TYPE_BOOLEAN)
        return "boolean";
      if (t == G_TYPE_INT64)
        return "integer";
      return "number";
    }
}

static gboolean
type_matches (const char *want,
              JsonNode   *node)
{
  const char *have = type_of (node);

  if (strcmp (want, "number") == 0)
    return strcmp (have, "number") == 0 || strcmp (have, "integer") == 0;
  if (strcmp (want, "integer") == 0 && strcmp (have, "number") == 0)
    {
      double d = json_node_get_double (node);

      return d == floor (d);
    }
  return strcmp (want, have) == 0;
}

static double
number_member (JsonObject *s,
               const char *name,
               double      fallback)
{
  JsonNode *n = json_object_get_member (s, name);

  return n != NULL ? json_node_get_double (n) : fallback;
}

static gboolean
validate_object (JsonObject *s,
                 JsonObject *o)
{
  JsonObject *props = json_object_has_member (s, "properties")
                      ? json_object_get_object_member (s, "properties") : NULL;
  JsonArray *required = json_object_has_member (s, "required")
                        ? json_object_get_array_member (s, "required") : NULL;
  gboolean closed = json_object_has_member (s, "additionalProperties") &&
                    !json_object_get_boolean_member (s, "additionalProperties");
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;

  for (guint i = 0; required != NULL && i < json_array_get_length (required); i++)
    if (!json_object_has_member (o, json_array_get_string_element (required, i)))
      return FALSE;
  json_object_iter_init (&iter, o);
  while (json_object_iter_next (&iter, &member, &value))
    {
      JsonNode *sub = props != NULL ? json_object_get_member (props, member) : NULL;

      if (sub == NULL && closed)
        return FALSE;
      if (sub != NULL && !sluice_json_schema_validate (sub, value))
        return FALSE;
    }
  return TRUE;
}

static gboolean
validate_array (JsonObject *s,
                JsonArray  *a)
{
  guint n = json_array_get_length (a);
  JsonNode *items = json_object_get_member (s, "items");

  if (n < number_member (s, "minItems", 0) || n > number_member (s, "maxItems", G_MAXDOUBLE))
    return FALSE;
  for (guint i = 0; items != NULL && i < n; i++)
    if (!sluice_json_schema_validate (items, json_array_get_element (a, i)))
      return FALSE;
  return TRUE;
}

static gboolean
in_enum (JsonArray *values,
         JsonNode  *node)
{
  for (guint i = 0; i < json_array_get_length (values); i++)
    if (json_node_equal (json_array_get_element (values, i), node))
      return TRUE;
  return FALSE;
}

/* Whether @instance satisfies @schema (one checked by
 * sluice_json_schema_check()). */
gboolean
sluice_json_schema_validate (JsonNode *schema,
                             JsonNode *instance)
{
  JsonObject *s = json_node_get_object (schema);
  const char *type = json_object_get_string_member_with_default (s, "type", NULL);
  const char *have = type_of (instance);

  if (type != NULL && !type_matches (type, instance))
    return FALSE;
  if (json_object_has_member (s, "enum") &&
      !in_enum (json_object_get_array_member (s, "enum"), instance))
    return FALSE;
  if (strcmp (have, "object") == 0)
    return validate_object (s, json_node_get_object (instance));
  if (strcmp (have, "array") == 0)
    return validate_array (s, json_node_get_array (instance));
  if (strcmp (have, "string") == 0)
    {
      glong len = g_utf8_strlen (json_node_get_string (instance), -1);

      return len >= number_member (s, "minLength", 0) &&
             len <= number_member (s, "maxLength", G_MAXDOUBLE);
    }
  if (strcmp (have, "number") == 0 || strcmp (have, "integer") == 0)
    {
      double d = json_node_get_double (instance);

      return d >= number_member (s, "minimum", -G_MAXDOUBLE) &&
             d <= number_member (s, "maximum", G_MAXDOUBLE);
    }
  return TRUE;
}
