/* sluice-events.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-store.h"

G_BEGIN_DECLS

/* One engine event kept beside the ledger (table events): breaker state
 * changes and the like. */
typedef struct
{
  gint64  id;
  gint64  time_us;
  char   *kind;      /* e.g. "breaker.open" */
  char   *subject;   /* e.g. the model */
  char   *detail;
} SluiceEvent;

void       sluice_event_free     (SluiceEvent *event);
void       sluice_events_append  (SluiceStore *store,
                                  gint64       time_us,
                                  const char  *kind,
                                  const char  *subject,
                                  const char  *detail);
GPtrArray *sluice_events_list    (SluiceStore *store,
                                  gint64       since_us,
                                  guint        limit,
                                  GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SluiceEvent, sluice_event_free)

G_END_DECLS
