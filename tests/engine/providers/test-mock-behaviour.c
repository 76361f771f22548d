/* test-mock-behaviour.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "sluice.h"

static SluiceMockBehaviour *
behaviour_from (const char *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);
  g_autoptr(GError) error = NULL;
  SluiceMockBehaviour *behaviour;

  g_assert_nonnull (node);
  behaviour = sluice_mock_behaviour_new_from_json (node, "$.mock", &error);
  g_assert_no_error (error);
  return behaviour;
}

static SluiceRequest *
make_request (const char *prompt)
{
  SluiceRequest *request = sluice_request_new ();

  sluice_request_add_message (request, SLUICE_ROLE_SYSTEM, "Be brief.");
  sluice_request_add_message (request, SLUICE_ROLE_USER, prompt);
  return request;
}

static GRand *
rand_for_seed (guint64 seed)
{
  guint32 words[2] = { (guint32) seed, (guint32) (seed >> 32) };

  return g_rand_new_with_seed_array (words, 2);
}

/* One seed, one sequence: two generators with the same seed must agree on
 * every latency, error and answer; another seed must not. */
static void
test_determinism (void)
{
  g_autoptr(SluiceMockBehaviour) b = behaviour_from (
      "{\"seed\": 7, \"errors\": {\"server\": 0.2, \"rate_limited\": 0.1},"
      " \"answer\": \"lorem\"}");
  g_autoptr(SluiceRequest) request = make_request ("Say something");
  GRand *r1 = rand_for_seed (7), *r2 = rand_for_seed (7), *r3 = rand_for_seed (8);
  guint differences = 0;

  for (guint i = 0; i < 200; i++)
    {
      SluiceMockOutcome a, b2, c;

      sluice_mock_behaviour_decide (b, r1, request, 0, &a);
      sluice_mock_behaviour_decide (b, r2, request, 0, &b2);
      sluice_mock_behaviour_decide (b, r3, request, 0, &c);
      g_assert_cmpint (a.latency_us, ==, b2.latency_us);
      g_assert_cmpint (a.error, ==, b2.error);
      g_assert_cmpstr (a.content, ==, b2.content);
      g_assert_cmpint (a.usage.output_tokens, ==, b2.usage.output_tokens);
      if (a.latency_us != c.latency_us || a.error != c.error)
        differences++;
      sluice_mock_outcome_clear (&a);
      sluice_mock_outcome_clear (&b2);
      sluice_mock_outcome_clear (&c);
    }
  g_assert_cmpuint (differences, >, 150);
  g_rand_free (r1);
  g_rand_free (r2);
  g_rand_free (r3);
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* The latency distribution goes through the configured p50 and p99. */
static void
test_latency_percentiles (void)
{
  g_autoptr(SluiceMockBehaviour) b = behaviour_from (
      "{\"latency_ms\": {\"p50\": 400, \"p99\": 4000}}");
  g_autoptr(SluiceRequest) request = make_request ("hello");
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (gint64));
  GRand *rand = rand_for_seed (1);
  double p50, p99;

  for (guint i = 0; i < 20000; i++)
    {
      SluiceMockOutcome o;

      sluice_mock_behaviour_decide (b, rand, request, 0, &o);
      g_array_append_val (samples, o.latency_us);
      sluice_mock_outcome_clear (&o);
    }
  g_array_sort (samples, compare_gint64);
  p50 = g_array_index (samples, gint64, 10000) / 1000.0;
  p99 = g_array_index (samples, gint64, 19800) / 1000.0;
  g_assert_cmpfloat (fabs (p50 - 400) / 400, <, 0.05);
  g_assert_cmpfloat (fabs (p99 - 4000) / 4000, <, 0.10);
  g_rand_free (rand);
}

static void
test_error_rates (void)
{
  g_autoptr(SluiceMockBehaviour) b = behaviour_from (
      "{\"errors\": {\"server\": 0.25, \"timeout\": 0.05}, \"retry_after_ms\": 1500}");
  g_autoptr(SluiceMockBehaviour) limited = behaviour_from (
      "{\"errors\": {\"rate_limited\": 1.0}, \"retry_after_ms\": 1500}");
  g_autoptr(SluiceRequest) request = make_request ("hello");
  GRand *rand = rand_for_seed (3);
  guint counts[SLUICE_N_ERROR_CLASSES] = { 0 };
  SluiceMockOutcome o;

  for (guint i = 0; i < 10000; i++)
    {
      sluice_mock_behaviour_decide (b, rand, request, 0, &o);
      counts[o.error]++;
      if (o.error == SLUICE_ERROR_CLASS_NONE)
        g_assert_nonnull (o.content);
      else
        g_assert_null (o.content);
      sluice_mock_outcome_clear (&o);
    }
  g_assert_cmpuint (counts[SLUICE_ERROR_CLASS_SERVER], >, 2300);
  g_assert_cmpuint (counts[SLUICE_ERROR_CLASS_SERVER], <, 2700);
  g_assert_cmpuint (counts[SLUICE_ERROR_CLASS_TIMEOUT], >, 400);
  g_assert_cmpuint (counts[SLUICE_ERROR_CLASS_TIMEOUT], <, 600);

  sluice_mock_behaviour_decide (limited, rand, request, 0, &o);
  g_assert_cmpint (o.error, ==, SLUICE_ERROR_CLASS_RATE_LIMITED);
  g_assert_cmpint (o.retry_after_ms, ==, 1500);
  sluice_mock_outcome_clear (&o);
  g_rand_free (rand);
}

static void
test_outage_windows (void)
{
  g_autoptr(SluiceMockBehaviour) b = behaviour_from (
      "{\"outages\": [{\"start\": \"2026-11-27T10:00:00Z\", \"end\": \"2026-11-27T10:05:00Z\"}]}");
  g_autoptr(SluiceRequest) request = make_request ("hello");
  g_autoptr(GDateTime) inside = g_date_time_new_from_iso8601 ("2026-11-27T10:02:00Z", NULL);
  g_autoptr(GDateTime) after = g_date_time_new_from_iso8601 ("2026-11-27T10:05:00Z", NULL);
  GRand *rand = rand_for_seed (1);
  SluiceMockOutcome o;

  g_assert_true (sluice_mock_behaviour_in_outage (b, g_date_time_to_unix (inside) * G_USEC_PER_SEC));
  g_assert_false (sluice_mock_behaviour_in_outage (b, g_date_time_to_unix (after) * G_USEC_PER_SEC));
  sluice_mock_behaviour_decide (b, rand, request, g_date_time_to_unix (inside) * G_USEC_PER_SEC, &o);
  g_assert_cmpint (o.error, ==, SLUICE_ERROR_CLASS_OVERLOADED);
  sluice_mock_outcome_clear (&o);
  sluice_mock_behaviour_decide (b, rand, request, g_date_time_to_unix (after) * G_USEC_PER_SEC, &o);
  g_assert_cmpint (o.error, ==, SLUICE_ERROR_CLASS_NONE);
  sluice_mock_outcome_clear (&o);
  g_rand_free (rand);
}

static void
test_answers (void)
{
  g_autoptr(SluiceMockBehaviour) echo = behaviour_from ("{\"answer\": \"echo\"}");
  g_autoptr(SluiceMockBehaviour) canned = behaviour_from (
      "{\"answer\": \"canned\", \"canned\": {\"capital of France\": \"Paris.\"}}");
  g_autoptr(SluiceRequest) q = make_request ("What is the CAPITAL OF FRANCE?");
  g_autoptr(SluiceRequest) capped = make_request ("Say something");
  g_autoptr(SluiceMockBehaviour) lorem = behaviour_from (
      "{\"answer\": \"lorem\", \"output_tokens\": {\"min\": 200, \"max\": 200}}");
  GRand *rand = rand_for_seed (1);
  SluiceMockOutcome o;

  sluice_mock_behaviour_decide (echo, rand, q, 0, &o);
  g_assert_cmpstr (o.content, ==, "Echo: What is the CAPITAL OF FRANCE?");
  g_assert_cmpint (o.usage.input_tokens, >, 5);
  sluice_mock_outcome_clear (&o);

  sluice_mock_behaviour_decide (canned, rand, q, 0, &o);
  g_assert_cmpstr (o.content, ==, "Paris.");
  sluice_mock_outcome_clear (&o);

  sluice_request_set_max_tokens (capped, 10);
  sluice_mock_behaviour_decide (lorem, rand, capped, 0, &o);
  g_assert_cmpint (o.usage.output_tokens, ==, 10);
  g_assert_cmpstr (o.finish_reason, ==, "length");
  g_assert_cmpint (g_utf8_strlen (o.content, -1), <=, 40);
  sluice_mock_outcome_clear (&o);
  g_rand_free (rand);
}

static void
test_invalid (void)
{
  struct { const char *json; const char *prefix; } cases[] = {
    { "[]", "$.mock: must be an object" },
    { "{\"latency\": 1}", "$.mock.latency: unknown member" },
    { "{\"latency_ms\": {\"p50\": \"fast\"}}", "$.mock.latency_ms.p50: must be a number" },
    { "{\"latency_ms\": {\"p50\": 500, \"p99\": 100}}", "$.mock.latency_ms.p99: must not be below p50" },
    { "{\"errors\": {\"sever\": 0.1}}", "$.mock.errors.sever: not an error class" },
    { "{\"errors\": {\"server\": 0.7, \"timeout\": 0.6}}", "$.mock.errors: the error rates add up" },
    { "{\"answer\": \"poem\"}", "$.mock.answer: must be" },
    { "{\"answer\": \"canned\"}", "$.mock.canned: is required" },
    { "{\"outages\": [{\"start\": \"yesterday\"}]}", "$.mock.outages[0].start: must be an ISO 8601" },
    { "{\"outage\": 1}", "$.mock.outage: must be true or false" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (cases[i].json, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(SluiceMockBehaviour) b = NULL;

      b = sluice_mock_behaviour_new_from_json (node, "$.mock", &error);
      g_assert_null (b);
      g_assert_error (error, SLUICE_CONFIG_ERROR, SLUICE_CONFIG_ERROR_INVALID);
      if (!g_str_has_prefix (error->message, cases[i].prefix))
        g_error ("case %u: “%s” does not start with “%s”", i, error->message, cases[i].prefix);
    }
}

/* The complete document written out reads back to the same document. */
static void
test_round_trip (void)
{
  g_autoptr(SluiceMockBehaviour) b = behaviour_from (
      "{\"seed\": 11, \"latency_ms\": {\"p50\": 100, \"p99\": 900}, \"errors\": {\"server\": 0.5},"
      " \"answer\": \"canned\", \"canned\": {\"hi\": \"hello\"}, \"stream\": {\"cut_after_chunks\": 3},"
      " \"outages\": [{\"start\": \"2026-11-27T10:00:00Z\", \"end\": \"2026-11-27T11:00:00Z\"}]}");
  g_autoptr(JsonNode) first = sluice_mock_behaviour_to_json (b);
  g_autoptr(SluiceMockBehaviour) again = NULL;
  g_autoptr(JsonNode) second = NULL;
  g_autoptr(GError) error = NULL;

  again = sluice_mock_behaviour_new_from_json (first, "$", &error);
  g_assert_no_error (error);
  second = sluice_mock_behaviour_to_json (again);
  g_assert_true (json_node_equal (first, second));
  g_assert_cmpuint (sluice_mock_behaviour_get_stream_cut_after (again), ==, 3);
  g_assert_cmpfloat (sluice_mock_behaviour_get_error_rate (again, SLUICE_ERROR_CLASS_SERVER), ==, 0.5);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/engine/providers/mock-behaviour/determinism", test_determinism);
  g_test_add_func ("/engine/providers/mock-behaviour/latency-percentiles", test_latency_percentiles);
  g_test_add_func ("/engine/providers/mock-behaviour/error-rates", test_error_rates);
  g_test_add_func ("/engine/providers/mock-behaviour/outage-windows", test_outage_windows);
  g_test_add_func ("/engine/providers/mock-behaviour/answers", test_answers);
  g_test_add_func ("/engine/providers/mock-behaviour/invalid", test_invalid);
  g_test_add_func ("/engine/providers/mock-behaviour/round-trip", test_round_trip);

  return g_test_run ();
}
