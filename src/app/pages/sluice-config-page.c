/* sluice-config-page.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-app"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "sluice-admin.h"
#include "sluice-config-page-private.h"

/* The Configuration page: editors that change a draft of the running
 * config, a review of the draft's diff, apply (validated first; an error
 * shows at its field), import / export, the version history with rollback
 * and the provider keys. */

G_DEFINE_FINAL_TYPE (SluiceConfigPage, sluice_config_page, GTK_TYPE_WIDGET)

void
_sluice_config_page_set_status (SluiceConfigPage *self,
                                const char       *text)
{
  gtk_label_set_text (self->status_label, text != NULL ? text : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_label), text);
}

void
_sluice_config_page_update_buttons (SluiceConfigPage *self)
{
  gboolean dirty = sluice_config_draft_is_dirty (self->draft);
  gboolean ready = self->host != NULL && self->busy == 0;

  gtk_widget_set_sensitive (GTK_WIDGET (self->apply_button), ready && dirty);
  gtk_widget_set_sensitive (GTK_WIDGET (self->review_button), dirty);
  gtk_widget_set_sensitive (GTK_WIDGET (self->discard_button), dirty);
}

static void
clear_error (SluiceConfigPage *self)
{
  GtkWidget *row = g_steal_pointer (&self->error_row);

  if (row == NULL)
    return;
  gtk_widget_remove_css_class (row, "error");
  if (ADW_IS_ACTION_ROW (row))
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), self->error_subtitle);
  else if (ADW_IS_EXPANDER_ROW (row))
    adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), self->error_subtitle);
  else if (ADW_IS_PREFERENCES_GROUP (row))
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (row), self->error_subtitle);
  g_clear_pointer (&self->error_subtitle, g_free);
  g_object_remove_weak_pointer (G_OBJECT (row), (gpointer *) &self->error_row);
}

static GtkWindow *
get_window (gpointer data)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (data));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
rebuild (SluiceConfigPage *self)
{
  g_autofree char *visible = g_strdup (gtk_stack_get_visible_child_name (self->section_stack));
  GtkWidget *child;

  clear_error (self);
  g_hash_table_remove_all (self->ctx.fields);
  /* The sidebar lets go of the pages first: GTK 4.8's sidebar trips over
   * pages removed under it. */
  gtk_stack_sidebar_set_stack (self->section_sidebar, NULL);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->section_stack))) != NULL)
    gtk_stack_remove (self->section_stack, child);
  sluice_editor_build_sections (&self->ctx, self->section_stack);
  gtk_stack_sidebar_set_stack (self->section_sidebar, self->section_stack);
  if (visible != NULL)
    gtk_stack_set_visible_child_name (self->section_stack, visible);
  _sluice_config_page_update_buttons (self);
}

static gboolean
rebuild_idle (gpointer data)
{
  SluiceConfigPage *self = data;

  self->rebuild_id = 0;
  rebuild (self);
  return G_SOURCE_REMOVE;
}

/* Structural edits come from buttons inside the rows they replace, so the
 * rows are rebuilt once the handler returned. */
static void
on_draft_changed (SluiceConfigPage *self,
                  gboolean          structural)
{
  clear_error (self);
  if (structural && self->rebuild_id == 0)
    self->rebuild_id = g_idle_add (rebuild_idle, self);
  _sluice_config_page_update_buttons (self);
}

void
_sluice_config_page_running_changed (SluiceConfigPage *self)
{
  g_autoptr(SluiceConfig) config = sluice_engine_host_dup_config (self->host);

  if (config == NULL)
    return;
  sluice_config_draft_set_running (self->draft, config);
  _sluice_config_page_set_status (self, NULL);
  rebuild (self);
  _sluice_config_page_refresh_history (self);
  _sluice_config_page_refresh_keys (self);
}

static void
on_snapshot (SluiceConfigPage *self)
{
  SluiceSnapshot *snapshot = sluice_engine_host_get_snapshot (self->host);
  gint64 version = snapshot != NULL ? sluice_snapshot_get_config_version (snapshot) : 0;

  if (version == self->running_version)
    return;
  self->running_version = version;
  /* Someone else applied a version: follow it unless there are edits. */
  if (!sluice_config_draft_is_dirty (self->draft) && self->busy == 0)
    _sluice_config_page_running_changed (self);
  else
    _sluice_config_page_refresh_history (self);
}

/* "$.models[2].price_in" → "$.models[2]" → "$.models" → "$" */
static gboolean
strip_last (char *path)
{
  char *dot = strrchr (path, '.');
  char *bracket = strrchr (path, '[');
  char *cut = MAX (dot, bracket);

  if (cut == NULL || cut == path)
    return FALSE;
  *cut = '\0';
  return TRUE;
}

static void
mark_row (SluiceConfigPage *self,
          GtkWidget        *row,
          const char       *reason)
{
  self->error_row = row;
  g_object_add_weak_pointer (G_OBJECT (row), (gpointer *) &self->error_row);
  gtk_widget_add_css_class (row, "error");
  if (ADW_IS_ACTION_ROW (row))
    {
      self->error_subtitle = g_strdup (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), reason);
    }
  else if (ADW_IS_EXPANDER_ROW (row))
    {
      self->error_subtitle = g_strdup (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (row)));
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), reason);
    }
  else if (ADW_IS_PREFERENCES_GROUP (row))
    {
      self->error_subtitle =
        g_strdup (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (row)));
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (row), reason);
    }
}

/* Shows the section holding @row, opens the rows around it, scrolls to it. */
static void
reveal_row (SluiceConfigPage *self,
            GtkWidget        *row)
{
  GtkWidget *page = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_PAGE);

  if (page != NULL && gtk_widget_get_parent (page) == GTK_WIDGET (self->section_stack))
    gtk_stack_set_visible_child (self->section_stack, page);
  adw_view_stack_set_visible_child_name (self->view_stack, "editors");
  for (GtkWidget *w = gtk_widget_get_parent (row); w != NULL; w = gtk_widget_get_parent (w))
    if (ADW_IS_EXPANDER_ROW (w))
      adw_expander_row_set_expanded (ADW_EXPANDER_ROW (w), TRUE);
  gtk_widget_grab_focus (row);
}

/* A schema error's message starts with its JSON path: the row registered
 * for the longest prefix of that path shows the reason. */
static void
show_error (SluiceConfigPage *self,
            const GError     *error)
{
  const char *sep = strstr (error->message, ": ");
  g_autofree char *path = NULL;
  GtkWidget *row = NULL;

  clear_error (self);
  _sluice_config_page_set_status (self, error->message);
  if (error->domain != SLUICE_CONFIG_ERROR || error->message[0] != '$' || sep == NULL)
    return;
  path = g_strndup (error->message, sep - error->message);
  do
    row = g_hash_table_lookup (self->ctx.fields, path);
  while (row == NULL && strip_last (path));
  if (row == NULL)
    return;
  mark_row (self, row, sep + 2);
  reveal_row (self, row);
}

static void
apply_done_cb (GObject      *object,
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
      show_error (self, error);
      _sluice_config_page_update_buttons (self);
      return;
    }
  self->running_version = *version;
  _sluice_config_page_running_changed (self);
  {
    g_autofree char *text = g_strdup_printf (_("Version %" G_GINT64_FORMAT " is in force"),
                                             *version);

    _sluice_config_page_set_status (self, text);
  }
}

/**
 * sluice_config_page_apply:
 * @comment: (nullable): kept with the version
 *
 * Validates the draft; an invalid one shows its error at its field and
 * nothing is sent. A valid one is applied through the host.
 *
 * Returns: %TRUE when the draft was valid and is being applied
 */
gboolean
sluice_config_page_apply (SluiceConfigPage *self,
                          const char       *comment)
{
  g_autoptr(SluiceConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  g_return_val_if_fail (SLUICE_IS_CONFIG_PAGE (self), FALSE);
  g_return_val_if_fail (self->host != NULL, FALSE);

  config = sluice_config_draft_validate (self->draft, &error);
  if (config == NULL)
    {
      show_error (self, error);
      return FALSE;
    }
  json = sluice_config_to_json (config);
  self->busy++;
  _sluice_config_page_update_buttons (self);
  _sluice_config_page_set_status (self, _("Applying…"));
  sluice_admin_apply_json (self->host, json, comment, apply_done_cb, g_object_ref (self));
  return TRUE;
}

static GtkWidget *
diff_view (const char *diff)
{
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *label = gtk_label_new (*diff != '\0' ? diff : _("No changes"));

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_yalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (label, "monospace");
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), label);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 360);
  gtk_widget_set_size_request (scroller, 560, -1);
  return scroller;
}

static void
on_apply_response (AdwMessageDialog *dialog,
                   const char       *response,
                   SluiceConfigPage *self)
{
  GtkWidget *entry = adw_message_dialog_get_extra_child (dialog);

  if (g_strcmp0 (response, "apply") != 0)
    return;
  if (GTK_IS_BOX (entry))
    entry = gtk_widget_get_last_child (entry);
  sluice_config_page_apply (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
on_apply_clicked (SluiceConfigPage *self)
{
  g_autofree char *diff = sluice_config_draft_dup_diff (self->draft);
  GtkWidget *dialog = adw_message_dialog_new (get_window (self), _("Apply Changes?"),
                                              _("The new version is in force for the next "
                                                "request; nothing restarts."));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Comment (optional)"));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_box_append (GTK_BOX (box), diff_view (diff));
  gtk_box_append (GTK_BOX (box), entry);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"), "apply", _("_Apply"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "apply",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "apply");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_apply_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_review_response (AdwMessageDialog *dialog,
                    const char       *response,
                    SluiceConfigPage *self)
{
  if (g_strcmp0 (response, "apply") == 0)
    on_apply_clicked (self);
}

/**
 * sluice_config_page_review:
 *
 * Shows the draft's changes against the running config.
 *
 * Returns: (transfer none): the dialog
 */
GtkWidget *
sluice_config_page_review (SluiceConfigPage *self)
{
  g_autofree char *diff = sluice_config_draft_dup_diff (self->draft);
  GtkWidget *dialog = adw_message_dialog_new (get_window (self), _("Review Changes"),
                                              _("The draft against the running configuration"));

  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), diff_view (diff));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "close", _("_Close"), "apply", _("_Apply…"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "apply",
                                              ADW_RESPONSE_SUGGESTED);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_review_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
on_review_clicked (SluiceConfigPage *self)
{
  sluice_config_page_review (self);
}

static void
on_discard_clicked (SluiceConfigPage *self)
{
  if (self->host != NULL)
    _sluice_config_page_running_changed (self);
  _sluice_config_page_set_status (self, _("Draft discarded"));
}

/**
 * sluice_config_page_import_file:
 *
 * Loads @file into the draft when it is a valid configuration; an invalid
 * one changes nothing and shows its path and reason.
 */
gboolean
sluice_config_page_import_file (SluiceConfigPage  *self,
                                GFile             *file,
                                GError           **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (SLUICE_IS_CONFIG_PAGE (self), FALSE);

  if (!g_file_load_contents (file, NULL, &data, NULL, NULL, &local_error) ||
      !sluice_config_draft_load (self->draft, data, &local_error))
    {
      g_autofree char *text = g_strdup_printf (_("Not imported: %s"), local_error->message);

      _sluice_config_page_set_status (self, text);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  rebuild (self);
  _sluice_config_page_set_status (self, _("Imported into the draft; review and apply it"));
  return TRUE;
}

static void
on_import_response (GtkNativeDialog  *chooser,
                    int               response,
                    SluiceConfigPage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      sluice_config_page_import_file (self, file, NULL);
    }
  g_object_unref (chooser);
}

static GtkFileChooserNative *
new_chooser (SluiceConfigPage     *self,
             const char           *title,
             GtkFileChooserAction  action,
             const char           *accept)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (title, get_window (self), action,
                                                               accept, _("_Cancel"));
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("JSON files"));
  gtk_file_filter_add_mime_type (filter, "application/json");
  gtk_file_filter_add_suffix (filter, "json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_unref (filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  return chooser;
}

static void
on_import_clicked (SluiceConfigPage *self)
{
  GtkFileChooserNative *chooser = new_chooser (self, _("Import Configuration"),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"));

  g_signal_connect (chooser, "response", G_CALLBACK (on_import_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_export_response (GtkNativeDialog  *chooser,
                    int               response,
                    SluiceConfigPage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *json = sluice_config_draft_dup_json (self->draft);
      g_autoptr(GError) error = NULL;

      if (!g_file_replace_contents (file, json, strlen (json), NULL, FALSE,
                                    G_FILE_CREATE_NONE, NULL, NULL, &error))
        _sluice_config_page_set_status (self, error->message);
      else
        _sluice_config_page_set_status (self, _("Exported"));
    }
  g_object_unref (chooser);
}

static void
on_export_clicked (SluiceConfigPage *self)
{
  GtkFileChooserNative *chooser = new_chooser (self, _("Export Configuration"),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"));

  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "sluice-config.json");
  g_signal_connect (chooser, "response", G_CALLBACK (on_export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
sluice_config_page_dispose (GObject *object)
{
  SluiceConfigPage *self = SLUICE_CONFIG_PAGE (object);
  GtkWidget *child;

  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  clear_error (self);
  if (self->host != NULL)
    g_signal_handlers_disconnect_by_data (self->host, self);
  g_clear_object (&self->host);
  gtk_widget_dispose_template (GTK_WIDGET (self), SLUICE_TYPE_CONFIG_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->key_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (sluice_config_page_parent_class)->dispose (object);
}

static void
sluice_config_page_finalize (GObject *object)
{
  SluiceConfigPage *self = SLUICE_CONFIG_PAGE (object);

  g_clear_object (&self->draft);
  g_clear_pointer (&self->ctx.fields, g_hash_table_unref);
  g_clear_pointer (&self->masked_keys, g_hash_table_unref);

  G_OBJECT_CLASS (sluice_config_page_parent_class)->finalize (object);
}

static void
sluice_config_page_class_init (SluiceConfigPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sluice_config_page_dispose;
  object_class->finalize = sluice_config_page_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sluice/Sluice/sluice-config-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SluiceConfigPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, SluiceConfigPage, apply_button);
  gtk_widget_class_bind_template_child (widget_class, SluiceConfigPage, review_button);
  gtk_widget_class_bind_template_child (widget_class, SluiceConfigPage, discard_button);
  gtk_widget_class_bind_template_child (widget_class, SluiceConfigPage, view_stack);
  gtk_widget_class_bind_template_child (widget_class, SluiceConfigPage, section_stack);
  gtk_widget_class_bind_template_child (widget_class, SluiceConfigPage, section_sidebar);
  gtk_widget_class_bind_template_child (widget_class, SluiceConfigPage, history_list);
  gtk_widget_class_bind_template_child (widget_class, SluiceConfigPage, keys_group);
  gtk_widget_class_bind_template_callback (widget_class, on_import_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_export_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_discard_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_review_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_apply_clicked);
}

static void
sluice_config_page_init (SluiceConfigPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->draft = sluice_config_draft_new ();
  self->ctx.draft = self->draft;
  self->ctx.fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->ctx.get_window = get_window;
  self->ctx.window_data = self;
  self->key_rows = g_ptr_array_new ();
  self->masked_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_signal_connect_swapped (self->draft, "changed", G_CALLBACK (on_draft_changed), self);
  _sluice_config_page_update_buttons (self);
}

GtkWidget *
sluice_config_page_new (void)
{
  return g_object_new (SLUICE_TYPE_CONFIG_PAGE, NULL);
}

void
sluice_config_page_set_host (SluiceConfigPage *self,
                             SluiceEngineHost *host)
{
  g_return_if_fail (SLUICE_IS_CONFIG_PAGE (self));
  g_return_if_fail (SLUICE_IS_ENGINE_HOST (host));

  g_set_object (&self->host, host);
  g_signal_connect_swapped (host, "notify::snapshot", G_CALLBACK (on_snapshot), self);
  if (sluice_engine_host_get_snapshot (host) != NULL)
    self->running_version =
      sluice_snapshot_get_config_version (sluice_engine_host_get_snapshot (host));
  _sluice_config_page_running_changed (self);
}

SluiceConfigDraft *
sluice_config_page_get_draft (SluiceConfigPage *self)
{
  g_return_val_if_fail (SLUICE_IS_CONFIG_PAGE (self), NULL);

  return self->draft;
}

gboolean
sluice_config_page_get_busy (SluiceConfigPage *self)
{
  g_return_val_if_fail (SLUICE_IS_CONFIG_PAGE (self), FALSE);

  return self->busy > 0 || self->keys_busy > 0;
}

/**
 * sluice_config_page_lookup_row:
 *
 * Returns: (transfer none) (nullable): the row editing @path
 */
GtkWidget *
sluice_config_page_lookup_row (SluiceConfigPage *self,
                               const char       *path)
{
  g_return_val_if_fail (SLUICE_IS_CONFIG_PAGE (self), NULL);

  if (self->rebuild_id != 0)
    {
      g_clear_handle_id (&self->rebuild_id, g_source_remove);
      rebuild (self);
    }
  return g_hash_table_lookup (self->ctx.fields, path);
}

/**
 * sluice_config_page_get_error_row:
 *
 * Returns: (transfer none) (nullable): the row showing the last error
 */
GtkWidget *
sluice_config_page_get_error_row (SluiceConfigPage *self)
{
  g_return_val_if_fail (SLUICE_IS_CONFIG_PAGE (self), NULL);

  return self->error_row;
}

void
sluice_config_page_set_view (SluiceConfigPage *self,
                             const char       *view,
                             const char       *section)
{
  g_return_if_fail (SLUICE_IS_CONFIG_PAGE (self));

  adw_view_stack_set_visible_child_name (self->view_stack, view);
  if (section != NULL)
    gtk_stack_set_visible_child_name (self->section_stack, section);
}

guint
sluice_config_page_get_n_versions (SluiceConfigPage *self)
{
  g_return_val_if_fail (SLUICE_IS_CONFIG_PAGE (self), 0);

  return self->n_versions;
}

guint
sluice_config_page_get_n_masked_keys (SluiceConfigPage *self)
{
  g_return_val_if_fail (SLUICE_IS_CONFIG_PAGE (self), 0);

  return g_hash_table_size (self->masked_keys);
}
