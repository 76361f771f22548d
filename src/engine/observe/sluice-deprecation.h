/* sluice-deprecation.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-alerts.h"
#include "sluice-config.h"

G_BEGIN_DECLS

#define SLUICE_DEPRECATION_NONE G_MININT

int                      sluice_deprecation_days_left  (const SluiceModelConfig *model,
                                                        gint64                   now_us);
const SluiceModelConfig *sluice_deprecation_substitute (SluiceConfig            *config,
                                                        const char              *model,
                                                        gint64                   now_us);
void                     sluice_deprecation_check      (SluiceConfig            *config,
                                                        gint64                   now_us,
                                                        SluiceAlerts            *alerts);
void                     sluice_deprecation_list       (SluiceConfig            *config,
                                                        gint64                   now_us,
                                                        GArray                  *out);

G_END_DECLS
