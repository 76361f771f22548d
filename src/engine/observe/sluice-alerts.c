/* sluice-alerts.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-observe"

#include "config.h"

#include <json-glib/json-glib.h>

#include "sluice-alerts.h"
#include "sluice-observe-sql.h"

/* The engine's one alert stream. Every alert is kept in the store, so the
 * console and sluiced show the same list after a restart. An alert raised
 * again (same code and key, not acknowledged, within its dedup window) is
 * folded into the first: its count and last time move, nothing new is
 * announced. Acknowledging ends the folding. */

#define MAX_KEPT 500

struct _SluiceAlerts
{
  GObject      parent_instance;

  SluiceClock *clock;
  SluiceStore *store;
  GQueue       alerts;     /* SluiceAlert*, newest first */
  gint64       next_id;
  guint64      serial;     /* moves on every change */
};

G_DEFINE_FINAL_TYPE (SluiceAlerts, sluice_alerts, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (SluiceAlert, sluice_alert, sluice_alert_copy, sluice_alert_free)

enum {
  RAISED,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

SluiceAlert *
sluice_alert_copy (const SluiceAlert *alert)
{
  SluiceAlert *copy = g_memdup2 (alert, sizeof *alert);

  copy->severity = g_strdup (alert->severity);
  copy->code = g_strdup (alert->code);
  copy->key = g_strdup (alert->key);
  copy->message = g_strdup (alert->message);
  return copy;
}

void
sluice_alert_free (SluiceAlert *alert)
{
  if (alert == NULL)
    return;
  g_free (alert->severity);
  g_free (alert->code);
  g_free (alert->key);
  g_free (alert->message);
  g_free (alert);
}

/**
 * sluice_alert_to_json:
 *
 * Returns: (transfer full): the alert as the webhook posts it
 */
char *
sluice_alert_to_json (const SluiceAlert *alert)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (alert->time_us / G_USEC_PER_SEC);
  g_autofree char *iso = g_date_time_format_iso8601 (when);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, alert->id);
  json_builder_set_member_name (b, "time");
  json_builder_add_string_value (b, iso);
  json_builder_set_member_name (b, "severity");
  json_builder_add_string_value (b, alert->severity);
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, alert->code);
  json_builder_set_member_name (b, "key");
  json_builder_add_string_value (b, alert->key);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, alert->message);
  json_builder_set_member_name (b, "source");
  json_builder_add_string_value (b, "sluice");
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static void
sluice_alerts_finalize (GObject *object)
{
  SluiceAlerts *self = SLUICE_ALERTS (object);

  g_queue_clear_full (&self->alerts, (GDestroyNotify) sluice_alert_free);
  g_clear_object (&self->clock);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (sluice_alerts_parent_class)->finalize (object);
}

static void
sluice_alerts_class_init (SluiceAlertsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sluice_alerts_finalize;

  /**
   * SluiceAlerts::raised:
   * @alerts: the stream
   * @alert: the new alert
   *
   * A new alert (not one folded into an earlier one).
   */
  signals [RAISED] =
    g_signal_new ("raised", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1,
                  SLUICE_TYPE_ALERT | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
sluice_alerts_init (SluiceAlerts *self)
{
  g_queue_init (&self->alerts);
  self->next_id = 1;
}

/**
 * sluice_alerts_new:
 * @store: (nullable): where alerts are kept; %NULL keeps them in memory
 */
SluiceAlerts *
sluice_alerts_new (SluiceClock *clock,
                   SluiceStore *store)
{
  SluiceAlerts *self = g_object_new (SLUICE_TYPE_ALERTS, NULL);

  self->clock = g_object_ref (clock);
  if (store != NULL)
    self->store = g_object_ref (store);
  return self;
}

static void
load_row (sqlite3_stmt *stmt,
          gpointer      data)
{
  SluiceAlerts *self = data;
  SluiceAlert *alert = g_new0 (SluiceAlert, 1);

  alert->id = sqlite3_column_int64 (stmt, 0);
  alert->time_us = sqlite3_column_int64 (stmt, 1);
  alert->last_us = sqlite3_column_int64 (stmt, 2);
  alert->severity = _sluice_observe_column_text (stmt, 3);
  alert->code = _sluice_observe_column_text (stmt, 4);
  alert->key = _sluice_observe_column_text (stmt, 5);
  alert->message = _sluice_observe_column_text (stmt, 6);
  alert->count = (guint) sqlite3_column_int64 (stmt, 7);
  alert->acknowledged = sqlite3_column_int64 (stmt, 8) != 0;
  g_queue_push_tail (&self->alerts, alert);
  self->next_id = MAX (self->next_id, alert->id + 1);
}

/* Reads the newest alerts back from the store. */
gboolean
sluice_alerts_load (SluiceAlerts  *self,
                    GError       **error)
{
  g_return_val_if_fail (SLUICE_IS_ALERTS (self), FALSE);

  if (self->store == NULL)
    return TRUE;
  g_queue_clear_full (&self->alerts, (GDestroyNotify) sluice_alert_free);
  if (!_sluice_observe_query (self->store,
                              "SELECT id, time_us, last_us, severity, code, key, message, "
                              "count, acknowledged FROM alerts ORDER BY id DESC LIMIT ?",
                              g_variant_new ("(x)", (gint64) MAX_KEPT), load_row, self, error))
    return FALSE;
  self->serial++;
  return TRUE;
}

static void
persist (SluiceAlerts      *self,
         const SluiceAlert *a)
{
  if (self->store == NULL)
    return;
  _sluice_observe_exec (self->store,
                        "INSERT OR REPLACE INTO alerts (id, time_us, last_us, severity, code, "
                        "key, message, count, acknowledged) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        g_variant_new ("(xxxssssxx)", a->id, a->time_us, a->last_us, a->severity,
                                       a->code, a->key, a->message, (gint64) a->count,
                                       (gint64) a->acknowledged));
}

static SluiceAlert *
find_open (SluiceAlerts *self,
           const char   *code,
           const char   *key,
           gint64        dedup_s,
           gint64        now)
{
  for (GList *l = self->alerts.head; l != NULL; l = l->next)
    {
      SluiceAlert *a = l->data;

      if (a->acknowledged || g_strcmp0 (a->code, code) != 0 || g_strcmp0 (a->key, key) != 0)
        continue;
      if (dedup_s == SLUICE_ALERT_DEDUP_FOREVER || now - a->last_us < dedup_s * G_USEC_PER_SEC)
        return a;
    }
  return NULL;
}

/**
 * sluice_alerts_raise:
 * @key: (nullable): what the alert is about; %NULL for the code alone
 * @dedup_s: how long the same unacknowledged alert folds repeats into
 *   itself; %SLUICE_ALERT_DEDUP_FOREVER until it is acknowledged
 *
 * Returns: %TRUE when this is a new alert, %FALSE when it was folded
 */
gboolean
sluice_alerts_raise (SluiceAlerts *self,
                     const char   *severity,
                     const char   *code,
                     const char   *key,
                     gint64        dedup_s,
                     const char   *message)
{
  gint64 now;
  SluiceAlert *alert;

  g_return_val_if_fail (SLUICE_IS_ALERTS (self), FALSE);
  g_return_val_if_fail (severity != NULL && code != NULL && message != NULL, FALSE);

  now = sluice_clock_now_us (self->clock);
  key = key != NULL ? key : "";
  self->serial++;
  if ((alert = find_open (self, code, key, dedup_s, now)) != NULL)
    {
      alert->count++;
      alert->last_us = now;
      g_free (alert->message);
      alert->message = g_strdup (message);
      persist (self, alert);
      return FALSE;
    }

  g_message ("Alert (%s) %s: %s", severity, code, message);
  alert = g_new0 (SluiceAlert, 1);
  alert->id = self->next_id++;
  alert->time_us = alert->last_us = now;
  alert->severity = g_strdup (severity);
  alert->code = g_strdup (code);
  alert->key = g_strdup (key);
  alert->message = g_strdup (message);
  alert->count = 1;
  g_queue_push_head (&self->alerts, alert);
  while (g_queue_get_length (&self->alerts) > MAX_KEPT)
    sluice_alert_free (g_queue_pop_tail (&self->alerts));
  persist (self, alert);
  g_signal_emit (self, signals [RAISED], 0, alert);
  return TRUE;
}

gboolean
sluice_alerts_acknowledge (SluiceAlerts *self,
                           gint64        id)
{
  g_return_val_if_fail (SLUICE_IS_ALERTS (self), FALSE);

  for (GList *l = self->alerts.head; l != NULL; l = l->next)
    {
      SluiceAlert *a = l->data;

      if (a->id != id)
        continue;
      if (!a->acknowledged)
        {
          a->acknowledged = TRUE;
          self->serial++;
          persist (self, a);
        }
      return TRUE;
    }
  return FALSE;
}

/**
 * sluice_alerts_list:
 * @max: at most this many; 0 for all kept
 *
 * Returns: (transfer full) (element-type SluiceAlert): copies, newest first
 */
GPtrArray *
sluice_alerts_list (SluiceAlerts *self,
                    guint         max)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) sluice_alert_free);

  g_return_val_if_fail (SLUICE_IS_ALERTS (self), list);

  for (GList *l = self->alerts.head; l != NULL && (max == 0 || list->len < max); l = l->next)
    g_ptr_array_add (list, sluice_alert_copy (l->data));
  return list;
}

/* How many distinct alerts with @code are kept (folded repeats count once). */
guint
sluice_alerts_count_code (SluiceAlerts *self,
                          const char   *code)
{
  guint n = 0;

  g_return_val_if_fail (SLUICE_IS_ALERTS (self), 0);

  for (GList *l = self->alerts.head; l != NULL; l = l->next)
    n += g_strcmp0 (((SluiceAlert *) l->data)->code, code) == 0;
  return n;
}

/* Unacknowledged alerts of @severity (%NULL for any). */
guint
sluice_alerts_count_open (SluiceAlerts *self,
                          const char   *severity)
{
  guint n = 0;

  g_return_val_if_fail (SLUICE_IS_ALERTS (self), 0);

  for (GList *l = self->alerts.head; l != NULL; l = l->next)
    {
      const SluiceAlert *a = l->data;

      n += !a->acknowledged && (severity == NULL || g_strcmp0 (a->severity, severity) == 0);
    }
  return n;
}

guint64
sluice_alerts_get_serial (SluiceAlerts *self)
{
  g_return_val_if_fail (SLUICE_IS_ALERTS (self), 0);

  return self->serial;
}
