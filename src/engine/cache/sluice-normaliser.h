/* sluice-normaliser.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define SLUICE_TYPE_NORMALISER (sluice_normaliser_get_type ())

G_DECLARE_FINAL_TYPE (SluiceNormaliser, sluice_normaliser, SLUICE, NORMALISER, GObject)

const char * const *sluice_normaliser_get_default_fillers (void);
SluiceNormaliser   *sluice_normaliser_new                 (const char * const *filler_words);
GPtrArray          *sluice_normaliser_tokenise            (SluiceNormaliser   *self,
                                                           const char         *text);
char               *sluice_normaliser_normalise           (SluiceNormaliser   *self,
                                                           const char         *text);
gboolean            sluice_normaliser_is_negation         (const char         *token);

G_END_DECLS
