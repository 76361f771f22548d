/* sluice-cache-page.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sluice-engine-host.h"

G_BEGIN_DECLS

#define SLUICE_TYPE_CACHE_PAGE (sluice_cache_page_get_type ())

G_DECLARE_FINAL_TYPE (SluiceCachePage, sluice_cache_page, SLUICE, CACHE_PAGE, GtkWidget)

GtkWidget  *sluice_cache_page_new      (void);
void        sluice_cache_page_set_host (SluiceCachePage   *self,
                                       SluiceEngineHost *host);
void        sluice_cache_page_update   (SluiceCachePage   *self,
                                       SluiceSnapshot   *snapshot);
double      sluice_cache_page_get_hit_rate (SluiceCachePage *self);
const char *sluice_cache_page_get_policy_hits (SluiceCachePage *self,
                                               const char      *task);

G_END_DECLS
