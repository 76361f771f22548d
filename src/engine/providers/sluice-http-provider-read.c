/* sluice-http-provider-read.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-providers"

#include "config.h"

#include <string.h>

#include "sluice-http-provider-private.h"

/* Reading an HTTP provider's answer: the status and headers, then the body
 * whole (a completion, an error page, an embedding's JSON) or as a stream
 * of server-sent events in the dialect's wire format. */

#define READ_SIZE 16384
/* An error page longer than this is cut: its start says enough. */
#define MAX_ERROR_BODY 65536

void
_sluice_http_clear_connect_timeout (HttpState *state)
{
  if (state->connect_timeout != NULL)
    {
      g_source_destroy (state->connect_timeout);
      g_clear_pointer (&state->connect_timeout, g_source_unref);
    }
}

void
_sluice_http_state_free (HttpState *state)
{
  _sluice_http_clear_connect_timeout (state);
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

void
_sluice_http_on_sent (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GTask *task = user_data;
  HttpState *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  _sluice_http_clear_connect_timeout (state);
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
