/* sluice-http-provider.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-providers"

#include "config.h"

#include <string.h>

#include "sluice-http-provider-private.h"

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
    _sluice_http_clear_connect_timeout (state);
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
  g_task_set_task_data (task, state, (GDestroyNotify) _sluice_http_state_free);

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
                           state->cancellable, _sluice_http_on_sent, task);
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
