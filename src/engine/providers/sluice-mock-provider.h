/* sluice-mock-provider.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-clock.h"
#include "sluice-mock-behaviour.h"
#include "sluice-provider.h"

G_BEGIN_DECLS

#define SLUICE_TYPE_MOCK_PROVIDER (sluice_mock_provider_get_type ())

G_DECLARE_FINAL_TYPE (SluiceMockProvider, sluice_mock_provider, SLUICE, MOCK_PROVIDER, SluiceProvider)

SluiceMockProvider  *sluice_mock_provider_new           (const char          *name,
                                                         SluiceMockBehaviour *behaviour,
                                                         SluiceClock         *clock);
SluiceMockBehaviour *sluice_mock_provider_dup_behaviour (SluiceMockProvider  *self);
void                 sluice_mock_provider_set_behaviour (SluiceMockProvider  *self,
                                                         SluiceMockBehaviour *behaviour);
guint64              sluice_mock_provider_get_n_calls   (SluiceMockProvider  *self);

G_END_DECLS
