/* sluice-engine.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sluice-clock.h"
#include "sluice-config.h"
#include "sluice-deferred-queue.h"
#include "sluice-exact-cache.h"
#include "sluice-provider.h"
#include "sluice-request.h"
#include "sluice-router.h"
#include "sluice-observer.h"
#include "sluice-snapshot.h"
#include "sluice-store.h"
#include "sluice-ledger-model.h"

G_BEGIN_DECLS

#define SLUICE_ENGINE_ERROR (sluice_engine_error_quark ())

/**
 * SluiceEngineError:
 * @SLUICE_ENGINE_ERROR_INVALID_REQUEST: the request failed admission
 * @SLUICE_ENGINE_ERROR_NO_ROUTE: no chain or model answers to the name asked for
 * @SLUICE_ENGINE_ERROR_ALL_FAILED: every model of the chain failed
 * @SLUICE_ENGINE_ERROR_REFUSED: a limit, budget or guard refused the request
 * @SLUICE_ENGINE_ERROR_SHUTTING_DOWN: the engine is closing
 */
typedef enum
{
  SLUICE_ENGINE_ERROR_INVALID_REQUEST,
  SLUICE_ENGINE_ERROR_NO_ROUTE,
  SLUICE_ENGINE_ERROR_ALL_FAILED,
  SLUICE_ENGINE_ERROR_REFUSED,
  SLUICE_ENGINE_ERROR_SHUTTING_DOWN,
} SluiceEngineError;

GQuark sluice_engine_error_quark (void);

#define SLUICE_TYPE_ENGINE (sluice_engine_get_type ())

G_DECLARE_FINAL_TYPE (SluiceEngine, sluice_engine, SLUICE, ENGINE, GObject)

SluiceEngine   *sluice_engine_new                  (const char          *db_path,
                                                    SluiceClock         *clock,
                                                    GError             **error);
SluiceClock    *sluice_engine_get_clock            (SluiceEngine        *self);
SluiceStore    *sluice_engine_get_store            (SluiceEngine        *self);
SluiceConfig   *sluice_engine_dup_config           (SluiceEngine        *self);
gint64          sluice_engine_get_config_version   (SluiceEngine        *self);
gboolean        sluice_engine_apply_config         (SluiceEngine        *self,
                                                    SluiceConfig        *config,
                                                    const char          *author,
                                                    const char          *comment,
                                                    GError             **error);
gboolean        sluice_engine_apply_config_json    (SluiceEngine        *self,
                                                    const char          *json,
                                                    const char          *author,
                                                    const char          *comment,
                                                    GError             **error);
SluiceProvider *sluice_engine_lookup_provider      (SluiceEngine        *self,
                                                    const char          *name);
void            sluice_engine_complete_async       (SluiceEngine        *self,
                                                    SluiceRequest       *request,
                                                    SluiceDeltaFunc      on_delta,
                                                    gpointer             on_delta_data,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
SluiceResponse *sluice_engine_complete_finish      (SluiceEngine        *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
SluiceSnapshot *sluice_engine_dup_snapshot         (SluiceEngine        *self);
void            sluice_engine_publish_snapshot     (SluiceEngine        *self);
void            sluice_engine_force_open_breaker   (SluiceEngine        *self,
                                                    const char          *model,
                                                    guint                duration_s);
void            sluice_engine_reset_breaker        (SluiceEngine        *self,
                                                    const char          *model);
/* Deferred requests (sluice-engine-deferred.c) */
guint              sluice_engine_run_deferred_jobs (SluiceEngine  *self);
SluiceDeferredJob *sluice_engine_lookup_job        (SluiceEngine  *self,
                                                    const char    *id,
                                                    GError       **error);

void            sluice_engine_set_snapshot_interval (SluiceEngine       *self,
                                                    guint                interval_ms);

/* Gateway: what answers a request, known before its first streamed byte. */

/**
 * SluiceDispatchInfo:
 * @request_id: the request's id
 * @route: the chain (or model) the request was routed to
 * @model: the model answering
 * @provider: (nullable): its provider
 * @cache_status: the cache's verdict so far
 * @fallback_depth: how many models of the chain were passed over
 *
 * Borrowed for the duration of a #SluiceDispatchFunc call.
 */
typedef struct
{
  const char        *request_id;
  const char        *route;
  const char        *model;
  const char        *provider;
  SluiceCacheStatus  cache_status;
  guint              fallback_depth;
} SluiceDispatchInfo;

typedef void (*SluiceDispatchFunc) (const SluiceDispatchInfo *info,
                                    gpointer                  user_data);

void            sluice_engine_complete_full_async  (SluiceEngine        *self,
                                                    SluiceRequest       *request,
                                                    SluiceDeltaFunc      on_delta,
                                                    SluiceDispatchFunc   on_dispatch,
                                                    gpointer             data,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);


/* Administration: config history, rollback, diffs, mock chaos, provider
 * probes (sluice-engine-admin.c). */

/**
 * SluiceProviderProbe:
 * @ok: whether the provider answered
 * @latency_us: how long the call took
 * @model: the model asked (the provider's first in the config), or %NULL
 * @message: what it answered, or why it failed
 *
 * The result of sluice_engine_test_provider_async().
 */
typedef struct
{
  gboolean  ok;
  gint64    latency_us;
  char     *model;
  char     *message;
} SluiceProviderProbe;

#define SLUICE_TYPE_PROVIDER_PROBE (sluice_provider_probe_get_type ())

GType                sluice_provider_probe_get_type    (void) G_GNUC_CONST;
SluiceProviderProbe *sluice_provider_probe_copy        (const SluiceProviderProbe *probe);
void                 sluice_provider_probe_free        (SluiceProviderProbe *probe);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SluiceProviderProbe, sluice_provider_probe_free)

GPtrArray           *sluice_engine_list_config_versions (SluiceEngine        *self,
                                                         GError             **error);
gint64               sluice_engine_rollback             (SluiceEngine        *self,
                                                         gint64               version,
                                                         const char          *author,
                                                         const char          *comment,
                                                         GError             **error);
char                *sluice_engine_config_diff          (SluiceConfig        *a,
                                                         SluiceConfig        *b);
SluiceMockBehaviour *sluice_engine_dup_mock_behaviour   (SluiceEngine        *self,
                                                         const char          *provider);
gboolean             sluice_engine_set_mock_chaos       (SluiceEngine        *self,
                                                         const char          *provider,
                                                         SluiceMockBehaviour *behaviour,
                                                         GError             **error);
gboolean             sluice_engine_reset_mock_chaos     (SluiceEngine        *self,
                                                         const char          *provider,
                                                         GError             **error);
void                 sluice_engine_reload_provider_async (SluiceEngine       *self,
                                                         const char          *provider,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean             sluice_engine_reload_provider_finish (SluiceEngine      *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);
void                 sluice_engine_test_provider_async  (SluiceEngine        *self,
                                                         const char          *provider,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
SluiceProviderProbe *sluice_engine_test_provider_finish (SluiceEngine        *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

/* Console panels (sluice-engine-console.c) */
guint                sluice_engine_purge_cache          (SluiceEngine        *self,
                                                         SluiceCachePurge     what,
                                                         const char          *value);

/* Request log (sluice-engine-requests.c) */
SluiceLedgerModel   *sluice_engine_new_ledger_model     (SluiceEngine        *self);

/* Routing: the route a request would take and why, without calling a
 * provider (sluice-engine-routing.c). */

SluiceRouteDecision *sluice_engine_explain         (SluiceEngine        *self,
                                                    SluiceRequest       *request,
                                                    GError             **error);

/* Embeddings (issue 3): sluice-engine-embed.c */
void              sluice_engine_embed_async  (SluiceEngine        *self,
                                              const char          *model,
                                              const char * const  *inputs,
                                              guint                dimensions,
                                              const char          *user,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
SluiceEmbeddings *sluice_engine_embed_finish (SluiceEngine        *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* Observability (issue 8): the alert stream (sluice-engine-observe.c). */
GPtrArray        *sluice_engine_list_alerts       (SluiceEngine        *self,
                                                   guint                max);
gboolean          sluice_engine_ack_alert         (SluiceEngine        *self,
                                                   gint64               id);
void              sluice_engine_set_alert_webhook (SluiceEngine        *self,
                                                   const char          *url,
                                                   guint                retries);
SluiceObserver   *sluice_engine_get_observer      (SluiceEngine        *self);

G_END_DECLS
