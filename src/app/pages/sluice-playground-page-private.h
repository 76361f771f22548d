/* sluice-playground-page-private.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-playground-page.h"

G_BEGIN_DECLS

/* sluice-playground-page-compare.c: one column of Compare mode. */
#define SLUICE_TYPE_PLAYGROUND_COLUMN (sluice_playground_column_get_type ())

G_DECLARE_FINAL_TYPE (SluicePlaygroundColumn, sluice_playground_column, SLUICE, PLAYGROUND_COLUMN, GtkBox)

SluicePlaygroundColumn *_sluice_playground_column_new           (void);
void                    _sluice_playground_column_set_choices   (SluicePlaygroundColumn *self,
                                                                 GListModel             *choices,
                                                                 guint                   selected);
guint                   _sluice_playground_column_get_selected  (SluicePlaygroundColumn *self);
void                    _sluice_playground_column_reset         (SluicePlaygroundColumn *self);
void                    _sluice_playground_column_append        (SluicePlaygroundColumn *self,
                                                                 const char             *text);
void                    _sluice_playground_column_show_error    (SluicePlaygroundColumn *self,
                                                                 const char             *message);
void                    _sluice_playground_column_show_response (SluicePlaygroundColumn *self,
                                                                 SluiceResponse         *response);
SluiceResponse         *_sluice_playground_column_get_response  (SluicePlaygroundColumn *self);

G_END_DECLS
