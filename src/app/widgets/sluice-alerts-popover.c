/* sluice-alerts-popover.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-app"

#include "config.h"

#include <glib/gi18n.h>

#include "pages/sluice-panel-util.h"
#include "sluice-alerts-popover.h"
#include "sluice-window.h"

/* The alerts list behind the header bar's bell, and the messenger of new
 * alerts: a toast once per alert, and a desktop notification as well when
 * the window is not focused. Alerts already there when the console starts
 * are listed, not announced. Each alert not yet acknowledged has a button
 * that acknowledges it in the engine, and the header one for all. */

struct _SluiceAlertsPopover
{
  GtkPopover        parent_instance;

  SluiceEngineHost *host;
  gulong            snapshot_handler;
  GHashTable       *seen;          /* alert keys announced or present at start */
  gboolean          seeded;
  char             *shown_key;     /* newest alert in the list */
  guint             n_unread;
  guint             n_toasted;
  guint             n_notified;
  gboolean          no_desktop;    /* tests run without a notification server */
  GtkLabel         *badge;

  GtkStack         *list_stack;
  GtkListBox       *alerts_list;
  GtkButton        *ack_all_button;
};

G_DEFINE_FINAL_TYPE (SluiceAlertsPopover, sluice_alerts_popover, GTK_TYPE_POPOVER)

static char *
alert_key (const SluiceSnapshotAlert *alert)
{
  if (alert->id > 0)
    return g_strdup_printf ("#%" G_GINT64_FORMAT, alert->id);

  return g_strdup_printf ("%" G_GINT64_FORMAT ":%s", alert->time_us, alert->code);
}

static void
on_ack_clicked (GtkButton           *button,
                SluiceAlertsPopover *self)
{
  gint64 id = *(gint64 *) g_object_get_data (G_OBJECT (button), "alert-id");
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), ADW_TYPE_ACTION_ROW);

  if (self->host == NULL)
    return;

  /* Dimmed at once; the next snapshot confirms it. */
  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  if (row != NULL)
    gtk_widget_add_css_class (row, "dim-label");
  sluice_engine_host_ack_alert (self->host, id);
}

static void
on_ack_all_clicked (GtkButton           *button,
                    SluiceAlertsPopover *self)
{
  if (self->host == NULL)
    return;

  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  sluice_engine_host_ack_all_alerts (self->host);
}

static GtkWidget *
create_ack_button (SluiceAlertsPopover       *self,
                   const SluiceSnapshotAlert *alert)
{
  GtkWidget *button = gtk_button_new_from_icon_name ("object-select-symbolic");

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, _("Acknowledge"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Acknowledge"),
                                  -1);
  gtk_widget_add_css_class (button, "flat");
  g_object_set_data_full (G_OBJECT (button), "alert-id",
                          g_memdup2 (&alert->id, sizeof alert->id), g_free);
  g_signal_connect (button, "clicked", G_CALLBACK (on_ack_clicked), self);

  return button;
}

static GtkWidget *
create_row (SluiceAlertsPopover       *self,
            const SluiceSnapshotAlert *alert)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (sluice_panel_severity_icon (alert->severity));
  g_autofree char *clock = sluice_panel_format_clock (alert->time_us);
  g_autofree char *subtitle = NULL;

  if (alert->count > 1)
    /* Translators: "14:03:20 · breaker.open · 3 times" */
    subtitle = g_strdup_printf (_("%s · %s · %u times"), clock, alert->code, alert->count);
  else
    subtitle = g_strdup_printf ("%s · %s", clock, alert->code);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), alert->message);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 3);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_add_css_class (icon, alert->severity);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  if (alert->acknowledged)
    gtk_widget_add_css_class (row, "dim-label");
  else if (alert->id > 0)
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), create_ack_button (self, alert));

  return row;
}

static void
announce (SluiceAlertsPopover       *self,
          const SluiceSnapshotAlert *alert,
          const char                *key)
{
  GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (self));
  GtkRoot *root = parent != NULL ? gtk_widget_get_root (parent) : NULL;
  GApplication *app = g_application_get_default ();

  if (SLUICE_IS_WINDOW (root))
    {
      AdwToast *toast = adw_toast_new (alert->message);

      adw_toast_set_timeout (toast, g_strcmp0 (alert->severity, "critical") == 0 ? 10 : 5);
      sluice_window_add_toast (SLUICE_WINDOW (root), toast);
      self->n_toasted++;
    }

  if (app != NULL && !self->no_desktop &&
      (root == NULL || !gtk_window_is_active (GTK_WINDOW (root))))
    {
      g_autoptr(GNotification) notification = g_notification_new (_("Sluice Alert"));
      g_autofree char *id = g_strdup_printf ("alert-%s", key);

      g_notification_set_body (notification, alert->message);
      g_notification_set_priority (notification,
                                   g_strcmp0 (alert->severity, "critical") == 0
                                   ? G_NOTIFICATION_PRIORITY_URGENT
                                   : G_NOTIFICATION_PRIORITY_NORMAL);
      g_application_send_notification (app, id, notification);
      self->n_notified++;
    }
}

static void
update_badge (SluiceAlertsPopover *self)
{
  g_autofree char *text = g_strdup_printf ("%u", self->n_unread);

  if (self->badge == NULL)
    return;

  gtk_label_set_text (self->badge, text);
  gtk_widget_set_visible (GTK_WIDGET (self->badge), self->n_unread > 0);
}

static void
rebuild_list (SluiceAlertsPopover *self,
              SluiceSnapshot      *snapshot)
{
  guint n = sluice_snapshot_get_n_alerts (snapshot);
  g_autofree char *newest = n > 0 ? alert_key (sluice_snapshot_get_alert (snapshot, 0)) : NULL;
  g_autofree char *shown = NULL;

  /* The newest alert and the unread count say whether the list changed:
   * alerts only arrive at the top, and acknowledging lowers the count. */
  shown = g_strdup_printf ("%s/%u", newest != NULL ? newest : "", self->n_unread);
  gtk_widget_set_sensitive (GTK_WIDGET (self->ack_all_button), self->n_unread > 0);
  if (g_strcmp0 (shown, self->shown_key) == 0 && self->seeded)
    return;

  g_free (self->shown_key);
  self->shown_key = g_steal_pointer (&shown);
  sluice_panel_clear_list (self->alerts_list);
  for (guint i = 0; i < n; i++)
    gtk_list_box_append (self->alerts_list,
                         create_row (self, sluice_snapshot_get_alert (snapshot, i)));
  gtk_stack_set_visible_child_name (self->list_stack, n > 0 ? "list" : "empty");
}

void
sluice_alerts_popover_update (SluiceAlertsPopover *self,
                              SluiceSnapshot      *snapshot)
{
  guint n;

  g_return_if_fail (SLUICE_IS_ALERTS_POPOVER (self));

  if (snapshot == NULL)
    return;

  n = sluice_snapshot_get_n_alerts (snapshot);
  self->n_unread = 0;

  /* Oldest first, so toasts queue in the order things happened. */
  for (guint i = n; i > 0; i--)
    {
      const SluiceSnapshotAlert *alert = sluice_snapshot_get_alert (snapshot, i - 1);
      char *key = alert_key (alert);

      if (!alert->acknowledged)
        self->n_unread++;

      if (g_hash_table_contains (self->seen, key))
        {
          g_free (key);
          continue;
        }

      g_hash_table_add (self->seen, key);
      if (self->seeded && !alert->acknowledged)
        announce (self, alert, key);
    }

  rebuild_list (self, snapshot);
  self->seeded = TRUE;
  update_badge (self);
}

guint
sluice_alerts_popover_get_n_unread (SluiceAlertsPopover *self)
{
  g_return_val_if_fail (SLUICE_IS_ALERTS_POPOVER (self), 0);

  return self->n_unread;
}

guint
sluice_alerts_popover_get_n_toasted (SluiceAlertsPopover *self)
{
  g_return_val_if_fail (SLUICE_IS_ALERTS_POPOVER (self), 0);

  return self->n_toasted;
}

guint
sluice_alerts_popover_get_n_notified (SluiceAlertsPopover *self)
{
  g_return_val_if_fail (SLUICE_IS_ALERTS_POPOVER (self), 0);

  return self->n_notified;
}

/**
 * sluice_alerts_popover_set_desktop_notifications:
 *
 * Whether new alerts also go to the desktop while the window is not
 * focused; on by default.
 */
void
sluice_alerts_popover_set_desktop_notifications (SluiceAlertsPopover *self,
                                                 gboolean             enabled)
{
  g_return_if_fail (SLUICE_IS_ALERTS_POPOVER (self));

  self->no_desktop = !enabled;
}

/**
 * sluice_alerts_popover_set_badge:
 * @badge: (nullable): a label that shows the number of unread alerts
 */
void
sluice_alerts_popover_set_badge (SluiceAlertsPopover *self,
                                 GtkLabel            *badge)
{
  g_return_if_fail (SLUICE_IS_ALERTS_POPOVER (self));

  self->badge = badge;
  update_badge (self);
}

static void
on_snapshot_changed (SluiceEngineHost    *host,
                     GParamSpec          *pspec,
                     SluiceAlertsPopover *self)
{
  sluice_alerts_popover_update (self, sluice_engine_host_get_snapshot (host));
}

void
sluice_alerts_popover_set_host (SluiceAlertsPopover *self,
                                SluiceEngineHost    *host)
{
  g_return_if_fail (SLUICE_IS_ALERTS_POPOVER (self));
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
      sluice_alerts_popover_update (self, sluice_engine_host_get_snapshot (host));
    }
}

static void
sluice_alerts_popover_dispose (GObject *object)
{
  SluiceAlertsPopover *self = (SluiceAlertsPopover *)object;

  if (self->host != NULL)
    g_clear_signal_handler (&self->snapshot_handler, self->host);
  g_clear_object (&self->host);
  gtk_widget_dispose_template (GTK_WIDGET (self), SLUICE_TYPE_ALERTS_POPOVER);

  G_OBJECT_CLASS (sluice_alerts_popover_parent_class)->dispose (object);
}

static void
sluice_alerts_popover_finalize (GObject *object)
{
  SluiceAlertsPopover *self = (SluiceAlertsPopover *)object;

  g_clear_pointer (&self->seen, g_hash_table_unref);
  g_clear_pointer (&self->shown_key, g_free);

  G_OBJECT_CLASS (sluice_alerts_popover_parent_class)->finalize (object);
}

static void
sluice_alerts_popover_class_init (SluiceAlertsPopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sluice_alerts_popover_dispose;
  object_class->finalize = sluice_alerts_popover_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sluice/Sluice/sluice-alerts-popover.ui");
  gtk_widget_class_bind_template_child (widget_class, SluiceAlertsPopover, list_stack);
  gtk_widget_class_bind_template_child (widget_class, SluiceAlertsPopover, alerts_list);
  gtk_widget_class_bind_template_child (widget_class, SluiceAlertsPopover, ack_all_button);
  gtk_widget_class_bind_template_callback (widget_class, on_ack_all_clicked);
}

static void
sluice_alerts_popover_init (SluiceAlertsPopover *self)
{
  self->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
}
