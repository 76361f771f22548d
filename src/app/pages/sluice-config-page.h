/* sluice-config-page.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sluice-config-draft.h"
#include "sluice-engine-host.h"

G_BEGIN_DECLS

#define SLUICE_TYPE_CONFIG_PAGE (sluice_config_page_get_type ())

G_DECLARE_FINAL_TYPE (SluiceConfigPage, sluice_config_page, SLUICE, CONFIG_PAGE, GtkWidget)

GtkWidget         *sluice_config_page_new             (void);
void               sluice_config_page_set_host        (SluiceConfigPage *self,
                                                       SluiceEngineHost *host);
SluiceConfigDraft *sluice_config_page_get_draft       (SluiceConfigPage *self);
gboolean           sluice_config_page_get_busy        (SluiceConfigPage *self);
GtkWidget         *sluice_config_page_lookup_row      (SluiceConfigPage *self,
                                                       const char       *path);
GtkWidget         *sluice_config_page_get_error_row   (SluiceConfigPage *self);
gboolean           sluice_config_page_apply           (SluiceConfigPage *self,
                                                       const char       *comment);
gboolean           sluice_config_page_import_file     (SluiceConfigPage *self,
                                                       GFile            *file,
                                                       GError          **error);
GtkWidget         *sluice_config_page_review          (SluiceConfigPage *self);
void               sluice_config_page_set_view        (SluiceConfigPage *self,
                                                       const char       *view,
                                                       const char       *section);
void               sluice_config_page_rollback        (SluiceConfigPage *self,
                                                       gint64            version);
void               sluice_config_page_store_key       (SluiceConfigPage *self,
                                                       const char       *provider,
                                                       const char       *key);
guint              sluice_config_page_get_n_versions  (SluiceConfigPage *self);
guint              sluice_config_page_get_n_masked_keys (SluiceConfigPage *self);

G_END_DECLS
