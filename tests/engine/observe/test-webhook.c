/* test-webhook.c — the alert stream's webhook against a loopback receiver
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "sluice-alerts.h"
#include "sluice-webhook.h"

typedef struct
{
  SoupServer  *server;
  char        *url;
  guint        fail_first;   /* answer 503 to this many POSTs */
  guint        n_posts;
  char        *last_body;
  SluiceClock *clock;
  gboolean     done;
  gboolean     delivered;
  guint        attempts;
} Fixture;

static void
receiver_cb (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  Fixture *f = user_data;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);

  f->n_posts++;
  g_free (f->last_body);
  f->last_body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  soup_server_message_set_status (msg, f->n_posts <= f->fail_first ? 503 : 200, NULL);
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;

  f->clock = sluice_clock_new_manual ((gint64) 1700000000 * G_USEC_PER_SEC);
  f->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->server, "/hook", receiver_cb, f, NULL);
  soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->server);
  f->url = g_strdup_printf ("http://127.0.0.1:%d/hook", g_uri_get_port (uris->data));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_clear_object (&f->server);
  g_clear_object (&f->clock);
  g_free (f->url);
  g_free (f->last_body);
}

static void
done_cb (SluiceWebhook *webhook,
         gint64         id,
         gboolean       delivered,
         guint          attempts,
         Fixture       *f)
{
  f->done = TRUE;
  f->delivered = delivered;
  f->attempts = attempts;
}

/* Runs until the delivery ends, moving the manual clock through backoffs. */
static void
deliver (Fixture *f,
         guint    retries)
{
  g_autoptr(SluiceWebhook) webhook = sluice_webhook_new (f->clock, f->url, retries, 500);
  g_autoptr(SluiceAlerts) alerts = sluice_alerts_new (f->clock, NULL);
  g_autoptr(GPtrArray) list = NULL;

  g_signal_connect (webhook, "done", G_CALLBACK (done_cb), f);
  sluice_alerts_raise (alerts, "critical", "breaker.open", "alpha-large", 60,
                       "The breaker of alpha-large is open");
  list = sluice_alerts_list (alerts, 0);
  sluice_webhook_deliver (webhook, g_ptr_array_index (list, 0));
  while (!f->done)
    {
      if (!g_main_context_iteration (NULL, FALSE) && sluice_clock_pending_sleeps (f->clock) > 0)
        sluice_clock_advance (f->clock, 100 * 1000);
    }
  g_assert_cmpuint (sluice_webhook_get_n_pending (webhook), ==, 0);
}

static void
test_retries_then_delivers (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(JsonNode) node = NULL;
  gint64 start = sluice_clock_now_us (f->clock);

  f->fail_first = 2;
  deliver (f, 3);
  g_assert_true (f->delivered);
  g_assert_cmpuint (f->attempts, ==, 3);
  g_assert_cmpuint (f->n_posts, ==, 3);
  /* Backoff: 500 ms, then 1 s, on the engine's clock. */
  g_assert_cmpint (sluice_clock_now_us (f->clock) - start, >=, 1500 * 1000);
  node = json_from_string (f->last_body, NULL);
  g_assert_nonnull (node);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "code"), ==,
                   "breaker.open");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "severity"), ==,
                   "critical");
}

static void
test_gives_up (Fixture       *f,
               gconstpointer  data)
{
  f->fail_first = 100;
  deliver (f, 2);
  g_assert_false (f->delivered);
  g_assert_cmpuint (f->n_posts, ==, 3);
}

static void
test_dedup (void)
{
  g_autoptr(SluiceClock) clock = sluice_clock_new_manual ((gint64) 1700000000 * G_USEC_PER_SEC);
  g_autoptr(SluiceAlerts) alerts = sluice_alerts_new (clock, NULL);
  g_autoptr(GPtrArray) list = NULL;

  g_assert_true (sluice_alerts_raise (alerts, "warning", "x", "k", 60, "one"));
  g_assert_false (sluice_alerts_raise (alerts, "warning", "x", "k", 60, "two"));
  g_assert_true (sluice_alerts_raise (alerts, "warning", "x", "other", 60, "three"));
  sluice_clock_advance (clock, 61 * G_USEC_PER_SEC);
  g_assert_true (sluice_alerts_raise (alerts, "warning", "x", "k", 60, "four"));
  list = sluice_alerts_list (alerts, 0);
  g_assert_cmpuint (list->len, ==, 3);
  g_assert_cmpuint (((SluiceAlert *) g_ptr_array_index (list, 2))->count, ==, 2);
  g_assert_cmpstr (((SluiceAlert *) g_ptr_array_index (list, 2))->message, ==, "two");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/engine/observe/webhook/retries-then-delivers", Fixture, NULL, setup,
              test_retries_then_delivers, teardown);
  g_test_add ("/engine/observe/webhook/gives-up", Fixture, NULL, setup, test_gives_up, teardown);
  g_test_add_func ("/engine/observe/alerts/dedup", test_dedup);
  return g_test_run ();
}
