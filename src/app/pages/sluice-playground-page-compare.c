/* sluice-playground-page-compare.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-app"

#include "config.h"

#include <glib/gi18n.h>

#include "sluice-format.h"
#include "sluice-playground-page-private.h"

/* One column of the Playground's Compare mode: its own model or chain, the
 * answer as it streams, a one-line summary and the trace. Two of them side
 * by side get the same prompt at the same time. */

struct _SluicePlaygroundColumn
{
  GtkBox          parent_instance;

  SluiceResponse *response;
  GtkDropDown    *dropdown;
  GtkLabel       *error_label;
  GtkWidget      *answer_box;
  GtkTextView    *answer_view;
  GtkLabel       *summary_label;
  GtkListBox     *trace_list;
};

G_DEFINE_FINAL_TYPE (SluicePlaygroundColumn, sluice_playground_column, GTK_TYPE_BOX)

static void
sluice_playground_column_dispose (GObject *object)
{
  g_clear_object (&SLUICE_PLAYGROUND_COLUMN (object)->response);

  G_OBJECT_CLASS (sluice_playground_column_parent_class)->dispose (object);
}

static void
sluice_playground_column_class_init (SluicePlaygroundColumnClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sluice_playground_column_dispose;
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "playgroundcolumn");
}

static GtkWidget *
heading (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  gtk_widget_add_css_class (label, "heading");
  return label;
}

static void
build_answer (SluicePlaygroundColumn *self)
{
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *view = gtk_text_view_new ();

  self->answer_view = GTK_TEXT_VIEW (view);
  gtk_text_view_set_editable (self->answer_view, FALSE);
  gtk_text_view_set_cursor_visible (self->answer_view, FALSE);
  gtk_text_view_set_wrap_mode (self->answer_view, GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_top_margin (self->answer_view, 12);
  gtk_text_view_set_bottom_margin (self->answer_view, 12);
  gtk_text_view_set_left_margin (self->answer_view, 12);
  gtk_text_view_set_right_margin (self->answer_view, 12);

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scroller), 120);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 260);
  gtk_widget_set_hexpand (scroller, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), view);

  self->answer_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_add_css_class (self->answer_box, "card");
  gtk_widget_add_css_class (self->answer_box, "text-card");
  gtk_box_append (GTK_BOX (self->answer_box), scroller);
  gtk_widget_set_visible (self->answer_box, FALSE);
}

static void
sluice_playground_column_init (SluicePlaygroundColumn *self)
{
  GtkBox *box = GTK_BOX (self);

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (box, 12);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);

  self->dropdown = GTK_DROP_DOWN (gtk_drop_down_new (NULL, NULL));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->dropdown), _("The model, alias or chain to ask"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->dropdown),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Model or chain"), -1);

  self->error_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->error_label, TRUE);
  gtk_label_set_xalign (self->error_label, 0.0f);
  gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);

  build_answer (self);

  self->summary_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->summary_label, TRUE);
  gtk_label_set_xalign (self->summary_label, 0.0f);
  gtk_widget_add_css_class (GTK_WIDGET (self->summary_label), "numeric");
  gtk_widget_add_css_class (GTK_WIDGET (self->summary_label), "dim-label");

  self->trace_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->trace_list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->trace_list), "boxed-list");

  gtk_box_append (box, GTK_WIDGET (self->dropdown));
  gtk_box_append (box, GTK_WIDGET (self->error_label));
  gtk_box_append (box, self->answer_box);
  gtk_box_append (box, GTK_WIDGET (self->summary_label));
  gtk_box_append (box, heading (_("Trace")));
  gtk_box_append (box, GTK_WIDGET (self->trace_list));
}

SluicePlaygroundColumn *
_sluice_playground_column_new (void)
{
  return g_object_new (SLUICE_TYPE_PLAYGROUND_COLUMN, NULL);
}

void
_sluice_playground_column_set_choices (SluicePlaygroundColumn *self,
                                       GListModel             *choices,
                                       guint                   selected)
{
  gtk_drop_down_set_model (self->dropdown, choices);
  if (choices != NULL && selected < g_list_model_get_n_items (choices))
    gtk_drop_down_set_selected (self->dropdown, selected);
}

guint
_sluice_playground_column_get_selected (SluicePlaygroundColumn *self)
{
  return gtk_drop_down_get_selected (self->dropdown);
}

void
_sluice_playground_column_reset (SluicePlaygroundColumn *self)
{
  GtkWidget *child;

  g_clear_object (&self->response);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->answer_view), "", -1);
  gtk_widget_set_visible (self->answer_box, FALSE);
  gtk_label_set_text (self->summary_label, "");
  _sluice_playground_column_show_error (self, NULL);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->trace_list))) != NULL)
    gtk_list_box_remove (self->trace_list, child);
}

void
_sluice_playground_column_append (SluicePlaygroundColumn *self,
                                  const char             *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->answer_view);
  GtkTextIter end;

  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, text, -1);
  gtk_widget_set_visible (self->answer_box, TRUE);
}

void
_sluice_playground_column_show_error (SluicePlaygroundColumn *self,
                                      const char             *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static char *
summarise (SluiceResponse *response)
{
  const SluiceUsage *usage = sluice_response_get_usage (response);
  g_autofree char *in = sluice_format_count (usage != NULL ? MAX (usage->input_tokens, 0) : 0);
  g_autofree char *out = sluice_format_count (usage != NULL ? MAX (usage->output_tokens, 0) : 0);
  g_autofree char *cost = sluice_format_usd (sluice_response_get_cost_usd (response));
  g_autofree char *latency = sluice_format_duration (sluice_response_get_latency_us (response));
  const char *model = sluice_response_get_model (response);

  /* Translators: model · cache status · tokens in/out · cost · latency */
  return g_strdup_printf (_("%s · cache %s · %s / %s tokens · %s · %s"),
                          model != NULL ? model : "—",
                          sluice_cache_status_to_string (sluice_response_get_cache_status (response)),
                          in, out, cost, latency);
}

/* Half the width of the single answer's trace: one line saying when,
 * which stage, what and how long, and the sentence under it. */
static GtkWidget *
compact_trace_row (const SluiceTraceEntry *entry)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  g_autofree char *at = sluice_format_duration (entry->offset_us);
  g_autofree char *took = entry->duration_us > 0 ? sluice_format_duration (entry->duration_us) : NULL;
  const char *stage = sluice_stage_to_string (entry->stage);
  g_autofree char *what = g_strcmp0 (stage, entry->what) == 0
    ? g_strdup (stage) : g_strdup_printf ("%s · %s", stage, entry->what);
  g_autofree char *title = NULL;
  GtkWidget *head, *detail;

  if (took != NULL)
    title = g_strdup_printf ("+%s  %s  (%s)", at, what, took);
  else
    title = g_strdup_printf ("+%s  %s", at, what);

  head = gtk_label_new (title);
  gtk_label_set_xalign (GTK_LABEL (head), 0.0f);
  gtk_label_set_wrap (GTK_LABEL (head), TRUE);
  gtk_widget_add_css_class (head, "heading");
  detail = gtk_label_new (entry->detail);
  gtk_label_set_xalign (GTK_LABEL (detail), 0.0f);
  gtk_label_set_wrap (GTK_LABEL (detail), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (detail), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (detail), TRUE);
  gtk_widget_add_css_class (detail, "trace-detail");
  gtk_widget_add_css_class (detail, "dim-label");
  gtk_widget_add_css_class (box, "trace-row");
  gtk_box_append (GTK_BOX (box), head);
  if (entry->detail != NULL && entry->detail[0] != '\0')
    gtk_box_append (GTK_BOX (box), detail);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  return row;
}

void
_sluice_playground_column_show_response (SluicePlaygroundColumn *self,
                                         SluiceResponse         *response)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->answer_view);
  const char *content = sluice_response_get_content (response);
  SluiceTrace *trace = sluice_response_get_trace (response);
  g_autofree char *summary = summarise (response);
  guint n = trace != NULL ? sluice_trace_get_n_entries (trace) : 0;

  g_set_object (&self->response, response);

  if (content != NULL && content[0] != '\0' && gtk_text_buffer_get_char_count (buffer) == 0)
    _sluice_playground_column_append (self, content);

  if (sluice_response_get_status (response) != SLUICE_REQUEST_STATUS_OK)
    {
      const char *message = sluice_response_get_error_message (response);

      _sluice_playground_column_show_error (self, message != NULL ? message
        : sluice_request_status_to_string (sluice_response_get_status (response)));
    }

  gtk_label_set_text (self->summary_label, summary);
  for (guint i = 0; i < n; i++)
    gtk_list_box_append (self->trace_list, compact_trace_row (sluice_trace_get_entry (trace, i)));
}

SluiceResponse *
_sluice_playground_column_get_response (SluicePlaygroundColumn *self)
{
  return self->response;
}
