/* sluice-http-provider.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "sluice-provider.h"
#include "sluice-wire.h"

G_BEGIN_DECLS

/* The libsoup plumbing the HTTP providers share: one call is one POST whose
 * answer is read either whole or as a server-sent event stream. */

typedef struct
{
  SoupSession            *session;
  const SluiceWireFormat *format;
  const char             *provider_name;
  const char             *secret;              /* scrubbed from messages */
  guint                   connect_timeout_ms;  /* 0 for none */
} SluiceHttpTarget;

SoupSession      *sluice_http_provider_new_session   (void);
SoupMessage      *sluice_http_provider_new_message   (const char              *url,
                                                      JsonNode                *body,
                                                      gboolean                 stream);
void              sluice_http_provider_send_async    (gpointer                 source_object,
                                                      const SluiceHttpTarget  *target,
                                                      SoupMessage             *message,
                                                      SluiceProviderCall      *call,
                                                      GCancellable            *cancellable,
                                                      GAsyncReadyCallback      callback,
                                                      gpointer                 user_data);
SluiceCompletion *sluice_http_provider_send_finish   (GAsyncResult            *result,
                                                      GError                 **error);
void              sluice_http_provider_send_json_async  (gpointer               source_object,
                                                         const SluiceHttpTarget *target,
                                                         SoupMessage            *message,
                                                         SluiceProviderCall     *call,
                                                         GCancellable           *cancellable,
                                                         GAsyncReadyCallback     callback,
                                                         gpointer                user_data);
JsonNode         *sluice_http_provider_send_json_finish (GAsyncResult           *result,
                                                         GError                **error);
char             *sluice_http_provider_build_url     (const char              *base_url,
                                                      const char              *default_base,
                                                      const char              *path);

G_END_DECLS
