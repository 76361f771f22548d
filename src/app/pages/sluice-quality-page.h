/* sluice-quality-page.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sluice-engine-host.h"

G_BEGIN_DECLS

#define SLUICE_TYPE_QUALITY_PAGE (sluice_quality_page_get_type ())

G_DECLARE_FINAL_TYPE (SluiceQualityPage, sluice_quality_page, SLUICE, QUALITY_PAGE, GtkWidget)

GtkWidget  *sluice_quality_page_new           (void);
void        sluice_quality_page_set_host      (SluiceQualityPage *self,
                                               SluiceEngineHost  *host);
void        sluice_quality_page_update        (SluiceQualityPage *self,
                                               SluiceSnapshot    *snapshot);
double      sluice_quality_page_get_score     (SluiceQualityPage *self,
                                               const char        *route);
gboolean    sluice_quality_page_get_days_left (SluiceQualityPage *self,
                                               const char        *model,
                                               int               *days_left);

G_END_DECLS
