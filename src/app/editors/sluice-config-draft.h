/* sluice-config-draft.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice.h"

G_BEGIN_DECLS

#define SLUICE_TYPE_CONFIG_DRAFT (sluice_config_draft_get_type ())

G_DECLARE_FINAL_TYPE (SluiceConfigDraft, sluice_config_draft, SLUICE, CONFIG_DRAFT, GObject)

SluiceConfigDraft *sluice_config_draft_new         (void);
void               sluice_config_draft_set_running (SluiceConfigDraft  *self,
                                                    SluiceConfig       *running);
gboolean           sluice_config_draft_load        (SluiceConfigDraft  *self,
                                                    const char         *json,
                                                    GError            **error);
JsonObject        *sluice_config_draft_get_root    (SluiceConfigDraft  *self);
JsonNode          *sluice_config_draft_lookup      (SluiceConfigDraft  *self,
                                                    const char         *path);
void               sluice_config_draft_changed     (SluiceConfigDraft  *self,
                                                    gboolean            structural);
gboolean           sluice_config_draft_is_dirty    (SluiceConfigDraft  *self);
char              *sluice_config_draft_dup_json    (SluiceConfigDraft  *self);
char              *sluice_config_draft_dup_diff    (SluiceConfigDraft  *self);
gboolean           sluice_config_draft_move        (SluiceConfigDraft  *self,
                                                    const char         *array_path,
                                                    guint               from,
                                                    guint               to);
gboolean           sluice_config_draft_remove      (SluiceConfigDraft  *self,
                                                    const char         *array_path,
                                                    guint               index);
SluiceConfig      *sluice_config_draft_validate    (SluiceConfigDraft  *self,
                                                    GError            **error);

G_END_DECLS
