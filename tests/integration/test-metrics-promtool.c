/* test-metrics-promtool.c — the gateway's /metrics, checked by promtool
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "test-gateway-fixture.h"

typedef GatewayFixture Fixture;

static char *
scrape (Fixture *f)
{
  g_autoptr(GatewayReply) r = gateway_request (f, "GET", "/metrics", NULL, NULL, 0, NULL);

  g_assert_cmpuint (r->status, ==, 200);
  return g_strdup (gateway_body_text (r));
}

/* Traffic first, so every family has samples: answers past a model whose
 * breaker an operator opened, and the alert that raised. */
static void
test_promtool (Fixture       *f,
               gconstpointer  data)
{
  const char *promtool = g_getenv ("PROMTOOL");
  g_autoptr(GSubprocess) check = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *metrics = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (promtool == NULL)
    {
      g_test_skip ("PROMTOOL is not set");
      return;
    }
  sluice_engine_force_open_breaker (f->engine, "alpha-large", 600);
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(GatewayReply) r = gateway_post_json (f, "/v1/chat/completions",
                                                     CHAT_BODY ("main", "How do rivers carve valleys?"));

      g_assert_cmpuint (r->status, ==, 200);
    }
  metrics = scrape (f);
  g_assert_nonnull (strstr (metrics, "sluice_model_request_duration_seconds_count{model=\"beta-small\"}"));
  g_assert_nonnull (strstr (metrics, "sluice_breaker_state{model=\"alpha-large\",state=\"open\"} 1"));
  g_assert_nonnull (strstr (metrics, "sluice_alerts_unacknowledged{severity=\"critical\"} 1"));
  g_assert_nonnull (strstr (metrics, "sluice_limit_headroom_ratio{"));
  g_assert_nonnull (strstr (metrics, "sluice_rollup_cost_usd{dimension=\"route\",key=\"main\"}"));

  check = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                            G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                            promtool, "check", "metrics", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (check, metrics, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (check))
    g_test_fail_printf ("promtool check metrics: %s%s", out, err);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/integration/metrics/promtool", Fixture, NULL, gateway_setup, test_promtool,
              gateway_teardown);
  return g_test_run ();
}
