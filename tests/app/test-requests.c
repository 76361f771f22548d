/* test-requests.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-test"

#include "config.h"

#include <string.h>

#include "sluice-app-test-support.h"
#include "sluice-application.h"
#include "sluice-playground-page.h"
#include "sluice-requests-page.h"
#include "sluice-window.h"

/* The request log and the Playground against the real embedded engine
 * (the default configuration on the built-in mock providers). */

static SluiceApplication *app;

/* Template children of the two pages under test. */
static GtkWidget *
requests_child (gpointer    page,
                const char *name)
{
  return sluice_app_test_child (page, SLUICE_TYPE_REQUESTS_PAGE, name);
}

static GtkWidget *
playground_child (gpointer    page,
                  const char *name)
{
  return sluice_app_test_child (page, SLUICE_TYPE_PLAYGROUND_PAGE, name);
}

/* Sending straight through the host, as any client of the engine would. */

static SluiceResponse *
send_prompt (const char *user,
             const char *prompt)
{
  SluiceEngineHost *host = sluice_application_get_engine_host (app);
  g_autoptr(SluiceRequest) request = sluice_request_new ();
  SluiceResponse *response;

  sluice_request_add_message (request, SLUICE_ROLE_USER, prompt);
  sluice_request_set_user (request, user);
  response = sluice_app_test_send (host, request);
  g_assert_cmpint (sluice_response_get_status (response), ==, SLUICE_REQUEST_STATUS_OK);

  return response;
}

typedef struct
{
  SluiceRequestsPage *page;
  guint               n;
} CountState;

static gboolean
log_has (gpointer data)
{
  CountState *state = data;
  GListModel *model = sluice_requests_page_get_model (state->page);

  return model != NULL &&
         !sluice_ledger_model_get_loading (SLUICE_LEDGER_MODEL (model)) &&
         g_list_model_get_n_items (model) == state->n;
}

static gboolean
log_idle (gpointer data)
{
  GListModel *model = sluice_requests_page_get_model (data);

  return !sluice_ledger_model_get_loading (SLUICE_LEDGER_MODEL (model));
}

static gboolean
item_loaded (gpointer data)
{
  return sluice_ledger_item_get_loaded (data);
}

static gboolean
log_at_least (gpointer data)
{
  CountState *state = data;

  return g_list_model_get_n_items (sluice_requests_page_get_model (state->page)) >= state->n;
}

static SluiceWindow *
show_requests (SluiceRequestsPage **page)
{
  SluiceWindow *window = sluice_window_new (app);

  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (sluice_window_set_page (window, "requests"));
  *page = SLUICE_REQUESTS_PAGE (sluice_app_test_child (window, SLUICE_TYPE_WINDOW,
                                                       "requests_page"));
  g_assert_nonnull (sluice_requests_page_get_model (*page));
  return window;
}

static void
test_templates (void)
{
  GtkWidget *requests = g_object_ref_sink (sluice_requests_page_new ());
  GtkWidget *playground = g_object_ref_sink (sluice_playground_page_new ());
  GtkStack *detail = GTK_STACK (requests_child (requests, "detail_stack"));
  GtkStack *output = GTK_STACK (playground_child (playground, "output_stack"));

  /* Without a host: no model, nothing selected. */
  g_assert_null (sluice_requests_page_get_model (SLUICE_REQUESTS_PAGE (requests)));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (detail), ==, "none");
  g_assert_cmpuint (sluice_app_test_count_children (requests_child (requests, "detail_trace")),
                    ==, 0);

  g_assert_cmpstr (gtk_stack_get_visible_child_name (output), ==, "single");
  sluice_playground_page_set_compare (SLUICE_PLAYGROUND_PAGE (playground), TRUE);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (output), ==, "compare");
  g_assert_false (gtk_widget_get_visible (playground_child (playground, "model_row")));
  g_assert_cmpuint (sluice_app_test_count_children (playground_child (playground, "compare_box")),
                    ==, 2);

  g_object_unref (requests);
  g_object_unref (playground);
}

typedef struct
{
  SluiceRequestsPage *page;
  gint64              id;
} DetailState;

static gboolean
detail_shown (gpointer data)
{
  DetailState *state = data;

  return sluice_requests_page_get_detail_id (state->page) == state->id;
}

static void
test_log_and_detail (void)
{
  SluiceRequestsPage *page = NULL;
  SluiceWindow *window = show_requests (&page);
  g_autoptr(SluiceResponse) response = NULL;
  g_autoptr(SluiceLedgerItem) item = NULL;
  CountState count = { page, 0 };
  DetailState detail = { page, 0 };
  const char *answer;
  guint before;

  g_assert_true (sluice_app_test_wait_until (log_idle, page));
  before = g_list_model_get_n_items (sluice_requests_page_get_model (page));

  response = send_prompt ("alice", "Which river flows through Vienna?");

  /* The log finds the new row by itself, from the next snapshot. */
  count.n = before + 1;
  g_assert_true (sluice_app_test_wait_until (log_at_least, &count));

  item = g_list_model_get_item (sluice_requests_page_get_model (page), 0);
  sluice_requests_page_select (page, 0);
  g_assert_true (sluice_app_test_wait_until (item_loaded, item));
  g_assert_cmpstr (sluice_ledger_item_get_row (item)->request_id, ==,
                   sluice_response_get_request_id (response));
  g_assert_cmpstr (sluice_ledger_item_get_row (item)->user, ==, "alice");

  detail.id = sluice_ledger_item_get_id (item);
  g_assert_true (sluice_app_test_wait_until (detail_shown, &detail));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (
                     GTK_STACK (requests_child (page, "detail_stack"))),
                   ==, "detail");

  /* The trace, the answer and the messages, as the ledger kept them. */
  g_assert_cmpuint (sluice_app_test_count_children (requests_child (page, "detail_trace")),
                    ==, sluice_trace_get_n_entries (sluice_response_get_trace (response)));
  g_assert_cmpuint (sluice_app_test_count_children (requests_child (page, "detail_trace")), >, 0);
  answer = gtk_label_get_text (GTK_LABEL (requests_child (page, "detail_answer")));
  g_assert_cmpstr (answer, ==, sluice_response_get_content (response));
  g_assert_cmpuint (sluice_app_test_count_children (requests_child (page, "detail_messages")),
                    ==, 1);

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
flag_is_set (gpointer data)
{
  return *(gboolean *) data;
}

/* Runs the main loop for @ms, idle or not. */
static void
pump (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, sluice_app_test_set_flag, &done);
  g_assert_true (sluice_app_test_wait_until (flag_is_set, &done));
}

/* A window showing @page_name. */
static SluiceWindow *
small_window (const char *page_name)
{
  SluiceWindow *window = sluice_window_new (app);

  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (sluice_window_set_page (window, page_name));
  return window;
}

static GtkAdjustment *
log_adjustment (SluiceWindow        *window,
                SluiceRequestsPage **page)
{
  *page = SLUICE_REQUESTS_PAGE (sluice_app_test_child (window, SLUICE_TYPE_WINDOW,
                                                       "requests_page"));
  return gtk_scrolled_window_get_vadjustment (
    GTK_SCROLLED_WINDOW (requests_child (*page, "list_scroller")));
}

static void
count_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SluiceResponse) response =
    sluice_engine_host_send_finish (SLUICE_ENGINE_HOST (object), result, NULL);

  (*(guint *) user_data)++;
}

static gboolean
all_done (gpointer data)
{
  guint *done = data;

  return done[0] == done[1];
}

/* @n requests at once; each leaves a row in the log, answered or not. */
static void
send_some (const char *user,
           guint       n)
{
  SluiceEngineHost *host = sluice_application_get_engine_host (app);
  guint done[2] = { 0, n };

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *prompt = g_strdup_printf ("%s's question %u?", user, i);
      g_autoptr(SluiceRequest) request = sluice_request_new ();

      sluice_request_add_message (request, SLUICE_ROLE_USER, prompt);
      sluice_request_set_user (request, user);
      sluice_engine_host_send_async (host, request, NULL, NULL, NULL, count_done, &done[0]);
    }
  g_assert_true (sluice_app_test_wait_until (all_done, done));
}

/* The view at the top of the log (with rows enough to scroll, when
 * @must_scroll). */
static void
assert_at_top (GtkAdjustment *adj,
               const char    *when,
               gboolean       must_scroll)
{
  pump (300);
  g_test_message ("%s: value %.0f of %.0f", when, gtk_adjustment_get_value (adj),
                  gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
  if (must_scroll)
    g_assert_cmpfloat (gtk_adjustment_get_upper (adj), >, gtk_adjustment_get_page_size (adj) + 50);
  g_assert_cmpfloat (gtk_adjustment_get_value (adj), <=, gtk_adjustment_get_lower (adj) + 1.0);
}

/* The log at its top follows the newest requests, whether it was on screen
 * while they came, behind another page, or never shown yet. */
static void
test_follows_newest (void)
{
  SluiceWindow *window = small_window ("requests");
  SluiceRequestsPage *page = NULL;
  GtkAdjustment *adj = log_adjustment (window, &page);
  CountState count = { page, 0 };

  g_assert_true (sluice_app_test_wait_until (log_idle, page));
  count.n = g_list_model_get_n_items (sluice_requests_page_get_model (page)) + 24;
  send_some ("dave", 24);
  g_assert_true (sluice_app_test_wait_until (log_at_least, &count));
  assert_at_top (adj, "on screen", FALSE);

  g_assert_true (sluice_window_set_page (window, "overview"));
  count.n += 12;
  send_some ("erin", 12);
  g_assert_true (sluice_app_test_wait_until (log_at_least, &count));
  g_assert_true (sluice_window_set_page (window, "requests"));
  assert_at_top (adj, "behind the Overview", TRUE);
  gtk_window_destroy (GTK_WINDOW (window));

  window = small_window ("overview");
  send_some ("frank", 12);
  g_assert_true (sluice_window_set_page (window, "requests"));
  adj = log_adjustment (window, &page);
  assert_at_top (adj, "never shown before", TRUE);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
set_text (GtkWidget  *entry,
          const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
}

static void
test_filters (void)
{
  SluiceRequestsPage *page = NULL;
  SluiceWindow *window = show_requests (&page);
  GtkWidget *search = requests_child (page, "search_entry");
  GtkWidget *user = requests_child (page, "user_entry");
  GtkDropDown *status = GTK_DROP_DOWN (requests_child (page, "status_dropdown"));
  GtkDropDown *time = GTK_DROP_DOWN (requests_child (page, "time_dropdown"));
  CountState count = { page, 0 };
  guint total;

  g_assert_true (sluice_app_test_wait_until (log_idle, page));
  total = g_list_model_get_n_items (sluice_requests_page_get_model (page)) + 3;

  g_object_unref (send_prompt ("bob", "Tell me about the zebra of the plains."));
  g_object_unref (send_prompt ("bob", "What does a yak eat?"));
  g_object_unref (send_prompt ("carol", "Why is the zebra striped?"));

  count.n = total;
  g_assert_true (sluice_app_test_wait_until (log_has, &count));

  set_text (user, "bob");
  count.n = 2;
  g_assert_true (sluice_app_test_wait_until (log_has, &count));

  set_text (search, "zebra");
  count.n = 1;
  g_assert_true (sluice_app_test_wait_until (log_has, &count));

  set_text (user, "");
  count.n = 2;
  g_assert_true (sluice_app_test_wait_until (log_has, &count));

  /* The mock answered everything: no errors. */
  gtk_drop_down_set_selected (status, 2);
  count.n = 0;
  g_assert_true (sluice_app_test_wait_until (log_has, &count));
  gtk_drop_down_set_selected (status, 1);
  count.n = 2;
  g_assert_true (sluice_app_test_wait_until (log_has, &count));

  set_text (search, "");
  gtk_drop_down_set_selected (time, 1);
  count.n = total;
  g_assert_true (sluice_app_test_wait_until (log_has, &count));
  gtk_drop_down_set_selected (status, 0);
  gtk_drop_down_set_selected (time, 0);
  g_assert_true (sluice_app_test_wait_until (log_has, &count));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Playground. */

typedef struct
{
  SluicePlaygroundPage *page;
  guint                 updates_while_busy;
} StreamState;

static void
on_answer_changed (GtkTextBuffer *buffer,
                   StreamState   *state)
{
  if (sluice_playground_page_get_busy (state->page))
    state->updates_while_busy++;
}

static gboolean
not_busy (gpointer data)
{
  return !sluice_playground_page_get_busy (data);
}

static SluicePlaygroundPage *
show_playground (SluiceWindow **window,
                 const char    *prompt)
{
  SluicePlaygroundPage *page;

  *window = sluice_window_new (app);
  gtk_window_present (GTK_WINDOW (*window));
  sluice_window_set_page (*window, "playground");
  page = SLUICE_PLAYGROUND_PAGE (sluice_app_test_child (*window, SLUICE_TYPE_WINDOW,
                                                       "playground_page"));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (
    GTK_TEXT_VIEW (playground_child (page, "user_view"))), prompt, -1);
  return page;
}

static void
test_playground_streams (void)
{
  SluiceWindow *window = NULL;
  SluicePlaygroundPage *page =
    show_playground (&window, "Write three sentences about the sea, please, at some length.");
  GtkTextView *answer = GTK_TEXT_VIEW (playground_child (page, "answer_view"));
  StreamState state = { page, 0 };

  g_assert_true (gtk_switch_get_active (GTK_SWITCH (playground_child (page, "stream_switch"))));
  g_signal_connect (gtk_text_view_get_buffer (answer), "changed",
                    G_CALLBACK (on_answer_changed), &state);

  gtk_widget_activate_action (GTK_WIDGET (page), "playground.send", NULL);
  g_assert_true (sluice_playground_page_get_busy (page));
  g_assert_true (sluice_app_test_wait_until (not_busy, page));

  /* Pieces of the answer arrived before the response did. */
  g_assert_nonnull (sluice_playground_page_get_response (page));
  g_assert_cmpuint (state.updates_while_busy, >=, 2);
  g_assert_cmpuint (sluice_app_test_count_children (playground_child (page, "trace_list")), >, 0);

  g_signal_handlers_disconnect_by_data (gtk_text_view_get_buffer (answer), &state);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_playground_compare (void)
{
  SluiceWindow *window = NULL;
  SluicePlaygroundPage *page = show_playground (&window, "Compare these two answers.");
  g_autoptr(SluiceConfig) config =
    sluice_engine_host_dup_config (sluice_application_get_engine_host (app));
  GListModel *choices = gtk_drop_down_get_model (
    GTK_DROP_DOWN (playground_child (page, "model_dropdown")));
  guint n = g_list_model_get_n_items (choices);
  SluiceResponse *left, *right;
  const char *first = sluice_config_get_model (config, 0)->name;
  const char *second = sluice_config_get_model (config, 1)->name;
  guint first_index = G_MAXUINT, second_index = G_MAXUINT;

  g_assert_cmpuint (sluice_config_get_n_models (config), >=, 2);
  for (guint i = 0; i < n; i++)
    {
      const char *label = gtk_string_list_get_string (GTK_STRING_LIST (choices), i);

      if (g_strcmp0 (label, first) == 0)
        first_index = i;
      if (g_strcmp0 (label, second) == 0)
        second_index = i;
    }
  g_assert_cmpuint (first_index, <, n);
  g_assert_cmpuint (second_index, <, n);

  sluice_playground_page_set_compare (page, TRUE);
  sluice_playground_page_set_compare_models (page, first_index, second_index);
  gtk_widget_activate_action (GTK_WIDGET (page), "playground.send", NULL);
  g_assert_true (sluice_playground_page_get_busy (page));
  g_assert_true (sluice_app_test_wait_until (not_busy, page));

  left = sluice_playground_page_get_compare_response (page, 0);
  right = sluice_playground_page_get_compare_response (page, 1);
  g_assert_nonnull (left);
  g_assert_nonnull (right);
  g_assert_cmpstr (sluice_response_get_model (left), ==, first);
  g_assert_cmpstr (sluice_response_get_model (right), ==, second);
  g_assert_cmpstr (sluice_response_get_request_id (left), !=,
                   sluice_response_get_request_id (right));

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  sluice_app_test_init (&argc, &argv, "requests", 30);

  app = sluice_app_test_start ("/app/requests/display");
  if (app != NULL)
    {
      g_test_add_func ("/app/requests/templates", test_templates);
      g_test_add_func ("/app/requests/log-and-detail", test_log_and_detail);
      g_test_add_func ("/app/requests/filters", test_filters);
      g_test_add_func ("/app/requests/follows-newest", test_follows_newest);
      g_test_add_func ("/app/playground/streams", test_playground_streams);
      g_test_add_func ("/app/playground/compare", test_playground_compare);
    }

  return sluice_app_test_run ();
}
