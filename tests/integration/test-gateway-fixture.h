/* test-gateway-fixture.h — an engine and its HTTP API on a free port
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "sluice.h"
#include "sluice-server.h"

G_BEGIN_DECLS

/* The in-process mock providers answer at once (zero latency), and the
 * engine runs on a manual clock that the wait loop moves only while the
 * engine sleeps on it, so waits (the "drip" provider's chunk delay,
 * backoffs) cost no real time. */

typedef struct
{
  SluiceClock  *clock;
  SluiceEngine *engine;
  SluiceServer *server;
  SoupSession  *session;
  char         *db_path;
  char         *base;        /* http://127.0.0.1:PORT */
  gboolean      hold_clock;  /* do not move the clock while waiting */
} GatewayFixture;

typedef struct
{
  guint               status;
  SoupMessageHeaders *headers;
  GBytes             *body;
  char               *text;  /* the body, NUL-terminated */
  JsonNode           *json;  /* NULL when the body is not JSON */
} GatewayReply;

char         *gateway_config        (const char     *alpha_extra,
                                     const char     *top_extra);
void          gateway_setup         (GatewayFixture *f,
                                     gconstpointer   top_extra);
void          gateway_teardown      (GatewayFixture *f,
                                     gconstpointer   data);
void          gateway_apply         (GatewayFixture *f,
                                     const char     *json);
void          gateway_wait          (GatewayFixture *f,
                                     gboolean       *done);
GatewayReply *gateway_request       (GatewayFixture *f,
                                     const char     *method,
                                     const char     *path,
                                     const char     *content_type,
                                     const char     *body,
                                     gssize          length,
                                     ...) G_GNUC_NULL_TERMINATED;
GatewayReply *gateway_post_json     (GatewayFixture *f,
                                     const char     *path,
                                     const char     *body);
void          gateway_reply_free    (GatewayReply   *reply);
const char   *gateway_header        (GatewayReply   *reply,
                                     const char     *name);
const char   *gateway_body_text     (GatewayReply   *reply);
JsonObject   *gateway_object        (GatewayReply   *reply);
const char   *gateway_path_string   (JsonNode       *root,
                                     const char     *path);
gint64        gateway_path_int      (JsonNode       *root,
                                     const char     *path);
GPtrArray    *gateway_sse_events    (GatewayReply   *reply,
                                     GPtrArray     **names);
GHashTable   *gateway_parse_metrics (const char     *text);
GIOStream    *gateway_raw_connect   (GatewayFixture *f);
char         *gateway_raw_exchange  (GatewayFixture *f,
                                     GIOStream      *stream,
                                     const char     *request,
                                     gsize           length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GatewayReply, gateway_reply_free)

#define CHAT_BODY(model, text) \
  "{\"model\":\"" model "\",\"messages\":[{\"role\":\"user\",\"content\":\"" text "\"}]}"

G_END_DECLS
