/* sluice-server-embeddings.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-server"

#include "config.h"

#include <string.h>

#include "sluice-server-private.h"

/* POST /v1/embeddings, in OpenAI's format: "input" a string or an array of
 * strings (token arrays are refused), "dimensions", "encoding_format"
 * ("float", or "base64": little-endian float32, which the official clients
 * ask for by default), "user". Answered through sluice_engine_embed_async,
 * so the call is limited, metered and in the ledger like a completion. */

#define MAX_INPUTS 2048
#define MAX_DIMENSIONS 8192

typedef struct
{
  SluiceServer      *server;
  SoupServerMessage *msg;
  GCancellable      *cancellable;
  char              *model;
  gint64             start_us;
  gboolean           base64;
  gboolean           finished;
  gboolean           engine_done;
  gulong             finished_id;
  guint              ref_count;  /* the engine's and the message's */
} EmbedCall;

static void
embed_call_unref (EmbedCall *call)
{
  if (--call->ref_count > 0)
    return;
  g_clear_object (&call->server);
  g_clear_object (&call->msg);
  g_clear_object (&call->cancellable);
  g_free (call->model);
  g_free (call);
}

static GStrv
read_inputs (JsonObject  *body,
             GError     **error)
{
  JsonNode *input = json_object_get_member (body, "input");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;

  if (input != NULL && JSON_NODE_HOLDS_VALUE (input) &&
      json_node_get_value_type (input) == G_TYPE_STRING)
    {
      g_strv_builder_add (builder, json_node_get_string (input));
      return g_strv_builder_end (builder);
    }
  if (input == NULL || !JSON_NODE_HOLDS_ARRAY (input))
    {
      _sluice_fail_field (error, "input", "must be a string or an array of strings");
      return NULL;
    }

  array = json_node_get_array (input);
  if (json_array_get_length (array) == 0 || json_array_get_length (array) > MAX_INPUTS)
    {
      _sluice_fail_field (error, "input", "must hold 1 to %d strings", MAX_INPUTS);
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      g_autofree char *path = g_strdup_printf ("input[%u]", i);

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        {
          _sluice_fail_field (error, path, "must be a string (token arrays are not "
                              "supported)");
          return NULL;
        }
      g_strv_builder_add (builder, json_node_get_string (item));
    }
  return g_strv_builder_end (builder);
}

static gboolean
read_format (JsonObject  *body,
             gboolean    *base64,
             GError     **error)
{
  const char *format = NULL;

  if (!_sluice_json_string (body, NULL, "encoding_format", FALSE, &format, error))
    return FALSE;
  if (format != NULL && strcmp (format, "float") != 0 && strcmp (format, "base64") != 0)
    return _sluice_fail_field (error, "encoding_format", "must be \"float\" or \"base64\"");
  *base64 = g_strcmp0 (format, "base64") == 0;
  return TRUE;
}

static void
add_vector (JsonBuilder *builder,
            const float *vector,
            guint        dimensions,
            gboolean     base64)
{
  if (base64)
    {
      g_autofree guint32 *words = g_new (guint32, dimensions);
      g_autofree char *text = NULL;

      for (guint i = 0; i < dimensions; i++)
        {
          memcpy (&words[i], &vector[i], sizeof (guint32));
          words[i] = GUINT32_TO_LE (words[i]);
        }
      text = g_base64_encode ((const guchar *) words, dimensions * sizeof (guint32));
      json_builder_add_string_value (builder, text);
      return;
    }

  json_builder_begin_array (builder);
  for (guint i = 0; i < dimensions; i++)
    json_builder_add_double_value (builder, vector[i]);
  json_builder_end_array (builder);
}

static JsonNode *
build_answer (SluiceEmbeddings *e,
              gboolean          base64)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "object");
  json_builder_add_string_value (b, "list");
  json_builder_set_member_name (b, "data");
  json_builder_begin_array (b);
  for (guint i = 0; i < e->vectors->len; i++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "object");
      json_builder_add_string_value (b, "embedding");
      json_builder_set_member_name (b, "index");
      json_builder_add_int_value (b, i);
      json_builder_set_member_name (b, "embedding");
      add_vector (b, g_ptr_array_index (e->vectors, i), e->dimensions, base64);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, e->model);
  json_builder_set_member_name (b, "usage");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "prompt_tokens");
  json_builder_add_int_value (b, e->usage.input_tokens);
  json_builder_set_member_name (b, "total_tokens");
  json_builder_add_int_value (b, e->usage.input_tokens);
  json_builder_end_object (b);
  json_builder_end_object (b);

  return json_builder_get_root (b);
}

static void
set_headers (SoupServerMessage *msg,
             SluiceEmbeddings  *e)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autofree char *cost = _sluice_server_format_double (e->cost_usd);

  soup_message_headers_replace (headers, "x-sluice-request-id", e->request_id);
  soup_message_headers_replace (headers, "x-sluice-model", e->model);
  soup_message_headers_replace (headers, "x-sluice-provider", e->provider);
  soup_message_headers_replace (headers, "x-sluice-route", e->route);
  soup_message_headers_replace (headers, "x-sluice-cost-usd", cost);
}

static void
embedded_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  EmbedCall *call = user_data;
  g_autoptr(SluiceEmbeddings) embeddings = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;

  embeddings = sluice_engine_embed_finish (SLUICE_ENGINE (object), result, &error);
  g_info ("embeddings model=%s status=%s latency_ms=%.1f%s", call->model,
          embeddings != NULL ? "ok" : "error",
          (g_get_monotonic_time () - call->start_us) / 1000.0,
          call->finished ? " (client gone)" : "");

  if (!call->finished)
    {
      if (embeddings != NULL)
        {
          set_headers (call->msg, embeddings);
          answer = build_answer (embeddings, call->base64);
          _sluice_server_reply_json (call->server, call->msg, SOUP_STATUS_OK, answer);
        }
      else
        _sluice_server_reply_gerror (call->server, call->msg, SLUICE_API_OPENAI, error);
      soup_server_message_unpause (call->msg);
    }
  call->engine_done = TRUE;
  embed_call_unref (call);
}

static void
finished_cb (SoupServerMessage *msg,
             EmbedCall         *call)
{
  call->finished = TRUE;
  g_clear_signal_handler (&call->finished_id, msg);
  /* The client went away before the answer: stop spending on it. */
  if (!call->engine_done)
    g_cancellable_cancel (call->cancellable);
  _sluice_server_call_ended (call->server);
  embed_call_unref (call);
}

void
_sluice_server_handle_embeddings (SluiceServer      *self,
                                  SoupServerMessage *msg,
                                  const char        *user,
                                  const char        *rest)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) inputs = NULL;
  const char *model = NULL;
  const char *body_user = NULL;
  gint64 dimensions = 0;
  gboolean base64 = FALSE;
  JsonObject *body;
  EmbedCall *call;

  root = _sluice_read_json_body (msg, &error);
  body = root != NULL ? json_node_get_object (root) : NULL;
  if (body == NULL ||
      !_sluice_json_string (body, NULL, "model", TRUE, &model, &error) ||
      (inputs = read_inputs (body, &error)) == NULL ||
      !_sluice_json_int (body, NULL, "dimensions", 1, MAX_DIMENSIONS, &dimensions, &error) ||
      !read_format (body, &base64, &error) ||
      !_sluice_json_string (body, NULL, "user", FALSE, &body_user, &error))
    {
      _sluice_server_reply_gerror (self, msg, SLUICE_API_OPENAI, error);
      return;
    }

  call = g_new0 (EmbedCall, 1);
  call->server = g_object_ref (self);
  call->msg = g_object_ref (msg);
  call->cancellable = g_cancellable_new ();
  call->model = g_strdup (model);
  call->base64 = base64;
  call->start_us = g_get_monotonic_time ();
  call->ref_count = 2;

  soup_server_message_pause (msg);
  _sluice_server_call_started (self);
  call->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (finished_cb), call);
  sluice_engine_embed_async (self->engine, model, (const char * const *) inputs,
                             (guint) dimensions, user != NULL ? user : body_user,
                             call->cancellable, embedded_cb, call);
}
