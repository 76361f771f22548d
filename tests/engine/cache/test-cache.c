/* test-cache.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "sluice-cache.h"
#include "sluice-request.h"

#define HOUR_US (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)

static SluiceTtlPolicy exact_policy = { "classification", SLUICE_CACHE_TIER_EXACT, 3600, 0.95 };
static SluiceTtlPolicy semantic_policy = { "qa", SLUICE_CACHE_TIER_SEMANTIC, 7200, 0.95 };
static SluiceTtlPolicy creative_policy = { "creative", SLUICE_CACHE_TIER_NONE, 0, 0.95 };

typedef struct
{
  GPtrArray        *messages;
  SluiceCacheQuery  q;
} Query;

static Query *
query_new (const char            *scope,
           const SluiceTtlPolicy *policy,
           const char            *text)
{
  Query *query = g_new0 (Query, 1);

  query->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) sluice_message_unref);
  g_ptr_array_add (query->messages, sluice_message_new (SLUICE_ROLE_SYSTEM, "You are helpful."));
  g_ptr_array_add (query->messages, sluice_message_new (SLUICE_ROLE_USER, text));
  query->q.scope = scope;
  query->q.model = "gpt-4o-mini";
  query->q.messages = query->messages;
  query->q.temperature = 0.0;
  query->q.policy = policy;
  return query;
}

static void
query_free (Query *query)
{
  g_ptr_array_unref (query->messages);
  g_free (query);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Query, query_free)

static void
got_result (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static SluiceCacheResult *
lookup_full (SluiceCache *cache,
             Query       *query,
             gboolean     stale_ok)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  static guint n_calls;
  SluiceCacheResult *r;

  /* Every other lookup takes the quick path when memory can answer, so
   * the suite checks both paths. */
  if (n_calls++ % 2 == 0 && (r = sluice_cache_lookup_now (cache, &query->q, stale_ok)) != NULL)
    return r;
  sluice_cache_lookup_async (cache, &query->q, stale_ok, NULL, got_result, &res);
  r = sluice_cache_lookup_finish (cache, wait_for (&res), &error);
  g_assert_no_error (error);
  g_assert_nonnull (r);
  return r;
}

static SluiceCacheStatus
lookup (SluiceCache *cache,
        Query       *query)
{
  g_autoptr(SluiceCacheResult) r = lookup_full (cache, query, FALSE);

  return r->status;
}

static gboolean
store (SluiceCache *cache,
       Query       *query,
       const char  *payload)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  gboolean stored;

  sluice_cache_store_async (cache, &query->q, payload, 100, 0.01, NULL, got_result, &res);
  stored = sluice_cache_store_finish (cache, wait_for (&res), &error);
  g_assert_no_error (error);
  return stored;
}

static SluiceCache *
cache_new (SluiceClock *clock,
           SluiceStore *store_,
           guint        max_entries,
           guint64      max_bytes)
{
  SluiceCacheSettings settings;
  g_autoptr(GError) error = NULL;
  SluiceCache *cache;

  sluice_cache_settings_init (&settings);
  settings.max_entries = max_entries;
  settings.max_bytes = max_bytes;
  settings.stale_grace_s = 3600;
  cache = sluice_cache_new (clock, store_, NULL, &settings, &error);
  g_assert_no_error (error);
  return cache;
}

static void
test_exact_normalised (void)
{
  g_autoptr(SluiceClock) clock = sluice_clock_new_manual (HOUR_US);
  g_autoptr(SluiceCache) cache = cache_new (clock, NULL, 0, 0);
  g_autoptr(Query) a = query_new ("alice", &exact_policy, "Hello, what's the refund policy?");
  g_autoptr(Query) b = query_new ("alice", &exact_policy, "what is   the REFUND policy");
  g_autoptr(Query) c = query_new ("alice", &exact_policy, "what is the refund policy");
  g_autoptr(SluiceCacheResult) r = NULL;
  SluiceCacheStats stats;

  g_assert_cmpint (lookup (cache, a), ==, SLUICE_CACHE_STATUS_MISS);
  g_assert_true (store (cache, a, "30 days"));
  r = lookup_full (cache, b, FALSE);
  g_assert_cmpint (r->status, ==, SLUICE_CACHE_STATUS_EXACT);
  g_assert_cmpstr (r->entry->payload, ==, "30 days");

  /* Model, temperature and system prompt are part of the key. */
  c->q.model = "gpt-4o";
  g_assert_cmpint (lookup (cache, c), ==, SLUICE_CACHE_STATUS_MISS);
  c->q.model = "gpt-4o-mini";
  c->q.temperature = 0.5;
  g_assert_cmpint (lookup (cache, c), ==, SLUICE_CACHE_STATUS_MISS);
  c->q.temperature = 0.0;
  c->q.tools = "[{\"name\":\"lookup\"}]";
  g_assert_cmpint (lookup (cache, c), ==, SLUICE_CACHE_STATUS_MISS);

  sluice_cache_get_stats (cache, &stats);
  g_assert_cmpuint (stats.hits_exact, ==, 1);
  g_assert_cmpuint (stats.misses, ==, 4);
  g_assert_cmpint (stats.tokens_saved, ==, 100);
  g_assert_cmpfloat_with_epsilon (stats.usd_saved, 0.01, 1e-9);
}

/* The quick path answers what memory knows and leaves the rest to the
 * asynchronous lookup: the semantic tier. */
static void
test_lookup_now (void)
{
  g_autoptr(SluiceClock) clock = sluice_clock_new_manual (HOUR_US);
  g_autoptr(SluiceCache) cache = cache_new (clock, NULL, 0, 0);
  g_autoptr(Query) exact = query_new ("alice", &exact_policy, "classify: fine");
  g_autoptr(Query) semantic = query_new ("alice", &semantic_policy, "what is the capital of France");
  g_autoptr(Query) creative = query_new ("alice", &creative_policy, "a poem");
  g_autoptr(SluiceCacheResult) miss = NULL, hit = NULL, none = NULL, later = NULL;
  SluiceCacheStats stats;

  miss = sluice_cache_lookup_now (cache, &exact->q, FALSE);
  g_assert_nonnull (miss);
  g_assert_cmpint (miss->status, ==, SLUICE_CACHE_STATUS_MISS);
  g_assert_true (store (cache, exact, "neutral"));
  hit = sluice_cache_lookup_now (cache, &exact->q, FALSE);
  g_assert_cmpint (hit->status, ==, SLUICE_CACHE_STATUS_EXACT);
  g_assert_cmpstr (hit->entry->payload, ==, "neutral");
  none = sluice_cache_lookup_now (cache, &creative->q, FALSE);
  g_assert_cmpint (none->status, ==, SLUICE_CACHE_STATUS_NONE);

  g_assert_null (sluice_cache_lookup_now (cache, &semantic->q, FALSE));
  later = lookup_full (cache, semantic, FALSE);
  g_assert_cmpint (later->status, ==, SLUICE_CACHE_STATUS_MISS);

  sluice_cache_get_stats (cache, &stats);
  g_assert_cmpuint (stats.hits_exact, ==, 1);
  g_assert_cmpuint (stats.misses, ==, 2);
}

static void
test_ttl (void)
{
  g_autoptr(SluiceClock) clock = sluice_clock_new_manual (HOUR_US);
  g_autoptr(SluiceCache) cache = cache_new (clock, NULL, 0, 0);
  g_autoptr(Query) q = query_new ("alice", &exact_policy, "classify: great product");

  g_assert_true (store (cache, q, "positive"));
  sluice_clock_advance (clock, HOUR_US - 1);
  g_assert_cmpint (lookup (cache, q), ==, SLUICE_CACHE_STATUS_EXACT);
  sluice_clock_advance (clock, 1);
  g_assert_cmpint (lookup (cache, q), ==, SLUICE_CACHE_STATUS_MISS);
}

static void
test_stale (void)
{
  g_autoptr(SluiceClock) clock = sluice_clock_new_manual (HOUR_US);
  g_autoptr(SluiceCache) cache = cache_new (clock, NULL, 0, 0);
  g_autoptr(Query) q = query_new ("alice", &exact_policy, "classify: slow delivery");
  g_autoptr(SluiceCacheResult) fresh = NULL;
  g_autoptr(SluiceCacheResult) stale = NULL;
  g_autoptr(SluiceCacheResult) gone = NULL;

  g_assert_true (store (cache, q, "negative"));
  fresh = lookup_full (cache, q, TRUE);
  g_assert_cmpint (fresh->status, ==, SLUICE_CACHE_STATUS_EXACT);

  /* Expired: a normal look-up misses, a stale one gets it, marked. */
  sluice_clock_advance (clock, HOUR_US + 10 * G_USEC_PER_SEC);
  g_assert_cmpint (lookup (cache, q), ==, SLUICE_CACHE_STATUS_MISS);
  stale = lookup_full (cache, q, TRUE);
  g_assert_cmpint (stale->status, ==, SLUICE_CACHE_STATUS_STALE);
  g_assert_cmpstr (stale->entry->payload, ==, "negative");

  /* Past the grace period (1 h here): gone. */
  sluice_clock_advance (clock, HOUR_US);
  gone = lookup_full (cache, q, TRUE);
  g_assert_cmpint (gone->status, ==, SLUICE_CACHE_STATUS_MISS);
}

static void
test_tenants (void)
{
  g_autoptr(SluiceClock) clock = sluice_clock_new_manual (HOUR_US);
  g_autoptr(SluiceCache) cache = cache_new (clock, NULL, 0, 0);
  g_autoptr(Query) alice = query_new ("alice", &exact_policy, "what is my plan?");
  g_autoptr(Query) bob = query_new ("bob", &exact_policy, "what is my plan?");
  g_autoptr(Query) alice_sem = query_new ("alice", &semantic_policy, "What is my current plan?");
  g_autoptr(Query) bob_sem = query_new ("bob", &semantic_policy, "What is my current plan?");

  g_assert_true (store (cache, alice, "alice: pro"));
  g_assert_true (store (cache, alice_sem, "alice: pro"));
  g_assert_cmpint (lookup (cache, bob), ==, SLUICE_CACHE_STATUS_MISS);
  g_assert_cmpint (lookup (cache, bob_sem), ==, SLUICE_CACHE_STATUS_MISS);
  g_assert_cmpint (lookup (cache, alice), ==, SLUICE_CACHE_STATUS_EXACT);
}

static void
test_policy_and_temperature (void)
{
  g_autoptr(SluiceClock) clock = sluice_clock_new_manual (HOUR_US);
  g_autoptr(SluiceCache) cache = cache_new (clock, NULL, 0, 0);
  g_autoptr(Query) creative = query_new ("alice", &creative_policy, "write a poem");
  g_autoptr(Query) hot = query_new ("alice", &exact_policy, "classify: meh");
  g_autoptr(Query) none = query_new ("alice", NULL, "classify: meh");
  SluiceCacheStats stats;

  g_assert_false (store (cache, creative, "roses"));
  g_assert_cmpint (lookup (cache, creative), ==, SLUICE_CACHE_STATUS_NONE);
  hot->q.temperature = 0.9;
  g_assert_false (store (cache, hot, "neutral"));
  g_assert_cmpint (lookup (cache, hot), ==, SLUICE_CACHE_STATUS_NONE);
  hot->q.temperature = 0.7;   /* the maximum itself is cacheable */
  g_assert_true (store (cache, hot, "neutral"));
  g_assert_cmpint (lookup (cache, none), ==, SLUICE_CACHE_STATUS_NONE);

  sluice_cache_get_stats (cache, &stats);
  g_assert_cmpuint (stats.bypassed, ==, 3);
  g_assert_cmpuint (stats.n_entries, ==, 1);
}

static void
test_overrides (void)
{
  g_autoptr(SluiceClock) clock = sluice_clock_new_manual (HOUR_US);
  g_autoptr(SluiceCache) cache = cache_new (clock, NULL, 0, 0);
  g_autoptr(Query) q = query_new ("alice", &exact_policy, "classify: fine");

  q->q.cache_control = "no-store";
  g_assert_false (store (cache, q, "neutral"));
  q->q.cache_control = NULL;
  g_assert_cmpint (lookup (cache, q), ==, SLUICE_CACHE_STATUS_MISS);
  g_assert_true (store (cache, q, "neutral"));

  q->q.cache_control = "No-Cache";
  g_assert_cmpint (lookup (cache, q), ==, SLUICE_CACHE_STATUS_NONE);

  sluice_clock_advance (clock, 120 * G_USEC_PER_SEC);
  q->q.cache_control = "max-age=60";
  g_assert_cmpint (lookup (cache, q), ==, SLUICE_CACHE_STATUS_MISS);
  q->q.cache_control = "max-age=300";
  g_assert_cmpint (lookup (cache, q), ==, SLUICE_CACHE_STATUS_EXACT);
}

static void
store_n (SluiceCache *cache,
         guint        from,
         guint        to)
{
  for (guint i = from; i < to; i++)
    {
      g_autofree char *text = g_strdup_printf ("classify item %u", i);
      g_autoptr(Query) q = query_new ("alice", &exact_policy, text);

      g_assert_true (store (cache, q, "x"));
    }
}

static SluiceCacheStatus
lookup_n (SluiceCache *cache,
          guint        i)
{
  g_autofree char *text = g_strdup_printf ("classify item %u", i);
  g_autoptr(Query) q = query_new ("alice", &exact_policy, text);

  return lookup (cache, q);
}

static void
test_lru_count (void)
{
  g_autoptr(SluiceClock) clock = sluice_clock_new_manual (HOUR_US);
  g_autoptr(SluiceCache) cache = cache_new (clock, NULL, 3, 0);
  SluiceCacheStats stats;

  store_n (cache, 0, 3);
  g_assert_cmpint (lookup_n (cache, 0), ==, SLUICE_CACHE_STATUS_EXACT);  /* 0 is now recent */
  store_n (cache, 3, 4);                                                /* evicts 1 */
  g_assert_cmpint (lookup_n (cache, 1), ==, SLUICE_CACHE_STATUS_MISS);
  g_assert_cmpint (lookup_n (cache, 0), ==, SLUICE_CACHE_STATUS_EXACT);
  g_assert_cmpint (lookup_n (cache, 2), ==, SLUICE_CACHE_STATUS_EXACT);
  store_n (cache, 4, 5);                                                /* evicts 3 */
  g_assert_cmpint (lookup_n (cache, 3), ==, SLUICE_CACHE_STATUS_MISS);
  g_assert_cmpint (lookup_n (cache, 4), ==, SLUICE_CACHE_STATUS_EXACT);

  sluice_cache_get_stats (cache, &stats);
  g_assert_cmpuint (stats.evictions, ==, 2);
  g_assert_cmpuint (stats.n_entries, ==, 3);
}

static void
test_lru_bytes (void)
{
  g_autoptr(SluiceClock) clock = sluice_clock_new_manual (HOUR_US);
  g_autoptr(SluiceCache) probe = cache_new (clock, NULL, 0, 0);
  g_autoptr(SluiceCache) cache = NULL;
  SluiceCacheStats stats;
  guint64 one;

  store_n (probe, 0, 1);
  sluice_cache_get_stats (probe, &stats);
  one = stats.n_bytes;
  g_assert_cmpuint (one, >, 0);

  /* Room for two entries and a half. */
  cache = cache_new (clock, NULL, 0, one * 5 / 2);
  store_n (cache, 0, 2);
  g_assert_cmpint (lookup_n (cache, 0), ==, SLUICE_CACHE_STATUS_EXACT);
  store_n (cache, 2, 3);
  g_assert_cmpint (lookup_n (cache, 1), ==, SLUICE_CACHE_STATUS_MISS);
  g_assert_cmpint (lookup_n (cache, 0), ==, SLUICE_CACHE_STATUS_EXACT);
  g_assert_cmpint (lookup_n (cache, 2), ==, SLUICE_CACHE_STATUS_EXACT);
  sluice_cache_get_stats (cache, &stats);
  g_assert_cmpuint (stats.n_bytes, <=, one * 5 / 2);
  g_assert_cmpuint (stats.evictions, ==, 1);
}

static void
test_persistence (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "cache-test.db", NULL);
  g_autoptr(SluiceClock) clock = sluice_clock_new_manual (HOUR_US);
  g_autoptr(Query) q = query_new ("alice", &exact_policy, "classify: persisted");
  g_autoptr(Query) sem = query_new ("alice", &semantic_policy, "How do I export my invoices?");
  g_autoptr(Query) para = query_new ("alice", &semantic_policy, "how can I export my invoices");
  g_autoptr(Query) gone = query_new ("alice", &exact_policy, "classify: purged");
  g_autoptr(GError) error = NULL;
  g_autoptr(SluiceStore) st = sluice_store_new (path, &error);
  g_autoptr(SluiceCache) cache = NULL;
  g_autoptr(SluiceCache) reopened = NULL;
  g_autoptr(SluiceStore) st2 = NULL;

  g_assert_no_error (error);
  cache = cache_new (clock, st, 0, 0);
  g_assert_true (store (cache, q, "kept"));
  g_assert_true (store (cache, sem, "Settings → Billing → Export"));
  g_assert_true (store (cache, gone, "x"));
  g_assert_cmpuint (sluice_cache_purge (cache, SLUICE_CACHE_PURGE_SCOPE, "alice"), ==, 3);
  g_assert_true (store (cache, q, "kept"));
  g_assert_true (store (cache, sem, "Settings → Billing → Export"));
  sluice_store_flush (st);
  g_clear_object (&cache);
  sluice_store_close (st);
  g_clear_object (&st);

  st2 = sluice_store_new (path, &error);
  g_assert_no_error (error);
  reopened = cache_new (clock, st2, 0, 0);
  g_assert_cmpint (lookup (reopened, q), ==, SLUICE_CACHE_STATUS_EXACT);
  g_assert_cmpint (lookup (reopened, gone), ==, SLUICE_CACHE_STATUS_MISS);
  g_assert_cmpint (lookup (reopened, para), ==, SLUICE_CACHE_STATUS_SEMANTIC);

  /* A purge reaches the file too. */
  g_assert_cmpuint (sluice_cache_purge (reopened, SLUICE_CACHE_PURGE_ALL, NULL), ==, 2);
  sluice_store_flush (st2);
  g_clear_object (&reopened);
  reopened = cache_new (clock, st2, 0, 0);
  g_assert_cmpint (lookup (reopened, q), ==, SLUICE_CACHE_STATUS_MISS);
  sluice_store_close (st2);
}

static void
test_purge (void)
{
  g_autoptr(SluiceClock) clock = sluice_clock_new_manual (HOUR_US);
  g_autoptr(SluiceCache) cache = cache_new (clock, NULL, 0, 0);
  g_autoptr(Query) a = query_new ("alice", &exact_policy, "one");
  g_autoptr(Query) b = query_new ("bob", &exact_policy, "two");
  g_autoptr(Query) c = query_new ("bob", &semantic_policy, "three four five");

  g_assert_true (store (cache, a, "1"));
  g_assert_true (store (cache, b, "2"));
  g_assert_true (store (cache, c, "3"));
  g_assert_cmpuint (sluice_cache_purge (cache, SLUICE_CACHE_PURGE_POLICY, "qa"), ==, 1);
  g_assert_cmpint (lookup (cache, c), ==, SLUICE_CACHE_STATUS_MISS);
  g_assert_cmpuint (sluice_cache_purge (cache, SLUICE_CACHE_PURGE_MODEL, "gpt-4o"), ==, 0);
  g_assert_cmpuint (sluice_cache_purge (cache, SLUICE_CACHE_PURGE_SCOPE, "bob"), ==, 1);
  g_assert_cmpint (lookup (cache, a), ==, SLUICE_CACHE_STATUS_EXACT);
  g_assert_cmpuint (sluice_cache_purge (cache, SLUICE_CACHE_PURGE_MODEL, "gpt-4o-mini"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/engine/cache/exact/normalised", test_exact_normalised);
  g_test_add_func ("/engine/cache/exact/ttl", test_ttl);
  g_test_add_func ("/engine/cache/exact/lookup-now", test_lookup_now);
  g_test_add_func ("/engine/cache/exact/stale", test_stale);
  g_test_add_func ("/engine/cache/tenants", test_tenants);
  g_test_add_func ("/engine/cache/policy-temperature", test_policy_and_temperature);
  g_test_add_func ("/engine/cache/overrides", test_overrides);
  g_test_add_func ("/engine/cache/lru/count", test_lru_count);
  g_test_add_func ("/engine/cache/lru/bytes", test_lru_bytes);
  g_test_add_func ("/engine/cache/persistence", test_persistence);
  g_test_add_func ("/engine/cache/purge", test_purge);

  return g_test_run ();
}
