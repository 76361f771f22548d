/* sluice-editor-rows.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-app"

#include "config.h"

#include <glib/gi18n.h>

#include "sluice-editor.h"

/* One row per member of the draft document. The row's widget follows the
 * value's JSON type (text, number, switch, a choice for the known
 * enumerations, a comma list for arrays of scalars, JSON text for anything
 * deeper) and writes back into the document in place. */

typedef struct
{
  const char *member;
  const char *title;
} Title;

static const Title titles[] = {
  { "name", N_("Name") }, { "kind", N_("Kind") }, { "base_url", N_("Base URL") },
  { "key", N_("Key name") }, { "timeout_ms", N_("Timeout (ms)") },
  { "connect_timeout_ms", N_("Connect timeout (ms)") }, { "limits", N_("Limits") },
  { "rpm", N_("Requests per minute") }, { "tpm", N_("Tokens per minute") },
  { "tpd", N_("Tokens per day") }, { "concurrency", N_("Concurrency") },
  { "provider", N_("Provider") }, { "upstream", N_("Upstream model") },
  { "price_in", N_("Price in (USD / 1M)") }, { "price_cached_in", N_("Price cached in (USD / 1M)") },
  { "price_out", N_("Price out (USD / 1M)") }, { "context_window", N_("Context window") },
  { "max_output_tokens", N_("Max output tokens") }, { "retires", N_("Retirement date") },
  { "replacement", N_("Replacement") }, { "latency_threshold_ms", N_("Latency threshold (ms)") },
  { "tasks", N_("Task types") }, { "min_input_tokens", N_("Min input tokens") },
  { "max_input_tokens", N_("Max input tokens") }, { "chain", N_("Chain") },
  { "tier", N_("Tier") }, { "ttl_s", N_("TTL (s)") }, { "threshold", N_("Threshold") },
  { "tokens_per_request", N_("Tokens per request") },
  { "user_tokens_per_hour", N_("User tokens per hour") },
  { "user_tokens_per_day", N_("User tokens per day") },
  { "global_tokens_per_hour", N_("Global tokens per hour") },
  { "user_usd_per_day", N_("User USD per day") }, { "global_usd_per_day", N_("Global USD per day") },
  { "alert_fractions", N_("Alert thresholds (fractions)") }, { "cut_streams", N_("Cut streams") },
  { "consecutive_failures", N_("Consecutive failures") }, { "error_ratio", N_("Error ratio") },
  { "window_s", N_("Window (s)") }, { "min_requests", N_("Min requests") },
  { "cooldown_s", N_("Cooldown (s)") }, { "max_cooldown_s", N_("Max cooldown (s)") },
  { "max_attempts", N_("Max attempts") }, { "base_backoff_ms", N_("Base backoff (ms)") },
  { "max_backoff_ms", N_("Max backoff (ms)") }, { "budget_ratio", N_("Retry budget ratio") },
  { "budget_window_s", N_("Retry budget window (s)") }, { "deadline_ms", N_("Deadline (ms)") },
  { "max_repeats", N_("Max repeats") }, { "key_hash", N_("Key hash") },
  { "match", N_("Match") }, { "content", N_("Content") }, { "mock", N_("Mock") },
  { "latency_ms", N_("Latency (ms)") }, { "errors", N_("Error rates") },
  { "outage", N_("Outage") }, { "default", N_("Default chain") },
};

static const char *kinds[] = { "mock", "openai", "anthropic", "gemini", NULL };
static const char *tiers[] = { "none", "exact", "semantic", NULL };
static const char *stores[] = { "memory", "redis", NULL };
static const char *losses[] = { "fail_closed", "fail_open", NULL };
static const char *encodings[] = { "o200k_base", "cl100k_base", NULL };
static const char *answers[] = { "echo", "canned", "lorem", NULL };

static const char **
choices_for (const char *member)
{
  static const struct { const char *member; const char **choices; } table[] = {
    { "kind", kinds }, { "tier", tiers }, { "store", stores }, { "on_loss", losses },
    { "encoding", encodings }, { "answer", answers },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    if (g_strcmp0 (table[i].member, member) == 0)
      return table[i].choices;
  return NULL;
}

const char *
sluice_editor_title_for (const char *member)
{
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    if (g_strcmp0 (titles[i].member, member) == 0)
      return _(titles[i].title);
  return member;
}

/* The config reader's path syntax, so errors and rows share keys. */
char *
sluice_editor_path_member (const char *path,
                           const char *member)
{
  g_autoptr(GString) quoted = g_string_new (NULL);
  gboolean plain = *member != '\0';

  for (const char *p = member; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-')
      plain = FALSE;
  if (plain)
    return g_strdup_printf ("%s.%s", path, member);
  for (const char *p = member; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (quoted, '\\');
      g_string_append_c (quoted, *p);
    }
  return g_strdup_printf ("%s[\"%s\"]", path, quoted->str);
}

char *
sluice_editor_path_index (const char *path,
                          guint       index)
{
  return g_strdup_printf ("%s[%u]", path, index);
}

void
sluice_editor_register (SluiceEditorContext *ctx,
                        const char          *path,
                        GtkWidget           *row)
{
  g_hash_table_replace (ctx->fields, g_strdup (path), row);
  g_object_set_data_full (G_OBJECT (row), "sluice-path", g_strdup (path), g_free);
}

GtkWidget *
sluice_editor_icon_button (const char *icon_name,
                           const char *tooltip)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_add_css_class (button, "flat");
  return button;
}

/* The row's binding to its place in the document. */
typedef struct
{
  SluiceEditorContext *ctx;
  JsonObject          *object;
  char                *member;
} Binding;

static void
binding_free (gpointer data)
{
  Binding *b = data;

  json_object_unref (b->object);
  g_free (b->member);
  g_free (b);
}

static Binding *
bind (GtkWidget           *widget,
      SluiceEditorContext *ctx,
      JsonObject          *object,
      const char          *member)
{
  Binding *b = g_new0 (Binding, 1);

  b->ctx = ctx;
  b->object = json_object_ref (object);
  b->member = g_strdup (member);
  g_object_set_data_full (G_OBJECT (widget), "sluice-binding", b, binding_free);
  return b;
}

static void
on_text_changed (GtkEditable *editable,
                 Binding     *b)
{
  const char *text = gtk_editable_get_text (editable);

  if (*text == '\0')
    json_object_set_null_member (b->object, b->member);
  else
    json_object_set_string_member (b->object, b->member, text);
  sluice_config_draft_changed (b->ctx->draft, FALSE);
}

static void
on_json_changed (GtkEditable *editable,
                 Binding     *b)
{
  g_autoptr(JsonNode) node = json_from_string (gtk_editable_get_text (editable), NULL);

  if (node == NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (editable), "error");
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (editable), "error");
  json_object_set_member (b->object, b->member, g_steal_pointer (&node));
  sluice_config_draft_changed (b->ctx->draft, FALSE);
}

/* "a, b, c" → ["a", "b", "c"]; numbers stay numbers when every item is one. */
static void
on_list_changed (GtkEditable *editable,
                 Binding     *b)
{
  g_auto(GStrv) parts = g_strsplit (gtk_editable_get_text (editable), ",", -1);
  JsonArray *array = json_array_new ();
  gboolean numeric = g_object_get_data (G_OBJECT (editable), "numeric") != NULL;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *item = g_strstrip (parts[i]);
      char *end = NULL;
      double value;

      if (*item == '\0')
        continue;
      value = g_ascii_strtod (item, &end);
      if (numeric && end != NULL && *end == '\0')
        json_array_add_double_element (array, value);
      else
        json_array_add_string_element (array, item);
    }
  json_object_set_array_member (b->object, b->member, array);
  sluice_config_draft_changed (b->ctx->draft, FALSE);
}

static void
on_spin_changed (GtkSpinButton *spin,
                 Binding       *b)
{
  if (gtk_spin_button_get_digits (spin) == 0)
    json_object_set_int_member (b->object, b->member, (gint64) gtk_spin_button_get_value (spin));
  else
    json_object_set_double_member (b->object, b->member, gtk_spin_button_get_value (spin));
  sluice_config_draft_changed (b->ctx->draft, FALSE);
}

static void
on_switch_changed (GtkSwitch  *sw,
                   GParamSpec *pspec,
                   Binding    *b)
{
  json_object_set_boolean_member (b->object, b->member, gtk_switch_get_active (sw));
  sluice_config_draft_changed (b->ctx->draft, FALSE);
}

static void
on_choice_changed (GtkDropDown *dropdown,
                   GParamSpec  *pspec,
                   Binding     *b)
{
  GtkStringObject *item = gtk_drop_down_get_selected_item (dropdown);

  if (item == NULL)
    return;
  json_object_set_string_member (b->object, b->member, gtk_string_object_get_string (item));
  sluice_config_draft_changed (b->ctx->draft, FALSE);
}

static GtkWidget *
new_entry (const char *text,
           int         width)
{
  GtkWidget *entry = gtk_entry_new ();

  gtk_editable_set_text (GTK_EDITABLE (entry), text != NULL ? text : "");
  gtk_editable_set_width_chars (GTK_EDITABLE (entry), width);
  gtk_widget_set_valign (entry, GTK_ALIGN_CENTER);
  return entry;
}

static GtkWidget *
choice_widget (const char **choices,
               const char  *current)
{
  GtkWidget *dropdown = gtk_drop_down_new_from_strings (choices);

  gtk_widget_set_valign (dropdown, GTK_ALIGN_CENTER);
  for (guint i = 0; choices[i] != NULL; i++)
    if (g_strcmp0 (choices[i], current) == 0)
      gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), i);
  return dropdown;
}

static GtkWidget *
number_widget (JsonNode *node)
{
  gboolean integer = json_node_get_value_type (node) == G_TYPE_INT64;
  GtkWidget *spin = gtk_spin_button_new_with_range (-1, 1e15, integer ? 1 : 0.01);

  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), integer ? 0 : 3);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), json_node_get_double (node));
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_editable_set_width_chars (GTK_EDITABLE (spin), 10);
  return spin;
}

static gboolean
scalar_array (JsonArray *array,
              gboolean  *numeric)
{
  *numeric = json_array_get_length (array) > 0;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (item))
        return FALSE;
      if (json_node_get_value_type (item) == G_TYPE_STRING)
        *numeric = FALSE;
    }
  return TRUE;
}

static GtkWidget *
list_widget (JsonArray *array,
             gboolean   numeric)
{
  g_autoptr(GString) text = g_string_new (NULL);
  GtkWidget *entry;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);

      if (i > 0)
        g_string_append (text, ", ");
      if (json_node_get_value_type (item) == G_TYPE_STRING)
        g_string_append (text, json_node_get_string (item));
      else
        g_string_append_printf (text, "%g", json_node_get_double (item));
    }
  entry = new_entry (text->str, 28);
  if (numeric)
    g_object_set_data (G_OBJECT (entry), "numeric", GINT_TO_POINTER (1));
  return entry;
}

/* The widget for @node and the signal that reports its edits. */
static GtkWidget *
value_widget (JsonNode    *node,
              const char  *member,
              GCallback   *handler,
              const char **signal)
{
  const char **choices = choices_for (member);
  gboolean numeric = FALSE;

  *signal = "changed";
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
      choices != NULL)
    {
      *handler = G_CALLBACK (on_choice_changed), *signal = "notify::selected";
      return choice_widget (choices, json_node_get_string (node));
    }
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    {
      GtkWidget *sw = gtk_switch_new ();

      gtk_switch_set_active (GTK_SWITCH (sw), json_node_get_boolean (node));
      gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
      *handler = G_CALLBACK (on_switch_changed), *signal = "notify::active";
      return sw;
    }
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) != G_TYPE_STRING)
    {
      *handler = G_CALLBACK (on_spin_changed), *signal = "value-changed";
      return number_widget (node);
    }
  if (JSON_NODE_HOLDS_ARRAY (node) && scalar_array (json_node_get_array (node), &numeric))
    {
      *handler = G_CALLBACK (on_list_changed);
      return list_widget (json_node_get_array (node), numeric ||
                          g_strcmp0 (member, "alert_fractions") == 0);
    }
  if (JSON_NODE_HOLDS_VALUE (node) || JSON_NODE_HOLDS_NULL (node))
    {
      *handler = G_CALLBACK (on_text_changed);
      return new_entry (JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL, 24);
    }
  {
    g_autofree char *json = json_to_string (node, FALSE);

    *handler = G_CALLBACK (on_json_changed);
    return new_entry (json, 28);
  }
}

/**
 * sluice_editor_value_row:
 *
 * Returns: (transfer floating): an #AdwActionRow editing @member of
 *   @object in place, registered under @path
 */
GtkWidget *
sluice_editor_value_row (SluiceEditorContext *ctx,
                         JsonObject          *object,
                         const char          *member,
                         const char          *path,
                         const char          *title)
{
  JsonNode *node = json_object_get_member (object, member);
  GtkWidget *row = adw_action_row_new ();
  GCallback handler = NULL;
  const char *signal = NULL;
  GtkWidget *widget = value_widget (node, member, &handler, &signal);
  Binding *b = bind (widget, ctx, object, member);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), widget);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), widget);
  g_signal_connect (widget, signal, handler, b);
  sluice_editor_register (ctx, path, row);
  return row;
}

void
sluice_editor_add_row (GtkWidget *container,
                       GtkWidget *row)
{
  if (ADW_IS_EXPANDER_ROW (container))
    adw_expander_row_add_row (ADW_EXPANDER_ROW (container), row);
  else
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (container), row);
}

/* Nested objects are flattened into "Limits: Requests per minute" rows. */
void
sluice_editor_add_object_rows (SluiceEditorContext *ctx,
                               GtkWidget           *container,
                               JsonObject          *object,
                               const char          *path,
                               const char          *title_prefix,
                               const char * const  *skip)
{
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;

  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &member, &value))
    {
      g_autofree char *child = sluice_editor_path_member (path, member);
      g_autofree char *title = NULL;

      if (skip != NULL && g_strv_contains (skip, member))
        continue;
      title = title_prefix != NULL
        ? g_strdup_printf ("%s: %s", title_prefix, sluice_editor_title_for (member))
        : g_strdup (sluice_editor_title_for (member));
      if (JSON_NODE_HOLDS_OBJECT (value) && json_object_get_size (json_node_get_object (value)) > 0)
        sluice_editor_add_object_rows (ctx, container, json_node_get_object (value),
                                       child, title, NULL);
      else
        sluice_editor_add_row (container,
                               sluice_editor_value_row (ctx, object, member, child, title));
    }
}
