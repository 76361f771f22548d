/* sluice-playground-page.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sluice-engine-host.h"

G_BEGIN_DECLS

#define SLUICE_TYPE_PLAYGROUND_PAGE (sluice_playground_page_get_type ())

G_DECLARE_FINAL_TYPE (SluicePlaygroundPage, sluice_playground_page, SLUICE, PLAYGROUND_PAGE, GtkWidget)

GtkWidget      *sluice_playground_page_new          (void);
void            sluice_playground_page_set_host     (SluicePlaygroundPage *self,
                                                     SluiceEngineHost     *host);
gboolean        sluice_playground_page_get_busy     (SluicePlaygroundPage *self);
SluiceResponse *sluice_playground_page_get_response (SluicePlaygroundPage *self);
void            sluice_playground_page_set_compare  (SluicePlaygroundPage *self,
                                                     gboolean              compare);
void            sluice_playground_page_set_compare_models (SluicePlaygroundPage *self,
                                                           guint                 first,
                                                           guint                 second);
SluiceResponse *sluice_playground_page_get_compare_response (SluicePlaygroundPage *self,
                                                             guint                 column);

G_END_DECLS
