/* test-router.c — routing rules, aliases, unsure guesses and budgets
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "sluice.h"
#include "sluice-limiter.h"
#include "sluice-router.h"

#define CONFIG \
  "{ \"schema\": 1," \
  "  \"providers\": [ { \"name\": \"p\", \"kind\": \"mock\" } ]," \
  "  \"models\": [" \
  "    { \"name\": \"m-big\", \"provider\": \"p\", \"price_in\": 3, \"price_out\": 15," \
  "      \"context_window\": 200000 }," \
  "    { \"name\": \"m-mid\", \"provider\": \"p\", \"price_in\": 1, \"price_out\": 4," \
  "      \"context_window\": 200000 }," \
  "    { \"name\": \"m-small\", \"provider\": \"p\", \"price_in\": 0.15, \"price_out\": 0.6," \
  "      \"context_window\": 200000 } ]," \
  "  \"chains\": { \"big\": [\"m-big\", \"m-small\"], \"mid\": [\"m-mid\"]," \
  "              \"small\": [\"m-small\"] }," \
  "  \"aliases\": { \"smart\": \"big\", \"fast\": \"small\" }," \
  "  \"budgets\": { \"user_tokens_per_hour\": 1000 }," \
  "  \"routing\": { \"default\": \"small\", \"rules\": [ %s ] %s } }"

static SluiceConfig *
make_config (const char *rules,
             const char *extra)
{
  g_autofree char *json = g_strdup_printf (CONFIG, rules, extra != NULL ? extra : "");
  g_autoptr(GError) error = NULL;
  SluiceConfig *config = sluice_config_new_from_data (json, -1, &error);

  g_assert_no_error (error);
  return config;
}

static SluiceRequest *
make_request (const char *prompt,
              const char *task)
{
  SluiceRequest *request = sluice_request_new ();

  sluice_request_add_message (request, SLUICE_ROLE_USER, prompt);
  sluice_request_set_task (request, task);
  return request;
}

static gint64
local_time (int hour,
            int minute)
{
  g_autoptr(GDateTime) when = g_date_time_new_local (2026, 3, 14, hour, minute, 0);

  return g_date_time_to_unix (when) * G_USEC_PER_SEC;
}

static SluiceRouteDecision *
route_full (SluiceConfig  *config,
            SluiceRequest *request,
            gint64         tokens,
            gint64         now_us,
            GArray        *usage)
{
  SluiceRouteInput input = { config, request, tokens, now_us, usage };
  g_autoptr(GError) error = NULL;
  SluiceRouteDecision *d = sluice_router_route (&input, &error);

  g_assert_no_error (error);
  g_assert_nonnull (d);
  return d;
}

static SluiceRouteDecision *
route (SluiceConfig  *config,
       SluiceRequest *request)
{
  return route_full (config, request, 100, local_time (12, 0), NULL);
}

static gboolean
reasons_have (SluiceRouteDecision *d,
              const char          *part)
{
  const char * const *reasons = sluice_route_decision_get_reasons (d);

  for (guint i = 0; reasons[i] != NULL; i++)
    {
      if (strstr (reasons[i], part) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
assert_chain (SluiceConfig  *config,
              SluiceRequest *request,
              const char    *chain,
              const char    *rule)
{
  g_autoptr(SluiceRouteDecision) d = route (config, request);

  g_assert_cmpstr (sluice_route_decision_get_chain (d), ==, chain);
  g_assert_cmpstr (sluice_route_decision_get_rule (d), ==, rule);
}

static void
test_condition_task (void)
{
  g_autoptr(SluiceConfig) config = make_config (
      "{ \"name\": \"hard\", \"tasks\": [\"code\"], \"chain\": \"big\" }", NULL);
  g_autoptr(SluiceRequest) code = make_request ("hi", "code");
  g_autoptr(SluiceRequest) qa = make_request ("hi", "qa");
  g_autoptr(SluiceRouteDecision) d = route (config, code);

  assert_chain (config, code, "big", "hard");
  assert_chain (config, qa, "small", NULL);
  g_assert_false (sluice_route_decision_get_task_guessed (d));
  g_assert_true (reasons_have (d, "task “code” given by the caller"));
  g_assert_true (reasons_have (d, "rule “hard” matched (task code)"));
}

static void
test_condition_input_tokens (void)
{
  g_autoptr(SluiceConfig) config = make_config (
      "{ \"name\": \"long\", \"min_input_tokens\": 1000, \"max_input_tokens\": 5000,"
      "  \"chain\": \"big\" }", NULL);
  g_autoptr(SluiceRequest) request = make_request ("hi", "qa");
  gint64 now = local_time (12, 0);
  g_autoptr(SluiceRouteDecision) below = route_full (config, request, 999, now, NULL);
  g_autoptr(SluiceRouteDecision) low = route_full (config, request, 1000, now, NULL);
  g_autoptr(SluiceRouteDecision) high = route_full (config, request, 5000, now, NULL);
  g_autoptr(SluiceRouteDecision) above = route_full (config, request, 5001, now, NULL);

  g_assert_cmpstr (sluice_route_decision_get_chain (below), ==, "small");
  g_assert_cmpstr (sluice_route_decision_get_chain (low), ==, "big");
  g_assert_cmpstr (sluice_route_decision_get_chain (high), ==, "big");
  g_assert_cmpstr (sluice_route_decision_get_chain (above), ==, "small");
  g_assert_true (reasons_have (low, "~1000 input tokens"));
}

static void
test_condition_output (void)
{
  g_autoptr(SluiceConfig) config = make_config (
      "{ \"name\": \"tools\", \"output\": [\"tools\"], \"chain\": \"big\" },"
      "{ \"name\": \"json\", \"output\": [\"json\"], \"chain\": \"mid\" }", NULL);
  g_autoptr(SluiceRequest) text = make_request ("hi", "qa");
  g_autoptr(SluiceRequest) json = make_request ("hi", "qa");
  g_autoptr(SluiceRequest) both = make_request ("hi", "qa");

  sluice_request_set_response_format (json, "json");
  sluice_request_set_response_format (both, "json");
  sluice_request_set_has_tools (both, TRUE);
  assert_chain (config, text, "small", NULL);
  assert_chain (config, json, "mid", "json");
  /* Tools win over a JSON format. */
  assert_chain (config, both, "big", "tools");
  g_assert_cmpstr (sluice_router_output_kind (both), ==, "tools");
}

static void
test_condition_user (void)
{
  g_autoptr(SluiceConfig) config = make_config (
      "{ \"name\": \"vip\", \"users\": [\"alice\"], \"chain\": \"big\" }", NULL);
  g_autoptr(SluiceRequest) alice = make_request ("hi", "qa");
  g_autoptr(SluiceRequest) bob = make_request ("hi", "qa");
  g_autoptr(SluiceRequest) nobody = make_request ("hi", "qa");

  sluice_request_set_user (alice, "alice");
  sluice_request_set_user (bob, "bob");
  assert_chain (config, alice, "big", "vip");
  assert_chain (config, bob, "small", NULL);
  assert_chain (config, nobody, "small", NULL);
}

static void
test_condition_alias (void)
{
  g_autoptr(SluiceConfig) config = make_config (
      "{ \"name\": \"smart-short\", \"aliases\": [\"smart\"], \"max_input_tokens\": 50,"
      "  \"chain\": \"mid\" }", NULL);
  g_autoptr(SluiceRequest) request = make_request ("hi", "qa");
  gint64 now = local_time (12, 0);
  g_autoptr(SluiceRouteDecision) short_one = NULL;
  g_autoptr(SluiceRouteDecision) long_one = NULL;

  sluice_request_set_model (request, "smart");
  short_one = route_full (config, request, 10, now, NULL);
  long_one = route_full (config, request, 500, now, NULL);
  g_assert_cmpstr (sluice_route_decision_get_chain (short_one), ==, "mid");
  g_assert_true (reasons_have (short_one, "asked for “smart”"));
  /* No rule: the alias's own chain, not the default. */
  g_assert_cmpstr (sluice_route_decision_get_chain (long_one), ==, "big");
  g_assert_true (reasons_have (long_one, "alias “smart” names chain “big”"));
}

static void
test_condition_hours (void)
{
  g_autoptr(SluiceConfig) config = make_config (
      "{ \"name\": \"night\", \"hours\": { \"from\": \"22:00\", \"to\": \"06:00\" },"
      "  \"chain\": \"mid\" },"
      "{ \"name\": \"lunch\", \"hours\": { \"from\": \"12:00\", \"to\": \"13:30\" },"
      "  \"chain\": \"big\" }", NULL);
  g_autoptr(SluiceRequest) request = make_request ("hi", "qa");
  struct { int h, m; const char *chain; } at[] = {
    { 21, 59, "small" }, { 22, 0, "mid" }, { 23, 30, "mid" }, { 0, 0, "mid" },
    { 5, 59, "mid" }, { 6, 0, "small" }, { 12, 0, "big" }, { 13, 29, "big" }, { 13, 30, "small" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (at); i++)
    {
      g_autoptr(SluiceRouteDecision) d = route_full (config, request, 10,
                                                     local_time (at[i].h, at[i].m), NULL);

      if (g_strcmp0 (sluice_route_decision_get_chain (d), at[i].chain) != 0)
        g_test_fail_printf ("%02d:%02d: expected %s, got %s", at[i].h, at[i].m, at[i].chain,
                            sluice_route_decision_get_chain (d));
    }
}

/* First match wins; nothing matching means the default chain. */
static void
test_rule_order_and_default (void)
{
  g_autoptr(SluiceConfig) config = make_config (
      "{ \"name\": \"first\", \"tasks\": [\"qa\"], \"chain\": \"mid\" },"
      "{ \"name\": \"second\", \"tasks\": [\"qa\", \"code\"], \"chain\": \"big\" }", NULL);
  g_autoptr(SluiceRequest) qa = make_request ("hi", "qa");
  g_autoptr(SluiceRequest) code = make_request ("hi", "code");
  g_autoptr(SluiceRequest) other = make_request ("hi", "creative");
  g_autoptr(SluiceRouteDecision) d = route (config, other);

  assert_chain (config, qa, "mid", "first");
  assert_chain (config, code, "big", "second");
  g_assert_cmpstr (sluice_route_decision_get_chain (d), ==, "small");
  g_assert_null (sluice_route_decision_get_rule (d));
  g_assert_true (reasons_have (d, "no rule matched; the default chain"));
  g_assert_cmpstr (sluice_route_decision_get_models (d)[0], ==, "m-small");
}

static void
test_aliases_and_models (void)
{
  g_autoptr(SluiceConfig) config = make_config (
      "{ \"name\": \"hard\", \"tasks\": [\"code\"], \"chain\": \"big\" }", NULL);
  g_autoptr(SluiceRequest) fast = make_request ("hi", "qa");
  g_autoptr(SluiceRequest) chain = make_request ("hi", "qa");
  g_autoptr(SluiceRequest) model = make_request ("hi", "code");
  g_autoptr(SluiceRequest) unknown = make_request ("hi", "qa");
  g_autoptr(SluiceRouteDecision) d = NULL;
  g_autoptr(GError) error = NULL;
  SluiceRouteInput input = { config, unknown, 10, 0, NULL };

  sluice_request_set_model (fast, "fast");
  assert_chain (config, fast, "small", NULL);
  sluice_request_set_model (chain, "mid");
  assert_chain (config, chain, "mid", NULL);

  /* A concrete model is pinned: rules do not apply. */
  sluice_request_set_model (model, "m-mid");
  d = route (config, model);
  g_assert_cmpstr (sluice_route_decision_get_chain (d), ==, "m-mid");
  g_assert_cmpstr (sluice_route_decision_get_models (d)[0], ==, "m-mid");
  g_assert_null (sluice_route_decision_get_models (d)[1]);

  sluice_request_set_model (unknown, "gpt-17");
  g_assert_null (sluice_router_route (&input, &error));
  g_assert_error (error, SLUICE_ROUTER_ERROR, SLUICE_ROUTER_ERROR_NO_ROUTE);
  g_assert_nonnull (strstr (error->message, "gpt-17"));
  g_clear_error (&error);

  /* One config change swaps the model behind an alias everywhere. */
  g_clear_object (&config);
  config = make_config ("", NULL);
  {
    g_autofree char *json = g_strdup_printf (CONFIG, "", "");
    g_autofree char *swapped = NULL;
    g_auto(GStrv) parts = g_strsplit (json, "\"fast\": \"small\"", 2);
    g_autoptr(SluiceConfig) changed = NULL;

    swapped = g_strjoinv ("\"fast\": \"mid\"", parts);
    changed = sluice_config_new_from_data (swapped, -1, &error);
    g_assert_no_error (error);
    assert_chain (config, fast, "small", NULL);
    assert_chain (changed, fast, "mid", NULL);
  }
}

/* A guess below min_confidence routes up, never down. */
static void
test_low_confidence_routes_up (void)
{
  g_autoptr(SluiceConfig) config = make_config (
      "{ \"name\": \"easy\", \"tasks\": [\"classification\", \"summarisation\"],"
      "  \"chain\": \"small\" },"
      "{ \"name\": \"vip\", \"users\": [\"carol\"], \"chain\": \"small\" }",
      ", \"min_confidence\": 0.5");
  g_autoptr(SluiceConfig) with_uncertain = make_config (
      "{ \"name\": \"easy\", \"tasks\": [\"classification\", \"summarisation\"],"
      "  \"chain\": \"small\" }", ", \"uncertain\": \"mid\"");
  const char *mixed = "Classify these logs and summarize the incidents";
  g_autoptr(SluiceRequest) unsure = make_request (mixed, NULL);
  g_autoptr(SluiceRequest) sure = make_request ("Classify this ticket: my parcel never came", NULL);
  g_autoptr(SluiceRequest) aliased = make_request (mixed, NULL);
  g_autoptr(SluiceRequest) carol = make_request (mixed, NULL);
  g_autoptr(SluiceRouteDecision) d = route (config, unsure);
  g_autoptr(SluiceRouteDecision) d2 = route (config, sure);
  g_autoptr(SluiceRouteDecision) d3 = route (with_uncertain, unsure);
  g_autoptr(SluiceRouteDecision) d4 = NULL;
  g_autoptr(SluiceRouteDecision) d5 = NULL;

  g_assert_true (sluice_route_decision_get_task_guessed (d));
  g_assert_cmpfloat (sluice_route_decision_get_confidence (d), <, 0.5);
  g_assert_nonnull (sluice_route_decision_get_features (d));
  /* Up to the most capable chain ... */
  g_assert_cmpstr (sluice_route_decision_get_chain (d), ==, "big");
  g_assert_true (sluice_route_decision_get_routed_up (d));
  g_assert_true (reasons_have (d, "routed up from “small” to “big”"));
  /* ... unless sure, */
  g_assert_cmpstr (sluice_route_decision_get_chain (d2), ==, "small");
  g_assert_false (sluice_route_decision_get_routed_up (d2));
  /* ... or to routing.uncertain when set; */
  g_assert_cmpstr (sluice_route_decision_get_chain (d3), ==, "mid");

  /* with an alias, to the alias's chain; */
  sluice_request_set_model (aliased, "smart");
  d4 = route (config, aliased);
  g_assert_cmpstr (sluice_route_decision_get_chain (d4), ==, "big");

  /* a rule that does not look at tasks was not decided by the guess. */
  sluice_request_set_user (carol, "carol");
  sluice_request_set_task (carol, NULL);
  d5 = route (config, carol);
  g_assert_cmpstr (sluice_route_decision_get_rule (d5), ==, "easy");
  g_assert_cmpstr (sluice_route_decision_get_chain (d5), ==, "big");
}

static void
test_never_down (void)
{
  /* The unsure guess matched a rule to a chain more capable than "up". */
  g_autoptr(SluiceConfig) config = make_config (
      "{ \"name\": \"hard\", \"tasks\": [\"classification\", \"summarisation\"],"
      "  \"chain\": \"big\" }", ", \"uncertain\": \"mid\"");
  g_autoptr(SluiceRequest) request =
    make_request ("Classify these logs and summarize the incidents", NULL);
  g_autoptr(SluiceRouteDecision) d = route (config, request);

  g_assert_cmpstr (sluice_route_decision_get_chain (d), ==, "big");
  g_assert_false (sluice_route_decision_get_routed_up (d));
  g_assert_true (reasons_have (d, "already as capable"));
}

static void
reserved_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  SluiceReservation **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = sluice_limiter_reserve_finish (SLUICE_LIMITER (object), result, NULL, &error);
  g_assert_no_error (error);
}

static SluiceReservation *
reserve (SluiceLimiter *limiter,
         gint64         tokens)
{
  SluiceReservation *reservation = NULL;

  sluice_limiter_reserve_async (limiter, "alice", "m-big", tokens, 0, NULL, reserved_cb,
                                &reservation);
  while (reservation == NULL)
    g_main_context_iteration (NULL, TRUE);
  return reservation;
}

/* The user's budget (1000 tokens an hour) crosses 80% through real
 * reservations: the rule's cheaper chain takes over from that request on. */
static void
test_budget_switch (void)
{
  g_autoptr(SluiceConfig) config = make_config (
      "{ \"name\": \"hard\", \"tasks\": [\"code\"], \"chain\": \"big\","
      "  \"when_budget_above\": 0.8, \"cheaper_chain\": \"small\" }", NULL);
  g_autoptr(SluiceClock) clock = sluice_clock_new_manual (local_time (12, 0));
  g_autoptr(GError) error = NULL;
  g_autoptr(SluiceLimiter) limiter = sluice_limiter_new_for_config (config, clock, &error);
  g_autoptr(SluiceRequest) request = make_request ("hi", "code");
  g_autoptr(SluiceReservation) first = NULL, second = NULL;
  gint64 now = sluice_clock_now_us (clock);

  sluice_request_set_user (request, "alice");
  g_assert_no_error (error);

  first = reserve (limiter, 799);
  {
    g_autoptr(GArray) usage = sluice_limiter_dup_usage (limiter);
    g_autoptr(SluiceRouteDecision) d = route_full (config, request, 10, now, usage);

    g_assert_cmpstr (sluice_route_decision_get_chain (d), ==, "big");
    g_assert_false (sluice_route_decision_get_budget_switched (d));
    g_assert_true (reasons_have (d, "under the rule's 80%"));
  }

  second = reserve (limiter, 1);
  {
    g_autoptr(GArray) usage = sluice_limiter_dup_usage (limiter);
    g_autoptr(SluiceRouteDecision) d = route_full (config, request, 10, now, usage);
    g_autoptr(SluiceRequest) bob = make_request ("hi", "code");
    g_autoptr(SluiceRouteDecision) for_bob = NULL;

    g_assert_cmpstr (sluice_route_decision_get_chain (d), ==, "small");
    g_assert_true (sluice_route_decision_get_budget_switched (d));
    g_assert_true (reasons_have (d, "user alice: tokens per hour"));
    g_assert_cmpstr (sluice_route_decision_get_models (d)[0], ==, "m-small");

    /* Another user's budget is not alice's. */
    sluice_request_set_user (bob, "bob");
    for_bob = route_full (config, bob, 10, now, usage);
    g_assert_cmpstr (sluice_route_decision_get_chain (for_bob), ==, "big");

    /* A reading older than its window has drained away. */
    g_clear_pointer (&d, sluice_route_decision_unref);
    d = route_full (config, request, 10, now + (gint64) 3601 * G_USEC_PER_SEC, usage);
    g_assert_cmpstr (sluice_route_decision_get_chain (d), ==, "big");
  }
  sluice_reservation_release (first);
  sluice_reservation_release (second);
}

/* Caps go on a copy; the caller's request is left alone. */
static void
test_caps (void)
{
  g_autoptr(SluiceConfig) config = make_config (
      "{ \"name\": \"capped\", \"tasks\": [\"qa\"], \"chain\": \"small\","
      "  \"cap_max_tokens\": 256, \"cap_temperature\": 0.3 }", NULL);
  g_autoptr(SluiceRequest) request = make_request ("hi", "qa");
  g_autoptr(SluiceRequest) modest = make_request ("hi", "qa");
  g_autoptr(SluiceRouteDecision) d = NULL;
  g_autoptr(SluiceRequest) effective = NULL;
  g_autoptr(SluiceRequest) same = NULL;
  g_autoptr(JsonNode) json = NULL;

  sluice_request_set_max_tokens (request, 4000);
  sluice_request_set_temperature (request, 1.2);
  d = route (config, request);
  g_assert_cmpint (sluice_route_decision_get_max_tokens_cap (d), ==, 256);
  effective = sluice_router_effective_request (d, request);
  g_assert_true (effective != request);
  g_assert_cmpint (sluice_request_get_max_tokens (effective), ==, 256);
  g_assert_cmpfloat (sluice_request_get_temperature (effective), ==, 0.3);
  g_assert_cmpint (sluice_request_get_max_tokens (request), ==, 4000);
  g_assert_cmpfloat (sluice_request_get_temperature (request), ==, 1.2);
  g_assert_cmpuint (sluice_request_get_messages (effective)->len, ==, 1);

  /* Already within the caps: the request itself goes on. */
  sluice_request_set_max_tokens (modest, 100);
  sluice_request_set_temperature (modest, 0.1);
  same = sluice_router_effective_request (d, modest);
  g_assert_true (same == modest);

  json = sluice_route_decision_to_json_node (d);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (
      json_node_get_object (json), "caps"), "max_tokens"), ==, 256);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json), "rule"), ==,
                   "capped");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/engine/resilience/router/condition/task", test_condition_task);
  g_test_add_func ("/engine/resilience/router/condition/input-tokens", test_condition_input_tokens);
  g_test_add_func ("/engine/resilience/router/condition/output", test_condition_output);
  g_test_add_func ("/engine/resilience/router/condition/user", test_condition_user);
  g_test_add_func ("/engine/resilience/router/condition/alias", test_condition_alias);
  g_test_add_func ("/engine/resilience/router/condition/hours", test_condition_hours);
  g_test_add_func ("/engine/resilience/router/rule-order-and-default", test_rule_order_and_default);
  g_test_add_func ("/engine/resilience/router/aliases-and-models", test_aliases_and_models);
  g_test_add_func ("/engine/resilience/router/low-confidence-routes-up",
                   test_low_confidence_routes_up);
  g_test_add_func ("/engine/resilience/router/never-down", test_never_down);
  g_test_add_func ("/engine/resilience/router/budget-switch", test_budget_switch);
  g_test_add_func ("/engine/resilience/router/caps", test_caps);

  return g_test_run ();
}
