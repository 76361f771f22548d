/* sluice-chart.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* One point per bucket; 24 hours at ten seconds. */
#define SLUICE_CHART_BUCKET_US  (G_GINT64_CONSTANT (10) * G_USEC_PER_SEC)
#define SLUICE_CHART_N_BUCKETS  8640

typedef enum
{
  SLUICE_CHART_UNIT_COUNT,
  SLUICE_CHART_UNIT_MS,          /* values in milliseconds */
  SLUICE_CHART_UNIT_RATE,        /* requests per second */
  SLUICE_CHART_UNIT_USD,
  SLUICE_CHART_UNIT_PERCENT,     /* values are fractions, 0..1 */
  SLUICE_CHART_UNIT_TOKENS,
} SluiceChartUnit;

typedef enum
{
  SLUICE_CHART_COLOR_ACCENT,
  SLUICE_CHART_COLOR_SUCCESS,
  SLUICE_CHART_COLOR_WARNING,
  SLUICE_CHART_COLOR_ERROR,
  SLUICE_CHART_COLOR_NEUTRAL,
} SluiceChartColor;

typedef enum
{
  SLUICE_CHART_WINDOW_5_MIN,
  SLUICE_CHART_WINDOW_1_HOUR,
  SLUICE_CHART_WINDOW_24_HOURS,
} SluiceChartWindow;

#define SLUICE_TYPE_CHART (sluice_chart_get_type ())

G_DECLARE_FINAL_TYPE (SluiceChart, sluice_chart, SLUICE, CHART, GtkWidget)

GtkWidget *sluice_chart_new               (void);
void       sluice_chart_set_unit          (SluiceChart       *self,
                                           SluiceChartUnit    unit);
void       sluice_chart_set_thin          (SluiceChart       *self,
                                           gboolean           thin);
void       sluice_chart_set_window        (SluiceChart       *self,
                                           SluiceChartWindow  window);
guint      sluice_chart_get_window        (SluiceChart       *self);
guint      sluice_chart_add_series        (SluiceChart       *self,
                                           const char        *name,
                                           SluiceChartColor   color);
guint      sluice_chart_get_n_series      (SluiceChart       *self);
void       sluice_chart_push              (SluiceChart       *self,
                                           guint              series,
                                           gint64             time_us,
                                           double             value);
void       sluice_chart_set_point         (SluiceChart       *self,
                                           guint              series,
                                           gint64             time_us,
                                           double             value);
void       sluice_chart_set_threshold     (SluiceChart       *self,
                                           guint              index,
                                           double             value,
                                           const char        *label);
void       sluice_chart_clear_thresholds  (SluiceChart       *self);
gboolean   sluice_chart_get_latest        (SluiceChart       *self,
                                           guint              series,
                                           double            *value);
gboolean   sluice_chart_value_at          (SluiceChart       *self,
                                           guint              series,
                                           gint64             time_us,
                                           double            *value);
char      *sluice_chart_dup_readout       (SluiceChart       *self,
                                           gint64             time_us);
const char *sluice_chart_get_summary      (SluiceChart       *self);
void       sluice_chart_set_time_scale    (SluiceChart       *self,
                                           guint              scale);

/* Helpers, public for the tests. */
guint      sluice_chart_nice_ticks        (double             min,
                                           double             max,
                                           guint              max_ticks,
                                           double            *first,
                                           double            *step);
gint64     sluice_chart_time_step         (gint64             span_us,
                                           guint              max_ticks);
gint64     sluice_chart_first_time_tick   (gint64             start_us,
                                           gint64             step_us);
char      *sluice_chart_format_value      (SluiceChartUnit    unit,
                                           double             value);

G_END_DECLS
