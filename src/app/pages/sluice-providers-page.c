/* sluice-providers-page.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-app"

#include "config.h"

#include <glib/gi18n.h>

#include "sluice-format.h"
#include "sluice-panel-util.h"
#include "sluice-providers-page.h"
#include "sluice-providers-card.h"

/* Every provider and each of its models: breaker state with a live
 * countdown to the probe, error rate, latency, rate-limit headroom and
 * Retry-After holds. Force open and reset ask first, then post to the
 * engine through the host. */

struct _SluiceProvidersPage
{
  GtkWidget         parent_instance;

  SluiceEngineHost *host;
  gulong            snapshot_handler;
  GHashTable       *cards;       /* model → SluiceModelCard */
  GHashTable       *sections;    /* provider → GtkBox */
  guint             tick_id;

  GtkStack         *state_stack;
  GtkBox           *providers_box;
};

G_DEFINE_FINAL_TYPE (SluiceProvidersPage, sluice_providers_page, GTK_TYPE_WIDGET)

static const guint durations_s[] = { 60, 300, 900, 3600 };

static gboolean
update_countdowns (SluiceProvidersPage *self)
{
  gint64 now_us = g_get_real_time ();
  GHashTableIter iter;
  gpointer card;
  gboolean any = FALSE;

  g_hash_table_iter_init (&iter, self->cards);
  while (g_hash_table_iter_next (&iter, NULL, &card))
    any |= sluice_model_card_tick (card, now_us);

  return any;
}

static gboolean
tick (gpointer data)
{
  SluiceProvidersPage *self = data;

  if (update_countdowns (self))
    return G_SOURCE_CONTINUE;

  self->tick_id = 0;
  return G_SOURCE_REMOVE;
}

static GtkBox *
ensure_section (SluiceProvidersPage *self,
                const char          *provider)
{
  GtkWidget *section = g_hash_table_lookup (self->sections, provider);
  GtkWidget *title;

  if (section != NULL)
    return GTK_BOX (section);

  section = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  title = gtk_label_new (provider);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "title-4");
  gtk_box_append (GTK_BOX (section), title);
  gtk_box_append (self->providers_box, section);
  g_hash_table_insert (self->sections, g_strdup (provider), section);

  return GTK_BOX (section);
}

static void
rebuild_if_needed (SluiceProvidersPage *self,
                   SluiceSnapshot      *snapshot)
{
  guint n = sluice_snapshot_get_n_models (snapshot);
  gboolean same = n == g_hash_table_size (self->cards);
  GtkWidget *child;

  for (guint i = 0; same && i < n; i++)
    same = g_hash_table_contains (self->cards, sluice_snapshot_get_model (snapshot, i)->model);
  if (same)
    return;

  g_hash_table_remove_all (self->cards);
  g_hash_table_remove_all (self->sections);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->providers_box))) != NULL)
    gtk_box_remove (self->providers_box, child);

  for (guint i = 0; i < n; i++)
    {
      const SluiceModelStats *stats = sluice_snapshot_get_model (snapshot, i);
      GtkBox *section = ensure_section (self, stats->provider);
      SluiceModelCard *card = sluice_model_card_new (stats->model, stats->provider);

      gtk_box_append (section, sluice_model_card_get_widget (card));
      g_hash_table_insert (self->cards, g_strdup (stats->model), card);
    }
}

void
sluice_providers_page_update (SluiceProvidersPage *self,
                              SluiceSnapshot      *snapshot)
{
  guint n;

  g_return_if_fail (SLUICE_IS_PROVIDERS_PAGE (self));

  n = snapshot != NULL ? sluice_snapshot_get_n_models (snapshot) : 0;
  gtk_stack_set_visible_child_name (self->state_stack, n > 0 ? "live" : "empty");
  if (n == 0)
    return;

  rebuild_if_needed (self, snapshot);

  for (guint i = 0; i < n; i++)
    {
      const SluiceModelStats *stats = sluice_snapshot_get_model (snapshot, i);

      sluice_model_card_update (g_hash_table_lookup (self->cards, stats->model),
                                snapshot, stats);
    }

  /* Countdowns tick every second while a breaker is open or held. */
  if (update_countdowns (self) && self->tick_id == 0)
    self->tick_id = g_timeout_add_seconds (1, tick, self);
}

/**
 * sluice_providers_page_get_state_text:
 *
 * Returns: (nullable): what the breaker pill of @model says, for tests
 */
const char *
sluice_providers_page_get_state_text (SluiceProvidersPage *self,
                                      const char          *model)
{
  SluiceModelCard *card;

  g_return_val_if_fail (SLUICE_IS_PROVIDERS_PAGE (self), NULL);

  card = g_hash_table_lookup (self->cards, model);
  return card != NULL ? sluice_model_card_get_state_text (card) : NULL;
}

static void
on_snapshot_changed (SluiceEngineHost    *host,
                     GParamSpec          *pspec,
                     SluiceProvidersPage *self)
{
  sluice_providers_page_update (self, sluice_engine_host_get_snapshot (host));
}

typedef struct
{
  SluiceProvidersPage *page;
  char                *model;
  GtkDropDown         *duration;
} DialogData;

static void
dialog_data_free (gpointer data)
{
  DialogData *dd = data;

  g_object_unref (dd->page);
  g_free (dd->model);
  g_free (dd);
}

static void
on_force_open_response (AdwMessageDialog *dialog,
                        const char       *response,
                        DialogData       *dd)
{
  guint duration_s = durations_s[MIN (gtk_drop_down_get_selected (dd->duration),
                                      G_N_ELEMENTS (durations_s) - 1)];
  g_autofree char *title = NULL;

  if (g_strcmp0 (response, "open") != 0 || dd->page->host == NULL)
    return;

  sluice_engine_host_force_open_breaker (dd->page->host, dd->model, duration_s);
  /* Translators: "Breaker of mock-large open for 5 min" */
  title = g_strdup_printf (_("Breaker of %s open for %u min"), dd->model, duration_s / 60);
  sluice_panel_toast (GTK_WIDGET (dd->page), title);
}

static void
on_reset_response (AdwMessageDialog *dialog,
                   const char       *response,
                   DialogData       *dd)
{
  g_autofree char *title = NULL;

  if (g_strcmp0 (response, "reset") != 0 || dd->page->host == NULL)
    return;

  sluice_engine_host_reset_breaker (dd->page->host, dd->model);
  title = g_strdup_printf (_("Breaker of %s reset"), dd->model);
  sluice_panel_toast (GTK_WIDGET (dd->page), title);
}

static AdwMessageDialog *
new_dialog (SluiceProvidersPage *self,
            const char          *heading,
            const char          *body)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"));
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  return ADW_MESSAGE_DIALOG (dialog);
}

static void
force_open_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  SluiceProvidersPage *self = SLUICE_PROVIDERS_PAGE (widget);
  const char *model = g_variant_get_string (param, NULL);
  const char *durations[] = { N_("1 minute"), N_("5 minutes"), N_("15 minutes"),
                              N_("1 hour"), NULL };
  g_autofree char *heading = g_strdup_printf (_("Force Open %s?"), model);
  AdwMessageDialog *dialog = new_dialog (self, heading,
                                         _("The model is taken out of every chain until its "
                                           "probe; requests fall back to the next model."));
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);
  DialogData *dd = g_new0 (DialogData, 1);

  for (guint i = 0; durations[i] != NULL; i++)
    gtk_string_list_append (list, _(durations[i]));

  dd->page = g_object_ref (self);
  dd->model = g_strdup (model);
  dd->duration = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&list)), NULL));
  gtk_drop_down_set_selected (dd->duration, 1);
  gtk_widget_set_halign (GTK_WIDGET (dd->duration), GTK_ALIGN_CENTER);
  adw_message_dialog_set_extra_child (dialog, GTK_WIDGET (dd->duration));
  adw_message_dialog_add_response (dialog, "open", _("_Force Open"));
  adw_message_dialog_set_response_appearance (dialog, "open", ADW_RESPONSE_DESTRUCTIVE);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_force_open_response), dd,
                         (GClosureNotify) (void (*) (void)) dialog_data_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
reset_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  SluiceProvidersPage *self = SLUICE_PROVIDERS_PAGE (widget);
  const char *model = g_variant_get_string (param, NULL);
  g_autofree char *heading = g_strdup_printf (_("Reset Breaker of %s?"), model);
  AdwMessageDialog *dialog = new_dialog (self, heading,
                                         _("The breaker closes and forgets the model's "
                                           "failures; traffic goes to it at once."));
  DialogData *dd = g_new0 (DialogData, 1);

  dd->page = g_object_ref (self);
  dd->model = g_strdup (model);
  adw_message_dialog_add_response (dialog, "reset", _("_Reset"));
  adw_message_dialog_set_response_appearance (dialog, "reset", ADW_RESPONSE_SUGGESTED);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_reset_response), dd,
                         (GClosureNotify) (void (*) (void)) dialog_data_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
sluice_providers_page_dispose (GObject *object)
{
  SluiceProvidersPage *self = (SluiceProvidersPage *)object;
  GtkWidget *child;

  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->host != NULL)
    g_clear_signal_handler (&self->snapshot_handler, self->host);
  g_clear_object (&self->host);
  g_clear_pointer (&self->cards, g_hash_table_unref);
  g_clear_pointer (&self->sections, g_hash_table_unref);

  gtk_widget_dispose_template (GTK_WIDGET (self), SLUICE_TYPE_PROVIDERS_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (sluice_providers_page_parent_class)->dispose (object);
}

static void
sluice_providers_page_class_init (SluiceProvidersPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sluice_providers_page_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sluice/Sluice/sluice-providers-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SluiceProvidersPage, state_stack);
  gtk_widget_class_bind_template_child (widget_class, SluiceProvidersPage, providers_box);

  gtk_widget_class_install_action (widget_class, "providers.force-open", "s",
                                   force_open_action);
  gtk_widget_class_install_action (widget_class, "providers.reset", "s", reset_action);
}

static void
sluice_providers_page_init (SluiceProvidersPage *self)
{
  self->cards = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) sluice_model_card_free);
  self->sections = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
sluice_providers_page_new (void)
{
  return g_object_new (SLUICE_TYPE_PROVIDERS_PAGE, NULL);
}

void
sluice_providers_page_set_host (SluiceProvidersPage *self,
                                SluiceEngineHost    *host)
{
  g_return_if_fail (SLUICE_IS_PROVIDERS_PAGE (self));
  g_return_if_fail (!host || SLUICE_IS_ENGINE_HOST (host));

  if (self->host == host)
    return;

  if (self->host != NULL)
    g_clear_signal_handler (&self->snapshot_handler, self->host);
  g_set_object (&self->host, host);

  if (host != NULL)
    {
      self->snapshot_handler =
        g_signal_connect (host, "notify::snapshot",
                          G_CALLBACK (on_snapshot_changed), self);
      sluice_providers_page_update (self, sluice_engine_host_get_snapshot (host));
    }
}
