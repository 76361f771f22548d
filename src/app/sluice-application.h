/* sluice-application.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sluice-engine-host.h"

G_BEGIN_DECLS

#define SLUICE_TYPE_APPLICATION (sluice_application_get_type ())

G_DECLARE_FINAL_TYPE (SluiceApplication, sluice_application, SLUICE, APPLICATION, AdwApplication)

SluiceApplication *sluice_application_new             (GApplicationFlags  extra_flags);
GSettings         *sluice_application_get_settings    (SluiceApplication *self);
SluiceEngineHost  *sluice_application_get_engine_host (SluiceApplication *self);
const char        *sluice_application_get_db_path     (SluiceApplication *self);
void               sluice_application_set_db_path     (SluiceApplication *self,
                                                       const char        *db_path);

G_END_DECLS
