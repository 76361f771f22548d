/* test-engine-http.c — the engine's real HTTP providers against sluice-mock
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "sluice.h"
#include "sluice-test-support.h"

/* One engine, three providers of the three wire formats, all pointing at
 * one sluice-mock; the scenario scripts each upstream model. */

#define SCENARIO \
  "{ \"default\": { \"seed\": 5, \"latency_ms\": { \"p50\": 1, \"p99\": 2 }, \"answer\": \"echo\" }," \
  "  \"models\": { \"broken-model\": { \"latency_ms\": { \"p50\": 1, \"p99\": 2 }," \
  "                                    \"errors\": { \"server\": 1.0 } } } }"

typedef struct
{
  SluiceTestMock *mock;
  SluiceEngine   *engine;
} Fixture;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = g_build_filename (g_get_user_data_dir (), "http.db", NULL);
  g_autofree char *config = NULL;
  const char *url;

  f->mock = sluice_test_mock_start (SCENARIO, &error);
  g_assert_no_error (error);
  url = sluice_test_mock_get_url (f->mock);

  config = g_strdup_printf (
    "{ \"schema\": 1,"
    "  \"providers\": ["
    "    { \"name\": \"oa\", \"kind\": \"openai\", \"base_url\": \"%s/v1\", \"timeout_ms\": 5000 },"
    "    { \"name\": \"an\", \"kind\": \"anthropic\", \"base_url\": \"%s/v1\", \"timeout_ms\": 5000 },"
    "    { \"name\": \"ge\", \"kind\": \"gemini\", \"base_url\": \"%s/v1beta\", \"timeout_ms\": 5000 } ],"
    "  \"models\": ["
    "    { \"name\": \"oa-model\", \"provider\": \"oa\", \"upstream\": \"gpt-test\","
    "      \"price_in\": 1, \"price_out\": 2, \"context_window\": 100000 },"
    "    { \"name\": \"oa-broken\", \"provider\": \"oa\", \"upstream\": \"broken-model\","
    "      \"price_in\": 1, \"price_out\": 2, \"context_window\": 100000 },"
    "    { \"name\": \"an-model\", \"provider\": \"an\", \"upstream\": \"claude-test\","
    "      \"price_in\": 3, \"price_out\": 15, \"context_window\": 200000 },"
    "    { \"name\": \"ge-model\", \"provider\": \"ge\", \"upstream\": \"gemini-test\","
    "      \"price_in\": 0.1, \"price_out\": 0.4, \"context_window\": 1000000 } ],"
    "  \"chains\": { \"main\": [\"oa-broken\", \"an-model\", \"ge-model\"],"
    "              \"openai\": [\"oa-model\"], \"gemini\": [\"ge-model\"] },"
    "  \"routing\": { \"default\": \"main\" },"
    "  \"retry\": { \"max_attempts\": 2, \"base_backoff_ms\": 1, \"max_backoff_ms\": 2 } }",
    url, url, url);

  f->engine = sluice_engine_new (db, NULL, &error);
  g_assert_no_error (error);
  sluice_engine_apply_config_json (f->engine, config, "test", NULL, &error);
  g_assert_no_error (error);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_clear_object (&f->engine);
  g_clear_pointer (&f->mock, sluice_test_mock_stop);
}

typedef struct
{
  SluiceResponse *response;
  GError         *error;
  GString        *deltas;
  gboolean        done;
} Result;

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Result *r = user_data;

  r->response = sluice_engine_complete_finish (SLUICE_ENGINE (object), result, &r->error);
  r->done = TRUE;
}

static void
delta_cb (const char *text,
          gpointer    user_data)
{
  g_string_append (((Result *) user_data)->deltas, text);
}

static SluiceResponse *
ask (Fixture    *f,
     const char *model,
     const char *prompt,
     gboolean    stream,
     GString   **deltas)
{
  g_autoptr(SluiceRequest) request = sluice_request_new ();
  Result r = { 0 };
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  r.deltas = g_string_new (NULL);
  sluice_request_add_message (request, SLUICE_ROLE_SYSTEM, "Answer plainly.");
  sluice_request_add_message (request, SLUICE_ROLE_USER, prompt);
  sluice_request_set_model (request, model);
  sluice_request_set_stream (request, stream);
  sluice_engine_complete_async (f->engine, request, delta_cb, &r, NULL, done_cb, &r);
  while (!r.done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (r.done);
  g_assert_no_error (r.error);
  if (deltas != NULL)
    *deltas = r.deltas;
  else
    g_string_free (r.deltas, TRUE);
  return r.response;
}

static void
test_each_wire_format (Fixture       *f,
                       gconstpointer  data)
{
  const char *models[] = { "oa-model", "an-model", "ge-model" };

  for (guint i = 0; i < G_N_ELEMENTS (models); i++)
    {
      for (guint stream = 0; stream < 2; stream++)
        {
          GString *deltas = NULL;
          g_autoptr(SluiceResponse) r = ask (f, models[i], "What is the capital of France?",
                                             stream, &deltas);
          const SluiceUsage *usage = sluice_response_get_usage (r);

          g_test_message ("%s stream=%u: %s", models[i], stream,
                          sluice_response_get_error_message (r) ? sluice_response_get_error_message (r) : "ok");
          g_assert_cmpint (sluice_response_get_status (r), ==, SLUICE_REQUEST_STATUS_OK);
          g_assert_cmpstr (sluice_response_get_model (r), ==, models[i]);
          g_assert_nonnull (strstr (sluice_response_get_content (r), "capital of France"));
          /* Streamed or not, usage is metered, never zero. */
          g_assert_cmpint (usage->input_tokens, >, 0);
          g_assert_cmpint (usage->output_tokens, >, 0);
          g_assert_cmpfloat (sluice_response_get_cost_usd (r), >, 0);
          if (stream)
            g_assert_cmpstr (deltas->str, ==, sluice_response_get_content (r));
          g_string_free (deltas, TRUE);
        }
    }
}

/* The first model of the chain answers 500 over HTTP; the engine retries it
 * once and falls back to the Anthropic-format provider. */
static void
test_fallback_over_http (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(SluiceResponse) r = ask (f, NULL, "Hello there", FALSE, NULL);
  g_autofree char *stats = sluice_test_mock_get_stats (f->mock);

  g_assert_cmpint (sluice_response_get_status (r), ==, SLUICE_REQUEST_STATUS_OK);
  g_assert_cmpstr (sluice_response_get_model (r), ==, "an-model");
  g_assert_cmpuint (sluice_response_get_fallback_depth (r), ==, 1);
  g_assert_nonnull (strstr (stats, "broken-model"));
}

/* What the provider's rate-limit headers said reaches the snapshot. */
static void
test_provider_headers (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SluiceResponse) r = NULL;
  g_autoptr(SluiceSnapshot) snapshot = NULL;
  const SluiceModelStats *stats;

  sluice_test_mock_set_scenario (f->mock,
      "{ \"default\": { \"latency_ms\": { \"p50\": 1, \"p99\": 2 }, \"answer\": \"echo\" },"
      "  \"limits\": { \"rpm\": 100, \"tpm\": 100000 } }", &error);
  g_assert_no_error (error);
  r = ask (f, "oa-model", "How many are left?", FALSE, NULL);
  g_assert_cmpint (sluice_response_get_status (r), ==, SLUICE_REQUEST_STATUS_OK);
  sluice_engine_publish_snapshot (f->engine);
  snapshot = sluice_engine_dup_snapshot (f->engine);
  stats = sluice_snapshot_lookup_model (snapshot, "oa-model");
  g_assert_nonnull (stats);
  g_assert_cmpint (stats->provider_headers_at_us, >, 0);
  g_assert_cmpint (stats->provider_requests_left, ==, 99);
  g_assert_cmpint (stats->provider_tokens_left, >, 0);
  g_assert_cmpint (stats->provider_tokens_left, <=, 100000);
  g_assert_cmpint (sluice_snapshot_lookup_model (snapshot, "ge-model")->provider_headers_at_us, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/integration/engine-http/each-wire-format", Fixture, NULL,
              setup, test_each_wire_format, teardown);
  g_test_add ("/integration/engine-http/fallback", Fixture, NULL,
              setup, test_fallback_over_http, teardown);
  g_test_add ("/integration/engine-http/provider-headers", Fixture, NULL,
              setup, test_provider_headers, teardown);

  return g_test_run ();
}
