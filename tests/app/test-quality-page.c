/* test-quality-page.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-test"

#include "config.h"

#include <math.h>
#include <json-glib/json-glib.h>

#include "sluice-alerts-popover.h"
#include "sluice-app-test-support.h"
#include "sluice-application.h"
#include "sluice-budgets-page.h"
#include "sluice-quality-page.h"
#include "sluice-window.h"

/* The Quality & Drift page and acknowledging alerts, on the console's own
 * engine host with the in-process mock providers. */

static SluiceApplication *app;

static SluiceEngineHost *
host (void)
{
  return sluice_application_get_engine_host (app);
}

/* Runs @func on the engine thread and returns what it returned. */
static gpointer
run_in_engine (SluiceEngineHostTaskFunc func,
               gpointer                 data,
               GDestroyNotify           data_destroy,
               GDestroyNotify           result_destroy)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gpointer value;

  sluice_engine_host_run_async (host (), func, data, data_destroy, result_destroy,
                                NULL, sluice_app_test_store_result, &result);
  sluice_app_test_wait_result (&result);
  value = sluice_engine_host_run_finish (host (), result, &error);
  g_assert_no_error (error);
  return value;
}

static void
apply_in_engine (SluiceEngine *engine,
                 gpointer      data,
                 GTask        *task)
{
  GError *error = NULL;

  if (sluice_engine_apply_config_json (engine, data, "test", "quality test", &error))
    g_task_return_pointer (task, GINT_TO_POINTER (TRUE), NULL);
  else
    g_task_return_error (task, error);
}

static void
list_alerts_in_engine (SluiceEngine *engine,
                       gpointer      data,
                       GTask        *task)
{
  g_task_return_pointer (task, sluice_engine_list_alerts (engine, 0),
                         (GDestroyNotify) g_ptr_array_unref);
}

/* Every answer scored, mock-large-legacy retiring in ten days and
 * mock-small-b in five (two alerts). */
static void
apply_quality_config (void)
{
  g_autoptr(SluiceConfig) config = sluice_engine_host_dup_config (host ());
  g_autofree char *json = sluice_config_to_json (config);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) soon = g_date_time_add_days (now, 10);
  g_autoptr(GDateTime) sooner = g_date_time_add_days (now, 5);
  g_autofree char *date = g_date_time_format (soon, "%Y-%m-%d");
  g_autofree char *date_b = g_date_time_format (sooner, "%Y-%m-%d");
  JsonObject *root, *quality;
  JsonArray *models;

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  root = json_node_get_object (json_parser_get_root (parser));
  quality = json_object_get_object_member (json_object_get_object_member (root, "monitoring"),
                                           "quality");
  json_object_set_double_member (quality, "sample_rate", 1.0);
  models = json_object_get_array_member (root, "models");
  for (guint i = 0; i < json_array_get_length (models); i++)
    {
      JsonObject *model = json_array_get_object_element (models, i);

      const char *name = json_object_get_string_member (model, "name");

      if (g_strcmp0 (name, "mock-large-legacy") == 0)
        json_object_set_string_member (model, "retires", date);
      else if (g_strcmp0 (name, "mock-small-b") == 0)
        json_object_set_string_member (model, "retires", date_b);
    }

  run_in_engine (apply_in_engine, json_to_string (json_parser_get_root (parser), FALSE),
                 g_free, NULL);
}

static void
test_templates (void)
{
  GtkWidget *page = g_object_ref_sink (sluice_quality_page_new ());
  GtkWidget *popover = g_object_ref_sink (g_object_new (SLUICE_TYPE_ALERTS_POPOVER, NULL));
  GtkWidget *stack;
  int days;

  /* No snapshot yet: each section says what will appear. */
  stack = sluice_app_test_child (page, SLUICE_TYPE_QUALITY_PAGE, "quality_stack");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "empty");
  stack = sluice_app_test_child (page, SLUICE_TYPE_QUALITY_PAGE, "deprecation_stack");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "empty");
  g_assert_true (isnan (sluice_quality_page_get_score (SLUICE_QUALITY_PAGE (page), "small")));
  g_assert_false (sluice_quality_page_get_days_left (SLUICE_QUALITY_PAGE (page),
                                                     "mock-large-legacy", &days));
  sluice_app_test_child (page, SLUICE_TYPE_QUALITY_PAGE, "drift_chart");

  /* Nothing to acknowledge. */
  g_assert_false (gtk_widget_get_sensitive (sluice_app_test_child (popover,
                                                                   SLUICE_TYPE_ALERTS_POPOVER,
                                                                   "ack_all_button")));

  g_object_unref (popover);
  g_object_unref (page);
}

typedef struct
{
  SluiceWindow        *window;
  SluiceQualityPage   *page;
  SluiceAlertsPopover *popover;
  guint                pending;
  guint                unread_before;
  gint64               alert_id;
} Fixture;

static void
on_sent (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Fixture *f = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SluiceResponse) response =
    sluice_engine_host_send_finish (SLUICE_ENGINE_HOST (object), result, &error);

  g_assert_no_error (error);
  f->pending--;
}

static gboolean
all_sent (gpointer data)
{
  return ((Fixture *) data)->pending == 0;
}

static gboolean
small_scored (gpointer data)
{
  return !isnan (sluice_quality_page_get_score (((Fixture *) data)->page, "small"));
}

static gboolean
legacy_listed (gpointer data)
{
  return sluice_quality_page_get_days_left (((Fixture *) data)->page, "mock-large-legacy", NULL);
}

static void
send_classification (Fixture    *f,
                     const char *prompt)
{
  g_autoptr(SluiceRequest) request = sluice_request_new ();

  sluice_request_add_message (request, SLUICE_ROLE_USER, prompt);
  sluice_request_set_user (request, "quality");
  sluice_request_set_task (request, "classification");
  sluice_request_set_max_tokens (request, 200);
  f->pending++;
  sluice_engine_host_send_async (host (), request, NULL, NULL, NULL, on_sent, f);
}

static Fixture
fixture_new (void)
{
  Fixture f = { sluice_window_new (app), NULL, NULL, 0, 0, 0 };

  f.page = SLUICE_QUALITY_PAGE (sluice_app_test_child (f.window, SLUICE_TYPE_WINDOW,
                                                       "quality_page"));
  f.popover = SLUICE_ALERTS_POPOVER (sluice_app_test_child (f.window, SLUICE_TYPE_WINDOW,
                                                            "alerts_popover"));
  /* The test bus has no notification server. */
  sluice_alerts_popover_set_desktop_notifications (f.popover, FALSE);
  return f;
}

static void
test_scored (void)
{
  Fixture f = fixture_new ();
  GtkWidget *list;
  double score;
  int days = -1;

  g_assert_true (sluice_window_set_page (f.window, "quality"));
  apply_quality_config ();

  /* Classification goes to the "small" chain; every answer is scored. */
  send_classification (&f, "Classify the sentiment: the lock gates opened early.");
  send_classification (&f, "Classify the sentiment: the barge was late again.");
  g_assert_true (sluice_app_test_wait_until (all_sent, &f));
  g_assert_true (sluice_app_test_wait_until (small_scored, &f));
  score = sluice_quality_page_get_score (f.page, "small");
  g_assert_cmpfloat (score, >=, 0);
  g_assert_cmpfloat (score, <=, 1);
  list = sluice_app_test_child (f.page, SLUICE_TYPE_QUALITY_PAGE, "quality_list");
  g_assert_nonnull (gtk_widget_get_first_child (list));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (
                     GTK_STACK (sluice_app_test_child (f.page, SLUICE_TYPE_QUALITY_PAGE,
                                                       "quality_stack"))), ==, "data");

  /* The model retiring within 30 days is on the calendar. */
  g_assert_true (sluice_app_test_wait_until (legacy_listed, &f));
  g_assert_true (sluice_quality_page_get_days_left (f.page, "mock-large-legacy", &days));
  g_assert_cmpint (days, >=, 9);
  g_assert_cmpint (days, <=, 10);

  gtk_window_destroy (GTK_WINDOW (f.window));
}

static gboolean
two_budget_cards (gpointer data)
{
  GtkWidget *box = data;
  GtkWidget *first = gtk_widget_get_first_child (box);

  return first != NULL && gtk_widget_get_next_sibling (first) != NULL;
}

/* Global tiers first, then per-user ones, each by code: the cards keep
 * their order however the snapshot lists the limits. */
static void
test_budget_order (void)
{
  Fixture f = fixture_new ();
  GtkWidget *page = sluice_app_test_child (f.window, SLUICE_TYPE_WINDOW, "budgets_page");
  GtkWidget *box = sluice_app_test_child (page, SLUICE_TYPE_BUDGETS_PAGE, "burn_box");
  gboolean seen_user = FALSE;
  guint n = 0;

  send_classification (&f, "Classify the sentiment: the weir held.");
  g_assert_true (sluice_app_test_wait_until (all_sent, &f));
  g_assert_true (sluice_app_test_wait_until (two_budget_cards, box));

  for (GtkWidget *card = gtk_widget_get_first_child (box); card != NULL;
       card = gtk_widget_get_next_sibling (card), n++)
    {
      const char *title = gtk_label_get_text (GTK_LABEL (gtk_widget_get_first_child (card)));
      gboolean user = !g_str_has_prefix (title, "Global");

      g_assert_false (seen_user && !user);
      seen_user |= user;
    }
  g_assert_cmpuint (n, >=, 2);
  g_assert_true (seen_user);

  gtk_window_destroy (GTK_WINDOW (f.window));
}

static GtkWidget *
find_button (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget) && gtk_widget_get_sensitive (widget))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
has_unread (gpointer data)
{
  return sluice_alerts_popover_get_n_unread (((Fixture *) data)->popover) >= 2;
}

static gboolean
unread_dropped (gpointer data)
{
  Fixture *f = data;

  return sluice_alerts_popover_get_n_unread (f->popover) < f->unread_before;
}

static gboolean
none_unread (gpointer data)
{
  return sluice_alerts_popover_get_n_unread (((Fixture *) data)->popover) == 0;
}

/* The engine's own list, newest first. */
static guint
count_unacknowledged (Fixture *f)
{
  g_autoptr(GPtrArray) alerts = run_in_engine (list_alerts_in_engine, NULL, NULL,
                                               (GDestroyNotify) g_ptr_array_unref);
  guint n = 0;

  for (guint i = 0; i < alerts->len; i++)
    {
      const SluiceAlert *alert = g_ptr_array_index (alerts, i);

      if (alert->id == f->alert_id)
        g_assert_true (alert->acknowledged);
      n += !alert->acknowledged;
    }
  return n;
}

static void
test_acknowledge (void)
{
  Fixture f = fixture_new ();
  GtkWidget *list = sluice_app_test_child (f.popover, SLUICE_TYPE_ALERTS_POPOVER, "alerts_list");
  GtkWidget *all = sluice_app_test_child (f.popover, SLUICE_TYPE_ALERTS_POPOVER, "ack_all_button");
  GtkWidget *first_row, *button;

  /* The retirement date of test_scored (or this one) raised an alert. */
  apply_quality_config ();
  g_assert_true (sluice_app_test_wait_until (has_unread, &f));
  g_assert_true (gtk_widget_get_sensitive (all));
  f.unread_before = sluice_alerts_popover_get_n_unread (f.popover);

  /* The first alert not yet acknowledged has a button that knows it. */
  button = NULL;
  for (first_row = gtk_widget_get_first_child (list); first_row != NULL && button == NULL;
       first_row = gtk_widget_get_next_sibling (first_row))
    button = find_button (first_row);
  g_assert_nonnull (button);
  f.alert_id = *(gint64 *) g_object_get_data (G_OBJECT (button), "alert-id");
  g_assert_cmpint (f.alert_id, >, 0);

  g_signal_emit_by_name (button, "clicked");
  g_assert_true (sluice_app_test_wait_until (unread_dropped, &f));
  g_assert_cmpuint (count_unacknowledged (&f), ==, f.unread_before - 1);

  /* All the others: the badge count drops to nothing, in the engine too. */
  g_assert_cmpuint (sluice_alerts_popover_get_n_unread (f.popover), >, 0);
  g_assert_true (gtk_widget_get_sensitive (all));
  g_signal_emit_by_name (all, "clicked");
  g_assert_true (sluice_app_test_wait_until (none_unread, &f));
  g_assert_cmpuint (count_unacknowledged (&f), ==, 0);
  g_assert_false (gtk_widget_get_sensitive (all));

  gtk_window_destroy (GTK_WINDOW (f.window));
}

int
main (int   argc,
      char *argv[])
{
  sluice_app_test_init (&argc, &argv, "quality", 60);

  app = sluice_app_test_start ("/app/quality/display");
  if (app != NULL)
    {
      g_test_add_func ("/app/quality/templates", test_templates);
      g_test_add_func ("/app/quality/scored", test_scored);
      g_test_add_func ("/app/alerts/acknowledge", test_acknowledge);
      g_test_add_func ("/app/panels/budgets/order", test_budget_order);
    }

  return sluice_app_test_run ();
}
