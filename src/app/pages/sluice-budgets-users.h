/* sluice-budgets-users.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "sluice.h"

G_BEGIN_DECLS

/* The Budgets page's per-user table: one row per user seen in the limit
 * readings ("user NAME: tokens per hour", …). */
#define SLUICE_TYPE_USER_USAGE (sluice_user_usage_get_type ())

G_DECLARE_FINAL_TYPE (SluiceUserUsage, sluice_user_usage, SLUICE, USER_USAGE, GObject)

const char *sluice_user_usage_get_name     (SluiceUserUsage *self);
gint64      sluice_user_usage_get_tokens_hour (SluiceUserUsage *self);
double      sluice_user_usage_get_fraction (SluiceUserUsage *self);

void        sluice_budgets_users_setup     (GtkColumnView   *view,
                                            GListStore      *store);
gboolean    sluice_budgets_users_update    (GListStore      *store,
                                            SluiceSnapshot  *snapshot);

G_END_DECLS
