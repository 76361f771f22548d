/* sluice-window.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-app"

#include "config.h"

#include <glib/gi18n.h>

#include "sluice-window.h"
#include "widgets/sluice-alerts-popover.h"
#include "pages/sluice-budgets-page.h"
#include "pages/sluice-cache-page.h"
#include "pages/sluice-config-page.h"
#include "pages/sluice-mock-page.h"
#include "pages/sluice-overview-page.h"
#include "pages/sluice-playground-page.h"
#include "pages/sluice-providers-page.h"
#include "pages/sluice-quality-page.h"
#include "pages/sluice-requests-page.h"

struct _SluiceWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;

  AdwLeaflet           *leaflet;
  GtkListBox           *sidebar;
  AdwWindowTitle       *window_title;
  AdwToastOverlay      *toast_overlay;
  GtkStack             *content_stack;
  GtkStack             *stack;
  AdwStatusPage        *error_page;
  SluiceOverviewPage   *overview_page;
  SluicePlaygroundPage *playground_page;
  SluiceConfigPage     *config_page;
  SluiceMockPage       *mock_page;
  SluiceProvidersPage  *providers_page;
  SluiceBudgetsPage    *budgets_page;
  SluiceCachePage      *cache_page;
  SluiceQualityPage    *quality_page;
  SluiceAlertsPopover  *alerts_popover;
  GtkLabel             *alerts_badge;
  SluiceRequestsPage   *requests_page;
};

G_DEFINE_FINAL_TYPE (SluiceWindow, sluice_window, ADW_TYPE_APPLICATION_WINDOW)

typedef struct
{
  const char *name;
  const char *title;
  const char *icon_name;
} PageInfo;

/* The sidebar, in order; the pages themselves are in the template. */
static const PageInfo pages[] = {
  { "overview", N_("Overview"), "view-grid-symbolic" },
  { "providers", N_("Providers"), "network-server-symbolic" },
  { "budgets", N_("Budgets"), "x-office-spreadsheet-symbolic" },
  { "cache", N_("Cache"), "drive-multidisk-symbolic" },
  { "quality", N_("Quality & Drift"), "applications-science-symbolic" },
  { "requests", N_("Requests"), "view-list-bullet-symbolic" },
  { "playground", N_("Playground"), "document-send-symbolic" },
  { "configuration", N_("Configuration"), "emblem-system-symbolic" },
  { "mock", N_("Mock"), "applications-engineering-symbolic" },
};

static int
find_page (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    if (g_strcmp0 (pages[i].name, name) == 0)
      return i;

  return -1;
}

static GtkWidget *
create_sidebar_row (const PageInfo *info)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (_(info->title));

  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name (info->icon_name));
  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  return row;
}

static void
populate (SluiceWindow *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    gtk_list_box_append (self->sidebar, create_sidebar_row (&pages[i]));
}

static void
on_sidebar_row_selected (GtkListBox    *sidebar,
                         GtkListBoxRow *row,
                         SluiceWindow  *self)
{
  const PageInfo *info;

  if (row == NULL)
    return;

  info = &pages[gtk_list_box_row_get_index (row)];
  gtk_stack_set_visible_child_name (self->stack, info->name);
  adw_window_title_set_title (self->window_title, _(info->title));

  if (self->settings != NULL)
    g_settings_set_string (self->settings, "last-page", info->name);
}

static void
on_sidebar_row_activated (GtkListBox    *sidebar,
                          GtkListBoxRow *row,
                          SluiceWindow  *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
on_back_clicked (GtkButton    *button,
                 SluiceWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  sluice_window_set_page (SLUICE_WINDOW (widget), g_variant_get_string (param, NULL));
}

static void
restore_state (SluiceWindow *self)
{
  g_autofree char *last_page = NULL;
  int width = g_settings_get_int (self->settings, "window-width");
  int height = g_settings_get_int (self->settings, "window-height");

  gtk_window_set_default_size (GTK_WINDOW (self), MAX (width, 360), MAX (height, 294));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  last_page = g_settings_get_string (self->settings, "last-page");
  if (!sluice_window_set_page (self, last_page))
    sluice_window_set_page (self, "overview");
}

static void
attach_engine (SluiceWindow      *self,
               SluiceApplication *app)
{
  SluiceEngineHost *host = sluice_application_get_engine_host (app);
  const GError *error = sluice_engine_host_get_error (host);

  if (error != NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->content_stack, "error");
      return;
    }

  sluice_overview_page_set_host (self->overview_page, host);
  sluice_playground_page_set_host (self->playground_page, host);
  sluice_config_page_set_host (self->config_page, host);
  sluice_mock_page_set_host (self->mock_page, host);
  sluice_providers_page_set_host (self->providers_page, host);
  sluice_budgets_page_set_host (self->budgets_page, host);
  sluice_cache_page_set_host (self->cache_page, host);
  sluice_quality_page_set_host (self->quality_page, host);
  sluice_alerts_popover_set_badge (self->alerts_popover, self->alerts_badge);
  sluice_alerts_popover_set_host (self->alerts_popover, host);
  sluice_requests_page_set_host (self->requests_page, host);
}

/* GtkWindow:application is not a construct property, so it is only set
 * after constructed(): the window is wired to the application here. */
static void
setup_with_application (SluiceWindow      *self,
                        SluiceApplication *app)
{
  self->settings = g_object_ref (sluice_application_get_settings (app));
  attach_engine (self, app);
  restore_state (self);
}

static gboolean
sluice_window_close_request (GtkWindow *window)
{
  SluiceWindow *self = SLUICE_WINDOW (window);
  int width, height;

  if (self->settings != NULL)
    {
      gboolean maximized = gtk_window_is_maximized (window);

      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_boolean (self->settings, "window-maximized", maximized);
      if (!maximized && width > 0 && height > 0)
        {
          g_settings_set_int (self->settings, "window-width", width);
          g_settings_set_int (self->settings, "window-height", height);
        }
    }

  return GTK_WINDOW_CLASS (sluice_window_parent_class)->close_request (window);
}

static void
sluice_window_dispose (GObject *object)
{
  SluiceWindow *self = (SluiceWindow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), SLUICE_TYPE_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sluice_window_parent_class)->dispose (object);
}

static void
sluice_window_class_init (SluiceWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = sluice_window_dispose;
  window_class->close_request = sluice_window_close_request;

  g_type_ensure (SLUICE_TYPE_OVERVIEW_PAGE);
  g_type_ensure (SLUICE_TYPE_PLAYGROUND_PAGE);
  g_type_ensure (SLUICE_TYPE_CONFIG_PAGE);
  g_type_ensure (SLUICE_TYPE_MOCK_PAGE);
  g_type_ensure (SLUICE_TYPE_PROVIDERS_PAGE);
  g_type_ensure (SLUICE_TYPE_BUDGETS_PAGE);
  g_type_ensure (SLUICE_TYPE_CACHE_PAGE);
  g_type_ensure (SLUICE_TYPE_QUALITY_PAGE);
  g_type_ensure (SLUICE_TYPE_ALERTS_POPOVER);
  g_type_ensure (SLUICE_TYPE_REQUESTS_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sluice/Sluice/sluice-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SluiceWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, SluiceWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, SluiceWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, SluiceWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SluiceWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, SluiceWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, SluiceWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, SluiceWindow, overview_page);
  gtk_widget_class_bind_template_child (widget_class, SluiceWindow, playground_page);
  gtk_widget_class_bind_template_child (widget_class, SluiceWindow, config_page);
  gtk_widget_class_bind_template_child (widget_class, SluiceWindow, mock_page);
  gtk_widget_class_bind_template_child (widget_class, SluiceWindow, providers_page);
  gtk_widget_class_bind_template_child (widget_class, SluiceWindow, budgets_page);
  gtk_widget_class_bind_template_child (widget_class, SluiceWindow, cache_page);
  gtk_widget_class_bind_template_child (widget_class, SluiceWindow, quality_page);
  gtk_widget_class_bind_template_child (widget_class, SluiceWindow, alerts_popover);
  gtk_widget_class_bind_template_child (widget_class, SluiceWindow, alerts_badge);
  gtk_widget_class_bind_template_child (widget_class, SluiceWindow, requests_page);
  gtk_widget_class_bind_template_callback (widget_class, on_sidebar_row_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_sidebar_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);

  gtk_widget_class_install_action (widget_class, "console.show-page", "s",
                                   show_page_action);
}

static void
sluice_window_init (SluiceWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  populate (self);
  sluice_window_set_page (self, "overview");
}

SluiceWindow *
sluice_window_new (SluiceApplication *application)
{
  SluiceWindow *self;

  g_return_val_if_fail (SLUICE_IS_APPLICATION (application), NULL);

  self = g_object_new (SLUICE_TYPE_WINDOW,
                       "application", application,
                       NULL);
  setup_with_application (self, application);

  return self;
}

const char *
sluice_window_get_page (SluiceWindow *self)
{
  g_return_val_if_fail (SLUICE_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

/**
 * sluice_window_set_page:
 * @name: a page name such as "overview" or "playground"
 *
 * Returns: %TRUE if there is a page of that name
 */
gboolean
sluice_window_set_page (SluiceWindow *self,
                        const char   *name)
{
  int index;

  g_return_val_if_fail (SLUICE_IS_WINDOW (self), FALSE);

  index = find_page (name);
  if (index < 0)
    return FALSE;

  gtk_list_box_select_row (self->sidebar,
                           gtk_list_box_get_row_at_index (self->sidebar, index));
  return TRUE;
}

void
sluice_window_add_toast (SluiceWindow *self,
                         AdwToast     *toast)
{
  g_return_if_fail (SLUICE_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}
