/* sluiced.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluiced"

#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib-unix.h>

#include "sluice.h"
#include "sluice-server.h"
#include "sluiced-redis.h"

/* The headless gateway: the engine behind the OpenAI- and
 * Anthropic-compatible HTTP API, on the main thread's context. */

#define DRAIN_LIMIT_S     30
#define RELOAD_DELAY_MS   200

typedef struct
{
  GMainLoop    *loop;
  SluiceEngine *engine;
  SluiceServer *server;
  char         *config_path;
  GFileMonitor *monitor;
  guint         reload_source;
  GCancellable *drain_cancellable;
  guint         drain_timeout;
  gboolean      draining;
} Daemon;

static char *opt_config;
static char *opt_listen;
static char *opt_db;
static gboolean opt_log_prompts;
static gboolean opt_log_requests;
static gboolean opt_verbose;
static gboolean opt_version;
static gint64 opt_max_body = SLUICE_SERVER_DEFAULT_MAX_BODY;
static gint opt_io_timeout = SLUICE_SERVER_DEFAULT_IO_TIMEOUT;
static char *opt_alert_webhook;
static char *opt_redis;

static const GOptionEntry entries[] = {
  { "config", 'c', 0, G_OPTION_ARG_FILENAME, &opt_config,
    "Apply the config in FILE at start and watch it: a valid change is applied live, "
    "an invalid one is logged and the running config stays", "FILE" },
  { "listen", 'l', 0, G_OPTION_ARG_STRING, &opt_listen,
    "Listen on ADDR:PORT (default 127.0.0.1:8080; port 0 picks a free one). An address "
    "other hosts can reach needs users with virtual keys in the config", "ADDR:PORT" },
  { "db", 'd', 0, G_OPTION_ARG_FILENAME, &opt_db,
    "The SQLite database of ledger and config versions "
    "(default $XDG_DATA_HOME/sluice/sluice.db)", "PATH" },
  { "redis", 0, 0, G_OPTION_ARG_STRING, &opt_redis,
    "Share limits, budgets and the exact cache with every sluiced on the Redis at URL "
    "(redis://HOST[:PORT][/DB] or unix:///PATH); overrides the config's "
    "counters.store/redis_url and cache.redis_url", "URL" },
  { "max-body", 0, 0, G_OPTION_ARG_INT64, &opt_max_body,
    "Largest request body accepted, in bytes (default 4 MiB)", "BYTES" },
  { "io-timeout", 0, 0, G_OPTION_ARG_INT, &opt_io_timeout,
    "Close a connection that stalls on reading or writing for SECONDS (default 60)",
    "SECONDS" },
  { "alert-webhook", 0, 0, G_OPTION_ARG_STRING, &opt_alert_webhook,
    "POST each new alert as JSON to URL, with retries (default: the config's "
    "monitoring.webhook)", "URL" },
  { "log-prompts", 0, 0, G_OPTION_ARG_NONE, &opt_log_prompts,
    "Also log prompts and answers (off by default: they are never logged unless asked)",
    NULL },
  { "log-requests", 0, 0, G_OPTION_ARG_NONE, &opt_log_requests,
    "Log one line per request (id, model, status, latency); off by default", NULL },
  { "verbose", 'v', 0, G_OPTION_ARG_NONE, &opt_verbose,
    "Log debug messages too (every HTTP response, and one line per request)", NULL },
  { "version", 0, 0, G_OPTION_ARG_NONE, &opt_version, "Print the version and exit", NULL },
  { NULL }
};

static const char description[] =
  "Routes:\n"
  "  POST /v1/chat/completions  OpenAI chat completions (stream with \"stream\": true)\n"
  "  POST /v1/messages          Anthropic Messages (stream with \"stream\": true)\n"
  "  GET  /v1/models            every model, chain and alias of the config\n"
  "  POST /v1/embeddings        embeddings (models of \"kind\": \"embedding\")\n"
  "  GET  /metrics              Prometheus text format\n"
  "  GET  /healthz, /readyz     liveness and readiness\n"
  "  GET  /v1/sluice/jobs/ID    a deferred request (x-sluice-deferrable: 1 gets 202 + job_id)\n"
  "\n"
  "Request headers: x-sluice-task (task type for routing and caching),\n"
  "x-sluice-user (when no virtual key names the user), x-sluice-deferrable: 1,\n"
  "Cache-Control: no-cache | no-store | max-age=N (per-request cache policy).\n"
  "Answers carry x-sluice-request-id, -model, -provider, -route, -cache,\n"
  "-fallback-depth, -cost-usd and -overhead-us. A refusal for limits or budgets\n"
  "is 429 with Retry-After; every provider failing is 503.\n"
  "\n"
  "When the config has users, requests need \"Authorization: Bearer KEY\" or\n"
  "\"x-api-key: KEY\"; keys are compared by their SHA-256 and never logged.\n"
  "\n"
  "With --redis URL, every sluiced started with the same URL shares one set of\n"
  "rate limits and budgets and one exact cache (each keeps its own --db).\n"
  "\n"
  "Logs go to stderr: start, config changes, alerts and errors; one line per\n"
  "request (id, model, status, latency) with --log-requests or --verbose.\n"
  "SIGTERM or SIGINT stops accepting, lets requests in flight finish (up to\n"
  "30 s) and exits 0. SIGHUP reloads the config file.";

static const char *
level_name (GLogLevelFlags level)
{
  if (level & G_LOG_LEVEL_ERROR)
    return "ERROR";
  if (level & G_LOG_LEVEL_CRITICAL)
    return "CRITICAL";
  if (level & G_LOG_LEVEL_WARNING)
    return "WARNING";
  if (level & G_LOG_LEVEL_MESSAGE)
    return "MESSAGE";
  if (level & G_LOG_LEVEL_INFO)
    return "INFO";
  return "DEBUG";
}

static GLogWriterOutput
log_writer (GLogLevelFlags   level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  const char *message = NULL;
  const char *domain = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *stamp = NULL;

  if ((level & G_LOG_LEVEL_DEBUG) && !opt_verbose)
    return G_LOG_WRITER_HANDLED;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (strcmp (fields[i].key, "MESSAGE") == 0 && fields[i].length < 0)
        message = fields[i].value;
      else if (strcmp (fields[i].key, "GLIB_DOMAIN") == 0 && fields[i].length < 0)
        domain = fields[i].value;
    }

  now = g_date_time_new_now_utc ();
  stamp = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");
  fprintf (stderr, "%s %s %s: %s\n", stamp, level_name (level),
           domain != NULL ? domain : "sluiced", message != NULL ? message : "");
  fflush (stderr);
  return G_LOG_WRITER_HANDLED;
}

/* The config file */

static gboolean
apply_config_file (Daemon   *daemon,
                   GError  **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *comment = NULL;
  g_autoptr(SluiceConfig) config = NULL;
  g_autoptr(SluiceConfig) running = NULL;

  if (!g_file_get_contents (daemon->config_path, &contents, NULL, error))
    return FALSE;
  config = sluiced_redis_config_new (contents, opt_redis, error);
  if (config == NULL)
    return FALSE;

  running = sluice_engine_dup_config (daemon->engine);
  if (g_strcmp0 (sluice_config_get_digest (config), sluice_config_get_digest (running)) == 0)
    return TRUE;

  comment = g_strdup_printf ("applied from %s by sluiced", daemon->config_path);
  if (!sluice_engine_apply_config (daemon->engine, config, "sluiced", comment, error))
    return FALSE;
  g_info ("Config %s applied as version %" G_GINT64_FORMAT, daemon->config_path,
          sluice_engine_get_config_version (daemon->engine));
  return TRUE;
}

static gboolean
reload_cb (gpointer user_data)
{
  Daemon *daemon = user_data;
  g_autoptr(GError) error = NULL;

  daemon->reload_source = 0;
  if (!apply_config_file (daemon, &error))
    g_warning ("Config %s was not applied: %s; the running config (version %"
               G_GINT64_FORMAT ") stays", daemon->config_path, error->message,
               sluice_engine_get_config_version (daemon->engine));
  return G_SOURCE_REMOVE;
}

static void
schedule_reload (Daemon *daemon)
{
  /* Editors write in several steps: wait until the file is quiet. */
  g_clear_handle_id (&daemon->reload_source, g_source_remove);
  daemon->reload_source = g_timeout_add (RELOAD_DELAY_MS, reload_cb, daemon);
}

static void
config_changed_cb (GFileMonitor      *monitor,
                   GFile             *file,
                   GFile             *other_file,
                   GFileMonitorEvent  event,
                   gpointer           user_data)
{
  switch (event)
    {
    case G_FILE_MONITOR_EVENT_CHANGED:
    case G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT:
    case G_FILE_MONITOR_EVENT_CREATED:
    case G_FILE_MONITOR_EVENT_MOVED_IN:
    case G_FILE_MONITOR_EVENT_RENAMED:
      schedule_reload (user_data);
      break;
    default:
      break;
    }
}

static gboolean
watch_config (Daemon  *daemon,
              GError **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (daemon->config_path);

  daemon->monitor = g_file_monitor_file (file, G_FILE_MONITOR_WATCH_MOVES, NULL, error);
  if (daemon->monitor == NULL)
    return FALSE;
  g_signal_connect (daemon->monitor, "changed", G_CALLBACK (config_changed_cb), daemon);
  return TRUE;
}

/* Without --config, --redis applies to the config the engine started on
 * (the newest stored one, or the default). */
static gboolean
apply_redis_to_running (Daemon  *daemon,
                        GError **error)
{
  g_autoptr(SluiceConfig) running = sluice_engine_dup_config (daemon->engine);
  g_autoptr(SluiceConfig) config = NULL;

  config = sluiced_redis_config_override (running, opt_redis, error);
  if (config == NULL)
    return FALSE;
  if (g_strcmp0 (sluice_config_get_digest (config), sluice_config_get_digest (running)) == 0)
    return TRUE;
  if (!sluice_engine_apply_config (daemon->engine, config, "sluiced",
                                   "--redis applied by sluiced", error))
    return FALSE;
  g_info ("Counters and the exact cache shared on Redis at %s (config version %"
          G_GINT64_FORMAT ")", opt_redis, sluice_engine_get_config_version (daemon->engine));
  return TRUE;
}

/* Signals and draining */

static void
drained_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Daemon *daemon = user_data;
  g_autoptr(GError) error = NULL;

  if (sluice_server_drain_finish (SLUICE_SERVER (object), result, &error))
    g_info ("Every request in flight was answered; exiting");
  else
    g_warning ("Stopped waiting after %d s with %u requests in flight; exiting",
               DRAIN_LIMIT_S, sluice_server_get_n_in_flight (daemon->server));
  g_main_loop_quit (daemon->loop);
}

static gboolean
drain_timeout_cb (gpointer user_data)
{
  Daemon *daemon = user_data;

  daemon->drain_timeout = 0;
  g_cancellable_cancel (daemon->drain_cancellable);
  return G_SOURCE_REMOVE;
}

static gboolean
stop_cb (gpointer user_data)
{
  Daemon *daemon = user_data;

  if (daemon->draining)
    return G_SOURCE_CONTINUE;
  daemon->draining = TRUE;
  g_info ("Stopping: no new connections; waiting for %u requests in flight",
          sluice_server_get_n_in_flight (daemon->server));
  daemon->drain_cancellable = g_cancellable_new ();
  daemon->drain_timeout = g_timeout_add_seconds (DRAIN_LIMIT_S, drain_timeout_cb, daemon);
  sluice_server_drain_async (daemon->server, daemon->drain_cancellable, drained_cb, daemon);
  return G_SOURCE_CONTINUE;
}

static gboolean
hangup_cb (gpointer user_data)
{
  Daemon *daemon = user_data;

  if (daemon->config_path != NULL)
    schedule_reload (daemon);
  return G_SOURCE_CONTINUE;
}

/* Start */

static gboolean
start (Daemon   *daemon,
       GError  **error)
{
  daemon->engine = sluice_engine_new (opt_db, NULL, error);
  if (daemon->engine == NULL)
    return FALSE;
  if (opt_alert_webhook != NULL)
    {
      if (!g_str_has_prefix (opt_alert_webhook, "http://") &&
          !g_str_has_prefix (opt_alert_webhook, "https://"))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "--alert-webhook: “%s” is not an http(s) URL", opt_alert_webhook);
          return FALSE;
        }
      sluice_engine_set_alert_webhook (daemon->engine, opt_alert_webhook, 3);
    }

  if (opt_config != NULL)
    {
      daemon->config_path = g_canonicalize_filename (opt_config, NULL);
      if (!apply_config_file (daemon, error))
        {
          g_prefix_error (error, "%s: ", daemon->config_path);
          return FALSE;
        }
      if (!watch_config (daemon, error))
        return FALSE;
    }
  else if (opt_redis != NULL && !apply_redis_to_running (daemon, error))
    return FALSE;

  daemon->server = sluice_server_new (daemon->engine);
  sluice_server_set_log_prompts (daemon->server, opt_log_prompts);
  sluice_server_set_log_requests (daemon->server, opt_log_requests || opt_verbose);
  if (opt_max_body > 0)
    sluice_server_set_max_body (daemon->server, (gsize) opt_max_body);
  if (opt_io_timeout > 0)
    sluice_server_set_io_timeout (daemon->server, (guint) opt_io_timeout);
  return sluice_server_listen (daemon->server, opt_listen, error);
}

static void
print_listening (Daemon *daemon)
{
  const char *colon = strrchr (opt_listen, ':');
  g_autofree char *host = g_strndup (opt_listen, colon - opt_listen);

  if (*host == '\0')
    {
      g_free (host);
      host = g_strdup ("0.0.0.0");
    }
  printf ("sluiced listening on http://%s:%u\n", host, sluice_server_get_port (daemon->server));
  fflush (stdout);
}

static void
daemon_clear (Daemon *daemon)
{
  g_clear_handle_id (&daemon->reload_source, g_source_remove);
  g_clear_handle_id (&daemon->drain_timeout, g_source_remove);
  g_clear_object (&daemon->monitor);
  g_clear_object (&daemon->server);
  g_clear_object (&daemon->engine);
  g_clear_object (&daemon->drain_cancellable);
  g_clear_pointer (&daemon->loop, g_main_loop_unref);
  g_free (daemon->config_path);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  Daemon daemon = { 0 };

  setlocale (LC_ALL, "");
  g_log_set_writer_func (log_writer, NULL, NULL);

  context = g_option_context_new ("- the Sluice LLM gateway");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context, description);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "sluiced: %s\n", error->message);
      return 2;
    }
  if (opt_version)
    {
      printf ("sluiced %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (opt_listen == NULL)
    opt_listen = g_strdup ("127.0.0.1:8080");
  if (g_getenv ("G_MESSAGES_DEBUG") != NULL)
    opt_verbose = TRUE;

  daemon.loop = g_main_loop_new (NULL, FALSE);
  if (!start (&daemon, &error))
    {
      g_critical ("Could not start: %s", error->message);
      daemon_clear (&daemon);
      return 1;
    }

  g_unix_signal_add (SIGTERM, stop_cb, &daemon);
  g_unix_signal_add (SIGINT, stop_cb, &daemon);
  g_unix_signal_add (SIGHUP, hangup_cb, &daemon);
  print_listening (&daemon);
  g_main_loop_run (daemon.loop);

  daemon_clear (&daemon);
  return 0;
}
