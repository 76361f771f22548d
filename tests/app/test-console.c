/* test-console.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-test"

#include "config.h"

#include "sluice-app-test-support.h"
#include "sluice-application.h"
#include "sluice-format.h"
#include "sluice-overview-page.h"
#include "sluice-playground-page.h"
#include "sluice-sparkline.h"
#include "sluice-window.h"

static SluiceApplication *app;

static char *
buffer_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
test_format (void)
{
  g_autofree char *c0 = sluice_format_count (0);
  g_autofree char *c1 = sluice_format_count (999);
  g_autofree char *c2 = sluice_format_count (1234567);
  g_autofree char *d0 = sluice_format_duration (3456);
  g_autofree char *d1 = sluice_format_duration (45600);
  g_autofree char *d2 = sluice_format_duration (1234567);
  g_autofree char *u0 = sluice_format_usd (0.00123);
  g_autofree char *u1 = sluice_format_usd (1234.5);
  g_autofree char *u2 = sluice_format_usd (0.000044);
  g_autofree char *p0 = sluice_format_percent (0.05);
  g_autofree char *p1 = sluice_format_percent (0.25);

  g_assert_cmpstr (c0, ==, "0");
  g_assert_cmpstr (c1, ==, "999");
  g_assert_cmpstr (c2, ==, "1,234,567");
  g_assert_cmpstr (d0, ==, "3.5 ms");
  g_assert_cmpstr (d1, ==, "46 ms");
  g_assert_cmpstr (d2, ==, "1.23 s");
  g_assert_cmpstr (u0, ==, "$0.0012");
  g_assert_cmpstr (u1, ==, "$1,234.50");
  g_assert_cmpstr (u2, ==, "< $0.0001");
  g_assert_cmpstr (p0, ==, "5.0 %");
  g_assert_cmpstr (p1, ==, "25 %");
}

static void
test_sparkline (void)
{
  GtkWidget *sparkline = g_object_ref_sink (sluice_sparkline_new ());
  const double values[] = { 0, 1, 4, 2 };

  g_assert_cmpstr (gtk_widget_get_css_name (sparkline), ==, "sparkline");
  sluice_sparkline_set_values (SLUICE_SPARKLINE (sparkline), values, 4);
  g_assert_cmpuint (sluice_sparkline_get_n_values (SLUICE_SPARKLINE (sparkline)), ==, 4);
  sluice_sparkline_set_values (SLUICE_SPARKLINE (sparkline), NULL, 0);
  g_assert_cmpuint (sluice_sparkline_get_n_values (SLUICE_SPARKLINE (sparkline)), ==, 0);
  g_object_unref (sparkline);
}

static void
test_templates (void)
{
  GtkWidget *overview = g_object_ref_sink (sluice_overview_page_new ());
  GtkWidget *playground = g_object_ref_sink (sluice_playground_page_new ());
  g_autoptr(GtkBuilder) builder = NULL;
  GtkStack *state;
  SluiceWindow *window;
  GObject *overlay;

  /* Without a host the overview shows its empty state. */
  state = GTK_STACK (sluice_app_test_child (overview, SLUICE_TYPE_OVERVIEW_PAGE, "state_stack"));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (state), ==, "empty");
  g_assert_false (sluice_playground_page_get_busy (SLUICE_PLAYGROUND_PAGE (playground)));
  g_object_unref (overview);
  g_object_unref (playground);

  window = sluice_window_new (app);
  g_assert_true (SLUICE_IS_WINDOW (window));
  gtk_window_destroy (GTK_WINDOW (window));

  builder = gtk_builder_new_from_resource ("/io/github/sluice/Sluice/gtk/help-overlay.ui");
  overlay = gtk_builder_get_object (builder, "help_overlay");
  g_assert_true (GTK_IS_SHORTCUTS_WINDOW (overlay));
  gtk_window_destroy (GTK_WINDOW (overlay));
}

static const char *
row_title (GtkWidget *row)
{
  GtkWidget *box = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row));

  return gtk_label_get_text (GTK_LABEL (gtk_widget_get_last_child (box)));
}

static gboolean
window_allocated (gpointer data)
{
  return gtk_widget_get_width (GTK_WIDGET (data)) > 0 &&
         gtk_widget_get_height (GTK_WIDGET (data)) > 0;
}

static void
test_sidebar (void)
{
  static const char *titles[] = {
    "Overview", "Providers", "Budgets", "Cache", "Quality & Drift",
    "Requests", "Playground", "Configuration", "Mock",
  };
  SluiceWindow *window = sluice_window_new (app);
  GtkListBox *sidebar =
    GTK_LIST_BOX (sluice_app_test_child (window, SLUICE_TYPE_WINDOW, "sidebar"));
  GSettings *settings = sluice_application_get_settings (app);
  g_autofree char *last = NULL;

  gtk_window_present (GTK_WINDOW (window));
  /* The window is laid out, so nothing keeps its frame clock frozen. */
  g_assert_true (sluice_app_test_wait_until (window_allocated, window));

  g_assert_cmpuint (sluice_app_test_count_children (GTK_WIDGET (sidebar)),
                    ==, G_N_ELEMENTS (titles));
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    g_assert_cmpstr (row_title (GTK_WIDGET (gtk_list_box_get_row_at_index (sidebar, i))),
                     ==, titles[i]);

  g_assert_true (sluice_window_set_page (window, "cache"));
  g_assert_cmpstr (sluice_window_get_page (window), ==, "cache");
  g_assert_cmpint (gtk_list_box_row_get_index (gtk_list_box_get_selected_row (sidebar)), ==, 3);
  g_assert_false (sluice_window_set_page (window, "no-such-page"));
  g_assert_cmpstr (sluice_window_get_page (window), ==, "cache");

  last = g_settings_get_string (settings, "last-page");
  g_assert_cmpstr (last, ==, "cache");

  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  SluicePlaygroundPage *playground;
  SluiceEngineHost     *host;
} SendState;

static gboolean
request_done (gpointer data)
{
  SendState *state = data;

  return !sluice_playground_page_get_busy (state->playground);
}

static gboolean
snapshot_counted (gpointer data)
{
  SendState *state = data;
  SluiceSnapshot *snapshot = sluice_engine_host_get_snapshot (state->host);

  return snapshot != NULL && sluice_snapshot_get_totals (snapshot)->requests >= 1;
}

static void
test_empty_prompt (void)
{
  SluiceWindow *window = sluice_window_new (app);
  GtkWidget *playground = sluice_app_test_child (window, SLUICE_TYPE_WINDOW, "playground_page");
  GtkWidget *send = sluice_app_test_child (playground, SLUICE_TYPE_PLAYGROUND_PAGE, "send_button");
  GtkWidget *error = sluice_app_test_child (playground, SLUICE_TYPE_PLAYGROUND_PAGE, "error_label");

  g_signal_emit_by_name (send, "clicked");
  g_assert_false (sluice_playground_page_get_busy (SLUICE_PLAYGROUND_PAGE (playground)));
  g_assert_true (gtk_widget_get_visible (error));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (error)), !=, "");

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_send_and_overview (void)
{
  SluiceWindow *window = sluice_window_new (app);
  GtkWidget *playground = sluice_app_test_child (window, SLUICE_TYPE_WINDOW, "playground_page");
  GtkWidget *overview = sluice_app_test_child (window, SLUICE_TYPE_WINDOW, "overview_page");
  GtkTextView *user_view;
  GtkWidget *send, *trace_list, *requests_label;
  SendState state = { SLUICE_PLAYGROUND_PAGE (playground),
                      sluice_application_get_engine_host (app) };
  g_autofree char *answer = NULL;
  g_autofree char *before = NULL;
  SluiceResponse *response;

  g_assert_null (sluice_engine_host_get_error (state.host));
  gtk_window_present (GTK_WINDOW (window));
  sluice_window_set_page (window, "playground");

  user_view = GTK_TEXT_VIEW (sluice_app_test_child (playground, SLUICE_TYPE_PLAYGROUND_PAGE,
                                                    "user_view"));
  send = sluice_app_test_child (playground, SLUICE_TYPE_PLAYGROUND_PAGE, "send_button");
  trace_list = sluice_app_test_child (playground, SLUICE_TYPE_PLAYGROUND_PAGE, "trace_list");
  requests_label = sluice_app_test_child (overview, SLUICE_TYPE_OVERVIEW_PAGE, "requests_label");
  before = g_strdup (gtk_label_get_text (GTK_LABEL (requests_label)));

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (user_view),
                            "Summarise the plot of Hamlet in one sentence.", -1);
  g_signal_emit_by_name (send, "clicked");
  g_assert_true (sluice_playground_page_get_busy (SLUICE_PLAYGROUND_PAGE (playground)));
  g_assert_false (gtk_widget_is_sensitive (send));

  g_assert_true (sluice_app_test_wait_until (request_done, &state));
  g_assert_true (gtk_widget_is_sensitive (send));

  response = sluice_playground_page_get_response (SLUICE_PLAYGROUND_PAGE (playground));
  g_assert_nonnull (response);
  g_assert_cmpint (sluice_response_get_status (response), ==, SLUICE_REQUEST_STATUS_OK);
  answer = buffer_text (GTK_TEXT_VIEW (sluice_app_test_child (playground,
                                                              SLUICE_TYPE_PLAYGROUND_PAGE,
                                                              "answer_view")));
  g_assert_cmpstr (answer, !=, "");
  g_assert_cmpuint (sluice_app_test_count_children (trace_list), >, 0);

  /* The next snapshot counts the request, and the overview shows it. */
  g_assert_true (sluice_app_test_wait_until (snapshot_counted, &state));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (
                     GTK_STACK (sluice_app_test_child (overview, SLUICE_TYPE_OVERVIEW_PAGE,
                                                       "state_stack"))),
                   ==, "live");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (requests_label)), !=, before);
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (requests_label)), "1 "));

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  sluice_app_test_init (&argc, &argv, "console", 30);

  g_test_add_func ("/app/format/numbers", test_format);

  app = sluice_app_test_start ("/app/display");
  if (app != NULL)
    {
      g_test_add_func ("/app/widgets/sparkline", test_sparkline);
      g_test_add_func ("/app/ui/templates", test_templates);
      g_test_add_func ("/app/window/sidebar", test_sidebar);
      g_test_add_func ("/app/playground/empty-prompt", test_empty_prompt);
      g_test_add_func ("/app/playground/send-and-overview", test_send_and_overview);
    }

  return sluice_app_test_run ();
}
