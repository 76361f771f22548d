/* sluice-budgets-page.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sluice-engine-host.h"

G_BEGIN_DECLS

#define SLUICE_TYPE_BUDGETS_PAGE (sluice_budgets_page_get_type ())

G_DECLARE_FINAL_TYPE (SluiceBudgetsPage, sluice_budgets_page, SLUICE, BUDGETS_PAGE, GtkWidget)

GtkWidget  *sluice_budgets_page_new      (void);
void        sluice_budgets_page_set_host (SluiceBudgetsPage   *self,
                                       SluiceEngineHost *host);
void        sluice_budgets_page_update   (SluiceBudgetsPage   *self,
                                       SluiceSnapshot   *snapshot);
double      sluice_budgets_page_get_spent (SluiceBudgetsPage *self,
                                          const char        *code);
GListModel *sluice_budgets_page_get_users (SluiceBudgetsPage *self);

G_END_DECLS
