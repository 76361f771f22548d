/* sluice-server-listen.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-server"

#include "config.h"

#include <string.h>

#include "sluice-server-private.h"

/* Listening, and draining: stop accepting, then wait for the API calls in
 * flight. */

/* Bursts of clients connecting at once wait in the kernel, not refused. */
#define LISTEN_BACKLOG 512

/* In-flight calls and draining */

void
_sluice_server_call_started (SluiceServer *self)
{
  self->n_in_flight++;
}

/* One caller waiting for the drain, and the source that gives up on its
 * cancellable. */
typedef struct
{
  GTask   *task;
  GSource *cancel_source;
} DrainWaiter;

void
_sluice_drain_waiter_free (gpointer data)
{
  DrainWaiter *waiter = data;

  if (waiter->cancel_source != NULL)
    {
      g_source_destroy (waiter->cancel_source);
      g_source_unref (waiter->cancel_source);
    }
  g_clear_object (&waiter->task);
  g_free (waiter);
}

static void
complete_drain (SluiceServer *self)
{
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->drain_tasks);

  self->drain_tasks = g_ptr_array_new_with_free_func (_sluice_drain_waiter_free);
  /* Idle keep-alive connections are closed only now. */
  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  for (guint i = 0; i < waiters->len; i++)
    {
      DrainWaiter *waiter = g_ptr_array_index (waiters, i);

      g_task_return_boolean (waiter->task, TRUE);
    }
}

void
_sluice_server_call_ended (SluiceServer *self)
{
  g_assert (self->n_in_flight > 0);

  self->n_in_flight--;
  if (self->draining && self->n_in_flight == 0 && self->drain_tasks->len > 0)
    complete_drain (self);
}

/* Shutting the listening socket down makes the server's pending accept
 * fail, so it stops accepting, while the connections it has go on (closing
 * the listener through SoupServer would close them too). */
void
_sluice_server_stop_accepting (SluiceServer *self)
{
  if (self->listen_socket == NULL)
    return;
  g_socket_shutdown (self->listen_socket, TRUE, FALSE, NULL);
  g_clear_object (&self->listen_socket);
}

static gboolean
drain_cancelled_cb (GCancellable *cancellable,
                    gpointer      user_data)
{
  SluiceServer *self = user_data;

  for (guint i = 0; i < self->drain_tasks->len; i++)
    {
      DrainWaiter *waiter = g_ptr_array_index (self->drain_tasks, i);
      g_autoptr(GTask) task = NULL;

      if (g_task_get_cancellable (waiter->task) != cancellable)
        continue;
      task = g_object_ref (waiter->task);
      g_ptr_array_remove_index (self->drain_tasks, i);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "Stopped waiting with %u requests in flight",
                               self->n_in_flight);
      break;
    }
  return G_SOURCE_REMOVE;
}

/**
 * sluice_server_drain_async:
 * @cancellable: (nullable): gives up waiting (the requests in flight go
 *   on); the drain then fails with %G_IO_ERROR_CANCELLED
 *
 * Stops accepting connections and completes once every API call in flight
 * has been answered; new requests on open connections are refused with
 * 503 meanwhile.
 */
void
sluice_server_drain_async (SluiceServer        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  DrainWaiter *waiter;

  g_return_if_fail (SLUICE_IS_SERVER (self));

  waiter = g_new0 (DrainWaiter, 1);
  waiter->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (waiter->task, sluice_server_drain_async);
  if (cancellable != NULL)
    {
      waiter->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (waiter->cancel_source, (GSourceFunc) G_CALLBACK (drain_cancelled_cb),
                             self, NULL);
      g_source_attach (waiter->cancel_source, g_main_context_get_thread_default ());
    }

  self->draining = TRUE;
  _sluice_server_stop_accepting (self);
  g_ptr_array_add (self->drain_tasks, waiter);
  if (self->n_in_flight == 0)
    complete_drain (self);
}

gboolean
sluice_server_drain_finish (SluiceServer  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Waiting for a request's headers */

#define HEADER_DEADLINE_KEY "sluice-header-deadline"

static gboolean
header_deadline_cb (gpointer user_data)
{
  GSocket *socket = user_data;

  /* libsoup sees the end of the stream and drops the connection. */
  g_debug ("closing a connection that sent no request headers in time");
  g_socket_shutdown (socket, TRUE, TRUE, NULL);
  return G_SOURCE_REMOVE;
}

static void
destroy_source (gpointer data)
{
  g_source_destroy (data);
  g_source_unref (data);
}

/**
 * _sluice_server_arm_header_deadline:
 *
 * The socket's own I/O timeout does not cover a keep-alive connection
 * waiting for its next request: libsoup would wait forever for a client
 * that sends nothing, or half a request line. So from the start of each
 * request (and the end of the previous one) the headers must arrive
 * within the I/O timeout, or the connection is shut down.
 */
void
_sluice_server_arm_header_deadline (SluiceServer      *self,
                                    SoupServerMessage *msg)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  GSource *source;

  if (socket == NULL || self->io_timeout_s == 0)
    return;
  source = g_timeout_source_new_seconds (self->io_timeout_s);
  g_source_set_callback (source, header_deadline_cb, socket, NULL);
  g_source_set_static_name (source, "[sluice] header deadline");
  g_source_attach (source, g_main_context_get_thread_default ());
  /* Replaces (and destroys) the one before; goes with the socket. */
  g_object_set_data_full (G_OBJECT (socket), HEADER_DEADLINE_KEY, source, destroy_source);
}

void
_sluice_server_disarm_header_deadline (SoupServerMessage *msg)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  if (socket != NULL)
    g_object_set_data (G_OBJECT (socket), HEADER_DEADLINE_KEY, NULL);
}

/* Refusing before the body */

/* What a refused client still sends is read and dropped, up to this much,
 * so that closing does not reset the connection before the client has
 * read the answer. */
#define REFUSAL_DRAIN_LIMIT (1024 * 1024)

typedef struct
{
  GIOStream *stream;
  char       buffer[8192];
  gsize      drained;
} Refusal;

static void
refusal_close (Refusal *r)
{
  g_io_stream_close_async (r->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  g_object_unref (r->stream);
  g_free (r);
}

static void
refusal_drained_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Refusal *r = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, NULL);

  if (n > 0 && (r->drained += n) < REFUSAL_DRAIN_LIMIT)
    {
      g_input_stream_read_async (G_INPUT_STREAM (object), r->buffer, sizeof r->buffer,
                                 G_PRIORITY_DEFAULT, NULL, refusal_drained_cb, r);
      return;
    }
  refusal_close (r);
}

static void
refusal_written_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Refusal *r = user_data;
  GSocket *socket = g_object_get_data (G_OBJECT (r->stream), "GSocket");

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, NULL))
    {
      refusal_close (r);
      return;
    }
  /* Done writing; the socket's I/O timeout bounds the drain. */
  if (G_IS_SOCKET_CONNECTION (r->stream))
    socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (r->stream));
  if (socket != NULL)
    g_socket_shutdown (socket, FALSE, TRUE, NULL);
  g_input_stream_read_async (g_io_stream_get_input_stream (r->stream), r->buffer,
                             sizeof r->buffer, G_PRIORITY_DEFAULT, NULL, refusal_drained_cb, r);
}

static GBytes *
serialize_response (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_response_body (msg));
  guint status = soup_server_message_get_status (msg);
  GString *out = g_string_new (NULL);
  SoupMessageHeadersIter iter;
  const char *name, *value;

  g_string_append_printf (out, "HTTP/1.1 %u %s\r\n", status, soup_status_get_phrase (status));
  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      if (g_ascii_strcasecmp (name, "Content-Length") != 0 &&
          g_ascii_strcasecmp (name, "Connection") != 0)
        g_string_append_printf (out, "%s: %s\r\n", name, value);
    }
  g_string_append_printf (out, "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                          "Connection: close\r\n\r\n", g_bytes_get_size (body));
  g_string_append_len (out, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  return g_string_free_to_bytes (out);
}

/**
 * _sluice_server_refuse_now:
 * @msg: a message whose error answer is set, at its got-headers
 *
 * libsoup reads a request's whole body before it writes the answer, so a
 * client announcing a body far too large would be read from until it
 * stops. Instead the connection is taken from libsoup, the answer @msg
 * holds is written at once, and the connection is closed. @msg is gone
 * afterwards.
 */
void
_sluice_server_refuse_now (SluiceServer      *self,
                           SoupServerMessage *msg)
{
  g_autoptr(GBytes) response = serialize_response (msg);
  guint status = soup_server_message_get_status (msg);
  Refusal *r;
  GIOStream *stream = soup_server_message_steal_connection (msg);

  if (stream == NULL)
    return;
  _sluice_server_count_http (self, status);
  r = g_new0 (Refusal, 1);
  r->stream = stream;
  /* The answer lives as long as the connection. */
  g_object_set_data_full (G_OBJECT (stream), "sluice-refusal", g_bytes_ref (response),
                          (GDestroyNotify) g_bytes_unref);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (stream),
                                   g_bytes_get_data (response, NULL), g_bytes_get_size (response),
                                   G_PRIORITY_DEFAULT, NULL, refusal_written_cb, r);
}

/* Listening */

static GInetAddress *
parse_address (const char  *address,
               guint16     *port,
               GError     **error)
{
  g_autofree char *host = NULL;
  const char *port_text;
  const char *colon;
  guint64 value = 0;

  if (address[0] == '[' && (colon = strstr (address, "]:")) != NULL)
    {
      host = g_strndup (address + 1, colon - address - 1);
      port_text = colon + 2;
    }
  else if ((colon = strrchr (address, ':')) != NULL && strchr (address, ':') == colon)
    {
      host = g_strndup (address, colon - address);
      port_text = colon + 1;
    }
  else
    port_text = NULL;

  if (port_text == NULL || !g_ascii_string_to_unsigned (port_text, 10, 0, 65535, &value, NULL))
    {
      g_set_error (error, SLUICE_SERVER_ERROR, SLUICE_SERVER_ERROR_ADDRESS,
                   "“%s” is not an address of the form HOST:PORT (e.g. 127.0.0.1:8080)",
                   address);
      return NULL;
    }
  *port = (guint16) value;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  if (*host == '\0')
    return g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);

  {
    GInetAddress *inet = g_inet_address_new_from_string (host);

    if (inet == NULL)
      g_set_error (error, SLUICE_SERVER_ERROR, SLUICE_SERVER_ERROR_ADDRESS,
                   "“%s” is not an IP address (host names other than localhost are "
                   "not resolved)", host);
    return inet;
  }
}

/**
 * sluice_server_listen:
 * @address: "HOST:PORT"; port 0 picks a free one (see
 *   sluice_server_get_port())
 *
 * Starts answering on @address. An address other hosts can reach is
 * refused unless the config has at least one user with a virtual key.
 */
gboolean
sluice_server_listen (SluiceServer  *self,
                      const char    *address,
                      GError       **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(SluiceConfig) config = NULL;
  g_autoptr(GSocket) socket = NULL;
  guint16 port = 0;

  g_return_val_if_fail (SLUICE_IS_SERVER (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);

  if (self->listen_socket != NULL || self->draining)
    {
      g_set_error_literal (error, SLUICE_SERVER_ERROR, SLUICE_SERVER_ERROR_STATE,
                           "The server already listens or is draining");
      return FALSE;
    }
  inet = parse_address (address, &port, error);
  if (inet == NULL)
    return FALSE;

  config = sluice_engine_dup_config (self->engine);
  if (!g_inet_address_get_is_loopback (inet) && sluice_config_get_n_users (config) == 0)
    {
      g_set_error (error, SLUICE_SERVER_ERROR, SLUICE_SERVER_ERROR_INSECURE,
                   "Refusing to listen on %s: it is reachable from other hosts and the "
                   "config has no users with virtual keys. Add a user (\"users\": [{\"name\", "
                   "\"key_hash\"}]) or listen on 127.0.0.1", address);
      return FALSE;
    }

  socket = g_socket_new (g_inet_address_get_family (inet), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, error);
  socket_address = g_inet_socket_address_new (inet, port);
  if (socket != NULL)
    g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);
  if (socket == NULL ||
      !g_socket_bind (socket, socket_address, TRUE, error) ||
      !g_socket_listen (socket, error) ||
      (effective = g_socket_get_local_address (socket, error)) == NULL ||
      !soup_server_listen_socket (self->soup, socket, 0, error))
    return FALSE;

  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  self->public_listen = !g_inet_address_get_is_loopback (inet);
  self->listen_socket = g_steal_pointer (&socket);
  return TRUE;
}

guint16
sluice_server_get_port (SluiceServer *self)
{
  g_return_val_if_fail (SLUICE_IS_SERVER (self), 0);

  return self->port;
}
