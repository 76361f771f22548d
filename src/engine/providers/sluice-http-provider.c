/* sluice-http-provider.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-providers"

#include "config.h"

#include <string.h>

#include "sluice-http-provider.h"

#define READ_SIZE 16384
/* An error page longer than this is cut: its start says enough. */
#define MAX_ERROR_BODY 65536

typedef struct
{
  /* borrowed: the task holds the provider, which holds all three */
  const SluiceHttpEndpoint *endpoint;
  const SluiceWireFormat   *format;
  const char               *provider_name;

  SoupMessage              *message;
  SluiceProviderCall       *call;
  GCancellable             *cancellable;  /* ours: cancelled by the caller's */
  GCancellable             *outer;
  gulong                    outer_id;
  GInputStream             *body;
  GByteArray               *buffer;
  SluiceSseParser          *parser;
  SluiceWireStream          stream;
  GString                  *delta;
  GError                   *stream_error;
  gint64                    start_us;
  gsize                     n_bytes;
  guint                     status;
  GSource                  *connect_timeout;
  gboolean                  connect_timed_out;
  gboolean                  streaming;
  gboolean                  raw_json;   /* answer the parsed body, not a completion */
} HttpState;

static void
clear_connect_timeout (HttpState *state)
{
  if (state->connect_timeout != NULL)
    {
      g_source_destroy (state->connect_timeout);
      g_clear_pointer (&state->connect_timeout, g_source_unref);
    }
}

static void
http_state_free (HttpState *state)
{
  clear_connect_timeout (state);
  g_signal_handlers_disconnect_by_data (state->message, state);
  if (state->outer != NULL)
    g_cancellable_disconnect (state->outer, state->outer_id);
  /* Whatever is still unread is abandoned: cancel before letting go of
   * the body, so that closing it never waits for the rest. */
  if (state->body != NULL && !g_input_stream_is_closed (state->body))
    {
      g_cancellable_cancel (state->cancellable);
      g_input_stream_close (state->body, state->cancellable, NULL);
    }
  g_clear_object (&state->body);
  g_clear_object (&state->message);
  g_clear_object (&state->cancellable);
  g_clear_object (&state->outer);
  g_clear_pointer (&state->buffer, g_byte_array_unref);
  g_clear_pointer (&state->parser, sluice_sse_parser_free);
  sluice_wire_stream_clear (&state->stream);
  g_string_free (state->delta, TRUE);
  g_clear_error (&state->stream_error);
  g_free (state);
}

static SoupSession *
new_session (void)
{
  /* No I/O timeout: a long generation may be silent for minutes. The call's
   * total timeout and our own connect timeout bound the wait instead. */
  return soup_session_new_with_options ("timeout", 0,
                                        "idle-timeout", 60,
                                        "max-conns", 1024,
                                        "max-conns-per-host", 256,
                                        "user-agent", PACKAGE_NAME "/" PACKAGE_VERSION,
                                        NULL);
}

static SoupMessage *
new_message (const char *url,
             JsonNode   *body,
             gboolean    stream)
{
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize len = 0;
  char *json;

  g_assert (url != NULL);
  g_assert (body != NULL);

  message = soup_message_new (SOUP_METHOD_POST, url);
  if (message == NULL)
    return NULL;

  /* libsoup opens a new connection for every POST unless told the request
   * is idempotent. A completion is not, strictly, but reusing a warm
   * (TLS) connection saves far more than the rare resend on a connection
   * the server had just closed costs. */
  soup_message_add_flags (message, SOUP_MESSAGE_IDEMPOTENT);

  json = json_to_string (body, FALSE);
  len = strlen (json);
  bytes = g_bytes_new_take (json, len);
  soup_message_set_request_body_from_bytes (message, "application/json", bytes);
  soup_message_headers_replace (soup_message_get_request_headers (message),
                                "Accept",
                                stream ? "text/event-stream" : "application/json");

  return g_steal_pointer (&message);
}

static char *
build_url (const char *base_url,
           const char *default_base,
           const char *path)
{
  g_autofree char *base = g_strdup (base_url != NULL && *base_url != '\0'
                                      ? base_url : default_base);
  gsize len = strlen (base);

  while (len > 0 && base[len - 1] == '/')
    base[--len] = '\0';

  return g_strconcat (base, path, NULL);
}

static void
return_error (GTask  *task,
              GError *error)
{
  HttpState *state = g_task_get_task_data (task);

  if (error->domain == SLUICE_PROVIDER_ERROR)
    {
      sluice_wire_scrub_secret (error, state->endpoint->api_key);
      g_prefix_error (&error, "%s: ", state->provider_name);
    }
  g_debug ("%s: call failed: %s", state->provider_name, error->message);
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
return_network_error (GTask        *task,
                      const GError *cause)
{
  HttpState *state = g_task_get_task_data (task);

  if (state->connect_timed_out)
    return_error (task, g_error_new (SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_TIMEOUT,
                                     "could not connect within %u ms",
                                     state->endpoint->connect_timeout_ms));
  else if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return_error (task, g_error_copy (cause));
  else if (state->streaming)
    return_error (task, g_error_new (SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_NETWORK,
                                     "stream cut after %" G_GSIZE_FORMAT " bytes: %s",
                                     state->n_bytes, cause->message));
  else
    return_error (task, g_error_new (SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_NETWORK,
                                     "%s", cause->message));
}

static void
return_completion (GTask            *task,
                   SluiceCompletion *completion,
                   GError           *error)
{
  if (completion == NULL)
    {
      return_error (task, error);
      return;
    }

  g_task_return_pointer (task, completion, (GDestroyNotify) sluice_completion_free);
  g_object_unref (task);
}

static void
mark_first_token (HttpState *state)
{
  if (state->call->ttft_us < 0)
    state->call->ttft_us = g_get_monotonic_time () - state->start_us;
}

static gboolean
on_sse_event (const SluiceSseEvent *event,
              gpointer              user_data)
{
  HttpState *state = user_data;

  /* No more deltas once the caller gave up, even within one chunk. */
  if (g_cancellable_set_error_if_cancelled (state->cancellable, &state->stream_error))
    return FALSE;

  g_string_truncate (state->delta, 0);
  if (!state->format->stream_event (&state->stream, event, state->delta,
                                    &state->stream_error))
    return FALSE;

  if (state->delta->len > 0)
    {
      mark_first_token (state);
      g_string_append_len (state->stream.content, state->delta->str, state->delta->len);
      if (state->call->on_delta != NULL)
        state->call->on_delta (state->delta->str, state->call->on_delta_data);
    }

  return TRUE;
}

static void
finish_error_body (GTask *task)
{
  HttpState *state = g_task_get_task_data (task);

  return_error (task, sluice_wire_error_from_body (state->status,
                                                   (const char *) state->buffer->data,
                                                   state->buffer->len));
}

static void
finish_stream (GTask *task)
{
  HttpState *state = g_task_get_task_data (task);
  SluiceCompletion *completion;
  GError *error = NULL;

  sluice_sse_parser_finish (state->parser);
  if (state->stream_error != NULL)
    {
      return_error (task, g_steal_pointer (&state->stream_error));
      return;
    }
  if (!state->stream.done)
    {
      return_error (task, g_error_new (SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_NETWORK,
                                       "stream cut after %" G_GSIZE_FORMAT " bytes",
                                       state->n_bytes));
      return;
    }

  completion = sluice_wire_stream_finish (&state->stream, &error);
  return_completion (task, completion, error);
}

static void
finish_body (GTask *task)
{
  HttpState *state = g_task_get_task_data (task);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) parse_error = NULL;
  SluiceCompletion *completion;
  GError *error = NULL;

  root = sluice_wire_parse_json ((const char *) state->buffer->data,
                                 state->buffer->len, &parse_error);
  if (root == NULL)
    {
      return_error (task, g_error_new (SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_MALFORMED,
                                       "could not parse the answer: %s",
                                       parse_error->message));
      return;
    }
  if (JSON_NODE_HOLDS_OBJECT (root)
      && json_object_has_member (json_node_get_object (root), "error"))
    {
      return_error (task, sluice_wire_error_from_json (state->status, root));
      return;
    }
  if (state->raw_json)
    {
      g_task_return_pointer (task, g_steal_pointer (&root), (GDestroyNotify) json_node_unref);
      g_object_unref (task);
      return;
    }

  completion = state->format->parse_response (root, &error);
  /* Asked for a stream, got a plain answer: deliver it as one delta. */
  if (completion != NULL && state->call->stream && state->call->on_delta != NULL
      && *completion->content != '\0')
    state->call->on_delta (completion->content, state->call->on_delta_data);

  return_completion (task, completion, error);
}

static void
finish_read (GTask *task)
{
  HttpState *state = g_task_get_task_data (task);

  /* At the end of the body, closing needs no I/O and lets the connection
   * go back to the pool. */
  g_input_stream_close (state->body, NULL, NULL);
  if (!SOUP_STATUS_IS_SUCCESSFUL (state->status))
    finish_error_body (task);
  else if (state->streaming)
    finish_stream (task);
  else
    finish_body (task);
}

static void read_next (GTask *task);

/* Takes one piece of the body. Returns %FALSE when the task was returned
 * (an error, or enough of an error body). */
static gboolean
consume (GTask         *task,
         gconstpointer  data,
         gsize          len)
{
  HttpState *state = g_task_get_task_data (task);

  state->n_bytes += len;
  if (!state->streaming)
    {
      g_byte_array_append (state->buffer, data, len);
      if (!SOUP_STATUS_IS_SUCCESSFUL (state->status) && state->buffer->len >= MAX_ERROR_BODY)
        {
          finish_error_body (task);
          return FALSE;
        }
    }
  else if (!sluice_sse_parser_feed (state->parser, data, len))
    {
      return_error (task, g_steal_pointer (&state->stream_error));
      return FALSE;
    }
  return TRUE;
}

static void
on_read (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  gconstpointer data;
  gsize len;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (bytes == NULL)
    {
      return_network_error (task, error);
      return;
    }

  data = g_bytes_get_data (bytes, &len);
  if (len == 0)
    {
      finish_read (task);
      return;
    }
  if (consume (task, data, len))
    read_next (task);
}

/* What the connection already holds is read at once: a short answer then
 * costs no main-loop turn per piece. Returns %FALSE when the task was
 * returned (the end, or an error); %TRUE when the rest must be waited for. */
static gboolean
read_available (GTask *task)
{
  HttpState *state = g_task_get_task_data (task);
  GPollableInputStream *pollable;
  guint8 buffer[READ_SIZE];

  if (!G_IS_POLLABLE_INPUT_STREAM (state->body) ||
      !g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (state->body)))
    return TRUE;

  pollable = G_POLLABLE_INPUT_STREAM (state->body);
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_pollable_input_stream_read_nonblocking (pollable, buffer, sizeof buffer,
                                                          state->cancellable, &error);

      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return TRUE;
      if (n < 0)
        {
          return_network_error (task, error);
          return FALSE;
        }
      if (n == 0)
        {
          finish_read (task);
          return FALSE;
        }
      if (!consume (task, buffer, n))
        return FALSE;
    }
}

static void
read_next (GTask *task)
{
  HttpState *state = g_task_get_task_data (task);

  if (!read_available (task))
    return;
  g_input_stream_read_bytes_async (state->body, READ_SIZE, G_PRIORITY_DEFAULT,
                                   state->cancellable, on_read, task);
}

static gboolean
is_event_stream (SoupMessage *message)
{
  const char *type;

  type = soup_message_headers_get_content_type (soup_message_get_response_headers (message),
                                                NULL);
  return g_strcmp0 (type, "text/event-stream") == 0;
}

static void
on_sent (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  HttpState *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  clear_connect_timeout (state);
  state->body = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (state->body == NULL)
    {
      return_network_error (task, error);
      return;
    }

  state->status = soup_message_get_status (state->message);
  sluice_wire_read_limits (soup_message_get_response_headers (state->message),
                           state->call);

  if (SOUP_STATUS_IS_SUCCESSFUL (state->status))
    {
      state->streaming = state->call->stream && is_event_stream (state->message);
      if (!state->streaming)
        mark_first_token (state);
    }
  if (state->streaming)
    state->parser = sluice_sse_parser_new (on_sse_event, state);
  else
    state->buffer = g_byte_array_new ();

  read_next (task);
}

static gboolean
on_connect_timeout (gpointer user_data)
{
  HttpState *state = user_data;

  g_clear_pointer (&state->connect_timeout, g_source_unref);
  state->connect_timed_out = TRUE;
  g_cancellable_cancel (state->cancellable);

  return G_SOURCE_REMOVE;
}

/* The connect timeout runs from the first resolver step to the completed
 * connection, so time spent queued for a free connection does not count. */
static void
on_network_event (SoupMessage        *message,
                  GSocketClientEvent  event,
                  GIOStream          *connection,
                  gpointer            user_data)
{
  HttpState *state = user_data;

  if (event == G_SOCKET_CLIENT_RESOLVING && state->endpoint->connect_timeout_ms > 0
      && state->connect_timeout == NULL && !state->connect_timed_out)
    {
      /* On the engine's context, which is thread-default here. */
      state->connect_timeout = g_timeout_source_new (state->endpoint->connect_timeout_ms);
      g_source_set_callback (state->connect_timeout, on_connect_timeout, state, NULL);
      g_source_attach (state->connect_timeout, g_main_context_get_thread_default ());
    }
  else if (event == G_SOCKET_CLIENT_COMPLETE)
    clear_connect_timeout (state);
}

static void
on_outer_cancelled (GCancellable *outer,
                    GCancellable *inner)
{
  g_cancellable_cancel (inner);
}

static void
send (SluiceProvider           *provider,
      const SluiceHttpEndpoint *endpoint,
      const SluiceWireFormat   *format,
      SoupMessage              *message,
      SluiceProviderCall       *call,
      gboolean                  raw_json,
      GCancellable             *cancellable,
      GAsyncReadyCallback       callback,
      gpointer                  user_data)
{
  GTask *task;
  HttpState *state;

  state = g_new0 (HttpState, 1);
  state->endpoint = endpoint;
  state->format = format;
  state->provider_name = sluice_provider_get_name (provider);
  state->message = g_object_ref (message);
  state->call = call;
  state->raw_json = raw_json;
  state->cancellable = g_cancellable_new ();
  state->delta = g_string_new (NULL);
  state->start_us = g_get_monotonic_time ();
  sluice_wire_stream_init (&state->stream);

  task = g_task_new (provider, cancellable, callback, user_data);
  g_task_set_source_tag (task, sluice_http_provider_complete_async);
  g_task_set_task_data (task, state, (GDestroyNotify) http_state_free);

  if (cancellable != NULL)
    {
      state->outer = g_object_ref (cancellable);
      state->outer_id = g_cancellable_connect (cancellable,
                                               G_CALLBACK (on_outer_cancelled),
                                               g_object_ref (state->cancellable),
                                               g_object_unref);
    }
  g_signal_connect (message, "network-event", G_CALLBACK (on_network_event), state);

  soup_session_send_async (endpoint->session, message, G_PRIORITY_DEFAULT,
                           state->cancellable, on_sent, task);
}

/* The POST of @call in @dialect, with the dialect's headers: a completion,
 * or for @embed the embedding of the call's inputs. NULL with @error set
 * when the base URL is no URL. */
static SoupMessage *
new_call_message (SluiceProvider           *provider,
                  const SluiceHttpEndpoint *endpoint,
                  const SluiceHttpDialect  *dialect,
                  SluiceProviderCall       *call,
                  gboolean                  embed,
                  GError                  **error)
{
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  const char *model = call->upstream_model;
  SoupMessage *message;

  if (model == NULL && !embed)
    model = sluice_request_get_model (call->request);
  if (model == NULL)
    model = "";
  if (embed)
    {
      path = dialect->embed_path (model, g_strv_length (call->inputs));
      body = dialect->build_embed (model, (const char * const *) call->inputs,
                                   call->dimensions);
    }
  else
    {
      path = dialect->complete_path (model, call->stream);
      body = dialect->build_request (call->request, model, call->stream);
    }

  url = build_url (endpoint->base_url, dialect->default_base_url, path);
  message = new_message (url, body, call->stream);
  if (message == NULL)
    {
      g_set_error (error, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_BAD_REQUEST,
                   "%s: invalid base URL “%s”",
                   sluice_provider_get_name (provider), url);
      return NULL;
    }
  dialect->add_headers (soup_message_get_request_headers (message), endpoint->api_key);

  return message;
}

/* Gives @endpoint its own connection pool and copies of the strings. */
void
sluice_http_endpoint_init (SluiceHttpEndpoint *endpoint,
                           const char         *base_url,
                           const char         *api_key,
                           guint               connect_timeout_ms)
{
  g_return_if_fail (endpoint != NULL);

  endpoint->session = new_session ();
  endpoint->base_url = g_strdup (base_url);
  endpoint->api_key = g_strdup (api_key);
  endpoint->connect_timeout_ms = connect_timeout_ms;
}

/* Zeroes the key before letting it go. */
void
sluice_http_endpoint_clear (SluiceHttpEndpoint *endpoint)
{
  g_return_if_fail (endpoint != NULL);

  if (endpoint->api_key != NULL)
    explicit_bzero (endpoint->api_key, strlen (endpoint->api_key));
  g_clear_pointer (&endpoint->api_key, g_free);
  g_clear_pointer (&endpoint->base_url, g_free);
  g_clear_object (&endpoint->session);
}

/* Builds the completion request of @call in @dialect, sends it to
 * @endpoint (which @provider holds) and reads the answer, whole or streamed.
 * @cancellable also closes the call's connection. */
void
sluice_http_provider_complete_async (SluiceProvider           *provider,
                                     const SluiceHttpEndpoint *endpoint,
                                     const SluiceHttpDialect  *dialect,
                                     SluiceProviderCall       *call,
                                     GCancellable             *cancellable,
                                     GAsyncReadyCallback       callback,
                                     gpointer                  user_data)
{
  g_autoptr(SoupMessage) message = NULL;
  GError *error = NULL;

  g_return_if_fail (SLUICE_IS_PROVIDER (provider));
  g_return_if_fail (endpoint != NULL && dialect != NULL && call != NULL);

  message = new_call_message (provider, endpoint, dialect, call, FALSE, &error);
  if (message == NULL)
    {
      g_task_report_error (provider, callback, user_data,
                           sluice_http_provider_complete_async, error);
      return;
    }

  send (provider, endpoint, dialect->format, message, call, FALSE,
        cancellable, callback, user_data);
}

SluiceCompletion *
sluice_http_provider_complete_finish (SluiceProvider  *provider,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, sluice_http_provider_complete_async),
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_embed_sent (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  const SluiceHttpDialect *dialect = g_task_get_task_data (task);
  g_autoptr(JsonNode) root = NULL;
  GError *error = NULL;
  SluiceEmbeddings *embeddings;

  root = g_task_propagate_pointer (G_TASK (result), &error);
  if (root == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  embeddings = dialect->parse_embed (root, &error);
  if (embeddings == NULL)
    {
      g_prefix_error (&error, "%s: ", sluice_provider_get_name (SLUICE_PROVIDER (object)));
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, embeddings, (GDestroyNotify) sluice_embeddings_unref);
}

/* The same for the embedding call @call; @dialect must have embeddings.
 * Errors are mapped and scrubbed the same way. */
void
sluice_http_provider_embed_async (SluiceProvider           *provider,
                                  const SluiceHttpEndpoint *endpoint,
                                  const SluiceHttpDialect  *dialect,
                                  SluiceProviderCall       *call,
                                  GCancellable             *cancellable,
                                  GAsyncReadyCallback       callback,
                                  gpointer                  user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(SoupMessage) message = NULL;
  GError *error = NULL;

  g_return_if_fail (SLUICE_IS_PROVIDER (provider));
  g_return_if_fail (endpoint != NULL && dialect != NULL && dialect->parse_embed != NULL);
  g_return_if_fail (call != NULL && !call->stream);

  task = g_task_new (provider, cancellable, callback, user_data);
  g_task_set_source_tag (task, sluice_http_provider_embed_async);
  g_task_set_task_data (task, (gpointer) dialect, NULL);

  message = new_call_message (provider, endpoint, dialect, call, TRUE, &error);
  if (message == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  send (provider, endpoint, dialect->format, message, call, TRUE,
        cancellable, on_embed_sent, g_steal_pointer (&task));
}

SluiceEmbeddings *
sluice_http_provider_embed_finish (SluiceProvider  *provider,
                                   GAsyncResult    *result,
                                   GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, provider), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
