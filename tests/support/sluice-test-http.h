/* sluice-test-http.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Small HTTP, JSON and SSE helpers for tests that talk to real servers.
 * They assert on transport failures, so a test reads as its checks. */

typedef struct
{
  guint               status;
  GBytes             *body;
  SoupMessageHeaders *headers;
} SluiceTestReply;

void             sluice_test_reply_clear        (SluiceTestReply *reply);
const char      *sluice_test_reply_header       (SluiceTestReply *reply,
                                                 const char      *name);

SoupMessage     *sluice_test_http_message       (const char      *method,
                                                 const char      *base_url,
                                                 const char      *path,
                                                 const char      *json);
SluiceTestReply  sluice_test_http_send          (SoupSession     *session,
                                                 SoupMessage     *msg);
char            *sluice_test_http_raw           (guint16          port,
                                                 const char      *method,
                                                 const char      *path,
                                                 const char      *json);

JsonNode        *sluice_test_json_parse         (const char      *data,
                                                 gssize           length);
JsonNode        *sluice_test_json_parse_bytes   (GBytes          *bytes);
JsonNode        *sluice_test_json_query         (JsonNode        *root,
                                                 const char      *expression);
char            *sluice_test_json_query_string  (JsonNode        *root,
                                                 const char      *expression);
gint64           sluice_test_json_query_int     (JsonNode        *root,
                                                 const char      *expression);
gboolean         sluice_test_json_has           (JsonNode        *root,
                                                 const char      *expression);

void             sluice_test_sse_split          (GBytes          *body,
                                                 GPtrArray      **names,
                                                 GPtrArray      **datas);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SluiceTestReply, sluice_test_reply_clear)

G_END_DECLS
