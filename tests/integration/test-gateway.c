/* test-gateway.c — the OpenAI- and Anthropic-compatible API over real HTTP
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "test-gateway-fixture.h"

typedef GatewayFixture Fixture;

#define TEST(path, func, data) \
  g_test_add (path, Fixture, data, gateway_setup, func, gateway_teardown)

static gint64
header_int (GatewayReply *reply,
            const char   *name)
{
  const char *value = gateway_header (reply, name);
  gint64 parsed = -1;

  g_assert_nonnull (value);
  g_assert_true (g_ascii_string_to_signed (value, 10, 0, G_MAXINT64, &parsed, NULL));
  return parsed;
}

static void
test_chat (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GatewayReply) r = gateway_post_json (f, "/v1/chat/completions",
                                                 CHAT_BODY ("main", "hello gateway"));
  const char *id;
  double cost;

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_true (g_str_has_prefix (gateway_header (r, "Content-Type"), "application/json"));
  id = gateway_path_string (r->json, "$.id");
  g_assert_nonnull (id);
  g_assert_cmpstr (gateway_header (r, "x-sluice-request-id"), ==, id);
  g_assert_cmpstr (gateway_path_string (r->json, "$.object"), ==, "chat.completion");
  g_assert_cmpstr (gateway_path_string (r->json, "$.model"), ==, "alpha-large");
  g_assert_cmpint (gateway_path_int (r->json, "$.created"), >, 0);
  g_assert_cmpstr (gateway_path_string (r->json, "$.choices[0].message.role"), ==, "assistant");
  g_assert_cmpstr (gateway_path_string (r->json, "$.choices[0].message.content"), ==,
                   "Echo: hello gateway");
  g_assert_cmpstr (gateway_path_string (r->json, "$.choices[0].finish_reason"), ==, "stop");
  g_assert_cmpint (gateway_path_int (r->json, "$.usage.prompt_tokens"), >, 0);
  g_assert_cmpint (gateway_path_int (r->json, "$.usage.completion_tokens"), >, 0);
  g_assert_cmpint (gateway_path_int (r->json, "$.usage.total_tokens"), ==,
                   gateway_path_int (r->json, "$.usage.prompt_tokens") +
                   gateway_path_int (r->json, "$.usage.completion_tokens"));
  g_assert_cmpint (gateway_path_int (r->json, "$.usage.prompt_tokens_details.cached_tokens"),
                   ==, 0);

  g_assert_cmpstr (gateway_header (r, "x-sluice-model"), ==, "alpha-large");
  g_assert_cmpstr (gateway_header (r, "x-sluice-provider"), ==, "alpha");
  g_assert_cmpstr (gateway_header (r, "x-sluice-route"), ==, "main");
  g_assert_cmpstr (gateway_header (r, "x-sluice-cache"), ==, "none");
  g_assert_cmpint (header_int (r, "x-sluice-fallback-depth"), ==, 0);
  g_assert_cmpint (header_int (r, "x-sluice-overhead-us"), >=, 0);
  cost = g_ascii_strtod (gateway_header (r, "x-sluice-cost-usd"), NULL);
  g_assert_cmpfloat (cost, >, 0);
}

static void
test_chat_alias_and_parts (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GatewayReply) r = NULL;

  r = gateway_post_json (f, "/v1/chat/completions",
                         "{\"model\":\"fast\",\"temperature\":0.5,\"max_completion_tokens\":50,"
                         "\"user\":\"body-user\",\"metadata\":{\"k\":\"v\"},"
                         "\"messages\":[{\"role\":\"developer\",\"content\":\"be brief\"},"
                         "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"one\"},"
                         "{\"type\":\"text\",\"text\":\"two\"}]}]}");
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (gateway_header (r, "x-sluice-route"), ==, "small");
  g_assert_cmpstr (gateway_header (r, "x-sluice-model"), ==, "beta-small");
  g_assert_nonnull (strstr (gateway_path_string (r->json, "$.choices[0].message.content"),
                            "two"));
}

static void
assert_chunk (JsonNode   *chunk,
              const char *stream_id)
{
  g_assert_cmpstr (gateway_path_string (chunk, "$.object"), ==, "chat.completion.chunk");
  g_assert_cmpstr (gateway_path_string (chunk, "$.id"), ==, stream_id);
  g_assert_cmpstr (gateway_path_string (chunk, "$.model"), ==, "main");
}

static void
test_stream (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GatewayReply) r = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(JsonNode) first = NULL;
  g_autoptr(JsonNode) closing = NULL;
  g_autoptr(JsonNode) usage = NULL;
  const char *stream_id;

  r = gateway_post_json (f, "/v1/chat/completions",
                         "{\"model\":\"main\",\"stream\":true,"
                         "\"stream_options\":{\"include_usage\":true},"
                         "\"messages\":[{\"role\":\"user\",\"content\":\"stream me please\"}]}");
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_true (g_str_has_prefix (gateway_header (r, "Content-Type"), "text/event-stream"));
  events = gateway_sse_events (r, NULL);
  /* role, at least one piece of text, the close, the usage, [DONE] */
  g_assert_cmpuint (events->len, >=, 5);
  g_assert_cmpstr (g_ptr_array_index (events, events->len - 1), ==, "[DONE]");

  first = json_from_string (g_ptr_array_index (events, 0), NULL);
  stream_id = gateway_path_string (first, "$.id");
  g_assert_nonnull (stream_id);
  assert_chunk (first, stream_id);
  g_assert_cmpstr (gateway_path_string (first, "$.choices[0].delta.role"), ==, "assistant");

  for (guint i = 1; i < events->len - 3; i++)
    {
      g_autoptr(JsonNode) chunk = json_from_string (g_ptr_array_index (events, i), NULL);

      assert_chunk (chunk, stream_id);
      g_assert_null (gateway_path_string (chunk, "$.choices[0].finish_reason"));
      g_string_append (text, gateway_path_string (chunk, "$.choices[0].delta.content"));
    }
  g_assert_cmpstr (text->str, ==, "Echo: stream me please");

  closing = json_from_string (g_ptr_array_index (events, events->len - 3), NULL);
  assert_chunk (closing, stream_id);
  g_assert_cmpstr (gateway_path_string (closing, "$.choices[0].finish_reason"), ==, "stop");
  g_assert_cmpstr (gateway_path_string (closing, "$.sluice.model"), ==, "alpha-large");
  g_assert_nonnull (gateway_path_string (closing, "$.sluice.request_id"));

  usage = json_from_string (g_ptr_array_index (events, events->len - 2), NULL);
  assert_chunk (usage, stream_id);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (
                     json_node_get_object (usage), "choices")), ==, 0);
  g_assert_cmpint (gateway_path_int (usage, "$.usage.completion_tokens"), >, 0);
  g_assert_cmpint (gateway_path_int (usage, "$.usage.total_tokens"), >,
                   gateway_path_int (usage, "$.usage.completion_tokens"));
}

static void
test_stream_without_usage (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GatewayReply) r = NULL;
  g_autoptr(GPtrArray) events = NULL;

  r = gateway_post_json (f, "/v1/chat/completions",
                         "{\"model\":\"main\",\"stream\":true,"
                         "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
  g_assert_cmpuint (r->status, ==, 200);
  events = gateway_sse_events (r, NULL);
  g_assert_cmpstr (g_ptr_array_index (events, events->len - 1), ==, "[DONE]");
  g_assert_null (strstr (gateway_body_text (r), "\"usage\""));
}

/* Streamed text leaves as it comes: the first piece reaches the client
 * while the engine still waits (on the manual clock) for the next one. */

typedef struct
{
  GatewayFixture *f;
  GString        *seen;
  char            buffer[1024];
  GInputStream   *stream;
  gboolean        got_text;
  gboolean        eof;
} StreamRead;

static void
stream_read_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  StreamRead *s = user_data;
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);

  g_assert_no_error (error);
  if (n == 0)
    {
      s->eof = TRUE;
      return;
    }
  g_string_append_len (s->seen, s->buffer, n);
  if (strstr (s->seen->str, "\"content\":\"Ech") != NULL)
    s->got_text = TRUE;
  g_input_stream_read_async (G_INPUT_STREAM (object), s->buffer, sizeof s->buffer,
                             G_PRIORITY_DEFAULT, NULL, stream_read_cb, s);
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  StreamRead *s = user_data;
  g_autoptr(GError) error = NULL;

  s->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  g_assert_no_error (error);
  g_input_stream_read_async (s->stream, s->buffer, sizeof s->buffer, G_PRIORITY_DEFAULT,
                             NULL, stream_read_cb, s);
}

static void
test_stream_flushes (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *url = g_strconcat (f->base, "/v1/chat/completions", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  static const char request[] =
    "{\"model\":\"dripping\",\"stream\":true,"
    "\"messages\":[{\"role\":\"user\",\"content\":\"drip drip drip drip\"}]}";
  g_autoptr(GBytes) body = g_bytes_new_static (request, strlen (request));
  StreamRead s = { f, g_string_new (NULL) };

  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  f->hold_clock = TRUE;
  soup_session_send_async (f->session, msg, G_PRIORITY_DEFAULT, NULL, sent_cb, &s);
  gateway_wait (f, &s.got_text);

  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_false (s.eof);
  g_assert_cmpuint (sluice_clock_pending_sleeps (f->clock), >, 0);
  g_assert_cmpuint (sluice_server_get_n_in_flight (f->server), ==, 1);
  g_assert_null (strstr (s.seen->str, "[DONE]"));

  f->hold_clock = FALSE;
  gateway_wait (f, &s.eof);
  g_assert_true (g_str_has_suffix (s.seen->str, "data: [DONE]\n\n"));
  g_assert_nonnull (strstr (s.seen->str, "\"finish_reason\":\"stop\""));
  g_input_stream_close (s.stream, NULL, NULL);
  g_clear_object (&s.stream);
  g_string_free (s.seen, TRUE);
}

static void
test_stream_broken (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *config = gateway_config (", \"stream\": { \"cut_after_chunks\": 2 }", "");
  g_autoptr(GatewayReply) r = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(JsonNode) error = NULL;

  gateway_apply (f, config);
  r = gateway_post_json (f, "/v1/chat/completions",
                         "{\"model\":\"main\",\"stream\":true,"
                         "\"messages\":[{\"role\":\"user\",\"content\":\"this stream breaks\"}]}");
  g_assert_cmpuint (r->status, ==, 200);
  events = gateway_sse_events (r, &names);
  g_assert_cmpuint (events->len, ==, 4);  /* role, two pieces, the error */
  g_assert_cmpstr (g_ptr_array_index (names, 3), ==, "error");
  error = json_from_string (g_ptr_array_index (events, 3), NULL);
  g_assert_nonnull (strstr (gateway_path_string (error, "$.error.message"), "cut"));
  g_assert_null (strstr (gateway_body_text (r), "[DONE]"));
}

static void
test_anthropic (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GatewayReply) r = NULL;

  r = gateway_post_json (f, "/v1/messages",
                         "{\"model\":\"main\",\"max_tokens\":200,"
                         "\"system\":[{\"type\":\"text\",\"text\":\"be brief\"}],"
                         "\"messages\":[{\"role\":\"user\",\"content\":\"hello claude\"}]}");
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (gateway_path_string (r->json, "$.type"), ==, "message");
  g_assert_cmpstr (gateway_path_string (r->json, "$.role"), ==, "assistant");
  g_assert_cmpstr (gateway_path_string (r->json, "$.id"), ==,
                   gateway_header (r, "x-sluice-request-id"));
  g_assert_cmpstr (gateway_path_string (r->json, "$.model"), ==, "alpha-large");
  g_assert_cmpstr (gateway_path_string (r->json, "$.content[0].type"), ==, "text");
  g_assert_cmpstr (gateway_path_string (r->json, "$.content[0].text"), ==, "Echo: hello claude");
  g_assert_cmpstr (gateway_path_string (r->json, "$.stop_reason"), ==, "end_turn");
  g_assert_cmpint (gateway_path_int (r->json, "$.usage.input_tokens"), >, 0);
  g_assert_cmpint (gateway_path_int (r->json, "$.usage.output_tokens"), >, 0);
}

static void
test_anthropic_stream (Fixture       *f,
                       gconstpointer  data)
{
  static const char *order[] = { "message_start", "content_block_start", "content_block_delta" };
  static const char *tail[] = { "content_block_stop", "message_delta", "message_stop" };
  g_autoptr(GatewayReply) r = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(JsonNode) delta = NULL;

  r = gateway_post_json (f, "/v1/messages",
                         "{\"model\":\"fast\",\"max_tokens\":200,\"stream\":true,"
                         "\"messages\":[{\"role\":\"user\",\"content\":\"stream to claude\"}]}");
  g_assert_cmpuint (r->status, ==, 200);
  events = gateway_sse_events (r, &names);
  g_assert_cmpuint (events->len, >=, 6);
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    g_assert_cmpstr (g_ptr_array_index (names, i), ==, order[i]);
  for (guint i = 0; i < G_N_ELEMENTS (tail); i++)
    g_assert_cmpstr (g_ptr_array_index (names, events->len - 3 + i), ==, tail[i]);

  for (guint i = 0; i < events->len; i++)
    {
      g_autoptr(JsonNode) event = json_from_string (g_ptr_array_index (events, i), NULL);

      /* The event name and the data's type agree, as the SDKs expect. */
      g_assert_cmpstr (gateway_path_string (event, "$.type"), ==, g_ptr_array_index (names, i));
      if (g_strcmp0 (g_ptr_array_index (names, i), "content_block_delta") == 0)
        g_string_append (text, gateway_path_string (event, "$.delta.text"));
    }
  g_assert_cmpstr (text->str, ==, "Echo: stream to claude");

  delta = json_from_string (g_ptr_array_index (events, events->len - 2), NULL);
  g_assert_cmpstr (gateway_path_string (delta, "$.delta.stop_reason"), ==, "end_turn");
  g_assert_cmpint (gateway_path_int (delta, "$.usage.output_tokens"), >, 0);
}

static gboolean
list_has (JsonNode   *root,
          const char *id,
          const char *owned_by)
{
  JsonArray *items = json_object_get_array_member (json_node_get_object (root), "data");

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (g_strcmp0 (json_object_get_string_member (item, "id"), id) == 0)
        return owned_by == NULL ||
               g_strcmp0 (json_object_get_string_member (item, "owned_by"), owned_by) == 0;
    }
  return FALSE;
}

static void
test_models (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GatewayReply) list = gateway_request (f, "GET", "/v1/models", NULL, NULL, 0, NULL);
  g_autoptr(GatewayReply) one = gateway_request (f, "GET", "/v1/models/fast", NULL, NULL, 0, NULL);
  g_autoptr(GatewayReply) none = gateway_request (f, "GET", "/v1/models/nope", NULL, NULL, 0,
                                                  NULL);
  g_autoptr(GatewayReply) anthropic = gateway_request (f, "GET", "/v1/models", NULL, NULL, 0,
                                                       "anthropic-version", "2023-06-01", NULL);

  g_assert_cmpuint (list->status, ==, 200);
  g_assert_cmpstr (gateway_path_string (list->json, "$.object"), ==, "list");
  g_assert_true (list_has (list->json, "alpha-large", "alpha"));
  g_assert_true (list_has (list->json, "beta-small", "beta"));
  g_assert_true (list_has (list->json, "main", "sluice"));
  g_assert_true (list_has (list->json, "dripping", "sluice"));
  g_assert_true (list_has (list->json, "fast", "sluice"));
  g_assert_false (list_has (list->json, "nope", NULL));

  g_assert_cmpuint (one->status, ==, 200);
  g_assert_cmpstr (gateway_path_string (one->json, "$.id"), ==, "fast");
  g_assert_cmpuint (none->status, ==, 404);
  g_assert_cmpstr (gateway_path_string (none->json, "$.error.code"), ==, "model_not_found");

  g_assert_cmpuint (anthropic->status, ==, 200);
  g_assert_cmpstr (gateway_path_string (anthropic->json, "$.data[0].type"), ==, "model");
  g_assert_true (list_has (anthropic->json, "fast", NULL));
}

static void
test_models_follow_config (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *base = gateway_config ("", "");
  g_autoptr(GString) config = g_string_new (base);
  g_autoptr(GatewayReply) list = NULL;

  g_assert_cmpuint (g_string_replace (config, "\"fast\":", "\"speedy\":", 1), ==, 1);
  gateway_apply (f, config->str);
  list = gateway_request (f, "GET", "/v1/models", NULL, NULL, 0, NULL);
  g_assert_true (list_has (list->json, "speedy", "sluice"));
  g_assert_false (list_has (list->json, "fast", NULL));
}

static double
metric (GHashTable *samples,
        const char *key)
{
  double *value = g_hash_table_lookup (samples, key);

  g_assert_nonnull (value);
  return *value;
}

static GHashTable *
scrape (Fixture *f)
{
  g_autoptr(GatewayReply) r = gateway_request (f, "GET", "/metrics", NULL, NULL, 0, NULL);

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_true (g_str_has_prefix (gateway_header (r, "Content-Type"), "text/plain"));
  g_assert_nonnull (strstr (gateway_header (r, "Content-Type"), "version=0.0.4"));
  return gateway_parse_metrics (gateway_body_text (r));
}

static void
test_metrics (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GHashTable) before = scrape (f);
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(GatewayReply) ok = gateway_post_json (f, "/v1/chat/completions",
                                                  CHAT_BODY ("main", "count me"));
  g_autoptr(GatewayReply) bad = gateway_post_json (f, "/v1/chat/completions", "{");

  g_assert_cmpuint (ok->status, ==, 200);
  g_assert_cmpuint (bad->status, ==, 400);
  after = scrape (f);

  g_assert_cmpfloat (metric (after, "sluice_requests_total"), ==,
                     metric (before, "sluice_requests_total") + 1);
  g_assert_cmpfloat (metric (after, "sluice_gateway_requests_total{status=\"ok\"}"), ==,
                     metric (before, "sluice_gateway_requests_total{status=\"ok\"}") + 1);
  g_assert_cmpfloat (metric (after, "sluice_http_responses_total{code=\"400\"}"), ==, 1);
  g_assert_cmpfloat (metric (after, "sluice_tokens_total{kind=\"output\"}"), >,
                     metric (before, "sluice_tokens_total{kind=\"output\"}"));
  g_assert_cmpfloat (metric (after, "sluice_cost_usd_total"), >,
                     metric (before, "sluice_cost_usd_total"));
  g_assert_cmpfloat (metric (after, "sluice_model_calls_total{model=\"alpha-large\","
                                    "provider=\"alpha\"}"), ==, 1);
  g_assert_true (g_hash_table_contains (after, "sluice_model_latency_seconds{model=\"alpha-large\","
                                               "provider=\"alpha\",quantile=\"0.99\"}"));
  g_assert_true (g_hash_table_contains (after, "sluice_request_latency_seconds{quantile=\"0.5\"}"));
  g_assert_cmpfloat (metric (after, "sluice_engine_overhead_seconds_count"), ==,
                     metric (before, "sluice_engine_overhead_seconds_count") + 1);
  g_assert_cmpfloat (metric (after, "sluice_requests_in_flight"), ==, 0);
  g_assert_true (g_hash_table_contains (after, "sluice_cache_hits_total"));
}

static void
test_health (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GatewayReply) healthz = gateway_request (f, "GET", "/healthz", NULL, NULL, 0, NULL);
  g_autoptr(GatewayReply) readyz = gateway_request (f, "GET", "/readyz", NULL, NULL, 0, NULL);

  g_assert_cmpuint (healthz->status, ==, 200);
  g_assert_cmpstr (gateway_body_text (healthz), ==, "ok\n");
  g_assert_cmpuint (readyz->status, ==, 200);
  g_assert_true (json_object_get_boolean_member (gateway_object (readyz), "ready"));
}

static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GatewayReply) r = NULL;
  g_autoptr(GatewayReply) a = NULL;

  r = gateway_post_json (f, "/v1/chat/completions",
                         "{\"model\":\"main\",\"max_tokens\":5000,"
                         "\"messages\":[{\"role\":\"user\",\"content\":\"too much\"}]}");
  g_assert_cmpuint (r->status, ==, 429);
  g_assert_nonnull (gateway_header (r, "Retry-After"));
  g_assert_cmpstr (gateway_path_string (r->json, "$.error.type"), ==, "rate_limit_error");
  g_assert_nonnull (strstr (gateway_path_string (r->json, "$.error.message"), "tokens per request"));
  g_assert_nonnull (gateway_header (r, "x-sluice-request-id"));

  a = gateway_post_json (f, "/v1/messages",
                         "{\"model\":\"main\",\"max_tokens\":5000,"
                         "\"messages\":[{\"role\":\"user\",\"content\":\"too much\"}]}");
  g_assert_cmpuint (a->status, ==, 429);
  g_assert_cmpstr (gateway_path_string (a->json, "$.type"), ==, "error");
  g_assert_cmpstr (gateway_path_string (a->json, "$.error.type"), ==, "rate_limit_error");
}

static void
test_all_failed (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *config = gateway_config (", \"outage\": true", "");
  g_autoptr(GatewayReply) a = NULL;
  g_autoptr(GatewayReply) r = NULL;
  g_autoptr(GatewayReply) s = NULL;
  const char *message;

  gateway_apply (f, config);
  /* First, while every model is still tried (later the breakers open). */
  a = gateway_post_json (f, "/v1/messages",
                         "{\"model\":\"main\",\"max_tokens\":10,"
                         "\"messages\":[{\"role\":\"user\",\"content\":\"anyone there?\"}]}");
  g_assert_cmpuint (a->status, ==, 503);
  g_assert_cmpstr (gateway_path_string (a->json, "$.type"), ==, "error");
  g_assert_cmpstr (gateway_path_string (a->json, "$.error.type"), ==, "overloaded_error");
  message = gateway_path_string (a->json, "$.error.message");
  g_assert_nonnull (strstr (message, "Every model of chain"));
  g_assert_nonnull (strstr (message, "alpha-large"));
  g_assert_nonnull (strstr (message, "beta-small"));

  r = gateway_post_json (f, "/v1/chat/completions", CHAT_BODY ("main", "anyone there?"));
  g_assert_cmpuint (r->status, ==, 503);
  g_assert_cmpstr (gateway_path_string (r->json, "$.error.type"), ==, "server_error");
  g_assert_nonnull (strstr (gateway_path_string (r->json, "$.error.message"),
                            "Every model of chain"));

  /* Nothing was streamed yet, so a streamed request fails the same way. */
  s = gateway_post_json (f, "/v1/chat/completions",
                         "{\"model\":\"main\",\"stream\":true,"
                         "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
  g_assert_cmpuint (s->status, ==, 503);
  g_assert_nonnull (gateway_path_string (s->json, "$.error.message"));
}

#define EMBED_CONFIG \
  "{ \"schema\": 1," \
  "  \"providers\": [ { \"name\": \"alpha\", \"kind\": \"mock\"," \
  "    \"mock\": { \"seed\": 1, \"latency_ms\": { \"p50\": 0, \"p99\": 0 } } } ]," \
  "  \"models\": [" \
  "    { \"name\": \"alpha-large\", \"provider\": \"alpha\", \"price_in\": 3," \
  "      \"price_out\": 15, \"context_window\": 200000 }," \
  "    { \"name\": \"vec-model\", \"provider\": \"alpha\", \"upstream\": \"vec-1\"," \
  "      \"kind\": \"embedding\", \"price_in\": 0.02, \"price_out\": 0," \
  "      \"context_window\": 8191 } ]," \
  "  \"chains\": { \"main\": [\"alpha-large\"], \"vec\": [\"vec-model\"] }," \
  "  \"routing\": { \"default\": \"main\" } }"

static float
base64_float (const char *text,
              guint       index,
              guint      *count)
{
  gsize len = 0;
  g_autofree guchar *bytes = g_base64_decode (text, &len);
  guint32 word;
  float value;

  *count = len / 4;
  g_assert_cmpuint (index, <, *count);
  memcpy (&word, bytes + 4 * index, 4);
  word = GUINT32_FROM_LE (word);
  memcpy (&value, &word, 4);
  return value;
}

static void
test_embeddings (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GatewayReply) r = NULL;
  g_autoptr(GatewayReply) b = NULL;
  g_autoptr(GatewayReply) one = NULL;
  guint count = 0;

  gateway_apply (f, EMBED_CONFIG);
  r = gateway_post_json (f, "/v1/embeddings",
                         "{\"model\":\"vec\",\"input\":[\"reset my password\",\"hours\"],"
                         "\"dimensions\":8,\"user\":\"emb-user\"}");
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (gateway_path_string (r->json, "$.object"), ==, "list");
  g_assert_cmpstr (gateway_path_string (r->json, "$.model"), ==, "vec-model");
  g_assert_cmpstr (gateway_path_string (r->json, "$.data[1].object"), ==, "embedding");
  g_assert_cmpint (gateway_path_int (r->json, "$.data[1].index"), ==, 1);
  g_assert_cmpint (gateway_path_int (r->json, "$.usage.prompt_tokens"), >, 0);
  g_assert_cmpint (gateway_path_int (r->json, "$.usage.total_tokens"), ==,
                   gateway_path_int (r->json, "$.usage.prompt_tokens"));
  g_assert_cmpstr (gateway_header (r, "x-sluice-model"), ==, "vec-model");
  g_assert_cmpstr (gateway_header (r, "x-sluice-route"), ==, "vec");
  g_assert_nonnull (gateway_header (r, "x-sluice-request-id"));
  {
    JsonArray *vector = json_node_get_array (
      json_object_get_member (json_array_get_object_element (
        json_object_get_array_member (gateway_object (r), "data"), 0), "embedding"));
    double norm = 0;

    g_assert_cmpuint (json_array_get_length (vector), ==, 8);
    for (guint i = 0; i < 8; i++)
      norm += json_array_get_double_element (vector, i) * json_array_get_double_element (vector, i);
    g_assert_cmpfloat_with_epsilon (norm, 1.0, 1e-5);

    /* base64: the same values, as little-endian float32. */
    b = gateway_post_json (f, "/v1/embeddings",
                           "{\"model\":\"vec\",\"input\":[\"reset my password\"],"
                           "\"dimensions\":8,\"encoding_format\":\"base64\"}");
    g_assert_cmpuint (b->status, ==, 200);
    for (guint i = 0; i < 8; i++)
      g_assert_cmpfloat (base64_float (gateway_path_string (b->json, "$.data[0].embedding"),
                                       i, &count),
                         ==, (float) json_array_get_double_element (vector, i));
    g_assert_cmpuint (count, ==, 8);
  }

  /* A plain string is one input; the model name works as well as a chain. */
  one = gateway_post_json (f, "/v1/embeddings", "{\"model\":\"vec-model\",\"input\":\"x\"}");
  g_assert_cmpuint (one->status, ==, 200);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (gateway_object (one),
                                                                        "data")), ==, 1);
}

static void
test_embeddings_errors (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GatewayReply) tokens = NULL;
  g_autoptr(GatewayReply) chat = NULL;
  g_autoptr(GatewayReply) unknown = NULL;
  g_autoptr(GatewayReply) format = NULL;
  g_autoptr(GatewayReply) empty = NULL;

  gateway_apply (f, EMBED_CONFIG);
  tokens = gateway_post_json (f, "/v1/embeddings", "{\"model\":\"vec\",\"input\":[[1,2,3]]}");
  g_assert_cmpuint (tokens->status, ==, 400);
  g_assert_cmpstr (gateway_path_string (tokens->json, "$.error.param"), ==, "input[0]");

  chat = gateway_post_json (f, "/v1/embeddings", "{\"model\":\"main\",\"input\":\"x\"}");
  g_assert_cmpuint (chat->status, ==, 400);
  g_assert_nonnull (strstr (gateway_path_string (chat->json, "$.error.message"),
                            "not an embedding model"));

  unknown = gateway_post_json (f, "/v1/embeddings", "{\"model\":\"nope\",\"input\":\"x\"}");
  g_assert_cmpuint (unknown->status, ==, 404);

  format = gateway_post_json (f, "/v1/embeddings",
                              "{\"model\":\"vec\",\"input\":\"x\",\"encoding_format\":\"hex\"}");
  g_assert_cmpuint (format->status, ==, 400);
  g_assert_cmpstr (gateway_path_string (format->json, "$.error.param"), ==, "encoding_format");

  empty = gateway_post_json (f, "/v1/embeddings", "{\"model\":\"vec\",\"input\":[]}");
  g_assert_cmpuint (empty->status, ==, 400);
}


/* A deferrable request nobody can answer is accepted with a job id, and the
 * job can be looked up. */
static void
test_deferred_job (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *config = NULL;
  g_autoptr(GatewayReply) r = NULL;
  g_autoptr(GatewayReply) job = NULL;
  g_autoptr(GatewayReply) missing = NULL;
  g_autofree char *path = NULL;
  const char *job_id;

  config = gateway_config (", \"outage\": true", "");
  gateway_apply (f, config);
  r = gateway_request (f, "POST", "/v1/chat/completions", "application/json",
                       CHAT_BODY ("alpha-large", "answer me later"), -1,
                       "x-sluice-deferrable", "1", NULL);
  g_assert_cmpuint (r->status, ==, 202);
  g_assert_cmpstr (gateway_path_string (r->json, "$.status"), ==, "deferred");
  job_id = gateway_path_string (r->json, "$.job_id");
  g_assert_nonnull (job_id);
  g_assert_true (g_str_has_prefix (job_id, "job_"));

  path = g_strconcat ("/v1/sluice/jobs/", job_id, NULL);
  job = gateway_request (f, "GET", path, NULL, NULL, 0, NULL);
  g_assert_cmpuint (job->status, ==, 200);
  g_assert_cmpstr (gateway_path_string (job->json, "$.id"), ==, job_id);
  g_assert_cmpstr (gateway_path_string (job->json, "$.status"), ==, "queued");
  g_assert_nonnull (gateway_path_string (job->json, "$.last_error"));

  missing = gateway_request (f, "GET", "/v1/sluice/jobs/job_unknown", NULL, NULL, 0, NULL);
  g_assert_cmpuint (missing->status, ==, 404);
}

int
main (int   argc,
      char *argv[])
{
  /* The isolated XDG dirs hold no GSettings schemas, which the GNOME proxy
   * resolver module would abort on. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  TEST ("/gateway/openai/chat", test_chat, NULL);
  TEST ("/gateway/openai/chat-alias-and-parts", test_chat_alias_and_parts, NULL);
  TEST ("/gateway/openai/stream", test_stream, NULL);
  TEST ("/gateway/openai/stream-without-usage", test_stream_without_usage, NULL);
  TEST ("/gateway/openai/stream-flushes", test_stream_flushes, NULL);
  TEST ("/gateway/openai/stream-broken", test_stream_broken, NULL);
  TEST ("/gateway/anthropic/messages", test_anthropic, NULL);
  TEST ("/gateway/anthropic/stream", test_anthropic_stream, NULL);
  TEST ("/gateway/models/list", test_models, NULL);
  TEST ("/gateway/models/follow-config", test_models_follow_config, NULL);
  TEST ("/gateway/metrics", test_metrics, NULL);
  TEST ("/gateway/health", test_health, NULL);
  TEST ("/gateway/refused", test_refused, ", \"budgets\": { \"tokens_per_request\": 1000 }");
  TEST ("/gateway/all-failed", test_all_failed, NULL);
  TEST ("/gateway/deferred-job", test_deferred_job, NULL);
  TEST ("/gateway/embeddings", test_embeddings, NULL);
  TEST ("/gateway/embeddings-errors", test_embeddings_errors, NULL);

  return g_test_run ();
}
