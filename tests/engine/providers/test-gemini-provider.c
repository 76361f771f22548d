/* test-gemini-provider.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-test"

#include "config.h"

#include <string.h>

#include "provider-fixture.h"
#include "sluice-gemini-provider.h"

#define KEY "AIzaSyTest0123456789abcdefghijkLMNO"

typedef SluiceTestFixture Fixture;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  sluice_test_fixture_setup (f, sluice_gemini_provider_new, "gemini", "/v1beta", KEY);
}

static const char * const success_body[] = {
  "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"thinking...\",\"thought\":true},"
  "{\"text\":\"Hallo\"},{\"text\":\" Welt\"}],\"role\":\"model\"},\"finishReason\":\"STOP\","
  "\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":200,\"candidatesTokenCount\":4,"
  "\"thoughtsTokenCount\":6,\"cachedContentTokenCount\":150,\"totalTokenCount\":210},"
  "\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"abc\"}", NULL
};

static void
test_success (Fixture       *f,
              gconstpointer  data)
{
  SluiceTestReply reply = { 200, .chunks = success_body };
  g_autoptr(SluiceProviderCall) call = sluice_test_call_new ("gemini-2.5-flash", FALSE);
  const SluiceTestRequest *request;
  JsonObject *body;

  sluice_test_fixture_run (f, &reply, call);
  g_assert_no_error (f->result.error);
  g_assert_cmpstr (f->result.completion->content, ==, "Hallo Welt");
  g_assert_cmpstr (f->result.completion->finish_reason, ==, "stop");
  g_assert_cmpstr (f->result.completion->model, ==, "gemini-2.5-flash");
  g_assert_cmpint (f->result.completion->usage.input_tokens, ==, 200);
  g_assert_cmpint (f->result.completion->usage.cached_input_tokens, ==, 150);
  g_assert_cmpint (f->result.completion->usage.output_tokens, ==, 10);
  g_assert_cmpint (call->ttft_us, >=, 0);

  request = sluice_test_server_get_request (f->server, 0);
  g_assert_cmpstr (request->path, ==, "/v1beta/models/gemini-2.5-flash:generateContent");
  g_assert_null (request->query);
  g_assert_cmpstr (soup_message_headers_get_one (request->headers, "x-goog-api-key"), ==, KEY);
  body = json_node_get_object (request->json);
  g_assert_true (json_object_has_member (body, "systemInstruction"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (body, "contents")),
                    ==, 1);
}

static void
test_errors (Fixture       *f,
             gconstpointer  data)
{
  static const struct
  {
    guint             status;
    const char       *body;
    SluiceErrorClass  expected;
  } cases[] = {
    { 429, "{\"error\":{\"code\":429,\"message\":\"Resource has been exhausted\","
           "\"status\":\"RESOURCE_EXHAUSTED\"}}", SLUICE_ERROR_CLASS_RATE_LIMITED },
    { 503, "{\"error\":{\"code\":503,\"message\":\"The model is overloaded.\","
           "\"status\":\"UNAVAILABLE\"}}", SLUICE_ERROR_CLASS_OVERLOADED },
    { 500, "{\"error\":{\"code\":500,\"message\":\"An internal error has occurred.\","
           "\"status\":\"INTERNAL\"}}", SLUICE_ERROR_CLASS_SERVER },
    { 400, "{\"error\":{\"code\":400,\"message\":\"API key not valid. Please pass a valid API "
           "key.\",\"status\":\"INVALID_ARGUMENT\",\"details\":[{\"@type\":\"type.googleapis.com/"
           "google.rpc.ErrorInfo\",\"reason\":\"API_KEY_INVALID\"}]}}", SLUICE_ERROR_CLASS_AUTH },
    { 400, "{\"error\":{\"code\":400,\"message\":\"The input token count (2000000) exceeds the "
           "maximum number of tokens allowed (1048576).\",\"status\":\"INVALID_ARGUMENT\"}}",
      SLUICE_ERROR_CLASS_CONTEXT_LENGTH },
    { 404, "{\"error\":{\"code\":404,\"message\":\"models/gemini-0 is not found\","
           "\"status\":\"NOT_FOUND\"}}", SLUICE_ERROR_CLASS_BAD_REQUEST },
    { 504, "{\"error\":{\"code\":504,\"message\":\"Deadline exceeded\","
           "\"status\":\"DEADLINE_EXCEEDED\"}}", SLUICE_ERROR_CLASS_TIMEOUT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *chunks[] = { cases[i].body, NULL };
      SluiceTestReply reply = { cases[i].status, .chunks = chunks };
      g_autoptr(SluiceProviderCall) call = sluice_test_call_new ("gemini-2.5-pro", FALSE);

      sluice_test_fixture_run (f, &reply, call);
      g_test_message ("case %u: %s", i, f->result.error->message);
      g_assert_error (f->result.error, SLUICE_PROVIDER_ERROR, (gint) cases[i].expected);
    }
}

static const char * const stream_chunks[] = {
  "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Ein\"}],\"role\": \"model\"},"
  "\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 12,\"totalTokenCount\": 12},"
  "\"modelVersion\": \"gemini-2.0-flash\"}\r\n\r\n",
  "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"s zwei\"}],\"role\": \"mo",
  "del\"},\"index\": 0}],\"modelVersion\": \"gemini-2.0-flash\"}\r\n\r\n",
  "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \" drei\"}],\"role\": \"model\"},"
  "\"finishReason\": \"MAX_TOKENS\",\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 12,"
  "\"candidatesTokenCount\": 5,\"cachedContentTokenCount\": 8,\"totalTokenCount\": 17},"
  "\"modelVersion\": \"gemini-2.0-flash\"}\r\n\r\n",
  NULL
};

static void
test_stream (Fixture       *f,
             gconstpointer  data)
{
  SluiceTestReply reply = { 200, "text/event-stream", .chunks = stream_chunks,
                            .chunk_delay_ms = 2, .chunked = TRUE };
  g_autoptr(SluiceProviderCall) call = sluice_test_call_new ("models/gemini-2.0-flash", TRUE);
  const SluiceTestRequest *request;

  sluice_test_fixture_run (f, &reply, call);
  g_assert_no_error (f->result.error);
  g_assert_cmpstr (f->result.completion->content, ==, "Eins zwei drei");
  g_assert_cmpstr (f->result.deltas->str, ==, "Ein|s zwei| drei");
  g_assert_cmpstr (f->result.completion->finish_reason, ==, "length");
  g_assert_cmpstr (f->result.completion->model, ==, "gemini-2.0-flash");
  g_assert_cmpint (f->result.completion->usage.input_tokens, ==, 12);
  g_assert_cmpint (f->result.completion->usage.cached_input_tokens, ==, 8);
  g_assert_cmpint (f->result.completion->usage.output_tokens, ==, 5);

  request = sluice_test_server_get_request (f->server, 0);
  g_assert_cmpstr (request->path, ==, "/v1beta/models/gemini-2.0-flash:streamGenerateContent");
  g_assert_cmpstr (request->query, ==, "alt=sse");
}

static void
test_stream_cut (Fixture       *f,
                 gconstpointer  data)
{
  const char *chunks[] = { stream_chunks[0], stream_chunks[1], stream_chunks[2], NULL };
  SluiceTestReply reply = { 200, "text/event-stream", .chunks = chunks, .chunked = TRUE };
  g_autoptr(SluiceProviderCall) call = sluice_test_call_new ("gemini-2.0-flash", TRUE);

  sluice_test_fixture_run (f, &reply, call);
  g_assert_error (f->result.error, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_NETWORK);
  g_assert_nonnull (strstr (f->result.error->message, "stream cut after"));
  g_assert_cmpstr (f->result.deltas->str, ==, "Ein|s zwei");
}

static void
test_blocked (Fixture       *f,
              gconstpointer  data)
{
  const char *chunks[] = {
    "{\"promptFeedback\":{\"blockReason\":\"SAFETY\",\"safetyRatings\":[]},"
    "\"usageMetadata\":{\"promptTokenCount\":9}}", NULL
  };
  SluiceTestReply reply = { 200, .chunks = chunks };
  g_autoptr(SluiceProviderCall) call = sluice_test_call_new ("gemini-2.0-flash", FALSE);

  sluice_test_fixture_run (f, &reply, call);
  g_assert_error (f->result.error, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_CONTENT_FILTER);
  g_assert_nonnull (strstr (f->result.error->message, "SAFETY"));
}

static void
test_safety_finish (Fixture       *f,
                    gconstpointer  data)
{
  const char *chunks[] = {
    "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Partial\"}],\"role\":\"model\"},"
    "\"finishReason\":\"SAFETY\"}]}", NULL
  };
  SluiceTestReply reply = { 200, .chunks = chunks };
  g_autoptr(SluiceProviderCall) call = sluice_test_call_new ("gemini-2.0-flash", FALSE);

  sluice_test_fixture_run (f, &reply, call);
  g_assert_no_error (f->result.error);
  g_assert_cmpstr (f->result.completion->finish_reason, ==, "content_filter");
  g_assert_cmpstr (f->result.completion->content, ==, "Partial");
}

static void
test_malformed (Fixture       *f,
                gconstpointer  data)
{
  const char *chunks[] = { "{\"candidates\":[]}", NULL };
  SluiceTestReply reply = { 200, .chunks = chunks };
  g_autoptr(SluiceProviderCall) call = sluice_test_call_new ("gemini-2.0-flash", FALSE);

  sluice_test_fixture_run (f, &reply, call);
  g_assert_error (f->result.error, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_MALFORMED);
}

static void
test_timeout (Fixture       *f,
              gconstpointer  data)
{
  const char *chunks[] = { stream_chunks[0], NULL };
  SluiceTestReply reply = { 200, "text/event-stream", .chunks = chunks, .hold = TRUE };
  g_autoptr(SluiceProviderCall) call = sluice_test_call_new ("gemini-2.0-flash", TRUE);

  call->timeout_ms = 200;
  sluice_test_fixture_run (f, &reply, call);
  g_assert_error (f->result.error, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_TIMEOUT);
  g_assert_cmpstr (f->result.deltas->str, ==, "Ein");
  g_assert_true (sluice_test_server_wait_closed (f->server, 1));
}

int
main (int   argc,
      char *argv[])
{
  sluice_test_fixture_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/engine/providers/gemini/" path, Fixture, NULL, setup, func, \
              sluice_test_fixture_teardown)

  ADD ("success", test_success);
  ADD ("errors", test_errors);
  ADD ("stream", test_stream);
  ADD ("stream-cut", test_stream_cut);
  ADD ("blocked", test_blocked);
  ADD ("safety-finish", test_safety_finish);
  ADD ("malformed", test_malformed);
  ADD ("timeout", test_timeout);

#undef ADD

  return g_test_run ();
}
