/* sluice-sse-parser.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* SluiceSseParser: an incremental parser of the text/event-stream format
 * (WHATWG HTML, "Server-sent events"). Bytes may be fed in chunks split
 * anywhere; lines may end in CRLF, LF or CR. */

typedef struct _SluiceSseParser SluiceSseParser;

typedef struct
{
  const char *event;     /* the event type, "message" when none was given */
  const char *data;      /* the data lines joined with "\n" */
  const char *id;        /* the last event id seen, "" when none */
  gint64      retry_ms;  /* the last valid retry field, -1 when none */
} SluiceSseEvent;

/* Returns FALSE to stop the parser: later input is then ignored. */
typedef gboolean (*SluiceSseEventFunc) (const SluiceSseEvent *event,
                                        gpointer              user_data);

SluiceSseParser *sluice_sse_parser_new          (SluiceSseEventFunc  func,
                                                 gpointer            user_data);
void             sluice_sse_parser_free         (SluiceSseParser    *self);
gboolean         sluice_sse_parser_feed         (SluiceSseParser    *self,
                                                 const char         *data,
                                                 gsize               len);
gboolean         sluice_sse_parser_finish       (SluiceSseParser    *self);
guint            sluice_sse_parser_get_n_events (SluiceSseParser    *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SluiceSseParser, sluice_sse_parser_free)

G_END_DECLS
