/* sluice-http-provider-class.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-providers"

#include "config.h"

#include "sluice-http-provider.h"

/* SluiceHttpProvider: the provider class the HTTP APIs share. An instance
 * holds the endpoint (base URL, key, session); a subclass only names its
 * dialect (and whether the API embeds) in its class_init. */

typedef struct
{
  SluiceHttpEndpoint http;
} SluiceHttpProviderPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (SluiceHttpProvider, sluice_http_provider, SLUICE_TYPE_PROVIDER)

static const SluiceHttpDialect *
dialect_of (SluiceProvider *provider)
{
  return SLUICE_HTTP_PROVIDER_GET_CLASS (provider)->dialect;
}

static void
http_complete_async (SluiceProvider      *provider,
                     SluiceProviderCall  *call,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  SluiceHttpProviderPrivate *priv =
    sluice_http_provider_get_instance_private (SLUICE_HTTP_PROVIDER (provider));

  sluice_http_provider_complete_async (provider, &priv->http, dialect_of (provider), call,
                                       cancellable, callback, user_data);
}

static void
http_embed_async (SluiceProvider      *provider,
                  SluiceProviderCall  *call,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  SluiceHttpProviderPrivate *priv =
    sluice_http_provider_get_instance_private (SLUICE_HTTP_PROVIDER (provider));

  sluice_http_provider_embed_async (provider, &priv->http, dialect_of (provider), call,
                                    cancellable, callback, user_data);
}

static void
sluice_http_provider_finalize (GObject *object)
{
  SluiceHttpProviderPrivate *priv =
    sluice_http_provider_get_instance_private (SLUICE_HTTP_PROVIDER (object));

  sluice_http_endpoint_clear (&priv->http);

  G_OBJECT_CLASS (sluice_http_provider_parent_class)->finalize (object);
}

static void
sluice_http_provider_class_init (SluiceHttpProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SluiceProviderClass *provider_class = SLUICE_PROVIDER_CLASS (klass);

  object_class->finalize = sluice_http_provider_finalize;

  provider_class->complete_async = http_complete_async;
  provider_class->complete_finish = sluice_http_provider_complete_finish;
}

static void
sluice_http_provider_init (SluiceHttpProvider *self)
{
}

/**
 * sluice_http_provider_class_enable_embeddings:
 * @klass: a subclass whose dialect has the embedding functions
 * @max_batch: the most inputs in one call (0: no limit)
 *
 * For a subclass's class_init: the API also embeds.
 */
void
sluice_http_provider_class_enable_embeddings (SluiceHttpProviderClass *klass,
                                              guint                    max_batch)
{
  SluiceProviderClass *provider_class = SLUICE_PROVIDER_CLASS (klass);

  g_return_if_fail (klass->dialect != NULL && klass->dialect->parse_embed != NULL);

  provider_class->embed_async = http_embed_async;
  provider_class->embed_finish = sluice_http_provider_embed_finish;
  provider_class->embed_max_batch = max_batch;
}

/**
 * sluice_http_provider_new:
 * @type: a subclass of #SluiceHttpProvider
 * @name: the provider's name in the configuration
 * @kind: its kind
 * @base_url: (nullable): the API root; the dialect's default when %NULL
 * @api_key: (nullable): the key
 * @connect_timeout_ms: how long connecting may take, 0 for no limit
 *
 * Returns: (transfer full): a new provider of @type
 */
SluiceProvider *
sluice_http_provider_new (GType               type,
                          const char         *name,
                          SluiceProviderKind  kind,
                          const char         *base_url,
                          const char         *api_key,
                          guint               connect_timeout_ms)
{
  SluiceHttpProvider *self;
  SluiceHttpProviderPrivate *priv;

  g_return_val_if_fail (g_type_is_a (type, SLUICE_TYPE_HTTP_PROVIDER), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  self = g_object_new (type, "name", name, "kind", kind, NULL);
  priv = sluice_http_provider_get_instance_private (self);
  sluice_http_endpoint_init (&priv->http, base_url, api_key, connect_timeout_ms);

  return SLUICE_PROVIDER (self);
}
