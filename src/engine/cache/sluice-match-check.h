/* sluice-match-check.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-normaliser.h"

G_BEGIN_DECLS

gboolean sluice_match_check (SluiceNormaliser  *normaliser,
                             const char        *query,
                             const char        *candidate,
                             char             **reason);

G_END_DECLS
