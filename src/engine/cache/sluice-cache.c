/* sluice-cache.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-cache"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sluice-cache-private.h"
#include "sluice-local-embedder.h"
#include "sluice-normaliser.h"
#include "sluice-redis-exact-store.h"
#include "sluice-request.h"
#include "sluice-semantic-cache.h"

/* The response cache the pipeline talks to. It decides whether a request
 * may be cached (the task's TTL policy, the temperature, the request's
 * cache-control), computes the exact key and the semantic scope, and runs
 * both tiers over one entry store:
 *
 * - exact: SHA-256 of the normalised conversation with roles, the model or
 *   chain, the rounded temperature, tools and response format, the
 *   context hash (system prompt + tools), the task and the tenant;
 * - semantic: the last user message's vector, searched among the entries
 *   of the same scope (tenant + model + context hash + task + the earlier
 *   turns), above the threshold and through the second-stage check.
 *
 * An entry stored under a semantic policy is both: its key is the exact
 * key, so a verbatim repeat is an EXACT hit without an embedding. */

G_DEFINE_FINAL_TYPE (SluiceCache, sluice_cache, G_TYPE_OBJECT)

void
sluice_cache_settings_init (SluiceCacheSettings *settings)
{
  g_return_if_fail (settings != NULL);

  settings->max_entries = 10000;
  settings->max_bytes = 256 * 1024 * 1024;
  settings->max_temperature = 0.7;
  settings->stale_grace_s = 86400;
  settings->filler_words = NULL;
  settings->local_threshold = 0.0;
  settings->redis_url = NULL;
  settings->redis_prefix = NULL;
}

void
sluice_cache_result_free (SluiceCacheResult *result)
{
  if (result == NULL)
    return;

  g_clear_pointer (&result->entry, sluice_cache_entry_unref);
  g_free (result->detail);
  g_free (result);
}

static void
sluice_cache_finalize (GObject *object)
{
  SluiceCache *self = SLUICE_CACHE (object);

  g_clear_object (&self->semantic);
  g_clear_object (&self->redis);
  g_clear_object (&self->entries);
  g_clear_object (&self->embedder);
  g_clear_object (&self->normaliser);
  g_clear_object (&self->clock);
  g_mutex_clear (&self->stats_lock);

  G_OBJECT_CLASS (sluice_cache_parent_class)->finalize (object);
}

static void
sluice_cache_class_init (SluiceCacheClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sluice_cache_finalize;
}

static void
sluice_cache_init (SluiceCache *self)
{
  g_mutex_init (&self->stats_lock);
}

static const char * const purge_fields[] = { NULL, "scope", "model", "policy" };

/* Another instance purged the shared tier: drop the same entries here. */
static void
redis_purged_cb (SluiceRedisExactStore *store,
                 const char            *field,
                 const char            *value,
                 SluiceCache           *self)
{
  for (guint what = SLUICE_CACHE_PURGE_ALL; what < G_N_ELEMENTS (purge_fields); what++)
    if (g_strcmp0 (field, purge_fields[what]) == 0)
      {
        guint n = sluice_exact_cache_purge (self->entries, what, value);

        g_debug ("Purged %u local cache entries after another instance's purge", n);
        return;
      }
}

/**
 * sluice_cache_new:
 * @clock: the time source for TTLs
 * @store: (nullable): where entries persist; %NULL for memory only
 * @embedder: (nullable): for the semantic tier; %NULL for the local one
 * @settings: (nullable): %NULL for sluice_cache_settings_init()'s
 * @error: set when the persisted entries cannot be read
 *
 * Returns: (transfer full): the cache, with the entries @store kept
 */
SluiceCache *
sluice_cache_new (SluiceClock                *clock,
                  SluiceStore                *store,
                  SluiceEmbedder             *embedder,
                  const SluiceCacheSettings  *settings,
                  GError                    **error)
{
  g_autoptr(SluiceCache) self = NULL;
  SluiceCacheSettings defaults;

  g_return_val_if_fail (SLUICE_IS_CLOCK (clock), NULL);
  g_return_val_if_fail (store == NULL || SLUICE_IS_STORE (store), NULL);
  g_return_val_if_fail (embedder == NULL || SLUICE_IS_EMBEDDER (embedder), NULL);

  if (settings == NULL)
    {
      sluice_cache_settings_init (&defaults);
      settings = &defaults;
    }

  self = g_object_new (SLUICE_TYPE_CACHE, NULL);
  self->clock = g_object_ref (clock);
  self->normaliser = sluice_normaliser_new (settings->filler_words);
  self->embedder = embedder != NULL ? g_object_ref (embedder)
                                    : SLUICE_EMBEDDER (sluice_local_embedder_new (self->normaliser));
  self->max_temperature = settings->max_temperature;
  self->local_threshold = settings->local_threshold;
  self->entries = sluice_exact_cache_new (clock, store, settings->max_entries,
                                          settings->max_bytes, settings->stale_grace_s);
  self->semantic = sluice_semantic_cache_new (self->entries, self->normaliser);
  self->stale_grace_s = settings->stale_grace_s;
  if (settings->redis_url != NULL)
    {
      self->redis = sluice_redis_exact_store_new (settings->redis_url, settings->redis_prefix,
                                                  error);
      if (self->redis == NULL)
        return NULL;
      g_signal_connect_object (self->redis, "purged", G_CALLBACK (redis_purged_cb), self, 0);
    }

  if (!sluice_exact_cache_load (self->entries, error))
    return NULL;
  sluice_semantic_cache_index_all (self->semantic);

  return g_steal_pointer (&self);
}

/**
 * sluice_cache_get_redis_store:
 *
 * Returns: (transfer none) (nullable): the exact tier shared through
 *   Redis, when the settings named one
 */
SluiceRedisExactStore *
sluice_cache_get_redis_store (SluiceCache *self)
{
  g_return_val_if_fail (SLUICE_IS_CACHE (self), NULL);

  return self->redis;
}

SluiceEmbedder *
sluice_cache_get_embedder (SluiceCache *self)
{
  g_return_val_if_fail (SLUICE_IS_CACHE (self), NULL);

  return self->embedder;
}

/* Look-up. */

typedef struct
{
  char     *key;
  gboolean  semantic;
  char     *scope_key;
  char     *text;
  double    threshold;
  gint64    max_age_s;
  gboolean  stale_ok;
} Lookup;

static void
lookup_free (gpointer data)
{
  Lookup *l = data;

  g_free (l->key);
  g_free (l->scope_key);
  g_free (l->text);
  g_free (l);
}

static SluiceCacheResult *
result_new (SluiceCacheStatus  status,
            SluiceCacheEntry  *entry,
            const char        *format,
            ...) G_GNUC_PRINTF (3, 4);

static SluiceCacheResult *
result_new (SluiceCacheStatus  status,
            SluiceCacheEntry  *entry,
            const char        *format,
            ...)
{
  SluiceCacheResult *r = g_new0 (SluiceCacheResult, 1);
  va_list args;

  r->status = status;
  r->entry = entry;
  va_start (args, format);
  r->detail = g_strdup_vprintf (format, args);
  va_end (args);
  return r;
}

static void
count_result (SluiceCache             *self,
              const SluiceCacheResult *r)
{
  g_mutex_lock (&self->stats_lock);
  switch (r->status)
    {
    case SLUICE_CACHE_STATUS_NONE:
      self->stats.bypassed++;
      break;
    case SLUICE_CACHE_STATUS_MISS:
      self->stats.misses++;
      break;
    case SLUICE_CACHE_STATUS_EXACT:
      self->stats.hits_exact++;
      break;
    case SLUICE_CACHE_STATUS_SEMANTIC:
      self->stats.hits_semantic++;
      break;
    case SLUICE_CACHE_STATUS_STALE:
    default:
      self->stats.hits_stale++;
      break;
    }
  if (r->entry != NULL)
    {
      self->stats.tokens_saved += r->entry->tokens;
      self->stats.usd_saved += r->entry->cost_usd;
    }
  g_mutex_unlock (&self->stats_lock);
}

static void
return_result (GTask             *task,
               SluiceCacheResult *r)
{
  count_result (g_task_get_source_object (task), r);
  g_task_return_pointer (task, r, (GDestroyNotify) sluice_cache_result_free);
}

static void
embedded_for_lookup_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SluiceCache *self = g_task_get_source_object (task);
  Lookup *l = g_task_get_task_data (task);
  g_autoptr(GPtrArray) vectors = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *detail = NULL;
  SluiceCacheEntry *hit;
  double similarity = 0.0;
  gboolean stale = FALSE;
  SluiceCacheResult *r;

  vectors = sluice_embedder_embed_finish (SLUICE_EMBEDDER (object), result, &error);
  if (vectors == NULL || vectors->len != 1)
    {
      /* A cache that cannot embed is a miss, not a failed request. */
      return_result (task, result_new (SLUICE_CACHE_STATUS_MISS, NULL, "semantic tier unavailable: %s",
                                       error != NULL ? error->message : "no vector"));
      return;
    }

  hit = sluice_semantic_cache_lookup (self->semantic, l->scope_key, g_ptr_array_index (vectors, 0),
                                      sluice_embedder_get_dimensions (self->embedder), l->text,
                                      l->threshold, l->max_age_s, l->stale_ok,
                                      &similarity, &stale, &detail);
  if (hit == NULL)
    r = result_new (SLUICE_CACHE_STATUS_MISS, NULL, "semantic miss: %s", detail);
  else
    r = result_new (stale ? SLUICE_CACHE_STATUS_STALE : SLUICE_CACHE_STATUS_SEMANTIC, hit,
                    "semantic %shit, similarity %.3f: %s", stale ? "stale " : "", similarity, detail);
  r->similarity = similarity;
  return_result (task, r);
}

/* After the exact tiers missed: the semantic one, when the policy says. */
static void
lookup_semantic (GTask *task)
{
  SluiceCache *self = g_task_get_source_object (task);
  Lookup *l = g_task_get_task_data (task);
  const char *texts[2] = { NULL, NULL };

  if (!l->semantic)
    {
      return_result (task, result_new (SLUICE_CACHE_STATUS_MISS, NULL, "exact miss%s",
                                        self->redis != NULL ? " (local and shared)" : ""));
      g_object_unref (task);
      return;
    }
  texts[0] = l->text;
  sluice_embedder_embed_async (self->embedder, texts, g_task_get_cancellable (task),
                               embedded_for_lookup_cb, task);
}

/* The shared tier answered: a fresh entry is kept locally too, so the
 * next look-up needs no round trip. */
static void
shared_looked_up_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  SluiceCache *self = g_task_get_source_object (task);
  Lookup *l = g_task_get_task_data (task);
  g_autoptr(SluiceCacheEntry) e = NULL;
  gint64 now = sluice_clock_now_us (self->clock);
  gboolean young;

  e = sluice_redis_exact_store_get_finish (SLUICE_REDIS_EXACT_STORE (object), result, NULL);
  young = e != NULL && (l->max_age_s < 0 || now - e->created_us <= l->max_age_s * G_USEC_PER_SEC);
  if (young && now < e->expires_us)
    {
      sluice_exact_cache_insert (self->entries, e);
      return_result (task, result_new (SLUICE_CACHE_STATUS_EXACT, g_steal_pointer (&e),
                                       "exact hit (shared, from Redis)"));
      g_object_unref (task);
      return;
    }
  if (young && l->stale_ok && now < e->expires_us + self->stale_grace_s * G_USEC_PER_SEC)
    {
      return_result (task, result_new (SLUICE_CACHE_STATUS_STALE, g_steal_pointer (&e),
                                       "exact stale hit (shared, from Redis)"));
      g_object_unref (task);
      return;
    }
  lookup_semantic (task);
}

/* What can be decided here and now: a bypass, an exact hit in memory, or
 * a miss that nothing else (the semantic tier, the shared store) could
 * turn into a hit. Otherwise %NULL, with @key (when not %NULL) set for
 * the rest of the lookup. */
static SluiceCacheResult *
lookup_local (SluiceCache             *self,
              const SluiceCacheQuery  *query,
              gboolean                 stale_ok,
              Control                 *control,
              char                   **key)
{
  g_autofree char *exact_key = NULL;
  SluiceCacheEntry *hit;
  const char *bypass;
  gboolean stale = FALSE;

  _sluice_cache_parse_control (query->cache_control, control);
  if ((bypass = _sluice_cache_bypass_reason (self, query)) != NULL || control->no_cache)
    return result_new (SLUICE_CACHE_STATUS_NONE, NULL, "not consulted: %s",
                       bypass != NULL ? bypass : "the request said no-cache");

  exact_key = sluice_cache_compute_key (self, query);
  hit = sluice_exact_cache_lookup (self->entries, exact_key, control->max_age_s, stale_ok, &stale);
  if (hit != NULL)
    return result_new (stale ? SLUICE_CACHE_STATUS_STALE : SLUICE_CACHE_STATUS_EXACT,
                       hit, "exact %shit", stale ? "stale " : "");
  if (query->policy->tier != SLUICE_CACHE_TIER_SEMANTIC && self->redis == NULL)
    return result_new (SLUICE_CACHE_STATUS_MISS, NULL, "exact miss");

  if (key != NULL)
    *key = g_steal_pointer (&exact_key);
  return NULL;
}

/**
 * sluice_cache_lookup_now:
 * @self: a cache
 * @query: the request
 * @stale_ok: as for sluice_cache_lookup_async()
 *
 * The lookup without a main-loop turn, when it needs nothing but memory:
 * a bypass, an exact hit, or an exact-only miss without a shared store.
 * Counted like any lookup.
 *
 * Returns: (transfer full) (nullable): the result, or %NULL when only
 *   sluice_cache_lookup_async() can tell (semantic tier, Redis)
 */
SluiceCacheResult *
sluice_cache_lookup_now (SluiceCache            *self,
                         const SluiceCacheQuery *query,
                         gboolean                stale_ok)
{
  SluiceCacheResult *r;
  Control control;

  g_return_val_if_fail (SLUICE_IS_CACHE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  r = lookup_local (self, query, stale_ok, &control, NULL);
  if (r != NULL)
    count_result (self, r);
  return r;
}

/* Decides from memory when it can (the result, counted, and no task);
 * otherwise starts the shared and semantic tiers, which answer through
 * @callback, and returns %NULL. The key is computed once either way. */
static SluiceCacheResult *
lookup_begin (SluiceCache            *self,
              const SluiceCacheQuery *query,
              gboolean                stale_ok,
              GCancellable           *cancellable,
              GAsyncReadyCallback     callback,
              gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *key = NULL;
  SluiceCacheResult *local;
  Control control;
  Lookup *l;

  local = lookup_local (self, query, stale_ok, &control, &key);
  if (local != NULL)
    {
      count_result (self, local);
      return local;
    }

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sluice_cache_lookup_async);
  l = g_new0 (Lookup, 1);
  l->key = g_steal_pointer (&key);
  l->max_age_s = control.max_age_s;
  l->stale_ok = stale_ok;
  l->semantic = query->policy->tier == SLUICE_CACHE_TIER_SEMANTIC;
  if (l->semantic)
    {
      l->scope_key = _sluice_cache_scope_key (self, query);
      l->text = g_strdup (sluice_message_get_content (
        g_ptr_array_index (query->messages, _sluice_cache_last_user_index (query))));
      l->threshold = _sluice_cache_threshold_for (self, query->policy);
    }
  g_task_set_task_data (task, l, lookup_free);

  if (self->redis != NULL && sluice_redis_exact_store_is_connected (self->redis))
    {
      sluice_redis_exact_store_get_async (self->redis, l->key, cancellable,
                                          shared_looked_up_cb, g_steal_pointer (&task));
      return NULL;
    }
  lookup_semantic (g_steal_pointer (&task));
  return NULL;
}

/**
 * sluice_cache_lookup_start:
 * @self: a cache
 * @query: the request; borrowed for the duration of the call
 * @stale_ok: as for sluice_cache_lookup_async()
 * @cancellable: (nullable): a cancellable
 * @callback: called when the lookup needed more than memory
 * @user_data: data for @callback
 *
 * sluice_cache_lookup_now() and, when that cannot tell,
 * sluice_cache_lookup_async() in one call, without working out the key
 * twice.
 *
 * Returns: (transfer full) (nullable): the result when memory decided
 *   (@callback is then never called), or %NULL when @callback will be
 */
SluiceCacheResult *
sluice_cache_lookup_start (SluiceCache            *self,
                           const SluiceCacheQuery *query,
                           gboolean                stale_ok,
                           GCancellable           *cancellable,
                           GAsyncReadyCallback     callback,
                           gpointer                user_data)
{
  g_return_val_if_fail (SLUICE_IS_CACHE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  return lookup_begin (self, query, stale_ok, cancellable, callback, user_data);
}

/**
 * sluice_cache_lookup_async:
 * @self: a cache
 * @query: the request; borrowed for the duration of the call
 * @stale_ok: also accept an expired entry within its grace period (the
 *   degrade stage, when every provider failed); such a hit is STALE
 * @cancellable: (nullable): a cancellable
 * @callback: called on the thread-default main context
 * @user_data: data for @callback
 *
 * Looks @query up: the exact key first, then (semantic policies) the
 * semantic tier. Never fails for a cache reason: those are a NONE or MISS
 * result with a detail for the trace.
 */
void
sluice_cache_lookup_async (SluiceCache            *self,
                           const SluiceCacheQuery *query,
                           gboolean                stale_ok,
                           GCancellable           *cancellable,
                           GAsyncReadyCallback     callback,
                           gpointer                user_data)
{
  SluiceCacheResult *local;

  g_return_if_fail (SLUICE_IS_CACHE (self));
  g_return_if_fail (query != NULL);

  local = lookup_begin (self, query, stale_ok, cancellable, callback, user_data);
  if (local != NULL)
    {
      g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

      g_task_set_source_tag (task, sluice_cache_lookup_async);
      g_task_return_pointer (task, local, (GDestroyNotify) sluice_cache_result_free);
    }
}

/**
 * sluice_cache_lookup_finish:
 *
 * Returns: (transfer full): the result; %NULL with @error set only when
 *   cancelled
 */
SluiceCacheResult *
sluice_cache_lookup_finish (SluiceCache   *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (SLUICE_IS_CACHE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Storing. */

static SluiceCacheEntry *
entry_for (SluiceCache            *self,
           const SluiceCacheQuery *query,
           const char             *payload,
           gint64                  tokens,
           double                  cost_usd)
{
  SluiceCacheEntry *e = sluice_cache_entry_new ();
  gint64 now_us = sluice_clock_now_us (self->clock);

  e->key = sluice_cache_compute_key (self, query);
  e->tier = query->policy->tier;
  e->scope = g_strdup (query->scope != NULL ? query->scope : "");
  e->model = g_strdup (query->model != NULL ? query->model : "");
  e->policy = g_strdup (query->policy->task);
  e->payload = g_strdup (payload);
  e->tokens = tokens;
  e->cost_usd = cost_usd;
  e->created_us = now_us;
  e->expires_us = now_us + query->policy->ttl_s * G_USEC_PER_SEC;
  if (e->tier == SLUICE_CACHE_TIER_SEMANTIC)
    {
      e->context = _sluice_cache_scope_key (self, query);
      e->text = g_strdup (sluice_message_get_content (
        g_ptr_array_index (query->messages, _sluice_cache_last_user_index (query))));
    }
  else
    e->context = _sluice_cache_context_hash (query);
  return e;
}

static void
embedded_for_store_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SluiceCache *self = g_task_get_source_object (task);
  SluiceCacheEntry *e = g_task_get_task_data (task);
  g_autoptr(GPtrArray) vectors = NULL;
  GError *error = NULL;

  vectors = sluice_embedder_embed_finish (SLUICE_EMBEDDER (object), result, &error);
  if (vectors == NULL || vectors->len != 1)
    {
      /* Keep the exact half of the entry. */
      e->tier = SLUICE_CACHE_TIER_EXACT;
      sluice_exact_cache_insert (self->entries, e);
      STAT_ADD (self, stores, 1);
      if (error == NULL)
        error = g_error_new_literal (SLUICE_EMBEDDER_ERROR, SLUICE_EMBEDDER_ERROR_INVALID,
                                     "The embedder returned no vector");
      g_task_return_error (task, error);
      return;
    }

  e->dims = sluice_embedder_get_dimensions (self->embedder);
  e->vector = g_ptr_array_steal_index (vectors, 0);
  sluice_semantic_cache_insert (self->semantic, e);
  STAT_ADD (self, stores, 1);
  g_task_return_boolean (task, TRUE);
}

/**
 * sluice_cache_store_async:
 * @self: a cache
 * @query: the request, as given to the look-up
 * @payload: the response to replay, opaque to the cache
 * @tokens: the tokens a hit will save (input + output of this call)
 * @cost_usd: the dollars a hit will save
 * @cancellable: (nullable): a cancellable
 * @callback: (nullable): called once stored (after the embedding for a
 *   semantic policy), or at once when not stored
 * @user_data: data for @callback
 *
 * Stores the settled response unless the policy, the temperature or
 * no-store forbid it; the finish function says whether it was stored.
 */
void
sluice_cache_store_async (SluiceCache            *self,
                          const SluiceCacheQuery *query,
                          const char             *payload,
                          gint64                  tokens,
                          double                  cost_usd,
                          GCancellable           *cancellable,
                          GAsyncReadyCallback     callback,
                          gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  SluiceCacheEntry *e;
  const char *texts[2] = { NULL, NULL };
  Control control;

  g_return_if_fail (SLUICE_IS_CACHE (self));
  g_return_if_fail (query != NULL && payload != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sluice_cache_store_async);
  _sluice_cache_parse_control (query->cache_control, &control);

  if (_sluice_cache_bypass_reason (self, query) != NULL || control.no_store)
    {
      g_task_return_boolean (task, FALSE);
      return;
    }

  e = entry_for (self, query, payload, tokens, cost_usd);
  if (self->redis != NULL)
    sluice_redis_exact_store_put (self->redis, e,
                                  (e->expires_us - e->created_us) / G_USEC_PER_SEC +
                                  self->stale_grace_s);
  if (e->tier == SLUICE_CACHE_TIER_EXACT)
    {
      sluice_exact_cache_insert (self->entries, e);
      sluice_cache_entry_unref (e);
      STAT_ADD (self, stores, 1);
      g_task_return_boolean (task, TRUE);
      return;
    }

  g_task_set_task_data (task, e, (GDestroyNotify) sluice_cache_entry_unref);
  texts[0] = e->text;
  sluice_embedder_embed_async (self->embedder, texts, cancellable,
                               embedded_for_store_cb, g_steal_pointer (&task));
}

/**
 * sluice_cache_store_finish:
 *
 * Returns: %TRUE when the response was stored
 */
gboolean
sluice_cache_store_finish (SluiceCache   *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (SLUICE_IS_CACHE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * sluice_cache_purge:
 * @self: a cache
 * @what: all, or by scope (tenant), model or policy (task)
 * @value: (nullable): the scope, model or task; ignored for ALL
 *
 * Returns: the number of entries removed
 */
guint
sluice_cache_purge (SluiceCache      *self,
                    SluiceCachePurge  what,
                    const char       *value)
{
  g_return_val_if_fail (SLUICE_IS_CACHE (self), 0);

  /* The shared tier too, and the other instances' local tiers, so no
   * instance answers from it any more. */
  if (self->redis != NULL && what < G_N_ELEMENTS (purge_fields))
    sluice_redis_exact_store_purge (self->redis, purge_fields[what], value);
  return sluice_exact_cache_purge (self->entries, what, value);
}

/**
 * sluice_cache_get_stats:
 * @self: a cache
 * @stats: (out caller-allocates): filled with the counters since start
 */
void
sluice_cache_get_stats (SluiceCache      *self,
                        SluiceCacheStats *stats)
{
  g_return_if_fail (SLUICE_IS_CACHE (self));
  g_return_if_fail (stats != NULL);

  g_mutex_lock (&self->stats_lock);
  *stats = self->stats;
  g_mutex_unlock (&self->stats_lock);
  stats->evictions = sluice_exact_cache_get_n_evictions (self->entries);
  stats->n_entries = sluice_exact_cache_get_n_entries (self->entries);
  stats->n_bytes = sluice_exact_cache_get_n_bytes (self->entries);
}
