/* sluice-server-call.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-server"

#include "config.h"

#include <string.h>

#include "sluice-server-private.h"

/* One API call: the paused HTTP message and the engine request behind it.
 * A streamed answer sends its headers with the first piece of text, so
 * until then a failure (every provider down, a refusal) can still be an
 * ordinary JSON error with the right status; after it, the API's error
 * event ends the stream. */

static char *
new_stream_id (SluiceApi api)
{
  g_autofree char *uuid = g_uuid_string_random ();
  GString *id = g_string_new (api == SLUICE_API_ANTHROPIC ? "msg_" : "chatcmpl-");

  for (const char *p = uuid; *p != '\0'; p++)
    {
      if (*p != '-')
        g_string_append_c (id, *p);
    }
  return g_string_free (id, FALSE);
}

SluiceServerCall *
_sluice_server_call_new (SluiceServer                *server,
                         SoupServerMessage           *msg,
                         const SluiceServerCallClass *klass,
                         SluiceRequest               *request)
{
  SluiceServerCall *call = g_new0 (SluiceServerCall, 1);

  /* The id is known from the start, so a stream's headers carry it. */
  if (sluice_request_get_id (request) == NULL)
    {
      g_autofree char *id = sluice_request_new_id ();

      sluice_request_set_id (request, id);
    }
  call->ref_count = 1;
  call->klass = klass;
  call->server = g_object_ref (server);
  call->msg = g_object_ref (msg);
  call->request = g_object_ref (request);
  call->cancellable = g_cancellable_new ();
  call->stream_id = new_stream_id (klass->api);
  call->asked_model = g_strdup (sluice_request_get_model (request));
  call->created = g_get_real_time () / G_USEC_PER_SEC;
  call->start_us = g_get_monotonic_time ();
  call->stream = sluice_request_get_stream (request);
  return call;
}

SluiceServerCall *
_sluice_server_call_ref (SluiceServerCall *call)
{
  g_atomic_int_inc (&call->ref_count);
  return call;
}

void
_sluice_server_call_unref (SluiceServerCall *call)
{
  if (!g_atomic_int_dec_and_test (&call->ref_count))
    return;
  g_clear_object (&call->server);
  g_clear_object (&call->msg);
  g_clear_object (&call->request);
  g_clear_object (&call->cancellable);
  g_free (call->stream_id);
  g_free (call->asked_model);
  g_free (call);
}

char *
_sluice_server_format_double (double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%.6f", value));
}

void
_sluice_set_response_headers (SoupServerMessage *msg,
                              SluiceResponse    *response)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autofree char *cost = _sluice_server_format_double (sluice_response_get_cost_usd (response));
  g_autofree char *depth = g_strdup_printf ("%u", sluice_response_get_fallback_depth (response));
  g_autofree char *overhead = g_strdup_printf ("%" G_GINT64_FORMAT,
                                               sluice_response_get_overhead_us (response));
  const char *model = sluice_response_get_model (response);
  const char *provider = sluice_response_get_provider (response);
  const char *route = sluice_response_get_route (response);

  soup_message_headers_replace (headers, "x-sluice-request-id",
                                sluice_response_get_request_id (response));
  if (model != NULL)
    soup_message_headers_replace (headers, "x-sluice-model", model);
  if (provider != NULL)
    soup_message_headers_replace (headers, "x-sluice-provider", provider);
  if (route != NULL)
    soup_message_headers_replace (headers, "x-sluice-route", route);
  soup_message_headers_replace (headers, "x-sluice-cache",
                                sluice_cache_status_to_string (sluice_response_get_cache_status (response)));
  soup_message_headers_replace (headers, "x-sluice-fallback-depth", depth);
  soup_message_headers_replace (headers, "x-sluice-cost-usd", cost);
  soup_message_headers_replace (headers, "x-sluice-overhead-us", overhead);
}

void
_sluice_server_call_write_raw (SluiceServerCall *call,
                               const char       *text)
{
  SoupMessageBody *body = soup_server_message_get_response_body (call->msg);

  soup_message_body_append (body, SOUP_MEMORY_COPY, text, strlen (text));
}

/* One server-sent event; @event may be %NULL (OpenAI sends data only). */
void
_sluice_server_call_write (SluiceServerCall *call,
                           const char       *event,
                           JsonNode         *data)
{
  g_autofree char *json = _sluice_json_to_string (data);
  g_autofree char *text = NULL;

  if (event != NULL)
    text = g_strdup_printf ("event: %s\ndata: %s\n\n", event, json);
  else
    text = g_strdup_printf ("data: %s\n\n", json);
  _sluice_server_call_write_raw (call, text);
}

static void
begin_stream (SluiceServerCall *call)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (call->msg);

  call->started = TRUE;
  soup_server_message_set_status (call->msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_message_headers_replace (headers, "Content-Type", "text/event-stream; charset=utf-8");
  soup_message_headers_replace (headers, "Cache-Control", "no-cache");
  soup_message_headers_replace (headers, "X-Accel-Buffering", "no");
  soup_message_headers_replace (headers, "x-sluice-request-id",
                                sluice_request_get_id (call->request));
  if (call->server->draining)
    soup_message_headers_replace (headers, "Connection", "close");
  call->klass->stream_begin (call);
}

/* What answers a stream is known before its first byte: it goes out in
 * the headers (cost and overhead come in the final chunk's "sluice"). */
static void
dispatch_cb (const SluiceDispatchInfo *info,
             gpointer                  user_data)
{
  SluiceServerCall *call = user_data;
  SoupMessageHeaders *headers;
  g_autofree char *depth = NULL;

  if (call->finished || call->started)
    return;
  headers = soup_server_message_get_response_headers (call->msg);
  depth = g_strdup_printf ("%u", info->fallback_depth);
  if (info->model != NULL)
    soup_message_headers_replace (headers, "x-sluice-model", info->model);
  if (info->provider != NULL)
    soup_message_headers_replace (headers, "x-sluice-provider", info->provider);
  if (info->route != NULL)
    soup_message_headers_replace (headers, "x-sluice-route", info->route);
  soup_message_headers_replace (headers, "x-sluice-cache",
                                sluice_cache_status_to_string (info->cache_status));
  soup_message_headers_replace (headers, "x-sluice-fallback-depth", depth);
}

static void
delta_cb (const char *text,
          gpointer    user_data)
{
  SluiceServerCall *call = user_data;

  if (call->finished || text == NULL || *text == '\0')
    return;
  if (!call->started)
    begin_stream (call);
  call->klass->stream_delta (call, text);
  call->streamed_text = TRUE;
  /* Each piece goes out now, not when the answer is complete. */
  soup_server_message_unpause (call->msg);
}

static void
log_call (SluiceServerCall *call,
          SluiceResponse   *response,
          const GError     *error)
{
  double ms = (g_get_monotonic_time () - call->start_us) / 1000.0;
  g_autofree char *prompt = NULL;

  if (!call->server->log_requests && !call->server->log_prompts)
    return;
  if (response == NULL)
    {
      g_info ("request - model=%s status=rejected http=%u latency_ms=%.1f reason=%s",
              call->asked_model != NULL ? call->asked_model : "-",
              soup_server_message_get_status (call->msg), ms,
              error != NULL ? error->message : "cancelled");
      return;
    }
  g_info ("request %s model=%s status=%s http=%u latency_ms=%.1f%s",
          sluice_response_get_request_id (response),
          sluice_response_get_model (response) != NULL ? sluice_response_get_model (response)
                                                       : call->asked_model,
          sluice_request_status_to_string (sluice_response_get_status (response)),
          soup_server_message_get_status (call->msg), ms,
          call->finished ? " (client gone)" : "");
  if (!call->server->log_prompts)
    return;
  prompt = sluice_request_dup_prompt_text (call->request);
  g_info ("request %s prompt: %s", sluice_response_get_request_id (response), prompt);
  g_info ("request %s answer: %s", sluice_response_get_request_id (response),
          sluice_response_get_content (response) != NULL
          ? sluice_response_get_content (response) : "");
}

static void
fail (SluiceServerCall *call,
      SluiceFault       fault,
      const char       *message)
{
  if (call->started)
    call->klass->stream_error (call, fault, message);
  else
    _sluice_server_reply_error (call->server, call->msg, call->klass->api, fault, NULL,
                                message);
}

static void
reply_deferred (SluiceServerCall *call,
                SluiceResponse   *response)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, sluice_response_get_request_id (response));
  json_builder_set_member_name (builder, "object");
  json_builder_add_string_value (builder, "sluice.deferred");
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "deferred");
  json_builder_set_member_name (builder, "job_id");
  json_builder_add_string_value (builder, sluice_response_get_job_id (response));
  json_builder_set_member_name (builder, "job_url");
  {
    g_autofree char *url = g_strconcat ("/v1/sluice/jobs/", sluice_response_get_job_id (response), NULL);

    json_builder_add_string_value (builder, url);
  }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  _sluice_server_reply_json (call->server, call->msg, SOUP_STATUS_ACCEPTED, root);
}

/* The engine says when the limit that refused will have room; whole
 * seconds, rounded up, at least 1. */
static void
set_retry_after (SluiceServerCall *call,
                 gint64            retry_after_ms)
{
  g_autofree char *seconds = NULL;

  if (call->started || retry_after_ms < 0)
    return;
  seconds = g_strdup_printf ("%" G_GINT64_FORMAT, MAX ((retry_after_ms + 999) / 1000, 1));
  soup_message_headers_replace (soup_server_message_get_response_headers (call->msg),
                                "Retry-After", seconds);
}

static void
answer (SluiceServerCall *call,
        SluiceResponse   *response)
{
  const char *message = sluice_response_get_error_message (response);
  SluiceFault fault;

  if (!call->started)
    _sluice_set_response_headers (call->msg, response);

  switch (sluice_response_get_status (response))
    {
    case SLUICE_REQUEST_STATUS_OK:
    case SLUICE_REQUEST_STATUS_DEGRADED:
      if (call->stream && !call->started)
        begin_stream (call);
      call->klass->answer (call, response);
      return;
    case SLUICE_REQUEST_STATUS_DEFERRED:
      if (call->started)
        call->klass->stream_error (call, SLUICE_FAULT_UNAVAILABLE, "The request was deferred");
      else
        reply_deferred (call, response);
      return;
    case SLUICE_REQUEST_STATUS_REFUSED:
      fail (call, SLUICE_FAULT_RATE_LIMITED, message != NULL ? message : "Refused by limits");
      set_retry_after (call, sluice_response_get_retry_after_ms (response));
      return;
    case SLUICE_REQUEST_STATUS_ERROR:
    default:
      fault = sluice_response_get_error_class (response) == SLUICE_ERROR_CLASS_OVERLOADED
              ? SLUICE_FAULT_OVERLOADED : SLUICE_FAULT_UNAVAILABLE;
      break;
    }
  fail (call, fault, message != NULL ? message : "The request failed");
}

static void
complete_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(SluiceServerCall) call = user_data;
  g_autoptr(SluiceResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  response = sluice_engine_complete_finish (SLUICE_ENGINE (object), result, &error);
  call->engine_done = TRUE;
  if (response != NULL)
    _sluice_server_count_response (call->server, response);

  if (!call->finished)
    {
      if (response != NULL)
        answer (call, response);
      else if (call->started)
        call->klass->stream_error (call, _sluice_server_error_fault (error), error->message);
      else
        _sluice_server_reply_gerror (call->server, call->msg, call->klass->api, error);

      if (call->started)
        soup_message_body_complete (soup_server_message_get_response_body (call->msg));
    }
  log_call (call, response, error);
  if (!call->finished)
    soup_server_message_unpause (call->msg);
}

static void
finished_cb (SoupServerMessage *msg,
             SluiceServerCall  *call)
{
  call->finished = TRUE;
  /* The client went away before the answer: stop spending on it. */
  if (!call->engine_done)
    g_cancellable_cancel (call->cancellable);
  g_clear_signal_handler (&call->finished_id, msg);
  _sluice_server_call_ended (call->server);
  _sluice_server_call_unref (call);
}

/**
 * _sluice_server_call_run:
 *
 * Pauses the message and sends the request to the engine; the message is
 * answered (and unpaused) when the engine settles.
 */
void
_sluice_server_call_run (SluiceServerCall *call)
{
  SluiceEngine *engine = call->server->engine;

  soup_server_message_pause (call->msg);
  _sluice_server_call_started (call->server);
  call->finished_id = g_signal_connect (call->msg, "finished", G_CALLBACK (finished_cb),
                                        _sluice_server_call_ref (call));
  sluice_engine_complete_full_async (engine, call->request,
                                     call->stream ? delta_cb : NULL,
                                     call->stream ? dispatch_cb : NULL, call,
                                     call->cancellable, complete_cb,
                                     _sluice_server_call_ref (call));
}
