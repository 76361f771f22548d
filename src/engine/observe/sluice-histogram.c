/* sluice-histogram.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-observe"

#include "config.h"

#include <string.h>

#include "sluice-histogram.h"

/* HDR-style buckets: values below 64 have a bucket each; above, every
 * power of two is cut into 32 equal buckets. A bucket [lower, lower + w)
 * has w <= lower / 32, so its midpoint is within 1/64 of any value in it. */

#define SUB_BITS   5
#define SUB_COUNT  (1 << SUB_BITS)
#define LINEAR     (2 * SUB_COUNT)
#define MAX_VALUE  (G_MAXINT64 >> 2)

struct _SluiceHistogram
{
  guint32  lo;       /* first bucket allocated */
  guint32  hi;       /* one past the last */
  guint32 *counts;   /* hi - lo of them */
  guint64  total;
  gint64   min;
  gint64   max;
  double   sum;
};

static inline guint32
bucket_of (gint64 value)
{
  guint msb, shift;

  if (value < LINEAR)
    return (guint32) value;
  msb = 63 - __builtin_clzll ((guint64) value);
  shift = msb - SUB_BITS;
  return (shift + 1) * SUB_COUNT + (guint32) (value >> shift) - SUB_COUNT;
}

static inline gint64
bucket_lower (guint32 index)
{
  guint shift;

  if (index < LINEAR)
    return index;
  shift = index / SUB_COUNT - 1;
  return (gint64) (index % SUB_COUNT + SUB_COUNT) << shift;
}

static inline gint64
bucket_mid (guint32 index)
{
  gint64 width = index < LINEAR ? 1 : (gint64) 1 << (index / SUB_COUNT - 1);

  return bucket_lower (index) + (width - 1) / 2;
}

SluiceHistogram *
sluice_histogram_new (void)
{
  SluiceHistogram *self = g_new0 (SluiceHistogram, 1);

  self->min = G_MAXINT64;
  return self;
}

void
sluice_histogram_free (SluiceHistogram *self)
{
  if (self == NULL)
    return;
  g_free (self->counts);
  g_free (self);
}

void
sluice_histogram_reset (SluiceHistogram *self)
{
  g_clear_pointer (&self->counts, g_free);
  self->lo = self->hi = 0;
  self->total = 0;
  self->min = G_MAXINT64;
  self->max = 0;
  self->sum = 0;
}

/* Grows the allocated range to hold buckets [lo, hi). */
static void
ensure_range (SluiceHistogram *self,
              guint32          lo,
              guint32          hi)
{
  guint32 new_lo, new_hi;
  guint32 *counts;

  if (self->counts != NULL && lo >= self->lo && hi <= self->hi)
    return;
  new_lo = self->counts != NULL ? MIN (lo, self->lo) : lo;
  new_hi = self->counts != NULL ? MAX (hi, self->hi) : hi;
  counts = g_new0 (guint32, new_hi - new_lo);
  if (self->counts != NULL)
    memcpy (counts + (self->lo - new_lo), self->counts,
            (self->hi - self->lo) * sizeof (guint32));
  g_free (self->counts);
  self->counts = counts;
  self->lo = new_lo;
  self->hi = new_hi;
}

void
sluice_histogram_record (SluiceHistogram *self,
                         gint64           value)
{
  guint32 index;

  value = CLAMP (value, 0, MAX_VALUE);
  index = bucket_of (value);
  if (G_UNLIKELY (self->counts == NULL || index < self->lo || index >= self->hi))
    ensure_range (self, index, index + 1);
  self->counts[index - self->lo]++;
  self->total++;
  self->sum += value;
  self->min = MIN (self->min, value);
  self->max = MAX (self->max, value);
}

void
sluice_histogram_merge (SluiceHistogram       *self,
                        const SluiceHistogram *other)
{
  if (other->total == 0)
    return;
  ensure_range (self, other->lo, other->hi);
  for (guint32 i = other->lo; i < other->hi; i++)
    self->counts[i - self->lo] += other->counts[i - other->lo];
  self->total += other->total;
  self->sum += other->sum;
  self->min = MIN (self->min, other->min);
  self->max = MAX (self->max, other->max);
}

guint64
sluice_histogram_get_count (const SluiceHistogram *self)
{
  return self->total;
}

gint64
sluice_histogram_get_min (const SluiceHistogram *self)
{
  return self->total > 0 ? self->min : 0;
}

gint64
sluice_histogram_get_max (const SluiceHistogram *self)
{
  return self->max;
}

double
sluice_histogram_get_sum (const SluiceHistogram *self)
{
  return self->sum;
}

/* The nearest-rank percentile: the bucket of the ceil (q * n)-th smallest
 * value, reported as its midpoint and kept within [min, max]. */
gint64
sluice_histogram_percentile (const SluiceHistogram *self,
                             double                 q)
{
  guint64 rank, seen = 0;

  if (self->total == 0)
    return 0;
  q = CLAMP (q, 0.0, 1.0);
  rank = (guint64) (q * self->total + 0.999999999);
  rank = CLAMP (rank, 1, self->total);
  for (guint32 i = self->lo; i < self->hi; i++)
    {
      seen += self->counts[i - self->lo];
      if (seen >= rank)
        return CLAMP (bucket_mid (i), self->min, self->max);
    }
  return self->max;
}

gsize
sluice_histogram_get_memory (const SluiceHistogram *self)
{
  return sizeof *self + (self->hi - self->lo) * sizeof (guint32);
}

void
sluice_histogram_summarise (const SluiceHistogram *self,
                            SluiceLatencySummary  *summary)
{
  summary->count = self->total;
  summary->p50_us = sluice_histogram_percentile (self, 0.50);
  summary->p95_us = sluice_histogram_percentile (self, 0.95);
  summary->p99_us = sluice_histogram_percentile (self, 0.99);
  summary->max_us = self->max;
  summary->sum_us = self->sum;
}

/* windows */

typedef struct
{
  gint64            slot_us;
  guint             n_slots;
  gint64           *starts;    /* the start of the period each slot holds */
  SluiceHistogram **slots;     /* NULL until used */
} Ring;

static const struct { gint64 slot_us; guint n_slots; } ring_shapes[SLUICE_N_TIME_WINDOWS] = {
  { 10 * G_USEC_PER_SEC, 6 },
  { 60 * G_USEC_PER_SEC, 60 },
  { 3600 * (gint64) G_USEC_PER_SEC, 24 },
};

struct _SluiceLatencyWindows
{
  Ring    rings[SLUICE_N_TIME_WINDOWS];
  guint64 count;
  double  sum;
};

SluiceLatencyWindows *
sluice_latency_windows_new (void)
{
  SluiceLatencyWindows *self = g_new0 (SluiceLatencyWindows, 1);

  for (guint w = 0; w < SLUICE_N_TIME_WINDOWS; w++)
    {
      Ring *ring = &self->rings[w];

      ring->slot_us = ring_shapes[w].slot_us;
      ring->n_slots = ring_shapes[w].n_slots;
      ring->starts = g_new0 (gint64, ring->n_slots);
      ring->slots = g_new0 (SluiceHistogram *, ring->n_slots);
    }
  return self;
}

void
sluice_latency_windows_free (SluiceLatencyWindows *self)
{
  if (self == NULL)
    return;
  for (guint w = 0; w < SLUICE_N_TIME_WINDOWS; w++)
    {
      for (guint i = 0; i < self->rings[w].n_slots; i++)
        sluice_histogram_free (self->rings[w].slots[i]);
      g_free (self->rings[w].slots);
      g_free (self->rings[w].starts);
    }
  g_free (self);
}

void
sluice_latency_windows_record (SluiceLatencyWindows *self,
                               gint64                now_us,
                               gint64                value)
{
  for (guint w = 0; w < SLUICE_N_TIME_WINDOWS; w++)
    {
      Ring *ring = &self->rings[w];
      gint64 period = now_us / ring->slot_us;
      guint slot = (guint) (period % ring->n_slots);

      if (ring->slots[slot] == NULL)
        ring->slots[slot] = sluice_histogram_new ();
      else if (ring->starts[slot] != period)
        sluice_histogram_reset (ring->slots[slot]);
      ring->starts[slot] = period;
      sluice_histogram_record (ring->slots[slot], value);
    }
  self->count++;
  self->sum += MAX (value, 0);
}

void
sluice_latency_windows_summarise (SluiceLatencyWindows *self,
                                  gint64                now_us,
                                  SluiceTimeWindow          window,
                                  SluiceLatencySummary *summary)
{
  Ring *ring = &self->rings[window];
  gint64 period = now_us / ring->slot_us;
  g_autoptr(SluiceHistogram) merged = sluice_histogram_new ();

  for (guint i = 0; i < ring->n_slots; i++)
    if (ring->slots[i] != NULL && ring->starts[i] > period - ring->n_slots &&
        ring->starts[i] <= period)
      sluice_histogram_merge (merged, ring->slots[i]);
  sluice_histogram_summarise (merged, summary);
}

guint64
sluice_latency_windows_get_count (SluiceLatencyWindows *self)
{
  return self->count;
}

double
sluice_latency_windows_get_sum (SluiceLatencyWindows *self)
{
  return self->sum;
}

gsize
sluice_latency_windows_get_memory (SluiceLatencyWindows *self)
{
  gsize total = sizeof *self;

  for (guint w = 0; w < SLUICE_N_TIME_WINDOWS; w++)
    {
      total += self->rings[w].n_slots * (sizeof (gint64) + sizeof (gpointer));
      for (guint i = 0; i < self->rings[w].n_slots; i++)
        if (self->rings[w].slots[i] != NULL)
          total += sluice_histogram_get_memory (self->rings[w].slots[i]);
    }
  return total;
}
