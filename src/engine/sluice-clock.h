/* sluice-clock.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sluice-types.h"

G_BEGIN_DECLS

#define SLUICE_TYPE_CLOCK (sluice_clock_get_type ())

G_DECLARE_FINAL_TYPE (SluiceClock, sluice_clock, SLUICE, CLOCK, GObject)

SluiceClock *sluice_clock_new_system     (void);
SluiceClock *sluice_clock_new_manual     (gint64               start_us);
gboolean     sluice_clock_is_manual      (SluiceClock         *self);
gint64       sluice_clock_now_us         (SluiceClock         *self);
gint64       sluice_clock_monotonic_us   (SluiceClock         *self);
void         sluice_clock_advance        (SluiceClock         *self,
                                          gint64               delta_us);
void         sluice_clock_sleep_async    (SluiceClock         *self,
                                          gint64               delay_us,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean     sluice_clock_sleep_finish   (SluiceClock         *self,
                                          GAsyncResult        *result,
                                          GError             **error);
guint        sluice_clock_pending_sleeps (SluiceClock         *self);

G_END_DECLS
