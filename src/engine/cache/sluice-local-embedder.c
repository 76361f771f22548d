/* sluice-local-embedder.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-cache"

#include "config.h"

#include <math.h>
#include <string.h>

#include "sluice-local-embedder.h"
#include "sluice-vector-index.h"

/* The offline embedder: the normalised tokens' unigrams, bigrams and
 * character 3- to 5-grams (of "<word>", so prefixes and suffixes count),
 * hashed with a sign into SLUICE_LOCAL_EMBEDDER_DIMS buckets, each feature
 * weighted by its kind (function words count a quarter), summed (term
 * frequency) and L2-normalised. It knows no synonyms: it catches rewording,
 * typos, word order and inflection; the second-stage check catches what
 * it cannot tell apart. */
struct _SluiceLocalEmbedder
{
  GObject           parent_instance;

  SluiceNormaliser *normaliser;
};

static void embedder_iface_init (SluiceEmbedderInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SluiceLocalEmbedder, sluice_local_embedder, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (SLUICE_TYPE_EMBEDDER, embedder_iface_init))

#define W_UNIGRAM  1.0f
#define W_STOPWORD 0.25f
#define W_BIGRAM   0.5f
#define W_CHARS    0.6f

static const char * const stopwords[] = {
  "a", "an", "the", "i", "me", "my", "we", "our", "you", "your", "it", "its",
  "is", "am", "are", "was", "were", "be", "been", "do", "does", "did", "to",
  "of", "in", "on", "at", "for", "with", "and", "or", "this", "that", "there",
  "what", "how", "can", "could", "would", "should", "will", "have", "has",
  "if", "so", "any", "some", "way", "get", "there", "from", "by", "about", NULL
};

static guint64
hash_feature (const char *kind,
              const char *text,
              gsize       len)
{
  guint64 h = G_GUINT64_CONSTANT (14695981039346656037);

  for (const char *p = kind; *p != '\0'; p++)
    h = (h ^ (guchar) *p) * G_GUINT64_CONSTANT (1099511628211);
  for (gsize i = 0; i < len; i++)
    h = (h ^ (guchar) text[i]) * G_GUINT64_CONSTANT (1099511628211);
  h ^= h >> 33;
  h *= G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
  h ^= h >> 33;
  return h;
}

static void
add_feature (float      *v,
             const char *kind,
             const char *text,
             gsize       len,
             float       weight)
{
  guint64 h = hash_feature (kind, text, len);

  v[h % SLUICE_LOCAL_EMBEDDER_DIMS] += (h >> 63) != 0 ? weight : -weight;
}

static void
add_char_grams (float      *v,
                const char *word)
{
  g_autofree char *marked = g_strdup_printf ("<%s>", word);
  glong n_chars = g_utf8_strlen (marked, -1);
  guint n_grams = 0;

  for (glong n = 3; n <= 5; n++)
    n_grams += n_chars >= n ? n_chars - n + 1 : 0;
  if (n_grams == 0)
    return;

  for (glong n = 3; n <= 5; n++)
    for (glong i = 0; i + n <= n_chars; i++)
      {
        const char *start = g_utf8_offset_to_pointer (marked, i);
        const char *end = g_utf8_offset_to_pointer (start, n);

        add_feature (v, "c", start, end - start, W_CHARS / sqrtf ((float) n_grams));
      }
}

/**
 * sluice_local_embedder_embed:
 * @self: an embedder
 * @text: (nullable): any text
 *
 * Returns: (transfer full): a unit vector of SLUICE_LOCAL_EMBEDDER_DIMS
 *   floats (all zero for a text without tokens)
 */
float *
sluice_local_embedder_embed (SluiceLocalEmbedder *self,
                             const char          *text)
{
  g_autoptr(GPtrArray) tokens = NULL;
  float *v;

  g_return_val_if_fail (SLUICE_IS_LOCAL_EMBEDDER (self), NULL);

  v = g_new0 (float, SLUICE_LOCAL_EMBEDDER_DIMS);
  tokens = sluice_normaliser_tokenise (self->normaliser, text);

  for (guint i = 0; i < tokens->len; i++)
    {
      const char *word = g_ptr_array_index (tokens, i);
      gboolean stop = g_strv_contains (stopwords, word);

      add_feature (v, "w", word, strlen (word), stop ? W_STOPWORD : W_UNIGRAM);
      if (!stop)
        add_char_grams (v, word);
      if (i + 1 < tokens->len)
        {
          g_autofree char *pair = g_strconcat (word, " ", g_ptr_array_index (tokens, i + 1), NULL);

          add_feature (v, "b", pair, strlen (pair), W_BIGRAM);
        }
    }

  sluice_vector_normalise (v, SLUICE_LOCAL_EMBEDDER_DIMS);
  return v;
}

static guint
get_dimensions (SluiceEmbedder *embedder)
{
  return SLUICE_LOCAL_EMBEDDER_DIMS;
}

static double
get_default_threshold (SluiceEmbedder *embedder)
{
  return SLUICE_LOCAL_EMBEDDER_THRESHOLD;
}

static void
embed_async (SluiceEmbedder      *embedder,
             const char * const  *texts,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  SluiceLocalEmbedder *self = SLUICE_LOCAL_EMBEDDER (embedder);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  GPtrArray *vectors = g_ptr_array_new_with_free_func (g_free);

  g_task_set_source_tag (task, embed_async);
  /* Tens of microseconds a text: cheaper than a thread hop. */
  for (guint i = 0; texts[i] != NULL; i++)
    g_ptr_array_add (vectors, sluice_local_embedder_embed (self, texts[i]));
  g_task_return_pointer (task, vectors, (GDestroyNotify) g_ptr_array_unref);
}

static GPtrArray *
embed_finish (SluiceEmbedder  *embedder,
              GAsyncResult    *result,
              GError         **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
embedder_iface_init (SluiceEmbedderInterface *iface)
{
  iface->get_dimensions = get_dimensions;
  iface->get_default_threshold = get_default_threshold;
  iface->embed_async = embed_async;
  iface->embed_finish = embed_finish;
}

static void
sluice_local_embedder_finalize (GObject *object)
{
  SluiceLocalEmbedder *self = SLUICE_LOCAL_EMBEDDER (object);

  g_clear_object (&self->normaliser);

  G_OBJECT_CLASS (sluice_local_embedder_parent_class)->finalize (object);
}

static void
sluice_local_embedder_class_init (SluiceLocalEmbedderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sluice_local_embedder_finalize;
}

static void
sluice_local_embedder_init (SluiceLocalEmbedder *self)
{
}

/**
 * sluice_local_embedder_new:
 * @normaliser: (nullable): the normaliser, or %NULL for the default fillers
 *
 * Returns: (transfer full): an embedder; usable from any thread
 */
SluiceLocalEmbedder *
sluice_local_embedder_new (SluiceNormaliser *normaliser)
{
  SluiceLocalEmbedder *self = g_object_new (SLUICE_TYPE_LOCAL_EMBEDDER, NULL);

  self->normaliser = normaliser != NULL ? g_object_ref (normaliser) : sluice_normaliser_new (NULL);
  return self;
}
