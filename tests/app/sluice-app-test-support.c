/* sluice-app-test-support.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-test"

#include "config.h"

#include <glib/gstdio.h>

#include "sluice-app-test-support.h"

static char *tmp_dir;
static guint wait_limit = 30;
static SluiceApplication *app;

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) &&
          !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

/* Points HOME and the XDG user directories into a fresh temporary
 * directory "sluice-@name-XXXXXX", before anything reads them. */
static void
isolate_home (const char *name)
{
  static const char *vars[][2] = {
    { "HOME", "home" },
    { "XDG_DATA_HOME", "data" },
    { "XDG_CONFIG_HOME", "config" },
    { "XDG_CACHE_HOME", "cache" },
    { "XDG_STATE_HOME", "state" },
  };
  g_autofree char *tmpl = g_strdup_printf ("sluice-%s-XXXXXX", name);

  tmp_dir = g_dir_make_tmp (tmpl, NULL);
  g_assert_nonnull (tmp_dir);
  for (guint i = 0; i < G_N_ELEMENTS (vars); i++)
    {
      g_autofree char *dir = g_build_filename (tmp_dir, vars[i][1], NULL);

      g_mkdir_with_parents (dir, 0700);
      g_setenv (vars[i][0], dir, TRUE);
    }
}

/* Call first in main(): a private HOME, then g_test_init().
 * sluice_app_test_wait_until() gives up after @wait_limit_s seconds. */
void
sluice_app_test_init (int          *argc,
                      char       ***argv,
                      const char   *name,
                      guint         wait_limit_s)
{
  isolate_home (name);
  wait_limit = wait_limit_s;

  /* Not G_TEST_OPTION_ISOLATE_DIRS: it also empties XDG_DATA_DIRS, and then
   * GIO has no MIME database, gdk-pixbuf cannot tell an SVG icon from noise
   * and GTK warns (fatally here) on every icon. isolate_home() gives the
   * same protection for everything we write. */
  g_test_init (argc, argv, NULL);
}

static void
test_no_display (void)
{
  if (g_getenv ("SLUICE_TEST_HARNESS") != NULL)
    g_test_fail_printf ("no display, but the test harness promised one");
  else
    g_test_skip ("no display (run under xvfb-run)");
}

/* Opens the display and registers the application on a database in the
 * private directory. Without a display, adds @display_path (failing under
 * the test harness, else skipped) and returns NULL. The application stays
 * ours until sluice_app_test_teardown(). */
SluiceApplication *
sluice_app_test_start (const char *display_path)
{
  g_autofree char *db_path = g_build_filename (tmp_dir, "sluice.db", NULL);

  if (!gtk_init_check ())
    {
      g_test_add_func (display_path, test_no_display);
      return NULL;
    }

  app = sluice_application_new (G_APPLICATION_NON_UNIQUE);
  sluice_application_set_db_path (app, db_path);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  return app;
}

/* Drops the application and removes the private directory. */
void
sluice_app_test_teardown (void)
{
  g_clear_object (&app);
  if (tmp_dir != NULL)
    remove_tree (tmp_dir);
  g_clear_pointer (&tmp_dir, g_free);
}

/* g_test_run(), then sluice_app_test_teardown(). */
int
sluice_app_test_run (void)
{
  int ret = g_test_run ();

  sluice_app_test_teardown ();
  return ret;
}

gboolean
sluice_app_test_set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main context until @cond holds, for at most the wait limit. */
gboolean
sluice_app_test_wait_until (SluiceAppTestCondition cond,
                            gpointer               data)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (wait_limit, sluice_app_test_set_flag, &timed_out);

  while (!cond (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (!timed_out)
    g_source_remove (id);

  return cond (data);
}

/* A GAsyncReadyCallback: keeps a reference to @result in the
 * GAsyncResult * that @user_data points to. */
void
sluice_app_test_store_result (GObject      *object,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
result_ready (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

/* Waits until sluice_app_test_store_result() has filled @slot. */
void
sluice_app_test_wait_result (GAsyncResult **slot)
{
  g_assert_true (sluice_app_test_wait_until (result_ready, slot));
}

/* Sends @request through @host and waits for the response. */
SluiceResponse *
sluice_app_test_send (SluiceEngineHost *host,
                      SluiceRequest    *request)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SluiceResponse *response;

  sluice_engine_host_send_async (host, request, NULL, NULL, NULL,
                                 sluice_app_test_store_result, &result);
  sluice_app_test_wait_result (&result);
  response = sluice_engine_host_send_finish (host, result, &error);
  g_assert_no_error (error);
  return response;
}

/* The template child @name of @widget (of class @type), asserted to exist. */
GtkWidget *
sluice_app_test_child (gpointer    widget,
                       GType       type,
                       const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  g_assert_nonnull (child);
  return GTK_WIDGET (child);
}

guint
sluice_app_test_count_children (GtkWidget *widget)
{
  guint n = 0;

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    n++;

  return n;
}
