/* sluice-test-support.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "sluice-test-http.h"

G_BEGIN_DECLS

/* Helpers shared by the test programs: free loopback ports, the sluice-mock
 * server in a child process, and the redis-server the test runner started. */

typedef struct _SluiceTestMock SluiceTestMock;

guint16         sluice_test_free_port        (void);
SoupSession    *sluice_test_session_new      (void);
SluiceTestMock *sluice_test_mock_start       (const char      *scenario_json,
                                              GError         **error);
const char     *sluice_test_mock_get_url     (SluiceTestMock  *mock);
guint16         sluice_test_mock_get_port    (SluiceTestMock  *mock);
gboolean        sluice_test_mock_set_scenario (SluiceTestMock *mock,
                                               const char     *json,
                                               GError        **error);
char           *sluice_test_mock_get_stats   (SluiceTestMock  *mock);
gboolean        sluice_test_mock_reset       (SluiceTestMock  *mock,
                                              GError         **error);
void            sluice_test_mock_stop        (SluiceTestMock  *mock);
guint16         sluice_test_redis_port       (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SluiceTestMock, sluice_test_mock_stop)

G_END_DECLS
