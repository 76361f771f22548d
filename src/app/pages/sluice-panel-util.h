/* sluice-panel-util.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sluice.h"

G_BEGIN_DECLS

/* Small pieces the monitoring panels share. */

const char *sluice_panel_breaker_label     (int                         state);
const char *sluice_panel_breaker_css_class (int                         state);
const char *sluice_panel_severity_icon     (const char                 *severity);
char       *sluice_panel_format_clock      (gint64                      time_us);
char       *sluice_panel_format_countdown  (gint64                      remaining_us);
double      sluice_panel_cache_hit_rate    (const SluiceSnapshotCache  *cache);
guint64     sluice_panel_cache_lookups     (const SluiceSnapshotCache  *cache);
const SluiceSnapshotLimit *
            sluice_panel_find_limit_by_code (SluiceSnapshot            *snapshot,
                                             const char                *code);
char       *sluice_panel_format_limit_amount (int                        kind,
                                              gint64                     amount);
void        sluice_panel_set_label_take    (GtkLabel                   *label,
                                            char                       *text);
void        sluice_panel_toast             (GtkWidget                  *widget,
                                            const char                 *title);
void        sluice_panel_clear_list        (GtkListBox                 *list);

G_END_DECLS
