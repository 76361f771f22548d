/* sluice-alerts.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "sluice-clock.h"
#include "sluice-store.h"

G_BEGIN_DECLS

/**
 * SluiceAlert:
 * @id: unique, increasing
 * @time_us: when it was first raised (wall clock)
 * @last_us: when it was last raised again (deduplicated into this one)
 * @severity: "info", "warning" or "critical"
 * @code: what kind, e.g. "breaker.open", "quality.drop"
 * @key: what it is about (a model, a route, a day…); same code and key
 *   are one alert while it is not acknowledged
 * @message: a sentence for people
 * @count: how many times it was raised
 * @acknowledged: an operator has seen it
 */
typedef struct
{
  gint64    id;
  gint64    time_us;
  gint64    last_us;
  char     *severity;
  char     *code;
  char     *key;
  char     *message;
  guint     count;
  gboolean  acknowledged;
} SluiceAlert;

#define SLUICE_TYPE_ALERT (sluice_alert_get_type ())

GType        sluice_alert_get_type (void) G_GNUC_CONST;
SluiceAlert *sluice_alert_copy     (const SluiceAlert *alert);
void         sluice_alert_free     (SluiceAlert       *alert);
char        *sluice_alert_to_json  (const SluiceAlert *alert);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SluiceAlert, sluice_alert_free)

/* Dedup windows for sluice_alerts_raise(). */
#define SLUICE_ALERT_DEDUP_FOREVER 0

#define SLUICE_TYPE_ALERTS (sluice_alerts_get_type ())

G_DECLARE_FINAL_TYPE (SluiceAlerts, sluice_alerts, SLUICE, ALERTS, GObject)

SluiceAlerts *sluice_alerts_new        (SluiceClock  *clock,
                                        SluiceStore  *store);
gboolean      sluice_alerts_load       (SluiceAlerts *self,
                                        GError      **error);
gboolean      sluice_alerts_raise      (SluiceAlerts *self,
                                        const char   *severity,
                                        const char   *code,
                                        const char   *key,
                                        gint64        dedup_s,
                                        const char   *message);
gboolean      sluice_alerts_acknowledge (SluiceAlerts *self,
                                        gint64        id);
GPtrArray    *sluice_alerts_list       (SluiceAlerts *self,
                                        guint         max);
guint         sluice_alerts_count_code (SluiceAlerts *self,
                                        const char   *code);
guint         sluice_alerts_count_open (SluiceAlerts *self,
                                        const char   *severity);
guint64       sluice_alerts_get_serial (SluiceAlerts *self);

G_END_DECLS
