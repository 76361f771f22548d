/* sluice-semantic-cache.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-cache"

#include "config.h"

#include "sluice-match-check.h"
#include "sluice-semantic-cache.h"
#include "sluice-vector-index.h"

/* The semantic tier: one vector index per scope (tenant + model + context
 * hash, so a tenant's query never meets another tenant's vectors), over
 * the SEMANTIC entries of the shared entry store. The store owns the
 * entries, their LRU order and their expiry; when it drops one, the
 * "removed" signal tombstones the vector here. A hit needs the similarity
 * threshold and the second-stage check (sluice-match-check.c). */

#define N_CANDIDATES 4       /* neighbours tried against the check */
#define SEARCH_EF    64
#define EXACT_BELOW  256     /* tiny indexes are scanned exactly */

typedef struct
{
  SluiceVectorIndex *index;
  GPtrArray         *keys;     /* id → key (owned), NULL once removed */
} Scope;

typedef struct
{
  Scope *scope;
  guint  id;
} Location;

struct _SluiceSemanticCache
{
  GObject           parent_instance;

  SluiceExactCache *entries;
  SluiceNormaliser *normaliser;
  gulong            removed_id;

  GMutex            lock;
  GHashTable       *scopes;      /* scope key → Scope */
  GHashTable       *locations;   /* entry key → Location */
};

G_DEFINE_FINAL_TYPE (SluiceSemanticCache, sluice_semantic_cache, G_TYPE_OBJECT)

static void
scope_free (gpointer data)
{
  Scope *scope = data;

  sluice_vector_index_free (scope->index);
  g_ptr_array_unref (scope->keys);
  g_free (scope);
}

static void
sluice_semantic_cache_dispose (GObject *object)
{
  SluiceSemanticCache *self = SLUICE_SEMANTIC_CACHE (object);

  if (self->entries != NULL)
    g_clear_signal_handler (&self->removed_id, self->entries);
  g_clear_object (&self->entries);
  g_clear_object (&self->normaliser);

  G_OBJECT_CLASS (sluice_semantic_cache_parent_class)->dispose (object);
}

static void
sluice_semantic_cache_finalize (GObject *object)
{
  SluiceSemanticCache *self = SLUICE_SEMANTIC_CACHE (object);

  g_clear_pointer (&self->locations, g_hash_table_unref);
  g_clear_pointer (&self->scopes, g_hash_table_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (sluice_semantic_cache_parent_class)->finalize (object);
}

static void
sluice_semantic_cache_class_init (SluiceSemanticCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sluice_semantic_cache_dispose;
  object_class->finalize = sluice_semantic_cache_finalize;
}

static void
sluice_semantic_cache_init (SluiceSemanticCache *self)
{
  g_mutex_init (&self->lock);
  self->scopes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, scope_free);
  self->locations = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
}

/* Re-indexes @scope's live vectors when tombstones outnumber them. */
static void
compact (SluiceSemanticCache *self,
         Scope               *scope)
{
  SluiceVectorIndex *old = scope->index;
  GPtrArray *old_keys = scope->keys;
  guint dims = sluice_vector_index_get_dims (old);

  scope->index = sluice_vector_index_new (dims);
  scope->keys = g_ptr_array_new_with_free_func (g_free);
  for (guint id = 0; id < old_keys->len; id++)
    {
      char *key = g_ptr_array_index (old_keys, id);
      Location *loc;

      if (key == NULL)
        continue;
      loc = g_hash_table_lookup (self->locations, key);
      old_keys->pdata[id] = NULL;
      loc->id = sluice_vector_index_add (scope->index, sluice_vector_index_get_vector (old, id));
      g_ptr_array_add (scope->keys, key);
      g_hash_table_replace (self->locations, key, loc);
    }
  sluice_vector_index_free (old);
  g_ptr_array_unref (old_keys);
}

static void
forget_locked (SluiceSemanticCache *self,
               const char          *key)
{
  Location *loc = g_hash_table_lookup (self->locations, key);
  Scope *scope;
  char *owned;

  if (loc == NULL)
    return;

  scope = loc->scope;
  owned = g_ptr_array_index (scope->keys, loc->id);
  sluice_vector_index_remove (scope->index, loc->id);
  scope->keys->pdata[loc->id] = NULL;
  g_hash_table_remove (self->locations, key);
  g_free (owned);

  if (sluice_vector_index_get_size (scope->index) > 1024 &&
      sluice_vector_index_get_n_live (scope->index) * 2 < sluice_vector_index_get_size (scope->index))
    compact (self, scope);
}

static void
entry_removed_cb (SluiceSemanticCache *self,
                  SluiceCacheEntry    *entry,
                  SluiceExactCache    *entries)
{
  if (entry->tier != SLUICE_CACHE_TIER_SEMANTIC)
    return;

  g_mutex_lock (&self->lock);
  forget_locked (self, entry->key);
  g_mutex_unlock (&self->lock);
}

static void
index_locked (SluiceSemanticCache *self,
              SluiceCacheEntry    *entry)
{
  Scope *scope = g_hash_table_lookup (self->scopes, entry->context);
  Location *loc;
  char *key;

  forget_locked (self, entry->key);

  if (scope != NULL && sluice_vector_index_get_dims (scope->index) != entry->dims)
    {
      /* The embedder changed: the old vectors are not comparable. */
      g_hash_table_remove (self->scopes, entry->context);
      scope = NULL;
    }
  if (scope == NULL)
    {
      scope = g_new0 (Scope, 1);
      scope->index = sluice_vector_index_new (entry->dims);
      scope->keys = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_insert (self->scopes, g_strdup (entry->context), scope);
    }

  key = g_strdup (entry->key);
  loc = g_new0 (Location, 1);
  loc->scope = scope;
  loc->id = sluice_vector_index_add (scope->index, entry->vector);
  g_ptr_array_add (scope->keys, key);
  g_hash_table_insert (self->locations, key, loc);
}

/**
 * sluice_semantic_cache_new:
 * @entries: the entry store shared with the exact tier
 * @normaliser: for the second-stage check
 *
 * Returns: (transfer full): a semantic tier over @entries
 */
SluiceSemanticCache *
sluice_semantic_cache_new (SluiceExactCache *entries,
                           SluiceNormaliser *normaliser)
{
  SluiceSemanticCache *self;

  g_return_val_if_fail (SLUICE_IS_EXACT_CACHE (entries), NULL);
  g_return_val_if_fail (SLUICE_IS_NORMALISER (normaliser), NULL);

  self = g_object_new (SLUICE_TYPE_SEMANTIC_CACHE, NULL);
  self->entries = g_object_ref (entries);
  self->normaliser = g_object_ref (normaliser);
  self->removed_id = g_signal_connect_swapped (entries, "removed",
                                               G_CALLBACK (entry_removed_cb), self);
  return self;
}

/**
 * sluice_semantic_cache_index_all:
 *
 * Indexes the SEMANTIC entries already in the store, e.g. after
 * sluice_exact_cache_load().
 */
void
sluice_semantic_cache_index_all (SluiceSemanticCache *self)
{
  g_autoptr(GPtrArray) all = NULL;

  g_return_if_fail (SLUICE_IS_SEMANTIC_CACHE (self));

  all = sluice_exact_cache_dup_entries (self->entries);
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < all->len; i++)
    {
      SluiceCacheEntry *e = g_ptr_array_index (all, i);

      if (e->tier == SLUICE_CACHE_TIER_SEMANTIC && e->vector != NULL && e->context != NULL)
        index_locked (self, e);
    }
  g_mutex_unlock (&self->lock);
}

/**
 * sluice_semantic_cache_insert:
 * @self: a semantic tier
 * @entry: a SEMANTIC entry with its vector, its text and, in @context,
 *   its scope key
 *
 * Adds @entry to the store (which may evict others) and to its scope's
 * index.
 */
void
sluice_semantic_cache_insert (SluiceSemanticCache *self,
                              SluiceCacheEntry    *entry)
{
  SluiceCacheEntry *kept;

  g_return_if_fail (SLUICE_IS_SEMANTIC_CACHE (self));
  g_return_if_fail (entry != NULL && entry->vector != NULL && entry->context != NULL);
  g_return_if_fail (entry->tier == SLUICE_CACHE_TIER_SEMANTIC);

  /* The store first: replacing an entry with the same key emits
   * "removed" for the old one, which must not take the new vector. */
  sluice_exact_cache_insert (self->entries, entry);

  g_mutex_lock (&self->lock);
  index_locked (self, entry);
  g_mutex_unlock (&self->lock);

  /* The insertion may have evicted the entry itself (it is larger than
   * the byte cap): keep the index in step. */
  kept = sluice_exact_cache_lookup (self->entries, entry->key, -1, TRUE, NULL);
  if (kept == NULL)
    {
      g_mutex_lock (&self->lock);
      forget_locked (self, entry->key);
      g_mutex_unlock (&self->lock);
    }
  g_clear_pointer (&kept, sluice_cache_entry_unref);
}

static guint
search_locked (SluiceSemanticCache *self,
               const char          *scope_key,
               const float         *vector,
               guint                dims,
               char               **keys,
               float               *sims)
{
  Scope *scope = g_hash_table_lookup (self->scopes, scope_key);
  guint ids[N_CANDIDATES];
  guint n;

  if (scope == NULL || sluice_vector_index_get_dims (scope->index) != dims)
    return 0;

  if (sluice_vector_index_get_size (scope->index) < EXACT_BELOW)
    n = sluice_vector_index_search_exact (scope->index, vector, N_CANDIDATES, ids, sims);
  else
    n = sluice_vector_index_search (scope->index, vector, N_CANDIDATES, SEARCH_EF, ids, sims);

  for (guint i = 0; i < n; i++)
    keys[i] = g_strdup (g_ptr_array_index (scope->keys, ids[i]));
  return n;
}

static void
append_detail (GString    *detail,
               const char *format,
               ...) G_GNUC_PRINTF (2, 3);

static void
append_detail (GString    *detail,
               const char *format,
               ...)
{
  va_list args;

  if (detail->len > 0)
    g_string_append (detail, "; ");
  va_start (args, format);
  g_string_append_vprintf (detail, format, args);
  va_end (args);
}

/**
 * sluice_semantic_cache_lookup:
 * @self: a semantic tier
 * @scope_key: the index scope (tenant + model + context hash)
 * @vector: the query's unit vector
 * @dims: its dimensions
 * @text: the query as written, for the second-stage check
 * @threshold: the minimum similarity
 * @max_age_s: only accept an entry younger than this, or -1
 * @stale_ok: accept an expired entry within its grace period
 * @out_similarity: (out) (optional): the hit's similarity, or the best seen
 * @out_stale: (out) (optional): whether the hit has expired
 * @out_detail: (out) (optional) (transfer full): what was tried, for the
 *   request's trace
 *
 * Returns: (transfer full) (nullable): the nearest entry above @threshold
 *   that passes the second-stage check
 */
SluiceCacheEntry *
sluice_semantic_cache_lookup (SluiceSemanticCache  *self,
                              const char           *scope_key,
                              const float          *vector,
                              guint                 dims,
                              const char           *text,
                              double                threshold,
                              gint64                max_age_s,
                              gboolean              stale_ok,
                              double               *out_similarity,
                              gboolean             *out_stale,
                              char                **out_detail)
{
  g_autoptr(GString) detail = g_string_new (NULL);
  char *keys[N_CANDIDATES] = { NULL };
  float sims[N_CANDIDATES];
  SluiceCacheEntry *hit = NULL;
  guint n;

  g_return_val_if_fail (SLUICE_IS_SEMANTIC_CACHE (self), NULL);
  g_return_val_if_fail (scope_key != NULL && vector != NULL, NULL);

  g_mutex_lock (&self->lock);
  n = search_locked (self, scope_key, vector, dims, keys, sims);
  g_mutex_unlock (&self->lock);

  if (out_similarity != NULL)
    *out_similarity = n > 0 ? sims[0] : 0.0;

  for (guint i = 0; i < n && hit == NULL; i++)
    {
      g_autoptr(SluiceCacheEntry) e = NULL;
      g_autofree char *reason = NULL;

      if (sims[i] < threshold)
        {
          append_detail (detail, "nearest %.3f below %.3f", sims[i], threshold);
          break;
        }
      e = sluice_exact_cache_lookup (self->entries, keys[i], max_age_s, stale_ok, out_stale);
      if (e == NULL)
        continue;
      if (!sluice_match_check (self->normaliser, text, e->text, &reason))
        {
          append_detail (detail, "%.3f refused: %s", sims[i], reason);
          continue;
        }
      append_detail (detail, "%.3f accepted", sims[i]);
      if (out_similarity != NULL)
        *out_similarity = sims[i];
      hit = g_steal_pointer (&e);
    }

  for (guint i = 0; i < n; i++)
    g_free (keys[i]);
  if (n == 0)
    append_detail (detail, "no vectors in this scope");
  if (out_detail != NULL)
    *out_detail = g_strdup (detail->str);

  return hit;
}

guint
sluice_semantic_cache_get_n_vectors (SluiceSemanticCache *self)
{
  guint n;

  g_return_val_if_fail (SLUICE_IS_SEMANTIC_CACHE (self), 0);

  g_mutex_lock (&self->lock);
  n = g_hash_table_size (self->locations);
  g_mutex_unlock (&self->lock);
  return n;
}
