/* sluice-webhook.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-alerts.h"
#include "sluice-clock.h"

G_BEGIN_DECLS

#define SLUICE_TYPE_WEBHOOK (sluice_webhook_get_type ())

G_DECLARE_FINAL_TYPE (SluiceWebhook, sluice_webhook, SLUICE, WEBHOOK, GObject)

SluiceWebhook *sluice_webhook_new            (SluiceClock       *clock,
                                              const char        *url,
                                              guint              retries,
                                              guint              base_backoff_ms);
const char    *sluice_webhook_get_url        (SluiceWebhook     *self);
void           sluice_webhook_deliver        (SluiceWebhook     *self,
                                              const SluiceAlert *alert);
guint          sluice_webhook_get_n_delivered (SluiceWebhook    *self);
guint          sluice_webhook_get_n_failed   (SluiceWebhook     *self);
guint          sluice_webhook_get_n_attempts (SluiceWebhook     *self);
guint          sluice_webhook_get_n_pending  (SluiceWebhook     *self);

G_END_DECLS
