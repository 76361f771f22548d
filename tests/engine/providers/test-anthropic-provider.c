/* test-anthropic-provider.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-test"

#include "config.h"

#include <string.h>

#include "provider-fixture.h"
#include "sluice-anthropic-provider.h"

#define KEY "sk-ant-api03-test-0123456789abcdef-QRST"

typedef SluiceTestFixture Fixture;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  sluice_test_fixture_setup (f, sluice_anthropic_provider_new, "claude", "/v1", KEY);
}

static const char * const success_body[] = {
  "{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\","
  "\"model\":\"claude-3-5-haiku-20241022\",\"content\":[{\"type\":\"text\",\"text\":\"Hello\"},"
  "{\"type\":\"text\",\"text\":\" there\"}],\"stop_reason\":\"max_tokens\",\"stop_sequence\":null,"
  "\"usage\":{\"input_tokens\":20,\"cache_creation_input_tokens\":5,"
  "\"cache_read_input_tokens\":100,\"output_tokens\":9}}", NULL
};

static const char * const ratelimit_headers[] = {
  "anthropic-ratelimit-requests-remaining", "49",
  "anthropic-ratelimit-tokens-remaining", "39000",
  NULL
};

static void
test_success (Fixture       *f,
              gconstpointer  data)
{
  SluiceTestReply reply = { 200, .headers = ratelimit_headers, .chunks = success_body };
  g_autoptr(SluiceProviderCall) call = sluice_test_call_new ("claude-3-5-haiku-latest", FALSE);
  const SluiceTestRequest *request;
  JsonObject *body;

  sluice_test_fixture_run (f, &reply, call);
  g_assert_no_error (f->result.error);
  g_assert_cmpstr (f->result.completion->content, ==, "Hello there");
  g_assert_cmpstr (f->result.completion->finish_reason, ==, "length");
  g_assert_cmpstr (f->result.completion->model, ==, "claude-3-5-haiku-20241022");
  /* input counts the whole prompt: uncached + cache writes + cache reads */
  g_assert_cmpint (f->result.completion->usage.input_tokens, ==, 125);
  g_assert_cmpint (f->result.completion->usage.cached_input_tokens, ==, 100);
  g_assert_cmpint (f->result.completion->usage.output_tokens, ==, 9);
  g_assert_cmpint (call->ratelimit_remaining_requests, ==, 49);
  g_assert_cmpint (call->ratelimit_remaining_tokens, ==, 39000);
  g_assert_cmpint (call->ttft_us, >=, 0);

  request = sluice_test_server_get_request (f->server, 0);
  g_assert_cmpstr (request->path, ==, "/v1/messages");
  g_assert_cmpstr (soup_message_headers_get_one (request->headers, "x-api-key"), ==, KEY);
  g_assert_cmpstr (soup_message_headers_get_one (request->headers, "anthropic-version"), ==,
                   "2023-06-01");
  g_assert_null (soup_message_headers_get_one (request->headers, "Authorization"));
  body = json_node_get_object (request->json);
  g_assert_cmpstr (json_object_get_string_member (body, "system"), ==, "Be brief.");
  g_assert_cmpint (json_object_get_int_member (body, "max_tokens"), ==, 1024);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (body, "messages")),
                    ==, 1);
}

typedef struct
{
  guint             status;
  const char       *body;
  SluiceErrorClass  expected;
} ErrorCase;

static const ErrorCase error_cases[] = {
  { 529, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
         "\"message\":\"Overloaded\"}}",
    SLUICE_ERROR_CLASS_OVERLOADED },
  { 429, "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow\"}}",
    SLUICE_ERROR_CLASS_RATE_LIMITED },
  { 500, "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"oops\"}}",
    SLUICE_ERROR_CLASS_SERVER },
  { 401, "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\","
         "\"message\":\"invalid x-api-key\"}}", SLUICE_ERROR_CLASS_AUTH },
  { 400, "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
         "\"message\":\"prompt is too long: 250000 tokens > 200000 maximum\"}}",
    SLUICE_ERROR_CLASS_CONTEXT_LENGTH },
  { 400, "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
         "\"message\":\"messages: roles must alternate\"}}", SLUICE_ERROR_CLASS_BAD_REQUEST },
  { 413, "{\"type\":\"error\",\"error\":{\"type\":\"request_too_large\","
         "\"message\":\"Request exceeds the maximum allowed number of bytes.\"}}",
    SLUICE_ERROR_CLASS_BAD_REQUEST },
};

static void
test_errors (Fixture       *f,
             gconstpointer  data)
{
  static const char * const retry[] = { "retry-after", "3", NULL };

  for (guint i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      const char *chunks[] = { error_cases[i].body, NULL };
      SluiceTestReply reply = { error_cases[i].status, .headers = retry, .chunks = chunks };
      g_autoptr(SluiceProviderCall) call = sluice_test_call_new ("claude", FALSE);

      sluice_test_fixture_run (f, &reply, call);
      g_test_message ("case %u: %s", i, f->result.error->message);
      g_assert_error (f->result.error, SLUICE_PROVIDER_ERROR, (gint) error_cases[i].expected);
      g_assert_cmpint (call->retry_after_ms, ==, 3000);
    }
}

static const char * const stream_chunks[] = {
  "event: message_start\n"
  "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\","
  "\"role\":\"assistant\",\"content\":[],\"model\":\"claude-sonnet-4-20250514\","
  "\"stop_reason\":null,\"usage\":{\"input_tokens\":25,\"cache_read_input_tokens\":300,"
  "\"cache_creation_input_tokens\":0,\"output_tokens\":1}}}\n\n",
  "event: content_block_start\n"
  "data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\","
  "\"text\":\"\"}}\n\nevent: ping\ndata: {\"type\": \"ping\"}\n\n",
  "event: content_block_delta\n"
  "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
  "\"text\":\"Bon\"}}\n\nevent: content_block_delta\ndata: {\"type\":\"content_blo",
  "ck_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"jour\"}}\n\n",
  "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
  "event: message_delta\n"
  "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
  "\"stop_sequence\":null},\"usage\":{\"output_tokens\":15}}\n\n",
  "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
  NULL
};

static void
test_stream (Fixture       *f,
             gconstpointer  data)
{
  SluiceTestReply reply = { 200, "text/event-stream", .chunks = stream_chunks,
                            .chunk_delay_ms = 2, .chunked = TRUE };
  g_autoptr(SluiceProviderCall) call = sluice_test_call_new ("claude", TRUE);
  JsonObject *body;

  sluice_test_fixture_run (f, &reply, call);
  g_assert_no_error (f->result.error);
  g_assert_cmpstr (f->result.completion->content, ==, "Bonjour");
  g_assert_cmpstr (f->result.deltas->str, ==, "Bon|jour");
  g_assert_cmpstr (f->result.completion->finish_reason, ==, "stop");
  g_assert_cmpstr (f->result.completion->model, ==, "claude-sonnet-4-20250514");
  g_assert_cmpint (f->result.completion->usage.input_tokens, ==, 325);
  g_assert_cmpint (f->result.completion->usage.cached_input_tokens, ==, 300);
  g_assert_cmpint (f->result.completion->usage.output_tokens, ==, 15);
  g_assert_cmpint (call->ttft_us, >=, 0);

  body = json_node_get_object (sluice_test_server_get_request (f->server, 0)->json);
  g_assert_true (json_object_get_boolean_member (body, "stream"));
}

static void
test_stream_cut (Fixture       *f,
                 gconstpointer  data)
{
  /* Everything up to the message_delta, no message_stop. */
  const char *chunks[] = { stream_chunks[0], stream_chunks[2], stream_chunks[3],
                           stream_chunks[5], NULL };
  SluiceTestReply reply = { 200, "text/event-stream", .chunks = chunks, .chunked = TRUE };
  g_autoptr(SluiceProviderCall) call = sluice_test_call_new ("claude", TRUE);

  sluice_test_fixture_run (f, &reply, call);
  g_assert_error (f->result.error, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_NETWORK);
  g_assert_nonnull (strstr (f->result.error->message, "stream cut after"));
}

static void
test_stream_error_event (Fixture       *f,
                         gconstpointer  data)
{
  const char *chunks[] = {
    stream_chunks[0],
    "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
    "\"message\":\"Overloaded\"}}\n\n",
    NULL
  };
  SluiceTestReply reply = { 200, "text/event-stream", .chunks = chunks, .chunked = TRUE };
  g_autoptr(SluiceProviderCall) call = sluice_test_call_new ("claude", TRUE);

  sluice_test_fixture_run (f, &reply, call);
  g_assert_error (f->result.error, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_OVERLOADED);
  g_assert_nonnull (strstr (f->result.error->message, "Overloaded"));
}

static void
test_refusal (Fixture       *f,
              gconstpointer  data)
{
  const char *chunks[] = {
    "{\"type\":\"message\",\"model\":\"claude\",\"content\":[],\"stop_reason\":\"refusal\","
    "\"usage\":{\"input_tokens\":5,\"output_tokens\":0}}", NULL
  };
  SluiceTestReply reply = { 200, .chunks = chunks };
  g_autoptr(SluiceProviderCall) call = sluice_test_call_new ("claude", FALSE);

  sluice_test_fixture_run (f, &reply, call);
  g_assert_error (f->result.error, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_CONTENT_FILTER);
}

static void
test_malformed (Fixture       *f,
                gconstpointer  data)
{
  const char *chunks[] = { "{\"type\":\"message\",\"content\":\"not an array\"}", NULL };
  SluiceTestReply reply = { 200, .chunks = chunks };
  g_autoptr(SluiceProviderCall) call = sluice_test_call_new ("claude", FALSE);

  sluice_test_fixture_run (f, &reply, call);
  g_assert_error (f->result.error, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_MALFORMED);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  const char *chunks[] = { stream_chunks[0], stream_chunks[2], NULL };
  SluiceTestReply reply = { 200, "text/event-stream", .chunks = chunks, .hold = TRUE };
  g_autoptr(SluiceProviderCall) call = sluice_test_call_new ("claude", TRUE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  sluice_test_server_push (f->server, &reply);
  f->result.cancel_on_delta = cancellable;
  sluice_test_run_call (f->provider, call, cancellable, &f->result);
  g_assert_error (f->result.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (sluice_test_server_wait_closed (f->server, 1));
}

int
main (int   argc,
      char *argv[])
{
  sluice_test_fixture_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/engine/providers/anthropic/" path, Fixture, NULL, setup, func, \
              sluice_test_fixture_teardown)

  ADD ("success", test_success);
  ADD ("errors", test_errors);
  ADD ("stream", test_stream);
  ADD ("stream-cut", test_stream_cut);
  ADD ("stream-error-event", test_stream_error_event);
  ADD ("refusal", test_refusal);
  ADD ("malformed", test_malformed);
  ADD ("cancel", test_cancel);

#undef ADD

  return g_test_run ();
}
