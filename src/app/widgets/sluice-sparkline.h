/* sluice-sparkline.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SLUICE_TYPE_SPARKLINE (sluice_sparkline_get_type ())

G_DECLARE_FINAL_TYPE (SluiceSparkline, sluice_sparkline, SLUICE, SPARKLINE, GtkWidget)

GtkWidget *sluice_sparkline_new        (void);
void       sluice_sparkline_set_values (SluiceSparkline *self,
                                        const double    *values,
                                        guint            n_values);
guint      sluice_sparkline_get_n_values (SluiceSparkline *self);

G_END_DECLS
