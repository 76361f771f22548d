/* sluice-requests-page-private.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-requests-page.h"

G_BEGIN_DECLS

/* The detail pane's widgets, filled by sluice-requests-page-detail.c. */
typedef struct
{
  GtkLabel   *title;
  GtkGrid    *grid;
  GtkListBox *messages;
  GtkLabel   *answer;
  GtkListBox *trace;
} SluiceRequestsDetail;

void        _sluice_requests_detail_show   (SluiceRequestsDetail  *detail,
                                            const SluiceLedgerRow *row);
char       *_sluice_requests_format_time   (gint64                 time_us,
                                            gboolean               with_date);
const char *_sluice_requests_status_label  (SluiceRequestStatus    status);
const char *_sluice_requests_cache_label   (SluiceCacheStatus      cache);

G_END_DECLS
