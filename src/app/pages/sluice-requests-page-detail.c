/* sluice-requests-page-detail.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-app"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "sluice-format.h"
#include "sluice-playground-trace.h"
#include "sluice-requests-page-private.h"

/* The detail pane of the request log: every number of the ledger row, the
 * messages as they were sent, the answer and the trace. */

char *
_sluice_requests_format_time (gint64   time_us,
                              gboolean with_date)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (time_us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;

  if (local == NULL)
    return g_strdup ("—");

  /* Translators: strftime-style formats of a request's time */
  return g_date_time_format (local, with_date ? _("%Y-%m-%d %H:%M:%S") : _("%H:%M:%S"));
}

const char *
_sluice_requests_status_label (SluiceRequestStatus status)
{
  switch (status)
    {
    case SLUICE_REQUEST_STATUS_OK:
      return _("OK");
    case SLUICE_REQUEST_STATUS_ERROR:
      return _("Error");
    case SLUICE_REQUEST_STATUS_REFUSED:
      return _("Refused");
    case SLUICE_REQUEST_STATUS_DEGRADED:
      return _("Degraded");
    case SLUICE_REQUEST_STATUS_DEFERRED:
      return _("Deferred");
    default:
      return "—";
    }
}

const char *
_sluice_requests_cache_label (SluiceCacheStatus cache)
{
  switch (cache)
    {
    case SLUICE_CACHE_STATUS_NONE:
      return _("Not cached");
    case SLUICE_CACHE_STATUS_MISS:
      return _("Miss");
    case SLUICE_CACHE_STATUS_EXACT:
      return _("Exact hit");
    case SLUICE_CACHE_STATUS_SEMANTIC:
      return _("Semantic hit");
    case SLUICE_CACHE_STATUS_STALE:
      return _("Stale");
    default:
      return "—";
    }
}

static void
clear_box (GtkWidget *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (box)) != NULL)
    {
      if (GTK_IS_LIST_BOX (box))
        gtk_list_box_remove (GTK_LIST_BOX (box), child);
      else
        gtk_grid_remove (GTK_GRID (box), child);
    }
}

static void
add_number (GtkGrid    *grid,
            guint       index,
            const char *title,
            char       *value)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *caption = gtk_label_new (title);
  GtkWidget *label = gtk_label_new (value != NULL && value[0] != '\0' ? value : "—");

  gtk_label_set_xalign (GTK_LABEL (caption), 0.0f);
  gtk_widget_add_css_class (caption, "caption-heading");
  gtk_widget_add_css_class (caption, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (label, "numeric");
  gtk_box_append (GTK_BOX (box), caption);
  gtk_box_append (GTK_BOX (box), label);
  gtk_grid_attach (grid, box, index % 3, index / 3, 1, 1);
  g_free (value);
}

static void
show_numbers (GtkGrid               *grid,
              const SluiceLedgerRow *row)
{
  guint i = 0;

  clear_box (GTK_WIDGET (grid));
  add_number (grid, i++, _("Started"), _sluice_requests_format_time (row->time_us, TRUE));
  add_number (grid, i++, _("Finished"),
              _sluice_requests_format_time (row->time_us + MAX (row->latency_us, 0), TRUE));
  add_number (grid, i++, _("Status"), g_strdup (_sluice_requests_status_label (row->status)));
  add_number (grid, i++, _("Error"),
              g_strdup (row->error_class != SLUICE_ERROR_CLASS_NONE
                        ? sluice_error_class_to_string (row->error_class) : NULL));
  add_number (grid, i++, _("User"), g_strdup (row->user));
  add_number (grid, i++, _("Task"), g_strdup (row->task));
  add_number (grid, i++, _("Route"), g_strdup (row->route));
  add_number (grid, i++, _("Model"), g_strdup (row->model));
  add_number (grid, i++, _("Provider"), g_strdup (row->provider));
  add_number (grid, i++, _("Cache"), g_strdup (_sluice_requests_cache_label (row->cache)));
  add_number (grid, i++, _("Tokens In"), sluice_format_count (MAX (row->tokens_in, 0)));
  add_number (grid, i++, _("Cached Tokens"), sluice_format_count (MAX (row->tokens_cached, 0)));
  add_number (grid, i++, _("Tokens Out"), sluice_format_count (MAX (row->tokens_out, 0)));
  add_number (grid, i++, _("Cost"), sluice_format_usd (row->cost_usd));
  add_number (grid, i++, _("Latency"), sluice_format_duration (row->latency_us));
  add_number (grid, i++, _("First Token"),
              row->ttft_us > 0 ? sluice_format_duration (row->ttft_us) : NULL);
  add_number (grid, i++, _("Fallback Depth"), g_strdup_printf ("%u", row->fallback_depth));
  add_number (grid, i++, _("Ledger Row"), g_strdup_printf ("%" G_GINT64_FORMAT, row->id));
}

static GtkWidget *
message_row (const char *role,
             const char *content)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *title = gtk_label_new (role);
  GtkWidget *text = gtk_label_new (content);

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 10);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_label_set_xalign (GTK_LABEL (title), 0.0f);
  gtk_widget_add_css_class (title, "caption-heading");
  gtk_widget_add_css_class (title, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (text), 0.0f);
  gtk_label_set_wrap (GTK_LABEL (text), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (text), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (text), TRUE);
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), text);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  return row;
}

static void
show_messages (GtkListBox *list,
               const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *messages = NULL;

  clear_box (GTK_WIDGET (list));

  if (json != NULL && json_parser_load_from_data (parser, json, -1, NULL) &&
      JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    messages = json_node_get_array (json_parser_get_root (parser));

  for (guint i = 0; messages != NULL && i < json_array_get_length (messages); i++)
    {
      JsonObject *m = json_array_get_object_element (messages, i);

      if (m != NULL)
        gtk_list_box_append (list,
          message_row (json_object_get_string_member_with_default (m, "role", "user"),
                       json_object_get_string_member_with_default (m, "content", "")));
    }

  if (messages == NULL || json_array_get_length (messages) == 0)
    gtk_list_box_append (list, message_row (_("No messages"), _("The ledger kept no messages for this request.")));
}

static void
show_trace (GtkListBox *list,
            const char *json)
{
  g_autoptr(SluiceTrace) trace = sluice_playground_trace_from_json (json);
  guint n = trace != NULL ? sluice_trace_get_n_entries (trace) : 0;

  clear_box (GTK_WIDGET (list));
  for (guint i = 0; i < n; i++)
    gtk_list_box_append (list, sluice_playground_trace_row_new (sluice_trace_get_entry (trace, i)));
}

void
_sluice_requests_detail_show (SluiceRequestsDetail  *detail,
                              const SluiceLedgerRow *row)
{
  g_autofree char *title = NULL;
  const char *answer = row->answer;

  /* Translators: the detail pane's title: the request id */
  title = g_strdup_printf (_("Request %s"), row->request_id != NULL ? row->request_id : "—");
  gtk_label_set_text (detail->title, title);
  show_numbers (detail->grid, row);
  show_messages (detail->messages, row->prompt);
  gtk_label_set_text (detail->answer,
                      answer != NULL && answer[0] != '\0' ? answer : _("No answer."));
  show_trace (detail->trace, row->trace);
}
