/* sluice-engine-observe.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-engine"

#include "config.h"

#include "sluice-engine-private.h"

/* The engine's face of observability (issue 8): the alert stream, the
 * webhook, and the LLM judge's way through the engine. */

static void
alert_raised_cb (SluiceAlerts      *alerts,
                 const SluiceAlert *alert,
                 SluiceEngine      *self)
{
  sluice_metrics_note_breaker_change (self->metrics);
}

typedef struct
{
  SluiceJudgeDone done;
  gpointer        done_data;
} JudgeCall;

static void
judge_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  JudgeCall *call = user_data;
  g_autoptr(SluiceResponse) response = NULL;

  response = sluice_engine_complete_finish (SLUICE_ENGINE (object), result, NULL);
  call->done (response, call->done_data);
  g_free (call);
}

static void
judge_func (SluiceRequest   *request,
            SluiceJudgeDone  done,
            gpointer         done_data,
            gpointer         user_data)
{
  SluiceEngine *self = user_data;
  JudgeCall *call = g_new0 (JudgeCall, 1);

  call->done = done;
  call->done_data = done_data;
  sluice_engine_complete_async (self, request, NULL, NULL, NULL, judge_done_cb, call);
}

void
_sluice_engine_setup_observer (SluiceEngine *self)
{
  g_signal_connect_object (sluice_observer_get_alerts (self->observer), "raised",
                           G_CALLBACK (alert_raised_cb), self, 0);
  sluice_observer_set_judge_func (self->observer, judge_func, self);
}

/**
 * sluice_engine_list_alerts:
 * @self: the engine
 * @max: at most this many, 0 for all that are kept
 *
 * Returns: (transfer full) (element-type SluiceAlert): the alert stream,
 *   newest first, acknowledged ones included
 */
GPtrArray *
sluice_engine_list_alerts (SluiceEngine *self,
                           guint         max)
{
  g_return_val_if_fail (SLUICE_IS_ENGINE (self), NULL);

  return sluice_alerts_list (sluice_observer_get_alerts (self->observer), max);
}

/**
 * sluice_engine_ack_alert:
 * @self: the engine
 * @id: an alert's id
 *
 * Marks the alert as seen (kept in the store); the same condition raised
 * later makes a new alert.
 *
 * Returns: %FALSE when no alert has that id
 */
gboolean
sluice_engine_ack_alert (SluiceEngine *self,
                         gint64        id)
{
  gboolean found;

  g_return_val_if_fail (SLUICE_IS_ENGINE (self), FALSE);

  found = sluice_alerts_acknowledge (sluice_observer_get_alerts (self->observer), id);
  if (found)
    sluice_engine_publish_snapshot (self);
  return found;
}

/**
 * sluice_engine_set_alert_webhook:
 * @self: the engine
 * @url: (nullable): where to POST each new alert as JSON; %NULL to use the
 *   config's `monitoring.webhook`
 * @retries: further attempts after a failed one
 */
void
sluice_engine_set_alert_webhook (SluiceEngine *self,
                                 const char   *url,
                                 guint         retries)
{
  g_return_if_fail (SLUICE_IS_ENGINE (self));

  sluice_observer_set_webhook_url (self->observer, url, retries);
}

/**
 * sluice_engine_get_observer:
 *
 * Returns: (transfer none): the observability part
 */
SluiceObserver *
sluice_engine_get_observer (SluiceEngine *self)
{
  g_return_val_if_fail (SLUICE_IS_ENGINE (self), NULL);

  return self->observer;
}
