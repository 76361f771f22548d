/* sluice-engine-host-private.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-engine-host.h"

G_BEGIN_DECLS

struct _SluiceEngineHost
{
  GObject         parent_instance;

  char           *db_path;
  guint           interval_ms;
  GThread        *thread;
  GMainContext   *engine_context;
  GMainLoop      *loop;
  GMainContext   *ui_context;

  /* Engine thread only. */
  SluiceEngine   *engine;
  gulong          snapshot_handler;
  gint64          config_version;

  /* Shared, under the mutex. */
  GMutex          mutex;
  GCond           cond;
  gboolean        started;
  SluiceConfig   *config;
  SluiceSnapshot *pending;
  GSource        *pending_source;

  /* Written before started is set, read-only afterwards. */
  GError         *error;

  /* UI thread only. */
  SluiceSnapshot *snapshot;
};

G_END_DECLS
