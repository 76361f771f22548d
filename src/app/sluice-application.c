/* sluice-application.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-app"

#include "config.h"

#include <glib/gi18n.h>

#include "sluice-application.h"
#include "sluice-demo-traffic.h"
#include "sluice-window.h"

struct _SluiceApplication
{
  AdwApplication    parent_instance;

  GSettings        *settings;
  SluiceEngineHost *host;
  char             *db_path;
};

G_DEFINE_FINAL_TYPE (SluiceApplication, sluice_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "db", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Use the engine database at PATH"), N_("PATH") },
  { "page", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Open the page NAME (overview, playground, …)"), N_("NAME") },
  { "demo-traffic", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Send demonstration traffic through the mock providers"), NULL },
  { NULL }
};

static SluiceWindow *
get_or_create_window (SluiceApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (SLUICE_IS_WINDOW (window))
    return SLUICE_WINDOW (window);

  return sluice_window_new (self);
}

static void
sluice_application_activate (GApplication *app)
{
  SluiceWindow *window = get_or_create_window (SLUICE_APPLICATION (app));

  gtk_window_present (GTK_WINDOW (window));
}

static int
sluice_application_command_line (GApplication            *app,
                                 GApplicationCommandLine *cmdline)
{
  SluiceApplication *self = SLUICE_APPLICATION (app);
  GVariantDict *options = g_application_command_line_get_options_dict (cmdline);
  g_autofree char *db_path = NULL;
  const char *page = NULL;

  if (g_variant_dict_lookup (options, "db", "^ay", &db_path))
    {
      if (self->host != NULL)
        g_application_command_line_printerr (cmdline, "%s\n",
                                             _("The engine is already running; --db is ignored"));
      else
        sluice_application_set_db_path (self, db_path);
    }

  g_variant_dict_lookup (options, "page", "&s", &page);

  g_application_activate (app);

  if (g_variant_dict_contains (options, "demo-traffic") &&
      g_object_get_data (G_OBJECT (app), "demo-traffic") == NULL &&
      sluice_engine_host_get_error (sluice_application_get_engine_host (self)) == NULL)
    g_object_set_data_full (G_OBJECT (app), "demo-traffic",
                            sluice_demo_traffic_new (sluice_application_get_engine_host (self)),
                            (GDestroyNotify) sluice_demo_traffic_free);

  if (page != NULL)
    {
      GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

      if (SLUICE_IS_WINDOW (window))
        sluice_window_set_page (SLUICE_WINDOW (window), page);
    }

  return 0;
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  static const char *developers[] = { "The Sluice authors", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "application-name", _("Sluice"),
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The Sluice authors"),
                        "developers", developers,
                        "copyright", "© 2026 The Sluice authors",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "website", "https://github.com/sluice/sluice",
                        "issue-url", "https://github.com/sluice/sluice/issues",
                        "comments", _("An LLM gateway and the console to watch and steer it"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "about", about_action },
};

static void
apply_color_scheme (SluiceApplication *self)
{
  g_autofree char *scheme = g_settings_get_string (self->settings, "color-scheme");
  AdwStyleManager *manager = adw_style_manager_get_default ();

  if (g_strcmp0 (scheme, "light") == 0)
    adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_LIGHT);
  else if (g_strcmp0 (scheme, "dark") == 0)
    adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_DARK);
  else
    adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_DEFAULT);
}

static void
on_settings_changed (GSettings         *settings,
                     const char        *key,
                     SluiceApplication *self)
{
  if (g_strcmp0 (key, "color-scheme") == 0)
    apply_color_scheme (self);
  else if (g_strcmp0 (key, "refresh-rate-ms") == 0 && self->host != NULL)
    sluice_engine_host_set_snapshot_interval (self->host,
                                              g_settings_get_uint (settings, key));
}

static void
set_accels (GtkApplication *app,
            const char     *action,
            const char     *accel)
{
  const char *accels[] = { accel, NULL };

  gtk_application_set_accels_for_action (app, action, accels);
}

static void
sluice_application_startup (GApplication *app)
{
  SluiceApplication *self = SLUICE_APPLICATION (app);

  G_APPLICATION_CLASS (sluice_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  set_accels (GTK_APPLICATION (app), "app.quit", "<Control>q");
  set_accels (GTK_APPLICATION (app), "window.close", "<Control>w");
  set_accels (GTK_APPLICATION (app), "win.show-help-overlay", "<Control>question");

  self->settings = g_settings_new (APP_ID);
  g_signal_connect (self->settings, "changed",
                    G_CALLBACK (on_settings_changed), self);
  apply_color_scheme (self);
}

static void
sluice_application_shutdown (GApplication *app)
{
  SluiceApplication *self = SLUICE_APPLICATION (app);

  /* Stops and joins the engine thread. */
  g_clear_object (&self->host);

  G_APPLICATION_CLASS (sluice_application_parent_class)->shutdown (app);
}

static void
sluice_application_dispose (GObject *object)
{
  SluiceApplication *self = (SluiceApplication *)object;

  g_clear_object (&self->host);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sluice_application_parent_class)->dispose (object);
}

static void
sluice_application_finalize (GObject *object)
{
  SluiceApplication *self = (SluiceApplication *)object;

  g_clear_pointer (&self->db_path, g_free);

  G_OBJECT_CLASS (sluice_application_parent_class)->finalize (object);
}

static void
sluice_application_class_init (SluiceApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = sluice_application_dispose;
  object_class->finalize = sluice_application_finalize;
  app_class->activate = sluice_application_activate;
  app_class->command_line = sluice_application_command_line;
  app_class->startup = sluice_application_startup;
  app_class->shutdown = sluice_application_shutdown;
}

static void
sluice_application_init (SluiceApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
}

SluiceApplication *
sluice_application_new (GApplicationFlags extra_flags)
{
  return g_object_new (SLUICE_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "resource-base-path", "/io/github/sluice/Sluice",
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE | extra_flags,
                       NULL);
}

/**
 * sluice_application_get_settings:
 *
 * Returns: (transfer none): the console's settings; valid after startup
 */
GSettings *
sluice_application_get_settings (SluiceApplication *self)
{
  g_return_val_if_fail (SLUICE_IS_APPLICATION (self), NULL);

  return self->settings;
}

/**
 * sluice_application_get_engine_host:
 *
 * Starts the engine on first use, with the database given by --db.
 *
 * Returns: (transfer none): the engine host
 */
SluiceEngineHost *
sluice_application_get_engine_host (SluiceApplication *self)
{
  g_return_val_if_fail (SLUICE_IS_APPLICATION (self), NULL);

  if (self->host == NULL)
    {
      guint interval = 500;

      if (self->settings != NULL)
        interval = g_settings_get_uint (self->settings, "refresh-rate-ms");

      self->host = sluice_engine_host_new (self->db_path, interval);

      if (sluice_engine_host_get_error (self->host) != NULL)
        g_message ("The engine could not start: %s",
                   sluice_engine_host_get_error (self->host)->message);
    }

  return self->host;
}

const char *
sluice_application_get_db_path (SluiceApplication *self)
{
  g_return_val_if_fail (SLUICE_IS_APPLICATION (self), NULL);

  return self->db_path;
}

void
sluice_application_set_db_path (SluiceApplication *self,
                                const char        *db_path)
{
  g_return_if_fail (SLUICE_IS_APPLICATION (self));
  g_return_if_fail (self->host == NULL);

  g_free (self->db_path);
  self->db_path = g_strdup (db_path);
}
