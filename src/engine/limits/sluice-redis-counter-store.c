/* sluice-redis-counter-store.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-limits"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <hiredis/async.h>

#include "sluice-engine-resources.h"
#include "sluice-redis-counter-store.h"
#include "sluice-redis-link.h"

/* Counters shared through Redis: hiredis's asynchronous API on the GLib
 * main context that was thread-default at construction (a SluiceRedisLink,
 * which reconnects with exponential backoff after a loss), one EVALSHA of
 * sluice-counter-script.lua per decision (EVAL again on NOSCRIPT, which
 * loads it). */

struct _SluiceRedisCounterStore
{
  SluiceCounterStore  parent_instance;

  SluiceRedisLink    *link;
  char               *prefix;

  char               *script;
  char               *sha;
  guint               n_reloads;
};

G_DEFINE_FINAL_TYPE (SluiceRedisCounterStore, sluice_redis_counter_store,
                     SLUICE_TYPE_COUNTER_STORE)

/* One decision in flight: its arguments, kept to resend as EVAL. */
typedef struct
{
  GPtrArray *argv;           /* char *, argv[0] "EVALSHA", argv[1] the sha */
  guint      n_items;
  gboolean   reloaded;
} Call;

static void
call_free (Call *call)
{
  g_ptr_array_unref (call->argv);
  g_free (call);
}

/* Decisions made while the link is down fail at once, or wait in hiredis
 * while it is still connecting. */
static void
link_up (gpointer user_data)
{
  _sluice_counter_store_set_connected (SLUICE_COUNTER_STORE (user_data), TRUE,
                                       "Redis reachable again");
}

static void
link_down (const char *why,
           gboolean    connecting,
           gpointer    user_data)
{
  SluiceRedisCounterStore *self = user_data;
  const char *host = sluice_redis_link_get_host (self->link);
  g_autofree char *message = NULL;

  if (connecting)
    message = g_strdup ("Redis unreachable: cannot connect");
  else
    message = g_strdup_printf ("Redis %s:%d%s unreachable: %s",
                               host ? host : sluice_redis_link_get_socket_path (self->link),
                               sluice_redis_link_get_port (self->link),
                               host ? "" : " (socket)", why);

  _sluice_counter_store_set_connected (SLUICE_COUNTER_STORE (self), FALSE, message);
}


static SluiceCounterVerdict *
parse_reply (const redisReply  *reply,
             guint              n_items,
             GError           **error)
{
  g_autoptr(SluiceCounterVerdict) verdict = g_new0 (SluiceCounterVerdict, 1);

  if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 1 ||
      reply->element[0]->type != REDIS_REPLY_INTEGER)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "unexpected reply from the counter script");
      return NULL;
    }

  verdict->refused = -1;
  verdict->retry_at_s = -1;
  verdict->n_items = n_items;
  verdict->totals = g_new0 (gint64, MAX (n_items, 1));
  verdict->granted = reply->element[0]->integer == 1;

  if (!verdict->granted && reply->elements == 4)
    {
      verdict->refused = (gint) reply->element[1]->integer;
      verdict->used = reply->element[2]->integer;
      verdict->retry_at_s = reply->element[3]->integer;
      if (verdict->refused >= 0 && (guint) verdict->refused < n_items)
        verdict->totals[verdict->refused] = verdict->used;
      return g_steal_pointer (&verdict);
    }

  for (guint i = 0; i < n_items && i + 1 < reply->elements; i++)
    verdict->totals[i] = reply->element[i + 1]->integer;

  return g_steal_pointer (&verdict);
}

static gboolean send_call (SluiceRedisCounterStore *self,
                           GTask                   *task);

static void
on_reply (redisAsyncContext *ac,
          void              *r,
          void              *privdata)
{
  g_autoptr(GTask) task = privdata;
  SluiceRedisCounterStore *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  const redisReply *reply = r;
  GError *error = NULL;
  SluiceCounterVerdict *verdict;

  if (reply == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               "the connection to Redis was lost");
      return;
    }

  if (reply->type == REDIS_REPLY_ERROR &&
      g_str_has_prefix (reply->str, "NOSCRIPT") && !call->reloaded)
    {
      /* The server forgot the script (a restart, SCRIPT FLUSH): EVAL
       * loads it again under the same sha. */
      call->reloaded = TRUE;
      self->n_reloads++;
      g_free (call->argv->pdata[0]);
      g_free (call->argv->pdata[1]);
      call->argv->pdata[0] = g_strdup ("EVAL");
      call->argv->pdata[1] = g_strdup (self->script);
      send_call (self, task);
      return;
    }

  if (reply->type == REDIS_REPLY_ERROR)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               "Redis: %s", reply->str);
      return;
    }

  verdict = parse_reply (reply, call->n_items, &error);
  if (verdict == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, verdict, (GDestroyNotify) sluice_counter_verdict_free);
}

/* Sends the call; on failure the task is returned with the error. */
static gboolean
send_call (SluiceRedisCounterStore *self,
           GTask                   *task)
{
  Call *call = g_task_get_task_data (task);
  redisAsyncContext *ac = sluice_redis_link_get_context (self->link);
  g_autofree size_t *lengths = g_new (size_t, call->argv->len);

  for (guint i = 0; i < call->argv->len; i++)
    lengths[i] = strlen (call->argv->pdata[i]);

  if (ac == NULL ||
      redisAsyncCommandArgv (ac, on_reply, g_object_ref (task), call->argv->len,
                             (const char **) call->argv->pdata, lengths) != REDIS_OK)
    {
      if (ac != NULL)
        g_object_unref (task);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               "not connected to Redis");
      return FALSE;
    }

  return TRUE;
}

static Call *
build_call (SluiceRedisCounterStore  *self,
            SluiceCounterOp           op,
            const SluiceCounterItem  *items,
            guint                     n_items,
            gint64                    now_s,
            gint64                    at_s)
{
  Call *call = g_new0 (Call, 1);
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (argv, g_strdup ("EVALSHA"));
  g_ptr_array_add (argv, g_strdup (self->sha));
  g_ptr_array_add (argv, g_strdup_printf ("%u", n_items));
  for (guint i = 0; i < n_items; i++)
    g_ptr_array_add (argv, g_strconcat (self->prefix, items[i].key, NULL));
  g_ptr_array_add (argv, g_strdup (op == SLUICE_COUNTER_OP_RESERVE ? "r" : "a"));
  g_ptr_array_add (argv, g_strdup_printf ("%" G_GINT64_FORMAT, now_s));
  g_ptr_array_add (argv, g_strdup_printf ("%" G_GINT64_FORMAT, at_s));
  for (guint i = 0; i < n_items; i++)
    {
      g_ptr_array_add (argv, g_strdup_printf ("%" G_GINT64_FORMAT, items[i].window_s));
      g_ptr_array_add (argv, g_strdup_printf ("%" G_GINT64_FORMAT, items[i].limit));
      g_ptr_array_add (argv, g_strdup_printf ("%" G_GINT64_FORMAT, items[i].amount));
    }

  call->argv = argv;
  call->n_items = n_items;

  return call;
}

static void
sluice_redis_counter_store_apply_async (SluiceCounterStore       *store,
                                        SluiceCounterOp           op,
                                        const SluiceCounterItem  *items,
                                        guint                     n_items,
                                        gint64                    now_s,
                                        gint64                    at_s,
                                        GCancellable             *cancellable,
                                        GAsyncReadyCallback       callback,
                                        gpointer                  user_data)
{
  SluiceRedisCounterStore *self = SLUICE_REDIS_COUNTER_STORE (store);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, sluice_redis_counter_store_apply_async);
  g_task_set_task_data (task, build_call (self, op, items, n_items, now_s, at_s),
                        (GDestroyNotify) call_free);
  send_call (self, task);
}

static SluiceCounterVerdict *
sluice_redis_counter_store_apply_finish (SluiceCounterStore  *store,
                                         GAsyncResult        *result,
                                         GError             **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
sluice_redis_counter_store_is_shared (SluiceCounterStore *store)
{
  return TRUE;
}

static void
sluice_redis_counter_store_dispose (GObject *object)
{
  SluiceRedisCounterStore *self = (SluiceRedisCounterStore *) object;

  g_clear_pointer (&self->link, sluice_redis_link_free);

  G_OBJECT_CLASS (sluice_redis_counter_store_parent_class)->dispose (object);
}

static void
sluice_redis_counter_store_finalize (GObject *object)
{
  SluiceRedisCounterStore *self = (SluiceRedisCounterStore *) object;

  g_clear_pointer (&self->prefix, g_free);
  g_clear_pointer (&self->script, g_free);
  g_clear_pointer (&self->sha, g_free);

  G_OBJECT_CLASS (sluice_redis_counter_store_parent_class)->finalize (object);
}

static void
sluice_redis_counter_store_class_init (SluiceRedisCounterStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SluiceCounterStoreClass *store_class = SLUICE_COUNTER_STORE_CLASS (klass);

  object_class->dispose = sluice_redis_counter_store_dispose;
  object_class->finalize = sluice_redis_counter_store_finalize;
  store_class->apply_async = sluice_redis_counter_store_apply_async;
  store_class->apply_finish = sluice_redis_counter_store_apply_finish;
  store_class->is_shared = sluice_redis_counter_store_is_shared;
}

static void
sluice_redis_counter_store_init (SluiceRedisCounterStore *self)
{
  g_autoptr(GBytes) bytes = NULL;

  bytes = g_resource_lookup_data (sluice_engine_get_resource (),
                                  "/io/github/sluice/engine/counter-script.lua",
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  g_assert (bytes != NULL);

  self->script = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  self->sha = g_compute_checksum_for_string (G_CHECKSUM_SHA1, self->script, -1);
}

/**
 * sluice_redis_counter_store_new:
 * @url: redis://HOST[:PORT][/DB] or unix:///PATH
 * @prefix: the start of every key, e.g. "sluice:"
 * @error: return location for an error
 *
 * Connects asynchronously on the thread-default main context; decisions
 * made before the connection is up wait for it.
 *
 * Returns: (transfer full): the store, or %NULL when @url is malformed
 */
SluiceCounterStore *
sluice_redis_counter_store_new (const char  *url,
                                const char  *prefix,
                                GError     **error)
{
  g_autoptr(SluiceRedisCounterStore) self = NULL;

  g_return_val_if_fail (url != NULL, NULL);

  self = g_object_new (SLUICE_TYPE_REDIS_COUNTER_STORE, NULL);
  self->prefix = g_strdup (prefix != NULL ? prefix : "");
  self->link = sluice_redis_link_new (url, error);
  if (self->link == NULL)
    return NULL;

  sluice_redis_link_start (self->link, link_up, link_down, self);

  return SLUICE_COUNTER_STORE (g_steal_pointer (&self));
}

const char *
sluice_redis_counter_store_get_sha (SluiceRedisCounterStore *self)
{
  g_return_val_if_fail (SLUICE_IS_REDIS_COUNTER_STORE (self), NULL);

  return self->sha;
}

guint
sluice_redis_counter_store_get_n_reloads (SluiceRedisCounterStore *self)
{
  g_return_val_if_fail (SLUICE_IS_REDIS_COUNTER_STORE (self), 0);

  return self->n_reloads;
}
