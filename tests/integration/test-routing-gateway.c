/* test-routing-gateway.c — x-sluice-explain and the routing hints of the
 * OpenAI body over real HTTP
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "test-gateway-fixture.h"

typedef GatewayFixture Fixture;

#define RULES \
  "\"routing\": { \"default\": \"main\", \"rules\": [" \
  " { \"name\": \"json-out\", \"output\": [\"json\"], \"chain\": \"small\" }," \
  " { \"name\": \"easy\", \"tasks\": [\"classification\"], \"chain\": \"small\" } ] }"

static void
apply_rules (Fixture *f)
{
  g_autofree char *base = gateway_config ("", "");
  g_auto(GStrv) parts = g_strsplit (base, "\"routing\": { \"default\": \"main\" }", 2);
  g_autofree char *json = NULL;

  g_assert_cmpuint (g_strv_length (parts), ==, 2);
  json = g_strjoinv (RULES, parts);
  gateway_apply (f, json);
}

static guint64
calls_of (Fixture    *f,
          const char *provider)
{
  return sluice_mock_provider_get_n_calls (
      SLUICE_MOCK_PROVIDER (sluice_engine_lookup_provider (f->engine, provider)));
}

/* x-sluice-explain: 1 answers 200 with the decision; nobody is called. */
static void
test_explain (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GatewayReply) r = NULL;
  JsonObject *o;

  apply_rules (f);
  r = gateway_request (f, "POST", "/v1/chat/completions", "application/json",
                       CHAT_BODY ("main", "Classify this ticket: my parcel never came"), -1,
                       "x-sluice-explain", "1", NULL);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_nonnull (r->json);
  o = json_node_get_object (r->json);
  g_assert_cmpstr (json_object_get_string_member (o, "object"), ==, "sluice.route");
  g_assert_cmpstr (json_object_get_string_member (o, "chain"), ==, "small");
  g_assert_cmpstr (json_object_get_string_member (o, "rule"), ==, "easy");
  g_assert_cmpstr (json_object_get_string_member (o, "task"), ==, "classification");
  g_assert_cmpstr (json_object_get_string_member (o, "task_source"), ==, "classifier");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "reasons")), >=, 2);
  g_assert_cmpuint (calls_of (f, "alpha") + calls_of (f, "beta"), ==, 0);
}

/* response_format, metadata.task and x-sluice-task reach the router. */
static void
test_hints (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GatewayReply) json = NULL;
  g_autoptr(GatewayReply) task = NULL;
  g_autoptr(GatewayReply) header = NULL;
  g_autoptr(GatewayReply) unknown = NULL;

  apply_rules (f);
  json = gateway_post_json (f, "/v1/chat/completions",
                            "{\"model\":\"main\",\"response_format\":{\"type\":\"json_object\"},"
                            "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}");
  g_assert_cmpuint (json->status, ==, 200);
  g_assert_cmpstr (gateway_header (json, "x-sluice-route"), ==, "small");

  task = gateway_request (f, "POST", "/v1/chat/completions", "application/json",
                          "{\"model\":\"main\",\"metadata\":{\"task\":\"classification\"},"
                          "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}", -1,
                          "x-sluice-explain", "true", NULL);
  g_assert_cmpstr (gateway_path_string (task->json, "$.rule"), ==, "easy");
  g_assert_cmpstr (gateway_path_string (task->json, "$.task_source"), ==, "caller");

  header = gateway_request (f, "POST", "/v1/chat/completions", "application/json",
                            CHAT_BODY ("main", "hello"), -1, "x-sluice-task", "classification",
                            NULL);
  g_assert_cmpuint (header->status, ==, 200);
  g_assert_cmpstr (gateway_header (header, "x-sluice-route"), ==, "small");

  unknown = gateway_request (f, "POST", "/v1/chat/completions", "application/json",
                             CHAT_BODY ("gpt-17", "hello"), -1, "x-sluice-explain", "1", NULL);
  g_assert_cmpuint (unknown->status, ==, 404);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/integration/routing/explain", Fixture, "", gateway_setup, test_explain,
              gateway_teardown);
  g_test_add ("/integration/routing/hints", Fixture, "", gateway_setup, test_hints,
              gateway_teardown);

  return g_test_run ();
}
