/* sluice-window.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sluice-application.h"

G_BEGIN_DECLS

#define SLUICE_TYPE_WINDOW (sluice_window_get_type ())

G_DECLARE_FINAL_TYPE (SluiceWindow, sluice_window, SLUICE, WINDOW, AdwApplicationWindow)

SluiceWindow *sluice_window_new        (SluiceApplication *application);
const char   *sluice_window_get_page   (SluiceWindow      *self);
gboolean      sluice_window_set_page   (SluiceWindow      *self,
                                        const char        *name);
void          sluice_window_add_toast  (SluiceWindow      *self,
                                        AdwToast          *toast);

G_END_DECLS
