/* sluice-requests-page.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sluice-engine-host.h"

G_BEGIN_DECLS

#define SLUICE_TYPE_REQUESTS_PAGE (sluice_requests_page_get_type ())

G_DECLARE_FINAL_TYPE (SluiceRequestsPage, sluice_requests_page, SLUICE, REQUESTS_PAGE, GtkWidget)

GtkWidget  *sluice_requests_page_new           (void);
void        sluice_requests_page_set_host      (SluiceRequestsPage *self,
                                                SluiceEngineHost   *host);
GListModel *sluice_requests_page_get_model     (SluiceRequestsPage *self);
void        sluice_requests_page_select        (SluiceRequestsPage *self,
                                                guint               position);
gint64      sluice_requests_page_get_detail_id (SluiceRequestsPage *self);

G_END_DECLS
