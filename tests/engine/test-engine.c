/* test-engine.c — the request pipeline end to end on the in-process mock
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "sluice.h"
#include "sluice-events.h"

#define CONFIG_TEMPLATE \
  "{ \"schema\": 1," \
  "  \"providers\": [" \
  "    { \"name\": \"alpha\", \"kind\": \"mock\"," \
  "      \"mock\": { \"seed\": 1, \"latency_ms\": { \"p50\": 0, \"p99\": 0 } %s } }," \
  "    { \"name\": \"beta\", \"kind\": \"mock\"," \
  "      \"mock\": { \"seed\": 2, \"latency_ms\": { \"p50\": 0, \"p99\": 0 } %s } } ]," \
  "  \"models\": [" \
  "    { \"name\": \"alpha-large\", \"provider\": \"alpha\", \"upstream\": \"alpha-large-1\"," \
  "      \"price_in\": 3, \"price_cached_in\": 0.3, \"price_out\": 15," \
  "      \"context_window\": 200000, \"max_output_tokens\": 8192 }," \
  "    { \"name\": \"beta-small\", \"provider\": \"beta\", \"upstream\": \"beta-small-1\"," \
  "      \"price_in\": 0.15, \"price_cached_in\": 0.075, \"price_out\": 0.6," \
  "      \"context_window\": 128000, \"max_output_tokens\": 4096 } ]," \
  "  \"chains\": { \"main\": [\"alpha-large\", \"beta-small\"], \"small\": [\"beta-small\"] }," \
  "  \"aliases\": { \"fast\": \"small\" }," \
  "  \"routing\": { \"default\": \"main\"," \
  "    \"rules\": [ { \"name\": \"cheap-tasks\", \"tasks\": [\"classification\"], \"chain\": \"small\" } ] }" \
  "  %s }"

typedef struct
{
  SluiceClock  *clock;
  SluiceEngine *engine;
  char         *db_path;
} Fixture;

static char *
make_config (const char *alpha_extra,
             const char *beta_extra,
             const char *top_extra)
{
  return g_strdup_printf (CONFIG_TEMPLATE, alpha_extra, beta_extra, top_extra);
}

static char *
replace_once (const char *text,
              const char *old,
              const char *new)
{
  const char *p = strstr (text, old);

  g_assert_nonnull (p);
  return g_strdup_printf ("%.*s%s%s", (int) (p - text), text, new, p + strlen (old));
}

static SluiceEngine *
open_engine (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  SluiceEngine *engine = sluice_engine_new (f->db_path, f->clock, &error);

  g_assert_no_error (error);
  g_assert_nonnull (engine);
  return engine;
}

/* Drops the engine and waits (a bounded while) until it is gone: work
 * still in flight holds it, and an engine left alive would keep running
 * deferred jobs of the same database on the shared clock, with its old
 * config, beside the one a test opens next. */
static void
drop_engine (Fixture *f)
{
  gpointer engine = f->engine;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_object_add_weak_pointer (G_OBJECT (engine), &engine);
  g_clear_object (&f->engine);
  while (engine != NULL && g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  g_assert_null (engine);
}

static void
apply (Fixture    *f,
       const char *json)
{
  g_autoptr(GError) error = NULL;

  sluice_engine_apply_config_json (f->engine, json, "test", NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  const char *alpha = data != NULL ? data : "";
  g_autofree char *json = make_config (alpha, "", "");

  f->clock = sluice_clock_new_manual (g_get_real_time ());
  f->db_path = g_build_filename (g_get_user_data_dir (), "test.db", NULL);
  f->engine = open_engine (f);
  apply (f, json);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->engine);
  g_clear_object (&f->clock);
  g_free (f->db_path);
}

typedef struct
{
  SluiceResponse *response;
  GError         *error;
  gboolean        done;
  GString        *deltas;
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

static void
delta_cb (const char *text,
          gpointer    user_data)
{
  Result *r = user_data;

  g_string_append (r->deltas, text);
}

/* Runs one request to its end, moving the manual clock whenever the engine
 * waits on it (mock latency, backoff), so nothing sleeps for real. */
static SluiceResponse *
run (Fixture        *f,
     SluiceRequest  *request,
     GString       **deltas,
     GError        **error)
{
  Result r = { 0 };

  r.deltas = g_string_new (NULL);
  sluice_engine_complete_async (f->engine, request, delta_cb, &r, NULL, complete_cb, &r);
  while (!r.done)
    {
      if (!g_main_context_iteration (NULL, FALSE) &&
          sluice_clock_pending_sleeps (f->clock) > 0)
        sluice_clock_advance (f->clock, 50 * 1000);
    }
  if (deltas != NULL)
    *deltas = r.deltas;
  else
    g_string_free (r.deltas, TRUE);
  if (r.error != NULL)
    g_propagate_error (error, r.error);
  return r.response;
}

static SluiceRequest *
make_request (const char *prompt)
{
  SluiceRequest *request = sluice_request_new ();

  sluice_request_add_message (request, SLUICE_ROLE_SYSTEM, "You are terse.");
  sluice_request_add_message (request, SLUICE_ROLE_USER, prompt);
  return request;
}

static SluiceResponse *
run_ok (Fixture    *f,
        const char *prompt)
{
  g_autoptr(SluiceRequest) request = make_request (prompt);
  g_autoptr(GError) error = NULL;
  SluiceResponse *response = run (f, request, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (response);
  return response;
}

static guint64
calls_of (Fixture    *f,
          const char *provider)
{
  return sluice_mock_provider_get_n_calls (
      SLUICE_MOCK_PROVIDER (sluice_engine_lookup_provider (f->engine, provider)));
}

static gboolean
trace_has (SluiceResponse *response,
           SluiceStage     stage,
           const char     *what,
           const char     *detail_part)
{
  SluiceTrace *trace = sluice_response_get_trace (response);

  for (guint i = 0; i < sluice_trace_get_n_entries (trace); i++)
    {
      const SluiceTraceEntry *e = sluice_trace_get_entry (trace, i);

      if (e->stage == stage && strcmp (e->what, what) == 0 &&
          (detail_part == NULL || strstr (e->detail, detail_part) != NULL))
        return TRUE;
    }
  return FALSE;
}

static void
test_answer_and_ledger (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(SluiceResponse) response = run_ok (f, "What is a sluice?");
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  SluiceTrace *trace = sluice_response_get_trace (response);
  const SluiceUsage *usage = sluice_response_get_usage (response);
  const SluiceLedgerRow *row;
  SluiceStage last = SLUICE_STAGE_ADMIT;

  g_assert_cmpint (sluice_response_get_status (response), ==, SLUICE_REQUEST_STATUS_OK);
  g_assert_cmpstr (sluice_response_get_content (response), ==, "Echo: What is a sluice?");
  g_assert_cmpstr (sluice_response_get_model (response), ==, "alpha-large");
  g_assert_cmpstr (sluice_response_get_provider (response), ==, "alpha");
  g_assert_cmpstr (sluice_response_get_route (response), ==, "main");
  g_assert_cmpuint (sluice_response_get_fallback_depth (response), ==, 0);
  g_assert_cmpint (usage->input_tokens, >, 0);
  g_assert_cmpint (usage->output_tokens, >, 0);
  g_assert_cmpfloat_with_epsilon (sluice_response_get_cost_usd (response),
                                  (usage->input_tokens * 3.0 + usage->output_tokens * 15.0) / 1e6,
                                  1e-12);

  /* The stages appear in pipeline order. */
  g_assert_cmpuint (sluice_trace_get_n_entries (trace), >=, 5);
  for (guint i = 0; i < sluice_trace_get_n_entries (trace); i++)
    {
      const SluiceTraceEntry *e = sluice_trace_get_entry (trace, i);

      g_assert_cmpint (e->stage, >=, last);
      last = e->stage;
    }
  g_assert_true (trace_has (response, SLUICE_STAGE_ADMIT, "admit", NULL));
  g_assert_true (trace_has (response, SLUICE_STAGE_ROUTE, "route", "default chain"));
  g_assert_true (trace_has (response, SLUICE_STAGE_CACHE, "cache", NULL));
  g_assert_true (trace_has (response, SLUICE_STAGE_DISPATCH, "attempt", "alpha-large"));
  g_assert_true (trace_has (response, SLUICE_STAGE_SETTLE, "settle", NULL));

  /* The ledger row was committed before the response was handed out. */
  rows = sluice_store_query_ledger (sluice_engine_get_store (f->engine), 0, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  row = g_ptr_array_index (rows, 0);
  g_assert_cmpstr (row->request_id, ==, sluice_response_get_request_id (response));
  g_assert_cmpstr (row->model, ==, "alpha-large");
  g_assert_cmpstr (row->route, ==, "main");
  g_assert_cmpint (row->tokens_in, ==, usage->input_tokens);
  g_assert_cmpint (row->tokens_out, ==, usage->output_tokens);
  g_assert_cmpfloat_with_epsilon (row->cost_usd, sluice_response_get_cost_usd (response), 1e-12);
  g_assert_cmpint (row->status, ==, SLUICE_REQUEST_STATUS_OK);
  g_assert_null (row->trace);

  /* The request log's detail: prompt, answer and trace, on demand. */
  {
    g_autoptr(SluiceLedgerRow) detail = NULL;
    g_autoptr(GPtrArray) page = NULL;

    detail = sluice_store_load_ledger_detail (sluice_engine_get_store (f->engine), row->id, &error);
    g_assert_no_error (error);
    g_assert_nonnull (strstr (detail->prompt, "What is a sluice?"));
    g_assert_cmpstr (detail->answer, ==, "Echo: What is a sluice?");
    g_assert_nonnull (strstr (detail->trace, "\"stage\":\"dispatch\""));
    page = sluice_store_page_ledger (sluice_engine_get_store (f->engine), 0, 50, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (page->len, ==, 1);
  }
}

static void
test_fallback (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(SluiceResponse) response = run_ok (f, "Hello");

  g_assert_cmpint (sluice_response_get_status (response), ==, SLUICE_REQUEST_STATUS_OK);
  g_assert_cmpstr (sluice_response_get_model (response), ==, "beta-small");
  g_assert_cmpuint (sluice_response_get_fallback_depth (response), ==, 1);
  /* Three tries on the failing model (the configured max), then one on the next. */
  g_assert_cmpuint (calls_of (f, "alpha"), ==, 3);
  g_assert_cmpuint (calls_of (f, "beta"), ==, 1);
  g_assert_true (trace_has (response, SLUICE_STAGE_DISPATCH, "backoff", "alpha-large"));
  g_assert_true (trace_has (response, SLUICE_STAGE_DISPATCH, "fallback", "beta-small"));
}

static void
test_all_fail (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *json = make_config (", \"errors\": {\"server\": 1.0}",
                                       ", \"errors\": {\"overloaded\": 1.0}", "");
  g_autoptr(SluiceResponse) response = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  const char *message;

  apply (f, json);
  response = run_ok (f, "Hello");
  message = sluice_response_get_error_message (response);
  g_assert_cmpint (sluice_response_get_status (response), ==, SLUICE_REQUEST_STATUS_ERROR);
  g_assert_nonnull (strstr (message, "alpha-large: server"));
  g_assert_nonnull (strstr (message, "beta-small: overloaded"));
  g_assert_null (sluice_response_get_content (response));
  g_assert_true (trace_has (response, SLUICE_STAGE_DEGRADE, "fail", NULL));

  rows = sluice_store_query_ledger (sluice_engine_get_store (f->engine), 0, 10, NULL);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpint (((SluiceLedgerRow *) g_ptr_array_index (rows, 0))->status, ==,
                   SLUICE_REQUEST_STATUS_ERROR);
}

static void
test_auth_fails_at_once (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(SluiceResponse) response = run_ok (f, "Hello");

  g_assert_cmpint (sluice_response_get_status (response), ==, SLUICE_REQUEST_STATUS_ERROR);
  g_assert_cmpint (sluice_response_get_error_class (response), ==, SLUICE_ERROR_CLASS_AUTH);
  g_assert_cmpuint (calls_of (f, "alpha"), ==, 1);
  g_assert_cmpuint (calls_of (f, "beta"), ==, 0);
}

/* A 429 with Retry-After is waited out on the engine's clock before the
 * next try. */
static void
test_retry_after (Fixture       *f,
                  gconstpointer  data)
{
  gint64 before = sluice_clock_monotonic_us (f->clock);
  g_autoptr(SluiceResponse) response = run_ok (f, "Hello");

  g_assert_cmpstr (sluice_response_get_model (response), ==, "beta-small");
  g_assert_true (trace_has (response, SLUICE_STAGE_DISPATCH, "backoff", "2000 ms (Retry-After)"));
  g_assert_cmpint (sluice_clock_monotonic_us (f->clock) - before, >=, 4 * G_USEC_PER_SEC);
  g_assert_cmpint (sluice_response_get_latency_us (response), >=, 4 * G_USEC_PER_SEC);
  /* Time spent waiting on providers is not Sluice's overhead. */
  g_assert_cmpint (sluice_response_get_overhead_us (response), <, G_USEC_PER_SEC);
}

static void
test_routing (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(SluiceRequest) classify = make_request ("Is this spam?");
  g_autoptr(SluiceRequest) alias = make_request ("Hi");
  g_autoptr(SluiceRequest) direct = make_request ("Hi");
  g_autoptr(SluiceRequest) unknown = make_request ("Hi");
  g_autoptr(SluiceRequest) no_user = sluice_request_new ();
  g_autoptr(SluiceResponse) r1 = NULL, r2 = NULL, r3 = NULL, r4 = NULL, r5 = NULL;
  g_autoptr(GError) error = NULL;

  sluice_request_set_task (classify, "classification");
  r1 = run (f, classify, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sluice_response_get_route (r1), ==, "small");
  g_assert_true (trace_has (r1, SLUICE_STAGE_ROUTE, "route", "cheap-tasks"));

  sluice_request_set_model (alias, "fast");
  r2 = run (f, alias, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sluice_response_get_route (r2), ==, "small");
  g_assert_true (trace_has (r2, SLUICE_STAGE_ROUTE, "route", "alias “fast”"));

  sluice_request_set_model (direct, "alpha-large");
  r3 = run (f, direct, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sluice_response_get_model (r3), ==, "alpha-large");

  sluice_request_set_model (unknown, "gpt-17");
  r4 = run (f, unknown, NULL, &error);
  g_assert_null (r4);
  g_assert_error (error, SLUICE_ENGINE_ERROR, SLUICE_ENGINE_ERROR_NO_ROUTE);
  g_assert_nonnull (strstr (error->message, "gpt-17"));
  g_clear_error (&error);

  sluice_request_add_message (no_user, SLUICE_ROLE_SYSTEM, "alone");
  r5 = run (f, no_user, NULL, &error);
  g_assert_null (r5);
  g_assert_error (error, SLUICE_ENGINE_ERROR, SLUICE_ENGINE_ERROR_INVALID_REQUEST);
}

static void
test_config_versions (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *reordered = NULL;
  g_autoptr(SluiceResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  gint64 version = sluice_engine_get_config_version (f->engine);

  /* Default chain becomes "small": the next request follows it, no restart. */
  {
    g_autofree char *base = make_config ("", "", "");

    reordered = replace_once (base, "\"default\": \"main\"", "\"default\": \"small\"");
  }
  apply (f, reordered);
  g_assert_cmpint (sluice_engine_get_config_version (f->engine), ==, version + 1);
  response = run_ok (f, "Hello");
  g_assert_cmpstr (sluice_response_get_route (response), ==, "small");

  /* An invalid document is refused with its path and the running one stays. */
  g_assert_false (sluice_engine_apply_config_json (f->engine,
      "{\"schema\": 1, \"providers\": [], \"models\": [], \"chains\": {\"x\": [\"nope\"]}}",
      "test", NULL, &error));
  g_assert_error (error, SLUICE_CONFIG_ERROR, SLUICE_CONFIG_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "$."));
  g_clear_error (&error);
  g_assert_false (sluice_engine_apply_config_json (f->engine, "{ not json", "test", NULL, &error));
  g_assert_error (error, SLUICE_CONFIG_ERROR, SLUICE_CONFIG_ERROR_PARSE);
  g_assert_cmpint (sluice_engine_get_config_version (f->engine), ==, version + 1);

  /* A restart comes back on the newest stored version. */
  drop_engine (f);
  f->engine = open_engine (f);
  g_assert_cmpint (sluice_engine_get_config_version (f->engine), ==, version + 1);
  g_clear_object (&response);
  response = run_ok (f, "Hello again");
  g_assert_cmpstr (sluice_response_get_route (response), ==, "small");
}

static void
test_streaming (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(SluiceRequest) request = make_request ("Stream this answer to me please, in pieces");
  g_autoptr(SluiceResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  GString *deltas = NULL;

  sluice_request_set_stream (request, TRUE);
  response = run (f, request, &deltas, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sluice_response_get_status (response), ==, SLUICE_REQUEST_STATUS_OK);
  g_assert_cmpstr (deltas->str, ==, sluice_response_get_content (response));
  g_assert_cmpint (sluice_response_get_ttft_us (response), >=, 0);
  g_assert_cmpint (sluice_response_get_usage (response)->output_tokens, >, 0);
  g_string_free (deltas, TRUE);
}

/* Once the answer has started to stream, no other model may take over: the
 * failure ends the request. */
static void
test_stream_cut_no_fallback (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(SluiceRequest) request = make_request ("A long answer that will break off half-way");
  g_autoptr(SluiceResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  GString *deltas = NULL;

  sluice_request_set_stream (request, TRUE);
  response = run (f, request, &deltas, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sluice_response_get_status (response), ==, SLUICE_REQUEST_STATUS_ERROR);
  g_assert_cmpint (sluice_response_get_error_class (response), ==, SLUICE_ERROR_CLASS_NETWORK);
  g_assert_cmpuint (deltas->len, >, 0);
  g_assert_cmpuint (calls_of (f, "beta"), ==, 0);
  g_assert_true (trace_has (response, SLUICE_STAGE_DISPATCH, "stream-broken", NULL));
  g_string_free (deltas, TRUE);
}

static void
snapshot_cb (SluiceEngine   *engine,
             SluiceSnapshot *snapshot,
             guint64        *seen)
{
  *seen = sluice_snapshot_get_totals (snapshot)->requests;
}

static void
test_snapshot (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(SluiceSnapshot) snapshot = NULL;
  const SluiceModelStats *alpha;
  double cost = 0;
  guint64 seen = 0;

  g_signal_connect (f->engine, "snapshot-published", G_CALLBACK (snapshot_cb), &seen);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(SluiceResponse) r = run_ok (f, "Count me");

      cost += sluice_response_get_cost_usd (r);
    }
  sluice_engine_publish_snapshot (f->engine);
  g_assert_cmpuint (seen, ==, 3);

  snapshot = sluice_engine_dup_snapshot (f->engine);
  g_assert_cmpuint (sluice_snapshot_get_totals (snapshot)->requests, ==, 3);
  g_assert_cmpuint (sluice_snapshot_get_totals (snapshot)->errors, ==, 0);
  g_assert_cmpuint (sluice_snapshot_get_totals (snapshot)->in_flight, ==, 0);
  g_assert_cmpfloat_with_epsilon (sluice_snapshot_get_totals (snapshot)->cost_today_usd, cost, 1e-12);
  g_assert_cmpint (sluice_snapshot_get_config_version (snapshot), ==,
                   sluice_engine_get_config_version (f->engine));
  alpha = sluice_snapshot_lookup_model (snapshot, "alpha-large");
  g_assert_nonnull (alpha);
  g_assert_cmpuint (alpha->calls, ==, 3);
  g_assert_cmpint (alpha->health, ==, SLUICE_MODEL_HEALTH_HEALTHY);

  /* The limits the requests touched, with what they used. */
  {
    gboolean found_global = FALSE;

    for (guint i = 0; i < sluice_snapshot_get_n_limits (snapshot); i++)
      {
        const SluiceSnapshotLimit *limit = sluice_snapshot_get_limit (snapshot, i);

        if (g_strcmp0 (limit->code, "budget.global_tokens_per_hour") == 0)
          {
            found_global = TRUE;
            g_assert_cmpint (limit->used, >, 0);
            g_assert_cmpint (limit->limit, ==, 5000000);
          }
      }
    g_assert_true (found_global);
  }

  /* A restart reads today's spending back from the ledger. */
  drop_engine (f);
  f->engine = open_engine (f);
  g_clear_pointer (&snapshot, sluice_snapshot_unref);
  snapshot = sluice_engine_dup_snapshot (f->engine);
  g_assert_cmpfloat_with_epsilon (sluice_snapshot_get_totals (snapshot)->cost_today_usd, cost, 1e-9);
  g_assert_cmpuint (sluice_snapshot_get_totals (snapshot)->requests, ==, 0);
}

static void
test_request_cap (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *json = make_config ("", "", ", \"budgets\": {\"tokens_per_request\": 100}");
  g_autoptr(SluiceRequest) request = make_request ("Hello");
  g_autoptr(SluiceResponse) response = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;

  apply (f, json);
  sluice_request_set_max_tokens (request, 500);
  response = run (f, request, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sluice_response_get_status (response), ==, SLUICE_REQUEST_STATUS_REFUSED);
  g_assert_nonnull (strstr (sluice_response_get_error_message (response), "tokens per request 100"));
  g_assert_cmpuint (calls_of (f, "alpha"), ==, 0);
  rows = sluice_store_query_ledger (sluice_engine_get_store (f->engine), 0, 10, NULL);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpint (((SluiceLedgerRow *) g_ptr_array_index (rows, 0))->status, ==,
                   SLUICE_REQUEST_STATUS_REFUSED);
}


/* The breaker opens after three failures; later requests skip the model
 * without calling it; after the cooldown one probe goes through; a failed
 * probe re-opens it, a good one closes it. */
static void
test_breaker_cycle (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *healthy = make_config ("", "", "");
  g_autoptr(SluiceResponse) r1 = NULL, r2 = NULL, r3 = NULL, r4 = NULL;
  g_autoptr(SluiceSnapshot) snapshot = NULL;

  r1 = run_ok (f, "one");
  g_assert_cmpstr (sluice_response_get_model (r1), ==, "beta-small");
  g_assert_cmpuint (calls_of (f, "alpha"), ==, 3);

  r2 = run_ok (f, "two");
  g_assert_cmpstr (sluice_response_get_model (r2), ==, "beta-small");
  g_assert_cmpuint (calls_of (f, "alpha"), ==, 3);
  g_assert_true (trace_has (r2, SLUICE_STAGE_DISPATCH, "skip", "breaker of alpha-large is open"));

  sluice_engine_publish_snapshot (f->engine);
  snapshot = sluice_engine_dup_snapshot (f->engine);
  g_assert_cmpint (sluice_snapshot_lookup_model (snapshot, "alpha-large")->breaker_state, ==,
                   SLUICE_BREAKER_OPEN);
  g_assert_cmpuint (sluice_snapshot_get_n_alerts (snapshot), >=, 1);
  g_assert_cmpstr (sluice_snapshot_get_alert (snapshot, 0)->code, ==, "breaker.open");
  g_assert_cmpstr (sluice_snapshot_get_alert (snapshot, 0)->severity, ==, "critical");

  /* After the cooldown: one probe, which fails, and the breaker re-opens. */
  sluice_clock_advance (f->clock, 61 * G_USEC_PER_SEC);
  r3 = run_ok (f, "three");
  g_assert_true (trace_has (r3, SLUICE_STAGE_DISPATCH, "probe", "alpha-large"));
  g_assert_cmpuint (calls_of (f, "alpha"), ==, 4);
  g_assert_cmpstr (sluice_response_get_model (r3), ==, "beta-small");

  /* The provider recovers; after the (doubled) cooldown the probe closes it. */
  apply (f, healthy);
  sluice_clock_advance (f->clock, 121 * G_USEC_PER_SEC);
  r4 = run_ok (f, "four");
  g_assert_cmpstr (sluice_response_get_model (r4), ==, "alpha-large");
  g_assert_true (trace_has (r4, SLUICE_STAGE_DISPATCH, "probe", "alpha-large"));
}

/* A full outage of every provider must not multiply traffic: breakers and
 * the retry budget keep upstream attempts under (1 + ratio) × requests plus
 * a small constant. */
static void
test_outage_bounded (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *json = make_config (", \"errors\": {\"server\": 1.0}",
                                       ", \"errors\": {\"server\": 1.0}", "");
  guint requests = 200;
  guint64 attempts;

  apply (f, json);
  for (guint i = 0; i < requests; i++)
    {
      g_autofree char *prompt = g_strdup_printf ("request %u", i);
      g_autoptr(SluiceResponse) r = run_ok (f, prompt);

      g_assert_cmpint (sluice_response_get_status (r), ==, SLUICE_REQUEST_STATUS_ERROR);
      sluice_clock_advance (f->clock, 100 * 1000);
    }
  attempts = calls_of (f, "alpha") + calls_of (f, "beta");
  g_test_message ("%u requests during a full outage made %" G_GUINT64_FORMAT " upstream attempts",
                  requests, attempts);
  g_assert_cmpuint (attempts, <=, (guint64) (1.1 * requests) + 10);
}

static void
test_storm_guard (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *json = make_config ("", "", ", \"storm_guard\": {\"max_repeats\": 3, \"window_s\": 60}");
  g_autoptr(SluiceResponse) refused = NULL;
  g_autoptr(SluiceResponse) other = NULL;

  apply (f, json);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(SluiceResponse) r = run_ok (f, "the same prompt");

      g_assert_cmpint (sluice_response_get_status (r), ==, SLUICE_REQUEST_STATUS_OK);
    }
  refused = run_ok (f, "the same prompt");
  g_assert_cmpint (sluice_response_get_status (refused), ==, SLUICE_REQUEST_STATUS_REFUSED);
  g_assert_nonnull (strstr (sluice_response_get_error_message (refused), "4 times within 60 s"));
  g_assert_cmpuint (calls_of (f, "alpha"), ==, 3);
  other = run_ok (f, "a new prompt");
  g_assert_cmpint (sluice_response_get_status (other), ==, SLUICE_REQUEST_STATUS_OK);
}

/* A model slower than its threshold is left for the next one. */
static void
test_latency_threshold (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *base = make_config ("", "", "");
  g_autofree char *slow = NULL;
  g_autofree char *json = NULL;
  g_autoptr(SluiceResponse) r = NULL;

  /* alpha answers after 5 s; its threshold is 1 s. */
  slow = replace_once (base, "\"p50\": 0, \"p99\": 0", "\"p50\": 5000, \"p99\": 5000");
  json = replace_once (slow, "\"max_output_tokens\": 8192",
                       "\"max_output_tokens\": 8192, \"latency_threshold_ms\": 1000");
  apply (f, json);
  r = run_ok (f, "hurry");
  g_assert_cmpstr (sluice_response_get_model (r), ==, "beta-small");
  g_assert_true (trace_has (r, SLUICE_STAGE_DISPATCH, "too-slow", "1000 ms threshold"));
  g_assert_cmpint (sluice_response_get_latency_us (r), <, 2 * G_USEC_PER_SEC);
}


typedef struct
{
  Fixture  *f;
  guint     pending;
  GPtrArray *responses;
} Batch;

static void
batch_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Batch *b = user_data;
  SluiceResponse *r = sluice_engine_complete_finish (SLUICE_ENGINE (object), result, NULL);

  g_assert_nonnull (r);
  g_ptr_array_add (b->responses, r);
  b->pending--;
}

/* 64 requests from one user at once against a budget of 2,000 tokens an
 * hour: what the ledger records as spent never exceeds the budget. */
static void
test_concurrent_budget (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *json = make_config ("", "",
      ", \"budgets\": {\"user_tokens_per_hour\": 2000},"
      "  \"retry\": {\"deadline_ms\": 1000}");
  Batch b = { f, 64, g_ptr_array_new_with_free_func (g_object_unref) };
  g_autoptr(GPtrArray) rows = NULL;
  gint64 spent = 0;
  guint ok = 0, refused = 0;

  apply (f, json);
  for (guint i = 0; i < 64; i++)
    {
      g_autofree char *prompt = g_strdup_printf ("question number %u about the weather", i);
      g_autoptr(SluiceRequest) request = make_request (prompt);

      sluice_request_set_user (request, "alice");
      sluice_request_set_max_tokens (request, 100);
      sluice_engine_complete_async (f->engine, request, NULL, NULL, NULL, batch_done_cb, &b);
    }
  while (b.pending > 0)
    {
      if (!g_main_context_iteration (NULL, FALSE) && sluice_clock_pending_sleeps (f->clock) > 0)
        sluice_clock_advance (f->clock, 50 * 1000);
    }

  rows = sluice_store_query_ledger (sluice_engine_get_store (f->engine), 0, 1000, NULL);
  g_assert_cmpuint (rows->len, ==, 64);
  for (guint i = 0; i < rows->len; i++)
    {
      const SluiceLedgerRow *row = g_ptr_array_index (rows, i);

      spent += row->tokens_in + row->tokens_out;
      ok += row->status == SLUICE_REQUEST_STATUS_OK;
      refused += row->status == SLUICE_REQUEST_STATUS_REFUSED;
    }
  g_test_message ("%u answered, %u refused, %" G_GINT64_FORMAT " tokens spent of 2000",
                  ok, refused, spent);
  g_assert_cmpint (spent, <=, 2000);
  g_assert_cmpuint (ok, >, 0);
  g_assert_cmpuint (refused, >, 0);
  g_assert_cmpuint (ok + refused, ==, 64);
  for (guint i = 0; i < b.responses->len; i++)
    {
      SluiceResponse *r = g_ptr_array_index (b.responses, i);

      if (sluice_response_get_status (r) == SLUICE_REQUEST_STATUS_REFUSED)
        g_assert_nonnull (strstr (sluice_response_get_error_message (r), "user alice: tokens per hour"));
    }
  g_ptr_array_unref (b.responses);
}

typedef struct
{
  guint       done;
  GHashTable *settled_at;  /* distinct latencies: one per iteration that settled */
} Wave;

static void
wave_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Wave *w = user_data;
  g_autoptr(SluiceResponse) r = sluice_engine_complete_finish (SLUICE_ENGINE (object), result, NULL);

  g_assert_nonnull (r);
  g_assert_cmpint (sluice_response_get_status (r), ==, SLUICE_REQUEST_STATUS_OK);
  g_assert_cmpint (sluice_response_get_latency_us (r), >=, 2 * G_USEC_PER_SEC);
  g_hash_table_add (w->settled_at, GINT_TO_POINTER ((int) sluice_response_get_latency_us (r)));
  w->done++;
}

/* Eight requests whose answers come in one main-loop iteration (the mock
 * answers after 2 s of the manual clock, and one step wakes them all).
 * Then each iteration moves the clock on by 1 µs, so a request's latency
 * (taken when it is settled) tells in which iteration it was settled,
 * whatever the ledger's commit path does after. Returns in how many
 * iterations the eight were settled. */
static guint
run_wave (Fixture *f)
{
  Wave w = { 0, g_hash_table_new (NULL, NULL) };
  guint iterations;

  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *prompt = g_strdup_printf ("wave question %u", i);
      g_autoptr(SluiceRequest) request = make_request (prompt);

      sluice_engine_complete_async (f->engine, request, NULL, NULL, NULL, wave_done_cb, &w);
    }
  while (sluice_clock_pending_sleeps (f->clock) < 8)
    g_main_context_iteration (NULL, TRUE);
  sluice_clock_advance (f->clock, 2 * G_USEC_PER_SEC);
  while (w.done < 8)
    {
      g_main_context_iteration (NULL, FALSE);
      sluice_clock_advance (f->clock, 1);
    }
  iterations = g_hash_table_size (w.settled_at);
  g_hash_table_unref (w.settled_at);
  g_test_message ("8 answers that came at once were settled in %u iterations", iterations);
  return iterations;
}

static void
slow_mock (Fixture *f)
{
  g_autofree char *base = make_config ("", "", "");
  g_autofree char *json = replace_once (base, "\"p50\": 0, \"p99\": 0",
                                        "\"p50\": 2000, \"p99\": 2000");

  apply (f, json);
}

/* Answers that arrive in one main-loop iteration are settled one per
 * iteration while the loop has time to spare (sluice-pipeline-pace.c), so
 * a server can send each response as soon as it is ready instead of
 * after the whole wave. */
static void
test_answers_paced (Fixture       *f,
                    gconstpointer  data)
{
  slow_mock (f);
  g_assert_cmpuint (run_wave (f), ==, 8);
}

/* Keeps the loop busy: 2 ms of work in every iteration. */
static gboolean
hog_cb (gpointer data)
{
  gint64 until = g_get_monotonic_time () + 2000;

  while (g_get_monotonic_time () < until)
    ;
  return G_SOURCE_CONTINUE;
}

/* On a loop with no time to spare, pacing would only cost throughput (an
 * iteration, a poll over every connection, per answer): the answers of a
 * wave are settled together. */
static void
test_answers_together_when_busy (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GSource) hog = g_idle_source_new ();
  gint64 until;

  slow_mock (f);
  g_assert_cmpuint (run_wave (f), ==, 8);

  g_source_set_priority (hog, G_PRIORITY_LOW);
  g_source_set_callback (hog, hog_cb, NULL, NULL);
  g_source_attach (hog, NULL);
  /* Two of the pacer's one-second windows: one of them is all busy. */
  until = g_get_monotonic_time () + 2200 * 1000;
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (run_wave (f), ==, 1);
  g_source_destroy (hog);
}

/* Spending survives a restart: the limiter is rebuilt from the ledger. */
static void
test_restart_keeps_spending (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *json = make_config ("", "",
      ", \"budgets\": {\"user_tokens_per_hour\": 400}, \"retry\": {\"deadline_ms\": 1000}");
  g_autoptr(SluiceRequest) request = make_request ("Tell me something");
  g_autoptr(SluiceResponse) first = NULL, second = NULL, third = NULL;
  g_autoptr(GError) error = NULL;

  apply (f, json);
  sluice_request_set_user (request, "bob");
  sluice_request_set_max_tokens (request, 150);
  first = run (f, request, NULL, &error);
  g_assert_cmpint (sluice_response_get_status (first), ==, SLUICE_REQUEST_STATUS_OK);
  second = run (f, request, NULL, &error);
  g_assert_cmpint (sluice_response_get_status (second), ==, SLUICE_REQUEST_STATUS_OK);

  drop_engine (f);
  f->engine = open_engine (f);
  third = run (f, request, NULL, &error);
  g_assert_no_error (error);
  /* Two answers of ~40 tokens each plus this one's worst case (~170) still
   * fit in 400; so ask for more than is left. */
  g_clear_object (&third);
  sluice_request_set_max_tokens (request, 350);
  third = run (f, request, NULL, &error);
  g_assert_cmpint (sluice_response_get_status (third), ==, SLUICE_REQUEST_STATUS_REFUSED);
  g_assert_nonnull (strstr (sluice_response_get_error_message (third), "user bob: tokens per hour"));
}


static SluiceResponse *
ask_as (Fixture    *f,
        const char *user,
        const char *task_type,
        const char *prompt,
        const char *cache_control)
{
  g_autoptr(SluiceRequest) request = make_request (prompt);
  g_autoptr(GError) error = NULL;
  SluiceResponse *r;

  sluice_request_set_user (request, user);
  sluice_request_set_task (request, task_type);
  sluice_request_set_cache_control (request, cache_control);
  r = run (f, request, NULL, &error);
  g_assert_no_error (error);
  return r;
}

/* Exact tier: a normalised repeat is answered from the cache, for nothing,
 * and only for the same tenant; the entry expires with its policy's TTL and
 * survives a restart. */
static void
test_cache_exact (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(SluiceResponse) first = NULL, again = NULL, other_user = NULL,
                            bypass = NULL, restarted = NULL, expired = NULL;
  g_autoptr(SluiceSnapshot) snapshot = NULL;

  first = ask_as (f, "alice", "classification", "Is this message spam? Buy cheap pills now", NULL);
  g_assert_cmpint (sluice_response_get_cache_status (first), ==, SLUICE_CACHE_STATUS_MISS);
  g_assert_cmpuint (calls_of (f, "beta"), ==, 1);

  again = ask_as (f, "alice", "classification", "is this message SPAM?  buy cheap pills now!", NULL);
  g_assert_cmpint (sluice_response_get_cache_status (again), ==, SLUICE_CACHE_STATUS_EXACT);
  g_assert_cmpstr (sluice_response_get_content (again), ==, sluice_response_get_content (first));
  g_assert_cmpfloat (sluice_response_get_cost_usd (again), ==, 0);
  g_assert_cmpuint (calls_of (f, "beta"), ==, 1);

  other_user = ask_as (f, "bob", "classification", "Is this message spam? Buy cheap pills now", NULL);
  g_assert_cmpint (sluice_response_get_cache_status (other_user), ==, SLUICE_CACHE_STATUS_MISS);
  g_assert_cmpuint (calls_of (f, "beta"), ==, 2);

  bypass = ask_as (f, "alice", "classification", "Is this message spam? Buy cheap pills now", "no-cache");
  g_assert_cmpint (sluice_response_get_cache_status (bypass), !=, SLUICE_CACHE_STATUS_EXACT);
  g_assert_cmpuint (calls_of (f, "beta"), ==, 3);

  sluice_engine_publish_snapshot (f->engine);
  snapshot = sluice_engine_dup_snapshot (f->engine);
  g_assert_cmpuint (sluice_snapshot_get_totals (snapshot)->cache_hits, ==, 1);
  g_assert_cmpuint (sluice_snapshot_get_cache (snapshot)->hits_exact, ==, 1);
  g_assert_cmpuint (sluice_snapshot_get_cache (snapshot)->n_entries, >=, 2);
  g_assert_cmpfloat (sluice_snapshot_get_cache (snapshot)->usd_saved, >, 0);

  drop_engine (f);
  f->engine = open_engine (f);
  restarted = ask_as (f, "alice", "classification", "Is this message spam? Buy cheap pills now", NULL);
  g_assert_cmpint (sluice_response_get_cache_status (restarted), ==, SLUICE_CACHE_STATUS_EXACT);

  /* Classification keeps 48 h. */
  sluice_clock_advance (f->clock, 49LL * 3600 * G_USEC_PER_SEC);
  expired = ask_as (f, "alice", "classification", "Is this message spam? Buy cheap pills now", NULL);
  g_assert_cmpint (sluice_response_get_cache_status (expired), ==, SLUICE_CACHE_STATUS_MISS);
}

/* Semantic tier: a paraphrase hits, a near miss with different key terms
 * does not. */
static void
test_cache_semantic (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(SluiceResponse) first = NULL, paraphrase = NULL, different = NULL;

  first = ask_as (f, "alice", "qa", "How do I reset my password?", NULL);
  g_assert_cmpint (sluice_response_get_cache_status (first), ==, SLUICE_CACHE_STATUS_MISS);
  paraphrase = ask_as (f, "alice", "qa", "How can I reset my password?", NULL);
  g_assert_cmpint (sluice_response_get_cache_status (paraphrase), ==, SLUICE_CACHE_STATUS_SEMANTIC);
  g_assert_cmpstr (sluice_response_get_content (paraphrase), ==, sluice_response_get_content (first));
  different = ask_as (f, "alice", "qa", "How do I change my email?", NULL);
  g_assert_cmpint (sluice_response_get_cache_status (different), ==, SLUICE_CACHE_STATUS_MISS);
}

/* When every provider is down, an expired answer is served, marked stale. */
static void
test_cache_stale (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *down = make_config (", \"errors\": {\"server\": 1.0}",
                                       ", \"errors\": {\"server\": 1.0}", "");
  g_autoptr(SluiceResponse) first = NULL, stale = NULL, unknown = NULL;

  first = ask_as (f, "alice", "qa", "What are your opening hours?", NULL);
  g_assert_cmpint (sluice_response_get_status (first), ==, SLUICE_REQUEST_STATUS_OK);
  apply (f, down);
  sluice_clock_advance (f->clock, 3LL * 3600 * G_USEC_PER_SEC);

  stale = ask_as (f, "alice", "qa", "What are your opening hours?", NULL);
  g_assert_cmpint (sluice_response_get_status (stale), ==, SLUICE_REQUEST_STATUS_DEGRADED);
  g_assert_cmpint (sluice_response_get_cache_status (stale), ==, SLUICE_CACHE_STATUS_STALE);
  g_assert_cmpstr (sluice_response_get_content (stale), ==, sluice_response_get_content (first));
  g_assert_true (trace_has (stale, SLUICE_STAGE_DEGRADE, "stale", NULL));

  unknown = ask_as (f, "alice", "qa", "Do you ship to Canada?", NULL);
  g_assert_cmpint (sluice_response_get_status (unknown), ==, SLUICE_REQUEST_STATUS_ERROR);
}


/* Static answers from the config stand in when every model failed. */
static void
test_static_response (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *json = make_config (", \"errors\": {\"server\": 1.0}",
      ", \"errors\": {\"server\": 1.0}",
      ", \"degradation\": {\"static_responses\": ["
      "  {\"name\": \"hours\", \"match\": \"opening hours\","
      "   \"content\": \"We are open 9 to 5, Monday to Friday.\"} ]}");
  g_autoptr(SluiceResponse) hours = NULL, other = NULL;

  apply (f, json);
  hours = ask_as (f, "alice", NULL, "What are your OPENING HOURS today?", NULL);
  g_assert_cmpint (sluice_response_get_status (hours), ==, SLUICE_REQUEST_STATUS_DEGRADED);
  g_assert_cmpstr (sluice_response_get_content (hours), ==, "We are open 9 to 5, Monday to Friday.");
  g_assert_true (trace_has (hours, SLUICE_STAGE_DEGRADE, "static", "hours"));
  other = ask_as (f, "alice", NULL, "Something else entirely", NULL);
  g_assert_cmpint (sluice_response_get_status (other), ==, SLUICE_REQUEST_STATUS_ERROR);
}

static SluiceResponse *
ask_deferrable (Fixture    *f,
                const char *prompt)
{
  g_autoptr(SluiceRequest) request = make_request (prompt);
  g_autoptr(GError) error = NULL;
  SluiceResponse *r;

  sluice_request_set_deferrable (request, TRUE);
  r = run (f, request, NULL, &error);
  g_assert_no_error (error);
  return r;
}

/* Runs the main loop until the job is no longer running (its request
 * settled and its result written), for at most ten seconds. */
static void
drain_job (Fixture    *f,
           const char *id)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(SluiceDeferredJob) job = NULL;

      while (g_main_context_iteration (NULL, FALSE))
        ;
      sluice_store_flush (sluice_engine_get_store (f->engine));
      job = sluice_engine_lookup_job (f->engine, id, NULL);
      if (job != NULL && job->state != SLUICE_JOB_RUNNING)
        return;
      g_usleep (1000);
    }
}

/* A deferrable request that nobody can answer gets a job id at once; the
 * job survives a restart and is answered when the provider comes back. */
static void
test_deferred_queue (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *down = make_config (", \"errors\": {\"server\": 1.0}",
                                       ", \"errors\": {\"server\": 1.0}",
                                       ", \"degradation\": {\"deferred\": {\"base_backoff_s\": 5, \"max_backoff_s\": 10}}");
  g_autofree char *up = make_config ("", "",
                                     ", \"degradation\": {\"deferred\": {\"base_backoff_s\": 5, \"max_backoff_s\": 10}}");
  g_autoptr(SluiceResponse) deferred = NULL;
  g_autoptr(SluiceDeferredJob) queued = NULL, done = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *job_id = NULL;

  apply (f, down);
  deferred = ask_deferrable (f, "Summarise this report when you can");
  g_assert_cmpint (sluice_response_get_status (deferred), ==, SLUICE_REQUEST_STATUS_DEFERRED);
  job_id = g_strdup (sluice_response_get_job_id (deferred));
  g_assert_nonnull (job_id);
  g_assert_true (g_str_has_prefix (job_id, "job_"));
  g_assert_true (trace_has (deferred, SLUICE_STAGE_DEGRADE, "deferred", job_id));

  /* Restart: the job is still there, queued. */
  drop_engine (f);
  f->engine = open_engine (f);
  queued = sluice_engine_lookup_job (f->engine, job_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (queued->state, ==, SLUICE_JOB_QUEUED);
  g_assert_nonnull (strstr (queued->request, "Summarise this report"));

  /* The providers recover; once the backoff passed, the job is answered. */
  apply (f, up);
  sluice_clock_advance (f->clock, 6 * G_USEC_PER_SEC);
  g_assert_cmpuint (sluice_engine_run_deferred_jobs (f->engine), ==, 1);
  drain_job (f, job_id);
  done = sluice_engine_lookup_job (f->engine, job_id, &error);
  g_assert_no_error (error);
  g_test_message ("job: state %d, attempts %u, error %s", done->state, done->attempts, done->error);
  g_assert_cmpint (done->state, ==, SLUICE_JOB_DONE);
  g_assert_nonnull (strstr (done->response, "Echo: Summarise this report when you can"));
  g_assert_cmpuint (done->attempts, >=, 1);

  g_assert_null (sluice_engine_lookup_job (f->engine, "job_nope", &error));
  g_assert_error (error, SLUICE_STORE_ERROR, SLUICE_STORE_ERROR_NOT_FOUND);
}

/* Breaker state changes are kept as rows beside the ledger. */
static void
test_breaker_events (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(SluiceResponse) r = run_ok (f, "trip it");
  g_autoptr(GPtrArray) events = NULL;
  const SluiceEvent *event;

  sluice_store_flush (sluice_engine_get_store (f->engine));
  events = sluice_events_list (sluice_engine_get_store (f->engine), 0, 10, NULL);
  g_assert_nonnull (events);
  g_assert_cmpuint (events->len, ==, 1);
  event = g_ptr_array_index (events, 0);
  g_assert_cmpstr (event->kind, ==, "breaker.open");
  g_assert_cmpstr (event->subject, ==, "alpha-large");
  g_assert_nonnull (strstr (event->detail, "3 consecutive failures"));
}


/* Hedging: the slow primary is raced by the next model; the first answer
 * wins, the other is cancelled, and the loser's input is still counted. */
static void
test_hedge (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *base = make_config ("", "", "");
  g_autofree char *slow_alpha = NULL, *hedged = NULL, *slow_both = NULL, *hedged_both = NULL;
  g_autoptr(SluiceResponse) won = NULL, lost = NULL;
  double beta_only;

  /* alpha answers after 5 s, beta at once: beta wins the race. */
  slow_alpha = replace_once (base, "\"p50\": 0, \"p99\": 0", "\"p50\": 5000, \"p99\": 5000");
  hedged = replace_once (slow_alpha, "\"max_output_tokens\": 8192",
                         "\"max_output_tokens\": 8192, \"latency_threshold_ms\": 1000, \"hedge\": true");
  apply (f, hedged);
  won = run_ok (f, "Race me");
  g_assert_cmpint (sluice_response_get_status (won), ==, SLUICE_REQUEST_STATUS_OK);
  g_assert_cmpstr (sluice_response_get_model (won), ==, "beta-small");
  g_assert_true (trace_has (won, SLUICE_STAGE_DISPATCH, "hedge", "racing beta-small"));
  g_assert_true (trace_has (won, SLUICE_STAGE_DISPATCH, "hedge-won", "alpha-large is cancelled"));
  g_assert_cmpuint (calls_of (f, "alpha"), ==, 1);
  g_assert_cmpuint (calls_of (f, "beta"), ==, 1);
  beta_only = (sluice_response_get_usage (won)->input_tokens * 0.15 +
               sluice_response_get_usage (won)->output_tokens * 0.6) / 1e6;
  /* The cancelled primary's input is part of the cost. */
  g_assert_cmpfloat (sluice_response_get_cost_usd (won), >, beta_only);
  g_assert_cmpint (sluice_response_get_latency_us (won), <, 2 * G_USEC_PER_SEC);

  /* alpha answers at 1.5 s, beta only after 5 s: alpha wins, beta is cancelled. */
  slow_both = replace_once (hedged, "\"p50\": 5000, \"p99\": 5000", "\"p50\": 1500, \"p99\": 1500");
  hedged_both = replace_once (slow_both, "\"p50\": 0, \"p99\": 0", "\"p50\": 5000, \"p99\": 5000");
  apply (f, hedged_both);
  lost = run_ok (f, "Race me again");
  g_assert_cmpstr (sluice_response_get_model (lost), ==, "alpha-large");
  g_assert_true (trace_has (lost, SLUICE_STAGE_DISPATCH, "hedge-lost", "beta-small is cancelled"));
  g_assert_cmpint (sluice_response_get_latency_us (lost), <, 2 * G_USEC_PER_SEC);
}

static void
test_default_config (void)
{
  g_autoptr(SluiceClock) clock = sluice_clock_new_manual (g_get_real_time ());
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "default.db", NULL);
  Fixture f = { clock, NULL, path };
  g_autoptr(SluiceResponse) response = NULL;
  g_autoptr(GPtrArray) versions = NULL;

  f.engine = open_engine (&f);
  g_assert_cmpint (sluice_engine_get_config_version (f.engine), ==, 1);
  versions = sluice_store_list_config_versions (sluice_engine_get_store (f.engine), NULL);
  g_assert_cmpuint (versions->len, ==, 1);

  response = run_ok (&f, "Summarise the plot of Hamlet in one line.");
  g_assert_cmpint (sluice_response_get_status (response), ==, SLUICE_REQUEST_STATUS_OK);
  g_assert_nonnull (sluice_response_get_content (response));
  g_assert_cmpstr (sluice_response_get_content (response), !=, "");
  g_clear_object (&f.engine);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, data, func) \
  g_test_add ("/engine/pipeline/" path, Fixture, data, fixture_setup, func, fixture_teardown)

  g_test_add_func ("/engine/pipeline/default-config", test_default_config);
  ADD ("answer-and-ledger", NULL, test_answer_and_ledger);
  ADD ("fallback", ", \"errors\": {\"server\": 1.0}", test_fallback);
  ADD ("all-fail", NULL, test_all_fail);
  ADD ("auth-fails-at-once", ", \"errors\": {\"auth\": 1.0}", test_auth_fails_at_once);
  ADD ("retry-after", ", \"errors\": {\"rate_limited\": 1.0}, \"retry_after_ms\": 2000",
       test_retry_after);
  ADD ("routing", NULL, test_routing);
  ADD ("config-versions", NULL, test_config_versions);
  ADD ("streaming", NULL, test_streaming);
  ADD ("stream-cut-no-fallback", ", \"stream\": {\"cut_after_chunks\": 2}",
       test_stream_cut_no_fallback);
  ADD ("snapshot", NULL, test_snapshot);
  ADD ("request-cap", NULL, test_request_cap);
  ADD ("breaker-cycle", ", \"errors\": {\"server\": 1.0}", test_breaker_cycle);
  ADD ("outage-bounded", NULL, test_outage_bounded);
  ADD ("storm-guard", NULL, test_storm_guard);
  ADD ("latency-threshold", NULL, test_latency_threshold);
  ADD ("concurrent-budget", NULL, test_concurrent_budget);
  ADD ("answers-paced", NULL, test_answers_paced);
  ADD ("answers-together-when-busy", NULL, test_answers_together_when_busy);
  ADD ("restart-keeps-spending", NULL, test_restart_keeps_spending);
  ADD ("cache-exact", NULL, test_cache_exact);
  ADD ("cache-semantic", NULL, test_cache_semantic);
  ADD ("cache-stale", NULL, test_cache_stale);
  ADD ("static-response", NULL, test_static_response);
  ADD ("deferred-queue", NULL, test_deferred_queue);
  ADD ("hedge", NULL, test_hedge);
  ADD ("breaker-events", ", \"errors\": {\"server\": 1.0}", test_breaker_events);

  return g_test_run ();
}
