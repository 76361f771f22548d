/* sluice-wire-embed.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-providers"

#include "config.h"

#include <string.h>

#include "sluice-wire.h"

/* The embeddings wire formats: OpenAI's /v1/embeddings (which Ollama,
 * vLLM and llama.cpp also speak, and whose answer Ollama's own /api/embed
 * resembles closely enough to read as well) and Gemini's embedContent and
 * batchEmbedContents. */

/* Gemini's content: { "parts": [ { "text": @text } ] } */
void
sluice_wire_gemini_add_text_parts (JsonBuilder *builder,
                                   const char  *text)
{
  json_builder_set_member_name (builder, "parts");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, text);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
}

JsonNode *
sluice_wire_openai_build_embed (const char         *model,
                                const char * const *inputs,
                                guint               dimensions)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, model);
  json_builder_set_member_name (builder, "input");
  json_builder_begin_array (builder);
  for (guint i = 0; inputs[i] != NULL; i++)
    json_builder_add_string_value (builder, inputs[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "encoding_format");
  json_builder_add_string_value (builder, "float");
  if (dimensions > 0)
    {
      json_builder_set_member_name (builder, "dimensions");
      json_builder_add_int_value (builder, dimensions);
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* A vector given as a JSON array of numbers, or as base64 little-endian
 * float32 (encoding_format "base64"). Sets *dims on the first one and
 * checks it on the others. */
static float *
read_vector (JsonNode  *node,
             guint     *dims,
             GError   **error)
{
  g_autofree float *vector = NULL;
  guint n;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_STRING)
    {
      gsize len = 0;
      g_autofree guchar *bytes = g_base64_decode (json_node_get_string (node), &len);

      n = len / 4;
      vector = g_new (float, MAX (n, 1));
      for (guint i = 0; i < n; i++)
        {
          guint32 word;

          memcpy (&word, bytes + 4 * i, 4);
          word = GUINT32_FROM_LE (word);
          memcpy (&vector[i], &word, 4);
        }
    }
  else if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      n = json_array_get_length (array);
      vector = g_new (float, MAX (n, 1));
      for (guint i = 0; i < n; i++)
        {
          JsonNode *value = json_array_get_element (array, i);
          GType type = JSON_NODE_HOLDS_VALUE (value) ? json_node_get_value_type (value)
                                                     : G_TYPE_INVALID;

          if (type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
            n = 0;
          else
            vector[i] = (float) json_node_get_double (value);
          if (n == 0)
            break;
        }
    }
  else
    n = 0;

  if (n == 0 || (*dims != 0 && n != *dims))
    {
      g_set_error (error, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_MALFORMED,
                   "an embedding is not a vector of %u numbers", *dims != 0 ? *dims : n);
      return NULL;
    }
  *dims = n;
  return g_steal_pointer (&vector);
}

static SluiceEmbeddings *
read_vectors (JsonArray   *items,
              const char  *member,
              GError     **error)
{
  g_autoptr(SluiceEmbeddings) result = sluice_embeddings_new (0);
  guint n = json_array_get_length (items);
  guint dims = 0;

  g_ptr_array_set_size (result->vectors, n);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *item = json_array_get_element (items, i);
      JsonNode *vector = item;
      gint64 index = i;
      float *values;

      if (member != NULL && JSON_NODE_HOLDS_OBJECT (item))
        {
          JsonObject *object = json_node_get_object (item);

          vector = json_object_get_member (object, member);
          if (json_object_has_member (object, "index"))
            index = sluice_wire_get_int (object, "index");
        }
      else if (member != NULL)
        vector = NULL;
      if (index < 0 || index >= n || result->vectors->pdata[index] != NULL)
        {
          g_set_error (error, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_MALFORMED,
                       "embedding %u has a bad index", i);
          return NULL;
        }
      values = read_vector (vector, &dims, error);
      if (values == NULL)
        return NULL;
      result->vectors->pdata[index] = values;
    }
  result->dimensions = dims;

  return g_steal_pointer (&result);
}

SluiceEmbeddings *
sluice_wire_openai_parse_embed (JsonNode  *root,
                                GError   **error)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonArray *data = sluice_wire_get_array (object, "data");
  JsonArray *native = sluice_wire_get_array (object, "embeddings");
  SluiceEmbeddings *result;

  if (data != NULL)
    result = read_vectors (data, "embedding", error);
  else if (native != NULL)
    result = read_vectors (native, NULL, error);
  else
    {
      g_set_error_literal (error, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_MALFORMED,
                           "the answer has no data[]");
      return NULL;
    }
  if (result == NULL)
    return NULL;

  result->model = g_strdup (sluice_wire_get_string (object, "model"));
  result->usage.input_tokens =
    sluice_wire_get_int (sluice_wire_get_object (object, "usage"), "prompt_tokens");
  if (result->usage.input_tokens == 0)
    result->usage.input_tokens = sluice_wire_get_int (object, "prompt_eval_count");

  return result;
}

static void
add_gemini_request (JsonBuilder *builder,
                    const char  *model_path,
                    const char  *text,
                    guint        dimensions)
{
  if (model_path != NULL)
    {
      json_builder_set_member_name (builder, "model");
      json_builder_add_string_value (builder, model_path);
    }
  json_builder_set_member_name (builder, "content");
  json_builder_begin_object (builder);
  sluice_wire_gemini_add_text_parts (builder, text);
  json_builder_end_object (builder);
  if (dimensions > 0)
    {
      json_builder_set_member_name (builder, "outputDimensionality");
      json_builder_add_int_value (builder, dimensions);
    }
}

/* One input: an EmbedContentRequest for :embedContent. More: a
 * BatchEmbedContentsRequest, each of whose requests names the model. */
JsonNode *
sluice_wire_gemini_build_embed (const char         *model,
                                const char * const *inputs,
                                guint               dimensions)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *model_path = g_str_has_prefix (model, "models/")
                                ? g_strdup (model) : g_strconcat ("models/", model, NULL);

  json_builder_begin_object (builder);
  if (inputs[0] != NULL && inputs[1] == NULL)
    add_gemini_request (builder, NULL, inputs[0], dimensions);
  else
    {
      json_builder_set_member_name (builder, "requests");
      json_builder_begin_array (builder);
      for (guint i = 0; inputs[i] != NULL; i++)
        {
          json_builder_begin_object (builder);
          add_gemini_request (builder, model_path, inputs[i], dimensions);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

SluiceEmbeddings *
sluice_wire_gemini_parse_embed (JsonNode  *root,
                                GError   **error)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonArray *many = sluice_wire_get_array (object, "embeddings");
  JsonObject *one = sluice_wire_get_object (object, "embedding");
  g_autoptr(JsonArray) wrapped = NULL;
  SluiceEmbeddings *result;

  if (many == NULL && one != NULL)
    {
      wrapped = json_array_new ();
      json_array_add_object_element (wrapped, json_object_ref (one));
      many = wrapped;
    }
  if (many == NULL)
    {
      g_set_error_literal (error, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_MALFORMED,
                           "the answer has no embedding");
      return NULL;
    }

  result = read_vectors (many, "values", error);
  if (result != NULL)
    result->usage.input_tokens =
      sluice_wire_get_int (sluice_wire_get_object (object, "usageMetadata"), "promptTokenCount");
  return result;
}
