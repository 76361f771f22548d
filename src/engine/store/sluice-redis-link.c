/* sluice-redis-link.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-store"

#include "config.h"

#include <stdlib.h>

#include <gio/gio.h>
#include <hiredis/hiredis.h>
#include <hiredis/async.h>
#include <hiredis/adapters/glib.h>

#include "sluice-redis-link.h"

/* The connection both Redis clients share the code of: the URL, hiredis's
 * GLib adapter, and reconnection with exponential backoff. */

#define MIN_BACKOFF_MS 100
#define MAX_BACKOFF_MS 10000

/* A server that accepts commands and never answers (stopped, swapping,
 * a network that drops packets) would hold every request that waits on
 * it: when the oldest command has waited STALL_MS, the connection is
 * dropped, which fails the pending commands (the cache misses, limits
 * follow on_loss) and reconnects with backoff. */
#define WATCH_INTERVAL_MS 250
#define STALL_MS 1000

struct _SluiceRedisLink
{
  char                    *host;          /* NULL for a unix socket */
  int                      port;
  char                    *socket_path;
  guint                    db;

  GMainContext            *context;
  redisAsyncContext       *ac;
  GSource                 *source;
  GSource                 *reconnect;
  GSource                 *watchdog;
  gconstpointer            oldest;        /* the oldest pending command seen */
  gint64                   oldest_since_us;
  const char              *drop_reason;   /* while dropping a stalled connection */
  guint                    backoff_ms;
  gboolean                 up;
  gboolean                 freeing;

  SluiceRedisLinkUpFunc    up_func;
  SluiceRedisLinkDownFunc  down_func;
  gpointer                 user_data;
};

static void connect_now (SluiceRedisLink *link);

static gboolean
parse_url (SluiceRedisLink  *link,
           const char       *url,
           GError          **error)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, error);
  const char *path;

  if (uri == NULL)
    return FALSE;

  path = g_uri_get_path (uri);
  if (g_ascii_strcasecmp (g_uri_get_scheme (uri), "unix") == 0)
    {
      link->socket_path = g_strdup (path);
      return TRUE;
    }

  if (g_ascii_strcasecmp (g_uri_get_scheme (uri), "redis") != 0 ||
      g_uri_get_host (uri) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "not a redis:// or unix:// URL: %s", url);
      return FALSE;
    }

  link->host = g_strdup (g_uri_get_host (uri));
  link->port = g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : 6379;
  if (path != NULL && path[0] == '/' && path[1] != '\0')
    link->db = (guint) atoi (path + 1);

  return TRUE;
}

static gboolean
reconnect_cb (gpointer data)
{
  SluiceRedisLink *link = data;

  g_clear_pointer (&link->reconnect, g_source_unref);
  connect_now (link);

  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (SluiceRedisLink *link)
{
  if (link->freeing || link->reconnect != NULL)
    return;

  link->reconnect = g_timeout_source_new (link->backoff_ms);
  g_source_set_callback (link->reconnect, reconnect_cb, link, NULL);
  g_source_attach (link->reconnect, link->context);
  link->backoff_ms = MIN (link->backoff_ms * 2, MAX_BACKOFF_MS);
}

static void
went_down (SluiceRedisLink *link,
           const char      *why,
           gboolean         connecting)
{
  link->up = FALSE;
  if (link->down_func != NULL)
    link->down_func (why, connecting, link->user_data);
  schedule_reconnect (link);
}

/* Forgets the context hiredis is about to free, and reports the loss;
 * source_cleanup() then destroys the source. */
static void
lost (SluiceRedisLink *link,
      const char      *why)
{
  link->ac = NULL;
  g_clear_pointer (&link->source, g_source_unref);

  if (!link->freeing)
    went_down (link, why, FALSE);
}

static void
on_connect (const redisAsyncContext *ac,
            int                      status)
{
  SluiceRedisLink *link = ac->data;

  if (link == NULL)
    return;

  if (status != REDIS_OK)
    {
      lost (link, ac->errstr);
      return;
    }

  link->backoff_ms = MIN_BACKOFF_MS;
  link->up = TRUE;
  if (link->up_func != NULL)
    link->up_func (link->user_data);
}

static void
on_disconnect (const redisAsyncContext *ac,
               int                      status)
{
  SluiceRedisLink *link = ac->data;

  if (link != NULL)
    lost (link, link->drop_reason != NULL ? link->drop_reason
                : status == REDIS_OK ? "connection closed" : ac->errstr);
}

static gboolean
watchdog_cb (gpointer data)
{
  SluiceRedisLink *link = data;
  redisAsyncContext *ac = link->ac;
  gconstpointer oldest = ac != NULL ? (gconstpointer) ac->replies.head : NULL;
  gint64 now = g_get_monotonic_time ();

  if (oldest == NULL || oldest != link->oldest)
    {
      link->oldest = oldest;
      link->oldest_since_us = now;
      return G_SOURCE_CONTINUE;
    }
  if (now - link->oldest_since_us < STALL_MS * 1000)
    return G_SOURCE_CONTINUE;

  g_message ("Redis did not answer for %u ms; dropping the connection", STALL_MS);
  link->oldest = NULL;
  /* Fails the pending commands with a NULL reply; the disconnect callback
   * (only for a context that got connected) reports the loss. */
  link->drop_reason = "no answer within 1 s";
  redisAsyncFree (ac);
  if (link->ac == ac)
    lost (link, link->drop_reason);
  link->drop_reason = NULL;
  return G_SOURCE_CONTINUE;
}

/* The adapter's cleanup, when hiredis frees the context; plus forgetting
 * events already polled (hiredis may free the context while handling a
 * write, before the read it polled) and removing the source. */
static void
source_cleanup (gpointer data)
{
  RedisSource *source = data;

  redis_source_cleanup (data);
  source->poll_fd.revents = 0;
  g_source_destroy (data);
}

static void
connect_now (SluiceRedisLink *link)
{
  redisAsyncContext *ac;

  ac = link->host != NULL ? redisAsyncConnect (link->host, link->port)
                          : redisAsyncConnectUnix (link->socket_path);
  if (ac == NULL || ac->err)
    {
      g_autofree char *why = g_strdup (ac != NULL ? ac->errstr : "out of memory");

      g_debug ("Redis connect failed: %s", why);
      if (ac != NULL)
        redisAsyncFree (ac);
      went_down (link, why, TRUE);
      return;
    }

  ac->data = link;
  link->ac = ac;
  link->source = redis_source_new (ac);
  ac->ev.cleanup = source_cleanup;
  g_source_attach (link->source, link->context);
  redisAsyncSetConnectCallback (ac, on_connect);
  redisAsyncSetDisconnectCallback (ac, on_disconnect);

  if (link->db != 0)
    redisAsyncCommand (ac, NULL, NULL, "SELECT %u", link->db);
}

/**
 * sluice_redis_link_new:
 * @url: redis://HOST[:PORT][/DB] or unix:///PATH
 * @error: set when @url cannot be parsed
 *
 * Parses @url; nothing connects until sluice_redis_link_start().
 *
 * Returns: (transfer full) (nullable): the link
 */
SluiceRedisLink *
sluice_redis_link_new (const char  *url,
                       GError     **error)
{
  g_autoptr(SluiceRedisLink) link = g_new0 (SluiceRedisLink, 1);

  g_return_val_if_fail (url != NULL, NULL);

  link->backoff_ms = MIN_BACKOFF_MS;
  link->context = g_main_context_ref_thread_default ();
  if (!parse_url (link, url, error))
    return NULL;

  return g_steal_pointer (&link);
}

/**
 * sluice_redis_link_start:
 * @link: a link
 * @up: (nullable): called each time the connection is up
 * @down: (nullable): called each time it is lost or a connection fails
 * @user_data: for @up and @down
 *
 * Starts connecting; @down may be called before this returns.
 */
void
sluice_redis_link_start (SluiceRedisLink         *link,
                         SluiceRedisLinkUpFunc    up,
                         SluiceRedisLinkDownFunc  down,
                         gpointer                 user_data)
{
  g_return_if_fail (link != NULL);

  link->up_func = up;
  link->down_func = down;
  link->user_data = user_data;
  link->watchdog = g_timeout_source_new (WATCH_INTERVAL_MS);
  g_source_set_callback (link->watchdog, watchdog_cb, link, NULL);
  g_source_set_static_name (link->watchdog, "[sluice] redis watchdog");
  g_source_attach (link->watchdog, link->context);
  connect_now (link);
}

/**
 * sluice_redis_link_get_context:
 *
 * Returns: (transfer none) (nullable): the current hiredis context, also
 *   while it is still connecting; %NULL between a loss and the next try
 */
redisAsyncContext *
sluice_redis_link_get_context (SluiceRedisLink *link)
{
  g_return_val_if_fail (link != NULL, NULL);

  return link->ac;
}

gboolean
sluice_redis_link_is_up (SluiceRedisLink *link)
{
  g_return_val_if_fail (link != NULL, FALSE);

  return link->up;
}

const char *
sluice_redis_link_get_host (SluiceRedisLink *link)
{
  return link->host;
}

/* 0 for a unix socket */
int
sluice_redis_link_get_port (SluiceRedisLink *link)
{
  return link->host != NULL ? link->port : 0;
}

const char *
sluice_redis_link_get_socket_path (SluiceRedisLink *link)
{
  return link->socket_path;
}

/**
 * sluice_redis_link_free:
 *
 * Stops reconnecting and frees the connection without calling back;
 * hiredis fails the commands still pending with a %NULL reply.
 */
void
sluice_redis_link_free (SluiceRedisLink *link)
{
  if (link == NULL)
    return;

  link->freeing = TRUE;
  if (link->watchdog != NULL)
    {
      g_source_destroy (link->watchdog);
      g_clear_pointer (&link->watchdog, g_source_unref);
    }
  if (link->reconnect != NULL)
    {
      g_source_destroy (link->reconnect);
      g_clear_pointer (&link->reconnect, g_source_unref);
    }

  if (link->ac != NULL)
    {
      redisAsyncContext *ac = g_steal_pointer (&link->ac);

      ac->data = NULL;
      redisAsyncFree (ac);
    }

  g_clear_pointer (&link->source, g_source_unref);
  g_clear_pointer (&link->context, g_main_context_unref);
  g_free (link->host);
  g_free (link->socket_path);
  g_free (link);
}
