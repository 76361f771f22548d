/* test-gateway-headers.c — what the gateway says in headers: streams,
 * Retry-After, Cache-Control
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "test-gateway-fixture.h"

typedef GatewayFixture Fixture;

#define TEST(path, func, data) \
  g_test_add (path, Fixture, data, gateway_setup, func, gateway_teardown)

#define STREAM_BODY(text) \
  "{\"model\":\"main\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" text "\"}]}"

/* A stream's headers go out before its first byte, and still say which
 * request, model and provider answer, and what the cache did. */
static void
test_stream_headers (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GatewayReply) r = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(JsonNode) closing = NULL;

  r = gateway_post_json (f, "/v1/chat/completions", STREAM_BODY ("which model streams"));
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_true (g_str_has_prefix (gateway_header (r, "Content-Type"), "text/event-stream"));
  g_assert_true (g_str_has_prefix (gateway_header (r, "x-sluice-request-id"), "req_"));
  g_assert_cmpstr (gateway_header (r, "x-sluice-model"), ==, "alpha-large");
  g_assert_nonnull (gateway_header (r, "x-sluice-provider"));
  g_assert_cmpstr (gateway_header (r, "x-sluice-route"), ==, "main");
  g_assert_cmpstr (gateway_header (r, "x-sluice-fallback-depth"), ==, "0");
  g_assert_nonnull (gateway_header (r, "x-sluice-cache"));

  /* The closing chunk keeps the whole account, under the same id. */
  events = gateway_sse_events (r, NULL);
  g_assert_cmpuint (events->len, >=, 3);
  closing = json_from_string (g_ptr_array_index (events, events->len - 2), NULL);
  g_assert_cmpstr (gateway_path_string (closing, "$.sluice.request_id"), ==,
                   gateway_header (r, "x-sluice-request-id"));
  g_assert_nonnull (gateway_path_string (closing, "$.sluice.cost_usd"));
}

/* A streamed answer from the cache says so in its headers. */
static void
test_stream_cache_headers (Fixture       *f,
                           gconstpointer  data)
{
  const char *body = STREAM_BODY ("is this a question");
  g_autoptr(GatewayReply) first = NULL;
  g_autoptr(GatewayReply) second = NULL;

  first = gateway_request (f, "POST", "/v1/chat/completions", "application/json", body, -1,
                           "x-sluice-task", "classification", NULL);
  g_assert_cmpuint (first->status, ==, 200);
  g_assert_cmpstr (gateway_header (first, "x-sluice-cache"), ==, "miss");
  second = gateway_request (f, "POST", "/v1/chat/completions", "application/json", body, -1,
                            "x-sluice-task", "classification", NULL);
  g_assert_cmpuint (second->status, ==, 200);
  g_assert_cmpstr (gateway_header (second, "x-sluice-cache"), ==, "exact");
  g_assert_cmpstr (gateway_header (second, "x-sluice-model"), ==, "alpha-large");
  g_assert_cmpstr (gateway_header (second, "x-sluice-request-id"), !=,
                   gateway_header (first, "x-sluice-request-id"));
}

/* Cache-Control: no-cache skips the look-up; no-store keeps nothing. */
static void
test_cache_control (Fixture       *f,
                    gconstpointer  data)
{
  const char *body = CHAT_BODY ("main", "a classification question");
  const char *other = CHAT_BODY ("main", "another classification question");
  g_autoptr(GatewayReply) a = NULL;
  g_autoptr(GatewayReply) b = NULL;
  g_autoptr(GatewayReply) c = NULL;
  g_autoptr(GatewayReply) d = NULL;
  g_autoptr(GatewayReply) e = NULL;

  a = gateway_request (f, "POST", "/v1/chat/completions", "application/json", body, -1,
                       "x-sluice-task", "classification", NULL);
  g_assert_cmpstr (gateway_header (a, "x-sluice-cache"), ==, "miss");
  b = gateway_request (f, "POST", "/v1/chat/completions", "application/json", body, -1,
                       "x-sluice-task", "classification", "Cache-Control", "no-cache", NULL);
  g_assert_cmpuint (b->status, ==, 200);
  g_assert_cmpstr (gateway_header (b, "x-sluice-cache"), !=, "exact");
  c = gateway_request (f, "POST", "/v1/chat/completions", "application/json", body, -1,
                       "x-sluice-task", "classification", NULL);
  g_assert_cmpstr (gateway_header (c, "x-sluice-cache"), ==, "exact");

  d = gateway_request (f, "POST", "/v1/chat/completions", "application/json", other, -1,
                       "x-sluice-task", "classification", "Cache-Control", "no-store", NULL);
  g_assert_cmpstr (gateway_header (d, "x-sluice-cache"), ==, "miss");
  e = gateway_request (f, "POST", "/v1/chat/completions", "application/json", other, -1,
                       "x-sluice-task", "classification", NULL);
  g_assert_cmpstr (gateway_header (e, "x-sluice-cache"), ==, "miss");
}

/* A refusal says when to come back (not a fixed guess): the storm guard
 * holds a repeated prompt for the rest of its 300 s window. */
static void
test_retry_after (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GatewayReply) first = NULL;
  g_autoptr(GatewayReply) second = NULL;
  gint64 seconds = 0;

  first = gateway_post_json (f, "/v1/chat/completions", CHAT_BODY ("main", "again and again"));
  g_assert_cmpuint (first->status, ==, 200);
  second = gateway_post_json (f, "/v1/chat/completions", CHAT_BODY ("main", "again and again"));
  g_assert_cmpuint (second->status, ==, 429);
  g_assert_true (g_ascii_string_to_signed (gateway_header (second, "Retry-After"), 10, 1, 301,
                                           &seconds, NULL));
  g_assert_cmpint (seconds, >, 1);
  g_assert_cmpint (seconds, <=, 301);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  TEST ("/gateway/headers/stream", test_stream_headers, NULL);
  TEST ("/gateway/headers/stream-cache", test_stream_cache_headers, NULL);
  TEST ("/gateway/headers/cache-control", test_cache_control, NULL);
  TEST ("/gateway/headers/retry-after", test_retry_after,
        ", \"storm_guard\": { \"max_repeats\": 1, \"window_s\": 300 }");

  return g_test_run ();
}
