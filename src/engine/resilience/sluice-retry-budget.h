/* sluice-retry-budget.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-clock.h"

G_BEGIN_DECLS

#define SLUICE_TYPE_RETRY_BUDGET (sluice_retry_budget_get_type ())

G_DECLARE_FINAL_TYPE (SluiceRetryBudget, sluice_retry_budget, SLUICE, RETRY_BUDGET, GObject)

SluiceRetryBudget *sluice_retry_budget_new            (SluiceClock       *clock);
void               sluice_retry_budget_configure      (SluiceRetryBudget *self,
                                                       double             ratio,
                                                       guint              window_s,
                                                       guint              min_retries);
void               sluice_retry_budget_record_request (SluiceRetryBudget *self);
gboolean           sluice_retry_budget_try_acquire    (SluiceRetryBudget *self);
void               sluice_retry_budget_get_counts     (SluiceRetryBudget *self,
                                                       guint             *requests,
                                                       guint             *retries);

G_END_DECLS
