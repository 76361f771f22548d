/* sluice-overview-page.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sluice-engine-host.h"

G_BEGIN_DECLS

#define SLUICE_TYPE_OVERVIEW_PAGE (sluice_overview_page_get_type ())

G_DECLARE_FINAL_TYPE (SluiceOverviewPage, sluice_overview_page, SLUICE, OVERVIEW_PAGE, GtkWidget)

GtkWidget *sluice_overview_page_new      (void);
void       sluice_overview_page_set_host (SluiceOverviewPage *self,
                                          SluiceEngineHost   *host);
void       sluice_overview_page_update   (SluiceOverviewPage *self,
                                          SluiceSnapshot     *snapshot);

G_END_DECLS
