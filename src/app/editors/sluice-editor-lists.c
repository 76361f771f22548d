/* sluice-editor-lists.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-app"

#include "config.h"

#include <glib/gi18n.h>

#include "sluice-editor.h"

/* Lists of the document: named items (providers, models, rules, users,
 * static responses), chains of model names, objects keyed by name (TTL
 * policies). Where order matters, rows reorder by drag and drop and, for
 * the keyboard, by move up / move down buttons; both end in
 * sluice_config_draft_move(). */

typedef struct
{
  SluiceEditorContext *ctx;
  char                *array_path;
  guint                index;
} ItemRef;

static void
item_ref_free (gpointer data)
{
  ItemRef *ref = data;

  g_free (ref->array_path);
  g_free (ref);
}

static ItemRef *
item_ref (GtkWidget           *owner,
          SluiceEditorContext *ctx,
          const char          *array_path,
          guint                index)
{
  ItemRef *ref = g_new0 (ItemRef, 1);

  ref->ctx = ctx;
  ref->array_path = g_strdup (array_path);
  ref->index = index;
  g_object_set_data_full (G_OBJECT (owner), "sluice-item", ref, item_ref_free);
  return ref;
}

static void
on_move_up (GtkButton *button,
            ItemRef   *ref)
{
  sluice_config_draft_move (ref->ctx->draft, ref->array_path, ref->index, ref->index - 1);
}

static void
on_move_down (GtkButton *button,
              ItemRef   *ref)
{
  sluice_config_draft_move (ref->ctx->draft, ref->array_path, ref->index, ref->index + 1);
}

static void
on_remove (GtkButton *button,
           ItemRef   *ref)
{
  sluice_config_draft_remove (ref->ctx->draft, ref->array_path, ref->index);
}

static GdkContentProvider *
on_drag_prepare (GtkDragSource *source,
                 double         x,
                 double         y,
                 ItemRef       *ref)
{
  g_autofree char *text = g_strdup_printf ("%u\n%s", ref->index, ref->array_path);

  return gdk_content_provider_new_typed (G_TYPE_STRING, text);
}

static void
on_drag_begin (GtkDragSource *source,
               GdkDrag       *drag,
               GtkWidget     *row)
{
  g_autoptr(GdkPaintable) icon = gtk_widget_paintable_new (row);

  gtk_drag_source_set_icon (source, icon, 0, 0);
}

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         ItemRef       *ref)
{
  const char *text = g_value_get_string (value);
  char *end = NULL;
  guint64 from = g_ascii_strtoull (text, &end, 10);

  if (end == NULL || *end != '\n' || g_strcmp0 (end + 1, ref->array_path) != 0)
    return FALSE;
  return sluice_config_draft_move (ref->ctx->draft, ref->array_path, from, ref->index);
}

static void
add_action (GtkWidget *row,
            GtkWidget *button)
{
  if (ADW_IS_EXPANDER_ROW (row))
    adw_expander_row_add_action (ADW_EXPANDER_ROW (row), button);
  else
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
}

static void
add_prefix (GtkWidget *row,
            GtkWidget *widget)
{
  if (ADW_IS_EXPANDER_ROW (row))
    adw_expander_row_add_prefix (ADW_EXPANDER_ROW (row), widget);
  else
    adw_action_row_add_prefix (ADW_ACTION_ROW (row), widget);
}

void
sluice_editor_make_reorderable (SluiceEditorContext *ctx,
                                GtkWidget           *row,
                                const char          *array_path,
                                guint                index,
                                guint                n_items)
{
  ItemRef *ref = item_ref (row, ctx, array_path, index);
  GtkDragSource *source = gtk_drag_source_new ();
  GtkDropTarget *target = gtk_drop_target_new (G_TYPE_STRING, GDK_ACTION_MOVE);
  GtkWidget *handle = gtk_image_new_from_icon_name ("list-drag-handle-symbolic");
  GtkWidget *up = sluice_editor_icon_button ("go-up-symbolic", _("Move Up"));
  GtkWidget *down = sluice_editor_icon_button ("go-down-symbolic", _("Move Down"));

  gtk_widget_set_tooltip_text (handle, _("Drag to reorder"));
  add_prefix (row, handle);
  gtk_widget_set_sensitive (up, index > 0);
  gtk_widget_set_sensitive (down, index + 1 < n_items);
  gtk_widget_set_name (up, "move-up");
  gtk_widget_set_name (down, "move-down");
  g_signal_connect (up, "clicked", G_CALLBACK (on_move_up), ref);
  g_signal_connect (down, "clicked", G_CALLBACK (on_move_down), ref);
  add_action (row, up);
  add_action (row, down);

  gtk_drag_source_set_actions (source, GDK_ACTION_MOVE);
  g_signal_connect (source, "prepare", G_CALLBACK (on_drag_prepare), ref);
  g_signal_connect (source, "drag-begin", G_CALLBACK (on_drag_begin), row);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (source));
  g_signal_connect (target, "drop", G_CALLBACK (on_drop), ref);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (target));
}

static void
add_remove_button (SluiceEditorContext *ctx,
                   GtkWidget           *row,
                   const char          *array_path,
                   guint                index)
{
  GtkWidget *button = sluice_editor_icon_button ("user-trash-symbolic", _("Remove"));
  /* The reorder ref lives on the row; the remove button keeps its own. */
  ItemRef *ref = item_ref (button, ctx, array_path, index);

  gtk_widget_set_name (button, "remove");
  g_signal_connect (button, "clicked", G_CALLBACK (on_remove), ref);
  add_action (row, button);
}

/* A name not used yet in @array: "<base>-1", "<base>-2", … */
static char *
unused_name (JsonArray  *array,
             const char *base)
{
  for (guint n = 1;; n++)
    {
      g_autofree char *name = g_strdup_printf ("%s-%u", base, n);
      gboolean used = FALSE;

      for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_OBJECT (item) &&
              g_strcmp0 (json_object_get_string_member_with_default (
                           json_node_get_object (item), "name", NULL), name) == 0)
            used = TRUE;
        }
      if (!used)
        return g_steal_pointer (&name);
    }
}

typedef struct
{
  SluiceEditorContext *ctx;
  char                *path;
  char                *template;
} AddRef;

static void
add_ref_free (gpointer data)
{
  AddRef *ref = data;

  g_free (ref->path);
  g_free (ref->template);
  g_free (ref);
}

static void
on_add_item (GtkButton *button,
             AddRef    *ref)
{
  JsonNode *node = sluice_config_draft_lookup (ref->ctx->draft, ref->path);
  g_autoptr(JsonNode) item = json_from_string (ref->template, NULL);
  g_autofree char *name = NULL;
  const char *base;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) || item == NULL)
    return;
  base = json_object_get_string_member_with_default (json_node_get_object (item), "name", "new");
  name = unused_name (json_node_get_array (node), base);
  json_object_set_string_member (json_node_get_object (item), "name", name);
  json_array_add_element (json_node_get_array (node), g_steal_pointer (&item));
  sluice_config_draft_changed (ref->ctx->draft, TRUE);
}

static GtkWidget *
add_button (SluiceEditorContext *ctx,
            const char          *path,
            const char          *template,
            GCallback            callback)
{
  GtkWidget *button = gtk_button_new_from_icon_name ("list-add-symbolic");
  AddRef *ref = g_new0 (AddRef, 1);

  ref->ctx = ctx;
  ref->path = g_strdup (path);
  ref->template = g_strdup (template);
  g_object_set_data_full (G_OBJECT (button), "sluice-add", ref, add_ref_free);
  gtk_widget_set_tooltip_text (button, _("Add"));
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_signal_connect (button, "clicked", callback, ref);
  return button;
}

void
sluice_editor_add_named_list (SluiceEditorContext *ctx,
                              AdwPreferencesPage  *page,
                              const char          *title,
                              const char          *description,
                              const char          *array_path,
                              gboolean             reorderable,
                              const char          *new_item_json)
{
  static const char * const skip[] = { "name", NULL };
  JsonNode *node = sluice_config_draft_lookup (ctx->draft, array_path);
  GtkWidget *group = adw_preferences_group_new ();
  JsonArray *array;

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  if (new_item_json != NULL)
    adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group),
                                             add_button (ctx, array_path, new_item_json,
                                                         G_CALLBACK (on_add_item)));
  adw_preferences_page_add (page, ADW_PREFERENCES_GROUP (group));
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      g_autofree char *path = sluice_editor_path_index (array_path, i);
      g_autofree char *name_path = sluice_editor_path_member (path, "name");
      JsonObject *object;
      GtkWidget *row;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        continue;
      object = json_node_get_object (item);
      row = adw_expander_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     json_object_get_string_member_with_default (object, "name", "?"));
      if (json_object_has_member (object, "name"))
        sluice_editor_add_row (row, sluice_editor_value_row (ctx, object, "name", name_path,
                                                             _("Name")));
      sluice_editor_add_object_rows (ctx, row, object, path, NULL, skip);
      sluice_editor_register (ctx, path, row);
      if (reorderable)
        sluice_editor_make_reorderable (ctx, row, array_path, i, json_array_get_length (array));
      if (new_item_json != NULL)
        add_remove_button (ctx, row, array_path, i);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
}

/* Chains. */

static void
on_add_chain_model (GtkDropDown *dropdown,
                    GParamSpec  *pspec,
                    AddRef      *ref)
{
  GtkStringObject *item = gtk_drop_down_get_selected_item (dropdown);
  JsonNode *node = sluice_config_draft_lookup (ref->ctx->draft, ref->path);

  if (item == NULL || gtk_drop_down_get_selected (dropdown) == 0 ||
      node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;
  json_array_add_string_element (json_node_get_array (node), gtk_string_object_get_string (item));
  sluice_config_draft_changed (ref->ctx->draft, TRUE);
}

static GtkWidget *
add_model_row (SluiceEditorContext *ctx,
               const char          *chain_path,
               JsonArray           *chain)
{
  JsonNode *models = sluice_config_draft_lookup (ctx->draft, "$.models");
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_auto(GStrv) strv = NULL;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *dropdown;
  AddRef *ref = g_new0 (AddRef, 1);

  g_strv_builder_add (names, _("Add a model…"));
  for (guint i = 0; models != NULL && JSON_NODE_HOLDS_ARRAY (models) &&
                    i < json_array_get_length (json_node_get_array (models)); i++)
    {
      JsonObject *model = json_array_get_object_element (json_node_get_array (models), i);
      const char *name = json_object_get_string_member_with_default (model, "name", NULL);
      gboolean present = FALSE;

      for (guint k = 0; k < json_array_get_length (chain); k++)
        present |= g_strcmp0 (json_array_get_string_element (chain, k), name) == 0;
      if (name != NULL && !present)
        g_strv_builder_add (names, name);
    }
  strv = g_strv_builder_end (names);
  dropdown = gtk_drop_down_new_from_strings ((const char * const *) strv);
  gtk_widget_set_valign (dropdown, GTK_ALIGN_CENTER);
  ref->ctx = ctx;
  ref->path = g_strdup (chain_path);
  g_object_set_data_full (G_OBJECT (dropdown), "sluice-add", ref, add_ref_free);
  g_signal_connect (dropdown, "notify::selected", G_CALLBACK (on_add_chain_model), ref);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Fallback model"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), dropdown);
  return row;
}

static void
add_chain_group (SluiceEditorContext *ctx,
                 AdwPreferencesPage  *page,
                 const char          *name,
                 JsonArray           *chain)
{
  g_autofree char *path = sluice_editor_path_member ("$.chains", name);
  g_autofree char *title = g_strdup_printf (_("Chain “%s”"), name);
  GtkWidget *group = adw_preferences_group_new ();
  guint n = json_array_get_length (chain);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Tried in order; drag a model or use the arrows "
                                           "to change who answers first"));
  sluice_editor_register (ctx, path, group);
  for (guint i = 0; i < n; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *item_path = sluice_editor_path_index (path, i);
      g_autofree char *subtitle = i == 0 ? g_strdup (_("First choice"))
                                         : g_strdup_printf (_("Fallback %u"), i);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     json_array_get_string_element (chain, i));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      sluice_editor_make_reorderable (ctx, row, path, i, n);
      add_remove_button (ctx, row, path, i);
      sluice_editor_register (ctx, item_path, row);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), add_model_row (ctx, path, chain));
  adw_preferences_page_add (page, ADW_PREFERENCES_GROUP (group));
}

void
sluice_editor_add_chains (SluiceEditorContext *ctx,
                          AdwPreferencesPage  *page)
{
  JsonNode *chains = sluice_config_draft_lookup (ctx->draft, "$.chains");
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  if (chains == NULL || !JSON_NODE_HOLDS_OBJECT (chains))
    return;
  json_object_iter_init_ordered (&iter, json_node_get_object (chains));
  while (json_object_iter_next_ordered (&iter, &name, &value))
    if (JSON_NODE_HOLDS_ARRAY (value))
      add_chain_group (ctx, page, name, json_node_get_array (value));
}

static void
on_add_keyed (GtkButton *button,
              AddRef    *ref)
{
  JsonNode *node = sluice_config_draft_lookup (ref->ctx->draft, ref->path);
  GtkWidget *entry = g_object_get_data (G_OBJECT (button), "name-entry");
  const char *name = gtk_editable_get_text (GTK_EDITABLE (entry));

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) || *name == '\0' ||
      json_object_has_member (json_node_get_object (node), name))
    {
      gtk_widget_add_css_class (entry, "error");
      return;
    }
  json_object_set_member (json_node_get_object (node), name,
                          json_from_string (ref->template, NULL));
  sluice_config_draft_changed (ref->ctx->draft, TRUE);
}

/* An object keyed by name, such as the cache's policies per task type. */
void
sluice_editor_add_keyed_objects (SluiceEditorContext *ctx,
                                 AdwPreferencesPage  *page,
                                 const char          *title,
                                 const char          *object_path,
                                 const char          *new_item_json)
{
  JsonNode *node = sluice_config_draft_lookup (ctx->draft, object_path);
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *entry = gtk_entry_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *button = add_button (ctx, object_path, new_item_json, G_CALLBACK (on_add_keyed));
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Task type"));
  gtk_editable_set_width_chars (GTK_EDITABLE (entry), 12);
  g_object_set_data (G_OBJECT (button), "name-entry", entry);
  gtk_box_append (GTK_BOX (box), entry);
  gtk_box_append (GTK_BOX (box), button);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), box);
  adw_preferences_page_add (page, ADW_PREFERENCES_GROUP (group));
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return;
  sluice_editor_register (ctx, object_path, group);
  json_object_iter_init_ordered (&iter, json_node_get_object (node));
  while (json_object_iter_next_ordered (&iter, &name, &value))
    {
      g_autofree char *path = sluice_editor_path_member (object_path, name);
      GtkWidget *row = adw_expander_row_new ();

      if (!JSON_NODE_HOLDS_OBJECT (value))
        continue;
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      sluice_editor_add_object_rows (ctx, row, json_node_get_object (value), path, NULL, NULL);
      sluice_editor_register (ctx, path, row);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
}
