/* sluice-playground-page.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-app"

#include "config.h"

#include <glib/gi18n.h>

#include "sluice-format.h"
#include "sluice-playground-page-private.h"
#include "sluice-playground-trace.h"

/* Builds a SluiceRequest from the form, sends it through the engine host and
 * shows the answer as it streams, then what the engine did to produce it. */

struct _SluicePlaygroundPage
{
  GtkWidget         parent_instance;

  SluiceEngineHost *host;
  gulong            snapshot_handler;
  gint64            config_version;
  GPtrArray        *model_values;    /* char *, NULL = routing rules */
  GCancellable     *cancellable;     /* set while a request is in flight */
  SluiceResponse   *response;

  GtkTextView      *system_view;
  GtkTextView      *user_view;
  GtkDropDown      *model_dropdown;
  GtkDropDown      *task_dropdown;
  AdwEntryRow      *user_entry;
  GtkSpinButton    *temperature_spin;
  GtkSpinButton    *max_tokens_spin;
  GtkSwitch        *stream_switch;
  GtkSpinner       *spinner;
  GtkButton        *send_button;
  GtkButton        *explain_button;
  GtkLabel         *explain_label;
  GtkButton        *cancel_button;
  GtkLabel         *hint_label;
  GtkLabel         *error_label;
  GtkWidget        *answer_box;
  GtkTextView      *answer_view;
  GtkWidget        *result_grid;
  GtkLabel         *result_model;
  GtkLabel         *result_provider;
  GtkLabel         *result_route;
  GtkLabel         *result_cache;
  GtkLabel         *result_tokens;
  GtkLabel         *result_cost;
  GtkLabel         *result_latency;
  GtkLabel         *result_fallback;
  GtkWidget        *trace_box;
  GtkListBox       *trace_list;

  /* Compare mode. */
  GtkSwitch        *compare_switch;
  GtkWidget        *model_row;
  GtkStack         *output_stack;
  GtkBox           *compare_box;
  GtkLabel         *compare_error_label;
  SluicePlaygroundColumn *columns[2];
  GListModel       *choices;
  guint             n_in_flight;
};

G_DEFINE_FINAL_TYPE (SluicePlaygroundPage, sluice_playground_page, GTK_TYPE_WIDGET)

static void _sluice_playground_compare_set_choices (SluicePlaygroundPage *self,
                                                    GListModel           *choices);

/* In the order of the task drop-down's items. */
static const char *task_values[] = {
  NULL, "classification", "extraction", "qa", "summarisation", "code",
  "creative", "reasoning", "analysis",
};

static void
add_choice (SluicePlaygroundPage *self,
            GtkStringList        *list,
            const char           *label,
            const char           *value)
{
  for (guint i = 0; i < self->model_values->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->model_values, i), value) == 0)
      return;

  gtk_string_list_append (list, label);
  g_ptr_array_add (self->model_values, g_strdup (value));
}

static void
fill_models (SluicePlaygroundPage *self,
             SluiceConfig         *config)
{
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);
  g_auto(GStrv) aliases = NULL;

  g_ptr_array_set_size (self->model_values, 0);
  add_choice (self, list, _("Automatic (routing rules)"), NULL);

  if (config != NULL)
    {
      for (guint i = 0; i < sluice_config_get_n_chains (config); i++)
        {
          const char *name = sluice_config_get_chain (config, i)->name;
          /* Translators: a model chain's name in the model drop-down */
          g_autofree char *label = g_strdup_printf (_("%s (chain)"), name);

          add_choice (self, list, label, name);
        }

      aliases = sluice_config_dup_alias_names (config);
      for (guint i = 0; aliases != NULL && aliases[i] != NULL; i++)
        {
          /* Translators: a model alias's name in the model drop-down */
          g_autofree char *label = g_strdup_printf (_("%s (alias)"), aliases[i]);

          add_choice (self, list, label, aliases[i]);
        }

      for (guint i = 0; i < sluice_config_get_n_models (config); i++)
        {
          const char *name = sluice_config_get_model (config, i)->name;

          add_choice (self, list, name, name);
        }
    }

  gtk_drop_down_set_model (self->model_dropdown, G_LIST_MODEL (list));
  gtk_drop_down_set_selected (self->model_dropdown, 0);
  _sluice_playground_compare_set_choices (self, G_LIST_MODEL (list));
}

static char *
get_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
set_busy (SluicePlaygroundPage *self,
          gboolean              busy)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "playground.send", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "playground.cancel", busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
}

static void
show_error (SluicePlaygroundPage *self,
            const char           *message)
{
  gtk_label_set_text (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
reset_output (SluicePlaygroundPage *self)
{
  GtkWidget *child;

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->answer_view), "", -1);
  gtk_widget_set_visible (self->answer_box, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->hint_label), FALSE);
  gtk_widget_set_visible (self->result_grid, FALSE);
  gtk_widget_set_visible (self->trace_box, FALSE);
  show_error (self, NULL);
  g_clear_object (&self->response);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->trace_list))) != NULL)
    gtk_list_box_remove (self->trace_list, child);
}

static void
append_answer (SluicePlaygroundPage *self,
               const char           *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->answer_view);
  GtkTextIter end;

  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, text, -1);
  gtk_widget_set_visible (self->answer_box, TRUE);
}

static void
on_delta (const char *text,
          gpointer    user_data)
{
  append_answer (SLUICE_PLAYGROUND_PAGE (user_data), text);
}

static void
set_label_take (GtkLabel *label,
                char     *text)
{
  gtk_label_set_text (label, text);
  g_free (text);
}

static const char *
or_dash (const char *text)
{
  return text != NULL && text[0] != '\0' ? text : "—";
}

static void
show_summary (SluicePlaygroundPage *self,
              SluiceResponse       *response)
{
  const SluiceUsage *usage = sluice_response_get_usage (response);
  g_autofree char *in = sluice_format_count (usage != NULL ? MAX (usage->input_tokens, 0) : 0);
  g_autofree char *out = sluice_format_count (usage != NULL ? MAX (usage->output_tokens, 0) : 0);

  gtk_label_set_text (self->result_model, or_dash (sluice_response_get_model (response)));
  gtk_label_set_text (self->result_provider, or_dash (sluice_response_get_provider (response)));
  gtk_label_set_text (self->result_route, or_dash (sluice_response_get_route (response)));
  gtk_label_set_text (self->result_cache,
                      sluice_cache_status_to_string (sluice_response_get_cache_status (response)));
  set_label_take (self->result_tokens, g_strdup_printf ("%s / %s", in, out));
  set_label_take (self->result_cost, sluice_format_usd (sluice_response_get_cost_usd (response)));
  set_label_take (self->result_latency,
                  sluice_format_duration (sluice_response_get_latency_us (response)));
  set_label_take (self->result_fallback,
                  g_strdup_printf ("%u", sluice_response_get_fallback_depth (response)));
  gtk_widget_set_visible (self->result_grid, TRUE);
}

static void
show_trace (SluicePlaygroundPage *self,
            SluiceTrace          *trace)
{
  guint n = trace != NULL ? sluice_trace_get_n_entries (trace) : 0;

  for (guint i = 0; i < n; i++)
    gtk_list_box_append (self->trace_list,
                         sluice_playground_trace_row_new (sluice_trace_get_entry (trace, i)));

  gtk_widget_set_visible (self->trace_box, n > 0);
}

static void
show_response (SluicePlaygroundPage *self,
               SluiceResponse       *response)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->answer_view);
  const char *content = sluice_response_get_content (response);

  /* Without streaming, or when the answer came from the cache, no delta
   * arrived: the whole answer is in the response. */
  if (content != NULL && content[0] != '\0' &&
      gtk_text_buffer_get_char_count (buffer) == 0)
    append_answer (self, content);

  if (sluice_response_get_status (response) != SLUICE_REQUEST_STATUS_OK)
    {
      const char *message = sluice_response_get_error_message (response);

      show_error (self, message != NULL ? message
                  : sluice_request_status_to_string (sluice_response_get_status (response)));
    }

  show_summary (self, response);
  show_trace (self, sluice_response_get_trace (response));
}

static void
on_sent (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(SluicePlaygroundPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SluiceResponse) response = NULL;

  response = sluice_engine_host_send_finish (SLUICE_ENGINE_HOST (object), result, &error);

  g_clear_object (&self->cancellable);
  set_busy (self, FALSE);

  if (response == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, _("The request was cancelled."));
      else
        show_error (self, error->message);
      return;
    }

  self->response = g_object_ref (response);
  show_response (self, response);
}

static SluiceRequest *
build_request (SluicePlaygroundPage *self,
               const char           *prompt,
               guint                 model)
{
  g_autofree char *system = get_text (self->system_view);
  g_autofree char *user = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->user_entry)));
  SluiceRequest *request = sluice_request_new ();
  guint task = gtk_drop_down_get_selected (self->task_dropdown);

  if (g_strstrip (system)[0] != '\0')
    sluice_request_add_message (request, SLUICE_ROLE_SYSTEM, system);
  sluice_request_add_message (request, SLUICE_ROLE_USER, prompt);

  if (model < self->model_values->len && g_ptr_array_index (self->model_values, model) != NULL)
    sluice_request_set_model (request, g_ptr_array_index (self->model_values, model));
  if (task < G_N_ELEMENTS (task_values) && task_values[task] != NULL)
    sluice_request_set_task (request, task_values[task]);
  if (g_strstrip (user)[0] != '\0')
    sluice_request_set_user (request, user);

  sluice_request_set_temperature (request, gtk_spin_button_get_value (self->temperature_spin));
  sluice_request_set_max_tokens (request, gtk_spin_button_get_value_as_int (self->max_tokens_spin));
  sluice_request_set_stream (request, gtk_switch_get_active (self->stream_switch));

  return request;
}

/* Compare mode: the same prompt to the model of each column, in parallel. */

static void
_sluice_playground_compare_set_choices (SluicePlaygroundPage *self,
                                        GListModel           *choices)
{
  guint n = g_list_model_get_n_items (choices);

  g_set_object (&self->choices, choices);
  /* The first two concrete choices, so a comparison is ready to send. */
  _sluice_playground_column_set_choices (self->columns[0], choices, n > 2 ? n - 2 : 0);
  _sluice_playground_column_set_choices (self->columns[1], choices, n > 1 ? n - 1 : 0);
}

typedef struct
{
  SluicePlaygroundPage   *page;
  SluicePlaygroundColumn *column;
} CompareSend;

static void
on_compare_delta (const char *text,
                  gpointer    user_data)
{
  _sluice_playground_column_append (SLUICE_PLAYGROUND_COLUMN (user_data), text);
}

static void
on_compare_sent (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autofree CompareSend *send = user_data;
  g_autoptr(SluicePlaygroundPage) self = send->page;
  g_autoptr(GError) error = NULL;
  g_autoptr(SluiceResponse) response = NULL;

  response = sluice_engine_host_send_finish (SLUICE_ENGINE_HOST (object), result, &error);

  if (response != NULL)
    _sluice_playground_column_show_response (send->column, response);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    _sluice_playground_column_show_error (send->column, _("The request was cancelled."));
  else
    _sluice_playground_column_show_error (send->column, error->message);

  if (--self->n_in_flight == 0)
    {
      g_clear_object (&self->cancellable);
      set_busy (self, FALSE);
    }
}

static void
send_compare (SluicePlaygroundPage *self,
              const char           *prompt)
{
  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (self->columns); i++)
    {
      SluicePlaygroundColumn *column = self->columns[i];
      g_autoptr(SluiceRequest) request =
        build_request (self, prompt, _sluice_playground_column_get_selected (column));
      CompareSend *send = g_new0 (CompareSend, 1);

      _sluice_playground_column_reset (column);
      send->page = g_object_ref (self);
      send->column = column;
      self->n_in_flight++;
      sluice_engine_host_send_async (self->host, request,
                                     sluice_request_get_stream (request) ? on_compare_delta : NULL,
                                     column, self->cancellable, on_compare_sent, send);
    }
}

static void
on_compare_toggled (SluicePlaygroundPage *self)
{
  gboolean compare = gtk_switch_get_active (self->compare_switch);

  gtk_stack_set_visible_child_name (self->output_stack, compare ? "compare" : "single");
  /* Each column has its own model; the form's choice is for one answer. */
  gtk_widget_set_visible (self->model_row, !compare);
}

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  SluicePlaygroundPage *self = SLUICE_PLAYGROUND_PAGE (widget);
  g_autoptr(SluiceRequest) request = NULL;
  g_autofree char *prompt = get_text (self->user_view);

  if (self->cancellable != NULL || self->host == NULL)
    return;

  reset_output (self);

  if (g_strstrip (prompt)[0] == '\0')
    {
      show_error (self, _("Write a prompt first."));
      gtk_widget_grab_focus (GTK_WIDGET (self->user_view));
      return;
    }

  if (gtk_switch_get_active (self->compare_switch))
    {
      send_compare (self, prompt);
      return;
    }

  request = build_request (self, prompt, gtk_drop_down_get_selected (self->model_dropdown));
  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);

  sluice_engine_host_send_async (self->host, request,
                                 sluice_request_get_stream (request) ? on_delta : NULL,
                                 self,
                                 self->cancellable,
                                 on_sent,
                                 g_object_ref (self));
}

/* Explain route: the engine's routing decision for the form as it stands,
 * computed on the engine thread without calling a provider. */

static char *
describe_decision (SluiceRouteDecision *d)
{
  const char * const *reasons = sluice_route_decision_get_reasons (d);
  g_autofree char *models = g_strjoinv (" → ", (char **) sluice_route_decision_get_models (d));
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, _("Chain “%s” (%s)"), sluice_route_decision_get_chain (d), models);
  if (sluice_route_decision_get_rule (d) != NULL)
    g_string_append_printf (out, _(", rule “%s”"), sluice_route_decision_get_rule (d));
  if (sluice_route_decision_get_task (d) != NULL)
    g_string_append_printf (out, sluice_route_decision_get_task_guessed (d)
                            ? _(", task %s guessed with confidence %.2f")
                            : _(", task %s given"), sluice_route_decision_get_task (d),
                            sluice_route_decision_get_confidence (d));
  for (guint i = 0; reasons[i] != NULL; i++)
    g_string_append_printf (out, "\n• %s", reasons[i]);
  return g_string_free (out, FALSE);
}

static void
explain_on_engine (SluiceEngine *engine,
                   gpointer      data,
                   GTask        *task)
{
  g_autoptr(SluiceRouteDecision) decision = NULL;
  GError *error = NULL;

  decision = sluice_engine_explain (engine, SLUICE_REQUEST (data), &error);
  if (decision == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, describe_decision (decision), g_free);
}

static void
on_explained (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SluicePlaygroundPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = sluice_engine_host_run_finish (SLUICE_ENGINE_HOST (object), result,
                                                         &error);

  gtk_label_set_text (self->explain_label, text != NULL ? text : error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->explain_label), TRUE);
}

static void
explain_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  SluicePlaygroundPage *self = SLUICE_PLAYGROUND_PAGE (widget);
  g_autofree char *prompt = get_text (self->user_view);
  SluiceRequest *request;

  if (self->host == NULL)
    return;
  if (g_strstrip (prompt)[0] == '\0')
    {
      show_error (self, _("Write a prompt first."));
      return;
    }
  request = build_request (self, prompt, gtk_drop_down_get_selected (self->model_dropdown));
  sluice_engine_host_run_async (self->host, explain_on_engine, request, g_object_unref, g_free,
                                NULL, on_explained, g_object_ref (self));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SluicePlaygroundPage *self = SLUICE_PLAYGROUND_PAGE (widget);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

static void
on_snapshot_changed (SluiceEngineHost     *host,
                     GParamSpec           *pspec,
                     SluicePlaygroundPage *self)
{
  SluiceSnapshot *snapshot = sluice_engine_host_get_snapshot (host);
  g_autoptr(SluiceConfig) config = NULL;

  /* The choice of models follows the configuration when it changes. */
  if (snapshot == NULL ||
      sluice_snapshot_get_config_version (snapshot) == self->config_version)
    return;

  self->config_version = sluice_snapshot_get_config_version (snapshot);
  config = sluice_engine_host_dup_config (host);
  fill_models (self, config);
}

static void
sluice_playground_page_dispose (GObject *object)
{
  SluicePlaygroundPage *self = (SluicePlaygroundPage *)object;
  GtkWidget *child;

  /* Deltas of a cancelled request are dropped by the host. */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (self->host != NULL)
    g_clear_signal_handler (&self->snapshot_handler, self->host);
  g_clear_object (&self->host);
  g_clear_object (&self->response);
  g_clear_pointer (&self->model_values, g_ptr_array_unref);
  g_clear_object (&self->choices);

  gtk_widget_dispose_template (GTK_WIDGET (self), SLUICE_TYPE_PLAYGROUND_PAGE);
  /* The template's root has no id, so it is not unparented above. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (sluice_playground_page_parent_class)->dispose (object);
}

static void
add_shortcuts (SluicePlaygroundPage *self)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();
  GtkShortcutController *shortcuts = GTK_SHORTCUT_CONTROLLER (controller);

  /* Capture phase, so Ctrl+Enter sends before the text view sees it. */
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (shortcuts,
    gtk_shortcut_new (gtk_shortcut_trigger_parse_string ("<Control>Return|<Control>KP_Enter"),
                      gtk_named_action_new ("playground.send")));
  gtk_shortcut_controller_add_shortcut (shortcuts,
    gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                      gtk_named_action_new ("playground.cancel")));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

static void
sluice_playground_page_class_init (SluicePlaygroundPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sluice_playground_page_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sluice/Sluice/sluice-playground-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, SluicePlaygroundPage, name)
  BIND (system_view);
  BIND (user_view);
  BIND (model_dropdown);
  BIND (task_dropdown);
  BIND (user_entry);
  BIND (temperature_spin);
  BIND (max_tokens_spin);
  BIND (stream_switch);
  BIND (spinner);
  BIND (send_button);
  BIND (explain_button);
  BIND (explain_label);
  BIND (cancel_button);
  BIND (hint_label);
  BIND (error_label);
  BIND (answer_box);
  BIND (answer_view);
  BIND (result_grid);
  BIND (result_model);
  BIND (result_provider);
  BIND (result_route);
  BIND (result_cache);
  BIND (result_tokens);
  BIND (result_cost);
  BIND (result_latency);
  BIND (result_fallback);
  BIND (trace_box);
  BIND (trace_list);
  BIND (compare_switch);
  BIND (model_row);
  BIND (output_stack);
  BIND (compare_box);
  BIND (compare_error_label);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_compare_toggled);

  gtk_widget_class_install_action (widget_class, "playground.send", NULL, send_action);
  gtk_widget_class_install_action (widget_class, "playground.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "playground.explain", NULL, explain_action);
}

static void
sluice_playground_page_init (SluicePlaygroundPage *self)
{
  self->model_values = g_ptr_array_new_with_free_func (g_free);
  self->config_version = G_MININT64;

  gtk_widget_init_template (GTK_WIDGET (self));
  for (guint i = 0; i < G_N_ELEMENTS (self->columns); i++)
    {
      self->columns[i] = _sluice_playground_column_new ();
      gtk_box_append (self->compare_box, GTK_WIDGET (self->columns[i]));
    }
  add_shortcuts (self);
  fill_models (self, NULL);
  set_busy (self, FALSE);
}

GtkWidget *
sluice_playground_page_new (void)
{
  return g_object_new (SLUICE_TYPE_PLAYGROUND_PAGE, NULL);
}

void
sluice_playground_page_set_host (SluicePlaygroundPage *self,
                                 SluiceEngineHost     *host)
{
  g_autoptr(SluiceConfig) config = NULL;

  g_return_if_fail (SLUICE_IS_PLAYGROUND_PAGE (self));
  g_return_if_fail (!host || SLUICE_IS_ENGINE_HOST (host));

  if (self->host == host)
    return;

  if (self->host != NULL)
    g_clear_signal_handler (&self->snapshot_handler, self->host);
  g_set_object (&self->host, host);

  if (host != NULL)
    {
      config = sluice_engine_host_dup_config (host);
      self->snapshot_handler =
        g_signal_connect (host, "notify::snapshot",
                          G_CALLBACK (on_snapshot_changed), self);
      if (sluice_engine_host_get_snapshot (host) != NULL)
        self->config_version =
          sluice_snapshot_get_config_version (sluice_engine_host_get_snapshot (host));
    }

  fill_models (self, config);
}

gboolean
sluice_playground_page_get_busy (SluicePlaygroundPage *self)
{
  g_return_val_if_fail (SLUICE_IS_PLAYGROUND_PAGE (self), FALSE);

  return self->cancellable != NULL;
}

/**
 * sluice_playground_page_get_response:
 *
 * Returns: (transfer none) (nullable): the last response shown
 */
SluiceResponse *
sluice_playground_page_get_response (SluicePlaygroundPage *self)
{
  g_return_val_if_fail (SLUICE_IS_PLAYGROUND_PAGE (self), NULL);

  return self->response;
}

void
sluice_playground_page_set_compare (SluicePlaygroundPage *self,
                                    gboolean              compare)
{
  g_return_if_fail (SLUICE_IS_PLAYGROUND_PAGE (self));

  gtk_switch_set_active (self->compare_switch, compare);
}

/**
 * sluice_playground_page_set_compare_models:
 * @first: the choice of the left column (an index of the model drop-down)
 * @second: the choice of the right column
 */
void
sluice_playground_page_set_compare_models (SluicePlaygroundPage *self,
                                           guint                 first,
                                           guint                 second)
{
  g_return_if_fail (SLUICE_IS_PLAYGROUND_PAGE (self));

  _sluice_playground_column_set_choices (self->columns[0], self->choices, first);
  _sluice_playground_column_set_choices (self->columns[1], self->choices, second);
}

/**
 * sluice_playground_page_get_compare_response:
 * @column: 0 for the left column, 1 for the right
 *
 * Returns: (transfer none) (nullable): that column's last response
 */
SluiceResponse *
sluice_playground_page_get_compare_response (SluicePlaygroundPage *self,
                                             guint                 column)
{
  g_return_val_if_fail (SLUICE_IS_PLAYGROUND_PAGE (self), NULL);
  g_return_val_if_fail (column < G_N_ELEMENTS (self->columns), NULL);

  return _sluice_playground_column_get_response (self->columns[column]);
}
