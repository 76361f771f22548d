/* sluice-format.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *sluice_format_count    (guint64 value);
char *sluice_format_duration (gint64  duration_us);
char *sluice_format_usd      (double  usd);
char *sluice_format_percent  (double  fraction);
char *sluice_format_rate     (double  per_second);

G_END_DECLS
