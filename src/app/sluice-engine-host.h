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

G_END_DECLS
