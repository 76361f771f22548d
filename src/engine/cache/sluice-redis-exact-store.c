/* sluice-redis-exact-store.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-cache"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <hiredis/async.h>
#include <json-glib/json-glib.h>

#include "sluice-redis-exact-store.h"
#include "sluice-redis-link.h"

/* The exact tier shared through Redis, so every instance on one server
 * answers what any of them has seen. One GET per local miss, one SET with
 * EX per stored answer, each a JSON document under PREFIX + key; a purge
 * is one Lua script over the keys under PREFIX. hiredis
 * runs asynchronously on the GLib context that was thread-default at
 * construction (a SluiceRedisLink). While Redis is unreachable the cache
 * works on its local tier alone: look-ups miss here at once, stores are
 * dropped, an alert says so, and the connection is retried with a growing
 * backoff.
 *
 * A purge also reaches the copies other instances keep in their own
 * memory: the purging instance publishes it on PREFIX + "purge", and every
 * store listens there on a second connection (a subscribed connection can
 * send nothing else) and tells its cache through ::purged. */

struct _SluiceRedisExactStore
{
  GObject             parent_instance;

  SluiceRedisLink    *link;
  SluiceRedisLink    *listener;      /* subscribed to the purge channel */
  char               *prefix;
  char               *channel;       /* PREFIX + "purge" */
  char               *instance;      /* names this store's own messages */
  gboolean            alerted_down;  /* the loss was announced; its end is owed */
};

G_DEFINE_FINAL_TYPE (SluiceRedisExactStore, sluice_redis_exact_store, G_TYPE_OBJECT)

enum { ALERT, PURGED, N_SIGNALS };
static guint signals [N_SIGNALS];

static void
alert (SluiceRedisExactStore *self,
       const char            *severity,
       const char            *code,
       const char            *message)
{
  g_signal_emit (self, signals [ALERT], 0, severity, code, message);
}

/* Announced once per outage, however many reconnections fail. */
static void
link_down (const char *why,
           gboolean    connecting,
           gpointer    user_data)
{
  SluiceRedisExactStore *self = user_data;
  const char *host = sluice_redis_link_get_host (self->link);
  g_autofree char *message = NULL;

  if (self->alerted_down)
    return;

  message = g_strdup_printf ("The shared exact cache at Redis %s:%d is unreachable (%s); "
                             "answers are cached on this instance only until it is back",
                             host != NULL ? host : sluice_redis_link_get_socket_path (self->link),
                             sluice_redis_link_get_port (self->link), why);
  self->alerted_down = TRUE;
  alert (self, "warning", "cache.redis_lost", message);
}

static void
link_up (gpointer user_data)
{
  SluiceRedisExactStore *self = user_data;

  if (self->alerted_down)
    alert (self, "info", "cache.redis_back",
           "The shared exact cache in Redis is reachable again");
  self->alerted_down = FALSE;
}

/* Entries on the wire */

/**
 * sluice_redis_exact_store_encode:
 *
 * Returns: (transfer full): @entry as the JSON document kept in Redis
 */
char *
sluice_redis_exact_store_encode (const SluiceCacheEntry *entry)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "v");
  json_builder_add_int_value (b, 1);
#define ADD_STRING(name, value) \
  json_builder_set_member_name (b, name); json_builder_add_string_value (b, value)
  ADD_STRING ("scope", entry->scope);
  ADD_STRING ("model", entry->model);
  ADD_STRING ("policy", entry->policy);
  ADD_STRING ("context", entry->context);
  ADD_STRING ("payload", entry->payload);
#undef ADD_STRING
  json_builder_set_member_name (b, "tokens");
  json_builder_add_int_value (b, entry->tokens);
  json_builder_set_member_name (b, "cost_usd");
  json_builder_add_double_value (b, entry->cost_usd);
  json_builder_set_member_name (b, "created_us");
  json_builder_add_int_value (b, entry->created_us);
  json_builder_set_member_name (b, "expires_us");
  json_builder_add_int_value (b, entry->expires_us);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/**
 * sluice_redis_exact_store_decode:
 *
 * Returns: (transfer full) (nullable): the exact-tier entry @text holds
 *   under @key, or %NULL when it is not one
 */
SluiceCacheEntry *
sluice_redis_exact_store_decode (const char *key,
                                 const char *text)
{
  g_autoptr(JsonNode) node = json_from_string (text, NULL);
  SluiceCacheEntry *e;
  JsonObject *o;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  o = json_node_get_object (node);
  if (json_object_get_int_member_with_default (o, "v", 0) != 1 ||
      json_object_get_string_member_with_default (o, "payload", NULL) == NULL)
    return NULL;

  e = sluice_cache_entry_new ();
  e->key = g_strdup (key);
  e->tier = SLUICE_CACHE_TIER_EXACT;
  e->scope = g_strdup (json_object_get_string_member_with_default (o, "scope", ""));
  e->model = g_strdup (json_object_get_string_member_with_default (o, "model", ""));
  e->policy = g_strdup (json_object_get_string_member_with_default (o, "policy", ""));
  e->context = g_strdup (json_object_get_string_member_with_default (o, "context", ""));
  e->payload = g_strdup (json_object_get_string_member (o, "payload"));
  e->tokens = json_object_get_int_member_with_default (o, "tokens", 0);
  e->cost_usd = json_object_get_double_member_with_default (o, "cost_usd", 0);
  e->created_us = json_object_get_int_member_with_default (o, "created_us", 0);
  e->expires_us = json_object_get_int_member_with_default (o, "expires_us", 0);
  return e;
}

/* Commands */

static void
on_get (redisAsyncContext *ac,
        void              *r,
        void              *privdata)
{
  g_autoptr(GTask) task = privdata;
  const redisReply *reply = r;

  if (reply == NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                             "the connection to Redis was lost");
  else if (reply->type == REDIS_REPLY_ERROR)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "Redis: %s", reply->str);
  else if (reply->type != REDIS_REPLY_STRING)
    g_task_return_pointer (task, NULL, NULL);
  else
    g_task_return_pointer (task,
                           sluice_redis_exact_store_decode (g_task_get_task_data (task),
                                                            reply->str),
                           (GDestroyNotify) sluice_cache_entry_unref);
}

/**
 * sluice_redis_exact_store_get_async:
 * @self: a store
 * @key: the entry's exact key (without the prefix)
 * @cancellable: (nullable): a cancellable
 * @callback: called on the store's context
 * @user_data: data for @callback
 *
 * Looks @key up in Redis; fails at once with %G_IO_ERROR_NOT_CONNECTED
 * while Redis is unreachable.
 */
void
sluice_redis_exact_store_get_async (SluiceRedisExactStore *self,
                                    const char            *key,
                                    GCancellable          *cancellable,
                                    GAsyncReadyCallback    callback,
                                    gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *full = NULL;
  redisAsyncContext *ac;

  g_return_if_fail (SLUICE_IS_REDIS_EXACT_STORE (self));
  g_return_if_fail (key != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sluice_redis_exact_store_get_async);
  g_task_set_task_data (task, g_strdup (key), g_free);
  full = g_strconcat (self->prefix, key, NULL);
  ac = sluice_redis_link_get_context (self->link);
  if (!sluice_redis_link_is_up (self->link) || ac == NULL ||
      redisAsyncCommand (ac, on_get, g_object_ref (task), "GET %s", full) != REDIS_OK)
    {
      if (sluice_redis_link_is_up (self->link) && ac != NULL)
        g_object_unref (task);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               "not connected to Redis");
    }
}

/**
 * sluice_redis_exact_store_get_finish:
 *
 * Returns: (transfer full) (nullable): the entry, or %NULL — a miss when
 *   @error is not set
 */
SluiceCacheEntry *
sluice_redis_exact_store_get_finish (SluiceRedisExactStore  *self,
                                     GAsyncResult           *result,
                                     GError                **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * sluice_redis_exact_store_put:
 * @self: a store
 * @entry: the entry; its key names it
 * @keep_s: how long Redis keeps it (its TTL plus the stale grace)
 *
 * Stores @entry for every instance; nothing waits on it, and nothing is
 * stored while Redis is unreachable.
 */
void
sluice_redis_exact_store_put (SluiceRedisExactStore *self,
                              SluiceCacheEntry      *entry,
                              gint64                 keep_s)
{
  g_autofree char *full = NULL;
  g_autofree char *text = NULL;
  g_autofree char *ex = NULL;
  redisAsyncContext *ac;

  g_return_if_fail (SLUICE_IS_REDIS_EXACT_STORE (self));
  g_return_if_fail (entry != NULL && entry->key != NULL);

  ac = sluice_redis_link_get_context (self->link);
  if (!sluice_redis_link_is_up (self->link) || ac == NULL || keep_s <= 0)
    return;
  full = g_strconcat (self->prefix, entry->key, NULL);
  text = sluice_redis_exact_store_encode (entry);
  ex = g_strdup_printf ("%" G_GINT64_FORMAT, keep_s);
  redisAsyncCommand (ac, NULL, NULL, "SET %s %s EX %s", full, text, ex);
}

/* Purging. One script walks our keys with SCAN MATCH on the prefix and
 * deletes those whose document has FIELD = VALUE (every one for an empty
 * FIELD), so a purge on any instance empties the shared tier for all. */

static const char purge_script[] =
  "local n = 0\n"
  "local cursor = '0'\n"
  "repeat\n"
  "  local page = redis.call('SCAN', cursor, 'MATCH', ARGV[1], 'COUNT', 500)\n"
  "  cursor = page[1]\n"
  "  for _, key in ipairs(page[2]) do\n"
  "    local hit = ARGV[2] == ''\n"
  "    if not hit then\n"
  "      local text = redis.pcall('GET', key)\n"
  "      if type(text) == 'string' then\n"
  "        local ok, doc = pcall(cjson.decode, text)\n"
  "        hit = ok and type(doc) == 'table' and doc[ARGV[2]] == ARGV[3]\n"
  "      end\n"
  "    end\n"
  "    if hit then n = n + redis.call('DEL', key) end\n"
  "  end\n"
  "until cursor == '0'\n"
  "return n\n";

static void
on_purged (redisAsyncContext *ac,
           void              *r,
           void              *privdata)
{
  const redisReply *reply = r;

  /* No reply: the connection closed first (also when the store is
   * disposed); Redis ran the script or never got it. */
  if (reply == NULL)
    g_debug ("No answer to the shared exact cache's purge: the connection closed");
  else if (reply->type == REDIS_REPLY_INTEGER)
    g_debug ("Purged %lld entries from the shared exact cache", reply->integer);
  else
    g_warning ("Could not purge the shared exact cache in Redis: %s",
               reply->type == REDIS_REPLY_ERROR ? reply->str : "unexpected reply");
}

/* A glob that matches exactly the keys under @prefix. */
static char *
match_pattern (const char *prefix)
{
  GString *pattern = g_string_new (NULL);

  for (const char *p = prefix; *p != '\0'; p++)
    {
      if (strchr ("*?[]\\", *p) != NULL)
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *p);
    }
  g_string_append_c (pattern, '*');
  return g_string_free (pattern, FALSE);
}

/**
 * sluice_redis_exact_store_purge:
 * @self: a store
 * @field: (nullable): "scope", "model" or "policy"; %NULL for every entry
 * @value: (nullable): what @field must be; ignored when @field is %NULL
 *
 * Deletes the matching entries from Redis, for every instance, and tells
 * the other instances' stores (::purged) to drop the copies they keep in
 * memory; nothing waits on it. Returns %FALSE when Redis is unreachable
 * (nothing was purged there).
 *
 * Returns: whether the purge was sent
 */
gboolean
sluice_redis_exact_store_purge (SluiceRedisExactStore *self,
                                const char            *field,
                                const char            *value)
{
  g_autofree char *pattern = NULL;
  g_autofree char *message = NULL;
  const char *argv[6];
  redisAsyncContext *ac;

  g_return_val_if_fail (SLUICE_IS_REDIS_EXACT_STORE (self), FALSE);
  g_return_val_if_fail (field == NULL || value != NULL, FALSE);

  ac = sluice_redis_link_get_context (self->link);
  if (!sluice_redis_link_is_up (self->link) || ac == NULL)
    return FALSE;
  pattern = match_pattern (self->prefix);
  argv[0] = "EVAL";
  argv[1] = purge_script;
  argv[2] = "0";
  argv[3] = pattern;
  argv[4] = field != NULL ? field : "";
  argv[5] = field != NULL ? value : "";
  if (redisAsyncCommandArgv (ac, on_purged, NULL, G_N_ELEMENTS (argv), argv, NULL) != REDIS_OK)
    return FALSE;

  /* After the script on the same connection, so whoever hears it finds
   * the shared tier purged already. */
  message = g_strdup_printf ("%s\n%s\n%s", self->instance, field != NULL ? field : "",
                             field != NULL ? value : "");
  redisAsyncCommand (ac, NULL, NULL, "PUBLISH %s %s", self->channel, message);
  return TRUE;
}

/* A purge published by another instance: "INSTANCE\nFIELD\nVALUE". */
static void
on_purge_message (redisAsyncContext *ac,
                  void              *r,
                  void              *privdata)
{
  SluiceRedisExactStore *self = privdata;
  const redisReply *reply = r;
  g_auto(GStrv) parts = NULL;

  if (reply == NULL || reply->type != REDIS_REPLY_ARRAY || reply->elements != 3 ||
      reply->element[0]->type != REDIS_REPLY_STRING ||
      strcmp (reply->element[0]->str, "message") != 0 ||
      reply->element[2]->type != REDIS_REPLY_STRING)
    return;
  parts = g_strsplit (reply->element[2]->str, "\n", 3);
  if (g_strv_length (parts) != 3 || strcmp (parts[0], self->instance) == 0)
    return;
  g_debug ("Another instance purged the shared exact cache (%s %s)",
           *parts[1] != '\0' ? parts[1] : "all", parts[2]);
  g_signal_emit (self, signals [PURGED], 0,
                 *parts[1] != '\0' ? parts[1] : NULL, *parts[1] != '\0' ? parts[2] : NULL);
}

/* (Re)connected: listen again; a purge sent while this connection was
 * down is not heard (the local copies then live until they expire). */
static void
listener_up (gpointer user_data)
{
  SluiceRedisExactStore *self = user_data;
  redisAsyncContext *ac = sluice_redis_link_get_context (self->listener);

  if (ac != NULL)
    redisAsyncCommand (ac, on_purge_message, self, "SUBSCRIBE %s", self->channel);
}

static void
listener_down (const char *why,
               gboolean    connecting,
               gpointer    user_data)
{
  g_debug ("The shared exact cache stopped hearing purges: %s", why);
}

gboolean
sluice_redis_exact_store_is_connected (SluiceRedisExactStore *self)
{
  g_return_val_if_fail (SLUICE_IS_REDIS_EXACT_STORE (self), FALSE);

  return sluice_redis_link_is_up (self->link);
}

/* Life cycle */

static void
sluice_redis_exact_store_dispose (GObject *object)
{
  SluiceRedisExactStore *self = SLUICE_REDIS_EXACT_STORE (object);

  g_clear_pointer (&self->link, sluice_redis_link_free);
  g_clear_pointer (&self->listener, sluice_redis_link_free);

  G_OBJECT_CLASS (sluice_redis_exact_store_parent_class)->dispose (object);
}

static void
sluice_redis_exact_store_finalize (GObject *object)
{
  SluiceRedisExactStore *self = SLUICE_REDIS_EXACT_STORE (object);

  g_free (self->prefix);
  g_free (self->channel);
  g_free (self->instance);

  G_OBJECT_CLASS (sluice_redis_exact_store_parent_class)->finalize (object);
}

static void
sluice_redis_exact_store_class_init (SluiceRedisExactStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sluice_redis_exact_store_dispose;
  object_class->finalize = sluice_redis_exact_store_finalize;

  /**
   * SluiceRedisExactStore::alert:
   * @severity: "warning" or "info"
   * @code: "cache.redis_lost" or "cache.redis_back"
   * @message: a sentence for people
   *
   * Redis was lost (the cache falls back to its local tier) or is back.
   */
  signals [ALERT] =
    g_signal_new ("alert", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);

  /**
   * SluiceRedisExactStore::purged:
   * @field: (nullable): "scope", "model" or "policy"; %NULL for every entry
   * @value: (nullable): what @field was
   *
   * Another instance purged the shared tier: the same entries should go
   * from this instance's local tier.
   */
  signals [PURGED] =
    g_signal_new ("purged", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
sluice_redis_exact_store_init (SluiceRedisExactStore *self)
{
}

/**
 * sluice_redis_exact_store_new:
 * @url: redis://HOST[:PORT][/DB] or unix:///PATH
 * @prefix: (nullable): of every key; default "sluice:cache:"
 * @error: set when @url cannot be parsed
 *
 * Starts connecting at once; until connected, look-ups miss.
 *
 * Returns: (transfer full) (nullable): the store
 */
SluiceRedisExactStore *
sluice_redis_exact_store_new (const char  *url,
                              const char  *prefix,
                              GError     **error)
{
  g_autoptr(SluiceRedisExactStore) self = NULL;

  g_return_val_if_fail (url != NULL, NULL);

  self = g_object_new (SLUICE_TYPE_REDIS_EXACT_STORE, NULL);
  self->link = sluice_redis_link_new (url, error);
  if (self->link == NULL)
    return NULL;
  self->listener = sluice_redis_link_new (url, error);
  if (self->listener == NULL)
    return NULL;
  self->prefix = g_strdup (prefix != NULL ? prefix : "sluice:cache:");
  self->channel = g_strconcat (self->prefix, "purge", NULL);
  self->instance = g_uuid_string_random ();
  sluice_redis_link_start (self->link, link_up, link_down, self);
  sluice_redis_link_start (self->listener, listener_up, listener_down, self);
  return g_steal_pointer (&self);
}
