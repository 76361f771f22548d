/* bench-failover.c — how fast traffic leaves a failed provider and comes back
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>

#include "sluice.h"

/* A scripted timeline on the engine's manual clock, so the figures are
 * exact whatever the machine: two requests a second to a chain of a
 * primary and a secondary mock provider; the primary is down from t=60 s to
 * t=360 s (an outage window in its behaviour). Measured: requests that
 * failed, how long after the outage began traffic was on the secondary, and
 * how long after it ended traffic was back on the primary — with fallback,
 * and without it (a chain of the primary alone). */

#define START_S      1700000000LL
#define OUTAGE_FROM  60
#define OUTAGE_TO    360
#define END_S        600
#define STEP_US      (500 * 1000)

typedef struct
{
  guint  failed;
  guint  served_by_secondary;
  double switch_after_s;     /* -1: never */
  double back_after_s;       /* -1: never */
  guint  primary_calls;
} Outcome;

static char *
iso (gint64 s)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc (s);

  return g_date_time_format_iso8601 (t);
}

static char *
make_config (gboolean    fallback,
             const char *breaker)
{
  g_autofree char *from = iso (START_S + OUTAGE_FROM);
  g_autofree char *to = iso (START_S + OUTAGE_TO);

  return g_strdup_printf (
    "{ \"schema\": 1,"
    "  \"providers\": ["
    "    { \"name\": \"primary\", \"kind\": \"mock\", \"mock\": { \"latency_ms\": { \"p50\": 0, \"p99\": 0 },"
    "      \"outages\": [ { \"start\": \"%s\", \"end\": \"%s\" } ] } },"
    "    { \"name\": \"secondary\", \"kind\": \"mock\", \"mock\": { \"latency_ms\": { \"p50\": 0, \"p99\": 0 } } } ],"
    "  \"models\": ["
    "    { \"name\": \"p\", \"provider\": \"primary\", \"price_in\": 3, \"price_out\": 15, \"context_window\": 100000 },"
    "    { \"name\": \"s\", \"provider\": \"secondary\", \"price_in\": 1, \"price_out\": 5, \"context_window\": 100000 } ],"
    "  \"chains\": { \"main\": %s },"
    "  \"routing\": { \"default\": \"main\" },"
    "  \"breaker\": %s }",
    from, to, fallback ? "[\"p\", \"s\"]" : "[\"p\"]", breaker);
}

typedef struct
{
  SluiceResponse *response;
  gboolean        done;
} Result;

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Result *r = user_data;

  r->response = sluice_engine_complete_finish (SLUICE_ENGINE (object), result, NULL);
  r->done = TRUE;
}

static Outcome
run_timeline (gboolean    fallback,
              const char *breaker)
{
  g_autoptr(SluiceClock) clock = sluice_clock_new_manual (START_S * G_USEC_PER_SEC);
  g_autofree char *dir = g_dir_make_tmp ("bench-failover-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "b.db", NULL);
  g_autofree char *config = make_config (fallback, breaker);
  g_autoptr(SluiceEngine) engine = sluice_engine_new (db, clock, NULL);
  g_autoptr(GError) error = NULL;
  Outcome out = { 0, 0, -1, -1, 0 };
  guint n = 0;

  g_assert (engine != NULL);
  if (!sluice_engine_apply_config_json (engine, config, "bench", NULL, &error))
    g_error ("bench config refused: %s", error->message);

  while (sluice_clock_now_us (clock) < (START_S + END_S) * G_USEC_PER_SEC)
    {
      g_autoptr(SluiceRequest) request = sluice_request_new ();
      g_autofree char *prompt = g_strdup_printf ("request %u", n++);
      double t = (sluice_clock_now_us (clock) - START_S * G_USEC_PER_SEC) / 1e6;
      Result r = { 0 };
      const char *model;

      sluice_request_add_message (request, SLUICE_ROLE_USER, prompt);
      sluice_engine_complete_async (engine, request, NULL, NULL, NULL, done_cb, &r);
      /* Waits (backoff) run on the manual clock: move it when the engine
       * has nothing else to do. */
      while (!r.done)
        {
          if (!g_main_context_iteration (NULL, FALSE) && sluice_clock_pending_sleeps (clock) > 0)
            sluice_clock_advance (clock, 10 * 1000);
        }

      model = sluice_response_get_model (r.response);
      if (sluice_response_get_status (r.response) != SLUICE_REQUEST_STATUS_OK)
        out.failed++;
      else if (g_strcmp0 (model, "s") == 0)
        {
          out.served_by_secondary++;
          if (out.switch_after_s < 0 && t >= OUTAGE_FROM)
            out.switch_after_s = t - OUTAGE_FROM;
        }
      else if (t >= OUTAGE_TO && out.back_after_s < 0)
        out.back_after_s = t - OUTAGE_TO;
      g_object_unref (r.response);
      sluice_clock_advance (clock, STEP_US);
    }

  out.primary_calls = sluice_mock_provider_get_n_calls (
      SLUICE_MOCK_PROVIDER (sluice_engine_lookup_provider (engine, "primary")));
  g_clear_object (&engine);
  {
    g_autoptr(GFile) d = g_file_new_for_path (dir);
    g_autoptr(GFileEnumerator) e = g_file_enumerate_children (d, G_FILE_ATTRIBUTE_STANDARD_NAME, 0, NULL, NULL);
    GFileInfo *info;

    while (e != NULL && (info = g_file_enumerator_next_file (e, NULL, NULL)) != NULL)
      {
        g_autoptr(GFile) child = g_file_get_child (d, g_file_info_get_name (info));

        g_file_delete (child, NULL, NULL);
        g_object_unref (info);
      }
    g_file_delete (d, NULL, NULL);
  }
  return out;
}

static void
print_row (const char *label,
           Outcome     o)
{
  g_autofree char *sw = o.switch_after_s >= 0 ? g_strdup_printf ("%.1f s", o.switch_after_s)
                                              : g_strdup ("never");
  g_autofree char *back = o.back_after_s >= 0 ? g_strdup_printf ("%.1f s", o.back_after_s)
                                              : g_strdup ("never");

  printf ("| %-44s | %7u | %12u | %10s | %10s | %13u |\n", label, o.failed,
          o.served_by_secondary, sw, back, o.primary_calls);
}

/* Breaker changes are logged as messages; the table is what matters here. */
static GLogWriterOutput
quiet_writer (GLogLevelFlags   level,
              const GLogField *fields,
              gsize            n_fields,
              gpointer         user_data)
{
  if (level & (G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO | G_LOG_LEVEL_DEBUG))
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (level, fields, n_fields, user_data);
}

int
main (int   argc,
      char *argv[])
{
  const char *defaults = "{}";
  const char *quick = "{ \"cooldown_s\": 10, \"max_cooldown_s\": 20 }";

  g_log_set_writer_func (quiet_writer, NULL, NULL);

  printf ("Scripted outage: 2 requests/s for %d s; primary down from t=%d s to t=%d s "
          "(manual clock).\n\n", END_S, OUTAGE_FROM, OUTAGE_TO);
  printf ("| %-44s | %7s | %12s | %10s | %10s | %13s |\n", "setup", "failed",
          "on secondary", "switched", "back", "primary calls");
  printf ("|%s|%s|%s|%s|%s|%s|\n", "----------------------------------------------",
          "--------:", "-------------:", "-----------:", "-----------:", "--------------:");
  print_row ("no fallback, default breaker (60 s, cap 600 s)", run_timeline (FALSE, defaults));
  print_row ("fallback, default breaker (60 s, cap 600 s)", run_timeline (TRUE, defaults));
  print_row ("fallback, breaker cooldown 10 s, cap 20 s", run_timeline (TRUE, quick));
  printf ("\n\"switched\": from the outage's start to the first answer from the secondary;\n"
          "\"back\": from the outage's end to the first answer from the primary.\n");
  return 0;
}
