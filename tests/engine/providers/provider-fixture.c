/* provider-fixture.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-test"

#include "config.h"

#include <errno.h>
#include <sys/socket.h>

#include "provider-fixture.h"

#define WATCHDOG_MS 20000

struct _SluiceTestServer
{
  SoupServer *server;
  char       *url;
  GQueue      replies;
  GPtrArray  *requests;
  GPtrArray  *senders;
  GPtrArray  *watches;
  GPtrArray  *sockets;
  guint       n_closed;
};

typedef struct
{
  SluiceTestServer      *server;
  SoupServerMessage     *msg;
  const SluiceTestReply *reply;
  guint                  next;
  guint                  n_chunks;
  guint                  n_written;
  guint                  timeout_id;
} Sender;

static void
test_request_free (SluiceTestRequest *request)
{
  g_free (request->method);
  g_free (request->path);
  g_free (request->query);
  soup_message_headers_unref (request->headers);
  g_free (request->body);
  g_clear_pointer (&request->json, json_node_unref);
  g_free (request);
}

static void
sender_free (Sender *sender)
{
  g_clear_handle_id (&sender->timeout_id, g_source_remove);
  g_signal_handlers_disconnect_by_data (sender->msg, sender);
  g_object_unref (sender->msg);
  g_free (sender);
}

static void
copy_header (const char *name,
             const char *value,
             gpointer    user_data)
{
  soup_message_headers_append (user_data, name, value);
}

static void
record_request (SluiceTestServer  *self,
                SoupServerMessage *msg)
{
  SluiceTestRequest *request = g_new0 (SluiceTestRequest, 1);
  GUri *uri = soup_server_message_get_uri (msg);
  g_autoptr(GBytes) body = NULL;

  request->method = g_strdup (soup_server_message_get_method (msg));
  request->path = g_strdup (g_uri_get_path (uri));
  request->query = g_strdup (g_uri_get_query (uri));
  request->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  soup_message_headers_foreach (soup_server_message_get_request_headers (msg),
                                copy_header, request->headers);
  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  request->body = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  request->json = json_from_string (request->body, NULL);

  g_ptr_array_add (self->requests, request);
}

/* A closed peer makes the socket readable with nothing to read. */
static gboolean
on_socket_ready (GSocket      *socket,
                 GIOCondition  condition,
                 gpointer      user_data)
{
  SluiceTestServer *self = user_data;
  char byte;
  ssize_t n;

  n = recv (g_socket_get_fd (socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n > 0 || (n < 0 && (errno == EAGAIN || errno == EINTR)))
    return n > 0 ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;

  self->n_closed++;
  return G_SOURCE_REMOVE;
}

static void
watch_for_close (SluiceTestServer  *self,
                 SoupServerMessage *msg)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  GSource *source;

  source = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (source, G_SOURCE_FUNC (on_socket_ready), self, NULL);
  g_source_attach (source, NULL);
  g_ptr_array_add (self->watches, source);
}

static gboolean send_next (gpointer user_data);

static void
on_wrote_chunk (SoupServerMessage *msg,
                Sender            *sender)
{
  sender->n_written++;
  if (sender->n_written == sender->n_chunks && sender->reply->cut)
    g_socket_shutdown (soup_server_message_get_socket (msg), TRUE, TRUE, NULL);
}

static gboolean
send_next (gpointer user_data)
{
  Sender *sender = user_data;
  const SluiceTestReply *reply = sender->reply;
  SoupMessageBody *body = soup_server_message_get_response_body (sender->msg);
  const char *chunk = reply->chunks[sender->next];

  sender->timeout_id = 0;
  soup_message_body_append (body, SOUP_MEMORY_STATIC, chunk, strlen (chunk));
  sender->next++;

  if (reply->chunks[sender->next] != NULL)
    sender->timeout_id = g_timeout_add (reply->chunk_delay_ms, send_next, sender);
  else if (!reply->cut && !reply->hold)
    soup_message_body_complete (body);

  soup_server_message_unpause (sender->msg);
  return G_SOURCE_REMOVE;
}

static void
start_chunks (SluiceTestServer      *self,
              SoupServerMessage     *msg,
              const SluiceTestReply *reply)
{
  Sender *sender = g_new0 (Sender, 1);

  sender->server = self;
  sender->msg = g_object_ref (msg);
  sender->reply = reply;
  sender->n_chunks = reply->chunks != NULL ? g_strv_length ((char **) reply->chunks) : 0;
  g_ptr_array_add (self->senders, sender);

  soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg),
                                     SOUP_ENCODING_CHUNKED);
  g_signal_connect (msg, "wrote-chunk", G_CALLBACK (on_wrote_chunk), sender);
  soup_server_message_pause (msg);

  if (sender->n_chunks > 0)
    sender->timeout_id = g_timeout_add (reply->chunk_delay_ms, send_next, sender);
}

static void
handle (SoupServer        *server,
        SoupServerMessage *msg,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  SluiceTestServer *self = user_data;
  const SluiceTestReply *reply = g_queue_pop_head (&self->replies);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autofree char *body = NULL;
  const char *content_type;

  record_request (self, msg);
  if (!g_ptr_array_find (self->sockets, soup_server_message_get_socket (msg), NULL))
    g_ptr_array_add (self->sockets, g_object_ref (soup_server_message_get_socket (msg)));
  if (reply == NULL)
    {
      soup_server_message_set_status (msg, 500, "no reply scripted");
      return;
    }

  if (reply->hold || reply->hold_headers)
    watch_for_close (self, msg);
  if (reply->hold_headers)
    {
      soup_server_message_pause (msg);
      return;
    }

  soup_server_message_set_status (msg, reply->status, NULL);
  for (guint i = 0; reply->headers != NULL && reply->headers[i] != NULL; i += 2)
    soup_message_headers_append (headers, reply->headers[i], reply->headers[i + 1]);
  content_type = reply->content_type != NULL ? reply->content_type : "application/json";

  if (reply->chunked || reply->cut || reply->hold)
    {
      soup_message_headers_set_content_type (headers, content_type, NULL);
      start_chunks (self, msg, reply);
      return;
    }

  body = reply->chunks != NULL ? g_strjoinv ("", (char **) reply->chunks) : g_strdup ("");
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, body, strlen (body));
}

SluiceTestServer *
sluice_test_server_new (void)
{
  SluiceTestServer *self = g_new0 (SluiceTestServer, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  self->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (self->server, NULL, handle, self, NULL);
  soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (self->server);
  g_assert_nonnull (uris);
  self->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_queue_init (&self->replies);
  self->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) test_request_free);
  self->senders = g_ptr_array_new_with_free_func ((GDestroyNotify) sender_free);
  self->watches = g_ptr_array_new ();
  self->sockets = g_ptr_array_new_with_free_func (g_object_unref);

  return self;
}

void
sluice_test_server_free (SluiceTestServer *self)
{
  /* Let the server see the clients' connections close (drop the provider
   * first), so that it can release them. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  for (guint i = 0; i < self->watches->len; i++)
    {
      g_source_destroy (g_ptr_array_index (self->watches, i));
      g_source_unref (g_ptr_array_index (self->watches, i));
    }
  g_ptr_array_unref (self->watches);
  g_ptr_array_unref (self->senders);
  g_ptr_array_unref (self->sockets);
  soup_server_disconnect (self->server);
  g_object_unref (self->server);
  g_ptr_array_unref (self->requests);
  g_queue_clear (&self->replies);
  g_free (self->url);
  g_free (self);
}

const char *
sluice_test_server_get_url (SluiceTestServer *self)
{
  return self->url;
}

void
sluice_test_server_push (SluiceTestServer      *self,
                         const SluiceTestReply *reply)
{
  g_queue_push_tail (&self->replies, (gpointer) reply);
}

guint
sluice_test_server_get_n_requests (SluiceTestServer *self)
{
  return self->requests->len;
}

const SluiceTestRequest *
sluice_test_server_get_request (SluiceTestServer *self,
                                guint             index)
{
  g_assert_cmpuint (index, <, self->requests->len);
  return g_ptr_array_index (self->requests, index);
}

/* How many connections the requests came on. */
guint
sluice_test_server_get_n_connections (SluiceTestServer *self)
{
  return self->sockets->len;
}

guint
sluice_test_server_get_n_closed (SluiceTestServer *self)
{
  return self->n_closed;
}

static gboolean
on_watchdog (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

/* Waits until @n held connections were closed by the client. The watchdog
 * only keeps a broken build from hanging; it is no timing assertion. */
gboolean
sluice_test_server_wait_closed (SluiceTestServer *self,
                                guint             n)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add (WATCHDOG_MS, on_watchdog, &expired);

  while (self->n_closed < n && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (id);

  return self->n_closed >= n;
}

struct _SluiceTestBlackHole
{
  GSocket   *listener;
  GPtrArray *fillers;
  guint16    port;
};

SluiceTestBlackHole *
sluice_test_black_hole_new (void)
{
  SluiceTestBlackHole *self = g_new0 (SluiceTestBlackHole, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  self->listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (self->listener, any, TRUE, &error);
  g_assert_no_error (error);
  g_socket_set_listen_backlog (self->listener, 0);
  g_socket_listen (self->listener, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (self->listener, &error);
  g_assert_no_error (error);
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  /* Fill the accept queue; the kernel then drops further SYNs. */
  self->fillers = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < 3; i++)
    {
      GSocket *filler = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL);

      g_socket_set_blocking (filler, FALSE);
      g_socket_connect (filler, bound, NULL, NULL);
      g_ptr_array_add (self->fillers, filler);
    }

  return self;
}

void
sluice_test_black_hole_free (SluiceTestBlackHole *self)
{
  g_ptr_array_unref (self->fillers);
  g_socket_close (self->listener, NULL);
  g_object_unref (self->listener);
  g_free (self);
}

char *
sluice_test_black_hole_dup_url (SluiceTestBlackHole *self)
{
  return g_strdup_printf ("http://127.0.0.1:%u/v1", self->port);
}

void
sluice_test_result_clear (SluiceTestResult *result)
{
  g_clear_pointer (&result->completion, sluice_completion_free);
  g_clear_error (&result->error);
  if (result->deltas != NULL)
    g_string_free (result->deltas, TRUE);
  result->deltas = NULL;
  result->n_deltas = 0;
}

typedef struct
{
  SluiceTestResult *result;
  gboolean          done;
} Run;

static void
on_delta (const char *text,
          gpointer    user_data)
{
  SluiceTestResult *result = user_data;

  if (result->deltas->len > 0)
    g_string_append_c (result->deltas, '|');
  g_string_append (result->deltas, text);
  result->n_deltas++;
  if (result->cancel_on_delta != NULL)
    g_cancellable_cancel (result->cancel_on_delta);
}

static void
on_complete (GObject      *object,
             GAsyncResult *async_result,
             gpointer      user_data)
{
  Run *run = user_data;

  run->result->completion = sluice_provider_complete_finish (SLUICE_PROVIDER (object),
                                                             async_result,
                                                             &run->result->error);
  run->done = TRUE;
}

void
sluice_test_run_call (SluiceProvider     *provider,
                      SluiceProviderCall *call,
                      GCancellable       *cancellable,
                      SluiceTestResult   *result)
{
  Run run = { result, FALSE };

  sluice_test_result_clear (result);
  result->deltas = g_string_new (NULL);
  call->on_delta = on_delta;
  call->on_delta_data = result;

  sluice_provider_complete_async (provider, call, cancellable, on_complete, &run);
  while (!run.done)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true ((result->completion == NULL) != (result->error == NULL));
}

SluiceProviderCall *
sluice_test_call_new (const char *model,
                      gboolean    stream)
{
  g_autoptr(SluiceRequest) request = sluice_request_new ();
  SluiceProviderCall *call;

  sluice_request_add_message (request, SLUICE_ROLE_SYSTEM, "Be brief.");
  sluice_request_add_message (request, SLUICE_ROLE_USER, "Say hello.");
  sluice_request_set_model (request, model);
  sluice_request_set_stream (request, stream);
  call = sluice_provider_call_new (request, model);
  call->stream = stream;

  return call;
}

/* Before any test: the isolated XDG dirs hold no GSettings schemas, which
 * the GNOME proxy resolver module would abort on. */
void
sluice_test_fixture_init (int    *argc,
                          char ***argv)
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (argc, argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
}

/* A server, and a provider named @name whose base URL is the server's
 * followed by @path. */
void
sluice_test_fixture_setup (SluiceTestFixture     *f,
                           SluiceTestProviderNew  provider_new,
                           const char            *name,
                           const char            *path,
                           const char            *api_key)
{
  g_autofree char *base = NULL;

  f->server = sluice_test_server_new ();
  base = g_strconcat (sluice_test_server_get_url (f->server), path, NULL);
  f->provider = provider_new (name, base, api_key, 5000);
}

void
sluice_test_fixture_teardown (SluiceTestFixture *f,
                              gconstpointer      data)
{
  sluice_test_result_clear (&f->result);
  g_clear_object (&f->provider);
  g_clear_pointer (&f->server, sluice_test_server_free);
}

/* Scripts @reply and makes @call to the fixture's provider. */
void
sluice_test_fixture_run (SluiceTestFixture     *f,
                         const SluiceTestReply *reply,
                         SluiceProviderCall    *call)
{
  sluice_test_server_push (f->server, reply);
  sluice_test_run_call (f->provider, call, NULL, &f->result);
}
