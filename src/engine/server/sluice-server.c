/* sluice-server.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-server"

#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include "sluice-server-private.h"

/* The OpenAI- and Anthropic-compatible HTTP API of the engine, a
 * SoupServer on the engine's main context. The server keeps its listening
 * socket, so that it can stop accepting while the requests in flight
 * drain, and gives every connection an I/O timeout. */

G_DEFINE_QUARK (sluice-server-error-quark, sluice_server_error)

G_DEFINE_FINAL_TYPE (SluiceServer, sluice_server, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ENGINE,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

typedef struct
{
  const char      *path;
  const char      *method;
  SluiceApi        api;
  gboolean         needs_key;
  gboolean         prefix;      /* also answers path + "/<something>" */
  SluiceRouteFunc  func;
} Route;

static const Route routes[] = {
  { "/v1/chat/completions", "POST", SLUICE_API_OPENAI, TRUE, FALSE, _sluice_server_handle_chat },
  { "/v1/messages", "POST", SLUICE_API_ANTHROPIC, TRUE, FALSE, _sluice_server_handle_messages },
  { "/v1/models", "GET", SLUICE_API_OPENAI, TRUE, TRUE, _sluice_server_handle_models },
  { "/v1/embeddings", "POST", SLUICE_API_OPENAI, TRUE, FALSE, _sluice_server_handle_embeddings },
  { "/metrics", "GET", SLUICE_API_PLAIN, TRUE, FALSE, _sluice_server_handle_metrics },
  { "/healthz", "GET", SLUICE_API_PLAIN, FALSE, FALSE, _sluice_server_handle_healthz },
  { "/readyz", "GET", SLUICE_API_PLAIN, FALSE, FALSE, _sluice_server_handle_readyz },
  { "/v1/sluice/jobs", "GET", SLUICE_API_OPENAI, TRUE, TRUE, _sluice_server_handle_jobs },
};

static const Route *
find_route (const char  *path,
            const char **rest)
{
  *rest = NULL;
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      gsize len = strlen (routes[i].path);

      if (strcmp (path, routes[i].path) == 0)
        return &routes[i];
      if (routes[i].prefix && strncmp (path, routes[i].path, len) == 0 &&
          path[len] == '/' && path[len + 1] != '\0')
        {
          *rest = path + len + 1;
          return &routes[i];
        }
    }
  return NULL;
}

static SluiceApi
api_for_path (const char *path)
{
  const char *rest;
  const Route *route = find_route (path, &rest);

  return route != NULL ? route->api : SLUICE_API_OPENAI;
}

static const char *
message_path (SoupServerMessage *msg)
{
  GUri *uri = soup_server_message_get_uri (msg);

  return uri != NULL ? g_uri_get_path (uri) : "/";
}

/* Request lifecycle: body limits, counting, logging */

static void
refuse_too_large (SluiceServer      *self,
                  SoupServerMessage *msg,
                  const char        *message)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  /* The rest of the body is read and dropped, not kept. */
  soup_message_body_set_accumulate (body, FALSE);
  soup_message_body_truncate (body);
  _sluice_server_reply_error (self, msg, api_for_path (message_path (msg)),
                              SLUICE_FAULT_TOO_LARGE, NULL, message);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Connection", "close");
}

static void
got_headers_cb (SoupServerMessage *msg,
                SluiceServer      *self)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autofree char *message = NULL;

  _sluice_server_disarm_header_deadline (msg);
  if (soup_server_message_get_status (msg) != 0 ||
      soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH)
    return;
  if ((guint64) soup_message_headers_get_content_length (headers) <= self->max_body)
    return;

  message = g_strdup_printf ("The request body of %" G_GINT64_FORMAT " bytes is over the "
                             "limit of %" G_GSIZE_FORMAT " bytes",
                             soup_message_headers_get_content_length (headers), self->max_body);
  refuse_too_large (self, msg, message);
  /* Answered at once, without reading the body. */
  _sluice_server_refuse_now (self, msg);
}

static void
got_chunk_cb (SoupServerMessage *msg,
              GBytes            *chunk,
              SluiceServer      *self)
{
  gsize seen = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (msg), "sluice-body-bytes"));
  g_autofree char *message = NULL;

  seen += g_bytes_get_size (chunk);
  g_object_set_data (G_OBJECT (msg), "sluice-body-bytes", GSIZE_TO_POINTER (seen));
  if (seen <= self->max_body || soup_server_message_get_status (msg) != 0)
    return;

  message = g_strdup_printf ("The request body is over the limit of %" G_GSIZE_FORMAT " bytes",
                             self->max_body);
  refuse_too_large (self, msg, message);
}

static void
message_finished_cb (SoupServerMessage *msg,
                     SluiceServer      *self)
{
  guint status = soup_server_message_get_status (msg);

  /* A keep-alive connection waits for its next request from now. */
  _sluice_server_arm_header_deadline (self, msg);
  if (status == 0)
    return;
  _sluice_server_count_http (self, status);
  g_debug ("%s %s → %u", soup_server_message_get_method (msg), message_path (msg), status);
}

static void
request_started_cb (SoupServer        *soup,
                    SoupServerMessage *msg,
                    SluiceServer      *self)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  /* Slow or stalled peers (headers trickling in, a body that never comes,
   * a reader that stops reading) lose the connection after the timeout.
   * Streamed pieces go out at once. */
  if (socket != NULL)
    {
      g_socket_set_timeout (socket, self->io_timeout_s);
      g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
    }
  _sluice_server_arm_header_deadline (self, msg);
  g_signal_connect_object (msg, "got-headers", G_CALLBACK (got_headers_cb), self, 0);
  g_signal_connect_object (msg, "got-chunk", G_CALLBACK (got_chunk_cb), self, 0);
  g_signal_connect_object (msg, "finished", G_CALLBACK (message_finished_cb), self, 0);
}

/* Routing */

static gboolean
check_key (SluiceServer      *self,
           SoupServerMessage *msg,
           const Route       *route,
           SluiceConfig      *config,
           const char       **user)
{
  g_autoptr(GError) error = NULL;

  if (_sluice_server_authenticate (self, msg, config, user, &error))
    return TRUE;
  if (route->api == SLUICE_API_PLAIN)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "WWW-Authenticate", "Bearer");
  _sluice_server_reply_gerror (self, msg, route->api, error);
  return FALSE;
}

static void
server_cb (SoupServer        *soup,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  SluiceServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  const char *rest = NULL;
  const Route *route = find_route (path, &rest);
  const char *user = NULL;
  g_autofree char *message = NULL;
  g_autoptr(SluiceConfig) config = NULL;
  g_autoptr(GError) error = NULL;

  if (route == NULL)
    {
      message = g_strdup_printf ("No route %s %s on this gateway", method, path);
      _sluice_server_reply_error (self, msg, api_for_path (path), SLUICE_FAULT_NOT_FOUND,
                                  NULL, message);
      return;
    }
  if (strcmp (method, route->method) != 0)
    {
      message = g_strdup_printf ("%s %s is not allowed; use %s", method, route->path,
                                 route->method);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Allow", route->method);
      _sluice_server_reply_error (self, msg, route->api, SLUICE_FAULT_METHOD, NULL, message);
      return;
    }
  if (route->needs_key && !_sluice_check_request_headers (msg, &error))
    {
      _sluice_server_reply_gerror (self, msg, route->api, error);
      return;
    }
  if (self->draining && route->needs_key && route->api != SLUICE_API_PLAIN)
    {
      _sluice_server_reply_error (self, msg, route->api, SLUICE_FAULT_UNAVAILABLE, NULL,
                                  "The gateway is shutting down");
      return;
    }
  /* The config (and with it the user's name) lives as long as the call. */
  config = sluice_engine_dup_config (self->engine);
  if (route->needs_key && !check_key (self, msg, route, config, &user))
    return;
  route->func (self, msg, user, rest);
}

/* Object */

static void
sluice_server_constructed (GObject *object)
{
  SluiceServer *self = SLUICE_SERVER (object);

  G_OBJECT_CLASS (sluice_server_parent_class)->constructed (object);

  self->soup = soup_server_new ("server-header", "sluice/" PACKAGE_VERSION " ", NULL);
  soup_server_add_handler (self->soup, NULL, server_cb, self, NULL);
  g_signal_connect (self->soup, "request-started", G_CALLBACK (request_started_cb), self);
}

static void
sluice_server_dispose (GObject *object)
{
  SluiceServer *self = SLUICE_SERVER (object);

  _sluice_server_stop_accepting (self);
  if (self->soup != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->soup, self);
      soup_server_disconnect (self->soup);
      g_clear_object (&self->soup);
    }
  g_clear_object (&self->engine);

  G_OBJECT_CLASS (sluice_server_parent_class)->dispose (object);
}

static void
sluice_server_finalize (GObject *object)
{
  SluiceServer *self = SLUICE_SERVER (object);

  g_clear_pointer (&self->drain_tasks, g_ptr_array_unref);
  g_clear_pointer (&self->http_codes, g_hash_table_unref);

  G_OBJECT_CLASS (sluice_server_parent_class)->finalize (object);
}

static void
sluice_server_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  SluiceServer *self = SLUICE_SERVER (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      self->engine = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sluice_server_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SluiceServer *self = SLUICE_SERVER (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      g_value_set_object (value, self->engine);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sluice_server_class_init (SluiceServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = sluice_server_constructed;
  object_class->dispose = sluice_server_dispose;
  object_class->finalize = sluice_server_finalize;
  object_class->set_property = sluice_server_set_property;
  object_class->get_property = sluice_server_get_property;

  properties [PROP_ENGINE] =
    g_param_spec_object ("engine", NULL, NULL,
                         SLUICE_TYPE_ENGINE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sluice_server_init (SluiceServer *self)
{
  self->max_body = SLUICE_SERVER_DEFAULT_MAX_BODY;
  self->io_timeout_s = SLUICE_SERVER_DEFAULT_IO_TIMEOUT;
  self->log_requests = TRUE;
  self->started_at = g_get_real_time () / G_USEC_PER_SEC;
  self->drain_tasks = g_ptr_array_new_with_free_func (_sluice_drain_waiter_free);
  self->http_codes = g_hash_table_new (NULL, NULL);
}

/**
 * sluice_server_new:
 * @engine: the engine to serve; the server runs on its main context
 *
 * Returns: (transfer full): a server that does not listen yet
 */
SluiceServer *
sluice_server_new (SluiceEngine *engine)
{
  g_return_val_if_fail (SLUICE_IS_ENGINE (engine), NULL);

  return g_object_new (SLUICE_TYPE_SERVER, "engine", engine, NULL);
}

/**
 * sluice_server_get_engine:
 *
 * Returns: (transfer none): the engine
 */
SluiceEngine *
sluice_server_get_engine (SluiceServer *self)
{
  g_return_val_if_fail (SLUICE_IS_SERVER (self), NULL);

  return self->engine;
}

/**
 * sluice_server_set_max_body:
 *
 * Sets the largest request body accepted (default 4 MiB); bigger ones get
 * 413, judged by Content-Length before reading and by the bytes read.
 */
void
sluice_server_set_max_body (SluiceServer *self,
                            gsize         bytes)
{
  g_return_if_fail (SLUICE_IS_SERVER (self));
  g_return_if_fail (bytes > 0);

  self->max_body = bytes;
}

gsize
sluice_server_get_max_body (SluiceServer *self)
{
  g_return_val_if_fail (SLUICE_IS_SERVER (self), 0);

  return self->max_body;
}

/**
 * sluice_server_set_io_timeout:
 *
 * Sets how long a connection may stall on reading or writing before it is
 * closed (default 60 s); applies to requests that start from now on.
 */
void
sluice_server_set_io_timeout (SluiceServer *self,
                              guint         seconds)
{
  g_return_if_fail (SLUICE_IS_SERVER (self));

  self->io_timeout_s = seconds;
}

/**
 * sluice_server_set_log_prompts:
 *
 * Whether prompts and answers are logged (at debug level). Off by default.
 */
void
sluice_server_set_log_prompts (SluiceServer *self,
                               gboolean      log_prompts)
{
  g_return_if_fail (SLUICE_IS_SERVER (self));

  self->log_prompts = !!log_prompts;
}

/**
 * sluice_server_set_log_requests:
 *
 * Whether each request gets one info line (id, model, status, latency).
 * On by default; a busy gateway turns it off.
 */
void
sluice_server_set_log_requests (SluiceServer *self,
                                gboolean      log_requests)
{
  g_return_if_fail (SLUICE_IS_SERVER (self));

  self->log_requests = !!log_requests;
}

guint
sluice_server_get_n_in_flight (SluiceServer *self)
{
  g_return_val_if_fail (SLUICE_IS_SERVER (self), 0);

  return self->n_in_flight;
}
