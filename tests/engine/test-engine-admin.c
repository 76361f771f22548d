/* test-engine-admin.c — history, rollback, diffs, mock chaos and probes
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-engine-admin"

#include "config.h"

#include <string.h>

#include "sluice.h"

/* Single quotes stand for double quotes; %s is the chain "main". */
static const char config_template[] =
  "{'schema': 1,"
  " 'providers': ["
  "   {'name': 'alpha', 'kind': 'mock', 'mock': {'seed': 1, 'latency_ms': {'p50': 0, 'p99': 0}}},"
  "   {'name': 'beta', 'kind': 'mock', 'mock': {'seed': 2, 'latency_ms': {'p50': 0, 'p99': 0}}},"
  "   {'name': 'remote', 'kind': 'openai', 'base_url': 'http://127.0.0.1:9/v1'}],"
  " 'models': ["
  "   {'name': 'alpha-large', 'provider': 'alpha', 'price_in': 3, 'price_out': 15,"
  "    'context_window': 200000},"
  "   {'name': 'beta-small', 'provider': 'beta', 'price_in': 0.1, 'price_out': 0.4,"
  "    'context_window': 100000}],"
  " 'chains': {'main': %s},"
  " 'routing': {'default': 'main'}}";

typedef struct
{
  SluiceClock  *clock;
  SluiceEngine *engine;
} Fixture;

static char *
make_config (const char *chain)
{
  char *json = g_strdup_printf (config_template, chain);

  g_strdelimit (json, "'", '"');
  return json;
}

static void
apply (Fixture    *f,
       const char *chain)
{
  g_autofree char *json = make_config (chain);
  g_autoptr(GError) error = NULL;

  sluice_engine_apply_config_json (f->engine, json, "test", "chain", &error);
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *db = g_build_filename (g_get_user_data_dir (), "admin.db", NULL);
  g_autoptr(GError) error = NULL;

  f->clock = sluice_clock_new_manual (g_get_real_time ());
  f->engine = sluice_engine_new (db, f->clock, &error);
  g_assert_no_error (error);
  apply (f, "['alpha-large', 'beta-small']");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->engine);
  g_clear_object (&f->clock);
}

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (Fixture       *f,
             GAsyncResult **slot)
{
  while (*slot == NULL)
    {
      if (!g_main_context_iteration (NULL, FALSE) && sluice_clock_pending_sleeps (f->clock) > 0)
        sluice_clock_advance (f->clock, 50 * 1000);
    }
  return *slot;
}

/* The model that answered one request. */
static char *
answering_model (Fixture *f)
{
  g_autoptr(SluiceRequest) request = sluice_request_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SluiceResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  static guint n;
  g_autofree char *prompt = g_strdup_printf ("Question number %u?", n++);

  sluice_request_add_message (request, SLUICE_ROLE_USER, prompt);
  sluice_engine_complete_async (f->engine, request, NULL, NULL, NULL, done_cb, &result);
  response = sluice_engine_complete_finish (f->engine, wait_result (f, &result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (sluice_response_get_status (response), ==, SLUICE_REQUEST_STATUS_OK);
  return g_strdup (sluice_response_get_model (response));
}

static void
test_rollback (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = answering_model (f);
  g_autofree char *after = NULL;
  g_autofree char *restored = NULL;
  gint64 good = sluice_engine_get_config_version (f->engine);
  gint64 rolled;
  SluiceConfigVersion *newest;

  g_assert_cmpstr (before, ==, "alpha-large");
  apply (f, "['beta-small', 'alpha-large']");
  after = answering_model (f);
  g_assert_cmpstr (after, ==, "beta-small");

  rolled = sluice_engine_rollback (f->engine, good, "ops", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rolled, ==, good + 2);
  g_assert_cmpint (sluice_engine_get_config_version (f->engine), ==, rolled);
  restored = answering_model (f);
  g_assert_cmpstr (restored, ==, "alpha-large");

  versions = sluice_engine_list_config_versions (f->engine, &error);
  g_assert_no_error (error);
  newest = g_ptr_array_index (versions, 0);
  g_assert_cmpint (newest->version, ==, rolled);
  g_assert_cmpstr (newest->author, ==, "ops");
  g_assert_nonnull (strstr (newest->comment, "version"));
}

static void
test_rollback_missing (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 version = sluice_engine_get_config_version (f->engine);

  g_assert_cmpint (sluice_engine_rollback (f->engine, 999, NULL, NULL, &error), ==, 0);
  g_assert_error (error, SLUICE_STORE_ERROR, SLUICE_STORE_ERROR_NOT_FOUND);
  g_assert_cmpint (sluice_engine_get_config_version (f->engine), ==, version);
}

static void
test_history_diff (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) versions = NULL;
  g_autofree char *diff = NULL;
  SluiceConfigVersion *newer, *older;

  apply (f, "['beta-small', 'alpha-large']");
  versions = sluice_engine_list_config_versions (f->engine, NULL);
  g_assert_cmpuint (versions->len, >=, 2);
  newer = g_ptr_array_index (versions, 0);
  older = g_ptr_array_index (versions, 1);
  diff = sluice_config_diff_text (older->json, newer->json, NULL);
  g_assert_cmpstr (diff, ==, "chains.main: [alpha-large, beta-small] → [beta-small, alpha-large]");
}

static SluiceMockBehaviour *
outage_behaviour (void)
{
  g_autoptr(JsonNode) node = json_from_string ("{\"outage\": true}", NULL);
  g_autoptr(GError) error = NULL;
  SluiceMockBehaviour *behaviour = sluice_mock_behaviour_new_from_json (node, "$", &error);

  g_assert_no_error (error);
  return behaviour;
}

static void
test_chaos_outage (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(SluiceMockBehaviour) outage = outage_behaviour ();
  g_autoptr(SluiceMockBehaviour) now = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *during = NULL;
  g_autofree char *after = NULL;
  gint64 version = sluice_engine_get_config_version (f->engine);

  g_assert_true (sluice_engine_set_mock_chaos (f->engine, "alpha", outage, &error));
  g_assert_no_error (error);
  /* Operational, not a config change. */
  g_assert_cmpint (sluice_engine_get_config_version (f->engine), ==, version);
  now = sluice_engine_dup_mock_behaviour (f->engine, "alpha");
  g_assert_true (sluice_mock_behaviour_in_outage (now, 0));
  during = answering_model (f);
  g_assert_cmpstr (during, ==, "beta-small");

  g_assert_true (sluice_engine_reset_mock_chaos (f->engine, "alpha", &error));
  g_clear_pointer (&now, sluice_mock_behaviour_unref);
  now = sluice_engine_dup_mock_behaviour (f->engine, "alpha");
  g_assert_false (sluice_mock_behaviour_in_outage (now, 0));
  sluice_engine_reset_breaker (f->engine, "alpha-large");
  after = answering_model (f);
  g_assert_cmpstr (after, ==, "alpha-large");
}

static void
test_chaos_not_mock (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(SluiceMockBehaviour) outage = outage_behaviour ();
  g_autoptr(GError) error = NULL;

  g_assert_false (sluice_engine_set_mock_chaos (f->engine, "remote", outage, &error));
  g_assert_error (error, SLUICE_ENGINE_ERROR, SLUICE_ENGINE_ERROR_NO_ROUTE);
  g_assert_null (sluice_engine_dup_mock_behaviour (f->engine, "nobody"));
}

static void
test_probe (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) missing = NULL;
  g_autoptr(SluiceProviderProbe) probe = NULL;
  g_autoptr(SluiceProviderProbe) none = NULL;
  g_autoptr(SluiceSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;

  sluice_engine_test_provider_async (f->engine, "beta", NULL, done_cb, &result);
  probe = sluice_engine_test_provider_finish (f->engine, wait_result (f, &result), &error);
  g_assert_no_error (error);
  g_assert_true (probe->ok);
  g_assert_cmpstr (probe->model, ==, "beta-small");
  g_assert_cmpint (probe->latency_us, >=, 0);
  /* No ledger row: the probe bypasses the pipeline. */
  snapshot = sluice_engine_dup_snapshot (f->engine);
  g_assert_cmpuint (sluice_snapshot_get_totals (snapshot)->requests, ==, 0);

  sluice_engine_test_provider_async (f->engine, "nobody", NULL, done_cb, &missing);
  none = sluice_engine_test_provider_finish (f->engine, wait_result (f, &missing), &error);
  g_assert_null (none);
  g_assert_error (error, SLUICE_ENGINE_ERROR, SLUICE_ENGINE_ERROR_NO_ROUTE);
}

static void
test_probe_refused (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SluiceProviderProbe) probe = NULL;
  g_autoptr(GError) error = NULL;

  /* Port 9 (discard) is closed on loopback: the call fails, the probe says so. */
  sluice_engine_test_provider_async (f->engine, "remote", NULL, done_cb, &result);
  probe = sluice_engine_test_provider_finish (f->engine, wait_result (f, &result), &error);
  g_assert_no_error (error);
  g_assert_false (probe->ok);
  g_assert_nonnull (probe->message);
  g_assert_cmpstr (probe->message, !=, "");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/engine/admin/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("rollback", test_rollback);
  ADD ("rollback-missing", test_rollback_missing);
  ADD ("history-diff", test_history_diff);
  ADD ("chaos-outage", test_chaos_outage);
  ADD ("chaos-not-mock", test_chaos_not_mock);
  ADD ("probe", test_probe);
  ADD ("probe-refused", test_probe_refused);

  return g_test_run ();
}
