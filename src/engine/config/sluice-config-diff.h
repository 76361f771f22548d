/* sluice-config-diff.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "sluice-config.h"

G_BEGIN_DECLS

GPtrArray *sluice_config_diff_nodes (JsonNode      *a,
                                     JsonNode      *b);
GPtrArray *sluice_config_diff       (SluiceConfig  *a,
                                     SluiceConfig  *b);
char      *sluice_config_diff_text  (const char    *a_json,
                                     const char    *b_json,
                                     GError       **error);
char      *sluice_config_diff_render_value (JsonNode *node);

G_END_DECLS
