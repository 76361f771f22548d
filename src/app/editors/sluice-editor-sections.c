/* sluice-editor-sections.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-app"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "sluice-admin.h"
#include "sluice-editor.h"

/* The editor pages, one per part of the document. Top-level members no
 * page knows (a newer schema's) get generic rows on "Other", so every part
 * of the config stays editable. */

static const char * const known_sections[] = {
  "schema", "providers", "models", "chains", "aliases", "routing", "cache", "budgets",
  "limits", "counters", "breaker", "retry", "storm_guard", "users", "degradation", NULL,
};

static GtkWidget *
object_group (SluiceEditorContext *ctx,
              AdwPreferencesPage  *page,
              const char          *member,
              const char          *title,
              const char          *description,
              const char * const  *skip)
{
  g_autofree char *path = sluice_editor_path_member ("$", member);
  JsonNode *node = sluice_config_draft_lookup (ctx->draft, path);
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (description != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  adw_preferences_page_add (page, ADW_PREFERENCES_GROUP (group));
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      sluice_editor_register (ctx, path, group);
      sluice_editor_add_object_rows (ctx, group, json_node_get_object (node), path, NULL, skip);
    }
  return group;
}

static AdwPreferencesPage *
add_page (GtkStack   *stack,
          const char *name,
          const char *title,
          const char *icon_name)
{
  GtkWidget *page = adw_preferences_page_new ();
  GtkStackPage *stack_page;

  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (page), title);
  adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (page), icon_name);
  stack_page = gtk_stack_add_titled (stack, page, name, title);
  gtk_stack_page_set_icon_name (stack_page, icon_name);
  return ADW_PREFERENCES_PAGE (page);
}

static void
build_routing (SluiceEditorContext *ctx,
               AdwPreferencesPage  *page)
{
  static const char * const skip[] = { "rules", NULL };

  sluice_editor_add_chains (ctx, page);
  object_group (ctx, page, "routing", _("Routing"),
                _("Requests that match no rule use the default chain"), skip);
  sluice_editor_add_named_list (ctx, page, _("Routing Rules"),
                                _("The first matching rule picks the chain"),
                                "$.routing.rules", TRUE,
                                "{\"name\": \"rule\", \"tasks\": [\"qa\"], \"chain\": \"small\"}");
  object_group (ctx, page, "aliases", _("Aliases"), _("Other names for a chain"), NULL);
}

static void
build_cache (SluiceEditorContext *ctx,
             AdwPreferencesPage  *page)
{
  static const char * const skip[] = { "policies", NULL };

  sluice_editor_add_keyed_objects (ctx, page, _("TTL Policies per Task Type"),
                                   "$.cache.policies",
                                   "{\"tier\": \"exact\", \"ttl_s\": 3600, \"threshold\": 0.95}");
  object_group (ctx, page, "cache", _("Cache"), NULL, skip);
}

/* Users and their virtual keys. */

typedef struct
{
  SluiceEditorContext *ctx;
  JsonObject          *user;
} UserRef;

static void
user_ref_free (gpointer data)
{
  UserRef *ref = data;

  json_object_unref (ref->user);
  g_free (ref);
}

static void
on_new_key (GtkButton *button,
            UserRef   *ref)
{
  g_autofree char *hash = NULL;
  char *key = sluice_admin_new_virtual_key (&hash);
  GtkWindow *parent = ref->ctx->get_window (ref->ctx->window_data);
  g_autofree char *user = g_strdup (json_object_get_string_member_with_default (ref->user,
                                                                              "name", ""));

  json_object_set_string_member (ref->user, "key_hash", hash);
  sluice_config_draft_changed (ref->ctx->draft, TRUE);
  sluice_editor_show_key_once (parent, user, key);
}

static GtkWidget *
user_row (SluiceEditorContext *ctx,
          JsonArray           *users,
          guint                index)
{
  static const char * const skip[] = { "name", "key_hash", NULL };
  JsonObject *user = json_array_get_object_element (users, index);
  g_autofree char *path = sluice_editor_path_index ("$.users", index);
  g_autofree char *name_path = sluice_editor_path_member (path, "name");
  g_autofree char *hash_path = sluice_editor_path_member (path, "key_hash");
  const char *hash = json_object_get_string_member_with_default (user, "key_hash", "");
  g_autofree char *short_hash = g_strndup (hash, 19);
  g_autofree char *subtitle = g_strdup_printf (_("Key %s…"), short_hash);
  GtkWidget *row = adw_expander_row_new ();
  GtkWidget *hash_row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_with_label (_("New Key…"));
  UserRef *ref = g_new0 (UserRef, 1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 json_object_get_string_member_with_default (user, "name", "?"));
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);
  sluice_editor_add_row (row, sluice_editor_value_row (ctx, user, "name", name_path, _("Name")));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (hash_row), _("Key hash"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (hash_row), hash);
  gtk_widget_add_css_class (hash_row, "monospace");
  sluice_editor_register (ctx, hash_path, hash_row);
  sluice_editor_add_row (row, hash_row);
  sluice_editor_add_object_rows (ctx, row, user, path, NULL, skip);
  ref->ctx = ctx;
  ref->user = json_object_ref (user);
  g_object_set_data_full (G_OBJECT (button), "sluice-user", ref, user_ref_free);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_name (button, "new-key");
  g_signal_connect (button, "clicked", G_CALLBACK (on_new_key), ref);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row), button);
  sluice_editor_register (ctx, path, row);
  return row;
}

static void
on_add_user (GtkButton           *button,
             SluiceEditorContext *ctx)
{
  JsonNode *node = sluice_config_draft_lookup (ctx->draft, "$.users");
  JsonObject *user = json_object_new ();
  g_autofree char *hash = NULL;
  g_autofree char *name = NULL;
  char *key = sluice_admin_new_virtual_key (&hash);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      json_object_unref (user);
      memset (key, 0, strlen (key));
      g_free (key);
      return;
    }
  name = g_strdup_printf ("user-%u", json_array_get_length (json_node_get_array (node)) + 1);
  json_object_set_string_member (user, "name", name);
  json_object_set_string_member (user, "key_hash", hash);
  json_array_add_object_element (json_node_get_array (node), user);
  sluice_config_draft_changed (ctx->draft, TRUE);
  sluice_editor_show_key_once (ctx->get_window (ctx->window_data), name, key);
}

static void
build_users (SluiceEditorContext *ctx,
             AdwPreferencesPage  *page)
{
  JsonNode *node = sluice_config_draft_lookup (ctx->draft, "$.users");
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *add = gtk_button_new_with_label (_("Add User…"));

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Users and Virtual Keys"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("A new key is shown once; only its SHA-256 is kept"));
  gtk_widget_set_name (add, "add-user");
  g_signal_connect (add, "clicked", G_CALLBACK (on_add_user), ctx);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), add);
  adw_preferences_page_add (page, ADW_PREFERENCES_GROUP (group));
  for (guint i = 0; node != NULL && JSON_NODE_HOLDS_ARRAY (node) &&
                    i < json_array_get_length (json_node_get_array (node)); i++)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                               user_row (ctx, json_node_get_array (node), i));
}

static void
build_degradation (SluiceEditorContext *ctx,
                   AdwPreferencesPage  *page)
{
  static const char * const skip[] = { "static_responses", NULL };

  if (sluice_config_draft_lookup (ctx->draft, "$.degradation") == NULL)
    {
      GtkWidget *group = adw_preferences_group_new ();

      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                             _("This configuration has no degradation section"));
      adw_preferences_page_add (page, ADW_PREFERENCES_GROUP (group));
      return;
    }
  sluice_editor_add_named_list (ctx, page, _("Static Responses"),
                                _("Answers given when every model failed; the first match wins"),
                                "$.degradation.static_responses", TRUE,
                                "{\"name\": \"static\", \"content\": \"Please try again later.\"}");
  object_group (ctx, page, "degradation", _("Degradation"), NULL, skip);
}

static void
build_other (SluiceEditorContext *ctx,
             AdwPreferencesPage  *page)
{
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;

  json_object_iter_init_ordered (&iter, sluice_config_draft_get_root (ctx->draft));
  while (json_object_iter_next_ordered (&iter, &member, &value))
    if (!g_strv_contains (known_sections, member) && JSON_NODE_HOLDS_OBJECT (value))
      object_group (ctx, page, member, sluice_editor_title_for (member), NULL, NULL);
}

/**
 * sluice_editor_build_sections:
 *
 * Fills @stack with one #AdwPreferencesPage per part of the draft.
 */
void
sluice_editor_build_sections (SluiceEditorContext *ctx,
                              GtkStack            *stack)
{
  AdwPreferencesPage *page;

  page = add_page (stack, "routing", _("Chains & Routing"), "media-playlist-consecutive-symbolic");
  build_routing (ctx, page);
  page = add_page (stack, "providers", _("Providers"), "network-server-symbolic");
  sluice_editor_add_named_list (ctx, page, _("Providers"),
                                _("Kind, endpoint, timeouts and limits; keys are on the Keys tab"),
                                "$.providers", FALSE, "{\"name\": \"provider\", \"kind\": \"mock\"}");
  page = add_page (stack, "models", _("Models"), "application-x-addon-symbolic");
  sluice_editor_add_named_list (ctx, page, _("Models"),
                                _("Prices per million tokens, context window, retirement"),
                                "$.models", FALSE,
                                "{\"name\": \"model\", \"provider\": \"mock-local\", "
                                "\"price_in\": 0, \"price_out\": 0, \"context_window\": 32768}");
  page = add_page (stack, "cache", _("Cache"), "drive-multidisk-symbolic");
  build_cache (ctx, page);
  page = add_page (stack, "budgets", _("Budgets & Limits"), "x-office-spreadsheet-symbolic");
  object_group (ctx, page, "budgets", _("Budgets"), _("Alert thresholds are fractions of a budget"),
                NULL);
  object_group (ctx, page, "limits", _("Rate Limits"), NULL, NULL);
  object_group (ctx, page, "counters", _("Counters"), NULL, NULL);
  page = add_page (stack, "resilience", _("Breakers & Retries"), "view-refresh-symbolic");
  object_group (ctx, page, "breaker", _("Circuit Breaker"), NULL, NULL);
  object_group (ctx, page, "retry", _("Retries"), NULL, NULL);
  object_group (ctx, page, "storm_guard", _("Storm Guard"), NULL, NULL);
  page = add_page (stack, "users", _("Users"), "system-users-symbolic");
  build_users (ctx, page);
  page = add_page (stack, "degradation", _("Degradation"), "dialog-warning-symbolic");
  build_degradation (ctx, page);
  page = add_page (stack, "other", _("Other"), "view-more-symbolic");
  build_other (ctx, page);
}

static void
on_copy_key (GtkButton *button,
             GtkLabel  *label)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (button)),
                          gtk_label_get_text (label));
}

static void
on_key_dialog_response (AdwMessageDialog *dialog,
                        const char       *response,
                        GtkLabel         *label)
{
  /* Once: the label forgets the key as the dialog goes. */
  gtk_label_set_text (label, "");
}

/**
 * sluice_editor_show_key_once:
 * @key: (transfer full): the new key; wiped and freed here
 *
 * Shows a new virtual key once, with a copy button. The config keeps only
 * its hash; closing the dialog forgets it.
 */
void
sluice_editor_show_key_once (GtkWindow  *parent,
                             const char *user,
                             char       *key)
{
  g_autofree char *body = g_strdup_printf (_("Give this key to %s now. It is not stored and "
                                             "will not be shown again; apply the configuration "
                                             "to make it work."), user);
  GtkWidget *dialog = adw_message_dialog_new (parent, _("New Virtual Key"), body);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (key);
  GtkWidget *copy = gtk_button_new_from_icon_name ("edit-copy-symbolic");

  memset (key, 0, strlen (key));
  g_free (key);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_CHAR);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, "monospace");
  gtk_widget_set_tooltip_text (copy, _("Copy"));
  g_signal_connect (copy, "clicked", G_CALLBACK (on_copy_key), label);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), copy);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Done"));
  g_signal_connect (dialog, "response", G_CALLBACK (on_key_dialog_response), label);
  gtk_widget_set_name (dialog, "virtual-key-dialog");
  gtk_window_present (GTK_WINDOW (dialog));
}
