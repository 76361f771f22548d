/* sluice-config-page-history.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-app"

#include "config.h"

#include <glib/gi18n.h>

#include "sluice-admin.h"
#include "sluice-config-page-private.h"

/* The History tab: every stored version with time, author, comment and
 * its diff against the one before; "Roll Back…" applies an old one again
 * as a new version, after a confirmation. */

static void
rollback_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SluiceConfigPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree gint64 *version = NULL;

  version = sluice_engine_host_run_finish (SLUICE_ENGINE_HOST (object), result, &error);
  self->busy--;
  if (version == NULL)
    {
      _sluice_config_page_set_status (self, error->message);
      _sluice_config_page_update_buttons (self);
      return;
    }
  self->running_version = *version;
  _sluice_config_page_running_changed (self);
  {
    g_autofree char *text = g_strdup_printf (_("Rolled back; version %" G_GINT64_FORMAT
                                               " is in force"), *version);

    _sluice_config_page_set_status (self, text);
  }
}

/**
 * sluice_config_page_rollback:
 *
 * Applies stored @version again as a new version (no confirmation: the
 * History tab asks before it calls this).
 */
void
sluice_config_page_rollback (SluiceConfigPage *self,
                             gint64            version)
{
  g_return_if_fail (SLUICE_IS_CONFIG_PAGE (self));
  g_return_if_fail (self->host != NULL);

  self->busy++;
  sluice_admin_rollback (self->host, version, rollback_done_cb, g_object_ref (self));
}

static void
on_confirm_response (AdwMessageDialog *dialog,
                     const char       *response,
                     SluiceConfigPage *self)
{
  gint64 version = *(gint64 *) g_object_get_data (G_OBJECT (dialog), "version");

  if (g_strcmp0 (response, "rollback") == 0)
    sluice_config_page_rollback (self, version);
}

static void
on_rollback_clicked (GtkButton        *button,
                     SluiceConfigPage *self)
{
  gint64 *version = g_object_get_data (G_OBJECT (button), "version");
  g_autofree char *heading = g_strdup_printf (_("Roll Back to Version %" G_GINT64_FORMAT "?"),
                                              *version);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              heading,
                                              _("Its configuration is applied again as a new "
                                                "version; the draft's edits are dropped."));
  gint64 *copy = g_new (gint64, 1);

  *copy = *version;
  g_object_set_data_full (G_OBJECT (dialog), "version", copy, g_free);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"), "rollback", _("_Roll Back"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "rollback",
                                              ADW_RESPONSE_DESTRUCTIVE);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_confirm_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWidget *
diff_row (const char *diff)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *label = gtk_label_new (diff);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "monospace");
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_widget_set_margin_top (label, 8);
  gtk_widget_set_margin_bottom (label, 8);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  return row;
}

static GtkWidget *
version_row (SluiceConfigPage          *self,
             const SluiceConfigVersion *v,
             const SluiceConfigVersion *previous,
             gboolean                   running)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (v->time_us / G_USEC_PER_SEC);
  g_autofree char *time = g_date_time_format (when, "%Y-%m-%d %H:%M:%S");
  g_autofree char *title = g_strdup_printf (_("Version %" G_GINT64_FORMAT "%s"), v->version,
                                            running ? _(" (running)") : "");
  g_autofree char *subtitle = g_strdup_printf ("%s · %s%s%s", time, v->author,
                                               v->comment != NULL && *v->comment ? " · " : "",
                                               v->comment != NULL ? v->comment : "");
  g_autofree char *diff = NULL;
  GtkWidget *row = adw_expander_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);
  if (previous != NULL)
    diff = sluice_config_diff_text (previous->json, v->json, NULL);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row),
                            diff_row (previous == NULL ? _("The first version")
                                      : diff == NULL || *diff == '\0' ? _("No changes")
                                      : diff));
  if (!running)
    {
      GtkWidget *button = gtk_button_new_with_label (_("Roll Back…"));
      gint64 *version = g_new (gint64, 1);

      *version = v->version;
      g_object_set_data_full (G_OBJECT (button), "version", version, g_free);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      g_signal_connect (button, "clicked", G_CALLBACK (on_rollback_clicked), self);
      adw_expander_row_add_action (ADW_EXPANDER_ROW (row), button);
    }
  return row;
}

static void
versions_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(SluiceConfigPage) self = user_data;
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  versions = sluice_engine_host_run_finish (SLUICE_ENGINE_HOST (object), result, &error);
  if (versions == NULL || self->history_list == NULL)
    return;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->history_list))) != NULL)
    gtk_list_box_remove (self->history_list, child);
  for (guint i = 0; i < versions->len; i++)
    {
      const SluiceConfigVersion *v = g_ptr_array_index (versions, i);
      const SluiceConfigVersion *previous = i + 1 < versions->len
        ? g_ptr_array_index (versions, i + 1) : NULL;

      GtkWidget *row = version_row (self, v, previous, v->version == self->running_version);

      /* The newest version opens on what it changed. */
      adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), i == 0);
      gtk_list_box_append (self->history_list, row);
    }
  self->n_versions = versions->len;
}

void
_sluice_config_page_refresh_history (SluiceConfigPage *self)
{
  if (self->host == NULL)
    return;
  sluice_admin_list_versions (self->host, versions_cb, g_object_ref (self));
}
