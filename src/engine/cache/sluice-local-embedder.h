/* sluice-local-embedder.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-embedder.h"
#include "sluice-normaliser.h"

G_BEGIN_DECLS

#define SLUICE_LOCAL_EMBEDDER_DIMS      1024
/* Calibrated on tests/engine/cache/pairs.tsv (119 paraphrases, 127 hard
 * negatives), together with the second-stage check: no false positive at
 * any threshold from 0.40 up; the hit rate is 0.866 at 0.40, 0.857 at
 * 0.50, 0.807 at 0.60, 0.681 at 0.70 and 0.622 at 0.80. 0.50 keeps a
 * margin below which the check alone would stand guard. */
#define SLUICE_LOCAL_EMBEDDER_THRESHOLD 0.50

#define SLUICE_TYPE_LOCAL_EMBEDDER (sluice_local_embedder_get_type ())

G_DECLARE_FINAL_TYPE (SluiceLocalEmbedder, sluice_local_embedder, SLUICE, LOCAL_EMBEDDER, GObject)

SluiceLocalEmbedder *sluice_local_embedder_new   (SluiceNormaliser    *normaliser);
float               *sluice_local_embedder_embed (SluiceLocalEmbedder *self,
                                                  const char          *text);

G_END_DECLS
