/* sluice-mock-embedding.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-mock"

#include "config.h"

#include <math.h>
#include <string.h>

#include "sluice-mock-embedding.h"

/* Case-insensitive FNV-1a. */
static guint64
hash_bytes (const char *data,
            gsize       length)
{
  guint64 h = G_GUINT64_CONSTANT (0xcbf29ce484222325);

  for (gsize i = 0; i < length; i++)
    {
      h ^= (guchar) g_ascii_tolower (data[i]);
      h *= G_GUINT64_CONSTANT (0x100000001b3);
    }

  return h;
}

static guint64
splitmix (guint64 *state)
{
  guint64 z = (*state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static void
add_word_vector (double  *vector,
                 guint    dimensions,
                 guint64  seed)
{
  for (guint i = 0; i < dimensions; i++)
    vector[i] += (double) (splitmix (&seed) >> 11) / (double) (1ull << 53) * 2.0 - 1.0;
}

/**
 * sluice_mock_embedding_compute:
 * @text: the text
 * @dimensions: the vector's length
 * @out: (out caller-allocates) (array length=dimensions): the vector
 *
 * A deterministic unit vector: the sum of one pseudo-random vector per
 * word, so texts sharing words point in similar directions.
 */
void
sluice_mock_embedding_compute (const char *text,
                               guint       dimensions,
                               double     *out)
{
  const char *p = text;
  guint words = 0;
  double norm = 0.0;

  g_return_if_fail (text != NULL);
  g_return_if_fail (out != NULL);

  memset (out, 0, dimensions * sizeof (double));
  while (*p != '\0')
    {
      const char *start;

      while (*p != '\0' && !g_ascii_isalnum (*p) && !(*p & 0x80))
        p++;
      start = p;
      while (*p != '\0' && (g_ascii_isalnum (*p) || (*p & 0x80)))
        p++;
      if (p > start)
        {
          add_word_vector (out, dimensions, hash_bytes (start, p - start));
          words++;
        }
    }
  if (words == 0)
    add_word_vector (out, dimensions, hash_bytes (text, strlen (text)));

  for (guint i = 0; i < dimensions; i++)
    norm += out[i] * out[i];
  norm = norm > 0.0 ? sqrt (norm) : 1.0;

  for (guint i = 0; i < dimensions; i++)
    out[i] /= norm;
}
