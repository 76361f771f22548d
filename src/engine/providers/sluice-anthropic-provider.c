/* sluice-anthropic-provider.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-providers"

#include "config.h"

#include <string.h>

#include "sluice-anthropic-provider.h"
#include "sluice-http-provider.h"
#include "sluice-wire.h"

/* SluiceAnthropicProvider: the Anthropic Messages API. */

#define DEFAULT_BASE_URL "https://api.anthropic.com/v1"
#define API_VERSION "2023-06-01"
/* The Messages API wants the conversation to open with the user. */
#define OPENING_TURN "(conversation continues)"

struct _SluiceAnthropicProvider
{
  SluiceHttpProvider parent_instance;
};

G_DEFINE_FINAL_TYPE (SluiceAnthropicProvider, sluice_anthropic_provider, SLUICE_TYPE_HTTP_PROVIDER)

/* Wire format */

typedef struct
{
  const char *role;
  GString    *text;
} Turn;

static void
turn_clear (Turn *turn)
{
  g_string_free (turn->text, TRUE);
}

/* Roles must alternate and start with the user, so consecutive messages of
 * one role are merged and an opening user turn is added when needed. */
static GArray *
build_turns (SluiceRequest *request)
{
  GPtrArray *messages = sluice_request_get_messages (request);
  GArray *turns = g_array_new (FALSE, FALSE, sizeof (Turn));

  g_array_set_clear_func (turns, (GDestroyNotify) turn_clear);

  for (guint i = 0; i < messages->len; i++)
    {
      SluiceMessage *message = g_ptr_array_index (messages, i);
      SluiceRole role = sluice_message_get_role (message);
      const char *name = sluice_wire_role_name (role);
      Turn turn;

      if (role == SLUICE_ROLE_SYSTEM)
        continue;

      if (turns->len == 0 && strcmp (name, "user") != 0)
        {
          turn.role = "user";
          turn.text = g_string_new (OPENING_TURN);
          g_array_append_val (turns, turn);
        }

      if (turns->len > 0 && strcmp (g_array_index (turns, Turn, turns->len - 1).role, name) == 0)
        {
          GString *text = g_array_index (turns, Turn, turns->len - 1).text;

          g_string_append (text, "\n\n");
          g_string_append (text, sluice_message_get_content (message));
          continue;
        }

      turn.role = name;
      turn.text = g_string_new (sluice_message_get_content (message));
      g_array_append_val (turns, turn);
    }

  return turns;
}

JsonNode *
sluice_wire_anthropic_build_request (SluiceRequest *request,
                                     const char    *model,
                                     gboolean       stream)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GArray) turns = build_turns (request);
  g_autofree char *system = sluice_wire_join_system (request);
  gint64 max_tokens = sluice_request_get_max_tokens (request);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, model);
  json_builder_set_member_name (builder, "max_tokens");
  json_builder_add_int_value (builder, max_tokens > 0 ? max_tokens
                                                      : SLUICE_WIRE_ANTHROPIC_DEFAULT_MAX_TOKENS);
  if (system != NULL)
    {
      json_builder_set_member_name (builder, "system");
      json_builder_add_string_value (builder, system);
    }

  json_builder_set_member_name (builder, "messages");
  json_builder_begin_array (builder);
  for (guint i = 0; i < turns->len; i++)
    {
      Turn *turn = &g_array_index (turns, Turn, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "role");
      json_builder_add_string_value (builder, turn->role);
      json_builder_set_member_name (builder, "content");
      json_builder_add_string_value (builder, turn->text->str);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  if (sluice_request_get_temperature (request) >= 0)
    {
      json_builder_set_member_name (builder, "temperature");
      json_builder_add_double_value (builder, sluice_request_get_temperature (request));
    }
  if (stream)
    {
      json_builder_set_member_name (builder, "stream");
      json_builder_add_boolean_value (builder, TRUE);
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static const char *
normalise_finish (const char *reason)
{
  if (g_strcmp0 (reason, "max_tokens") == 0
      || g_strcmp0 (reason, "model_context_window_exceeded") == 0)
    return "length";
  if (g_strcmp0 (reason, "tool_use") == 0)
    return "tool_calls";
  if (g_strcmp0 (reason, "refusal") == 0)
    return "content_filter";

  /* end_turn, stop_sequence, pause_turn */
  return "stop";
}

/* Anthropic counts cache reads and writes apart from input_tokens; Sluice's
 * input_tokens is the whole prompt. Members absent from @usage are kept. */
static void
parse_usage (JsonObject  *usage,
             SluiceUsage *out)
{
  gint64 input;
  gint64 read;
  gint64 written;

  if (usage == NULL)
    return;

  if (json_object_has_member (usage, "input_tokens"))
    {
      input = sluice_wire_get_int (usage, "input_tokens");
      read = sluice_wire_get_int (usage, "cache_read_input_tokens");
      written = sluice_wire_get_int (usage, "cache_creation_input_tokens");
      out->input_tokens = input + read + written;
      out->cached_input_tokens = read;
    }
  if (json_object_has_member (usage, "output_tokens"))
    out->output_tokens = sluice_wire_get_int (usage, "output_tokens");
}

static void
append_text_blocks (JsonArray *blocks,
                    GString   *out)
{
  for (guint i = 0; blocks != NULL && i < json_array_get_length (blocks); i++)
    {
      JsonNode *node = json_array_get_element (blocks, i);
      JsonObject *block;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      block = json_node_get_object (node);
      if (g_strcmp0 (sluice_wire_get_string (block, "type"), "text") == 0
          && sluice_wire_get_string (block, "text") != NULL)
        g_string_append (out, sluice_wire_get_string (block, "text"));
    }
}

static SluiceCompletion *
anthropic_parse_response (JsonNode  *root,
                          GError   **error)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonArray *blocks = sluice_wire_get_array (object, "content");
  g_autoptr(GString) text = g_string_new (NULL);
  SluiceUsage usage = { 0, };

  if (blocks == NULL)
    {
      g_set_error_literal (error, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_MALFORMED,
                           "the answer has no content array");
      return NULL;
    }

  append_text_blocks (blocks, text);
  parse_usage (sluice_wire_get_object (object, "usage"), &usage);

  return sluice_wire_completion_new (text->str,
                                     normalise_finish (sluice_wire_get_string (object,
                                                                               "stop_reason")),
                                     sluice_wire_get_string (object, "model"),
                                     &usage, error);
}

static void
on_message_start (SluiceWireStream *stream,
                  JsonObject       *object)
{
  JsonObject *message = sluice_wire_get_object (object, "message");
  const char *model = sluice_wire_get_string (message, "model");

  if (model != NULL)
    {
      g_free (stream->model);
      stream->model = g_strdup (model);
    }
  parse_usage (sluice_wire_get_object (message, "usage"), &stream->usage);
}

static void
on_message_delta (SluiceWireStream *stream,
                  JsonObject       *object)
{
  const char *reason;

  reason = sluice_wire_get_string (sluice_wire_get_object (object, "delta"), "stop_reason");
  if (reason != NULL)
    {
      g_free (stream->finish_reason);
      stream->finish_reason = g_strdup (normalise_finish (reason));
    }
  parse_usage (sluice_wire_get_object (object, "usage"), &stream->usage);
}

static gboolean
anthropic_stream_event (SluiceWireStream      *stream,
                        const SluiceSseEvent  *event,
                        GString               *delta,
                        GError               **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  const char *type;

  if (stream->done)
    return TRUE;

  root = sluice_wire_parse_event (event, error);
  if (root == NULL)
    return FALSE;

  object = json_node_get_object (root);
  type = sluice_wire_get_string (object, "type");
  if (type == NULL)
    type = event->event;

  if (strcmp (type, "error") == 0)
    {
      *error = sluice_wire_error_from_json (0, root);
      return FALSE;
    }
  else if (strcmp (type, "message_start") == 0)
    on_message_start (stream, object);
  else if (strcmp (type, "content_block_delta") == 0)
    {
      JsonObject *block = sluice_wire_get_object (object, "delta");

      if (g_strcmp0 (sluice_wire_get_string (block, "type"), "text_delta") == 0
          && sluice_wire_get_string (block, "text") != NULL)
        g_string_append (delta, sluice_wire_get_string (block, "text"));
    }
  else if (strcmp (type, "message_delta") == 0)
    on_message_delta (stream, object);
  else if (strcmp (type, "message_stop") == 0)
    stream->done = TRUE;
  /* ping, content_block_start and content_block_stop carry nothing we use */

  return TRUE;
}

const SluiceWireFormat sluice_wire_anthropic = {
  SLUICE_PROVIDER_KIND_ANTHROPIC,
  anthropic_parse_response,
  anthropic_stream_event,
};

/* The provider */

static char *
anthropic_complete_path (const char *model,
                         gboolean    stream)
{
  return g_strdup ("/messages");
}

static void
anthropic_add_headers (SoupMessageHeaders *headers,
                       const char         *api_key)
{
  soup_message_headers_replace (headers, "anthropic-version", API_VERSION);
  if (api_key != NULL && *api_key != '\0')
    soup_message_headers_replace (headers, "x-api-key", api_key);
}

static const SluiceHttpDialect anthropic_dialect = {
  .format = &sluice_wire_anthropic,
  .default_base_url = DEFAULT_BASE_URL,
  .complete_path = anthropic_complete_path,
  .build_request = sluice_wire_anthropic_build_request,
  .add_headers = anthropic_add_headers,
};

static void
sluice_anthropic_provider_class_init (SluiceAnthropicProviderClass *klass)
{
  SluiceHttpProviderClass *http_class = SLUICE_HTTP_PROVIDER_CLASS (klass);

  http_class->dialect = &anthropic_dialect;
}

static void
sluice_anthropic_provider_init (SluiceAnthropicProvider *self)
{
}

/**
 * sluice_anthropic_provider_new:
 * @name: the provider's name in the configuration
 * @base_url: (nullable): the API root; https://api.anthropic.com/v1 when %NULL
 * @api_key: (nullable): the key
 * @connect_timeout_ms: how long connecting may take, 0 for no limit
 *
 * Returns: (transfer full): a new provider for the Anthropic Messages API
 */
SluiceProvider *
sluice_anthropic_provider_new (const char *name,
                               const char *base_url,
                               const char *api_key,
                               guint       connect_timeout_ms)
{
  return sluice_http_provider_new (SLUICE_TYPE_ANTHROPIC_PROVIDER, name, SLUICE_PROVIDER_KIND_ANTHROPIC,
                                   base_url, api_key, connect_timeout_ms);
}
