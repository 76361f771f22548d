/* sluice-providers-page.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sluice-engine-host.h"

G_BEGIN_DECLS

#define SLUICE_TYPE_PROVIDERS_PAGE (sluice_providers_page_get_type ())

G_DECLARE_FINAL_TYPE (SluiceProvidersPage, sluice_providers_page, SLUICE, PROVIDERS_PAGE, GtkWidget)

GtkWidget  *sluice_providers_page_new            (void);
void        sluice_providers_page_set_host       (SluiceProvidersPage *self,
                                                  SluiceEngineHost    *host);
void        sluice_providers_page_update         (SluiceProvidersPage *self,
                                                  SluiceSnapshot      *snapshot);
const char *sluice_providers_page_get_state_text (SluiceProvidersPage *self,
                                                  const char          *model);

G_END_DECLS
