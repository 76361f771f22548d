/* sluice-chart-private.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-chart.h"

G_BEGIN_DECLS

typedef struct
{
  char             *name;
  SluiceChartColor  color;
  double           *sum;       /* per slot */
  guint32          *count;     /* per slot */
  gint64           *bucket;    /* the bucket a slot holds, -1 when empty */
  gint64            latest_bucket;
} SluiceChartSeries;

typedef struct
{
  double  value;
  char   *label;
} SluiceChartThreshold;

struct _SluiceChart
{
  GtkWidget          parent_instance;

  GPtrArray         *series;       /* SluiceChartSeries */
  GArray            *thresholds;   /* SluiceChartThreshold */
  SluiceChartUnit    unit;
  SluiceChartWindow  window;
  gboolean           thin;
  guint              time_scale;   /* real seconds per chart second; 0 = 1 */
  gint64             now_us;       /* the newest time pushed */
  char              *summary;

  /* Where the last frame put the plot, for the hover read-out. */
  graphene_rect_t    plot;
  double             hover_x;      /* -1 when the pointer is elsewhere */
};

gint64  _sluice_chart_span_us      (SluiceChart       *self);
gboolean _sluice_chart_series_value (SluiceChartSeries *series,
                                     gint64             bucket,
                                     double            *value);
void    _sluice_chart_draw         (SluiceChart       *self,
                                    GtkSnapshot       *snapshot);

G_END_DECLS
