/* sluice-engine-host.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sluice.h"

G_BEGIN_DECLS

#define SLUICE_TYPE_ENGINE_HOST (sluice_engine_host_get_type ())

G_DECLARE_FINAL_TYPE (SluiceEngineHost, sluice_engine_host, SLUICE, ENGINE_HOST, GObject)

SluiceEngineHost *sluice_engine_host_new                  (const char           *db_path,
                                                           guint                 interval_ms);
const GError     *sluice_engine_host_get_error            (SluiceEngineHost     *self);
SluiceSnapshot   *sluice_engine_host_get_snapshot         (SluiceEngineHost     *self);
SluiceConfig     *sluice_engine_host_dup_config           (SluiceEngineHost     *self);
void              sluice_engine_host_set_snapshot_interval (SluiceEngineHost    *self,
                                                           guint                 interval_ms);
void              sluice_engine_host_send_async           (SluiceEngineHost     *self,
                                                           SluiceRequest        *request,
                                                           SluiceDeltaFunc       delta_cb,
                                                           gpointer              delta_data,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
SluiceResponse   *sluice_engine_host_send_finish          (SluiceEngineHost     *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

/* Operator commands of the monitoring panels. */
typedef void (*SluiceEngineHostFunc) (SluiceEngine *engine,
                                      gpointer      data);

void              sluice_engine_host_invoke               (SluiceEngineHost     *self,
                                                           SluiceEngineHostFunc  func,
                                                           gpointer              data,
                                                           GDestroyNotify        destroy);
void              sluice_engine_host_force_open_breaker   (SluiceEngineHost     *self,
                                                           const char           *model,
                                                           guint                 duration_s);
void              sluice_engine_host_reset_breaker        (SluiceEngineHost     *self,
                                                           const char           *model);
void              sluice_engine_host_purge_cache_async    (SluiceEngineHost     *self,
                                                           SluiceCachePurge      what,
                                                           const char           *value,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gssize            sluice_engine_host_purge_cache_finish   (SluiceEngineHost     *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);


/* Alerts (issue 9, the alerts popover): mark one alert, or every one not
 * yet acknowledged, as seen; the next snapshot shows it. */
void              sluice_engine_host_ack_alert            (SluiceEngineHost     *self,
                                                           gint64                id);
void              sluice_engine_host_ack_all_alerts       (SluiceEngineHost     *self);

/* Generic commands (the configuration editors): @func runs on the engine
 * thread with the engine and must complete @task (a GTask made on the
 * engine context), now or later; the answer comes back on the UI context. */
typedef void (*SluiceEngineHostTaskFunc) (SluiceEngine *engine,
                                          gpointer      data,
                                          GTask        *task);

void              sluice_engine_host_run_async            (SluiceEngineHost     *self,
                                                           SluiceEngineHostTaskFunc func,
                                                           gpointer              data,
                                                           GDestroyNotify        data_destroy,
                                                           GDestroyNotify        result_destroy,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gpointer          sluice_engine_host_run_finish           (SluiceEngineHost     *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

/* Request log. */
SluiceLedgerModel *sluice_engine_host_new_ledger_model    (SluiceEngineHost     *self);

G_END_DECLS
