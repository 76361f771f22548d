/* sluice-exact-cache.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-cache"

#include "config.h"

#include <string.h>

#include <sqlite3.h>

#include "sluice-exact-cache.h"

/* The entry store behind both tiers: a hash table of keys to nodes and a
 * recency list, so look-up, insertion and eviction are O(1). Expired
 * entries stay for the stale grace period, for degraded serving. Every
 * change is mirrored to the store's cache_entries table on the writer
 * thread, detached: the memory is the truth while running, the file after
 * a restart. */
typedef struct
{
  GList              link;      /* in @lru; head = most recently used */
  SluiceCacheEntry  *entry;
  gsize              size;
} Node;

struct _SluiceExactCache
{
  GObject       parent_instance;

  SluiceClock  *clock;
  SluiceStore  *store;
  guint         max_entries;
  guint64       max_bytes;
  gint64        stale_grace_us;

  GMutex        lock;
  GHashTable   *nodes;          /* key → Node, owns the nodes */
  GQueue        lru;
  guint64       n_bytes;
  guint64       n_evictions;
  guint         n_inserts;
};

enum {
  REMOVED,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

G_DEFINE_FINAL_TYPE (SluiceExactCache, sluice_exact_cache, G_TYPE_OBJECT)

/* Inserts between two sweeps of the entries past their grace period. */
#define PRUNE_EVERY 1024

static void
node_free (gpointer data)
{
  Node *node = data;

  sluice_cache_entry_unref (node->entry);
  g_free (node);
}

static void
sluice_exact_cache_finalize (GObject *object)
{
  SluiceExactCache *self = SLUICE_EXACT_CACHE (object);

  g_clear_pointer (&self->nodes, g_hash_table_unref);
  g_clear_object (&self->clock);
  g_clear_object (&self->store);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (sluice_exact_cache_parent_class)->finalize (object);
}

static void
sluice_exact_cache_class_init (SluiceExactCacheClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sluice_exact_cache_finalize;

  /**
   * SluiceExactCache::removed:
   * @entry: the entry that left the cache (evicted, expired or purged)
   *
   * Emitted after the lock is released, on the thread that removed it.
   */
  signals [REMOVED] =
    g_signal_new ("removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  SLUICE_TYPE_CACHE_ENTRY | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
sluice_exact_cache_init (SluiceExactCache *self)
{
  g_mutex_init (&self->lock);
  self->nodes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, node_free);
  g_queue_init (&self->lru);
}

/* Persistence, on the store's writer thread. */

typedef struct
{
  SluiceCacheEntry *entry;      /* insert */
  char             *key;        /* delete one */
  char             *column;     /* purge: NULL = all */
  char             *value;
} PersistJob;

static void
persist_job_free (gpointer data)
{
  PersistJob *job = data;

  g_clear_pointer (&job->entry, sluice_cache_entry_unref);
  g_free (job->key);
  g_free (job->column);
  g_free (job->value);
  g_free (job);
}

static void
bind_entry (sqlite3_stmt           *stmt,
            const SluiceCacheEntry *e)
{
  sqlite3_bind_text (stmt, 1, e->key, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, e->tier);
  sqlite3_bind_text (stmt, 3, e->scope, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, e->model, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, e->policy, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, e->context, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, e->text, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, e->payload, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 9, e->tokens);
  sqlite3_bind_double (stmt, 10, e->cost_usd);
  sqlite3_bind_int64 (stmt, 11, e->created_us);
  sqlite3_bind_int64 (stmt, 12, e->expires_us);
  sqlite3_bind_int64 (stmt, 13, e->created_us);
  if (e->vector != NULL)
    sqlite3_bind_blob (stmt, 14, e->vector, (int) (e->dims * sizeof (float)), SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, 14);
}

static gboolean
persist_run (struct sqlite3  *db,
             gpointer         data,
             GError         **error)
{
  PersistJob *job = data;
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (job->entry != NULL)
    sql = g_strdup ("INSERT OR REPLACE INTO cache_entries (key, tier, scope, model, "
                    "policy, context, text, payload, tokens, cost_usd, created_us, "
                    "expires_us, used_us, vector) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                    "?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
  else if (job->key != NULL)
    sql = g_strdup ("DELETE FROM cache_entries WHERE key = ?1");
  else if (job->column != NULL)
    sql = g_strdup_printf ("DELETE FROM cache_entries WHERE %s = ?1", job->column);
  else
    sql = g_strdup ("DELETE FROM cache_entries");

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, SLUICE_STORE_ERROR, SLUICE_STORE_ERROR_SQL, "%s", sqlite3_errmsg (db));
      return FALSE;
    }

  if (job->entry != NULL)
    bind_entry (stmt, job->entry);
  else if (job->key != NULL || job->column != NULL)
    sqlite3_bind_text (stmt, 1, job->key != NULL ? job->key : job->value, -1, SQLITE_STATIC);

  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;

  g_set_error (error, SLUICE_STORE_ERROR, SLUICE_STORE_ERROR_SQL, "%s", sqlite3_errmsg (db));
  return FALSE;
}

static void
persist (SluiceExactCache *self,
         PersistJob       *job)
{
  if (self->store == NULL)
    {
      persist_job_free (job);
      return;
    }
  sluice_store_exec_async (self->store, persist_run, job, persist_job_free,
                           NULL, NULL, NULL);
}

static PersistJob *
persist_job_new (void)
{
  return g_new0 (PersistJob, 1);
}

/* Memory. Callers hold @lock. */

static void
unlink_node (SluiceExactCache *self,
             Node             *node,
             GPtrArray        *removed,
             gboolean          delete_row)
{
  g_queue_unlink (&self->lru, &node->link);
  self->n_bytes -= node->size;
  g_ptr_array_add (removed, sluice_cache_entry_ref (node->entry));

  if (delete_row)
    {
      PersistJob *job = persist_job_new ();

      job->key = g_strdup (node->entry->key);
      persist (self, job);
    }
  g_hash_table_remove (self->nodes, node->entry->key);
}

static void
emit_removed (SluiceExactCache *self,
              GPtrArray        *removed)
{
  for (guint i = 0; i < removed->len; i++)
    g_signal_emit (self, signals [REMOVED], 0, g_ptr_array_index (removed, i));
}

static void
evict_over_caps (SluiceExactCache *self,
                 GPtrArray        *removed)
{
  while (self->lru.length > 0 &&
         ((self->max_entries > 0 && self->lru.length > self->max_entries) ||
          (self->max_bytes > 0 && self->n_bytes > self->max_bytes)))
    {
      unlink_node (self, self->lru.tail->data, removed, TRUE);
      self->n_evictions++;
    }
}

static gboolean
past_grace (SluiceExactCache       *self,
            const SluiceCacheEntry *entry,
            gint64                  now_us)
{
  return now_us >= entry->expires_us + self->stale_grace_us;
}

static guint
prune_locked (SluiceExactCache *self,
              GPtrArray        *removed)
{
  gint64 now_us = sluice_clock_now_us (self->clock);
  guint n = 0;

  for (GList *l = self->lru.head; l != NULL;)
    {
      Node *node = l->data;

      l = l->next;
      if (past_grace (self, node->entry, now_us))
        {
          unlink_node (self, node, removed, TRUE);
          n++;
        }
    }

  return n;
}

/* Adds @entry at the head; replaces an entry with the same key. */
static void
add_locked (SluiceExactCache *self,
            SluiceCacheEntry *entry,
            GPtrArray        *removed)
{
  Node *node = g_hash_table_lookup (self->nodes, entry->key);

  if (node != NULL)
    unlink_node (self, node, removed, FALSE);

  node = g_new0 (Node, 1);
  node->link.data = node;
  node->entry = sluice_cache_entry_ref (entry);
  node->size = sluice_cache_entry_get_size (entry);
  g_hash_table_insert (self->nodes, entry->key, node);
  g_queue_push_head_link (&self->lru, &node->link);
  self->n_bytes += node->size;
}

/**
 * sluice_exact_cache_new:
 * @clock: the time source for expiry
 * @store: (nullable): where entries persist, or %NULL for memory only
 * @max_entries: the entry cap, 0 for none
 * @max_bytes: the byte cap (sluice_cache_entry_get_size()), 0 for none
 * @stale_grace_s: how long an expired entry is kept for stale look-ups
 *
 * Returns: (transfer full): an empty cache; call
 *   sluice_exact_cache_load() to read what @store keeps
 */
SluiceExactCache *
sluice_exact_cache_new (SluiceClock *clock,
                        SluiceStore *store,
                        guint        max_entries,
                        guint64      max_bytes,
                        gint64       stale_grace_s)
{
  SluiceExactCache *self;

  g_return_val_if_fail (SLUICE_IS_CLOCK (clock), NULL);
  g_return_val_if_fail (store == NULL || SLUICE_IS_STORE (store), NULL);

  self = g_object_new (SLUICE_TYPE_EXACT_CACHE, NULL);
  self->clock = g_object_ref (clock);
  g_set_object (&self->store, store);
  self->max_entries = max_entries;
  self->max_bytes = max_bytes;
  self->stale_grace_us = MAX (stale_grace_s, 0) * G_USEC_PER_SEC;

  return self;
}

/**
 * sluice_exact_cache_insert:
 * @self: a cache
 * @entry: a complete entry; the cache takes a reference
 *
 * Adds @entry as the most recently used, persists it and evicts the
 * least recently used entries over the caps.
 */
void
sluice_exact_cache_insert (SluiceExactCache *self,
                           SluiceCacheEntry *entry)
{
  g_autoptr(GPtrArray) removed = g_ptr_array_new_with_free_func ((GDestroyNotify) sluice_cache_entry_unref);
  PersistJob *job;

  g_return_if_fail (SLUICE_IS_EXACT_CACHE (self));
  g_return_if_fail (entry != NULL && entry->key != NULL);

  g_mutex_lock (&self->lock);
  add_locked (self, entry, removed);
  if (++self->n_inserts % PRUNE_EVERY == 0)
    prune_locked (self, removed);
  evict_over_caps (self, removed);
  g_mutex_unlock (&self->lock);

  job = persist_job_new ();
  job->entry = sluice_cache_entry_ref (entry);
  persist (self, job);
  emit_removed (self, removed);
}

/**
 * sluice_exact_cache_lookup:
 * @self: a cache
 * @key: the entry's key
 * @max_age_s: only accept an entry younger than this, or -1
 * @stale_ok: accept an expired entry still within the grace period
 * @out_stale: (out) (optional): set to whether the entry has expired
 *
 * A hit becomes the most recently used entry.
 *
 * Returns: (transfer full) (nullable): the entry
 */
SluiceCacheEntry *
sluice_exact_cache_lookup (SluiceExactCache *self,
                           const char       *key,
                           gint64            max_age_s,
                           gboolean          stale_ok,
                           gboolean         *out_stale)
{
  g_autoptr(GPtrArray) removed = g_ptr_array_new_with_free_func ((GDestroyNotify) sluice_cache_entry_unref);
  SluiceCacheEntry *found = NULL;
  gboolean stale = FALSE;
  gint64 now_us;
  Node *node;

  g_return_val_if_fail (SLUICE_IS_EXACT_CACHE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  now_us = sluice_clock_now_us (self->clock);

  g_mutex_lock (&self->lock);
  node = g_hash_table_lookup (self->nodes, key);
  if (node != NULL && past_grace (self, node->entry, now_us))
    unlink_node (self, node, removed, TRUE);
  else if (node != NULL)
    {
      stale = now_us >= node->entry->expires_us;
      if ((!stale || stale_ok) &&
          (max_age_s < 0 || now_us - node->entry->created_us <= max_age_s * G_USEC_PER_SEC))
        {
          g_queue_unlink (&self->lru, &node->link);
          g_queue_push_head_link (&self->lru, &node->link);
          found = sluice_cache_entry_ref (node->entry);
        }
    }
  g_mutex_unlock (&self->lock);

  emit_removed (self, removed);
  if (out_stale != NULL)
    *out_stale = found != NULL && stale;

  return found;
}

/**
 * sluice_exact_cache_remove:
 *
 * Returns: whether an entry with @key was there
 */
gboolean
sluice_exact_cache_remove (SluiceExactCache *self,
                           const char       *key)
{
  g_autoptr(GPtrArray) removed = g_ptr_array_new_with_free_func ((GDestroyNotify) sluice_cache_entry_unref);
  Node *node;

  g_return_val_if_fail (SLUICE_IS_EXACT_CACHE (self), FALSE);

  g_mutex_lock (&self->lock);
  node = g_hash_table_lookup (self->nodes, key);
  if (node != NULL)
    unlink_node (self, node, removed, TRUE);
  g_mutex_unlock (&self->lock);

  emit_removed (self, removed);
  return removed->len > 0;
}

static const char *
purge_field (const SluiceCacheEntry *entry,
             SluiceCachePurge        what)
{
  switch (what)
    {
    case SLUICE_CACHE_PURGE_SCOPE:
      return entry->scope;
    case SLUICE_CACHE_PURGE_MODEL:
      return entry->model;
    case SLUICE_CACHE_PURGE_POLICY:
      return entry->policy;
    case SLUICE_CACHE_PURGE_ALL:
    default:
      return NULL;
    }
}

static const char * const purge_columns[] = { NULL, "scope", "model", "policy" };

/**
 * sluice_exact_cache_purge:
 * @self: a cache
 * @what: which entries
 * @value: (nullable): the scope, model or policy; ignored for ALL
 *
 * Removes the matching entries from memory and from the store.
 *
 * Returns: the number of entries removed from memory
 */
guint
sluice_exact_cache_purge (SluiceExactCache *self,
                          SluiceCachePurge  what,
                          const char       *value)
{
  g_autoptr(GPtrArray) removed = g_ptr_array_new_with_free_func ((GDestroyNotify) sluice_cache_entry_unref);
  PersistJob *job;

  g_return_val_if_fail (SLUICE_IS_EXACT_CACHE (self), 0);
  g_return_val_if_fail (what == SLUICE_CACHE_PURGE_ALL || value != NULL, 0);

  g_mutex_lock (&self->lock);
  for (GList *l = self->lru.head; l != NULL;)
    {
      Node *node = l->data;

      l = l->next;
      if (what == SLUICE_CACHE_PURGE_ALL ||
          g_strcmp0 (purge_field (node->entry, what), value) == 0)
        unlink_node (self, node, removed, FALSE);
    }
  g_mutex_unlock (&self->lock);

  job = persist_job_new ();
  job->column = g_strdup (purge_columns[what]);
  job->value = g_strdup (value);
  persist (self, job);

  emit_removed (self, removed);
  return removed->len;
}

/**
 * sluice_exact_cache_prune:
 *
 * Drops the entries whose grace period is over. Also done every
 * %PRUNE_EVERY insertions.
 *
 * Returns: the number of entries dropped
 */
guint
sluice_exact_cache_prune (SluiceExactCache *self)
{
  g_autoptr(GPtrArray) removed = g_ptr_array_new_with_free_func ((GDestroyNotify) sluice_cache_entry_unref);
  guint n;

  g_return_val_if_fail (SLUICE_IS_EXACT_CACHE (self), 0);

  g_mutex_lock (&self->lock);
  n = prune_locked (self, removed);
  g_mutex_unlock (&self->lock);

  emit_removed (self, removed);
  return n;
}

/**
 * sluice_exact_cache_dup_entries:
 *
 * Returns: (transfer container) (element-type SluiceCacheEntry): the
 *   entries, least recently used first
 */
GPtrArray *
sluice_exact_cache_dup_entries (SluiceExactCache *self)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) sluice_cache_entry_unref);

  g_return_val_if_fail (SLUICE_IS_EXACT_CACHE (self), NULL);

  g_mutex_lock (&self->lock);
  for (GList *l = self->lru.tail; l != NULL; l = l->prev)
    g_ptr_array_add (entries, sluice_cache_entry_ref (((Node *) l->data)->entry));
  g_mutex_unlock (&self->lock);

  return entries;
}

/* Loading. */

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

static SluiceCacheEntry *
read_entry (sqlite3_stmt *stmt)
{
  SluiceCacheEntry *e = sluice_cache_entry_new ();
  int blob_bytes = sqlite3_column_bytes (stmt, 13);

  e->key = column_dup (stmt, 0);
  e->tier = sqlite3_column_int (stmt, 1);
  e->scope = column_dup (stmt, 2);
  e->model = column_dup (stmt, 3);
  e->policy = column_dup (stmt, 4);
  e->context = column_dup (stmt, 5);
  e->text = column_dup (stmt, 6);
  e->payload = column_dup (stmt, 7);
  e->tokens = sqlite3_column_int64 (stmt, 8);
  e->cost_usd = sqlite3_column_double (stmt, 9);
  e->created_us = sqlite3_column_int64 (stmt, 10);
  e->expires_us = sqlite3_column_int64 (stmt, 11);
  if (blob_bytes > 0 && blob_bytes % sizeof (float) == 0)
    {
      e->dims = blob_bytes / sizeof (float);
      e->vector = g_memdup2 (sqlite3_column_blob (stmt, 13), blob_bytes);
    }

  return e;
}

typedef struct
{
  gint64     min_expires_us;
  GPtrArray *entries;
} LoadData;

static gboolean
load_run (struct sqlite3  *db,
          gpointer         data,
          GError         **error)
{
  LoadData *load = data;
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, "SELECT key, tier, scope, model, policy, context, text, "
                           "payload, tokens, cost_usd, created_us, expires_us, used_us, "
                           "vector FROM cache_entries WHERE expires_us > ?1 "
                           "ORDER BY used_us, created_us", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, load->min_expires_us);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        g_ptr_array_add (load->entries, read_entry (stmt));
    }
  sqlite3_finalize (stmt);

  if (rc == SQLITE_DONE)
    return TRUE;
  g_set_error (error, SLUICE_STORE_ERROR, SLUICE_STORE_ERROR_SQL, "%s", sqlite3_errmsg (db));
  return FALSE;
}

/**
 * sluice_exact_cache_load:
 * @self: a cache
 *
 * Reads the entries the store keeps that are still within their grace
 * period, oldest first, so the recency order survives a restart, and
 * emits nothing. Entries over the caps are evicted.
 *
 * Returns: %TRUE, or %FALSE with @error set
 */
gboolean
sluice_exact_cache_load (SluiceExactCache  *self,
                         GError           **error)
{
  g_autoptr(GPtrArray) removed = g_ptr_array_new_with_free_func ((GDestroyNotify) sluice_cache_entry_unref);
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) sluice_cache_entry_unref);
  LoadData load;

  g_return_val_if_fail (SLUICE_IS_EXACT_CACHE (self), FALSE);

  if (self->store == NULL)
    return TRUE;

  load.min_expires_us = sluice_clock_now_us (self->clock) - self->stale_grace_us;
  load.entries = entries;
  if (!sluice_store_read (self->store, load_run, &load, error))
    return FALSE;

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < entries->len; i++)
    add_locked (self, g_ptr_array_index (entries, i), removed);
  evict_over_caps (self, removed);
  g_mutex_unlock (&self->lock);

  emit_removed (self, removed);
  return TRUE;
}

guint
sluice_exact_cache_get_n_entries (SluiceExactCache *self)
{
  guint n;

  g_return_val_if_fail (SLUICE_IS_EXACT_CACHE (self), 0);

  g_mutex_lock (&self->lock);
  n = self->lru.length;
  g_mutex_unlock (&self->lock);
  return n;
}

guint64
sluice_exact_cache_get_n_bytes (SluiceExactCache *self)
{
  guint64 n;

  g_return_val_if_fail (SLUICE_IS_EXACT_CACHE (self), 0);

  g_mutex_lock (&self->lock);
  n = self->n_bytes;
  g_mutex_unlock (&self->lock);
  return n;
}

guint64
sluice_exact_cache_get_n_evictions (SluiceExactCache *self)
{
  guint64 n;

  g_return_val_if_fail (SLUICE_IS_EXACT_CACHE (self), 0);

  g_mutex_lock (&self->lock);
  n = self->n_evictions;
  g_mutex_unlock (&self->lock);
  return n;
}

gint64
sluice_exact_cache_get_stale_grace (SluiceExactCache *self)
{
  g_return_val_if_fail (SLUICE_IS_EXACT_CACHE (self), 0);

  return self->stale_grace_us / G_USEC_PER_SEC;
}
