/* bench-console.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-bench"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "sluice-application.h"
#include "sluice-requests-page.h"
#include "sluice-window.h"

/* UI lag under load: the embedded engine (on its own thread, through the
 * engine host) answers a steady stream of requests from zero-latency mock
 * providers while the console shows the Overview, then the Requests page.
 * A high-priority 1 ms timer on the UI thread measures how late the main
 * loop dispatches it; RSS comes from /proc/self/status.
 *
 *   SLUICE_BENCH_RATE (default 1000 requests/s)
 *   SLUICE_BENCH_SECONDS (default 20; half on each page) */

typedef struct
{
  gint64 sent;
  gint64 done;
  gint64 failed;
  gint64 started_us;
  guint  rate;
  gint64 stop_us;
  char  *config_json;
} Load;

static Load load;
static gint n_done;        /* atomic */
static gint n_failed;      /* atomic */

static GArray *lags;       /* gint64 µs, UI thread */
static gint64 last_tick_us;

static char *
bench_config (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("SLUICE_SOURCE_DIR"), "data",
                                            "default-config.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root, *budgets;
  JsonArray *providers;

  if (!json_parser_load_from_file (parser, path, &error))
    g_error ("%s: %s", path, error->message);
  root = json_node_get_object (json_parser_get_root (parser));

  /* Zero latency, no errors: the engine's own cost is what is left. */
  providers = json_object_get_array_member (root, "providers");
  for (guint i = 0; i < json_array_get_length (providers); i++)
    {
      JsonObject *mock = json_object_get_object_member (json_array_get_object_element (providers, i), "mock");
      JsonObject *latency = json_object_get_object_member (mock, "latency_ms");
      JsonObject *errors = json_object_get_object_member (mock, "errors");
      GList *names = json_object_get_members (errors);

      json_object_set_int_member (latency, "p50", 0);
      json_object_set_int_member (latency, "p99", 0);
      for (GList *l = names; l != NULL; l = l->next)
        json_object_set_double_member (errors, l->data, 0.0);
      g_list_free (names);
    }

  /* Budgets far above what the run spends. */
  budgets = json_object_get_object_member (root, "budgets");
  json_object_set_int_member (budgets, "user_tokens_per_hour", G_GINT64_CONSTANT (10000000000));
  json_object_set_int_member (budgets, "user_tokens_per_day", G_GINT64_CONSTANT (10000000000));
  json_object_set_int_member (budgets, "global_tokens_per_hour", G_GINT64_CONSTANT (10000000000));
  json_object_set_double_member (budgets, "user_usd_per_day", 1e9);
  json_object_set_double_member (budgets, "global_usd_per_day", 1e9);

  return json_to_string (json_parser_get_root (parser), FALSE);
}

/* Engine thread. */
static void
on_complete (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SluiceResponse) response =
    sluice_engine_complete_finish (SLUICE_ENGINE (object), result, &error);

  if (response == NULL || sluice_response_get_status (response) != SLUICE_REQUEST_STATUS_OK)
    g_atomic_int_inc (&n_failed);
  g_atomic_int_inc (&n_done);
}

/* Engine thread: sends what the rate says is due since the start. */
static gboolean
load_tick (gpointer data)
{
  SluiceEngine *engine = data;
  gint64 now = g_get_monotonic_time ();
  gint64 due = (now - load.started_us) * load.rate / G_USEC_PER_SEC;

  if (now >= load.stop_us)
    return G_SOURCE_REMOVE;

  for (; load.sent < due; load.sent++)
    {
      g_autoptr(SluiceRequest) request = sluice_request_new ();
      g_autofree char *prompt = g_strdup_printf ("Request %" G_GINT64_FORMAT
                                                 ": what is %" G_GINT64_FORMAT " squared?",
                                                 load.sent, load.sent);
      g_autofree char *user = g_strdup_printf ("bench-%" G_GINT64_FORMAT, load.sent % 50);

      sluice_request_add_message (request, SLUICE_ROLE_USER, prompt);
      sluice_request_set_user (request, user);
      sluice_request_set_max_tokens (request, 64);
      sluice_engine_complete_async (engine, request, NULL, NULL, NULL, on_complete, NULL);
    }

  return G_SOURCE_CONTINUE;
}

/* Engine thread. */
static void
start_load (SluiceEngine *engine,
            gpointer      data)
{
  g_autoptr(GError) error = NULL;
  GSource *source;

  if (!sluice_engine_apply_config_json (engine, load.config_json, "bench", "zero latency", &error))
    g_error ("The bench configuration was refused: %s", error->message);

  load.started_us = g_get_monotonic_time ();
  load.stop_us = load.started_us + GPOINTER_TO_SIZE (data) * G_USEC_PER_SEC;
  /* On the engine's context, which is thread-default here. */
  source = g_timeout_source_new (5);
  g_source_set_callback (source, load_tick, g_object_ref (engine), g_object_unref);
  g_source_attach (source, g_main_context_get_thread_default ());
  g_source_unref (source);
}

/* UI thread: a 1 ms timer that notes how late it runs. */
static gboolean
lag_tick (gpointer data)
{
  gint64 now = g_get_monotonic_time ();

  if (last_tick_us > 0)
    {
      gint64 lag = MAX (0, now - last_tick_us - 1000);

      g_array_append_val (lags, lag);
    }
  last_tick_us = now;
  return G_SOURCE_CONTINUE;
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
run_for (guint seconds)
{
  gboolean done = FALSE;

  g_timeout_add_seconds (seconds, set_flag, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static gint64
rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmRSS:");
  return line != NULL ? g_ascii_strtoll (line + 6, NULL, 10) : -1;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static void
print_lag (const char *phase,
           GArray     *values)
{
  gint64 *v = (gint64 *) values->data;
  guint n = values->len;

  if (n == 0)
    return;
  g_array_sort (values, compare_gint64);
  printf ("  %-22s %8u %9.2f %9.2f %9.2f\n", phase, n,
          v[n / 2] / 1000.0, v[MIN (n - 1, n * 99 / 100)] / 1000.0, v[n - 1] / 1000.0);
}

static GArray *
take_lags (void)
{
  GArray *phase = lags;

  lags = g_array_new (FALSE, FALSE, sizeof (gint64));
  last_tick_us = 0;
  return phase;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *tmp = g_dir_make_tmp ("sluice-bench-console-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (tmp, "sluice.db", NULL);
  guint rate = g_getenv ("SLUICE_BENCH_RATE") ? atoi (g_getenv ("SLUICE_BENCH_RATE")) : 1000;
  guint seconds = g_getenv ("SLUICE_BENCH_SECONDS") ? atoi (g_getenv ("SLUICE_BENCH_SECONDS")) : 20;
  g_autoptr(SluiceApplication) app = NULL;
  g_autoptr(GArray) overview = NULL;
  g_autoptr(GArray) requests = NULL;
  g_autoptr(GArray) idle = NULL;
  SluiceRequestsPage *page;
  SluiceWindow *window;
  gint64 rss_start, rss_end, t0, elapsed;
  guint half = MAX (seconds / 2, 1);

  g_setenv ("HOME", tmp, TRUE);
  g_setenv ("XDG_DATA_HOME", tmp, TRUE);
  if (!gtk_init_check ())
    {
      printf ("bench-console: no display (run it through ./run bench console)\n");
      return 77;
    }

  lags = g_array_new (FALSE, FALSE, sizeof (gint64));
  load.rate = rate;
  load.config_json = bench_config ();

  app = sluice_application_new (G_APPLICATION_NON_UNIQUE);
  sluice_application_set_db_path (app, db);
  g_application_register (G_APPLICATION (app), NULL, NULL);
  window = sluice_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  sluice_window_set_page (window, "overview");
  page = SLUICE_REQUESTS_PAGE (gtk_widget_get_template_child (GTK_WIDGET (window), SLUICE_TYPE_WINDOW,
                                                               "requests_page"));

  g_timeout_add_full (G_PRIORITY_HIGH, 1, lag_tick, NULL, NULL);
  run_for (2);
  idle = take_lags ();
  rss_start = rss_kib ();

  t0 = g_get_monotonic_time ();
  sluice_engine_host_invoke (sluice_application_get_engine_host (app), start_load,
                             GSIZE_TO_POINTER (2 * half), NULL);
  run_for (half);
  overview = take_lags ();
  sluice_window_set_page (window, "requests");
  run_for (half);
  requests = take_lags ();
  elapsed = g_get_monotonic_time () - t0;
  /* Let the last requests settle. */
  run_for (1);
  rss_end = rss_kib ();

  printf ("\nConsole UI lag under load (%u requests/s offered for %u s, zero-latency mock)\n",
          rate, 2 * half);
  printf ("  %-22s %8s %9s %9s %9s\n", "phase", "ticks", "p50 ms", "p99 ms", "max ms");
  print_lag ("idle (no load)", idle);
  print_lag ("Overview page", overview);
  print_lag ("Requests page", requests);
  printf ("  requests settled     %d (%.0f/s), failed %d\n",
          g_atomic_int_get (&n_done),
          g_atomic_int_get (&n_done) * (double) G_USEC_PER_SEC / elapsed,
          g_atomic_int_get (&n_failed));
  printf ("  request log rows     %u\n",
          g_list_model_get_n_items (sluice_requests_page_get_model (page)));
  printf ("  RSS                  %" G_GINT64_FORMAT " MiB at start, %" G_GINT64_FORMAT
          " MiB at end\n", rss_start / 1024, rss_end / 1024);

  gtk_window_destroy (GTK_WINDOW (window));
  g_free (load.config_json);
  g_array_unref (lags);
  return 0;
}
