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
  SluiceHttpTarget    target;     /* borrowed; the task holds the provider */
  SoupMessage        *message;
  SluiceProviderCall *call;
  GCancellable       *cancellable;  /* ours: cancelled by the caller's */
  GCancellable       *outer;
  gulong              outer_id;
  GInputStream       *body;
  GByteArray         *buffer;
  SluiceSseParser    *parser;
  SluiceWireStream    stream;
  GString            *delta;
  GError             *stream_error;
  gint64              start_us;
  gsize               n_bytes;
  guint               status;
  GSource            *connect_timeout;
  gboolean            connect_timed_out;
  gboolean            streaming;
  gboolean            raw_json;   /* answer the parsed body, not a completion */
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

SoupSession *
sluice_http_provider_new_session (void)
{
  /* No I/O timeout: a long generation may be silent for minutes. The call's
   * total timeout and our own connect timeout bound the wait instead. */
  return soup_session_new_with_options ("timeout", 0,
                                        "idle-timeout", 60,
                                        "max-conns", 256,
                                        "max-conns-per-host", 64,
                                        "user-agent", PACKAGE_NAME "/" PACKAGE_VERSION,
                                        NULL);
}

SoupMessage *
sluice_http_provider_new_message (const char *url,
                                  JsonNode   *body,
                                  gboolean    stream)
{
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize len = 0;
  char *json;

  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (body != NULL, NULL);

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

char *
sluice_http_provider_build_url (const char *base_url,
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

/* Provider messages sometimes quote the key they refused. */
static void
scrub_secret (GError     *error,
              const char *secret)
{
  g_autofree char *masked = NULL;
  g_auto(GStrv) parts = NULL;

  if (secret == NULL || *secret == '\0' || strstr (error->message, secret) == NULL)
    return;

  masked = sluice_wire_mask_key (secret);
  parts = g_strsplit (error->message, secret, -1);
  g_free (error->message);
  error->message = g_strjoinv (masked, parts);
}

static void
return_error (GTask  *task,
              GError *error)
{
  HttpState *state = g_task_get_task_data (task);

  if (error->domain == SLUICE_PROVIDER_ERROR)
    {
      scrub_secret (error, state->target.secret);
      g_prefix_error (&error, "%s: ", state->target.provider_name);
    }
  g_debug ("%s: call failed: %s", state->target.provider_name, error->message);
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
                                     state->target.connect_timeout_ms));
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
  if (!state->target.format->stream_event (&state->stream, event, state->delta,
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

  completion = state->target.format->parse_response (root, &error);
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

static void
on_read (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  HttpState *state = g_task_get_task_data (task);
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

  state->n_bytes += len;
  if (!state->streaming)
    {
      g_byte_array_append (state->buffer, data, len);
      if (!SOUP_STATUS_IS_SUCCESSFUL (state->status) && state->buffer->len >= MAX_ERROR_BODY)
        {
          finish_error_body (task);
          return;
        }
    }
  else if (!sluice_sse_parser_feed (state->parser, data, len))
    {
      return_error (task, g_steal_pointer (&state->stream_error));
      return;
    }

  read_next (task);
}

static void
read_next (GTask *task)
{
  HttpState *state = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (state->body, READ_SIZE, G_PRIORITY_DEFAULT,
                                   state->cancellable, on_read, task);
}

static void
capture_headers (HttpState *state)
{
  static const char * const requests[] = {
    "x-ratelimit-remaining-requests", "anthropic-ratelimit-requests-remaining", NULL
  };
  static const char * const tokens[] = {
    "x-ratelimit-remaining-tokens", "anthropic-ratelimit-tokens-remaining", NULL
  };
  SoupMessageHeaders *headers = soup_message_get_response_headers (state->message);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  gint64 value;

  value = sluice_wire_parse_retry_after (headers, now);
  if (value >= 0)
    state->call->retry_after_ms = value;
  value = sluice_wire_parse_remaining (headers, requests);
  if (value >= 0)
    state->call->ratelimit_remaining_requests = value;
  value = sluice_wire_parse_remaining (headers, tokens);
  if (value >= 0)
    state->call->ratelimit_remaining_tokens = value;
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
  capture_headers (state);

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

  if (event == G_SOCKET_CLIENT_RESOLVING && state->target.connect_timeout_ms > 0
      && state->connect_timeout == NULL && !state->connect_timed_out)
    {
      /* On the engine's context, which is thread-default here. */
      state->connect_timeout = g_timeout_source_new (state->target.connect_timeout_ms);
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
send (gpointer                source_object,
      const SluiceHttpTarget *target,
      SoupMessage            *message,
      SluiceProviderCall     *call,
      gboolean                raw_json,
      GCancellable           *cancellable,
      GAsyncReadyCallback     callback,
      gpointer                user_data)
{
  GTask *task;
  HttpState *state;

  g_return_if_fail (target != NULL && target->session != NULL);
  g_return_if_fail (SOUP_IS_MESSAGE (message));
  g_return_if_fail (call != NULL);

  state = g_new0 (HttpState, 1);
  state->target = *target;
  state->message = g_object_ref (message);
  state->call = call;
  state->raw_json = raw_json;
  state->cancellable = g_cancellable_new ();
  state->delta = g_string_new (NULL);
  state->start_us = g_get_monotonic_time ();
  sluice_wire_stream_init (&state->stream);

  task = g_task_new (source_object, cancellable, callback, user_data);
  g_task_set_source_tag (task, sluice_http_provider_send_async);
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

  soup_session_send_async (target->session, message, G_PRIORITY_DEFAULT,
                           state->cancellable, on_sent, task);
}

/**
 * sluice_http_provider_send_async:
 * @source_object: the provider
 * @target: where and how to send; its pointers must outlive the call
 * @message: the POST to send
 * @call: the call, whose outputs are filled in
 * @cancellable: (nullable): cancels the call and closes its connection
 * @callback: called when done
 * @user_data: for @callback
 *
 * Sends @message and reads the answer in the wire format of @target.
 */
void
sluice_http_provider_send_async (gpointer                source_object,
                                 const SluiceHttpTarget *target,
                                 SoupMessage            *message,
                                 SluiceProviderCall     *call,
                                 GCancellable           *cancellable,
                                 GAsyncReadyCallback     callback,
                                 gpointer                user_data)
{
  send (source_object, target, message, call, FALSE, cancellable, callback, user_data);
}

/**
 * sluice_http_provider_send_json_async:
 *
 * Like sluice_http_provider_send_async(), for calls whose answer is not a
 * completion (embeddings): the result is the parsed JSON body of a
 * successful answer. Errors are mapped and scrubbed the same way.
 */
void
sluice_http_provider_send_json_async (gpointer                source_object,
                                      const SluiceHttpTarget *target,
                                      SoupMessage            *message,
                                      SluiceProviderCall     *call,
                                      GCancellable           *cancellable,
                                      GAsyncReadyCallback     callback,
                                      gpointer                user_data)
{
  g_return_if_fail (call != NULL && !call->stream);

  send (source_object, target, message, call, TRUE, cancellable, callback, user_data);
}

/**
 * sluice_http_provider_send_json_finish:
 *
 * Returns: (transfer full): the answer's JSON, or %NULL with @error set
 */
JsonNode *
sluice_http_provider_send_json_finish (GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

SluiceCompletion *
sluice_http_provider_send_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, sluice_http_provider_send_async),
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
