/* sluice-mock-server.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SLUICE_TYPE_MOCK_SERVER (sluice_mock_server_get_type ())

G_DECLARE_FINAL_TYPE (SluiceMockServer, sluice_mock_server, SLUICE, MOCK_SERVER, GObject)

SluiceMockServer *sluice_mock_server_new               (void);
void              sluice_mock_server_set_seed_override (SluiceMockServer  *self,
                                                        gint64             seed);
void              sluice_mock_server_set_quiet         (SluiceMockServer  *self,
                                                        gboolean           quiet);
gboolean          sluice_mock_server_set_scenario_data (SluiceMockServer  *self,
                                                        const char        *data,
                                                        gssize             length,
                                                        GError           **error);
gboolean          sluice_mock_server_load_scenario     (SluiceMockServer  *self,
                                                        const char        *path,
                                                        GError           **error);
gboolean          sluice_mock_server_listen            (SluiceMockServer  *self,
                                                        GInetAddress      *address,
                                                        guint16            port,
                                                        GError           **error);
guint16           sluice_mock_server_get_port          (SluiceMockServer  *self);
void              sluice_mock_server_disconnect        (SluiceMockServer  *self);

G_END_DECLS
