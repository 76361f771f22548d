/* sluice-mock-embedding.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The mock providers' embeddings, shared by the in-process mock and
 * sluice-mock so that both give the same vector for the same text. */

#define SLUICE_MOCK_EMBEDDING_DIMS     1536
#define SLUICE_MOCK_EMBEDDING_MAX_DIMS 8192

void sluice_mock_embedding_compute (const char *text,
                                    guint       dimensions,
                                    double     *out);

G_END_DECLS
