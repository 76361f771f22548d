/* sluice-mock-call.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-mock"

#include "config.h"

#include <string.h>

#include "sluice-mock-call.h"

/* A timeout is held this long before a 504, so a forgotten client does
 * not pin the call forever. */
#define HOLD_MS (10 * 60 * 1000)

struct _SluiceMockCall
{
  SoupServerMessage        *msg;
  SluiceMockExchange       *ex;
  SluiceMockStreamSettings  stream;
  GHashTable               *registry;  /* unowned */
  GPtrArray                *events;
  guint                     next_event;
  guint                     chunks_written;
  guint                     source_id;
};

void
sluice_mock_call_free (SluiceMockCall *call)
{
  g_clear_handle_id (&call->source_id, g_source_remove);
  g_signal_handlers_disconnect_by_data (call->msg, call);
  g_clear_object (&call->msg);
  g_clear_pointer (&call->ex, sluice_mock_exchange_free);
  g_clear_pointer (&call->events, g_ptr_array_unref);
  g_free (call);
}

static void
call_done (SluiceMockCall *call)
{
  g_hash_table_remove (call->registry, call);
}

static void
on_finished (SoupServerMessage *msg,
             SluiceMockCall    *call)
{
  call_done (call);
}

static void
schedule (SluiceMockCall *call,
          gint64          delay_ms,
          GSourceFunc     func)
{
  g_assert (call->source_id == 0);

  if (delay_ms <= 0)
    call->source_id = g_idle_add (func, call);
  else
    call->source_id = g_timeout_add ((guint) MIN (delay_ms, G_MAXUINT), func, call);
}

/* The connection goes away without the stream's proper end. A shutdown
 * rather than a close keeps the descriptor valid for libsoup, whose next
 * write then fails and finishes the message. */
/* The key the client sent, whichever provider's header carried it. */
static const char *
presented_key (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *value = soup_message_headers_get_one (headers, "Authorization");

  if (value != NULL && g_ascii_strncasecmp (value, "Bearer ", 7) == 0)
    return value + 7;
  value = soup_message_headers_get_one (headers, "x-api-key");
  if (value == NULL)
    value = soup_message_headers_get_one (headers, "x-goog-api-key");
  return value;
}

/* A 401 that quotes the refused key back in full, as careless servers do,
 * so that tests can check the gateway never passes it on or logs it. */
static void
respond_unauthorised (SluiceMockCall *call)
{
  const char *key = presented_key (call->msg);
  g_autofree char *message = g_strdup_printf ("Incorrect API key provided: %s.",
                                              key != NULL ? key : "(none)");

  call->ex->dialect->set_error (call->msg, SLUICE_ERROR_CLASS_AUTH, 0, message);
}

static gboolean
cut_connection (gpointer user_data)
{
  SluiceMockCall *call = user_data;
  GSocket *socket = soup_server_message_get_socket (call->msg);

  call->source_id = 0;
  if (socket != NULL)
    g_socket_shutdown (socket, TRUE, TRUE, NULL);

  soup_message_body_complete (soup_server_message_get_response_body (call->msg));
  soup_server_message_unpause (call->msg);
  return G_SOURCE_REMOVE;
}

static void
on_wrote_chunk (SoupServerMessage *msg,
                SluiceMockCall    *call)
{
  call->chunks_written++;
  if (call->chunks_written == call->stream.cut_after_chunks && call->source_id == 0)
    schedule (call, 0, cut_connection);
}

static gboolean
send_next_event (gpointer user_data)
{
  SluiceMockCall *call = user_data;
  SoupMessageBody *body = soup_server_message_get_response_body (call->msg);
  const char *event;

  call->source_id = 0;
  event = g_ptr_array_index (call->events, call->next_event++);
  soup_message_body_append (body, SOUP_MEMORY_COPY, event, strlen (event));

  if (call->stream.cut_after_chunks > 0 && call->next_event >= call->stream.cut_after_chunks)
    {
      /* on_wrote_chunk cuts once the last chunk is on the wire. */
    }
  else if (call->next_event >= call->events->len)
    soup_message_body_complete (body);
  else
    schedule (call, call->stream.chunk_delay_ms, send_next_event);

  soup_server_message_unpause (call->msg);
  return G_SOURCE_REMOVE;
}

static void
start_stream (SluiceMockCall *call)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (call->msg);

  call->events = call->ex->dialect->build_events (call->ex);
  soup_server_message_set_status (call->msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (headers, call->ex->stream_content_type, NULL);
  soup_message_headers_replace (headers, "Cache-Control", "no-cache");
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);

  if (call->stream.cut_after_chunks > 0)
    g_signal_connect (call->msg, "wrote-chunk", G_CALLBACK (on_wrote_chunk), call);

  send_next_event (call);
}

static void
respond_ok (SluiceMockCall *call)
{
  g_autoptr(JsonNode) node = call->ex->dialect->build_body (call->ex);

  sluice_mock_set_json (call->msg, SOUP_STATUS_OK, node);
}

/* A 200 whose JSON body stops half way. */
static void
respond_malformed (SluiceMockCall *call)
{
  g_autoptr(JsonNode) node = call->ex->dialect->build_body (call->ex);
  char *text = sluice_mock_json_to_string (node);
  gsize length = strlen (text) / 2;

  soup_server_message_set_status (call->msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (call->msg, "application/json", SOUP_MEMORY_TAKE,
                                    text, MAX (length, 1));
}

static gboolean
give_up_holding (gpointer user_data)
{
  SluiceMockCall *call = user_data;

  call->source_id = 0;
  call->ex->dialect->set_error (call->msg, SLUICE_ERROR_CLASS_TIMEOUT, 0, NULL);
  soup_server_message_unpause (call->msg);
  return G_SOURCE_REMOVE;
}

static gboolean
deliver (gpointer user_data)
{
  SluiceMockCall *call = user_data;
  SluiceMockExchange *ex = call->ex;

  call->source_id = 0;

  switch (ex->outcome.error)
    {
    case SLUICE_ERROR_CLASS_NONE:
      if (ex->stream)
        {
          start_stream (call);
          return G_SOURCE_REMOVE;
        }
      respond_ok (call);
      break;

    case SLUICE_ERROR_CLASS_TIMEOUT:
      schedule (call, HOLD_MS, give_up_holding);
      return G_SOURCE_REMOVE;

    case SLUICE_ERROR_CLASS_MALFORMED:
      respond_malformed (call);
      break;

    case SLUICE_ERROR_CLASS_AUTH:
      respond_unauthorised (call);
      break;

    default:
      ex->dialect->set_error (call->msg, ex->outcome.error, 0, NULL);
      break;
    }

  soup_server_message_unpause (call->msg);
  return G_SOURCE_REMOVE;
}

void
sluice_mock_call_start (SoupServerMessage        *msg,
                        SluiceMockExchange       *exchange,
                        SluiceMockStreamSettings  stream,
                        GHashTable               *registry)
{
  SluiceMockCall *call = g_new0 (SluiceMockCall, 1);

  call->msg = g_object_ref (msg);
  call->ex = exchange;
  call->stream = stream;
  call->registry = registry;
  g_hash_table_add (registry, call);

  g_signal_connect (msg, "finished", G_CALLBACK (on_finished), call);
  soup_server_message_pause (msg);
  schedule (call, (exchange->outcome.latency_us + 999) / 1000, deliver);
}
