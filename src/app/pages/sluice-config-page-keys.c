/* sluice-config-page-keys.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-app"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "sluice-admin.h"
#include "sluice-config-page-private.h"
#include "sluice-format.h"

/* The Keys tab: one row per provider with its key masked, add / replace /
 * remove through libsecret (in worker threads), and "Test Connection",
 * one cheap call through the engine. A key never reaches a widget
 * unmasked: the worker thread masks it before it crosses over. */

static const char *
key_name_of (const SluiceProviderConfig *pc)
{
  return pc->key_ref != NULL ? pc->key_ref : pc->name;
}

static void
reloaded_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autofree gboolean *ok = sluice_engine_host_run_finish (SLUICE_ENGINE_HOST (object),
                                                           result, NULL);
}

typedef struct
{
  SluiceConfigPage *page;
  char             *provider;
} StoreOp;

static void
key_stored_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  StoreOp *op = user_data;
  g_autoptr(SluiceConfigPage) self = op->page;
  g_autofree char *provider = op->provider;
  g_autoptr(GError) error = NULL;

  g_free (op);
  self->keys_busy--;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      _sluice_config_page_set_status (self, error->message);
      return;
    }
  /* The engine builds the provider again with the key as it is now. */
  if (self->host != NULL)
    sluice_admin_reload_provider (self->host, provider, reloaded_cb, NULL);
  _sluice_config_page_refresh_keys (self);
}

static void
store_key (SluiceConfigPage *self,
           const char       *provider,
           const char       *key)
{
  g_autoptr(SluiceConfig) config = sluice_engine_host_dup_config (self->host);
  const SluiceProviderConfig *pc = sluice_config_lookup_provider (config, provider);
  StoreOp *op;

  g_return_if_fail (pc != NULL);
  op = g_new0 (StoreOp, 1);
  op->page = g_object_ref (self);
  op->provider = g_strdup (provider);
  self->keys_busy++;
  sluice_admin_store_key (key_name_of (pc), key, key_stored_cb, op);
}

/**
 * sluice_config_page_store_key:
 * @key: (nullable): the key; %NULL removes it
 *
 * Stores (or removes) @provider's key in the Secret Service.
 */
void
sluice_config_page_store_key (SluiceConfigPage *self,
                              const char       *provider,
                              const char       *key)
{
  g_return_if_fail (SLUICE_IS_CONFIG_PAGE (self));
  g_return_if_fail (self->host != NULL);

  store_key (self, provider, key);
}

static void
on_key_response (AdwMessageDialog *dialog,
                 const char       *response,
                 SluiceConfigPage *self)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  const char *provider = g_object_get_data (G_OBJECT (dialog), "provider");

  if (g_strcmp0 (response, "save") == 0 && *gtk_editable_get_text (entry) != '\0')
    store_key (self, provider, gtk_editable_get_text (entry));
  gtk_editable_set_text (entry, "");
}

static void
on_set_key_clicked (GtkButton        *button,
                    SluiceConfigPage *self)
{
  const char *provider = g_object_get_data (G_OBJECT (button), "provider");
  g_autofree char *heading = g_strdup_printf (_("Key for %s"), provider);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              heading,
                                              _("Stored in the Secret Service, never in the "
                                                "configuration"));
  GtkWidget *entry = gtk_password_entry_new ();

  gtk_password_entry_set_show_peek_icon (GTK_PASSWORD_ENTRY (entry), FALSE);
  g_object_set_data_full (G_OBJECT (dialog), "provider", g_strdup (provider), g_free);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"), "save", _("_Save"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_key_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_remove_key_clicked (GtkButton        *button,
                       SluiceConfigPage *self)
{
  store_key (self, g_object_get_data (G_OBJECT (button), "provider"), NULL);
}

static void
probe_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(AdwActionRow) row = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SluiceProviderProbe) probe = NULL;
  g_autofree char *text = NULL;

  probe = sluice_engine_host_run_finish (SLUICE_ENGINE_HOST (object), result, &error);
  if (probe == NULL)
    text = g_strdup_printf (_("Test failed: %s"), error->message);
  else
    {
      g_autofree char *latency = sluice_format_duration (probe->latency_us);

      text = probe->ok
        ? g_strdup_printf (_("Connected: %s answered in %s"), probe->model, latency)
        : g_strdup_printf (_("Failed after %s: %s"), latency, probe->message);
    }
  adw_action_row_set_subtitle (row, text);
  gtk_widget_set_sensitive (g_object_get_data (G_OBJECT (row), "test-button"), TRUE);
}

static void
on_test_clicked (GtkButton        *button,
                 SluiceConfigPage *self)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), ADW_TYPE_ACTION_ROW);

  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Testing…"));
  sluice_admin_test_provider (self->host, g_object_get_data (G_OBJECT (button), "provider"),
                              probe_cb, g_object_ref (row));
}

static GtkWidget *
row_button (GtkWidget  *row,
            const char *label,
            const char *provider,
            const char *name)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_name (button, name);
  g_object_set_data_full (G_OBJECT (button), "provider", g_strdup (provider), g_free);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  return button;
}

static GtkWidget *
key_row (SluiceConfigPage           *self,
         const SluiceProviderConfig *pc)
{
  const char *masked = g_hash_table_lookup (self->masked_keys, key_name_of (pc));
  g_autofree char *subtitle = NULL;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button;

  if (masked != NULL)
    subtitle = g_strdup_printf (_("%s · key “%s”: %s"), sluice_provider_kind_to_string (pc->kind),
                                key_name_of (pc), masked);
  else
    subtitle = g_strdup_printf (pc->kind == SLUICE_PROVIDER_KIND_MOCK
                                ? _("%s · needs no key") : _("%s · no key stored"),
                                sluice_provider_kind_to_string (pc->kind));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), pc->name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  button = row_button (row, masked != NULL ? _("_Replace…") : _("_Add Key…"), pc->name, "set-key");
  g_signal_connect (button, "clicked", G_CALLBACK (on_set_key_clicked), self);
  button = row_button (row, _("Re_move"), pc->name, "remove-key");
  gtk_widget_set_sensitive (button, masked != NULL);
  g_signal_connect (button, "clicked", G_CALLBACK (on_remove_key_clicked), self);
  button = row_button (row, _("_Test Connection"), pc->name, "test-connection");
  g_object_set_data (G_OBJECT (row), "test-button", button);
  g_signal_connect (button, "clicked", G_CALLBACK (on_test_clicked), self);
  return row;
}

static void
fill_rows (SluiceConfigPage *self)
{
  g_autoptr(SluiceConfig) config = sluice_engine_host_dup_config (self->host);

  for (guint i = 0; i < self->key_rows->len; i++)
    adw_preferences_group_remove (self->keys_group, g_ptr_array_index (self->key_rows, i));
  g_ptr_array_set_size (self->key_rows, 0);
  for (guint i = 0; config != NULL && i < sluice_config_get_n_providers (config); i++)
    {
      GtkWidget *row = key_row (self, sluice_config_get_provider (config, i));

      adw_preferences_group_add (self->keys_group, row);
      g_ptr_array_add (self->key_rows, row);
    }
}

static void
masked_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SluiceConfigPage) self = user_data;
  GHashTable *masked = g_task_propagate_pointer (G_TASK (result), NULL);

  self->keys_busy--;
  if (masked == NULL || self->keys_group == NULL)
    {
      g_clear_pointer (&masked, g_hash_table_unref);
      return;
    }
  g_clear_pointer (&self->masked_keys, g_hash_table_unref);
  self->masked_keys = masked;
  fill_rows (self);
}

void
_sluice_config_page_refresh_keys (SluiceConfigPage *self)
{
  g_autoptr(SluiceConfig) config = NULL;
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_auto(GStrv) strv = NULL;

  if (self->host == NULL)
    return;
  config = sluice_engine_host_dup_config (self->host);
  for (guint i = 0; config != NULL && i < sluice_config_get_n_providers (config); i++)
    g_strv_builder_add (names, key_name_of (sluice_config_get_provider (config, i)));
  strv = g_strv_builder_end (names);
  fill_rows (self);
  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    return;
  self->keys_busy++;
  sluice_admin_list_masked_keys ((const char * const *) strv, masked_cb, g_object_ref (self));
}
