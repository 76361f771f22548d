/* sluice-mock.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-mock"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <glib-unix.h>

#include "sluice-mock-server.h"

typedef struct
{
  int       port;
  char     *host;
  char     *scenario;
  gint64    seed;
  gboolean  quiet;
  gboolean  allow_remote;
} Options;

static gboolean
on_quit_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
parse_options (int       *argc,
               char    ***argv,
               Options   *options,
               GError   **error)
{
  g_autoptr(GOptionContext) context = NULL;
  const GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &options->port,
      "Port to listen on (0 picks a free one)", "N" },
    { "host", 0, 0, G_OPTION_ARG_STRING, &options->host,
      "Address to listen on (default 127.0.0.1)", "ADDRESS" },
    { "allow-remote", 0, 0, G_OPTION_ARG_NONE, &options->allow_remote,
      "Allow an address that is not loopback", NULL },
    { "scenario", 's', 0, G_OPTION_ARG_FILENAME, &options->scenario,
      "Scenario file (JSON)", "FILE" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &options->seed,
      "Seed every behaviour's random sequence with N", "N" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &options->quiet,
      "Do not log each call", NULL },
    { NULL }
  };

  context = g_option_context_new ("- a mock OpenAI, Anthropic and Gemini server");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, error))
    return FALSE;

  if (options->port < 0 || options->port > G_MAXUINT16)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--port must be between 0 and 65535");
      return FALSE;
    }

  return TRUE;
}

static GInetAddress *
resolve_host (const char  *host,
              gboolean     allow_remote,
              GError     **error)
{
  g_autoptr(GInetAddress) address = NULL;

  if (g_strcmp0 (host, "localhost") == 0)
    host = "127.0.0.1";

  address = g_inet_address_new_from_string (host);
  if (address == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "--host must be an IP address, not '%s'", host);
      return NULL;
    }

  if (!allow_remote && !g_inet_address_get_is_loopback (address))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   "refusing to listen on %s, which is not loopback; "
                   "pass --allow-remote to do it anyway", host);
      return NULL;
    }

  return g_steal_pointer (&address);
}

static gboolean
start (SluiceMockServer  *server,
       Options           *options,
       GError           **error)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autofree char *host = NULL;

  address = resolve_host (options->host, options->allow_remote, error);
  if (address == NULL)
    return FALSE;

  sluice_mock_server_set_quiet (server, options->quiet);
  if (options->scenario != NULL &&
      !sluice_mock_server_load_scenario (server, options->scenario, error))
    return FALSE;
  if (options->seed >= 0)
    sluice_mock_server_set_seed_override (server, options->seed);

  if (!sluice_mock_server_listen (server, address, (guint16) options->port, error))
    return FALSE;

  host = g_inet_address_to_string (address);
  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    g_print ("sluice-mock listening on http://[%s]:%u\n", host,
             sluice_mock_server_get_port (server));
  else
    g_print ("sluice-mock listening on http://%s:%u\n", host,
             sluice_mock_server_get_port (server));
  fflush (stdout);

  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(SluiceMockServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  Options options = { 0, NULL, NULL, -1, FALSE, FALSE };
  guint term_id;
  guint int_id;

  if (!parse_options (&argc, &argv, &options, &error))
    {
      g_printerr ("sluice-mock: %s\n", error->message);
      return 2;
    }
  if (options.host == NULL)
    options.host = g_strdup ("127.0.0.1");

  /* The handlers go in first: a test may signal as soon as it reads the
   * listening line. */
  loop = g_main_loop_new (NULL, FALSE);
  term_id = g_unix_signal_add (SIGTERM, on_quit_signal, loop);
  int_id = g_unix_signal_add (SIGINT, on_quit_signal, loop);

  server = sluice_mock_server_new ();
  if (start (server, &options, &error))
    g_main_loop_run (loop);
  else
    g_printerr ("sluice-mock: %s\n", error->message);

  g_source_remove (term_id);
  g_source_remove (int_id);
  sluice_mock_server_disconnect (server);
  g_free (options.host);
  g_free (options.scenario);

  return error == NULL ? EXIT_SUCCESS : EXIT_FAILURE;
}
