/* test-mock-server.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-test"

#include "config.h"

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "sluice-test-support.h"

#define FAST "\"seed\": 7, \"latency_ms\": {\"p50\": 0, \"p99\": 0}"
#define SCENARIO(behaviour) "{\"default\": {" FAST behaviour "}}"

#define OPENAI_CHAT \
  "{\"model\": \"gpt-4o\", \"messages\": [{\"role\": \"user\", \"content\": \"hello mock\"}]}"
#define OPENAI_STREAM \
  "{\"model\": \"gpt-4o\", \"stream\": true, \"stream_options\": {\"include_usage\": true}, " \
  "\"messages\": [{\"role\": \"user\", \"content\": \"hello mock\"}]}"
#define ANTHROPIC_STREAM \
  "{\"model\": \"claude-3-5-haiku-latest\", \"max_tokens\": 64, \"stream\": true, " \
  "\"messages\": [{\"role\": \"user\", \"content\": \"hello mock\"}]}"
#define GEMINI_BODY \
  "{\"contents\": [{\"role\": \"user\", \"parts\": [{\"text\": \"hello mock\"}]}]}"

typedef struct
{
  SluiceTestMock *mock;
  SoupSession    *session;
} Fixture;

static void
setup (Fixture       *fixture,
       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->mock = sluice_test_mock_start (data != NULL ? data : SCENARIO (""), &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->mock);
  fixture->session = sluice_test_session_new ();
}

static void
teardown (Fixture       *fixture,
          gconstpointer  data)
{
  g_clear_object (&fixture->session);
  g_clear_pointer (&fixture->mock, sluice_test_mock_stop);
}

/* Anthropic requests carry the version header it requires. */
static SoupMessage *
new_message (Fixture    *fixture,
             const char *method,
             const char *path,
             const char *json)
{
  SoupMessage *msg = sluice_test_http_message (method, sluice_test_mock_get_url (fixture->mock),
                                               path, json);

  if (g_str_has_prefix (path, "/v1/messages"))
    soup_message_headers_replace (soup_message_get_request_headers (msg),
                                  "anthropic-version", "2023-06-01");

  return msg;
}

static SluiceTestReply
call (Fixture    *fixture,
      const char *method,
      const char *path,
      const char *json)
{
  g_autoptr(SoupMessage) msg = new_message (fixture, method, path, json);

  return sluice_test_http_send (fixture->session, msg);
}

static gint64
json_int (JsonNode   *root,
          const char *expression)
{
  return sluice_test_json_query_int (root, expression);
}

static char *
json_str (JsonNode   *root,
          const char *expression)
{
  return sluice_test_json_query_string (root, expression);
}

static void
set_scenario (Fixture    *fixture,
              const char *json)
{
  g_autoptr(GError) error = NULL;

  sluice_test_mock_set_scenario (fixture->mock, json, &error);
  g_assert_no_error (error);
}

static void
test_openai_chat (Fixture       *fixture,
                  gconstpointer  data)
{
  g_auto(SluiceTestReply) reply = call (fixture, "POST", "/v1/chat/completions", OPENAI_CHAT);
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *object = NULL;
  g_autofree char *content = NULL;
  g_autofree char *finish = NULL;
  gint64 prompt, completion;

  g_assert_cmpuint (reply.status, ==, 200);
  root = sluice_test_json_parse_bytes (reply.body);
  object = json_str (root, "$.object");
  content = json_str (root, "$.choices[0].message.content");
  finish = json_str (root, "$.choices[0].finish_reason");
  prompt = json_int (root, "$.usage.prompt_tokens");
  completion = json_int (root, "$.usage.completion_tokens");

  g_assert_cmpstr (object, ==, "chat.completion");
  g_assert_nonnull (strstr (content, "hello mock"));
  g_assert_cmpstr (finish, ==, "stop");
  g_assert_cmpint (prompt, >, 0);
  g_assert_cmpint (completion, >, 0);
  g_assert_cmpint (json_int (root, "$.usage.total_tokens"), ==, prompt + completion);
  g_assert_cmpint (json_int (root, "$.usage.prompt_tokens_details.cached_tokens"), >=, 0);
  g_assert_true (g_str_has_prefix (soup_message_headers_get_content_type (reply.headers, NULL),
                                   "application/json"));
}

static void
test_openai_stream (Fixture       *fixture,
                    gconstpointer  data)
{
  g_auto(SluiceTestReply) reply = call (fixture, "POST", "/v1/chat/completions", OPENAI_STREAM);
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GPtrArray) datas = NULL;
  g_autoptr(GString) content = g_string_new (NULL);
  g_autoptr(JsonNode) usage_chunk = NULL;
  g_autoptr(JsonNode) choices = NULL;
  guint n;

  g_assert_cmpuint (reply.status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (reply.headers, NULL),
                   ==, "text/event-stream");
  sluice_test_sse_split (reply.body, &names, &datas);
  n = datas->len;
  g_assert_cmpuint (n, >=, 4);
  g_assert_cmpstr (g_ptr_array_index (datas, n - 1), ==, "[DONE]");

  for (guint i = 0; i + 2 < n; i++)
    {
      g_autoptr(JsonNode) chunk = sluice_test_json_parse (g_ptr_array_index (datas, i), -1);
      g_autofree char *object = json_str (chunk, "$.object");

      g_assert_cmpstr (object, ==, "chat.completion.chunk");
      if (sluice_test_json_has (chunk, "$.choices[0].delta.content"))
        {
          g_autofree char *piece = json_str (chunk, "$.choices[0].delta.content");

          g_string_append (content, piece);
        }
    }
  g_assert_nonnull (strstr (content->str, "hello mock"));

  /* The usage chunk comes last, with no choices. */
  usage_chunk = sluice_test_json_parse (g_ptr_array_index (datas, n - 2), -1);
  choices = sluice_test_json_query (usage_chunk, "$.choices");
  g_assert_cmpuint (json_array_get_length (json_node_get_array (choices)), ==, 0);
  g_assert_cmpint (json_int (usage_chunk, "$.usage.completion_tokens"), >, 0);
  g_assert_cmpint (json_int (usage_chunk, "$.usage.prompt_tokens"), >, 0);
}

static void
test_anthropic_stream (Fixture       *fixture,
                       gconstpointer  data)
{
  static const char * const expected[] = {
    "message_start", "content_block_start", "ping", "content_block_delta",
  };
  g_auto(SluiceTestReply) reply = call (fixture, "POST", "/v1/messages", ANTHROPIC_STREAM);
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GPtrArray) datas = NULL;
  g_autoptr(JsonNode) delta = NULL;
  g_autofree char *stop_reason = NULL;
  guint n;

  g_assert_cmpuint (reply.status, ==, 200);
  sluice_test_sse_split (reply.body, &names, &datas);
  n = names->len;
  g_assert_cmpuint (n, >=, 7);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (g_ptr_array_index (names, i), ==, expected[i]);
  for (guint i = G_N_ELEMENTS (expected); i < n - 3; i++)
    g_assert_cmpstr (g_ptr_array_index (names, i), ==, "content_block_delta");
  g_assert_cmpstr (g_ptr_array_index (names, n - 3), ==, "content_block_stop");
  g_assert_cmpstr (g_ptr_array_index (names, n - 2), ==, "message_delta");
  g_assert_cmpstr (g_ptr_array_index (names, n - 1), ==, "message_stop");

  delta = sluice_test_json_parse (g_ptr_array_index (datas, n - 2), -1);
  stop_reason = json_str (delta, "$.delta.stop_reason");
  g_assert_cmpstr (stop_reason, ==, "end_turn");
  g_assert_cmpint (json_int (delta, "$.usage.output_tokens"), >, 0);
}

static void
test_anthropic_requirements (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(SoupMessage) msg = new_message (fixture, "POST", "/v1/messages", ANTHROPIC_STREAM);
  g_auto(SluiceTestReply) no_version = { 0, NULL, NULL };
  g_auto(SluiceTestReply) no_max = { 0, NULL, NULL };
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *type = NULL;

  soup_message_headers_remove (soup_message_get_request_headers (msg), "anthropic-version");
  no_version = sluice_test_http_send (fixture->session, msg);
  g_assert_cmpuint (no_version.status, ==, 400);
  root = sluice_test_json_parse_bytes (no_version.body);
  type = json_str (root, "$.error.type");
  g_assert_cmpstr (type, ==, "invalid_request_error");

  no_max = call (fixture, "POST", "/v1/messages",
                 "{\"model\": \"claude-3-5-haiku-latest\", "
                 "\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
  g_assert_cmpuint (no_max.status, ==, 400);
}

static void
test_gemini_generate (Fixture       *fixture,
                      gconstpointer  data)
{
  g_auto(SluiceTestReply) reply = call (fixture, "POST",
                              "/v1beta/models/gemini-1.5-flash:generateContent", GEMINI_BODY);
  g_auto(SluiceTestReply) stream = call (fixture, "POST",
                               "/v1beta/models/gemini-1.5-flash:streamGenerateContent?alt=sse",
                               GEMINI_BODY);
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GPtrArray) datas = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) last = NULL;
  g_autofree char *text = NULL;
  g_autofree char *finish = NULL;
  gint64 prompt, candidates;

  g_assert_cmpuint (reply.status, ==, 200);
  root = sluice_test_json_parse_bytes (reply.body);
  text = json_str (root, "$.candidates[0].content.parts[0].text");
  g_assert_nonnull (strstr (text, "hello mock"));
  prompt = json_int (root, "$.usageMetadata.promptTokenCount");
  candidates = json_int (root, "$.usageMetadata.candidatesTokenCount");
  g_assert_cmpint (prompt, >, 0);
  g_assert_cmpint (candidates, >, 0);
  g_assert_cmpint (json_int (root, "$.usageMetadata.totalTokenCount"), ==, prompt + candidates);

  g_assert_cmpuint (stream.status, ==, 200);
  sluice_test_sse_split (stream.body, &names, &datas);
  g_assert_cmpuint (datas->len, >=, 1);
  last = sluice_test_json_parse (g_ptr_array_index (datas, datas->len - 1), -1);
  finish = json_str (last, "$.candidates[0].finishReason");
  g_assert_cmpstr (finish, ==, "STOP");
  g_assert_cmpint (json_int (last, "$.usageMetadata.candidatesTokenCount"), ==, candidates);
}

static void
test_server_error (Fixture       *fixture,
                   gconstpointer  data)
{
  g_auto(SluiceTestReply) reply = { 0, NULL, NULL };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) stats = NULL;
  g_autofree char *stats_text = NULL;
  g_autofree char *type = NULL;
  g_autofree char *message = NULL;

  set_scenario (fixture, SCENARIO (", \"errors\": {\"server\": 1.0}"));
  reply = call (fixture, "POST", "/v1/chat/completions", OPENAI_CHAT);
  g_assert_cmpuint (reply.status, ==, 500);
  root = sluice_test_json_parse_bytes (reply.body);
  type = json_str (root, "$.error.type");
  message = json_str (root, "$.error.message");
  g_assert_cmpstr (type, ==, "server_error");
  g_assert_cmpstr (message, !=, "");

  stats_text = sluice_test_mock_get_stats (fixture->mock);
  stats = sluice_test_json_parse (stats_text, -1);
  g_assert_cmpint (json_int (stats, "$.outcomes.server"), ==, 1);
  g_assert_cmpint (json_int (stats,
                             "$.endpoints['openai.chat_completions'].models['gpt-4o']"), ==, 1);
}

static void
test_rate_limited (Fixture       *fixture,
                   gconstpointer  data)
{
  g_auto(SluiceTestReply) reply = { 0, NULL, NULL };
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *code = NULL;

  set_scenario (fixture, SCENARIO (", \"errors\": {\"rate_limited\": 1.0}, "
                                   "\"retry_after_ms\": 2500"));
  reply = call (fixture, "POST", "/v1/chat/completions", OPENAI_CHAT);
  g_assert_cmpuint (reply.status, ==, 429);
  g_assert_cmpstr (soup_message_headers_get_one (reply.headers, "Retry-After"), ==, "3");
  g_assert_cmpstr (soup_message_headers_get_one (reply.headers, "retry-after-ms"), ==, "2500");
  g_assert_cmpstr (soup_message_headers_get_one (reply.headers, "x-ratelimit-remaining-requests"),
                   ==, "0");
  root = sluice_test_json_parse_bytes (reply.body);
  code = json_str (root, "$.error.code");
  g_assert_cmpstr (code, ==, "rate_limit_exceeded");
}

static void
test_own_limits (Fixture       *fixture,
                 gconstpointer  data)
{
  g_auto(SluiceTestReply) first = { 0, NULL, NULL };
  g_auto(SluiceTestReply) second = { 0, NULL, NULL };
  g_auto(SluiceTestReply) third = { 0, NULL, NULL };
  guint64 retry_after = 0;

  set_scenario (fixture, "{\"default\": {" FAST "}, \"limits\": {\"rpm\": 2}}");
  first = call (fixture, "POST", "/v1/chat/completions", OPENAI_CHAT);
  second = call (fixture, "POST", "/v1/messages", ANTHROPIC_STREAM);
  third = call (fixture, "POST", "/v1/chat/completions", OPENAI_CHAT);

  g_assert_cmpuint (first.status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (first.headers, "x-ratelimit-limit-requests"),
                   ==, "2");
  g_assert_cmpstr (soup_message_headers_get_one (first.headers,
                                                 "x-ratelimit-remaining-requests"), ==, "1");
  g_assert_cmpuint (second.status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (second.headers,
                                                 "anthropic-ratelimit-requests-remaining"),
                   ==, "0");
  g_assert_cmpuint (third.status, ==, 429);
  g_assert_true (g_ascii_string_to_unsigned (soup_message_headers_get_one (third.headers,
                                                                           "Retry-After"),
                                             10, 1, 60, &retry_after, NULL));
}

static void
test_live_change (Fixture       *fixture,
                  gconstpointer  data)
{
  g_auto(SluiceTestReply) before = call (fixture, "POST", "/v1/chat/completions", OPENAI_CHAT);
  g_auto(SluiceTestReply) during = { 0, NULL, NULL };
  g_auto(SluiceTestReply) after = { 0, NULL, NULL };

  g_assert_cmpuint (before.status, ==, 200);
  set_scenario (fixture, SCENARIO (", \"errors\": {\"auth\": 1.0}"));
  during = call (fixture, "POST", "/v1/chat/completions", OPENAI_CHAT);
  g_assert_cmpuint (during.status, ==, 401);
  set_scenario (fixture, SCENARIO (""));
  after = call (fixture, "POST", "/v1/chat/completions", OPENAI_CHAT);
  g_assert_cmpuint (after.status, ==, 200);
}

static void
assert_refused (Fixture    *fixture,
                const char *json,
                const char *path_prefix)
{
  g_auto(SluiceTestReply) reply = call (fixture, "PUT", "/_mock/scenario", json);
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *path = NULL;

  g_assert_cmpuint (reply.status, ==, 400);
  root = sluice_test_json_parse_bytes (reply.body);
  path = json_str (root, "$.error.path");
  g_assert_true (g_str_has_prefix (path, path_prefix));
}

static void
test_invalid_scenario (Fixture       *fixture,
                       gconstpointer  data)
{
  g_auto(SluiceTestReply) old = call (fixture, "GET", "/_mock/scenario", NULL);
  g_auto(SluiceTestReply) now = { 0, NULL, NULL };
  g_auto(SluiceTestReply) works = { 0, NULL, NULL };

  g_assert_cmpuint (old.status, ==, 200);
  assert_refused (fixture, "{\"limits\": {\"rpm\": -1}}", "$.limits.rpm");
  assert_refused (fixture, "{\"default\": {\"errors\": {\"server\": \"often\"}}}",
                  "$.default.errors");
  assert_refused (fixture, "{\"models\": {\"gpt-4o\": {\"latency_ms\": 5}}}",
                  "$.models.gpt-4o");
  assert_refused (fixture, "not json", "$");

  now = call (fixture, "GET", "/_mock/scenario", NULL);
  g_assert_true (g_bytes_equal (old.body, now.body));
  works = call (fixture, "POST", "/v1/chat/completions", OPENAI_CHAT);
  g_assert_cmpuint (works.status, ==, 200);
}

#define LOREM_SCENARIO \
  "{\"default\": {\"seed\": 42, \"latency_ms\": {\"p50\": 0, \"p99\": 0}, " \
  "\"answer\": \"lorem\", \"errors\": {\"server\": 0.3}, " \
  "\"output_tokens\": {\"min\": 5, \"max\": 40}}}"

static char *
run_sequence (Fixture *fixture)
{
  GString *log = g_string_new (NULL);

  for (guint i = 0; i < 10; i++)
    {
      g_auto(SluiceTestReply) reply = call (fixture, "POST", "/v1/chat/completions", OPENAI_CHAT);

      g_string_append_printf (log, "%u:", reply.status);
      if (reply.status == 200)
        {
          g_autoptr(JsonNode) root = sluice_test_json_parse_bytes (reply.body);
          g_autofree char *content = json_str (root, "$.choices[0].message.content");

          g_string_append (log, content);
        }
      g_string_append_c (log, '\n');
    }

  return g_string_free (log, FALSE);
}

static void
test_determinism (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  g_autoptr(GError) error = NULL;

  set_scenario (fixture, LOREM_SCENARIO);
  first = run_sequence (fixture);
  set_scenario (fixture, LOREM_SCENARIO);
  second = run_sequence (fixture);
  sluice_test_mock_reset (fixture->mock, &error);
  g_assert_no_error (error);
  third = run_sequence (fixture);

  g_assert_cmpstr (first, ==, second);
  g_assert_cmpstr (first, ==, third);
  /* The sequence really varies: both outcomes occur. */
  g_assert_nonnull (strstr (first, "200:"));
  g_assert_nonnull (strstr (first, "500:"));
}

static double
vector_norm (JsonArray *vector)
{
  double sum = 0;

  for (guint i = 0; i < json_array_get_length (vector); i++)
    sum += pow (json_array_get_double_element (vector, i), 2);
  return sqrt (sum);
}

static void
test_embeddings (Fixture       *fixture,
                 gconstpointer  data)
{
  g_auto(SluiceTestReply) batch = call (fixture, "POST", "/v1/embeddings",
                              "{\"model\": \"text-embedding-3-small\", \"dimensions\": 64, "
                              "\"input\": [\"the cat sat\", \"the cat sat\", \"stock prices\"]}");
  g_auto(SluiceTestReply) single = call (fixture, "POST", "/v1/embeddings",
                               "{\"model\": \"text-embedding-3-small\", \"input\": \"x\"}");
  g_auto(SluiceTestReply) gemini = call (fixture, "POST",
                                         "/v1beta/models/text-embedding-004:embedContent",
                                         "{\"content\": {\"parts\": [{\"text\": \"the cat\"}]}, "
                                         "\"outputDimensionality\": 32}");
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) a = NULL;
  g_autoptr(JsonNode) b = NULL;
  g_autoptr(JsonNode) c = NULL;
  g_autoptr(JsonNode) one = NULL;
  g_autoptr(JsonNode) gemini_root = NULL;
  g_autoptr(JsonNode) values = NULL;

  g_assert_cmpuint (batch.status, ==, 200);
  root = sluice_test_json_parse_bytes (batch.body);
  a = sluice_test_json_query (root, "$.data[0].embedding");
  b = sluice_test_json_query (root, "$.data[1].embedding");
  c = sluice_test_json_query (root, "$.data[2].embedding");
  g_assert_cmpint (json_int (root, "$.data[2].index"), ==, 2);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (a)), ==, 64);
  g_assert_cmpfloat_with_epsilon (vector_norm (json_node_get_array (a)), 1.0, 1e-9);
  g_assert_true (json_node_equal (a, b));
  g_assert_false (json_node_equal (a, c));

  g_assert_cmpuint (single.status, ==, 200);
  one = sluice_test_json_parse_bytes (single.body);
  values = sluice_test_json_query (one, "$.data[0].embedding");
  g_assert_cmpuint (json_array_get_length (json_node_get_array (values)), ==, 1536);
  g_clear_pointer (&values, json_node_unref);

  g_assert_cmpuint (gemini.status, ==, 200);
  gemini_root = sluice_test_json_parse_bytes (gemini.body);
  values = sluice_test_json_query (gemini_root, "$.embedding.values");
  g_assert_cmpuint (json_array_get_length (json_node_get_array (values)), ==, 32);
}

static void
test_outage (Fixture       *fixture,
             gconstpointer  data)
{
  g_auto(SluiceTestReply) openai = { 0, NULL, NULL };
  g_auto(SluiceTestReply) anthropic = { 0, NULL, NULL };
  g_auto(SluiceTestReply) gemini = { 0, NULL, NULL };
  g_auto(SluiceTestReply) models = { 0, NULL, NULL };

  set_scenario (fixture, SCENARIO (", \"outage\": true"));
  openai = call (fixture, "POST", "/v1/chat/completions", OPENAI_CHAT);
  anthropic = call (fixture, "POST", "/v1/messages", ANTHROPIC_STREAM);
  gemini = call (fixture, "POST", "/v1beta/models/gemini-1.5-flash:generateContent", GEMINI_BODY);
  models = call (fixture, "GET", "/v1/models", NULL);

  g_assert_cmpuint (openai.status, ==, 503);
  g_assert_cmpuint (anthropic.status, ==, 503);
  g_assert_cmpuint (gemini.status, ==, 503);
  g_assert_cmpuint (models.status, ==, 503);
}

static char *
raw_post (Fixture    *fixture,
          const char *json)
{
  return sluice_test_http_raw (sluice_test_mock_get_port (fixture->mock), "POST",
                               "/v1/chat/completions", json);
}

static guint
count (const char *haystack,
       const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

static void
test_stream_cut (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *whole = raw_post (fixture, OPENAI_STREAM);
  g_autofree char *cut = NULL;

  /* Uncut, the chunked body ends with its terminating chunk. */
  g_assert_nonnull (strstr (whole, "data: [DONE]"));
  g_assert_true (g_str_has_suffix (whole, "\r\n0\r\n\r\n"));

  set_scenario (fixture, SCENARIO (", \"stream\": {\"cut_after_chunks\": 2}"));
  cut = raw_post (fixture, OPENAI_STREAM);
  g_assert_true (g_str_has_prefix (cut, "HTTP/1.1 200"));
  g_assert_cmpuint (count (cut, "chat.completion.chunk"), ==, 2);
  g_assert_null (strstr (cut, "[DONE]"));
  g_assert_false (g_str_has_suffix (cut, "\r\n0\r\n\r\n"));
}

static void
test_malformed (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_auto(SluiceTestReply) reply = { 0, NULL, NULL };
  gsize length = 0;
  const char *body;

  set_scenario (fixture, SCENARIO (", \"errors\": {\"malformed\": 1.0}"));
  reply = call (fixture, "POST", "/v1/chat/completions", OPENAI_CHAT);
  g_assert_cmpuint (reply.status, ==, 200);
  body = g_bytes_get_data (reply.body, &length);
  g_assert_cmpuint (length, >, 0);
  g_assert_false (json_parser_load_from_data (parser, body, length, NULL));
}

static void
test_timeout (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  set_scenario (fixture, SCENARIO (", \"errors\": {\"timeout\": 1.0}"));
  g_object_set (fixture->session, "timeout", 1, NULL);
  msg = new_message (fixture, "POST", "/v1/chat/completions", OPENAI_CHAT);
  body = soup_session_send_and_read (fixture->session, msg, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
}

static void
test_stats_reset (Fixture       *fixture,
                  gconstpointer  data)
{
  g_auto(SluiceTestReply) chat = call (fixture, "POST", "/v1/chat/completions", OPENAI_CHAT);
  g_auto(SluiceTestReply) gemini = call (fixture, "POST",
                                         "/v1beta/models/gemini-1.5-pro:generateContent",
                                         GEMINI_BODY);
  g_autoptr(JsonNode) stats = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autofree char *text = NULL;
  g_autofree char *after_text = NULL;
  g_autoptr(GError) error = NULL;

  text = sluice_test_mock_get_stats (fixture->mock);
  stats = sluice_test_json_parse (text, -1);
  g_assert_cmpint (json_int (stats, "$.total"), ==, 2);
  g_assert_cmpint (json_int (stats, "$.outcomes.ok"), ==, 2);
  g_assert_cmpint (json_int (stats, "$.models['gemini-1.5-pro'].outcomes.ok"), ==, 1);

  sluice_test_mock_reset (fixture->mock, &error);
  g_assert_no_error (error);
  after_text = sluice_test_mock_get_stats (fixture->mock);
  after = sluice_test_json_parse (after_text, -1);
  g_assert_cmpint (json_int (after, "$.total"), ==, 0);
}

static void
add (const char *path,
     void      (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, setup, func, teardown);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  add ("/integration/mock/openai/chat", test_openai_chat);
  add ("/integration/mock/openai/stream", test_openai_stream);
  add ("/integration/mock/anthropic/stream", test_anthropic_stream);
  add ("/integration/mock/anthropic/requirements", test_anthropic_requirements);
  add ("/integration/mock/gemini/generate", test_gemini_generate);
  add ("/integration/mock/errors/server", test_server_error);
  add ("/integration/mock/errors/rate-limited", test_rate_limited);
  add ("/integration/mock/errors/malformed", test_malformed);
  add ("/integration/mock/errors/timeout", test_timeout);
  add ("/integration/mock/limits/rpm", test_own_limits);
  add ("/integration/mock/scenario/live-change", test_live_change);
  add ("/integration/mock/scenario/invalid", test_invalid_scenario);
  add ("/integration/mock/scenario/determinism", test_determinism);
  add ("/integration/mock/embeddings", test_embeddings);
  add ("/integration/mock/outage", test_outage);
  add ("/integration/mock/stream/cut", test_stream_cut);
  add ("/integration/mock/stats/reset", test_stats_reset);

  return g_test_run ();
}
