/* sluice-mock-call.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "sluice-mock-dialect.h"
#include "sluice-mock-scenario.h"

G_BEGIN_DECLS

/* SluiceMockCall: one provider call on the wire after its outcome was
 * decided. It holds the message paused for the latency, then answers, streams
 * (perhaps cutting the connection), or never answers for a timeout. It lives
 * in @registry, a set owned by the server, until the message is finished. */

typedef struct _SluiceMockCall SluiceMockCall;

void sluice_mock_call_start (SoupServerMessage        *msg,
                             SluiceMockExchange       *exchange,
                             SluiceMockStreamSettings  stream,
                             GHashTable               *registry);
void sluice_mock_call_free  (SluiceMockCall           *call);

G_END_DECLS
