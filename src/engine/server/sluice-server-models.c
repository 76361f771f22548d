/* sluice-server-models.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-server"

#include "config.h"

#include <string.h>

#include "sluice-server-private.h"

/* GET /v1/models and /v1/models/{id}: every model, chain and alias of the
 * config in force. OpenAI's list format by default; Anthropic's when the
 * client says which Anthropic API version it speaks. */

typedef struct
{
  const char *id;
  const char *owned_by;
} ModelEntry;

static GArray *
collect (SluiceConfig *config,
         GStrv         aliases)
{
  GArray *entries = g_array_new (FALSE, FALSE, sizeof (ModelEntry));

  for (guint i = 0; i < sluice_config_get_n_models (config); i++)
    {
      const SluiceModelConfig *mc = sluice_config_get_model (config, i);
      ModelEntry entry = { mc->name, mc->provider };

      g_array_append_val (entries, entry);
    }
  for (guint i = 0; i < sluice_config_get_n_chains (config); i++)
    {
      ModelEntry entry = { sluice_config_get_chain (config, i)->name, "sluice" };

      g_array_append_val (entries, entry);
    }
  for (guint i = 0; aliases != NULL && aliases[i] != NULL; i++)
    {
      ModelEntry entry = { aliases[i], "sluice" };

      g_array_append_val (entries, entry);
    }
  return entries;
}

static void
add_entry (JsonBuilder      *builder,
           const ModelEntry *entry,
           gboolean          anthropic,
           gint64            created)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, anthropic ? "type" : "object");
  json_builder_add_string_value (builder, "model");
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, entry->id);
  if (anthropic)
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (created);
      g_autofree char *iso = g_date_time_format_iso8601 (when);

      json_builder_set_member_name (builder, "display_name");
      json_builder_add_string_value (builder, entry->id);
      json_builder_set_member_name (builder, "created_at");
      json_builder_add_string_value (builder, iso);
    }
  else
    {
      json_builder_set_member_name (builder, "created");
      json_builder_add_int_value (builder, created);
      json_builder_set_member_name (builder, "owned_by");
      json_builder_add_string_value (builder, entry->owned_by);
    }
  json_builder_end_object (builder);
}

static JsonNode *
build_list (GArray   *entries,
            gboolean  anthropic,
            gint64    created)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  if (!anthropic)
    {
      json_builder_set_member_name (builder, "object");
      json_builder_add_string_value (builder, "list");
    }
  json_builder_set_member_name (builder, "data");
  json_builder_begin_array (builder);
  for (guint i = 0; i < entries->len; i++)
    add_entry (builder, &g_array_index (entries, ModelEntry, i), anthropic, created);
  json_builder_end_array (builder);
  if (anthropic)
    {
      json_builder_set_member_name (builder, "has_more");
      json_builder_add_boolean_value (builder, FALSE);
      json_builder_set_member_name (builder, "first_id");
      if (entries->len > 0)
        json_builder_add_string_value (builder, g_array_index (entries, ModelEntry, 0).id);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "last_id");
      if (entries->len > 0)
        json_builder_add_string_value (builder,
                                       g_array_index (entries, ModelEntry, entries->len - 1).id);
      else
        json_builder_add_null_value (builder);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

void
_sluice_server_handle_models (SluiceServer      *self,
                              SoupServerMessage *msg,
                              const char        *user,
                              const char        *rest)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  gboolean anthropic = soup_message_headers_get_one (headers, "anthropic-version") != NULL;
  SluiceApi api = anthropic ? SLUICE_API_ANTHROPIC : SLUICE_API_OPENAI;
  g_autoptr(SluiceConfig) config = sluice_engine_dup_config (self->engine);
  g_auto(GStrv) aliases = sluice_config_dup_alias_names (config);
  g_autoptr(GArray) entries = collect (config, aliases);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *message = NULL;

  if (rest == NULL)
    {
      root = build_list (entries, anthropic, self->started_at);
      _sluice_server_reply_json (self, msg, SOUP_STATUS_OK, root);
      return;
    }

  for (guint i = 0; i < entries->len; i++)
    {
      if (strcmp (g_array_index (entries, ModelEntry, i).id, rest) != 0)
        continue;
      builder = json_builder_new ();
      add_entry (builder, &g_array_index (entries, ModelEntry, i), anthropic, self->started_at);
      root = json_builder_get_root (builder);
      _sluice_server_reply_json (self, msg, SOUP_STATUS_OK, root);
      return;
    }

  message = g_strdup_printf ("No model, chain or alias is called “%s”", rest);
  _sluice_server_reply_error (self, msg, api, SLUICE_FAULT_MODEL_NOT_FOUND, "model", message);
}
