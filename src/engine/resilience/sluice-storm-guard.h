/* sluice-storm-guard.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-clock.h"
#include "sluice-request.h"

G_BEGIN_DECLS

#define SLUICE_TYPE_STORM_GUARD (sluice_storm_guard_get_type ())

G_DECLARE_FINAL_TYPE (SluiceStormGuard, sluice_storm_guard, SLUICE, STORM_GUARD, GObject)

SluiceStormGuard *sluice_storm_guard_new       (SluiceClock      *clock);
void              sluice_storm_guard_configure (SluiceStormGuard *self,
                                                guint             max_repeats,
                                                guint             window_s);
gboolean          sluice_storm_guard_check     (SluiceStormGuard *self,
                                                SluiceRequest    *request,
                                                guint            *seen,
                                                gint64           *retry_at_us);
guint             sluice_storm_guard_get_size  (SluiceStormGuard *self);

G_END_DECLS
