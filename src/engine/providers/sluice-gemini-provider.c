/* sluice-gemini-provider.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-providers"

#include "config.h"

#include <string.h>

#include "sluice-gemini-provider.h"
#include "sluice-http-provider.h"
#include "sluice-wire.h"

/* SluiceGeminiProvider: the Gemini API's generateContent and
 * streamGenerateContent methods. */

#define DEFAULT_BASE_URL "https://generativelanguage.googleapis.com/v1beta"

/* embedContent takes one input, batchEmbedContents up to 100. */
#define EMBED_MAX_BATCH 100

struct _SluiceGeminiProvider
{
  SluiceHttpProvider parent_instance;
};

G_DEFINE_FINAL_TYPE (SluiceGeminiProvider, sluice_gemini_provider, SLUICE_TYPE_HTTP_PROVIDER)

/* Wire format */

/* Consecutive messages of one role become one turn. */
static void
add_contents (JsonBuilder   *builder,
              SluiceRequest *request)
{
  GPtrArray *messages = sluice_request_get_messages (request);
  g_autoptr(GString) text = g_string_new (NULL);
  const char *role = NULL;

  json_builder_set_member_name (builder, "contents");
  json_builder_begin_array (builder);
  for (guint i = 0; i <= messages->len; i++)
    {
      SluiceMessage *message = i < messages->len ? g_ptr_array_index (messages, i) : NULL;
      const char *next = NULL;

      if (message != NULL && sluice_message_get_role (message) == SLUICE_ROLE_SYSTEM)
        continue;
      if (message != NULL)
        next = sluice_message_get_role (message) == SLUICE_ROLE_ASSISTANT ? "model" : "user";

      if (role != NULL && (next == NULL || strcmp (role, next) != 0))
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "role");
          json_builder_add_string_value (builder, role);
          sluice_wire_gemini_add_text_parts (builder, text->str);
          json_builder_end_object (builder);
          g_string_truncate (text, 0);
        }
      else if (role != NULL)
        g_string_append (text, "\n\n");

      if (message != NULL)
        g_string_append (text, sluice_message_get_content (message));
      role = next;
    }
  json_builder_end_array (builder);
}

JsonNode *
sluice_wire_gemini_build_request (SluiceRequest *request)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *system = sluice_wire_join_system (request);
  double temperature = sluice_request_get_temperature (request);
  gint64 max_tokens = sluice_request_get_max_tokens (request);

  json_builder_begin_object (builder);
  add_contents (builder, request);

  if (system != NULL)
    {
      json_builder_set_member_name (builder, "systemInstruction");
      json_builder_begin_object (builder);
      sluice_wire_gemini_add_text_parts (builder, system);
      json_builder_end_object (builder);
    }

  if (temperature >= 0 || max_tokens > 0)
    {
      json_builder_set_member_name (builder, "generationConfig");
      json_builder_begin_object (builder);
      if (temperature >= 0)
        {
          json_builder_set_member_name (builder, "temperature");
          json_builder_add_double_value (builder, temperature);
        }
      if (max_tokens > 0)
        {
          json_builder_set_member_name (builder, "maxOutputTokens");
          json_builder_add_int_value (builder, max_tokens);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static const char *
normalise_finish (const char *reason)
{
  static const char * const filtered[] = {
    "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII",
    "IMAGE_SAFETY", NULL
  };

  if (g_strcmp0 (reason, "MAX_TOKENS") == 0)
    return "length";
  if (reason != NULL && g_strv_contains (filtered, reason))
    return "content_filter";

  return "stop";
}

/* Thinking tokens are billed as output. */
static void
parse_usage (JsonObject  *usage,
             SluiceUsage *out)
{
  if (usage == NULL)
    return;

  out->input_tokens = sluice_wire_get_int (usage, "promptTokenCount");
  out->cached_input_tokens = sluice_wire_get_int (usage, "cachedContentTokenCount");
  out->output_tokens = sluice_wire_get_int (usage, "candidatesTokenCount")
                       + sluice_wire_get_int (usage, "thoughtsTokenCount");
}

/* Appends the candidate's text (thoughts left out) to @out and returns its
 * normalised finish reason, or NULL while it is not finished. */
static const char *
read_candidate (JsonObject *candidate,
                GString    *out)
{
  JsonArray *parts = sluice_wire_get_array (sluice_wire_get_object (candidate, "content"),
                                            "parts");
  gboolean tool_call = FALSE;
  const char *reason;

  for (guint i = 0; parts != NULL && i < json_array_get_length (parts); i++)
    {
      JsonNode *node = json_array_get_element (parts, i);
      JsonObject *part;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      part = json_node_get_object (node);
      if (json_object_has_member (part, "functionCall"))
        tool_call = TRUE;
      if (json_object_has_member (part, "thought")
          && json_object_get_boolean_member_with_default (part, "thought", FALSE))
        continue;
      if (sluice_wire_get_string (part, "text") != NULL)
        g_string_append (out, sluice_wire_get_string (part, "text"));
    }

  reason = sluice_wire_get_string (candidate, "finishReason");
  if (reason == NULL)
    return NULL;

  return tool_call ? "tool_calls" : normalise_finish (reason);
}

/* Returns the first candidate, or NULL with @error set: a prompt the
 * safety settings blocked comes back without candidates. */
static JsonObject *
first_candidate (JsonObject  *object,
                 GError     **error)
{
  JsonArray *candidates = sluice_wire_get_array (object, "candidates");
  const char *blocked;
  JsonNode *node;

  if (candidates != NULL && json_array_get_length (candidates) > 0)
    {
      node = json_array_get_element (candidates, 0);
      if (JSON_NODE_HOLDS_OBJECT (node))
        return json_node_get_object (node);
    }

  blocked = sluice_wire_get_string (sluice_wire_get_object (object, "promptFeedback"),
                                    "blockReason");
  if (blocked != NULL)
    g_set_error (error, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_CONTENT_FILTER,
                 "the prompt was blocked: %s", blocked);
  else
    g_set_error_literal (error, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_MALFORMED,
                         "the answer has no candidates");

  return NULL;
}

static SluiceCompletion *
gemini_parse_response (JsonNode  *root,
                       GError   **error)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  SluiceUsage usage = { 0, };
  JsonObject *candidate;
  const char *finish;

  candidate = first_candidate (object, error);
  if (candidate == NULL)
    return NULL;

  finish = read_candidate (candidate, text);
  parse_usage (sluice_wire_get_object (object, "usageMetadata"), &usage);

  return sluice_wire_completion_new (text->str, finish != NULL ? finish : "stop",
                                     sluice_wire_get_string (object, "modelVersion"),
                                     &usage, error);
}

static gboolean
gemini_stream_event (SluiceWireStream      *stream,
                     const SluiceSseEvent  *event,
                     GString               *delta,
                     GError               **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  JsonObject *candidate;
  const char *finish;

  root = sluice_wire_parse_event (event, error);
  if (root == NULL)
    return FALSE;

  object = json_node_get_object (root);
  if (json_object_has_member (object, "error"))
    {
      *error = sluice_wire_error_from_json (0, root);
      return FALSE;
    }

  /* Usage is cumulative; a chunk after the last candidate may carry it. */
  parse_usage (sluice_wire_get_object (object, "usageMetadata"), &stream->usage);
  if (stream->model == NULL && sluice_wire_get_string (object, "modelVersion") != NULL)
    stream->model = g_strdup (sluice_wire_get_string (object, "modelVersion"));

  if (stream->done && sluice_wire_get_array (object, "candidates") == NULL)
    return TRUE;

  candidate = first_candidate (object, error);
  if (candidate == NULL)
    return FALSE;

  finish = read_candidate (candidate, delta);
  if (finish != NULL)
    {
      g_free (stream->finish_reason);
      stream->finish_reason = g_strdup (finish);
      stream->done = TRUE;
    }

  return TRUE;
}

const SluiceWireFormat sluice_wire_gemini = {
  SLUICE_PROVIDER_KIND_GEMINI,
  gemini_parse_response,
  gemini_stream_event,
};

/* The provider */

/* The path of @method of @model, which may be given as models/<id>. */
static char *
method_path (const char *model,
             const char *method)
{
  g_autofree char *escaped = NULL;

  if (g_str_has_prefix (model, "models/"))
    model += strlen ("models/");
  escaped = g_uri_escape_string (model, NULL, FALSE);

  return g_strconcat ("/models/", escaped, method, NULL);
}

static char *
gemini_complete_path (const char *model,
                      gboolean    stream)
{
  return method_path (model, stream ? ":streamGenerateContent?alt=sse" : ":generateContent");
}

static char *
gemini_embed_path (const char *model,
                   guint       n_inputs)
{
  return method_path (model, n_inputs > 1 ? ":batchEmbedContents" : ":embedContent");
}

/* The model is in the path, and the request says nothing of streaming. */
static JsonNode *
gemini_build_request (SluiceRequest *request,
                      const char    *model,
                      gboolean       stream)
{
  return sluice_wire_gemini_build_request (request);
}

static void
gemini_add_headers (SoupMessageHeaders *headers,
                    const char         *api_key)
{
  if (api_key != NULL && *api_key != '\0')
    soup_message_headers_replace (headers, "x-goog-api-key", api_key);
}

static const SluiceHttpDialect gemini_dialect = {
  .format = &sluice_wire_gemini,
  .default_base_url = DEFAULT_BASE_URL,
  .complete_path = gemini_complete_path,
  .build_request = gemini_build_request,
  .add_headers = gemini_add_headers,
  .embed_path = gemini_embed_path,
  .build_embed = sluice_wire_gemini_build_embed,
  .parse_embed = sluice_wire_gemini_parse_embed,
};

static void
sluice_gemini_provider_class_init (SluiceGeminiProviderClass *klass)
{
  SluiceHttpProviderClass *http_class = SLUICE_HTTP_PROVIDER_CLASS (klass);

  http_class->dialect = &gemini_dialect;
  sluice_http_provider_class_enable_embeddings (http_class, EMBED_MAX_BATCH);
}

static void
sluice_gemini_provider_init (SluiceGeminiProvider *self)
{
}

/**
 * sluice_gemini_provider_new:
 * @name: the provider's name in the configuration
 * @base_url: (nullable): the API root; Google's v1beta endpoint when %NULL
 * @api_key: (nullable): the key
 * @connect_timeout_ms: how long connecting may take, 0 for no limit
 *
 * Returns: (transfer full): a new provider for the Gemini API
 */
SluiceProvider *
sluice_gemini_provider_new (const char *name,
                            const char *base_url,
                            const char *api_key,
                            guint       connect_timeout_ms)
{
  return sluice_http_provider_new (SLUICE_TYPE_GEMINI_PROVIDER, name, SLUICE_PROVIDER_KIND_GEMINI,
                                   base_url, api_key, connect_timeout_ms);
}
