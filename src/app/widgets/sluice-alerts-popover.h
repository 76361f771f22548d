/* sluice-alerts-popover.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sluice-engine-host.h"

G_BEGIN_DECLS

#define SLUICE_TYPE_ALERTS_POPOVER (sluice_alerts_popover_get_type ())

G_DECLARE_FINAL_TYPE (SluiceAlertsPopover, sluice_alerts_popover, SLUICE, ALERTS_POPOVER, GtkPopover)

void   sluice_alerts_popover_set_host       (SluiceAlertsPopover *self,
                                             SluiceEngineHost    *host);
void   sluice_alerts_popover_update         (SluiceAlertsPopover *self,
                                             SluiceSnapshot      *snapshot);
void   sluice_alerts_popover_set_desktop_notifications
                                            (SluiceAlertsPopover *self,
                                             gboolean             enabled);
void   sluice_alerts_popover_set_badge      (SluiceAlertsPopover *self,
                                             GtkLabel            *badge);
guint  sluice_alerts_popover_get_n_unread   (SluiceAlertsPopover *self);
guint  sluice_alerts_popover_get_n_toasted  (SluiceAlertsPopover *self);
guint  sluice_alerts_popover_get_n_notified (SluiceAlertsPopover *self);

G_END_DECLS
