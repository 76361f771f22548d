/* sluice-mock-page.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-app"

#include "config.h"

#include <glib/gi18n.h>

#include "sluice-admin.h"
#include "sluice-mock-page.h"

/* The Mock page: live chaos controls for each mock provider — latency,
 * error rate by class, 429 rate, outage, stream cuts. Each change goes to
 * the engine at once (sluice_engine_set_mock_chaos), as an operational
 * change, not a config version. */

struct _SluiceMockPage
{
  GtkWidget            parent_instance;

  SluiceEngineHost    *host;
  JsonNode            *behaviours;   /* provider → behaviour document now */
  GHashTable          *controls;     /* "provider/control" → widget */
  GPtrArray           *groups;
  gint64               config_version;
  guint                busy;
  gboolean             filling;

  GtkStack            *state_stack;
  AdwPreferencesPage  *page;
};

G_DEFINE_FINAL_TYPE (SluiceMockPage, sluice_mock_page, GTK_TYPE_WIDGET)

typedef struct
{
  const char *control;
  const char *section;     /* NULL: a top-level member */
  const char *member;
  const char *title;
  double      max;
  double      step;
  guint       digits;
} Control;

static const Control controls[] = {
  { "p50", "latency_ms", "p50", N_("Latency p50 (ms)"), 120000, 10, 0 },
  { "p99", "latency_ms", "p99", N_("Latency p99 (ms)"), 600000, 10, 0 },
  { "server", "errors", "server", N_("Server error rate (5xx)"), 1, 0.01, 2 },
  { "timeout", "errors", "timeout", N_("Timeout rate"), 1, 0.01, 2 },
  { "overloaded", "errors", "overloaded", N_("Overloaded rate (503, 529)"), 1, 0.01, 2 },
  { "rate_limited", "errors", "rate_limited", N_("429 rate"), 1, 0.01, 2 },
  { "cut_after_chunks", "stream", "cut_after_chunks", N_("Cut streams after chunks (0 = never)"),
    1000, 1, 0 },
};

static JsonObject *
section_of (JsonObject *behaviour,
            const char *section)
{
  if (section == NULL)
    return behaviour;
  if (!json_object_has_member (behaviour, section) ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (behaviour, section)))
    json_object_set_object_member (behaviour, section, json_object_new ());
  return json_object_get_object_member (behaviour, section);
}

static void update_descriptions (SluiceMockPage *self);
static void fill (SluiceMockPage *self);

static void
chaos_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(SluiceMockPage) self = user_data;
  g_autoptr(GError) error = NULL;
  JsonNode *behaviours = sluice_engine_host_run_finish (SLUICE_ENGINE_HOST (object), result,
                                                        &error);

  self->busy--;
  if (behaviours == NULL)
    {
      g_warning ("Chaos change refused: %s", error->message);
      return;
    }
  g_clear_pointer (&self->behaviours, json_node_unref);
  self->behaviours = behaviours;
  if (self->busy == 0 && GPOINTER_TO_INT (g_object_get_data (G_OBJECT (self), "refill")))
    {
      g_object_set_data (G_OBJECT (self), "refill", NULL);
      fill (self);
    }
  update_descriptions (self);
}

static void
send_behaviour (SluiceMockPage *self,
                const char     *provider,
                JsonNode       *behaviour)
{
  self->busy++;
  sluice_admin_set_chaos (self->host, provider, behaviour, chaos_cb, g_object_ref (self));
}

static JsonObject *
behaviour_of (SluiceMockPage *self,
              const char     *provider)
{
  JsonObject *all = json_node_get_object (self->behaviours);

  return json_object_get_object_member (all, provider);
}

static void
on_spin_changed (GtkSpinButton  *spin,
                 SluiceMockPage *self)
{
  const Control *c = g_object_get_data (G_OBJECT (spin), "control");
  const char *provider = g_object_get_data (G_OBJECT (spin), "provider");
  JsonObject *behaviour = behaviour_of (self, provider);

  if (self->filling || behaviour == NULL)
    return;
  json_object_set_double_member (section_of (behaviour, c->section), c->member,
                                 gtk_spin_button_get_value (spin));
  send_behaviour (self, provider, json_object_get_member (json_node_get_object (self->behaviours),
                                                          provider));
}

static void
on_outage_changed (GtkSwitch      *sw,
                   GParamSpec     *pspec,
                   SluiceMockPage *self)
{
  const char *provider = g_object_get_data (G_OBJECT (sw), "provider");
  JsonObject *behaviour = behaviour_of (self, provider);

  if (self->filling || behaviour == NULL)
    return;
  json_object_set_boolean_member (behaviour, "outage", gtk_switch_get_active (sw));
  send_behaviour (self, provider, json_object_get_member (json_node_get_object (self->behaviours),
                                                          provider));
}

/**
 * sluice_mock_page_reset:
 *
 * Gives @provider back the behaviour of the running config.
 */
void
sluice_mock_page_reset (SluiceMockPage *self,
                        const char     *provider)
{
  g_return_if_fail (SLUICE_IS_MOCK_PAGE (self));

  g_object_set_data (G_OBJECT (self), "refill", GINT_TO_POINTER (1));
  send_behaviour (self, provider, NULL);
}

static void
on_reset_clicked (GtkButton      *button,
                  SluiceMockPage *self)
{
  sluice_mock_page_reset (self, g_object_get_data (G_OBJECT (button), "provider"));
}

static void
remember (SluiceMockPage *self,
          const char     *provider,
          const char     *control,
          GtkWidget      *widget)
{
  g_hash_table_replace (self->controls, g_strdup_printf ("%s/%s", provider, control), widget);
  g_object_set_data_full (G_OBJECT (widget), "provider", g_strdup (provider), g_free);
}

static GtkWidget *
spin_row (SluiceMockPage *self,
          const char     *provider,
          const Control  *c,
          JsonObject     *behaviour)
{
  JsonObject *section = section_of (behaviour, c->section);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (0, c->max, c->step);

  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), c->digits);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin),
                             json_object_get_double_member_with_default (section, c->member, 0));
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  g_object_set_data (G_OBJECT (spin), "control", (gpointer) c);
  remember (self, provider, c->control, spin);
  g_signal_connect (spin, "value-changed", G_CALLBACK (on_spin_changed), self);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(c->title));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  return row;
}

static GtkWidget *
provider_group (SluiceMockPage *self,
                const char     *provider,
                JsonObject     *behaviour)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *reset = gtk_button_new_with_mnemonic (_("_Reset to Config"));
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *sw = gtk_switch_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), provider);
  gtk_widget_set_valign (reset, GTK_ALIGN_CENTER);
  g_object_set_data_full (G_OBJECT (reset), "provider", g_strdup (provider), g_free);
  g_signal_connect (reset, "clicked", G_CALLBACK (on_reset_clicked), self);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), reset);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Outage"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Every call fails as overloaded"));
  gtk_switch_set_active (GTK_SWITCH (sw),
                         json_object_get_boolean_member_with_default (behaviour, "outage", FALSE));
  gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
  remember (self, provider, "outage", sw);
  g_signal_connect (sw, "notify::active", G_CALLBACK (on_outage_changed), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), sw);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  for (guint i = 0; i < G_N_ELEMENTS (controls); i++)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                               spin_row (self, provider, &controls[i], behaviour));
  g_object_set_data_full (G_OBJECT (group), "provider", g_strdup (provider), g_free);
  return group;
}

/* A group's description says whether its provider runs as configured. */
static void
update_descriptions (SluiceMockPage *self)
{
  g_autoptr(SluiceConfig) config = sluice_engine_host_dup_config (self->host);

  for (guint i = 0; config != NULL && i < self->groups->len; i++)
    {
      AdwPreferencesGroup *group = g_ptr_array_index (self->groups, i);
      const char *provider = g_object_get_data (G_OBJECT (group), "provider");
      const SluiceProviderConfig *pc = sluice_config_lookup_provider (config, provider);
      g_autoptr(JsonNode) configured = NULL;
      JsonNode *now = json_object_get_member (json_node_get_object (self->behaviours), provider);

      if (pc == NULL || pc->mock == NULL || now == NULL)
        continue;
      configured = sluice_mock_behaviour_to_json (pc->mock);
      adw_preferences_group_set_description (group, json_node_equal (configured, now)
                                             ? _("As configured")
                                             : _("Chaos active: differs from the configuration"));
    }
}

static void
fill (SluiceMockPage *self)
{
  JsonObjectIter iter;
  const char *provider;
  JsonNode *behaviour;

  for (guint i = 0; i < self->groups->len; i++)
    adw_preferences_page_remove (self->page, g_ptr_array_index (self->groups, i));
  g_ptr_array_set_size (self->groups, 0);
  g_hash_table_remove_all (self->controls);
  self->filling = TRUE;
  json_object_iter_init_ordered (&iter, json_node_get_object (self->behaviours));
  while (json_object_iter_next_ordered (&iter, &provider, &behaviour))
    {
      GtkWidget *group = provider_group (self, provider, json_node_get_object (behaviour));

      adw_preferences_page_add (self->page, ADW_PREFERENCES_GROUP (group));
      g_ptr_array_add (self->groups, group);
    }
  self->filling = FALSE;
  gtk_stack_set_visible_child_name (self->state_stack, self->groups->len > 0 ? "controls"
                                                                              : "empty");
  update_descriptions (self);
}

static void
behaviours_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(SluiceMockPage) self = user_data;
  JsonNode *behaviours = sluice_engine_host_run_finish (SLUICE_ENGINE_HOST (object), result,
                                                        NULL);

  self->busy--;
  if (behaviours == NULL || self->page == NULL)
    return;
  g_clear_pointer (&self->behaviours, json_node_unref);
  self->behaviours = behaviours;
  fill (self);
}

static void
reload (SluiceMockPage *self)
{
  self->busy++;
  sluice_admin_dup_behaviours (self->host, behaviours_cb, g_object_ref (self));
}

static void
on_snapshot (SluiceMockPage *self)
{
  SluiceSnapshot *snapshot = sluice_engine_host_get_snapshot (self->host);
  gint64 version = snapshot != NULL ? sluice_snapshot_get_config_version (snapshot) : 0;

  if (version == self->config_version)
    return;
  self->config_version = version;
  reload (self);
}

static void
sluice_mock_page_dispose (GObject *object)
{
  SluiceMockPage *self = SLUICE_MOCK_PAGE (object);
  GtkWidget *child;

  if (self->host != NULL)
    g_signal_handlers_disconnect_by_data (self->host, self);
  g_clear_object (&self->host);
  gtk_widget_dispose_template (GTK_WIDGET (self), SLUICE_TYPE_MOCK_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (sluice_mock_page_parent_class)->dispose (object);
}

static void
sluice_mock_page_finalize (GObject *object)
{
  SluiceMockPage *self = SLUICE_MOCK_PAGE (object);

  g_clear_pointer (&self->behaviours, json_node_unref);
  g_clear_pointer (&self->controls, g_hash_table_unref);
  g_clear_pointer (&self->groups, g_ptr_array_unref);

  G_OBJECT_CLASS (sluice_mock_page_parent_class)->finalize (object);
}

static void
sluice_mock_page_class_init (SluiceMockPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sluice_mock_page_dispose;
  object_class->finalize = sluice_mock_page_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sluice/Sluice/sluice-mock-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SluiceMockPage, state_stack);
  gtk_widget_class_bind_template_child (widget_class, SluiceMockPage, page);
}

static void
sluice_mock_page_init (SluiceMockPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->controls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->groups = g_ptr_array_new ();
  self->behaviours = json_node_init_object (json_node_alloc (), json_object_new ());
  self->config_version = -1;
}

GtkWidget *
sluice_mock_page_new (void)
{
  return g_object_new (SLUICE_TYPE_MOCK_PAGE, NULL);
}

void
sluice_mock_page_set_host (SluiceMockPage   *self,
                           SluiceEngineHost *host)
{
  g_return_if_fail (SLUICE_IS_MOCK_PAGE (self));
  g_return_if_fail (SLUICE_IS_ENGINE_HOST (host));

  g_set_object (&self->host, host);
  g_signal_connect_swapped (host, "notify::snapshot", G_CALLBACK (on_snapshot), self);
  on_snapshot (self);
}

gboolean
sluice_mock_page_get_busy (SluiceMockPage *self)
{
  g_return_val_if_fail (SLUICE_IS_MOCK_PAGE (self), FALSE);

  return self->busy > 0;
}

/**
 * sluice_mock_page_lookup_control:
 * @control: "outage", "p50", "p99", "server", "timeout", "overloaded",
 *   "rate_limited" or "cut_after_chunks"
 *
 * Returns: (transfer none) (nullable): the switch or spin button
 */
GtkWidget *
sluice_mock_page_lookup_control (SluiceMockPage *self,
                                 const char     *provider,
                                 const char     *control)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (SLUICE_IS_MOCK_PAGE (self), NULL);

  key = g_strdup_printf ("%s/%s", provider, control);
  return g_hash_table_lookup (self->controls, key);
}
