/* sluice-engine.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sluice-clock.h"
#include "sluice-config.h"
#include "sluice-provider.h"
#include "sluice-request.h"
#include "sluice-snapshot.h"
#include "sluice-store.h"

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
void            sluice_engine_set_snapshot_interval (SluiceEngine       *self,
                                                    guint                interval_ms);

G_END_DECLS
