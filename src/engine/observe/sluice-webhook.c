/* sluice-webhook.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-observe"

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "sluice-webhook.h"

/* Posts each new alert as JSON to one URL. A network error, a 429 or a
 * 5xx is retried with exponential backoff (on the engine's clock) up to
 * the configured number of retries; any other answer ends the delivery. */

#define MAX_BACKOFF_MS 60000
#define TIMEOUT_S      10

struct _SluiceWebhook
{
  GObject      parent_instance;

  SluiceClock *clock;
  SoupSession *session;
  char        *url;
  guint        retries;
  guint        base_backoff_ms;
  guint        n_delivered;
  guint        n_failed;
  guint        n_attempts;
  guint        n_pending;
};

G_DEFINE_FINAL_TYPE (SluiceWebhook, sluice_webhook, G_TYPE_OBJECT)

enum {
  DONE,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

typedef struct
{
  SluiceWebhook *self;
  GBytes        *body;
  gint64         id;
  guint          attempt;
} Delivery;

static void
delivery_free (Delivery *d)
{
  d->self->n_pending--;
  g_object_unref (d->self);
  g_bytes_unref (d->body);
  g_free (d);
}

static void
sluice_webhook_finalize (GObject *object)
{
  SluiceWebhook *self = SLUICE_WEBHOOK (object);

  g_clear_object (&self->clock);
  g_clear_object (&self->session);
  g_free (self->url);

  G_OBJECT_CLASS (sluice_webhook_parent_class)->finalize (object);
}

static void
sluice_webhook_class_init (SluiceWebhookClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sluice_webhook_finalize;

  /**
   * SluiceWebhook::done:
   * @webhook: the webhook
   * @id: the alert's id
   * @delivered: whether the receiver took it
   * @attempts: how many POSTs it took
   */
  signals [DONE] =
    g_signal_new ("done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_INT64, G_TYPE_BOOLEAN, G_TYPE_UINT);
}

static void
sluice_webhook_init (SluiceWebhook *self)
{
}

/**
 * sluice_webhook_new:
 * @url: an http(s) URL
 * @retries: further attempts after the first
 * @base_backoff_ms: the first wait; each next one doubles (≤ 60 s)
 */
SluiceWebhook *
sluice_webhook_new (SluiceClock *clock,
                    const char  *url,
                    guint        retries,
                    guint        base_backoff_ms)
{
  SluiceWebhook *self;

  g_return_val_if_fail (url != NULL, NULL);

  self = g_object_new (SLUICE_TYPE_WEBHOOK, NULL);
  self->clock = g_object_ref (clock);
  self->url = g_strdup (url);
  self->retries = retries;
  self->base_backoff_ms = MAX (base_backoff_ms, 1);
  /* No proxy resolver: the default one reads GSettings. */
  self->session = soup_session_new_with_options ("timeout", TIMEOUT_S,
                                                 "proxy-resolver", NULL, NULL);
  soup_session_set_user_agent (self->session, "sluice-alerts");
  return self;
}

const char *
sluice_webhook_get_url (SluiceWebhook *self)
{
  g_return_val_if_fail (SLUICE_IS_WEBHOOK (self), NULL);

  return self->url;
}

static void post (Delivery *d);

static void
finish (Delivery *d,
        gboolean  delivered)
{
  if (delivered)
    d->self->n_delivered++;
  else
    d->self->n_failed++;
  g_signal_emit (d->self, signals [DONE], 0, d->id, delivered, d->attempt);
  delivery_free (d);
}

static void
backoff_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Delivery *d = user_data;

  if (!sluice_clock_sleep_finish (SLUICE_CLOCK (object), result, NULL))
    {
      finish (d, FALSE);
      return;
    }
  post (d);
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Delivery *d = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  guint status;
  gint64 wait_ms;

  reply = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  status = reply != NULL && msg != NULL ? soup_message_get_status (msg) : 0;
  if (status >= 200 && status < 300)
    {
      finish (d, TRUE);
      return;
    }
  if ((status != 0 && status != 429 && status < 500) || d->attempt > d->self->retries)
    {
      g_message ("Alert %" G_GINT64_FORMAT " was not delivered to %s: %s", d->id, d->self->url,
                 error != NULL ? error->message : soup_status_get_phrase (status));
      finish (d, FALSE);
      return;
    }
  wait_ms = MIN ((gint64) d->self->base_backoff_ms << MIN (d->attempt - 1, 16u), MAX_BACKOFF_MS);
  g_debug ("Webhook attempt %u failed (%u); retrying in %" G_GINT64_FORMAT " ms",
           d->attempt, status, wait_ms);
  sluice_clock_sleep_async (d->self->clock, wait_ms * 1000, NULL, backoff_done_cb, d);
}

static void
post (Delivery *d)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", d->self->url);

  d->attempt++;
  d->self->n_attempts++;
  if (msg == NULL)
    {
      finish (d, FALSE);
      return;
    }
  soup_message_set_request_body_from_bytes (msg, "application/json", d->body);
  soup_session_send_and_read_async (d->self->session, msg, G_PRIORITY_DEFAULT, NULL,
                                    sent_cb, d);
}

/* Starts delivering @alert; it runs on its own until it ends. */
void
sluice_webhook_deliver (SluiceWebhook     *self,
                        const SluiceAlert *alert)
{
  Delivery *d;
  char *json;

  g_return_if_fail (SLUICE_IS_WEBHOOK (self));
  g_return_if_fail (alert != NULL);

  json = sluice_alert_to_json (alert);
  d = g_new0 (Delivery, 1);
  d->self = g_object_ref (self);
  d->body = g_bytes_new_take (json, strlen (json));
  d->id = alert->id;
  self->n_pending++;
  post (d);
}

guint
sluice_webhook_get_n_delivered (SluiceWebhook *self)
{
  return self->n_delivered;
}

guint
sluice_webhook_get_n_failed (SluiceWebhook *self)
{
  return self->n_failed;
}

guint
sluice_webhook_get_n_attempts (SluiceWebhook *self)
{
  return self->n_attempts;
}

guint
sluice_webhook_get_n_pending (SluiceWebhook *self)
{
  return self->n_pending;
}
