/* sluice-mock-stats.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Call counts of the mock server: per endpoint (and model within it), per
 * model (and outcome within it) and per outcome. */

typedef struct _SluiceMockStats SluiceMockStats;

SluiceMockStats *sluice_mock_stats_new     (void);
void             sluice_mock_stats_free    (SluiceMockStats *self);
void             sluice_mock_stats_record  (SluiceMockStats *self,
                                            const char      *endpoint,
                                            const char      *model,
                                            const char      *outcome);
void             sluice_mock_stats_reset   (SluiceMockStats *self);
guint64          sluice_mock_stats_get_total (SluiceMockStats *self);
JsonNode        *sluice_mock_stats_to_json (SluiceMockStats *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SluiceMockStats, sluice_mock_stats_free)

G_END_DECLS
