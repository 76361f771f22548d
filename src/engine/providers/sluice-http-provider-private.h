/* sluice-http-provider-private.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-http-provider.h"
#include "sluice-sse-parser.h"

G_BEGIN_DECLS

/* One call in flight: sending in sluice-http-provider.c, reading the answer
 * in sluice-http-provider-read.c. */
typedef struct
{
  /* borrowed: the task holds the provider, which holds all three */
  const SluiceHttpEndpoint *endpoint;
  const SluiceWireFormat   *format;
  const char               *provider_name;

  SoupMessage              *message;
  SluiceProviderCall       *call;
  GCancellable             *cancellable;  /* ours: cancelled by the caller's */
  GCancellable             *outer;
  gulong                    outer_id;
  GInputStream             *body;
  GByteArray               *buffer;
  SluiceSseParser          *parser;
  SluiceWireStream          stream;
  GString                  *delta;
  GError                   *stream_error;
  gint64                    start_us;
  gsize                     n_bytes;
  guint                     status;
  GSource                  *connect_timeout;
  gboolean                  connect_timed_out;
  gboolean                  streaming;
  gboolean                  raw_json;   /* answer the parsed body, not a completion */
} HttpState;

void _sluice_http_clear_connect_timeout (HttpState    *state);
void _sluice_http_state_free            (HttpState    *state);
void _sluice_http_on_sent               (GObject      *object,
                                         GAsyncResult *result,
                                         gpointer      user_data);

G_END_DECLS
