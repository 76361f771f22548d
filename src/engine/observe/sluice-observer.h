/* sluice-observer.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-alerts.h"
#include "sluice-clock.h"
#include "sluice-config.h"
#include "sluice-request.h"
#include "sluice-snapshot.h"
#include "sluice-store.h"

G_BEGIN_DECLS

/* The user name the LLM judge's own requests carry; they are not scored. */
#define SLUICE_OBSERVER_JUDGE_USER "sluice-judge"

/**
 * SluiceJudgeFunc:
 * @request: the judge's request (user %SLUICE_OBSERVER_JUDGE_USER)
 * @callback: call it once with the judge's response, or %NULL
 *
 * Sends @request through the engine, as the observer may not.
 */
typedef void (*SluiceJudgeDone) (SluiceResponse *response,
                                 gpointer        done_data);
typedef void (*SluiceJudgeFunc) (SluiceRequest   *request,
                                 SluiceJudgeDone  done,
                                 gpointer         done_data,
                                 gpointer         user_data);

#define SLUICE_TYPE_OBSERVER (sluice_observer_get_type ())

G_DECLARE_FINAL_TYPE (SluiceObserver, sluice_observer, SLUICE, OBSERVER, GObject)

SluiceObserver *sluice_observer_new            (SluiceClock     *clock,
                                                SluiceStore     *store,
                                                GError         **error);
void            sluice_observer_set_config     (SluiceObserver  *self,
                                                SluiceConfig    *config);
void            sluice_observer_set_webhook_url (SluiceObserver *self,
                                                const char      *url,
                                                guint            retries);
void            sluice_observer_set_judge_func (SluiceObserver  *self,
                                                SluiceJudgeFunc  func,
                                                gpointer         user_data);
void            sluice_observer_record         (SluiceObserver  *self,
                                                SluiceRequest   *request,
                                                SluiceResponse  *response);
void            sluice_observer_tick           (SluiceObserver  *self);
void            sluice_observer_flush          (SluiceObserver  *self);
SluiceAlerts   *sluice_observer_get_alerts     (SluiceObserver  *self);
gboolean        sluice_observer_raise          (SluiceObserver  *self,
                                                const char      *severity,
                                                const char      *code,
                                                const char      *key,
                                                gint64           dedup_s,
                                                const char      *message);
void            sluice_observer_fill_snapshot  (SluiceObserver  *self,
                                                SluiceSnapshot  *snapshot);
gsize           sluice_observer_get_memory     (SluiceObserver  *self);
gpointer        sluice_observer_get_webhook    (SluiceObserver  *self);

G_END_DECLS
