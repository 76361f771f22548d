/* provider-fixture.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "sluice.h"

G_BEGIN_DECLS

/* A loopback SoupServer that answers each request with the next scripted
 * reply, records what it was sent, and notices when a client closes a
 * connection it holds open. Runs on the thread-default main context. */

typedef struct
{
  guint               status;
  const char         *content_type;    /* application/json when NULL */
  const char * const *headers;         /* name, value, ..., NULL */
  const char * const *chunks;          /* the body in pieces, NULL-ended */
  guint               chunk_delay_ms;  /* between pieces */
  gboolean            chunked;         /* send the pieces one by one */
  gboolean            cut;             /* shut the socket after the pieces */
  gboolean            hold;            /* never finish the body */
  gboolean            hold_headers;    /* never even send the headers */
} SluiceTestReply;

typedef struct
{
  char               *method;
  char               *path;
  char               *query;
  SoupMessageHeaders *headers;
  char               *body;
  JsonNode           *json;
} SluiceTestRequest;

typedef struct _SluiceTestServer SluiceTestServer;

SluiceTestServer        *sluice_test_server_new          (void);
void                     sluice_test_server_free         (SluiceTestServer      *self);
const char              *sluice_test_server_get_url      (SluiceTestServer      *self);
void                     sluice_test_server_push         (SluiceTestServer      *self,
                                                          const SluiceTestReply *reply);
guint                    sluice_test_server_get_n_requests (SluiceTestServer    *self);
const SluiceTestRequest *sluice_test_server_get_request  (SluiceTestServer      *self,
                                                          guint                  index);
guint                    sluice_test_server_get_n_connections (SluiceTestServer *self);
guint                    sluice_test_server_get_n_closed (SluiceTestServer      *self);
gboolean                 sluice_test_server_wait_closed  (SluiceTestServer      *self,
                                                          guint                  n);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SluiceTestServer, sluice_test_server_free)

/* A listening port whose backlog is full: connecting to it hangs. */
typedef struct _SluiceTestBlackHole SluiceTestBlackHole;

SluiceTestBlackHole *sluice_test_black_hole_new     (void);
void                 sluice_test_black_hole_free    (SluiceTestBlackHole *self);
char                *sluice_test_black_hole_dup_url (SluiceTestBlackHole *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SluiceTestBlackHole, sluice_test_black_hole_free)

/* Runs one call to completion on the thread-default main context. */
typedef struct
{
  SluiceCompletion *completion;
  GError           *error;
  GString          *deltas;      /* the deltas joined with "|" */
  guint             n_deltas;
  GCancellable     *cancel_on_delta;
} SluiceTestResult;

void sluice_test_result_clear (SluiceTestResult   *result);
void sluice_test_run_call     (SluiceProvider     *provider,
                               SluiceProviderCall *call,
                               GCancellable       *cancellable,
                               SluiceTestResult   *result);

/* A request with one user message and @model. */
SluiceProviderCall *sluice_test_call_new (const char *model,
                                          gboolean    stream);

/* The fixture of the HTTP provider tests: a server, a provider of the kind
 * under test pointed at it, and the result of the last call. */
typedef SluiceProvider *(*SluiceTestProviderNew) (const char *name,
                                                  const char *base_url,
                                                  const char *api_key,
                                                  guint       connect_timeout_ms);

typedef struct
{
  SluiceTestServer *server;
  SluiceProvider   *provider;
  SluiceTestResult  result;
} SluiceTestFixture;

void sluice_test_fixture_init     (int                   *argc,
                                   char                ***argv);
void sluice_test_fixture_setup    (SluiceTestFixture     *f,
                                   SluiceTestProviderNew  provider_new,
                                   const char            *name,
                                   const char            *path,
                                   const char            *api_key);
void sluice_test_fixture_teardown (SluiceTestFixture     *f,
                                   gconstpointer          data);
void sluice_test_fixture_run      (SluiceTestFixture     *f,
                                   const SluiceTestReply *reply,
                                   SluiceProviderCall    *call);

G_END_DECLS
