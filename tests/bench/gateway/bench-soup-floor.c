/* bench-soup-floor.c — the least a libsoup 3 proxy can do, for comparison
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdio.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <libsoup/soup.h>

/* A SoupServer that forwards every POST body to UPSTREAM_URL with one
 * SoupSession and hands the answer back: no JSON, no pipeline, no ledger.
 * bench-gateway.sh runs it beside sluiced at the same fixed rate, so the
 * latency the HTTP stack itself adds (server, client, main loop) is
 * measured in the same run as ours.
 *
 *   bench-soup-floor PORT UPSTREAM_URL */

typedef struct
{
  SoupServerMessage *client;
  SoupMessage       *upstream;
  GInputStream      *body;
  GByteArray        *answer;
} Forward;

static SoupSession *session;
static char        *upstream_url;

static void
answer (Forward *forward,
        guint    status)
{
  const char *type = soup_message_headers_get_content_type (
    soup_message_get_response_headers (forward->upstream), NULL);

  soup_server_message_set_status (forward->client, status, NULL);
  if (forward->answer != NULL)
    soup_server_message_set_response (forward->client,
                                      type != NULL ? type : "application/json",
                                      SOUP_MEMORY_COPY,
                                      (const char *) forward->answer->data,
                                      forward->answer->len);
  soup_server_message_unpause (forward->client);
  g_clear_object (&forward->body);
  if (forward->answer != NULL)
    g_byte_array_unref (forward->answer);
  g_object_unref (forward->upstream);
  g_object_unref (forward->client);
  g_free (forward);
}

/* Reads what the socket holds without a main-loop turn (as sluiced does);
 * waits on the stream's pollable source for the rest. */
static gboolean
read_some (GObject  *stream,
           gpointer  user_data)
{
  Forward *forward = user_data;
  guint8 buffer[16384];

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (forward->body),
                                                          buffer, sizeof buffer, NULL, &error);

      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        break;
      if (n <= 0)
        {
          answer (forward, n == 0 ? soup_message_get_status (forward->upstream)
                                  : SOUP_STATUS_BAD_GATEWAY);
          return G_SOURCE_REMOVE;
        }
      g_byte_array_append (forward->answer, buffer, n);
    }
  if (stream == NULL)
    {
      g_autoptr(GSource) source = g_pollable_input_stream_create_source (
        G_POLLABLE_INPUT_STREAM (forward->body), NULL);

      g_source_set_callback (source, G_SOURCE_FUNC (read_some), forward, NULL);
      g_source_attach (source, NULL);
    }
  return G_SOURCE_CONTINUE;
}

static void
sent (GObject      *source,
      GAsyncResult *result,
      gpointer      user_data)
{
  Forward *forward = user_data;

  forward->body = soup_session_send_finish (SOUP_SESSION (source), result, NULL);
  if (forward->body == NULL)
    {
      answer (forward, SOUP_STATUS_BAD_GATEWAY);
      return;
    }
  forward->answer = g_byte_array_new ();
  read_some (NULL, forward);
}

static void
handle (SoupServer        *server,
        SoupServerMessage *msg,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  SoupMessageBody *request = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) body = soup_message_body_flatten (request);
  Forward *forward = g_new0 (Forward, 1);

  forward->client = g_object_ref (msg);
  forward->upstream = soup_message_new ("POST", upstream_url);
  /* Without this libsoup opens a new connection for every POST. */
  soup_message_add_flags (forward->upstream, SOUP_MESSAGE_IDEMPOTENT);
  soup_message_set_request_body_from_bytes (forward->upstream, "application/json", body);
  soup_server_message_pause (msg);
  soup_session_send_async (session, forward->upstream, G_PRIORITY_DEFAULT, NULL, sent, forward);
}

/* As sluiced does: answers go out at once. */
static void
request_started (SoupServer        *server,
                 SoupServerMessage *msg,
                 gpointer           user_data)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  if (socket != NULL)
    g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;

  if (argc != 3)
    {
      fprintf (stderr, "usage: bench-soup-floor PORT UPSTREAM_URL\n");
      return 2;
    }
  upstream_url = argv[2];
  session = soup_session_new_with_options ("max-conns", 512, "max-conns-per-host", 256, NULL);
  server = soup_server_new ("server-header", NULL, NULL);
  soup_server_add_handler (server, NULL, handle, NULL, NULL);
  g_signal_connect (server, "request-started", G_CALLBACK (request_started), NULL);
  if (!soup_server_listen_local (server, (guint) atoi (argv[1]),
                                 SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    {
      fprintf (stderr, "bench-soup-floor: %s\n", error->message);
      return 1;
    }
  loop = g_main_loop_new (NULL, FALSE);
  g_main_loop_run (loop);
  g_object_unref (session);
  return 0;
}
