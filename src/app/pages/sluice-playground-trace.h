/* sluice-playground-trace.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "sluice.h"

G_BEGIN_DECLS

GtkWidget   *sluice_playground_trace_row_new   (const SluiceTraceEntry *entry);
SluiceTrace *sluice_playground_trace_from_json (const char             *json);

G_END_DECLS
