/* sluice-prices.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean sluice_prices_lookup (const char *upstream_id,
                               double     *price_in,
                               double     *price_cached_in,
                               double     *price_out);

G_END_DECLS
