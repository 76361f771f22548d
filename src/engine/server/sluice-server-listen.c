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
