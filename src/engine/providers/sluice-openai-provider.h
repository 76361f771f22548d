/* sluice-openai-provider.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-http-provider.h"

G_BEGIN_DECLS

#define SLUICE_TYPE_OPENAI_PROVIDER (sluice_openai_provider_get_type ())

G_DECLARE_FINAL_TYPE (SluiceOpenaiProvider, sluice_openai_provider,
                      SLUICE, OPENAI_PROVIDER, SluiceHttpProvider)

SluiceProvider *sluice_openai_provider_new (const char *name,
                                            const char *base_url,
                                            const char *api_key,
                                            guint       connect_timeout_ms);

G_END_DECLS
