/* sluice-server.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sluice-engine.h"

G_BEGIN_DECLS

#define SLUICE_SERVER_ERROR (sluice_server_error_quark ())

/**
 * SluiceServerError:
 * @SLUICE_SERVER_ERROR_ADDRESS: the listen address could not be parsed
 * @SLUICE_SERVER_ERROR_INSECURE: the address is reachable from other hosts
 *   and the config has no virtual keys to guard it
 * @SLUICE_SERVER_ERROR_STATE: the server already listens, or is draining
 */
typedef enum
{
  SLUICE_SERVER_ERROR_ADDRESS,
  SLUICE_SERVER_ERROR_INSECURE,
  SLUICE_SERVER_ERROR_STATE,
} SluiceServerError;

GQuark sluice_server_error_quark (void);

#define SLUICE_SERVER_DEFAULT_MAX_BODY   (4 * 1024 * 1024)
#define SLUICE_SERVER_DEFAULT_IO_TIMEOUT 60

#define SLUICE_TYPE_SERVER (sluice_server_get_type ())

G_DECLARE_FINAL_TYPE (SluiceServer, sluice_server, SLUICE, SERVER, GObject)

SluiceServer *sluice_server_new              (SluiceEngine         *engine);
SluiceEngine *sluice_server_get_engine       (SluiceServer         *self);
gboolean      sluice_server_listen           (SluiceServer         *self,
                                              const char           *address,
                                              GError              **error);
guint16       sluice_server_get_port         (SluiceServer         *self);
void          sluice_server_set_max_body     (SluiceServer         *self,
                                              gsize                 bytes);
gsize         sluice_server_get_max_body     (SluiceServer         *self);
void          sluice_server_set_io_timeout   (SluiceServer         *self,
                                              guint                 seconds);
void          sluice_server_set_log_prompts  (SluiceServer         *self,
                                              gboolean              log_prompts);
void          sluice_server_set_log_requests (SluiceServer         *self,
                                              gboolean              log_requests);
guint         sluice_server_get_n_in_flight  (SluiceServer         *self);
void          sluice_server_drain_async      (SluiceServer         *self,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean      sluice_server_drain_finish     (SluiceServer         *self,
                                              GAsyncResult         *result,
                                              GError              **error);

G_END_DECLS
