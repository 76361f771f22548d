/* sluice-config-parse-providers.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-config"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sluice-config-private.h"

/* The providers and models sections. */

#define MAX_KEY_REF_LENGTH 64
#define MAX_TOKENS         1000000000.0

static const char * const secret_prefixes[] = {
  "sk-", "sk_", "pk-", "AIza", "xai-", "gsk_", "hf_", "ghp_", "Bearer ", NULL
};

static gboolean
looks_like_secret (const char *key)
{
  gboolean has_digit = FALSE;
  gboolean has_alpha = FALSE;
  gboolean has_separator = FALSE;

  if (strlen (key) > MAX_KEY_REF_LENGTH)
    return TRUE;

  for (guint i = 0; secret_prefixes[i] != NULL; i++)
    {
      if (g_str_has_prefix (key, secret_prefixes[i]))
        return TRUE;
    }

  /* A long run of letters and digits with no word separator reads like a
   * token rather than a name. */
  for (const char *p = key; *p != '\0'; p++)
    {
      has_digit |= g_ascii_isdigit (*p);
      has_alpha |= g_ascii_isalpha (*p);
      has_separator |= strchr ("._:/-", *p) != NULL;
    }

  return strlen (key) >= 24 && has_digit && has_alpha && !has_separator;
}

static gboolean
read_key_ref (SluiceConfigParser  *parser,
              JsonNode            *node,
              const char          *path,
              gpointer             target,
              GError             **error)
{
  SluiceProviderConfig *provider = target;
  const char *key = NULL;

  if (!_sluice_config_get_string (node, path, &key, error))
    return FALSE;

  if (looks_like_secret (key))
    return _sluice_config_fail (error, path,
                                "this looks like a secret key; store the key "
                                "in the Secret Service and put its name here");

  if (!_sluice_config_is_name (key))
    return _sluice_config_fail (error, path,
                                "must be the name of a key: letters, digits "
                                "and . _ : / -");

  g_free (provider->key_ref);
  provider->key_ref = g_strdup (key);

  return TRUE;
}

static gboolean
read_provider_kind (SluiceConfigParser  *parser,
                    JsonNode            *node,
                    const char          *path,
                    gpointer             target,
                    GError             **error)
{
  SluiceProviderConfig *provider = target;
  const char *kind = NULL;

  if (!_sluice_config_get_string (node, path, &kind, error))
    return FALSE;

  if (!sluice_provider_kind_from_string (kind, &provider->kind))
    return _sluice_config_fail (error, path,
                                "must be one of \"mock\", \"openai\", "
                                "\"anthropic\", \"gemini\"");

  return TRUE;
}

static gboolean
read_base_url (SluiceConfigParser  *parser,
               JsonNode            *node,
               const char          *path,
               gpointer             target,
               GError             **error)
{
  SluiceProviderConfig *provider = target;
  g_autoptr(GUri) uri = NULL;
  const char *url = NULL;
  const char *scheme;

  if (!_sluice_config_get_string (node, path, &url, error))
    return FALSE;

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (scheme == NULL ||
      (g_ascii_strcasecmp (scheme, "http") != 0 &&
       g_ascii_strcasecmp (scheme, "https") != 0) ||
      g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0' ||
      g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    return _sluice_config_fail (error, path,
                                "must be an http:// or https:// URL "
                                "without query or fragment");

  g_free (provider->base_url);
  provider->base_url = g_strdup (url);

  return TRUE;
}

static gboolean
read_mock (SluiceConfigParser  *parser,
           JsonNode            *node,
           const char          *path,
           gpointer             target,
           GError             **error)
{
  SluiceProviderConfig *provider = target;

  g_clear_pointer (&provider->mock, sluice_mock_behaviour_unref);
  provider->mock = sluice_mock_behaviour_new_from_json (node, path, error);

  return provider->mock != NULL;
}

static gboolean
read_provider_name (SluiceConfigParser  *parser,
                    JsonNode            *node,
                    const char          *path,
                    gpointer             target,
                    GError             **error)
{
  SluiceProviderConfig *provider = target;

  return _sluice_config_read_unique (parser, node, path, parser->provider_names,
                                     "provider", &provider->name, error);
}

static gboolean
read_provider_limits (SluiceConfigParser  *parser,
                      JsonNode            *node,
                      const char          *path,
                      gpointer             target,
                      GError             **error)
{
  SluiceProviderConfig *provider = target;

  return _sluice_config_read_rate_limits (parser, node, path, &provider->limits,
                                          error);
}

static const SluiceFieldSpec provider_fields[] = {
  { "name", SLUICE_FIELD_CUSTOM, TRUE, .func = read_provider_name },
  { "kind", SLUICE_FIELD_CUSTOM, TRUE, .func = read_provider_kind },
  { "base_url", SLUICE_FIELD_CUSTOM, .func = read_base_url },
  { "key", SLUICE_FIELD_CUSTOM, .func = read_key_ref },
  { "timeout_ms", SLUICE_FIELD_UINT,
    .offset = G_STRUCT_OFFSET (SluiceProviderConfig, timeout_ms),
    .min = 100, .max = 600000 },
  { "connect_timeout_ms", SLUICE_FIELD_UINT,
    .offset = G_STRUCT_OFFSET (SluiceProviderConfig, connect_timeout_ms),
    .min = 100, .max = 60000 },
  { "mock", SLUICE_FIELD_CUSTOM, .func = read_mock },
  { "limits", SLUICE_FIELD_CUSTOM, .func = read_provider_limits },
  { NULL }
};

static const char *
default_base_url (SluiceProviderKind kind)
{
  switch (kind)
    {
    case SLUICE_PROVIDER_KIND_OPENAI:
      return "https://api.openai.com/v1";
    case SLUICE_PROVIDER_KIND_ANTHROPIC:
      return "https://api.anthropic.com/v1";
    case SLUICE_PROVIDER_KIND_GEMINI:
      return "https://generativelanguage.googleapis.com/v1beta";
    case SLUICE_PROVIDER_KIND_MOCK:
    default:
      return NULL;
    }
}

static gboolean
finish_provider (SluiceProviderConfig  *provider,
                 const char            *path,
                 GError               **error)
{
  if (provider->connect_timeout_ms > provider->timeout_ms)
    {
      g_autofree char *child = _sluice_config_path_member (path, "connect_timeout_ms");

      return _sluice_config_fail (error, child, "must not exceed timeout_ms (%u)",
                                  provider->timeout_ms);
    }

  if (provider->kind != SLUICE_PROVIDER_KIND_MOCK && provider->mock != NULL)
    {
      g_autofree char *child = _sluice_config_path_member (path, "mock");

      return _sluice_config_fail (error, child,
                                  "only allowed for providers of kind \"mock\"");
    }

  if (provider->kind == SLUICE_PROVIDER_KIND_MOCK && provider->mock == NULL)
    provider->mock = sluice_mock_behaviour_new_default ();

  if (provider->base_url == NULL)
    provider->base_url = g_strdup (default_base_url (provider->kind));

  return TRUE;
}

gboolean
_sluice_config_read_providers (SluiceConfigParser  *parser,
                               JsonNode            *node,
                               const char          *path,
                               gpointer             target,
                               GError             **error)
{
  SluiceConfig *self = parser->config;
  JsonArray *array;

  if (!_sluice_config_get_array (node, path, &array, error))
    return FALSE;

  if (json_array_get_length (array) == 0)
    return _sluice_config_fail (error, path, "needs at least one provider");

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *child = _sluice_config_path_index (path, i);
      g_autoptr(SluiceProviderConfig) provider = g_new0 (SluiceProviderConfig, 1);

      provider->timeout_ms = 60000;
      provider->connect_timeout_ms = 5000;
      parser->index = i;

      if (!_sluice_config_read_fields (parser, json_array_get_element (array, i),
                                       child, provider_fields, provider, error) ||
          !finish_provider (provider, child, error))
        return FALSE;

      g_hash_table_insert (self->provider_index, provider->name, provider);
      g_ptr_array_add (self->providers, g_steal_pointer (&provider));
    }

  return TRUE;
}

static gboolean
read_model_name (SluiceConfigParser  *parser,
                 JsonNode            *node,
                 const char          *path,
                 gpointer             target,
                 GError             **error)
{
  SluiceModelConfig *model = target;

  return _sluice_config_read_unique (parser, node, path, parser->model_names,
                                     "model", &model->name, error);
}

static gboolean
read_model_provider (SluiceConfigParser  *parser,
                     JsonNode            *node,
                     const char          *path,
                     gpointer             target,
                     GError             **error)
{
  SluiceModelConfig *model = target;
  const char *name = NULL;

  if (!_sluice_config_get_string (node, path, &name, error) ||
      !_sluice_config_check_ref (parser->provider_names, "provider", name,
                                 path, error))
    return FALSE;

  g_free (model->provider);
  model->provider = g_strdup (name);

  return TRUE;
}

static gboolean
is_iso_date (const char *str)
{
  static const char pattern[] = "dddd-dd-dd";
  guint year, month, day;

  if (strlen (str) != strlen (pattern))
    return FALSE;

  for (guint i = 0; pattern[i] != '\0'; i++)
    {
      if (pattern[i] == 'd' ? !g_ascii_isdigit (str[i]) : str[i] != pattern[i])
        return FALSE;
    }

  year = atoi (str);
  month = atoi (str + 5);
  day = atoi (str + 8);

  return year >= 1 && g_date_valid_dmy (day, month, year);
}

static gboolean
read_retires (SluiceConfigParser  *parser,
              JsonNode            *node,
              const char          *path,
              gpointer             target,
              GError             **error)
{
  SluiceModelConfig *model = target;
  const char *date = NULL;

  if (!_sluice_config_get_string (node, path, &date, error))
    return FALSE;

  if (!is_iso_date (date))
    return _sluice_config_fail (error, path,
                                "must be a date in the form YYYY-MM-DD");

  g_free (model->retires);
  model->retires = g_strdup (date);

  return TRUE;
}

static gboolean
read_replacement (SluiceConfigParser  *parser,
                  JsonNode            *node,
                  const char          *path,
                  gpointer             target,
                  GError             **error)
{
  SluiceModelConfig *model = target;
  const char *name = NULL;

  if (!_sluice_config_get_string (node, path, &name, error) ||
      !_sluice_config_check_ref (parser->model_names, "model", name, path, error))
    return FALSE;

  g_free (model->replacement);
  model->replacement = g_strdup (name);

  return TRUE;
}

static gboolean
read_model_limits (SluiceConfigParser  *parser,
                   JsonNode            *node,
                   const char          *path,
                   gpointer             target,
                   GError             **error)
{
  SluiceModelConfig *model = target;

  return _sluice_config_read_rate_limits (parser, node, path, &model->limits, error);
}

#define PRICE_FIELD(field, req) \
  { #field, SLUICE_FIELD_DOUBLE, req, \
    .offset = G_STRUCT_OFFSET (SluiceModelConfig, field), \
    .min = 0, .max = SLUICE_NO_MAX }

static const SluiceFieldSpec model_fields[] = {
  { "name", SLUICE_FIELD_CUSTOM, TRUE, .func = read_model_name },
  { "provider", SLUICE_FIELD_CUSTOM, TRUE, .func = read_model_provider },
  { "upstream", SLUICE_FIELD_STRING,
    .offset = G_STRUCT_OFFSET (SluiceModelConfig, upstream) },
  PRICE_FIELD (price_in, FALSE),
  PRICE_FIELD (price_cached_in, FALSE),
  PRICE_FIELD (price_out, FALSE),
  { "context_window", SLUICE_FIELD_INT64, TRUE,
    .offset = G_STRUCT_OFFSET (SluiceModelConfig, context_window),
    .min = 1, .max = MAX_TOKENS },
  { "max_output_tokens", SLUICE_FIELD_INT64,
    .offset = G_STRUCT_OFFSET (SluiceModelConfig, max_output_tokens),
    .min = 1, .max = MAX_TOKENS },
  { "retires", SLUICE_FIELD_CUSTOM, .func = read_retires },
  { "replacement", SLUICE_FIELD_CUSTOM, .func = read_replacement },
  { "latency_threshold_ms", SLUICE_FIELD_UINT,
    .offset = G_STRUCT_OFFSET (SluiceModelConfig, latency_threshold_ms),
    .min = 0, .max = 600000 },
  { "hedge", SLUICE_FIELD_CUSTOM, .func = _sluice_config_read_model_hedge },
  { "limits", SLUICE_FIELD_CUSTOM, .func = read_model_limits },
  { "kind", SLUICE_FIELD_CUSTOM, .func = _sluice_config_read_model_kind },
  { NULL }
};

static gboolean
finish_model (SluiceModelConfig  *model,
              const char         *path,
              GError            **error)
{
  if (model->replacement != NULL && strcmp (model->replacement, model->name) == 0)
    {
      g_autofree char *child = _sluice_config_path_member (path, "replacement");

      return _sluice_config_fail (error, child,
                                  "must name another model, not the model itself");
    }

  if (model->max_output_tokens < 0)
    model->max_output_tokens = MIN (4096, model->context_window);

  if (model->max_output_tokens > model->context_window)
    {
      g_autofree char *child = _sluice_config_path_member (path, "max_output_tokens");

      return _sluice_config_fail (error, child,
                                  "must not exceed context_window (%" G_GINT64_FORMAT ")",
                                  model->context_window);
    }

  if (model->hedge && model->latency_threshold_ms == 0)
    {
      g_autofree char *child = _sluice_config_path_member (path, "hedge");

      return _sluice_config_fail (error, child, "needs a latency_threshold_ms above 0");
    }

  if (model->upstream == NULL)
    model->upstream = g_strdup (model->name);

  /* Prices the document leaves out come from the default table. */
  return _sluice_config_fill_prices (model, path, error);
}

gboolean
_sluice_config_read_models (SluiceConfigParser  *parser,
                            JsonNode            *node,
                            const char          *path,
                            gpointer             target,
                            GError             **error)
{
  SluiceConfig *self = parser->config;
  JsonArray *array;

  if (!_sluice_config_get_array (node, path, &array, error))
    return FALSE;

  if (json_array_get_length (array) == 0)
    return _sluice_config_fail (error, path, "needs at least one model");

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *child = _sluice_config_path_index (path, i);
      g_autoptr(SluiceModelConfig) model = g_new0 (SluiceModelConfig, 1);

      model->price_in = -1;
      model->price_cached_in = -1;
      model->price_out = -1;
      model->max_output_tokens = -1;
      parser->index = i;

      if (!_sluice_config_read_fields (parser, json_array_get_element (array, i),
                                       child, model_fields, model, error) ||
          !finish_model (model, child, error))
        return FALSE;

      g_hash_table_insert (self->model_index, model->name, model);
      g_ptr_array_add (self->models, g_steal_pointer (&model));
    }

  return TRUE;
}

/* Follows each model's replacements; a cycle would make the router swap
 * models forever once they all retire. */
gboolean
_sluice_config_check_replacements (SluiceConfig  *self,
                                   GError       **error)
{
  for (guint i = 0; i < self->models->len; i++)
    {
      const SluiceModelConfig *model = g_ptr_array_index (self->models, i);
      const SluiceModelConfig *next = model;

      for (guint steps = 0; next != NULL && next->replacement != NULL; steps++)
        {
          next = g_hash_table_lookup (self->model_index, next->replacement);
          if (next == model || steps > self->models->len)
            {
              g_autofree char *path = g_strdup_printf ("$.models[%u].replacement", i);

              return _sluice_config_fail (error, path,
                                          "the replacements of \"%s\" form a cycle",
                                          model->name);
            }
        }
    }

  return TRUE;
}
