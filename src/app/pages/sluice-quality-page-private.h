/* sluice-quality-page-private.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-quality-page.h"
#include "widgets/sluice-chart.h"

G_BEGIN_DECLS

/* A day is three hours of the drift chart, whose 24 hours show 8 days. */
#define SLUICE_QUALITY_DRIFT_SCALE 8

struct _SluiceQualityPage
{
  GtkWidget         parent_instance;

  SluiceEngineHost *host;
  gulong            snapshot_handler;
  double            drop_threshold;      /* monitoring.quality.drop_threshold */
  double            drift_threshold;     /* monitoring.drift.threshold */
  gboolean          rebuilding;

  char             *quality_digest;      /* what the route list shows */
  char             *chart_digest;        /* what the quality chart shows */
  char             *chart_route;
  char             *drift_digest;
  GHashTable       *drift_series;        /* "route · model" → series + 1 */
  char             *deprecation_digest;

  GtkLabel         *quality_caption;
  GtkStack         *quality_stack;
  AdwStatusPage    *quality_empty;
  GtkBox           *quality_chart_box;
  SluiceChart      *quality_chart;       /* made per route, in the box */
  GtkLabel         *quality_chart_label;
  GtkListBox       *quality_list;
  GtkLabel         *drift_caption;
  GtkStack         *drift_stack;
  AdwStatusPage    *drift_empty;
  SluiceChart      *drift_chart;
  GtkListBox       *drift_list;
  GtkLabel         *deprecation_caption;
  GtkStack         *deprecation_stack;
  AdwStatusPage    *deprecation_empty;
  GtkListBox       *deprecation_list;
};

void       _sluice_quality_page_fill                (SluiceChart       *chart,
                                                     guint              series,
                                                     gint64             start_us,
                                                     gint64             end_us,
                                                     double             value);
GtkWidget *_sluice_quality_page_new_row             (const char        *title,
                                                     const char        *subtitle,
                                                     const char        *suffix,
                                                     const char        *suffix_class);
void       _sluice_quality_page_update_drift        (SluiceQualityPage *self,
                                                     SluiceSnapshot    *snapshot);
void       _sluice_quality_page_update_deprecations (SluiceQualityPage *self,
                                                     SluiceSnapshot    *snapshot);

G_END_DECLS
