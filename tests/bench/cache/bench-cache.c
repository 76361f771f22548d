/* bench-cache.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "sluice-cache.h"
#include "sluice-local-embedder.h"
#include "sluice-match-check.h"
#include "sluice-request.h"
#include "sluice-vector-index.h"

/* ./run bench cache: the cache's figures, printed as a table.
 * Semantic queries are "paraphrases" of stored vectors: the stored vector
 * plus Gaussian noise, renormalised, at cosine ~0.71 to it (a harder case
 * than a cache hit at 0.95 needs); recall@1 is against an exhaustive scan. */

#define DIMS      1536
#define N_QUERIES 300

static int
compare_gint64 (const void *a,
                const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
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

/* Clustered data: 1 centre per 100 items, members at cosine ~0.8. */
static void
fill (GRand    *rand,
      float    *data,
      guint     n,
      gboolean  clustered)
{
  g_autofree float *centre = g_new (float, DIMS);
  g_autofree float *noise = g_new (float, DIMS);

  for (guint i = 0; i < n; i++)
    {
      float *v = data + (gsize) i * DIMS;

      if (!clustered)
        {
          random_unit (rand, v, DIMS);
          continue;
        }
      if (i % 100 == 0)
        random_unit (rand, centre, DIMS);
      random_unit (rand, noise, DIMS);
      for (guint d = 0; d < DIMS; d++)
        v[d] = centre[d] + 0.75f * noise[d];
      sluice_vector_normalise (v, DIMS);
    }
}

static void
bench_semantic (guint    n,
                gboolean clustered)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (n + clustered);
  g_autofree float *data = g_new (float, (gsize) n * DIMS);
  g_autofree float *q = g_new (float, DIMS);
  g_autofree float *noise = g_new (float, DIMS);
  g_autofree gint64 *times = g_new (gint64, N_QUERIES);
  g_autoptr(SluiceVectorIndex) index = sluice_vector_index_new (DIMS);
  gint64 start, build_us;
  guint agree = 0;

  fill (rand, data, n, clustered);
  start = g_get_monotonic_time ();
  sluice_vector_index_reserve (index, n);
  for (guint i = 0; i < n; i++)
    sluice_vector_index_add (index, data + (gsize) i * DIMS);
  build_us = g_get_monotonic_time () - start;

  for (guint k = 0; k < N_QUERIES; k++)
    {
      guint target = g_rand_int_range (rand, 0, n), a, b;

      random_unit (rand, noise, DIMS);
      for (guint d = 0; d < DIMS; d++)
        q[d] = data[(gsize) target * DIMS + d] + noise[d];
      sluice_vector_normalise (q, DIMS);

      start = g_get_monotonic_time ();
      sluice_vector_index_search (index, q, 1, 64, &a, NULL);
      times[k] = g_get_monotonic_time () - start;
      sluice_vector_index_search_exact (index, q, 1, &b, NULL);
      agree += a == b;
    }
  qsort (times, N_QUERIES, sizeof (gint64), compare_gint64);

  printf ("| semantic %-9s | %7u | %8.3f | %8.3f | %9.3f | %8.1f |\n",
          clustered ? "clustered" : "random", n, times[N_QUERIES / 2] / 1000.0,
          times[N_QUERIES * 99 / 100] / 1000.0, (double) agree / N_QUERIES, build_us / 1e6);
}

static void
got_result (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
bench_exact (void)
{
  static SluiceTtlPolicy policy = { "classification", SLUICE_CACHE_TIER_EXACT, 3600, 0.95 };
  g_autoptr(SluiceClock) clock = sluice_clock_new_manual (0);
  g_autoptr(SluiceCache) cache = sluice_cache_new (clock, NULL, NULL, NULL, NULL);
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func ((GDestroyNotify) sluice_message_unref);
  g_autofree gint64 *times = g_new (gint64, 10000);
  SluiceCacheQuery q = { 0 };
  guint hits = 0;

  g_ptr_array_add (messages, sluice_message_new (SLUICE_ROLE_SYSTEM, "Classify the sentiment."));
  g_ptr_array_add (messages, sluice_message_new (SLUICE_ROLE_USER, "x"));
  q.scope = "bench";
  q.model = "gpt-4o-mini";
  q.messages = messages;
  q.policy = &policy;

  for (guint i = 0; i < 10000; i++)
    {
      g_autoptr(GAsyncResult) res = NULL;
      g_autofree char *text = g_strdup_printf ("Review %u: the delivery was quick and the box intact.", i);

      g_ptr_array_remove_index (messages, 1);
      g_ptr_array_add (messages, sluice_message_new (SLUICE_ROLE_USER, text));
      sluice_cache_store_async (cache, &q, "positive", 50, 0.0001, NULL, got_result, &res);
      while (res == NULL)
        g_main_context_iteration (NULL, TRUE);
    }

  for (guint i = 0; i < 10000; i++)
    {
      g_autoptr(GAsyncResult) res = NULL;
      g_autoptr(SluiceCacheResult) r = NULL;
      g_autofree char *text = g_strdup_printf ("review %u: The delivery was quick, and the box intact!", i);
      gint64 start;

      g_ptr_array_remove_index (messages, 1);
      g_ptr_array_add (messages, sluice_message_new (SLUICE_ROLE_USER, text));
      start = g_get_monotonic_time ();
      sluice_cache_lookup_async (cache, &q, FALSE, NULL, got_result, &res);
      while (res == NULL)
        g_main_context_iteration (NULL, TRUE);
      r = sluice_cache_lookup_finish (cache, res, NULL);
      times[i] = g_get_monotonic_time () - start;
      hits += r->status == SLUICE_CACHE_STATUS_EXACT;
    }
  qsort (times, 10000, sizeof (gint64), compare_gint64);
  printf ("| exact (normalise+SHA-256+LRU) | 10000 | %8.3f | %8.3f | hits %5.3f |          |\n",
          times[5000] / 1000.0, times[9900] / 1000.0, hits / 10000.0);
}

typedef float *(*EmbedFunc) (gpointer data, const char *text);

static float *
local_embed (gpointer    data,
             const char *text)
{
  return sluice_local_embedder_embed (data, text);
}

/* A stand-in for a provider: the mock provider's deterministic embedding
 * (a sum of one pseudo-random vector per word): a bag of words, not a
 * language model, so its figures say how the check behaves behind a
 * crude embedder, not how OpenAI's would. */
static float *
bag_of_words_embed (gpointer    data,
                    const char *text)
{
  g_autoptr(GPtrArray) tokens = sluice_normaliser_tokenise (data, text);
  float *v = g_new0 (float, 256);

  for (guint i = 0; i < tokens->len; i++)
    {
      GRand *rand = g_rand_new_with_seed (g_str_hash (g_ptr_array_index (tokens, i)));

      for (guint d = 0; d < 256; d++)
        v[d] += (float) g_rand_double_range (rand, -1.0, 1.0);
      g_rand_free (rand);
    }
  sluice_vector_normalise (v, 256);
  return v;
}

static void
bench_pairs (const char *name,
             EmbedFunc   embed,
             gpointer    data,
             guint       dims,
             double      threshold)
{
  g_autofree char *path = g_build_filename (g_getenv ("SLUICE_SOURCE_DIR"), "tests", "engine",
                                            "cache", "pairs.tsv", NULL);
  g_autoptr(SluiceNormaliser) normaliser = sluice_normaliser_new (NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  guint pos = 0, neg = 0, hits = 0, fp = 0, raw_fp = 0;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    {
      printf ("| %s: pairs.tsv not found (set SLUICE_SOURCE_DIR)\n", name);
      return;
    }
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], "\t", 3);
      g_autofree float *a = NULL;
      g_autofree float *b = NULL;
      gboolean near, hit;

      if (lines[i][0] == '#' || g_strv_length (f) != 3)
        continue;
      a = embed (data, f[1]);
      b = embed (data, f[2]);
      near = sluice_vector_dot (a, b, dims) >= threshold;
      hit = near && sluice_match_check (normaliser, f[2], f[1], NULL);
      if (f[0][0] == '1')
        {
          pos++;
          hits += hit;
        }
      else
        {
          neg++;
          fp += hit;
          raw_fp += near;
        }
    }

  printf ("| %-22s | %4.2f | %3u | %3u | %8.3f | %8.3f | %13.3f |\n", name, threshold, pos, neg,
          (double) hits / pos, (double) fp / neg, (double) raw_fp / neg);
}

static void
bench_embedder (void)
{
  g_autoptr(SluiceLocalEmbedder) e = sluice_local_embedder_new (NULL);
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < 10000; i++)
    {
      g_autofree char *text = g_strdup_printf ("How do I reset the password of account %u?", i);

      g_free (sluice_local_embedder_embed (e, text));
    }
  printf ("\nlocal embedder: %.1f µs per query (1024 dims, 10000 queries)\n",
          (g_get_monotonic_time () - start) / 10000.0);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SluiceLocalEmbedder) local = sluice_local_embedder_new (NULL);
  g_autoptr(SluiceNormaliser) normaliser = sluice_normaliser_new (NULL);

  printf ("| lookup                | entries | p50 (ms) | p99 (ms) | recall@1  | build (s) |\n");
  printf ("|-----------------------|---------|----------|----------|-----------|-----------|\n");
  bench_exact ();
  for (guint n = 1000; n <= 100000; n *= 10)
    {
      bench_semantic (n, FALSE);
      bench_semantic (n, TRUE);
    }

  bench_embedder ();

  printf ("\n| embedder               | thr  | pos | neg | hit rate | FP rate  | FP w/o check  |\n");
  printf ("|------------------------|------|-----|-----|----------|----------|---------------|\n");
  bench_pairs ("local (1024 dims)", local_embed, local, SLUICE_LOCAL_EMBEDDER_DIMS,
               SLUICE_LOCAL_EMBEDDER_THRESHOLD);
  bench_pairs ("bag-of-words (mock)", bag_of_words_embed, normaliser, 256, 0.95);
  bench_pairs ("bag-of-words (mock)", bag_of_words_embed, normaliser, 256, 0.80);

  return 0;
}
