/* sluice-mock-scenario.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "sluice-mock-behaviour.h"

G_BEGIN_DECLS

#define SLUICE_MOCK_SCENARIO_ERROR (sluice_mock_scenario_error_quark ())

/**
 * SluiceMockScenarioError:
 * @SLUICE_MOCK_SCENARIO_ERROR_INVALID: the document is not a valid scenario;
 *   the message starts with the JSON path of the offending member
 */
typedef enum
{
  SLUICE_MOCK_SCENARIO_ERROR_INVALID,
} SluiceMockScenarioError;

GQuark sluice_mock_scenario_error_quark (void);

/* How one behaviour's streams are broken or paced. */
typedef struct
{
  guint cut_after_chunks;  /* 0: never cut */
  guint chunk_delay_ms;    /* 0: spread the latency over the chunks */
} SluiceMockStreamSettings;

/* One behaviour of a scenario with its own random sequence. */
typedef struct
{
  SluiceMockBehaviour      *behaviour;
  SluiceMockStreamSettings  stream;
  GRand                    *rand;
} SluiceMockEntry;

typedef struct _SluiceMockScenario SluiceMockScenario;

SluiceMockScenario *sluice_mock_scenario_new_default   (void);
SluiceMockScenario *sluice_mock_scenario_new_from_json (JsonNode           *root,
                                                        GError            **error);
SluiceMockScenario *sluice_mock_scenario_new_from_data (const char         *data,
                                                        gssize              length,
                                                        GError            **error);
void                sluice_mock_scenario_free          (SluiceMockScenario *self);
JsonNode           *sluice_mock_scenario_to_json       (SluiceMockScenario *self);
SluiceMockEntry    *sluice_mock_scenario_lookup        (SluiceMockScenario *self,
                                                        const char         *model);
GList              *sluice_mock_scenario_dup_models    (SluiceMockScenario *self);
gint64              sluice_mock_scenario_get_rpm       (SluiceMockScenario *self);
gint64              sluice_mock_scenario_get_tpm       (SluiceMockScenario *self);
void                sluice_mock_scenario_reseed        (SluiceMockScenario *self,
                                                        gint64              seed_override);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SluiceMockScenario, sluice_mock_scenario_free)

G_END_DECLS
