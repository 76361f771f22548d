/* test-semantic.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "sluice-cache.h"
#include "sluice-local-embedder.h"
#include "sluice-match-check.h"
#include "sluice-request.h"
#include "sluice-vector-index.h"

/* The hit rate on the paraphrases of pairs.tsv measured with the local
 * embedder at its calibrated threshold was 0.857; the test fails below 0.80. */
#define PAIRS_HIT_FLOOR 0.80

static SluiceTtlPolicy semantic_policy = { "qa", SLUICE_CACHE_TIER_SEMANTIC, 7200, 0.95 };

static void
test_match_check (void)
{
  g_autoptr(SluiceNormaliser) n = sluice_normaliser_new (NULL);
  static const char * const refused[][2] = {
    { "How do I reset my password?", "How do I change my email?" },
    { "Is it safe to delete the logs?", "Is it unsafe to delete the logs?" },
    { "Is it safe to delete the logs?", "Is it not safe to delete the logs?" },
    { "Set the timeout to 30 seconds", "Set the timeout to 60 seconds" },
    { "Do you ship to Canada?", "Do you ship to Mexico?" },
    { "Summarise \"Q3 report\"", "Summarise \"Q4 report\"" },
    { "When does the shop open?", "Where does the shop open?" },
  };
  static const char * const accepted[][2] = {
    { "How do I reset my password?", "how can I reset my password please" },
    { "How can I change my email address?", "How do I update my e-mail address?" },
    { "Why can't I log in?", "why cannot i log in" },
    { "Do you ship to Canada?", "Do you deliver to canada" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *reason = NULL;

      g_assert_false (sluice_match_check (n, refused[i][0], refused[i][1], &reason));
      g_assert_nonnull (reason);
    }
  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      g_autofree char *reason = NULL;

      if (!sluice_match_check (n, accepted[i][0], accepted[i][1], &reason))
        g_error ("refused \"%s\" / \"%s\": %s", accepted[i][0], accepted[i][1], reason);
    }
}

static void
random_unit (GRand *rand,
             float *v,
             guint  dims)
{
  for (guint i = 0; i < dims; i++)
    {
      double u1 = g_rand_double (rand) + 1e-12, u2 = g_rand_double (rand);

      v[i] = sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
    }
  sluice_vector_normalise (v, dims);
}

static void
test_index_recall (void)
{
  const guint n = 3000, dims = 384, n_queries = 200;
  g_autoptr(SluiceVectorIndex) index = sluice_vector_index_new (dims);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autofree float *data = g_new (float, (gsize) n * dims);
  g_autofree float *noise = g_new (float, dims);
  g_autofree float *q = g_new (float, dims);
  guint agree = 0;

  for (guint i = 0; i < n; i++)
    {
      random_unit (rand, data + (gsize) i * dims, dims);
      g_assert_cmpuint (sluice_vector_index_add (index, data + (gsize) i * dims), ==, i);
    }
  /* Tombstones never come back. */
  for (guint i = 0; i < n; i += 10)
    sluice_vector_index_remove (index, i);

  for (guint k = 0; k < n_queries; k++)
    {
      /* A query near a live item: a paraphrase of a cached prompt. */
      guint target = g_rand_int_range (rand, 0, n / 10) * 10 + g_rand_int_range (rand, 1, 10);
      guint a, b;
      float sa, sb;

      random_unit (rand, noise, dims);
      for (guint i = 0; i < dims; i++)
        q[i] = data[(gsize) target * dims + i] + 0.8f * noise[i];
      sluice_vector_normalise (q, dims);

      g_assert_cmpuint (sluice_vector_index_search (index, q, 1, 64, &a, &sa), ==, 1);
      g_assert_cmpuint (sluice_vector_index_search_exact (index, q, 1, &b, &sb), ==, 1);
      g_assert_cmpuint (a % 10, !=, 0);
      g_assert_cmpuint (b % 10, !=, 0);
      agree += a == b;
    }

  g_test_message ("recall@1 %.3f", (double) agree / n_queries);
  g_assert_cmpfloat ((double) agree / n_queries, >=, 0.99);
}

typedef struct
{
  GPtrArray        *messages;
  SluiceCacheQuery  q;
} Query;

static void
query_init (Query      *query,
            const char *scope,
            const char *text)
{
  query->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) sluice_message_unref);
  g_ptr_array_add (query->messages, sluice_message_new (SLUICE_ROLE_USER, text));
  query->q = (SluiceCacheQuery) { 0 };
  query->q.scope = scope;
  query->q.model = "support-chain";
  query->q.messages = query->messages;
  query->q.policy = &semantic_policy;
}

static void
got_result (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
store (SluiceCache *cache,
       const char  *scope,
       const char  *text)
{
  g_autoptr(GAsyncResult) res = NULL;
  Query query;

  query_init (&query, scope, text);
  sluice_cache_store_async (cache, &query.q, text, 10, 0.001, NULL, got_result, &res);
  while (res == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (sluice_cache_store_finish (cache, res, NULL));
  g_ptr_array_unref (query.messages);
}

static SluiceCacheResult *
lookup (SluiceCache *cache,
        const char  *scope,
        const char  *text,
        gboolean     stale_ok)
{
  g_autoptr(GAsyncResult) res = NULL;
  SluiceCacheResult *r;
  Query query;

  query_init (&query, scope, text);
  sluice_cache_lookup_async (cache, &query.q, stale_ok, NULL, got_result, &res);
  while (res == NULL)
    g_main_context_iteration (NULL, TRUE);
  r = sluice_cache_lookup_finish (cache, res, NULL);
  g_ptr_array_unref (query.messages);
  return r;
}

static void
test_semantic_hit (void)
{
  g_autoptr(SluiceClock) clock = sluice_clock_new_manual (0);
  g_autoptr(SluiceCache) cache = sluice_cache_new (clock, NULL, NULL, NULL, NULL);
  g_autoptr(SluiceCacheResult) hit = NULL;
  g_autoptr(SluiceCacheResult) negative = NULL;
  g_autoptr(SluiceCacheResult) other = NULL;
  g_autoptr(SluiceCacheResult) expired = NULL;
  g_autoptr(SluiceCacheResult) stale = NULL;

  store (cache, "acme", "How do I reset my password?");
  hit = lookup (cache, "acme", "Hi, how can I reset my password please?", FALSE);
  g_assert_cmpint (hit->status, ==, SLUICE_CACHE_STATUS_SEMANTIC);
  g_assert_cmpfloat (hit->similarity, >=, SLUICE_LOCAL_EMBEDDER_THRESHOLD);
  negative = lookup (cache, "acme", "How do I reset my username?", FALSE);
  g_assert_cmpint (negative->status, ==, SLUICE_CACHE_STATUS_MISS);
  other = lookup (cache, "globex", "how can I reset my password", FALSE);
  g_assert_cmpint (other->status, ==, SLUICE_CACHE_STATUS_MISS);

  sluice_clock_advance (clock, (gint64) 7201 * G_USEC_PER_SEC);
  expired = lookup (cache, "acme", "how can I reset my password", FALSE);
  g_assert_cmpint (expired->status, ==, SLUICE_CACHE_STATUS_MISS);
  stale = lookup (cache, "acme", "how can I reset my password", TRUE);
  g_assert_cmpint (stale->status, ==, SLUICE_CACHE_STATUS_STALE);
}

static void
test_pairs (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "engine", "cache", "pairs.tsv", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(SluiceClock) clock = sluice_clock_new_manual (0);
  g_autoptr(SluiceCache) cache = sluice_cache_new (clock, NULL, NULL, NULL, NULL);
  guint n_pos = 0, n_neg = 0, hits = 0, false_pos = 0;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], "\t", 3);
      g_autofree char *scope = g_strdup_printf ("pair-%u", i);
      g_autoptr(SluiceCacheResult) r = NULL;
      gboolean hit;

      if (lines[i][0] == '#' || g_strv_length (f) != 3)
        continue;
      store (cache, scope, f[1]);
      r = lookup (cache, scope, f[2], FALSE);
      hit = r->status == SLUICE_CACHE_STATUS_SEMANTIC || r->status == SLUICE_CACHE_STATUS_EXACT;
      if (f[0][0] == '1')
        {
          n_pos++;
          hits += hit;
          if (!hit)
            g_test_message ("missed: \"%s\" / \"%s\" (%s)", f[1], f[2], r->detail);
        }
      else
        {
          n_neg++;
          if (hit)
            {
              false_pos++;
              g_test_message ("false positive: \"%s\" answered \"%s\" (%s)", f[1], f[2], r->detail);
            }
        }
    }

  g_test_message ("pairs: %u paraphrases, %u hard negatives; hit rate %.3f, false positives %u",
                  n_pos, n_neg, (double) hits / n_pos, false_pos);
  g_assert_cmpuint (n_pos + n_neg, >=, 200);
  g_assert_cmpuint (false_pos, ==, 0);
  g_assert_cmpfloat ((double) hits / n_pos, >=, PAIRS_HIT_FLOOR);
}

static void
test_local_embedder (void)
{
  g_autoptr(SluiceLocalEmbedder) e = sluice_local_embedder_new (NULL);
  g_autofree float *a = sluice_local_embedder_embed (e, "How do I reset my password?");
  g_autofree float *b = sluice_local_embedder_embed (e, "how do i reset my password");
  g_autofree float *c = sluice_local_embedder_embed (e, "What are your opening hours?");
  guint d = SLUICE_LOCAL_EMBEDDER_DIMS;

  g_assert_cmpfloat (fabsf (sluice_vector_dot (a, a, d) - 1.0f), <, 1e-4);
  g_assert_cmpfloat (sluice_vector_dot (a, b, d), >, 0.999f);
  g_assert_cmpfloat (sluice_vector_dot (a, c, d), <, 0.5f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/engine/cache/semantic/second-stage", test_match_check);
  g_test_add_func ("/engine/cache/semantic/index-recall", test_index_recall);
  g_test_add_func ("/engine/cache/semantic/local-embedder", test_local_embedder);
  g_test_add_func ("/engine/cache/semantic/hit", test_semantic_hit);
  g_test_add_func ("/engine/cache/semantic/pairs", test_pairs);

  return g_test_run ();
}
