/* sluice-http-provider.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "sluice-provider.h"
#include "sluice-wire.h"

G_BEGIN_DECLS

/* What the HTTP providers share: one call is one POST, built by the
 * provider's dialect, whose answer is read either whole or as a server-sent
 * event stream in the dialect's wire format. A provider holds an endpoint
 * and a static dialect; its vfuncs hand both to the functions below. */

/* Where a provider sends, and with which key. */
typedef struct
{
  SoupSession *session;
  char        *base_url;            /* NULL for the dialect's default */
  char        *api_key;             /* zeroed when cleared; scrubbed from messages */
  guint        connect_timeout_ms;  /* 0 for none */
} SluiceHttpEndpoint;

/* How one API turns a call into a request. */
typedef struct
{
  const SluiceWireFormat *format;
  const char             *default_base_url;

  /* The path after the base URL of a completion of @model. */
  char             *(*complete_path) (const char         *model,
                                      gboolean            stream);
  JsonNode         *(*build_request) (SluiceRequest      *request,
                                      const char         *model,
                                      gboolean            stream);
  /* Adds the key, when there is one, and the API's fixed headers. */
  void              (*add_headers)   (SoupMessageHeaders *headers,
                                      const char         *api_key);

  /* Embeddings: all NULL when the API has none. */
  char             *(*embed_path)    (const char         *model,
                                      guint               n_inputs);
  JsonNode         *(*build_embed)   (const char         *model,
                                      const char * const *inputs,
                                      guint               dimensions);
  SluiceEmbeddings *(*parse_embed)   (JsonNode           *root,
                                      GError            **error);
} SluiceHttpDialect;

void sluice_http_endpoint_init  (SluiceHttpEndpoint *endpoint,
                                 const char         *base_url,
                                 const char         *api_key,
                                 guint               connect_timeout_ms);
void sluice_http_endpoint_clear (SluiceHttpEndpoint *endpoint);

void              sluice_http_provider_complete_async  (SluiceProvider            *provider,
                                                        const SluiceHttpEndpoint  *endpoint,
                                                        const SluiceHttpDialect   *dialect,
                                                        SluiceProviderCall        *call,
                                                        GCancellable              *cancellable,
                                                        GAsyncReadyCallback        callback,
                                                        gpointer                   user_data);
SluiceCompletion *sluice_http_provider_complete_finish (SluiceProvider            *provider,
                                                        GAsyncResult              *result,
                                                        GError                   **error);
void              sluice_http_provider_embed_async     (SluiceProvider            *provider,
                                                        const SluiceHttpEndpoint  *endpoint,
                                                        const SluiceHttpDialect   *dialect,
                                                        SluiceProviderCall        *call,
                                                        GCancellable              *cancellable,
                                                        GAsyncReadyCallback        callback,
                                                        gpointer                   user_data);
SluiceEmbeddings *sluice_http_provider_embed_finish    (SluiceProvider            *provider,
                                                        GAsyncResult              *result,
                                                        GError                   **error);

/* The provider class of every HTTP API: sluice-http-provider-class.c. */

#define SLUICE_TYPE_HTTP_PROVIDER (sluice_http_provider_get_type ())

G_DECLARE_DERIVABLE_TYPE (SluiceHttpProvider, sluice_http_provider,
                          SLUICE, HTTP_PROVIDER, SluiceProvider)

/**
 * SluiceHttpProviderClass:
 * @dialect: the API's dialect; set by the subclass's class_init
 */
struct _SluiceHttpProviderClass
{
  SluiceProviderClass      parent_class;

  const SluiceHttpDialect *dialect;
};

void            sluice_http_provider_class_enable_embeddings (SluiceHttpProviderClass *klass,
                                                              guint                    max_batch);
SluiceProvider *sluice_http_provider_new (GType               type,
                                          const char         *name,
                                          SluiceProviderKind  kind,
                                          const char         *base_url,
                                          const char         *api_key,
                                          guint               connect_timeout_ms);

G_END_DECLS
