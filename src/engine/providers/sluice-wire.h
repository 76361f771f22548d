/* sluice-wire.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "sluice-provider.h"
#include "sluice-sse-parser.h"

G_BEGIN_DECLS

/* The conversion between Sluice's canonical request and completion and the
 * wire formats of the HTTP providers. Internal to the providers layer and
 * its tests. Every provider normalises usage so that input_tokens counts all
 * the prompt tokens, the cached ones included, and cached_input_tokens is
 * the part of them read from the provider's prompt cache. */

/* What a stream has said so far. */
typedef struct
{
  GString     *content;
  char        *finish_reason;
  char        *model;
  SluiceUsage  usage;
  gboolean     done;        /* the format's proper terminator was seen */
} SluiceWireStream;

void              sluice_wire_stream_init   (SluiceWireStream   *stream);
void              sluice_wire_stream_clear  (SluiceWireStream   *stream);
SluiceCompletion *sluice_wire_stream_finish (SluiceWireStream   *stream,
                                             GError            **error);

/* One wire format. */
typedef struct
{
  SluiceProviderKind  kind;
  /* A complete, successful, non-streamed answer. */
  SluiceCompletion   *(*parse_response) (JsonNode          *root,
                                         GError           **error);
  /* One server-sent event. Appends the text it carried to @delta. Returns
   * FALSE with @error set when the stream reported an error. */
  gboolean            (*stream_event)   (SluiceWireStream     *stream,
                                         const SluiceSseEvent *event,
                                         GString              *delta,
                                         GError              **error);
} SluiceWireFormat;

extern const SluiceWireFormat sluice_wire_openai;
extern const SluiceWireFormat sluice_wire_anthropic;
extern const SluiceWireFormat sluice_wire_gemini;

/* Request bodies. */
JsonNode *sluice_wire_openai_build_request    (SluiceRequest *request,
                                               const char    *model,
                                               gboolean       stream);
JsonNode *sluice_wire_anthropic_build_request (SluiceRequest *request,
                                               const char    *model,
                                               gboolean       stream);
JsonNode *sluice_wire_gemini_build_request    (SluiceRequest *request);
void      sluice_wire_gemini_add_text_parts   (JsonBuilder   *builder,
                                               const char    *text);

#define SLUICE_WIRE_ANTHROPIC_DEFAULT_MAX_TOKENS 1024

/* Embeddings (sluice-wire-embed.c). */
JsonNode         *sluice_wire_openai_build_embed (const char         *model,
                                                  const char * const *inputs,
                                                  guint               dimensions);
SluiceEmbeddings *sluice_wire_openai_parse_embed (JsonNode           *root,
                                                  GError            **error);
JsonNode         *sluice_wire_gemini_build_embed (const char         *model,
                                                  const char * const *inputs,
                                                  guint               dimensions);
SluiceEmbeddings *sluice_wire_gemini_parse_embed (JsonNode           *root,
                                                  GError            **error);

/* Shared helpers. */
const char       *sluice_wire_role_name          (SluiceRole          role);
char             *sluice_wire_join_system        (SluiceRequest      *request);
SluiceErrorClass  sluice_wire_classify           (guint               status,
                                                  const char         *type,
                                                  const char         *message);
GError           *sluice_wire_error_from_body    (guint               status,
                                                  const char         *body,
                                                  gsize               len);
GError           *sluice_wire_error_from_json    (guint               status,
                                                  JsonNode           *root);
SluiceCompletion *sluice_wire_completion_new     (const char         *content,
                                                  const char         *finish_reason,
                                                  const char         *model,
                                                  const SluiceUsage  *usage,
                                                  GError            **error);
JsonNode         *sluice_wire_parse_json         (const char         *data,
                                                  gssize              len,
                                                  GError            **error);
gint64            sluice_wire_get_int            (JsonObject         *object,
                                                  const char         *member);
const char       *sluice_wire_get_string         (JsonObject         *object,
                                                  const char         *member);
JsonObject       *sluice_wire_get_object         (JsonObject         *object,
                                                  const char         *member);
JsonArray        *sluice_wire_get_array          (JsonObject         *object,
                                                  const char         *member);
JsonNode         *sluice_wire_parse_event        (const SluiceSseEvent *event,
                                                  GError              **error);

/* Response headers. */
gint64            sluice_wire_parse_retry_after  (SoupMessageHeaders *headers,
                                                  GDateTime          *now);
gint64            sluice_wire_parse_remaining    (SoupMessageHeaders *headers,
                                                  const char * const *names);
char             *sluice_wire_mask_key           (const char         *key);
void              sluice_wire_scrub_secret       (GError             *error,
                                                  const char         *secret);
void              sluice_wire_read_limits        (SoupMessageHeaders *headers,
                                                  SluiceProviderCall *call);

G_END_DECLS
