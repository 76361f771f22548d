/* sluice-playground-trace.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-app"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "sluice-format.h"
#include "sluice-playground-trace.h"

/* One row of the trace: when (since admission), which stage, what happened
 * and how long it took. Monospace, so the columns line up. */

static GtkWidget *
mono_label (const char *text,
            float       xalign,
            int         width_chars)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  gtk_label_set_width_chars (GTK_LABEL (label), width_chars);
  gtk_widget_set_valign (label, GTK_ALIGN_START);
  gtk_widget_add_css_class (label, "monospace");
  gtk_widget_add_css_class (label, "numeric");

  return label;
}

static GtkWidget *
describe (const SluiceTraceEntry *entry)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *what = gtk_label_new (entry->what);
  GtkWidget *detail;

  gtk_widget_set_hexpand (box, TRUE);
  gtk_label_set_xalign (GTK_LABEL (what), 0.0f);
  gtk_widget_add_css_class (what, "heading");
  gtk_box_append (GTK_BOX (box), what);

  if (entry->detail == NULL || entry->detail[0] == '\0')
    return box;

  detail = gtk_label_new (entry->detail);
  gtk_label_set_xalign (GTK_LABEL (detail), 0.0f);
  gtk_label_set_wrap (GTK_LABEL (detail), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (detail), PANGO_WRAP_WORD_CHAR);
  /* Wide enough a natural width that the detail uses the row's room. */
  gtk_label_set_max_width_chars (GTK_LABEL (detail), 120);
  gtk_label_set_selectable (GTK_LABEL (detail), TRUE);
  gtk_widget_add_css_class (detail, "monospace");
  gtk_widget_add_css_class (detail, "trace-detail");
  gtk_box_append (GTK_BOX (box), detail);

  return box;
}

GtkWidget *
sluice_playground_trace_row_new (const SluiceTraceEntry *entry)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *stage = gtk_label_new (sluice_stage_to_string (entry->stage));
  g_autofree char *since = sluice_format_duration (entry->offset_us);
  g_autofree char *offset = g_strdup_printf ("+%s", since);
  g_autofree char *duration = NULL;
  GtkWidget *took;

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_add_css_class (box, "trace-row");

  gtk_widget_set_valign (stage, GTK_ALIGN_START);
  gtk_label_set_width_chars (GTK_LABEL (stage), 8);
  gtk_widget_add_css_class (stage, "trace-stage");
  gtk_widget_add_css_class (stage, "caption-heading");

  /* Instant events have no duration. */
  if (entry->duration_us > 0)
    duration = sluice_format_duration (entry->duration_us);
  took = mono_label (duration != NULL ? duration : "", 1.0f, 8);
  gtk_widget_add_css_class (took, "dim-label");

  gtk_box_append (GTK_BOX (box), mono_label (offset, 1.0f, 10));
  gtk_box_append (GTK_BOX (box), stage);
  gtk_box_append (GTK_BOX (box), describe (entry));
  gtk_box_append (GTK_BOX (box), took);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  return row;
}

static SluiceStage
stage_from_string (const char *name)
{
  for (int stage = SLUICE_STAGE_ADMIT; stage <= SLUICE_STAGE_DEGRADE; stage++)
    if (g_strcmp0 (sluice_stage_to_string (stage), name) == 0)
      return stage;

  return SLUICE_STAGE_SETTLE;
}

/**
 * sluice_playground_trace_from_json:
 * @json: (nullable): a trace as the ledger keeps it (sluice_trace_to_json())
 *
 * Returns: (transfer full) (nullable): the trace, or %NULL when @json is
 *   not a trace
 */
SluiceTrace *
sluice_playground_trace_from_json (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(SluiceTrace) trace = NULL;
  JsonArray *entries;

  if (json == NULL || !json_parser_load_from_data (parser, json, -1, NULL) ||
      !JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    return NULL;

  trace = sluice_trace_new (0);
  entries = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *e = json_array_get_object_element (entries, i);
      gint64 offset, duration;

      if (e == NULL)
        continue;

      offset = json_object_get_int_member_with_default (e, "offset_us", 0);
      duration = json_object_get_int_member_with_default (e, "duration_us", 0);
      sluice_trace_add (trace,
                        stage_from_string (json_object_get_string_member_with_default (e, "stage", NULL)),
                        offset + duration, duration,
                        json_object_get_string_member_with_default (e, "what", ""),
                        "%s", json_object_get_string_member_with_default (e, "detail", ""));
    }

  return g_steal_pointer (&trace);
}
