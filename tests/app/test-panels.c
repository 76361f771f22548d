/* test-panels.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-test"

#include "config.h"

#include "sluice-alerts-popover.h"
#include "sluice-app-test-support.h"
#include "sluice-application.h"
#include "sluice-budgets-page.h"
#include "sluice-budgets-users.h"
#include "sluice-cache-page.h"
#include "sluice-chart.h"
#include "sluice-overview-page.h"
#include "sluice-providers-page.h"
#include "sluice-window.h"

static SluiceApplication *app;

/* Chart helpers. */

static void
test_chart_ticks (void)
{
  double first, step;
  guint n;
  gint64 start = G_GINT64_CONSTANT (1767225600) * G_USEC_PER_SEC + 1234567;
  gint64 tick, step_us;
  g_autoptr(GDateTime) local = NULL;

  n = sluice_chart_nice_ticks (0, 97, 6, &first, &step);
  g_assert_cmpfloat (first, ==, 0);
  g_assert_cmpfloat (step, ==, 20);
  g_assert_cmpuint (n, ==, 5);

  n = sluice_chart_nice_ticks (0, 0.37, 5, &first, &step);
  g_assert_cmpfloat_with_epsilon (step, 0.1, 1e-12);
  g_assert_cmpuint (n, ==, 4);

  n = sluice_chart_nice_ticks (3, 12, 4, &first, &step);
  g_assert_cmpfloat (step, ==, 5);
  g_assert_cmpfloat (first, ==, 5);
  g_assert_cmpuint (n, ==, 2);

  g_assert_cmpint (sluice_chart_time_step (300 * G_USEC_PER_SEC, 6), ==, 60 * G_USEC_PER_SEC);
  g_assert_cmpint (sluice_chart_time_step (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC, 8),
                   ==, 600 * G_USEC_PER_SEC);
  g_assert_cmpint (sluice_chart_time_step (G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC, 8),
                   ==, G_GINT64_CONSTANT (10800) * G_USEC_PER_SEC);

  /* Hourly ticks fall on the local hour. */
  step_us = G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC;
  tick = sluice_chart_first_time_tick (start, step_us);
  g_assert_cmpint (tick, >=, start);
  g_assert_cmpint (tick - start, <, step_us);
  local = g_date_time_new_from_unix_local (tick / G_USEC_PER_SEC);
  g_assert_cmpint (g_date_time_get_minute (local), ==, 0);
  g_assert_cmpint (g_date_time_get_second (local), ==, 0);
  g_assert_cmpint (tick % G_USEC_PER_SEC, ==, 0);
}

static void
test_chart_format (void)
{
  struct { SluiceChartUnit unit; double value; const char *text; } cases[] = {
    { SLUICE_CHART_UNIT_MS, 120, "120 ms" },
    { SLUICE_CHART_UNIT_MS, 1500, "1.5 s" },
    { SLUICE_CHART_UNIT_RATE, 3.25, "3.2 req/s" },
    { SLUICE_CHART_UNIT_RATE, 40, "40 req/s" },
    { SLUICE_CHART_UNIT_USD, 1.5, "$1.50" },
    { SLUICE_CHART_UNIT_PERCENT, 0.25, "25 %" },
    { SLUICE_CHART_UNIT_PERCENT, 0.05, "5.0 %" },
    { SLUICE_CHART_UNIT_TOKENS, 12000, "12k tokens" },
    { SLUICE_CHART_UNIT_COUNT, 2500000, "2.5M" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = sluice_chart_format_value (cases[i].unit, cases[i].value);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_chart_readout (void)
{
  GtkWidget *widget = g_object_ref_sink (sluice_chart_new ());
  SluiceChart *chart = SLUICE_CHART (widget);
  gint64 t0 = G_GINT64_CONSTANT (1767225600) * G_USEC_PER_SEC;
  g_autofree char *readout = NULL;
  g_autofree char *empty = NULL;
  double value;
  guint requests, errors;

  g_assert_cmpstr (gtk_widget_get_css_name (widget), ==, "chart");
  g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget)),
                   ==, GTK_ACCESSIBLE_ROLE_IMG);

  sluice_chart_set_unit (chart, SLUICE_CHART_UNIT_RATE);
  requests = sluice_chart_add_series (chart, "Requests", SLUICE_CHART_COLOR_ACCENT);
  errors = sluice_chart_add_series (chart, "Errors", SLUICE_CHART_COLOR_ERROR);
  g_assert_cmpuint (sluice_chart_get_n_series (chart), ==, 2);

  /* Two samples in one ten-second bucket average; the next bucket is its own. */
  sluice_chart_push (chart, requests, t0 + 1 * G_USEC_PER_SEC, 2);
  sluice_chart_push (chart, requests, t0 + 4 * G_USEC_PER_SEC, 4);
  sluice_chart_push (chart, requests, t0 + 12 * G_USEC_PER_SEC, 10);
  sluice_chart_push (chart, errors, t0 + 13 * G_USEC_PER_SEC, 0.5);

  g_assert_true (sluice_chart_value_at (chart, requests, t0 + 9 * G_USEC_PER_SEC, &value));
  g_assert_cmpfloat (value, ==, 3);
  g_assert_true (sluice_chart_value_at (chart, requests, t0 + 10 * G_USEC_PER_SEC, &value));
  g_assert_cmpfloat (value, ==, 10);
  g_assert_false (sluice_chart_value_at (chart, errors, t0, &value));
  g_assert_false (sluice_chart_value_at (chart, requests, t0 + 25 * G_USEC_PER_SEC, &value));

  readout = sluice_chart_dup_readout (chart, t0 + 5 * G_USEC_PER_SEC);
  g_assert_nonnull (strstr (readout, "Requests 3.0 req/s"));
  g_assert_nonnull (strstr (readout, "Errors —"));
  g_assert_nonnull (strstr (sluice_chart_get_summary (chart), "Requests: 10 req/s"));
  g_assert_nonnull (strstr (sluice_chart_get_summary (chart), "Errors: 0.5 req/s"));

  /* set_point replaces the bucket's value instead of averaging. */
  sluice_chart_set_point (chart, requests, t0 + 15 * G_USEC_PER_SEC, 7);
  g_assert_true (sluice_chart_get_latest (chart, requests, &value));
  g_assert_cmpfloat (value, ==, 7);

  /* A day later the old buckets are gone from the ring. */
  sluice_chart_push (chart, requests, t0 + G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC, 1);
  g_assert_false (sluice_chart_value_at (chart, requests, t0 + 5 * G_USEC_PER_SEC, &value));
  empty = sluice_chart_dup_readout (chart, t0 + 5 * G_USEC_PER_SEC);
  g_assert_nonnull (strstr (empty, "Requests —"));

  sluice_chart_set_window (chart, SLUICE_CHART_WINDOW_24_HOURS);
  g_assert_cmpuint (sluice_chart_get_window (chart), ==, SLUICE_CHART_WINDOW_24_HOURS);
  g_object_unref (widget);
}

/* Every new template is instantiated; without a host a page is empty. */
static void
test_templates (void)
{
  GType types[] = { SLUICE_TYPE_PROVIDERS_PAGE, SLUICE_TYPE_BUDGETS_PAGE,
                    SLUICE_TYPE_CACHE_PAGE, SLUICE_TYPE_OVERVIEW_PAGE };
  GtkWidget *popover;
  SluiceWindow *window;

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      GtkWidget *page = g_object_ref_sink (g_object_new (types[i], NULL));
      GtkStack *state = GTK_STACK (sluice_app_test_child (page, types[i], "state_stack"));

      g_assert_cmpstr (gtk_stack_get_visible_child_name (state), ==, "empty");
      g_object_unref (page);
    }

  popover = g_object_ref_sink (g_object_new (SLUICE_TYPE_ALERTS_POPOVER, NULL));
  g_assert_cmpuint (sluice_alerts_popover_get_n_unread (SLUICE_ALERTS_POPOVER (popover)), ==, 0);
  g_object_unref (popover);

  window = sluice_window_new (app);
  g_assert_true (sluice_window_set_page (window, "providers"));
  g_assert_true (SLUICE_IS_PROVIDERS_PAGE (gtk_stack_get_visible_child (
    GTK_STACK (sluice_app_test_child (window, SLUICE_TYPE_WINDOW, "stack")))));
  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  SluiceWindow *window;
  GtkWidget    *page;
  const char   *model;
  const char   *want;
  double        before;
} Fixture;

static gboolean
breaker_shows (gpointer data)
{
  Fixture *f = data;

  return g_strcmp0 (sluice_providers_page_get_state_text (SLUICE_PROVIDERS_PAGE (f->page),
                                                          f->model), f->want) == 0;
}

static gboolean
alert_toasted (gpointer data)
{
  Fixture *f = data;
  GtkWidget *popover = sluice_app_test_child (f->window, SLUICE_TYPE_WINDOW, "alerts_popover");

  return sluice_alerts_popover_get_n_toasted (SLUICE_ALERTS_POPOVER (popover)) > 0;
}

static AdwMessageDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window))
        return ADW_MESSAGE_DIALOG (window);
    }

  return NULL;
}

static gboolean
dialog_shown (gpointer data)
{
  return find_dialog () != NULL;
}

static void
test_providers_breaker (void)
{
  SluiceEngineHost *host = sluice_application_get_engine_host (app);
  Fixture f = { sluice_window_new (app), NULL, "mock-small", "Open", 0 };
  AdwMessageDialog *dialog;

  /* The test bus has no notification server; GIO would warn. */
  sluice_alerts_popover_set_desktop_notifications (
    SLUICE_ALERTS_POPOVER (sluice_app_test_child (f.window, SLUICE_TYPE_WINDOW, "alerts_popover")),
    FALSE);
  f.page = sluice_app_test_child (f.window, SLUICE_TYPE_WINDOW, "providers_page");
  gtk_window_present (GTK_WINDOW (f.window));
  sluice_window_set_page (f.window, "providers");

  /* Every configured model has a card, closed at first. */
  f.want = "Closed";
  g_assert_true (sluice_app_test_wait_until (breaker_shows, &f));

  sluice_engine_host_force_open_breaker (host, f.model, 120);
  f.want = "Open";
  g_assert_true (sluice_app_test_wait_until (breaker_shows, &f));
  g_assert_true (sluice_app_test_wait_until (alert_toasted, &f));

  /* Reset asks first; the answer closes the breaker. */
  gtk_widget_activate_action (f.page, "providers.reset", "s", f.model);
  g_assert_true (sluice_app_test_wait_until (dialog_shown, NULL));
  dialog = find_dialog ();
  adw_message_dialog_response (dialog, "reset");
  gtk_window_destroy (GTK_WINDOW (dialog));
  f.want = "Closed";
  g_assert_true (sluice_app_test_wait_until (breaker_shows, &f));

  gtk_window_destroy (GTK_WINDOW (f.window));
}

/* Sends one request and waits for its successful response. */
static void
send (const char *user,
      const char *task,
      const char *prompt)
{
  g_autoptr(SluiceRequest) request = sluice_request_new ();
  g_autoptr(SluiceResponse) response = NULL;

  sluice_request_add_message (request, SLUICE_ROLE_USER, prompt);
  sluice_request_set_user (request, user);
  sluice_request_set_task (request, task);
  sluice_request_set_temperature (request, 0);
  sluice_request_set_max_tokens (request, 1000);
  response = sluice_app_test_send (sluice_application_get_engine_host (app), request);
  g_assert_cmpint (sluice_response_get_status (response), ==, SLUICE_REQUEST_STATUS_OK);
}

static gboolean
burn_moved (gpointer data)
{
  Fixture *f = data;

  return sluice_budgets_page_get_spent (SLUICE_BUDGETS_PAGE (f->page),
                                        "budget.user_tokens_per_hour") > f->before;
}

static void
test_budgets_burn_down (void)
{
  Fixture f = { sluice_window_new (app), NULL, NULL, NULL, -1 };
  GListModel *users;
  g_autoptr(SluiceUserUsage) row = NULL;

  f.page = sluice_app_test_child (f.window, SLUICE_TYPE_WINDOW, "budgets_page");
  sluice_window_set_page (f.window, "budgets");

  send ("alice", "creative", "Write a haiku about sluice gates.");
  g_assert_true (sluice_app_test_wait_until (burn_moved, &f));
  f.before = sluice_budgets_page_get_spent (SLUICE_BUDGETS_PAGE (f.page),
                                            "budget.user_tokens_per_hour");
  g_assert_cmpfloat (f.before, >, 0);

  users = sluice_budgets_page_get_users (SLUICE_BUDGETS_PAGE (f.page));
  g_assert_cmpuint (g_list_model_get_n_items (users), >=, 1);
  row = g_list_model_get_item (users, 0);
  g_assert_cmpstr (sluice_user_usage_get_name (row), ==, "alice");
  g_assert_cmpint (sluice_user_usage_get_tokens_hour (row), >, 0);
  g_assert_cmpfloat (sluice_user_usage_get_fraction (row), >, 0);

  /* More spending moves the burn-down further. */
  send ("alice", "creative", "Write a limerick about rate limits.");
  g_assert_true (sluice_app_test_wait_until (burn_moved, &f));

  gtk_window_destroy (GTK_WINDOW (f.window));
}

static gboolean
hit_rate_positive (gpointer data)
{
  Fixture *f = data;

  return sluice_cache_page_get_hit_rate (SLUICE_CACHE_PAGE (f->page)) > 0;
}

static gboolean
classification_hit_shown (gpointer data)
{
  Fixture *f = data;

  return g_strcmp0 (sluice_cache_page_get_policy_hits (SLUICE_CACHE_PAGE (f->page), "classification"),
                    "1 hit of 2 lookups") == 0;
}

static void
test_cache_hit_rate (void)
{
  Fixture f = { sluice_window_new (app), NULL, NULL, NULL, 0 };
  GtkWidget *overview = sluice_app_test_child (f.window, SLUICE_TYPE_WINDOW, "overview_page");
  GtkWidget *label = sluice_app_test_child (overview, SLUICE_TYPE_OVERVIEW_PAGE, "hit_rate_label");
  GtkWidget *policies;
  const char *prompt = "Classify the sentiment: the gates opened on time.";

  f.page = sluice_app_test_child (f.window, SLUICE_TYPE_WINDOW, "cache_page");
  sluice_window_set_page (f.window, "cache");

  send ("bob", "classification", prompt);
  send ("bob", "classification", prompt);
  g_assert_true (sluice_app_test_wait_until (hit_rate_positive, &f));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), !=, "0 %");

  /* The TTL policy table lists the config's task types, with their hits. */
  policies = sluice_app_test_child (f.page, SLUICE_TYPE_CACHE_PAGE, "policies_list");
  g_assert_nonnull (gtk_widget_get_first_child (policies));
  g_assert_true (sluice_app_test_wait_until (classification_hit_shown, &f));
  g_assert_cmpstr (sluice_cache_page_get_policy_hits (SLUICE_CACHE_PAGE (f.page), "classification"),
                   ==, "1 hit of 2 lookups");

  gtk_window_destroy (GTK_WINDOW (f.window));
}

int
main (int   argc,
      char *argv[])
{
  sluice_app_test_init (&argc, &argv, "panels", 60);

  g_test_add_func ("/app/widgets/chart/ticks", test_chart_ticks);
  g_test_add_func ("/app/widgets/chart/format", test_chart_format);

  app = sluice_app_test_start ("/app/panels/display");
  if (app != NULL)
    {
      g_test_add_func ("/app/widgets/chart/readout", test_chart_readout);
      g_test_add_func ("/app/panels/templates", test_templates);
      g_test_add_func ("/app/panels/providers/breaker", test_providers_breaker);
      g_test_add_func ("/app/panels/budgets/burn-down", test_budgets_burn_down);
      g_test_add_func ("/app/panels/cache/hit-rate", test_cache_hit_rate);
    }

  return sluice_app_test_run ();
}
