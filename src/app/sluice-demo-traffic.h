/* sluice-demo-traffic.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-engine-host.h"

G_BEGIN_DECLS

typedef struct _SluiceDemoTraffic SluiceDemoTraffic;

SluiceDemoTraffic *sluice_demo_traffic_new  (SluiceEngineHost  *host);
void               sluice_demo_traffic_free (SluiceDemoTraffic *self);

G_END_DECLS
