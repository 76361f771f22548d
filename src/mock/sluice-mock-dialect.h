/* sluice-mock-dialect.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "sluice-mock-behaviour.h"
#include "sluice-mock-limits.h"
#include "sluice-request.h"

G_BEGIN_DECLS

/* A dialect is one provider's wire format: how its requests read, and how
 * its answers, stream events and errors look. */

typedef enum
{
  SLUICE_MOCK_OP_CHAT,
  SLUICE_MOCK_OP_EMBED,
  SLUICE_MOCK_OP_MODELS,
} SluiceMockOp;

typedef struct _SluiceMockDialect SluiceMockDialect;

/* One parsed request and the outcome decided for it. */
typedef struct
{
  const SluiceMockDialect *dialect;
  SluiceMockOp             op;
  const char              *endpoint;       /* the stats key */
  char                    *model;
  char                    *id;
  gint64                   created;        /* Unix seconds */
  gboolean                 stream;
  const char              *stream_content_type;
  gboolean                 include_usage;  /* OpenAI stream_options */
  gboolean                 sse;            /* Gemini alt=sse */
  gboolean                 batch;          /* embeddings: an array came in */
  gboolean                 base64;         /* embeddings: OpenAI encoding_format */
  guint                    dimensions;
  GPtrArray               *inputs;         /* embeddings: the texts */
  GList                   *models;         /* model listing: char * */
  SluiceRequest           *request;
  SluiceMockOutcome        outcome;
} SluiceMockExchange;

struct _SluiceMockDialect
{
  const char *name;

  /* FALSE with a bad-request message when the body is not acceptable. */
  gboolean  (*parse)             (SluiceMockExchange  *ex,
                                  JsonObject          *body,
                                  SoupMessageHeaders  *headers,
                                  char               **message);
  JsonNode *(*build_body)        (SluiceMockExchange  *ex);
  /* The stream, one string per chunk written, in order. */
  GPtrArray *(*build_events)     (SluiceMockExchange  *ex);
  /* Sets status and error body; @status 0 means the dialect's usual one. */
  void      (*set_error)         (SoupServerMessage   *msg,
                                  SluiceErrorClass     klass,
                                  guint                status,
                                  const char          *message);
  void      (*add_limit_headers) (SoupMessageHeaders         *headers,
                                  const SluiceMockLimitState *state);
};

extern const SluiceMockDialect sluice_mock_dialect_openai;
extern const SluiceMockDialect sluice_mock_dialect_anthropic;
extern const SluiceMockDialect sluice_mock_dialect_gemini;

SluiceMockExchange *sluice_mock_exchange_new   (const SluiceMockDialect *dialect,
                                                SluiceMockOp             op,
                                                const char              *endpoint);
void                sluice_mock_exchange_free  (SluiceMockExchange      *ex);
gboolean            sluice_mock_exchange_is_cut_short (SluiceMockExchange *ex);
const char         *sluice_mock_exchange_content (SluiceMockExchange    *ex);

char      *sluice_mock_json_to_string      (JsonNode           *node);
char      *sluice_mock_sse_event           (const char         *event,
                                            JsonNode           *data);
void       sluice_mock_set_json            (SoupServerMessage  *msg,
                                            guint               status,
                                            JsonNode           *node);
GPtrArray *sluice_mock_split_content       (const char         *content);
char      *sluice_mock_text_of             (JsonNode           *content);
JsonNode  *sluice_mock_embedding           (const char         *text,
                                            guint               dimensions);
const char *sluice_mock_get_string        (JsonObject         *object,
                                            const char         *member);
gboolean   sluice_mock_get_boolean         (JsonObject         *object,
                                            const char         *member);
JsonObject *sluice_mock_get_object         (JsonObject         *object,
                                            const char         *member);
JsonArray *sluice_mock_get_array           (JsonObject         *object,
                                            const char         *member);
gboolean   sluice_mock_read_role           (const char         *name,
                                            SluiceRole         *role);
gboolean   sluice_mock_read_number         (JsonObject         *object,
                                            const char         *member,
                                            double             *out);
const char *sluice_mock_error_text         (SluiceErrorClass    klass);
char      *sluice_mock_format_duration     (gint64              ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SluiceMockExchange, sluice_mock_exchange_free)

G_END_DECLS
