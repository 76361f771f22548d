/* sluice-config-reader.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-config"

#include "config.h"

#include <math.h>
#include <string.h>

#include "sluice-config-private.h"

/* Small, strict readers for JSON values. Every failure becomes a
 * SLUICE_CONFIG_ERROR_INVALID whose message starts with the JSON path. */

#define MAX_NAME_LENGTH 64

static gboolean
is_plain_member (const char *member)
{
  if (member[0] == '\0' || g_ascii_isdigit (member[0]))
    return FALSE;

  for (const char *p = member; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-')
        return FALSE;
    }

  return TRUE;
}

char *
_sluice_config_path_member (const char *path,
                            const char *member)
{
  g_autoptr(GString) quoted = NULL;

  if (is_plain_member (member))
    return g_strdup_printf ("%s.%s", path, member);

  quoted = g_string_new (NULL);
  for (const char *p = member; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (quoted, '\\');
      g_string_append_c (quoted, *p);
    }

  return g_strdup_printf ("%s[\"%s\"]", path, quoted->str);
}

char *
_sluice_config_path_index (const char *path,
                           guint       index)
{
  return g_strdup_printf ("%s[%u]", path, index);
}

gboolean
_sluice_config_fail (GError     **error,
                     const char  *path,
                     const char  *format,
                     ...)
{
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, SLUICE_CONFIG_ERROR, SLUICE_CONFIG_ERROR_INVALID,
               "%s: %s", path, reason);

  return FALSE;
}

/* A name of a provider, model, chain, alias, rule, task or user: a letter or
 * digit, then letters, digits and . _ : / -, at most 64 bytes. */
gboolean
_sluice_config_is_name (const char *str)
{
  gsize len = strlen (str);

  if (len == 0 || len > MAX_NAME_LENGTH || !g_ascii_isalnum (str[0]))
    return FALSE;

  for (const char *p = str; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && strchr ("._:/-", *p) == NULL)
        return FALSE;
    }

  return TRUE;
}

static guint
edit_distance (const char *a,
               const char *b)
{
  gsize la = strlen (a);
  gsize lb = strlen (b);
  g_autofree guint *row = g_new (guint, lb + 1);

  for (gsize j = 0; j <= lb; j++)
    row[j] = j;

  for (gsize i = 1; i <= la; i++)
    {
      guint diag = row[0];

      row[0] = i;
      for (gsize j = 1; j <= lb; j++)
        {
          guint above = row[j];
          guint cost = g_ascii_tolower (a[i - 1]) == g_ascii_tolower (b[j - 1]) ? 0 : 1;

          row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1), diag + cost);
          diag = above;
        }
    }

  return row[lb];
}

/* Returns " (did you mean “x”?)" for the closest candidate within a small
 * edit distance, or an empty string. */
char *
_sluice_config_suggest (const char         *word,
                        const char * const *candidates)
{
  const char *best = NULL;
  guint best_distance = G_MAXUINT;

  for (guint i = 0; candidates != NULL && candidates[i] != NULL; i++)
    {
      guint d = edit_distance (word, candidates[i]);

      if (d < best_distance)
        {
          best_distance = d;
          best = candidates[i];
        }
    }

  if (best == NULL || best_distance > MAX (1, MIN (3, strlen (word) / 3)))
    return g_strdup ("");

  return g_strdup_printf (" (did you mean \"%s\"?)", best);
}

static int
compare_strings (const void *a,
                 const void *b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

char *
_sluice_config_suggest_table (const char *word,
                              GHashTable *names)
{
  g_autofree const char **keys = NULL;

  keys = (const char **) g_hash_table_get_keys_as_array (names, NULL);

  /* Sort so that ties give the same suggestion every time. */
  qsort (keys, g_hash_table_size (names), sizeof (char *), compare_strings);

  return _sluice_config_suggest (word, (const char * const *) keys);
}

gboolean
_sluice_config_get_object (JsonNode    *node,
                           const char  *path,
                           JsonObject **out,
                           GError     **error)
{
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return _sluice_config_fail (error, path, "must be an object");

  *out = json_node_get_object (node);

  return TRUE;
}

gboolean
_sluice_config_get_array (JsonNode    *node,
                          const char  *path,
                          JsonArray  **out,
                          GError     **error)
{
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return _sluice_config_fail (error, path, "must be an array");

  *out = json_node_get_array (node);

  return TRUE;
}

gboolean
_sluice_config_get_string (JsonNode    *node,
                           const char  *path,
                           const char **out,
                           GError     **error)
{
  if (!JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return _sluice_config_fail (error, path, "must be a string");

  *out = json_node_get_string (node);
  if (**out == '\0')
    return _sluice_config_fail (error, path, "must not be empty");

  return TRUE;
}

gboolean
_sluice_config_get_name (JsonNode    *node,
                         const char  *path,
                         const char **out,
                         GError     **error)
{
  if (!_sluice_config_get_string (node, path, out, error))
    return FALSE;

  if (!_sluice_config_is_name (*out))
    return _sluice_config_fail (error, path,
                                "must be a name of at most %d letters, digits "
                                "and . _ : / - starting with a letter or digit",
                                MAX_NAME_LENGTH);

  return TRUE;
}

gboolean
_sluice_config_check_ref (GHashTable  *names,
                          const char  *what,
                          const char  *name,
                          const char  *path,
                          GError     **error)
{
  g_autofree char *hint = NULL;

  if (g_hash_table_contains (names, name))
    return TRUE;

  hint = _sluice_config_suggest_table (name, names);

  return _sluice_config_fail (error, path, "unknown %s \"%s\"%s",
                              what, name, hint);
}

static gboolean
read_integer (JsonNode    *node,
              const char  *path,
              double       min,
              double       max,
              gint64      *out,
              GError     **error)
{
  gint64 value;

  if (!JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    goto out_of_range;

  value = json_node_get_int (node);
  if (value < min || (max != SLUICE_NO_MAX && value > max))
    goto out_of_range;

  *out = value;

  return TRUE;

out_of_range:
  if (max == SLUICE_NO_MAX)
    return _sluice_config_fail (error, path, "must be an integer >= %.0f", min);

  return _sluice_config_fail (error, path,
                              "must be an integer between %.0f and %.0f",
                              min, max);
}

static gboolean
is_number (JsonNode *node)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);

  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

static gboolean
read_double (JsonNode    *node,
             const char  *path,
             double       min,
             double       max,
             double      *out,
             GError     **error)
{
  double value = is_number (node) ? json_node_get_double (node) : NAN;

  if (isfinite (value) && value >= min && (max == SLUICE_NO_MAX || value <= max))
    {
      *out = value;
      return TRUE;
    }

  if (max == SLUICE_NO_MAX)
    return _sluice_config_fail (error, path, "must be a number >= %g", min);

  return _sluice_config_fail (error, path, "must be a number between %g and %g",
                              min, max);
}

static gboolean
read_fraction (JsonNode    *node,
               const char  *path,
               double      *out,
               GError     **error)
{
  double value = is_number (node) ? json_node_get_double (node) : NAN;

  if (!(value > 0.0 && value <= 1.0))
    return _sluice_config_fail (error, path, "must be a number in (0, 1]");

  *out = value;

  return TRUE;
}

static gboolean
read_field (SluiceConfigParser     *parser,
            const SluiceFieldSpec  *spec,
            JsonNode               *node,
            const char             *path,
            gpointer                target,
            GError                **error)
{
  const char *str = NULL;
  gint64 integer = 0;

  switch (spec->type)
    {
    case SLUICE_FIELD_STRING:
    case SLUICE_FIELD_NAME:
      if (spec->type == SLUICE_FIELD_STRING
          ? !_sluice_config_get_string (node, path, &str, error)
          : !_sluice_config_get_name (node, path, &str, error))
        return FALSE;
      g_free (G_STRUCT_MEMBER (char *, target, spec->offset));
      G_STRUCT_MEMBER (char *, target, spec->offset) = g_strdup (str);
      return TRUE;

    case SLUICE_FIELD_UINT:
      if (!read_integer (node, path, spec->min,
                         spec->max == SLUICE_NO_MAX ? G_MAXUINT : spec->max,
                         &integer, error))
        return FALSE;
      G_STRUCT_MEMBER (guint, target, spec->offset) = (guint) integer;
      return TRUE;

    case SLUICE_FIELD_INT64:
      if (!read_integer (node, path, spec->min, spec->max, &integer, error))
        return FALSE;
      G_STRUCT_MEMBER (gint64, target, spec->offset) = integer;
      return TRUE;

    case SLUICE_FIELD_DOUBLE:
      return read_double (node, path, spec->min, spec->max,
                          &G_STRUCT_MEMBER (double, target, spec->offset),
                          error);

    case SLUICE_FIELD_FRACTION:
      return read_fraction (node, path,
                            &G_STRUCT_MEMBER (double, target, spec->offset),
                            error);

    case SLUICE_FIELD_CUSTOM:
      return spec->func (parser, node, path, target, error);

    default:
      g_assert_not_reached ();
    }
}

static gboolean
unknown_member (const SluiceFieldSpec  *specs,
                const char             *path,
                const char             *member,
                GError                **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autofree char *hint = NULL;

  for (const SluiceFieldSpec *spec = specs; spec->name != NULL; spec++)
    g_ptr_array_add (names, (gpointer) spec->name);
  g_ptr_array_add (names, NULL);

  hint = _sluice_config_suggest (member, (const char * const *) names->pdata);

  return _sluice_config_fail (error, path, "unknown key%s", hint);
}

/* Reads an object member by member, in document order, so that the first
 * error reported is the first one in the text. Missing required members are
 * reported after the members that are present. */
gboolean
_sluice_config_read_fields (SluiceConfigParser     *parser,
                            JsonNode               *node,
                            const char             *path,
                            const SluiceFieldSpec  *specs,
                            gpointer                target,
                            GError                **error)
{
  JsonObject *object;
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;

  if (!_sluice_config_get_object (node, path, &object, error))
    return FALSE;

  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &member, &value))
    {
      g_autofree char *child = _sluice_config_path_member (path, member);
      const SluiceFieldSpec *spec = specs;

      while (spec->name != NULL && strcmp (spec->name, member) != 0)
        spec++;

      if (spec->name == NULL)
        return unknown_member (specs, child, member, error);

      if (!read_field (parser, spec, value, child, target, error))
        return FALSE;
    }

  for (const SluiceFieldSpec *spec = specs; spec->name != NULL; spec++)
    {
      if (spec->required && !json_object_has_member (object, spec->name))
        {
          g_autofree char *child = _sluice_config_path_member (path, spec->name);

          return _sluice_config_fail (error, child, "required");
        }
    }

  return TRUE;
}

/* Reads the name of an array element that must be unique in its array; the
 * table says where each name first appears. */
gboolean
_sluice_config_read_unique (SluiceConfigParser  *parser,
                            JsonNode            *node,
                            const char          *path,
                            GHashTable          *names,
                            const char          *what,
                            char               **out,
                            GError             **error)
{
  const char *name = NULL;
  guint first;

  if (!_sluice_config_get_name (node, path, &name, error))
    return FALSE;

  first = GPOINTER_TO_UINT (g_hash_table_lookup (names, name));
  if (first != 0 && first - 1 != parser->index)
    return _sluice_config_fail (error, path,
                                "duplicate %s name \"%s\" (first used by "
                                "element %u)", what, name, first - 1);

  g_free (*out);
  *out = g_strdup (name);

  return TRUE;
}
