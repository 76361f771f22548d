/* sluice-histogram.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "sluice-snapshot.h"

G_BEGIN_DECLS

/* A log-bucketed histogram of non-negative integers (microseconds here):
 * 32 buckets per power of two, so any percentile it reports is within
 * 1/64 (1.6 %) of the true sample at that rank. Histograms merge by adding
 * counts. Only the buckets between the smallest and the largest value seen
 * are allocated. */
typedef struct _SluiceHistogram SluiceHistogram;

#define SLUICE_HISTOGRAM_MAX_RELATIVE_ERROR (1.0 / 64)

SluiceHistogram *sluice_histogram_new          (void);
void             sluice_histogram_free         (SluiceHistogram       *self);
void             sluice_histogram_reset        (SluiceHistogram       *self);
void             sluice_histogram_record       (SluiceHistogram       *self,
                                                gint64                 value);
void             sluice_histogram_merge        (SluiceHistogram       *self,
                                                const SluiceHistogram *other);
guint64          sluice_histogram_get_count    (const SluiceHistogram *self);
gint64           sluice_histogram_get_min      (const SluiceHistogram *self);
gint64           sluice_histogram_get_max      (const SluiceHistogram *self);
double           sluice_histogram_get_sum      (const SluiceHistogram *self);
gint64           sluice_histogram_percentile   (const SluiceHistogram *self,
                                                double                 q);
gsize            sluice_histogram_get_memory   (const SluiceHistogram *self);
void             sluice_histogram_summarise    (const SluiceHistogram *self,
                                                SluiceLatencySummary  *summary);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SluiceHistogram, sluice_histogram_free)

/* Sliding windows of 1 minute (10 s slots), 1 hour (1 min slots) and 24
 * hours (1 h slots) over histograms, plus all-time count and sum. */
typedef struct _SluiceLatencyWindows SluiceLatencyWindows;

SluiceLatencyWindows *sluice_latency_windows_new        (void);
void                  sluice_latency_windows_free       (SluiceLatencyWindows *self);
void                  sluice_latency_windows_record     (SluiceLatencyWindows *self,
                                                         gint64                now_us,
                                                         gint64                value);
void                  sluice_latency_windows_summarise  (SluiceLatencyWindows *self,
                                                         gint64                now_us,
                                                         SluiceTimeWindow          window,
                                                         SluiceLatencySummary *summary);
guint64               sluice_latency_windows_get_count  (SluiceLatencyWindows *self);
double                sluice_latency_windows_get_sum    (SluiceLatencyWindows *self);
gsize                 sluice_latency_windows_get_memory (SluiceLatencyWindows *self);

G_END_DECLS
