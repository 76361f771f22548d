/* sluice-providers-card.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sluice.h"

G_BEGIN_DECLS

/* One model's card on the Providers page. */
typedef struct _SluiceModelCard SluiceModelCard;

SluiceModelCard *sluice_model_card_new            (const char             *model,
                                                   const char             *provider);
void             sluice_model_card_free           (SluiceModelCard        *card);
GtkWidget       *sluice_model_card_get_widget     (SluiceModelCard        *card);
void             sluice_model_card_update         (SluiceModelCard        *card,
                                                   SluiceSnapshot         *snapshot,
                                                   const SluiceModelStats *stats);
gboolean         sluice_model_card_tick           (SluiceModelCard        *card,
                                                   gint64                  now_us);
const char      *sluice_model_card_get_state_text (SluiceModelCard        *card);

G_END_DECLS
