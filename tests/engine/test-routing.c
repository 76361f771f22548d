/* test-routing.c — the route stage in the pipeline, and explain
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "sluice.h"

#define CONFIG \
  "{ \"schema\": 1," \
  "  \"providers\": [" \
  "    { \"name\": \"alpha\", \"kind\": \"mock\"," \
  "      \"mock\": { \"seed\": 1, \"latency_ms\": { \"p50\": 0, \"p99\": 0 } } }," \
  "    { \"name\": \"beta\", \"kind\": \"mock\"," \
  "      \"mock\": { \"seed\": 2, \"latency_ms\": { \"p50\": 0, \"p99\": 0 } } } ]," \
  "  \"models\": [" \
  "    { \"name\": \"alpha-large\", \"provider\": \"alpha\", \"price_in\": 3, \"price_out\": 15," \
  "      \"context_window\": 200000, \"max_output_tokens\": 8192 }," \
  "    { \"name\": \"beta-small\", \"provider\": \"beta\", \"price_in\": 0.15," \
  "      \"price_out\": 0.6, \"context_window\": 128000, \"max_output_tokens\": 4096 } ]," \
  "  \"chains\": { \"frontier\": [\"alpha-large\"], \"small\": [\"beta-small\"] }," \
  "  \"aliases\": { \"smart\": \"frontier\" }," \
  "  \"routing\": { \"default\": \"small\", \"rules\": [ %s ] } }"

#define HARD_RULE \
  "{ \"name\": \"hard\", \"tasks\": [\"code\", \"reasoning\"], \"chain\": \"frontier\" }"

typedef struct
{
  SluiceClock  *clock;
  SluiceEngine *engine;
} Fixture;

static void
apply_rules (Fixture    *f,
             const char *rules)
{
  g_autofree char *json = g_strdup_printf (CONFIG, rules);
  g_autoptr(GError) error = NULL;

  sluice_engine_apply_config_json (f->engine, json, "test", NULL, &error);
  g_assert_no_error (error);
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autofree char *db = g_build_filename (g_get_user_data_dir (), "test.db", NULL);
  g_autoptr(GError) error = NULL;

  f->clock = sluice_clock_new_manual (g_get_real_time ());
  f->engine = sluice_engine_new (db, f->clock, &error);
  g_assert_no_error (error);
  apply_rules (f, HARD_RULE);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_clear_object (&f->engine);
  g_clear_object (&f->clock);
}

typedef struct
{
  SluiceResponse *response;
  GError         *error;
  gboolean        done;
} Result;

static void
complete_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Result *r = user_data;

  r->response = sluice_engine_complete_finish (SLUICE_ENGINE (object), result, &r->error);
  r->done = TRUE;
}

static SluiceResponse *
run (Fixture       *f,
     SluiceRequest *request)
{
  Result r = { 0 };

  sluice_engine_complete_async (f->engine, request, NULL, NULL, NULL, complete_cb, &r);
  while (!r.done)
    {
      if (!g_main_context_iteration (NULL, FALSE) && sluice_clock_pending_sleeps (f->clock) > 0)
        sluice_clock_advance (f->clock, 50 * 1000);
    }
  g_assert_no_error (r.error);
  return r.response;
}

static SluiceRequest *
make_request (const char *prompt)
{
  SluiceRequest *request = sluice_request_new ();

  sluice_request_add_message (request, SLUICE_ROLE_USER, prompt);
  return request;
}

static const char *
route_detail (SluiceResponse *response,
              const char     *what)
{
  SluiceTrace *trace = sluice_response_get_trace (response);

  for (guint i = 0; i < sluice_trace_get_n_entries (trace); i++)
    {
      const SluiceTraceEntry *e = sluice_trace_get_entry (trace, i);

      if (e->stage == SLUICE_STAGE_ROUTE && strcmp (e->what, what) == 0)
        return e->detail;
    }
  return NULL;
}

static guint64
calls_of (Fixture    *f,
          const char *provider)
{
  return sluice_mock_provider_get_n_calls (
      SLUICE_MOCK_PROVIDER (sluice_engine_lookup_provider (f->engine, provider)));
}

/* No task hint: the classifier's guess picks the rule, and the trace's
 * "route" entry says which rule matched and why. */
static void
test_classified (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(SluiceRequest) code = make_request ("Write a function in Python that parses ISO dates.");
  g_autoptr(SluiceRequest) easy = make_request ("What is the capital of Portugal?");
  g_autoptr(SluiceResponse) r1 = run (f, code);
  g_autoptr(SluiceResponse) r2 = run (f, easy);
  const char *detail = route_detail (r1, "route");

  g_assert_cmpstr (sluice_response_get_route (r1), ==, "frontier");
  g_assert_cmpstr (sluice_response_get_model (r1), ==, "alpha-large");
  g_assert_nonnull (detail);
  g_assert_nonnull (strstr (detail, "the classifier guessed “code”"));
  g_assert_nonnull (strstr (detail, "rule “hard” matched"));
  g_assert_cmpstr (sluice_response_get_route (r2), ==, "small");
  g_assert_nonnull (strstr (route_detail (r2, "route"), "the default chain"));
}

/* A config applied between two requests re-routes the second: no restart. */
static void
test_config_change_reroutes (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(SluiceRequest) request = make_request ("Summarize the minutes of the meeting.");
  g_autoptr(SluiceResponse) before = NULL;
  g_autoptr(SluiceResponse) after = NULL;

  before = run (f, request);
  g_assert_cmpstr (sluice_response_get_route (before), ==, "small");
  apply_rules (f, "{ \"name\": \"summaries-up\", \"tasks\": [\"summarisation\"],"
                  "  \"chain\": \"frontier\" }");
  after = run (f, request);
  g_assert_cmpstr (sluice_response_get_route (after), ==, "frontier");
  g_assert_nonnull (strstr (route_detail (after, "route"), "summaries-up"));
}

/* Caps reach the dispatched copy (the reservation counts them); the
 * caller's request object is not touched. */
static void
test_caps_on_copy (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(SluiceRequest) request = make_request ("hello there");
  g_autoptr(SluiceResponse) response = NULL;
  SluiceTrace *trace;
  gboolean reserved_capped = FALSE;

  apply_rules (f, "{ \"name\": \"capped\", \"chain\": \"small\", \"cap_max_tokens\": 64,"
                  "  \"cap_temperature\": 0.2 }");
  sluice_request_set_task (request, "chat");
  sluice_request_set_max_tokens (request, 3000);
  response = run (f, request);
  g_assert_cmpint (sluice_response_get_status (response), ==, SLUICE_REQUEST_STATUS_OK);
  g_assert_nonnull (route_detail (response, "caps"));
  g_assert_nonnull (strstr (route_detail (response, "caps"), "max_tokens 64"));
  g_assert_cmpint (sluice_request_get_max_tokens (request), ==, 3000);
  g_assert_cmpfloat (sluice_request_get_temperature (request), <, 0);

  trace = sluice_response_get_trace (response);
  for (guint i = 0; i < sluice_trace_get_n_entries (trace); i++)
    {
      const SluiceTraceEntry *e = sluice_trace_get_entry (trace, i);

      if (strcmp (e->what, "limits") == 0 && strstr (e->detail, "beta-small") != NULL)
        {
          gint64 tokens = g_ascii_strtoll (strstr (e->detail, "reserved ") + 9, NULL, 10);

          reserved_capped = tokens > 64 && tokens < 64 + 100;
        }
    }
  g_assert_true (reserved_capped);
}

/* Explain gives the pipeline's route without calling a provider. */
static void
test_explain (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(SluiceRequest) request = make_request ("Prove step by step that 17 is prime.");
  g_autoptr(SluiceRequest) empty = sluice_request_new ();
  g_autoptr(SluiceRequest) unknown = make_request ("hi");
  g_autoptr(SluiceRouteDecision) decision = NULL;
  g_autoptr(SluiceResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  decision = sluice_engine_explain (f->engine, request, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sluice_route_decision_get_chain (decision), ==, "frontier");
  g_assert_cmpstr (sluice_route_decision_get_rule (decision), ==, "hard");
  g_assert_cmpstr (sluice_route_decision_get_task (decision), ==, "reasoning");
  g_assert_true (sluice_route_decision_get_task_guessed (decision));
  g_assert_cmpuint (calls_of (f, "alpha") + calls_of (f, "beta"), ==, 0);
  json = sluice_route_decision_to_json (decision);
  g_assert_nonnull (strstr (json, "\"task_source\" : \"classifier\""));

  response = run (f, request);
  g_assert_cmpstr (sluice_response_get_route (response), ==,
                   sluice_route_decision_get_chain (decision));

  g_assert_null (sluice_engine_explain (f->engine, empty, &error));
  g_assert_error (error, SLUICE_ENGINE_ERROR, SLUICE_ENGINE_ERROR_INVALID_REQUEST);
  g_clear_error (&error);
  sluice_request_set_model (unknown, "gpt-17");
  g_assert_null (sluice_engine_explain (f->engine, unknown, &error));
  g_assert_error (error, SLUICE_ENGINE_ERROR, SLUICE_ENGINE_ERROR_NO_ROUTE);
}

/* The default config's rules, as the issue sets them. */
static void
test_default_rules (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(SluiceConfig) config = sluice_config_new_default ();
  g_autoptr(GError) error = NULL;
  struct { const char *prompt; const char *task; const char *chain; } cases[] = {
    { "Is this spam? 'WIN A FREE CRUISE'", "classification", "small" },
    { "Pull the dates out", "extraction", "small" },
    { "What is a sluice?", "qa", "small" },
    { "Implement a B-tree", "code", "frontier" },
    { "Which plan is better?", "analysis", "frontier" },
    { "Tell me a story", "creative", "small" },
  };

  g_assert_true (sluice_engine_apply_config (f->engine, config, "test", NULL, &error));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SluiceRequest) request = make_request (cases[i].prompt);
      g_autoptr(SluiceRouteDecision) d = NULL;

      sluice_request_set_task (request, cases[i].task);
      d = sluice_engine_explain (f->engine, request, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (sluice_route_decision_get_chain (d), ==, cases[i].chain);
    }
  {
    g_autoptr(SluiceRequest) smart = make_request ("Is this spam?");
    g_autoptr(SluiceRouteDecision) d = NULL;

    sluice_request_set_model (smart, "smart");
    sluice_request_set_task (smart, "classification");
    d = sluice_engine_explain (f->engine, smart, &error);
    g_assert_cmpstr (sluice_route_decision_get_chain (d), ==, "frontier");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/engine/routing/" path, Fixture, NULL, setup, func, teardown)
  ADD ("classified", test_classified);
  ADD ("config-change-reroutes", test_config_change_reroutes);
  ADD ("caps-on-copy", test_caps_on_copy);
  ADD ("explain", test_explain);
  ADD ("default-rules", test_default_rules);
#undef ADD

  return g_test_run ();
}
