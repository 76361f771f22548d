/* sluice.h — the one header consumers of libsluice include
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#define SLUICE_INSIDE

#include "sluice-types.h"
#include "sluice-enums.h"
#include "sluice-clock.h"
#include "sluice-request.h"
#include "sluice-config.h"
#include "sluice-config-diff.h"
#include "sluice-provider.h"
#include "sluice-mock-behaviour.h"
#include "sluice-mock-provider.h"
#include "sluice-snapshot.h"
#include "sluice-breaker.h"
#include "sluice-store.h"
#include "sluice-secrets.h"
#include "sluice-engine.h"

#undef SLUICE_INSIDE
