/* sluice-chart.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-app"

#include "config.h"

#include <math.h>
#include <adwaita.h>
#include <glib/gi18n.h>

#include "sluice-chart-private.h"

/* A time chart of several series. Each series keeps 24 hours in ten-second
 * buckets (a ring of 8,640 slots); a push adds a sample to the bucket of
 * its time, and a bucket shows the mean of its samples. The newest time
 * pushed is "now", so the chart moves with the snapshots it is fed, not
 * with the wall clock, and tests can place points exactly. */

G_DEFINE_FINAL_TYPE (SluiceChart, sluice_chart, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_WINDOW,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static void
series_free (gpointer data)
{
  SluiceChartSeries *series = data;

  g_free (series->name);
  g_free (series->sum);
  g_free (series->count);
  g_free (series->bucket);
  g_free (series);
}

static void
threshold_clear (gpointer data)
{
  SluiceChartThreshold *threshold = data;

  g_clear_pointer (&threshold->label, g_free);
}

gint64
_sluice_chart_span_us (SluiceChart *self)
{
  switch (self->window)
    {
    case SLUICE_CHART_WINDOW_24_HOURS:
      return G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC;
    case SLUICE_CHART_WINDOW_1_HOUR:
      return G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC;
    case SLUICE_CHART_WINDOW_5_MIN:
    default:
      return G_GINT64_CONSTANT (300) * G_USEC_PER_SEC;
    }
}

gboolean
_sluice_chart_series_value (SluiceChartSeries *series,
                            gint64             bucket,
                            double            *value)
{
  guint slot;

  if (bucket < 0)
    return FALSE;

  slot = bucket % SLUICE_CHART_N_BUCKETS;
  if (series->bucket[slot] != bucket || series->count[slot] == 0)
    return FALSE;

  *value = series->sum[slot] / series->count[slot];
  return TRUE;
}

static void
update_summary (SluiceChart *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < self->series->len; i++)
    {
      SluiceChartSeries *series = g_ptr_array_index (self->series, i);
      g_autofree char *formatted = NULL;
      double value;

      if (!_sluice_chart_series_value (series, series->latest_bucket, &value))
        continue;

      formatted = sluice_chart_format_value (self->unit, value);
      if (text->len > 0)
        g_string_append (text, ", ");
      /* Translators: a series and its latest value, "Requests: 3 req/s" */
      g_string_append_printf (text, _("%s: %s"), series->name, formatted);
    }

  if (text->len == 0)
    g_string_append (text, _("No data yet"));

  if (g_strcmp0 (text->str, self->summary) == 0)
    return;

  g_free (self->summary);
  self->summary = g_strdup (text->str);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, self->summary,
                                  -1);
}

static void
on_motion (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           SluiceChart              *self)
{
  if (self->thin)
    return;

  self->hover_x = x;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_leave (GtkEventControllerMotion *motion,
          SluiceChart              *self)
{
  if (self->hover_x < 0)
    return;

  self->hover_x = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_dark_changed (AdwStyleManager *manager,
                 GParamSpec      *pspec,
                 SluiceChart     *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
sluice_chart_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  SluiceChart *self = SLUICE_CHART (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = self->thin ? 40 : 200;
      *natural = self->thin ? 120 : 480;
    }
  else
    {
      *minimum = self->thin ? 28 : 140;
      *natural = self->thin ? 36 : 200;
    }
}

static void
sluice_chart_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  _sluice_chart_draw (SLUICE_CHART (widget), snapshot);
}

static void
sluice_chart_css_changed (GtkWidget         *widget,
                          GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (sluice_chart_parent_class)->css_changed (widget, change);
  gtk_widget_queue_draw (widget);
}

static void
sluice_chart_finalize (GObject *object)
{
  SluiceChart *self = (SluiceChart *)object;

  g_clear_pointer (&self->series, g_ptr_array_unref);
  g_clear_pointer (&self->thresholds, g_array_unref);
  g_clear_pointer (&self->summary, g_free);

  G_OBJECT_CLASS (sluice_chart_parent_class)->finalize (object);
}

static void
sluice_chart_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  SluiceChart *self = SLUICE_CHART (object);

  switch (prop_id)
    {
    case PROP_WINDOW:
      g_value_set_uint (value, self->window);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sluice_chart_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  SluiceChart *self = SLUICE_CHART (object);

  switch (prop_id)
    {
    case PROP_WINDOW:
      sluice_chart_set_window (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sluice_chart_class_init (SluiceChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = sluice_chart_finalize;
  object_class->get_property = sluice_chart_get_property;
  object_class->set_property = sluice_chart_set_property;

  widget_class->measure = sluice_chart_measure;
  widget_class->snapshot = sluice_chart_snapshot;
  widget_class->css_changed = sluice_chart_css_changed;

  /* Bound to a GtkDropDown's "selected": 0 = 5 min, 1 = 1 h, 2 = 24 h. */
  properties [PROP_WINDOW] =
    g_param_spec_uint ("window", NULL, NULL,
                       0, SLUICE_CHART_WINDOW_24_HOURS, 0,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
sluice_chart_init (SluiceChart *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->series = g_ptr_array_new_with_free_func (series_free);
  self->thresholds = g_array_new (FALSE, TRUE, sizeof (SluiceChartThreshold));
  g_array_set_clear_func (self->thresholds, threshold_clear);
  self->hover_x = -1;

  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (on_dark_changed), self, 0);
  update_summary (self);
}

GtkWidget *
sluice_chart_new (void)
{
  return g_object_new (SLUICE_TYPE_CHART, NULL);
}

void
sluice_chart_set_unit (SluiceChart     *self,
                       SluiceChartUnit  unit)
{
  g_return_if_fail (SLUICE_IS_CHART (self));

  if (self->unit == unit)
    return;

  self->unit = unit;
  update_summary (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * sluice_chart_set_thin:
 *
 * A thin chart is a sparkline: no axes, legend or read-out.
 */
void
sluice_chart_set_thin (SluiceChart *self,
                       gboolean     thin)
{
  g_return_if_fail (SLUICE_IS_CHART (self));

  thin = !!thin;
  if (self->thin == thin)
    return;

  self->thin = thin;
  if (thin)
    gtk_widget_add_css_class (GTK_WIDGET (self), "thin");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "thin");
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
sluice_chart_set_window (SluiceChart       *self,
                         SluiceChartWindow  window)
{
  g_return_if_fail (SLUICE_IS_CHART (self));
  g_return_if_fail (window <= SLUICE_CHART_WINDOW_24_HOURS);

  if (self->window == window)
    return;

  self->window = window;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_WINDOW]);
}

guint
sluice_chart_get_window (SluiceChart *self)
{
  g_return_val_if_fail (SLUICE_IS_CHART (self), 0);

  return self->window;
}

/**
 * sluice_chart_add_series:
 * @name: shown in the legend and the read-out
 *
 * Returns: the series' index, for sluice_chart_push()
 */
guint
sluice_chart_add_series (SluiceChart      *self,
                         const char       *name,
                         SluiceChartColor  color)
{
  SluiceChartSeries *series;

  g_return_val_if_fail (SLUICE_IS_CHART (self), 0);

  series = g_new0 (SluiceChartSeries, 1);
  series->name = g_strdup (name);
  series->color = color;
  series->sum = g_new0 (double, SLUICE_CHART_N_BUCKETS);
  series->count = g_new0 (guint32, SLUICE_CHART_N_BUCKETS);
  series->bucket = g_new (gint64, SLUICE_CHART_N_BUCKETS);
  for (guint i = 0; i < SLUICE_CHART_N_BUCKETS; i++)
    series->bucket[i] = -1;
  series->latest_bucket = -1;
  g_ptr_array_add (self->series, series);

  gtk_widget_queue_draw (GTK_WIDGET (self));
  return self->series->len - 1;
}

guint
sluice_chart_get_n_series (SluiceChart *self)
{
  g_return_val_if_fail (SLUICE_IS_CHART (self), 0);

  return self->series->len;
}

/**
 * sluice_chart_push:
 * @time_us: wall clock of the sample
 * @value: in the chart's unit
 *
 * Adds a sample; the chart redraws only if what it shows changed.
 */
void
sluice_chart_push (SluiceChart *self,
                   guint        index,
                   gint64       time_us,
                   double       value)
{
  SluiceChartSeries *series;
  gint64 bucket = time_us / SLUICE_CHART_BUCKET_US;
  guint slot = bucket % SLUICE_CHART_N_BUCKETS;
  double before = NAN;
  gboolean moved;

  g_return_if_fail (SLUICE_IS_CHART (self));
  g_return_if_fail (index < self->series->len);
  g_return_if_fail (time_us >= 0);

  if (!isfinite (value))
    return;

  series = g_ptr_array_index (self->series, index);
  if (series->bucket[slot] != bucket)
    {
      series->bucket[slot] = bucket;
      series->sum[slot] = 0;
      series->count[slot] = 0;
    }
  else
    before = series->sum[slot] / MAX (series->count[slot], 1);

  series->sum[slot] += value;
  series->count[slot]++;
  series->latest_bucket = MAX (series->latest_bucket, bucket);

  moved = time_us / SLUICE_CHART_BUCKET_US != self->now_us / SLUICE_CHART_BUCKET_US;
  self->now_us = MAX (self->now_us, time_us);

  if (moved || before != series->sum[slot] / series->count[slot])
    {
      update_summary (self);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

/**
 * sluice_chart_set_point:
 *
 * Like sluice_chart_push(), but @value replaces what the bucket of
 * @time_us held: for figures already aggregated over the bucket.
 */
void
sluice_chart_set_point (SluiceChart *self,
                        guint        index,
                        gint64       time_us,
                        double       value)
{
  SluiceChartSeries *series;
  guint slot;

  g_return_if_fail (SLUICE_IS_CHART (self));
  g_return_if_fail (index < self->series->len);
  g_return_if_fail (time_us >= 0);

  series = g_ptr_array_index (self->series, index);
  slot = (time_us / SLUICE_CHART_BUCKET_US) % SLUICE_CHART_N_BUCKETS;
  if (series->bucket[slot] == time_us / SLUICE_CHART_BUCKET_US && series->count[slot] > 0)
    {
      double before = series->sum[slot] / series->count[slot];

      series->sum[slot] = before;
      series->count[slot] = 1;
      if (before == value)
        return;
      series->sum[slot] = 0;
      series->count[slot] = 0;
    }

  sluice_chart_push (self, index, time_us, value);
}

/**
 * sluice_chart_set_threshold:
 * @index: which threshold; one past the last adds one
 * @label: (nullable): drawn beside the dashed line
 */
void
sluice_chart_set_threshold (SluiceChart *self,
                            guint        index,
                            double       value,
                            const char  *label)
{
  SluiceChartThreshold *threshold;

  g_return_if_fail (SLUICE_IS_CHART (self));
  g_return_if_fail (index <= self->thresholds->len);

  if (index == self->thresholds->len)
    g_array_set_size (self->thresholds, index + 1);

  threshold = &g_array_index (self->thresholds, SluiceChartThreshold, index);
  if (threshold->value == value && g_strcmp0 (threshold->label, label) == 0 &&
      threshold->label != NULL)
    return;

  threshold->value = value;
  g_free (threshold->label);
  threshold->label = g_strdup (label != NULL ? label : "");
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
sluice_chart_clear_thresholds (SluiceChart *self)
{
  g_return_if_fail (SLUICE_IS_CHART (self));

  if (self->thresholds->len == 0)
    return;

  g_array_set_size (self->thresholds, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
sluice_chart_get_latest (SluiceChart *self,
                         guint        index,
                         double      *value)
{
  SluiceChartSeries *series;

  g_return_val_if_fail (SLUICE_IS_CHART (self), FALSE);
  g_return_val_if_fail (index < self->series->len, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  series = g_ptr_array_index (self->series, index);
  return _sluice_chart_series_value (series, series->latest_bucket, value);
}

/**
 * sluice_chart_value_at:
 * @time_us: a wall-clock time within the last 24 hours
 * @value: (out): the mean of the series' samples in that time's bucket
 *
 * Returns: whether the series has a value then
 */
gboolean
sluice_chart_value_at (SluiceChart *self,
                       guint        index,
                       gint64       time_us,
                       double      *value)
{
  g_return_val_if_fail (SLUICE_IS_CHART (self), FALSE);
  g_return_val_if_fail (index < self->series->len, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  if (time_us < 0 || self->now_us - time_us >= SLUICE_CHART_N_BUCKETS * SLUICE_CHART_BUCKET_US)
    return FALSE;

  return _sluice_chart_series_value (g_ptr_array_index (self->series, index),
                                     time_us / SLUICE_CHART_BUCKET_US, value);
}

/**
 * sluice_chart_dup_readout:
 *
 * Returns: (transfer full): what the hover read-out shows for @time_us:
 *   the local time and each series' value, e.g.
 *   "14:03:20 · Requests 3.2 req/s · Errors —"
 */
char *
sluice_chart_dup_readout (SluiceChart *self,
                          gint64       time_us)
{
  g_autoptr(GDateTime) local = NULL;
  GString *text;

  g_return_val_if_fail (SLUICE_IS_CHART (self), NULL);

  if (self->time_scale > 1)
    local = g_date_time_new_from_unix_utc (time_us / G_USEC_PER_SEC * self->time_scale);
  else
    local = g_date_time_new_from_unix_local (time_us / G_USEC_PER_SEC);
  text = g_string_new (NULL);
  if (local != NULL)
    {
      g_autofree char *clock = g_date_time_format (local, self->time_scale > 1
                                                          ? "%b %e" : "%H:%M:%S");

      g_string_append (text, clock);
    }

  for (guint i = 0; i < self->series->len; i++)
    {
      SluiceChartSeries *series = g_ptr_array_index (self->series, i);
      g_autofree char *formatted = NULL;
      double value;

      if (sluice_chart_value_at (self, i, time_us, &value))
        formatted = sluice_chart_format_value (self->unit, value);
      g_string_append_printf (text, " · %s %s", series->name,
                              formatted != NULL ? formatted : "—");
    }

  return g_string_free (text, FALSE);
}

/**
 * sluice_chart_get_summary:
 *
 * Returns: the accessible label: each series' latest value
 */
const char *
sluice_chart_get_summary (SluiceChart *self)
{
  g_return_val_if_fail (SLUICE_IS_CHART (self), NULL);

  return self->summary;
}

/**
 * sluice_chart_set_time_scale:
 * @scale: real seconds per second of the chart
 *
 * For series slower than the chart's 24 hours: with @scale 8, a day is
 * three hours of the chart and its 24-hour window shows eight days. The
 * caller divides the times it pushes by @scale; the time axis then ticks
 * once per (UTC) day and it and the read-out show dates.
 */
void
sluice_chart_set_time_scale (SluiceChart *self,
                             guint        scale)
{
  g_return_if_fail (SLUICE_IS_CHART (self));
  g_return_if_fail (scale >= 1);

  if (self->time_scale == scale)
    return;

  self->time_scale = scale;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
