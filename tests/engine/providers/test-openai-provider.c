/* test-openai-provider.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-test"

#include "config.h"

#include <string.h>

#include "provider-fixture.h"
#include "sluice-openai-provider.h"

#define KEY "sk-test-0123456789abcdefWXYZ"

typedef SluiceTestFixture Fixture;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  sluice_test_fixture_setup (f, sluice_openai_provider_new, "openai-test", "/v1/",
                             data != NULL ? NULL : KEY);
}

static const char * const success_body[] = {
  "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini-2024-07-18\","
  "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello!\","
  "\"refusal\":null},\"finish_reason\":\"stop\"}],"
  "\"usage\":{\"prompt_tokens\":120,\"completion_tokens\":3,\"total_tokens\":123,"
  "\"prompt_tokens_details\":{\"cached_tokens\":64}}}", NULL
};

static const char * const ratelimit_headers[] = {
  "x-ratelimit-remaining-requests", "499",
  "x-ratelimit-remaining-tokens", "149877",
  NULL
};

static void
test_success (Fixture       *f,
              gconstpointer  data)
{
  SluiceTestReply reply = { 200, .headers = ratelimit_headers, .chunks = success_body };
  g_autoptr(SluiceProviderCall) call = sluice_test_call_new ("gpt-4o-mini", FALSE);
  const SluiceTestRequest *request;
  JsonObject *body;

  sluice_test_fixture_run (f, &reply, call);
  g_assert_no_error (f->result.error);
  g_assert_cmpstr (f->result.completion->content, ==, "Hello!");
  g_assert_cmpstr (f->result.completion->finish_reason, ==, "stop");
  g_assert_cmpstr (f->result.completion->model, ==, "gpt-4o-mini-2024-07-18");
  g_assert_cmpint (f->result.completion->usage.input_tokens, ==, 120);
  g_assert_cmpint (f->result.completion->usage.cached_input_tokens, ==, 64);
  g_assert_cmpint (f->result.completion->usage.output_tokens, ==, 3);
  g_assert_cmpint (call->ratelimit_remaining_requests, ==, 499);
  g_assert_cmpint (call->ratelimit_remaining_tokens, ==, 149877);
  g_assert_cmpint (call->retry_after_ms, ==, -1);
  g_assert_cmpint (call->ttft_us, >=, 0);
  g_assert_cmpuint (f->result.n_deltas, ==, 0);

  request = sluice_test_server_get_request (f->server, 0);
  g_assert_cmpstr (request->method, ==, "POST");
  g_assert_cmpstr (request->path, ==, "/v1/chat/completions");
  g_assert_cmpstr (soup_message_headers_get_one (request->headers, "Authorization"), ==,
                   "Bearer " KEY);
  g_assert_nonnull (request->json);
  body = json_node_get_object (request->json);
  g_assert_cmpstr (json_object_get_string_member (body, "model"), ==, "gpt-4o-mini");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (body, "messages")),
                    ==, 2);
  g_assert_false (json_object_has_member (body, "stream"));
}

static void
test_no_key (Fixture       *f,
             gconstpointer  data)
{
  SluiceTestReply reply = { 200, .chunks = success_body };
  g_autoptr(SluiceProviderCall) call = sluice_test_call_new ("llama3.2", FALSE);
  const SluiceTestRequest *request;

  sluice_test_fixture_run (f, &reply, call);
  g_assert_no_error (f->result.error);
  request = sluice_test_server_get_request (f->server, 0);
  g_assert_null (soup_message_headers_get_one (request->headers, "Authorization"));
}

typedef struct
{
  guint             status;
  const char       *body;
  SluiceErrorClass  expected;
  const char       *says;
} ErrorCase;

static const ErrorCase error_cases[] = {
  { 429, "{\"error\":{\"message\":\"Rate limit reached for requests\",\"type\":\"requests\","
         "\"code\":\"rate_limit_exceeded\"}}", SLUICE_ERROR_CLASS_RATE_LIMITED,
    "Rate limit reached" },
  { 408, "{\"error\":{\"message\":\"Request timed out\"}}", SLUICE_ERROR_CLASS_TIMEOUT,
    "timed out" },
  { 500, "{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}",
    SLUICE_ERROR_CLASS_SERVER, "server had an error" },
  { 502, "<html><body>Bad Gateway</body></html>", SLUICE_ERROR_CLASS_SERVER, "Bad Gateway" },
  { 503, "{\"error\":{\"message\":\"The engine is currently overloaded\"}}",
    SLUICE_ERROR_CLASS_OVERLOADED, "overloaded" },
  { 401, "{\"error\":{\"message\":\"Incorrect API key provided: " KEY ".\","
         "\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}",
    SLUICE_ERROR_CLASS_AUTH, "Incorrect API key provided: sk-…WXYZ." },
  { 403, "{\"error\":{\"message\":\"Country not supported\"}}", SLUICE_ERROR_CLASS_AUTH,
    "Country" },
  { 400, "{\"error\":{\"message\":\"This model's maximum context length is 128000 tokens.\","
         "\"type\":\"invalid_request_error\",\"code\":\"context_length_exceeded\"}}",
    SLUICE_ERROR_CLASS_CONTEXT_LENGTH, "maximum context length" },
  { 400, "{\"error\":{\"message\":\"Your request was rejected by the safety system.\","
         "\"type\":\"invalid_request_error\",\"code\":\"content_policy_violation\"}}",
    SLUICE_ERROR_CLASS_CONTENT_FILTER, "safety system" },
  { 400, "{\"error\":{\"message\":\"Invalid value for 'temperature'\","
         "\"type\":\"invalid_request_error\",\"code\":null}}",
    SLUICE_ERROR_CLASS_BAD_REQUEST, "temperature" },
  { 404, "{\"error\":\"model \\\"nope\\\" not found, try pulling it first\"}",
    SLUICE_ERROR_CLASS_BAD_REQUEST, "try pulling" },
};

static void
test_errors (Fixture       *f,
             gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      const char *chunks[] = { error_cases[i].body, NULL };
      SluiceTestReply reply = { error_cases[i].status, .chunks = chunks };
      g_autoptr(SluiceProviderCall) call = sluice_test_call_new ("gpt-4o", FALSE);

      sluice_test_fixture_run (f, &reply, call);
      g_test_message ("case %u: %s", i, f->result.error->message);
      g_assert_error (f->result.error, SLUICE_PROVIDER_ERROR, (gint) error_cases[i].expected);
      g_assert_nonnull (strstr (f->result.error->message, error_cases[i].says));
      g_assert_nonnull (strstr (f->result.error->message, "openai-test"));
      g_assert_null (strstr (f->result.error->message, KEY));
      g_assert_cmpint (call->ttft_us, ==, -1);
    }
}

/* An endless error page is not read to its end. */
static void
test_error_body_capped (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *page = g_strnfill (100000, 'x');
  const char *chunks[] = { "Upstream failure: ", page, NULL };
  SluiceTestReply reply = { 502, "text/html", .chunks = chunks, .hold = TRUE };
  g_autoptr(SluiceProviderCall) call = sluice_test_call_new ("gpt-4o", FALSE);

  sluice_test_fixture_run (f, &reply, call);
  g_assert_error (f->result.error, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_SERVER);
  g_assert_nonnull (strstr (f->result.error->message, "Upstream failure"));
  g_assert_cmpuint (strlen (f->result.error->message), <, 1000);
  g_assert_true (sluice_test_server_wait_closed (f->server, 1));
}

static void
test_retry_after (Fixture       *f,
                  gconstpointer  data)
{
  static const char * const chunks[] = { "{\"error\":{\"message\":\"slow down\"}}", NULL };
  static const char * const seconds[] = { "Retry-After", "20", NULL };
  static const char * const millis[] = { "retry-after-ms", "350", "Retry-After", "1", NULL };
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_seconds (now, 3600);
  g_autofree char *date = soup_date_time_to_string (later, SOUP_DATE_HTTP);
  const char *dated[] = { "Retry-After", date, NULL };
  const char * const *cases[] = { seconds, millis, dated };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      SluiceTestReply reply = { 429, .headers = cases[i], .chunks = chunks };
      g_autoptr(SluiceProviderCall) call = sluice_test_call_new ("gpt-4o", FALSE);

      sluice_test_fixture_run (f, &reply, call);
      g_assert_error (f->result.error, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_RATE_LIMITED);
      if (i == 0)
        g_assert_cmpint (call->retry_after_ms, ==, 20000);
      else if (i == 1)
        g_assert_cmpint (call->retry_after_ms, ==, 350);
      else
        {
          /* An hour ahead, give or take the seconds the test took. */
          g_assert_cmpint (call->retry_after_ms, >, 3000000);
          g_assert_cmpint (call->retry_after_ms, <=, 3600000);
        }
    }
}

static const char * const stream_chunks[] = {
  ": OPENROUTER PROCESSING\n\n",
  "data: {\"id\":\"c1\",\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,"
  "\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}],"
  "\"usage\":null}\n\ndata: {\"id\":\"c1\",\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"in",
  "dex\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}],\"usage\":null}\r\n\r",
  "\ndata: {\"id\":\"c1\",\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,"
  "\"delta\":{\"content\":\"lo \\u00e9\"},\"finish_reason\":null}],\"usage\":null}\n\n",
  "data: {\"id\":\"c1\",\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,"
  "\"delta\":{},\"finish_reason\":\"length\"}],\"usage\":null}\n\n",
  "data: {\"id\":\"c1\",\"model\":\"gpt-4o-2024-08-06\",\"choices\":[],\"usage\":"
  "{\"prompt_tokens\":40,\"completion_tokens\":2,\"total_tokens\":42,"
  "\"prompt_tokens_details\":{\"cached_tokens\":32}}}\n\n",
  "data: [DONE]\n\n",
  NULL
};

static void
check_stream_result (Fixture            *f,
                     SluiceProviderCall *call)
{
  g_assert_no_error (f->result.error);
  g_assert_cmpstr (f->result.completion->content, ==, "Hello é");
  g_assert_cmpstr (f->result.deltas->str, ==, "Hel|lo é");
  g_assert_cmpstr (f->result.completion->finish_reason, ==, "length");
  g_assert_cmpstr (f->result.completion->model, ==, "gpt-4o-2024-08-06");
  g_assert_cmpint (f->result.completion->usage.input_tokens, ==, 40);
  g_assert_cmpint (f->result.completion->usage.cached_input_tokens, ==, 32);
  g_assert_cmpint (f->result.completion->usage.output_tokens, ==, 2);
  g_assert_cmpint (call->ttft_us, >=, 0);
}

static void
test_stream (Fixture       *f,
             gconstpointer  data)
{
  SluiceTestReply reply = { 200, "text/event-stream", .chunks = stream_chunks,
                            .chunk_delay_ms = 5, .chunked = TRUE };
  g_autoptr(SluiceProviderCall) call = sluice_test_call_new ("gpt-4o", TRUE);
  JsonObject *body;

  sluice_test_fixture_run (f, &reply, call);
  check_stream_result (f, call);

  body = json_node_get_object (sluice_test_server_get_request (f->server, 0)->json);
  g_assert_true (json_object_get_boolean_member (body, "stream"));
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (body,
                                                                                "stream_options"),
                                                 "include_usage"));
  g_assert_cmpstr (soup_message_headers_get_one (sluice_test_server_get_request (f->server,
                                                                                 0)->headers,
                                                 "Accept"), ==, "text/event-stream");
}

/* The same stream, one byte per HTTP chunk. */
static void
test_stream_bytes (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *joined = g_strjoinv ("", (char **) stream_chunks);
  gsize len = strlen (joined);
  g_autoptr(GPtrArray) bytes = g_ptr_array_new_with_free_func (g_free);
  SluiceTestReply reply = { 200, "text/event-stream", .chunked = TRUE };
  g_autoptr(SluiceProviderCall) call = sluice_test_call_new ("gpt-4o", TRUE);

  for (gsize i = 0; i < len; i++)
    g_ptr_array_add (bytes, g_strndup (joined + i, 1));
  g_ptr_array_add (bytes, NULL);
  reply.chunks = (const char * const *) bytes->pdata;

  sluice_test_fixture_run (f, &reply, call);
  check_stream_result (f, call);
}

static void
test_stream_cut_clean (Fixture       *f,
                       gconstpointer  data)
{
  /* Everything but [DONE], and the HTTP response ends properly. */
  const char *chunks[] = { stream_chunks[1], stream_chunks[2], stream_chunks[3], NULL };
  SluiceTestReply reply = { 200, "text/event-stream", .chunks = chunks, .chunked = TRUE };
  g_autoptr(SluiceProviderCall) call = sluice_test_call_new ("gpt-4o", TRUE);

  sluice_test_fixture_run (f, &reply, call);
  g_assert_error (f->result.error, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_NETWORK);
  g_assert_nonnull (strstr (f->result.error->message, "stream cut after"));
  g_assert_cmpstr (f->result.deltas->str, ==, "Hel|lo é");
}

static void
test_stream_cut_abrupt (Fixture       *f,
                        gconstpointer  data)
{
  const char *chunks[] = { stream_chunks[1], stream_chunks[2], NULL };
  SluiceTestReply reply = { 200, "text/event-stream", .chunks = chunks, .cut = TRUE };
  g_autoptr(SluiceProviderCall) call = sluice_test_call_new ("gpt-4o", TRUE);

  sluice_test_fixture_run (f, &reply, call);
  g_assert_error (f->result.error, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_NETWORK);
  g_assert_nonnull (strstr (f->result.error->message, "stream cut after"));
}

static void
test_stream_error_event (Fixture       *f,
                         gconstpointer  data)
{
  const char *chunks[] = {
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n",
    "data: {\"error\":{\"message\":\"The server is overloaded\",\"type\":\"overloaded\"}}\n\n",
    NULL
  };
  SluiceTestReply reply = { 200, "text/event-stream", .chunks = chunks, .chunked = TRUE };
  g_autoptr(SluiceProviderCall) call = sluice_test_call_new ("gpt-4o", TRUE);

  sluice_test_fixture_run (f, &reply, call);
  g_assert_error (f->result.error, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_OVERLOADED);
  g_assert_nonnull (strstr (f->result.error->message, "The server is overloaded"));
}

static void
test_stream_plain_answer (Fixture       *f,
                          gconstpointer  data)
{
  SluiceTestReply reply = { 200, .chunks = success_body };
  g_autoptr(SluiceProviderCall) call = sluice_test_call_new ("gpt-4o", TRUE);

  sluice_test_fixture_run (f, &reply, call);
  g_assert_no_error (f->result.error);
  g_assert_cmpstr (f->result.deltas->str, ==, "Hello!");
  g_assert_cmpint (f->result.completion->usage.output_tokens, ==, 3);
}

static void
test_malformed (Fixture       *f,
                gconstpointer  data)
{
  static const char * const bodies[] = {
    "this is not JSON", "", "{\"choices\":[]}", "[1,2,3]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      const char *chunks[] = { bodies[i], NULL };
      SluiceTestReply reply = { 200, .chunks = chunks };
      g_autoptr(SluiceProviderCall) call = sluice_test_call_new ("gpt-4o", FALSE);

      sluice_test_fixture_run (f, &reply, call);
      g_assert_error (f->result.error, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_MALFORMED);
    }
}

static void
test_malformed_stream (Fixture       *f,
                       gconstpointer  data)
{
  const char *chunks[] = { "data: {\"choices\": [\n\n", NULL };
  SluiceTestReply reply = { 200, "text/event-stream", .chunks = chunks, .chunked = TRUE };
  g_autoptr(SluiceProviderCall) call = sluice_test_call_new ("gpt-4o", TRUE);

  sluice_test_fixture_run (f, &reply, call);
  g_assert_error (f->result.error, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_MALFORMED);
}

static void
test_content_filter (Fixture       *f,
                     gconstpointer  data)
{
  const char *chunks[] = {
    "{\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
    "\"content\":null},\"finish_reason\":\"content_filter\"}]}", NULL
  };
  SluiceTestReply reply = { 200, .chunks = chunks };
  g_autoptr(SluiceProviderCall) call = sluice_test_call_new ("gpt-4o", FALSE);

  sluice_test_fixture_run (f, &reply, call);
  g_assert_error (f->result.error, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_CONTENT_FILTER);
}

static void
test_timeout (Fixture       *f,
              gconstpointer  data)
{
  SluiceTestReply reply = { .hold_headers = TRUE };
  g_autoptr(SluiceProviderCall) call = sluice_test_call_new ("gpt-4o", FALSE);

  call->timeout_ms = 150;
  sluice_test_fixture_run (f, &reply, call);
  g_assert_error (f->result.error, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_TIMEOUT);
  g_assert_true (sluice_test_server_wait_closed (f->server, 1));
}

static void
test_connect_timeout (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(SluiceTestBlackHole) hole = sluice_test_black_hole_new ();
  g_autofree char *url = sluice_test_black_hole_dup_url (hole);
  g_autoptr(SluiceProvider) provider = sluice_openai_provider_new ("hole", url, KEY, 100);
  g_autoptr(SluiceProviderCall) call = sluice_test_call_new ("gpt-4o", FALSE);

  sluice_test_run_call (provider, call, NULL, &f->result);
  g_assert_error (f->result.error, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_TIMEOUT);
  g_assert_nonnull (strstr (f->result.error->message, "connect"));
}

static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(SluiceProvider) provider = NULL;
  g_autoptr(SluiceProviderCall) call = sluice_test_call_new ("gpt-4o", FALSE);
  g_autofree char *url = NULL;

  /* A port that was free a moment ago and has no listener. */
  g_assert_true (g_socket_bind (socket, any, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  url = g_strdup_printf ("http://127.0.0.1:%u/v1",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  provider = sluice_openai_provider_new ("closed", url, KEY, 1000);

  sluice_test_run_call (provider, call, NULL, &f->result);
  g_assert_error (f->result.error, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_NETWORK);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  /* Two deltas in one piece: the second must not be delivered. */
  const char *chunks[] = {
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"one\"}}]}\n\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"two\"}}]}\n\n",
    NULL
  };
  SluiceTestReply reply = { 200, "text/event-stream", .chunks = chunks, .hold = TRUE };
  g_autoptr(SluiceProviderCall) call = sluice_test_call_new ("gpt-4o", TRUE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  sluice_test_server_push (f->server, &reply);
  f->result.cancel_on_delta = cancellable;
  sluice_test_run_call (f->provider, call, cancellable, &f->result);
  g_assert_error (f->result.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (f->result.n_deltas, ==, 1);
  g_assert_true (sluice_test_server_wait_closed (f->server, 1));
}

/* A failed stream must not leave its half-read connection in the pool:
 * the next call gets a fresh one and succeeds. */
static void
test_after_cut (Fixture       *f,
                gconstpointer  data)
{
  const char *chunks[] = { stream_chunks[1], NULL };
  SluiceTestReply cut = { 200, "text/event-stream", .chunks = chunks, .hold = TRUE };
  SluiceTestReply good = { 200, "text/event-stream", .chunks = stream_chunks, .chunked = TRUE };
  g_autoptr(SluiceProviderCall) first = sluice_test_call_new ("gpt-4o", TRUE);
  g_autoptr(SluiceProviderCall) second = sluice_test_call_new ("gpt-4o", TRUE);

  first->timeout_ms = 200;
  sluice_test_fixture_run (f, &cut, first);
  g_assert_error (f->result.error, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_TIMEOUT);
  g_assert_true (sluice_test_server_wait_closed (f->server, 1));

  sluice_test_fixture_run (f, &good, second);
  check_stream_result (f, second);
  g_assert_cmpuint (sluice_test_server_get_n_connections (f->server), ==, 2);
}

/* A finished call leaves its connection for the next one. */
static void
test_keep_alive (Fixture       *f,
                 gconstpointer  data)
{
  SluiceTestReply reply = { 200, "text/event-stream", .chunks = stream_chunks, .chunked = TRUE };

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(SluiceProviderCall) call = sluice_test_call_new ("gpt-4o", TRUE);

      sluice_test_fixture_run (f, &reply, call);
      check_stream_result (f, call);
    }
  g_assert_cmpuint (sluice_test_server_get_n_requests (f->server), ==, 3);
  g_assert_cmpuint (sluice_test_server_get_n_connections (f->server), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  sluice_test_fixture_init (&argc, &argv);

#define ADD(path, func, data) \
  g_test_add ("/engine/providers/openai/" path, Fixture, data, setup, func, \
              sluice_test_fixture_teardown)

  ADD ("success", test_success, NULL);
  ADD ("no-key", test_no_key, "no key");
  ADD ("errors", test_errors, NULL);
  ADD ("error-body-capped", test_error_body_capped, NULL);
  ADD ("retry-after", test_retry_after, NULL);
  ADD ("stream", test_stream, NULL);
  ADD ("stream-bytes", test_stream_bytes, NULL);
  ADD ("stream-cut-clean", test_stream_cut_clean, NULL);
  ADD ("stream-cut-abrupt", test_stream_cut_abrupt, NULL);
  ADD ("stream-error-event", test_stream_error_event, NULL);
  ADD ("stream-plain-answer", test_stream_plain_answer, NULL);
  ADD ("malformed", test_malformed, NULL);
  ADD ("malformed-stream", test_malformed_stream, NULL);
  ADD ("content-filter", test_content_filter, NULL);
  ADD ("timeout", test_timeout, NULL);
  ADD ("connect-timeout", test_connect_timeout, NULL);
  ADD ("refused", test_refused, NULL);
  ADD ("cancel", test_cancel, NULL);
  ADD ("keep-alive", test_keep_alive, NULL);
  ADD ("after-cut", test_after_cut, NULL);

#undef ADD

  return g_test_run ();
}
