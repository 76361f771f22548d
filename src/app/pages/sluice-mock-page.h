/* sluice-mock-page.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sluice-engine-host.h"

G_BEGIN_DECLS

#define SLUICE_TYPE_MOCK_PAGE (sluice_mock_page_get_type ())

G_DECLARE_FINAL_TYPE (SluiceMockPage, sluice_mock_page, SLUICE, MOCK_PAGE, GtkWidget)

GtkWidget *sluice_mock_page_new            (void);
void       sluice_mock_page_set_host       (SluiceMockPage *self,
                                            SluiceEngineHost *host);
gboolean   sluice_mock_page_get_busy       (SluiceMockPage *self);
GtkWidget *sluice_mock_page_lookup_control (SluiceMockPage *self,
                                            const char     *provider,
                                            const char     *control);
void       sluice_mock_page_reset          (SluiceMockPage *self,
                                            const char     *provider);

G_END_DECLS
