/* sluice-openai-provider.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-providers"

#include "config.h"

#include <string.h>

#include "sluice-http-provider.h"
#include "sluice-openai-provider.h"
#include "sluice-wire.h"

/* SluiceOpenaiProvider: the OpenAI Chat Completions API, and everything that
 * speaks it (Ollama, vLLM, llama.cpp, OpenRouter...), where the key may be
 * absent. */

#define DEFAULT_BASE_URL "https://api.openai.com/v1"

#define EMBED_MAX_BATCH 2048  /* inputs in one call to /embeddings */

struct _SluiceOpenaiProvider
{
  SluiceHttpProvider parent_instance;
};

G_DEFINE_FINAL_TYPE (SluiceOpenaiProvider, sluice_openai_provider, SLUICE_TYPE_HTTP_PROVIDER)

/* Wire format */

JsonNode *
sluice_wire_openai_build_request (SluiceRequest *request,
                                  const char    *model,
                                  gboolean       stream)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GPtrArray *messages = sluice_request_get_messages (request);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, model);

  json_builder_set_member_name (builder, "messages");
  json_builder_begin_array (builder);
  for (guint i = 0; i < messages->len; i++)
    {
      SluiceMessage *message = g_ptr_array_index (messages, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "role");
      json_builder_add_string_value (builder,
                                     sluice_wire_role_name (sluice_message_get_role (message)));
      json_builder_set_member_name (builder, "content");
      json_builder_add_string_value (builder, sluice_message_get_content (message));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  if (sluice_request_get_temperature (request) >= 0)
    {
      json_builder_set_member_name (builder, "temperature");
      json_builder_add_double_value (builder, sluice_request_get_temperature (request));
    }
  /* max_tokens rather than max_completion_tokens: every compatible server
   * knows it. */
  if (sluice_request_get_max_tokens (request) > 0)
    {
      json_builder_set_member_name (builder, "max_tokens");
      json_builder_add_int_value (builder, sluice_request_get_max_tokens (request));
    }
  if (stream)
    {
      json_builder_set_member_name (builder, "stream");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_set_member_name (builder, "stream_options");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "include_usage");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static const char *
normalise_finish (const char *reason)
{
  if (g_strcmp0 (reason, "length") == 0)
    return "length";
  if (g_strcmp0 (reason, "content_filter") == 0)
    return "content_filter";
  if (g_strcmp0 (reason, "tool_calls") == 0 || g_strcmp0 (reason, "function_call") == 0)
    return "tool_calls";

  return "stop";
}

static void
parse_usage (JsonObject  *usage,
             SluiceUsage *out)
{
  if (usage == NULL)
    return;

  out->input_tokens = sluice_wire_get_int (usage, "prompt_tokens");
  out->output_tokens = sluice_wire_get_int (usage, "completion_tokens");
  out->cached_input_tokens =
    sluice_wire_get_int (sluice_wire_get_object (usage, "prompt_tokens_details"),
                         "cached_tokens");
}

static JsonObject *
first_choice (JsonObject *object)
{
  JsonArray *choices = sluice_wire_get_array (object, "choices");
  JsonNode *node;

  if (choices == NULL || json_array_get_length (choices) == 0)
    return NULL;

  node = json_array_get_element (choices, 0);
  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static SluiceCompletion *
openai_parse_response (JsonNode  *root,
                       GError   **error)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonObject *choice = first_choice (object);
  JsonObject *message = sluice_wire_get_object (choice, "message");
  SluiceUsage usage = { 0, };
  const char *content;
  const char *refusal;

  if (message == NULL)
    {
      g_set_error_literal (error, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_MALFORMED,
                           "the answer has no choices[0].message");
      return NULL;
    }

  content = sluice_wire_get_string (message, "content");
  refusal = sluice_wire_get_string (message, "refusal");
  if ((content == NULL || *content == '\0') && refusal != NULL)
    {
      g_set_error (error, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_CONTENT_FILTER,
                   "the model refused: %s", refusal);
      return NULL;
    }

  parse_usage (sluice_wire_get_object (object, "usage"), &usage);

  return sluice_wire_completion_new (content,
                                     normalise_finish (sluice_wire_get_string (choice,
                                                                               "finish_reason")),
                                     sluice_wire_get_string (object, "model"),
                                     &usage, error);
}

static gboolean
openai_stream_event (SluiceWireStream      *stream,
                     const SluiceSseEvent  *event,
                     GString               *delta,
                     GError               **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  JsonObject *choice;
  const char *text;

  if (stream->done)
    return TRUE;
  if (strcmp (event->data, "[DONE]") == 0)
    {
      stream->done = TRUE;
      return TRUE;
    }

  root = sluice_wire_parse_event (event, error);
  if (root == NULL)
    return FALSE;

  object = json_node_get_object (root);
  if (json_object_has_member (object, "error"))
    {
      *error = sluice_wire_error_from_json (0, root);
      return FALSE;
    }

  if (stream->model == NULL && sluice_wire_get_string (object, "model") != NULL)
    stream->model = g_strdup (sluice_wire_get_string (object, "model"));

  choice = first_choice (object);
  text = sluice_wire_get_string (sluice_wire_get_object (choice, "delta"), "content");
  if (text != NULL)
    g_string_append (delta, text);
  if (sluice_wire_get_string (choice, "finish_reason") != NULL)
    {
      g_free (stream->finish_reason);
      stream->finish_reason =
        g_strdup (normalise_finish (sluice_wire_get_string (choice, "finish_reason")));
    }

  parse_usage (sluice_wire_get_object (object, "usage"), &stream->usage);

  return TRUE;
}

const SluiceWireFormat sluice_wire_openai = {
  SLUICE_PROVIDER_KIND_OPENAI,
  openai_parse_response,
  openai_stream_event,
};

/* The provider */

static char *
openai_complete_path (const char *model,
                      gboolean    stream)
{
  return g_strdup ("/chat/completions");
}

static char *
openai_embed_path (const char *model,
                   guint       n_inputs)
{
  return g_strdup ("/embeddings");
}

/* Local servers take no key. */
static void
openai_add_headers (SoupMessageHeaders *headers,
                    const char         *api_key)
{
  g_autofree char *auth = NULL;

  if (api_key == NULL || *api_key == '\0')
    return;
  auth = g_strconcat ("Bearer ", api_key, NULL);
  soup_message_headers_replace (headers, "Authorization", auth);
  explicit_bzero (auth, strlen (auth));
}

static const SluiceHttpDialect openai_dialect = {
  .format = &sluice_wire_openai,
  .default_base_url = DEFAULT_BASE_URL,
  .complete_path = openai_complete_path,
  .build_request = sluice_wire_openai_build_request,
  .add_headers = openai_add_headers,
  .embed_path = openai_embed_path,
  .build_embed = sluice_wire_openai_build_embed,
  .parse_embed = sluice_wire_openai_parse_embed,
};

static void
sluice_openai_provider_class_init (SluiceOpenaiProviderClass *klass)
{
  SluiceHttpProviderClass *http_class = SLUICE_HTTP_PROVIDER_CLASS (klass);

  http_class->dialect = &openai_dialect;
  sluice_http_provider_class_enable_embeddings (http_class, EMBED_MAX_BATCH);
}

static void
sluice_openai_provider_init (SluiceOpenaiProvider *self)
{
}

/**
 * sluice_openai_provider_new:
 * @name: the provider's name in the configuration
 * @base_url: (nullable): the API root, ending in /v1; OpenAI's when %NULL
 * @api_key: (nullable): the key; none for local servers
 * @connect_timeout_ms: how long connecting may take, 0 for no limit
 *
 * Returns: (transfer full): a new provider for OpenAI-compatible servers
 */
SluiceProvider *
sluice_openai_provider_new (const char *name,
                            const char *base_url,
                            const char *api_key,
                            guint       connect_timeout_ms)
{
  return sluice_http_provider_new (SLUICE_TYPE_OPENAI_PROVIDER, name, SLUICE_PROVIDER_KIND_OPENAI,
                                   base_url, api_key, connect_timeout_ms);
}
