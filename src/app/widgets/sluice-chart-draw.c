/* sluice-chart-draw.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-app"

#include "config.h"

#include <math.h>

#include "sluice-chart-private.h"

/* Drawing of SluiceChart. Colours come from the style (the named colours
 * of libadwaita, the foreground of the widget), so light, dark and high
 * contrast follow by themselves. */

#define LEGEND_H   20
#define AXIS_H     20
#define PAD         6

typedef struct
{
  cairo_t      *cr;
  PangoLayout  *layout;
  GdkRGBA       fg;
  double        width;
  double        height;
  gint64        start_us;
  gint64        span_us;
  double        max;       /* top of the value axis */
  guint         max_ticks;
  double        x0, y0, w, h;
} Frame;

static void
series_color (SluiceChart      *self,
              SluiceChartColor  color,
              const GdkRGBA    *fg,
              GdkRGBA          *out)
{
  static const char *names[] = {
    "accent_color", "success_color", "warning_color", "error_color",
  };
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));

  if (color < G_N_ELEMENTS (names) &&
      gtk_style_context_lookup_color (context, names[color], out))
    return;

  *out = *fg;
  out->alpha *= 0.55;
}

static double
visible_max (SluiceChart *self,
             const Frame *frame)
{
  gint64 first = frame->start_us / SLUICE_CHART_BUCKET_US;
  gint64 last = self->now_us / SLUICE_CHART_BUCKET_US;
  double max = 0;

  for (guint i = 0; i < self->series->len; i++)
    for (gint64 b = first; b <= last; b++)
      {
        double v;

        if (_sluice_chart_series_value (g_ptr_array_index (self->series, i), b, &v))
          max = MAX (max, v);
      }

  for (guint i = 0; i < self->thresholds->len; i++)
    max = MAX (max, g_array_index (self->thresholds, SluiceChartThreshold, i).value);

  if (max <= 0)
    max = self->unit == SLUICE_CHART_UNIT_PERCENT ? 0.01 : 1;

  return max;
}

static double
x_of (const Frame *frame,
      gint64       time_us)
{
  return frame->x0 + (double) (time_us - frame->start_us) / frame->span_us * frame->w;
}

static double
y_of (const Frame *frame,
      double       value)
{
  return frame->y0 + frame->h - CLAMP (value / frame->max, 0, 1.02) * frame->h;
}

static void
show_text (Frame      *frame,
           const char *text,
           double      x,
           double      y,
           double      xalign,
           double      alpha)
{
  int w, h;

  pango_layout_set_text (frame->layout, text, -1);
  pango_layout_get_pixel_size (frame->layout, &w, &h);
  cairo_move_to (frame->cr, x - w * xalign, y - h / 2.0);
  cairo_set_source_rgba (frame->cr, frame->fg.red, frame->fg.green, frame->fg.blue,
                         frame->fg.alpha * alpha);
  pango_cairo_show_layout (frame->cr, frame->layout);
}

static int
text_width (Frame      *frame,
            const char *text)
{
  int w;

  pango_layout_set_text (frame->layout, text, -1);
  pango_layout_get_pixel_size (frame->layout, &w, NULL);
  return w;
}

/* Chooses the value ticks, then the left margin that fits their labels. */
static guint
value_axis (SluiceChart *self,
            Frame       *frame,
            double      *first,
            double      *step)
{
  double data_max = visible_max (self, frame);
  guint n = sluice_chart_nice_ticks (0, data_max, frame->max_ticks, first, step);
  int widest = 0;

  frame->max = ceil (data_max / *step - 1e-9) * *step;
  n = (guint) llround (frame->max / *step) + 1;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *label = sluice_chart_format_value (self->unit, i * *step);

      widest = MAX (widest, text_width (frame, label));
    }

  frame->x0 = widest + 2 * PAD;
  frame->w = frame->width - frame->x0 - PAD;
  return n;
}

static void
draw_axes (SluiceChart *self,
           Frame       *frame)
{
  double first, step;
  guint n = value_axis (self, frame, &first, &step);
  gint64 tstep = sluice_chart_time_step (frame->span_us, MAX (frame->w / 90, 2));
  const char *clock = tstep < 60 * G_USEC_PER_SEC ? "%H:%M:%S" : "%H:%M";
  guint scale = MAX (self->time_scale, 1);
  gint64 first_tick;

  if (scale > 1)
    {
      /* Scaled time: a tick per day (or more), on UTC midnights. */
      tstep = MAX (tstep, G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC / scale);
      first_tick = (frame->start_us + tstep - 1) / tstep * tstep;
      clock = "%b %e";
    }
  else
    first_tick = sluice_chart_first_time_tick (frame->start_us, tstep);

  cairo_set_line_width (frame->cr, 1);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *label = sluice_chart_format_value (self->unit, i * step);
      double y = round (y_of (frame, i * step)) + 0.5;

      cairo_set_source_rgba (frame->cr, frame->fg.red, frame->fg.green, frame->fg.blue,
                             frame->fg.alpha * (i == 0 ? 0.25 : 0.08));
      cairo_move_to (frame->cr, frame->x0, y);
      cairo_line_to (frame->cr, frame->x0 + frame->w, y);
      cairo_stroke (frame->cr);
      show_text (frame, label, frame->x0 - PAD, y, 1.0, 0.6);
    }

  for (gint64 t = first_tick; t <= frame->start_us + frame->span_us; t += tstep)
    {
      g_autoptr(GDateTime) local = scale > 1
        ? g_date_time_new_from_unix_utc (t * scale / G_USEC_PER_SEC)
        : g_date_time_new_from_unix_local (t / G_USEC_PER_SEC);
      g_autofree char *label = g_date_time_format (local, clock);
      double x = round (x_of (frame, t)) + 0.5;

      cairo_set_source_rgba (frame->cr, frame->fg.red, frame->fg.green, frame->fg.blue,
                             frame->fg.alpha * 0.08);
      cairo_move_to (frame->cr, x, frame->y0);
      cairo_line_to (frame->cr, x, frame->y0 + frame->h);
      cairo_stroke (frame->cr);
      show_text (frame, label, x, frame->y0 + frame->h + AXIS_H / 2.0 + 2, 0.5, 0.6);
    }
}

static void
trace_series (SluiceChart       *self,
              Frame             *frame,
              SluiceChartSeries *series,
              gboolean           fill)
{
  gint64 first = frame->start_us / SLUICE_CHART_BUCKET_US;
  gint64 last = self->now_us / SLUICE_CHART_BUCKET_US;
  gboolean open = FALSE;
  double start_x = 0, last_x = 0;

  for (gint64 b = first; b <= last; b++)
    {
      double v, x, y;

      if (!_sluice_chart_series_value (series, b, &v))
        {
          if (open && fill)
            {
              cairo_line_to (frame->cr, last_x, frame->y0 + frame->h);
              cairo_line_to (frame->cr, start_x, frame->y0 + frame->h);
              cairo_close_path (frame->cr);
            }
          open = FALSE;
          continue;
        }

      x = x_of (frame, MIN (b * SLUICE_CHART_BUCKET_US + SLUICE_CHART_BUCKET_US / 2,
                            self->now_us));
      y = y_of (frame, v);
      if (!open)
        {
          cairo_move_to (frame->cr, x, y);
          start_x = x;
          open = TRUE;
        }
      else
        cairo_line_to (frame->cr, x, y);
      last_x = x;
    }

  if (open && fill)
    {
      cairo_line_to (frame->cr, last_x, frame->y0 + frame->h);
      cairo_line_to (frame->cr, start_x, frame->y0 + frame->h);
      cairo_close_path (frame->cr);
    }
}

static void
draw_series (SluiceChart *self,
             Frame       *frame)
{
  for (guint i = 0; i < self->series->len; i++)
    {
      SluiceChartSeries *series = g_ptr_array_index (self->series, i);
      GdkRGBA color;

      series_color (self, series->color, &frame->fg, &color);

      if (i == 0)
        {
          trace_series (self, frame, series, TRUE);
          cairo_set_source_rgba (frame->cr, color.red, color.green, color.blue,
                                 color.alpha * 0.15);
          cairo_fill (frame->cr);
        }

      trace_series (self, frame, series, FALSE);
      gdk_cairo_set_source_rgba (frame->cr, &color);
      cairo_set_line_width (frame->cr, self->thin ? 1.5 : 2);
      cairo_set_line_join (frame->cr, CAIRO_LINE_JOIN_ROUND);
      cairo_stroke (frame->cr);
    }
}

static void
draw_thresholds (SluiceChart *self,
                 Frame       *frame)
{
  static const double dash[] = { 5, 4 };
  GdkRGBA color;

  series_color (self, SLUICE_CHART_COLOR_ERROR, &frame->fg, &color);

  for (guint i = 0; i < self->thresholds->len; i++)
    {
      SluiceChartThreshold *t = &g_array_index (self->thresholds, SluiceChartThreshold, i);
      double y = round (y_of (frame, t->value)) + 0.5;

      cairo_set_dash (frame->cr, dash, G_N_ELEMENTS (dash), 0);
      cairo_set_line_width (frame->cr, 1);
      cairo_set_source_rgba (frame->cr, color.red, color.green, color.blue, 0.8);
      cairo_move_to (frame->cr, frame->x0, y);
      cairo_line_to (frame->cr, frame->x0 + frame->w, y);
      cairo_stroke (frame->cr);
      cairo_set_dash (frame->cr, NULL, 0, 0);

      /* Above the line at the right; a line at the very top has its label
       * below it at the left, clear of the next line's. */
      if (self->thin || t->label == NULL || t->label[0] == '\0')
        continue;
      if (y - 9 < frame->y0 + 6)
        show_text (frame, t->label, frame->x0 + 4, y + 9, 0.0, 0.8);
      else
        show_text (frame, t->label, frame->x0 + frame->w - 4, y - 9, 1.0, 0.8);
    }
}

static void
draw_legend (SluiceChart *self,
             Frame       *frame)
{
  double x = frame->x0;

  for (guint i = 0; i < self->series->len; i++)
    {
      SluiceChartSeries *series = g_ptr_array_index (self->series, i);
      GdkRGBA color;

      series_color (self, series->color, &frame->fg, &color);
      gdk_cairo_set_source_rgba (frame->cr, &color);
      cairo_rectangle (frame->cr, x, LEGEND_H / 2.0 - 4, 8, 8);
      cairo_fill (frame->cr);
      show_text (frame, series->name, x + 12, LEGEND_H / 2.0, 0.0, 0.8);
      x += 12 + text_width (frame, series->name) + 16;
    }
}

static void
draw_readout (SluiceChart *self,
              Frame       *frame)
{
  gint64 t = frame->start_us + (gint64) ((self->hover_x - frame->x0) / frame->w * frame->span_us);
  g_autofree char *text = NULL;
  int w, h;
  double bx;

  if (self->hover_x < frame->x0 || self->hover_x > frame->x0 + frame->w)
    return;

  t = MIN (t, self->now_us);
  cairo_set_line_width (frame->cr, 1);
  cairo_set_source_rgba (frame->cr, frame->fg.red, frame->fg.green, frame->fg.blue, 0.5);
  cairo_move_to (frame->cr, round (self->hover_x) + 0.5, frame->y0);
  cairo_line_to (frame->cr, round (self->hover_x) + 0.5, frame->y0 + frame->h);
  cairo_stroke (frame->cr);

  text = sluice_chart_dup_readout (self, t);
  pango_layout_set_text (frame->layout, text, -1);
  pango_layout_get_pixel_size (frame->layout, &w, &h);
  bx = CLAMP (self->hover_x + 8, frame->x0, frame->x0 + frame->w - w - 2 * PAD);
  if (self->hover_x + 8 + w + 2 * PAD > frame->x0 + frame->w)
    bx = MAX (frame->x0, self->hover_x - 8 - w - 2 * PAD);

  /* A plate in the inverse of the text colour keeps the read-out legible
   * over the lines in light and dark styles alike. */
  cairo_set_source_rgba (frame->cr, 1 - frame->fg.red, 1 - frame->fg.green,
                         1 - frame->fg.blue, 0.92);
  cairo_rectangle (frame->cr, bx, frame->y0 + 2, w + 2 * PAD, h + PAD);
  cairo_fill (frame->cr);
  show_text (frame, text, bx + PAD, frame->y0 + 2 + (h + PAD) / 2.0, 0.0, 1.0);
}

/* A sparkline spans the data it has, from one minute up to its window. */
static gint64
thin_span_us (SluiceChart *self)
{
  gint64 span = _sluice_chart_span_us (self);
  gint64 last = self->now_us / SLUICE_CHART_BUCKET_US;
  gint64 oldest = last;

  for (guint i = 0; i < self->series->len; i++)
    for (gint64 b = last - span / SLUICE_CHART_BUCKET_US; b < oldest; b++)
      {
        double v;

        if (_sluice_chart_series_value (g_ptr_array_index (self->series, i), b, &v))
          {
            oldest = b;
            break;
          }
      }

  return CLAMP ((last - oldest + 1) * SLUICE_CHART_BUCKET_US, 60 * G_USEC_PER_SEC, span);
}

void
_sluice_chart_draw (SluiceChart *self,
                    GtkSnapshot *snapshot)
{
  GtkWidget *widget = GTK_WIDGET (self);
  Frame frame = { 0 };
  gboolean legend = !self->thin && self->series->len > 1;

  frame.width = gtk_widget_get_width (widget);
  frame.height = gtk_widget_get_height (widget);
  if (frame.width <= 1 || frame.height <= 1)
    return;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &frame.fg);
  frame.span_us = self->thin ? thin_span_us (self) : _sluice_chart_span_us (self);
  frame.start_us = self->now_us - frame.span_us;
  frame.cr = gtk_snapshot_append_cairo (snapshot,
                                        &GRAPHENE_RECT_INIT (0, 0, frame.width, frame.height));
  frame.layout = gtk_widget_create_pango_layout (widget, NULL);

  if (self->thin)
    {
      frame.max_ticks = 2;
      frame.x0 = 1;
      frame.y0 = 2;
      frame.w = frame.width - 2;
      frame.h = frame.height - 4;
      frame.max = visible_max (self, &frame) * 1.1;
    }
  else
    {
      frame.max_ticks = MAX (2, (guint) ((frame.height - AXIS_H) / 40));
      frame.y0 = (legend ? LEGEND_H : 0) + PAD;
      frame.h = frame.height - frame.y0 - AXIS_H - PAD;
      draw_axes (self, &frame);
    }

  self->plot = GRAPHENE_RECT_INIT (frame.x0, frame.y0, frame.w, frame.h);
  draw_series (self, &frame);
  draw_thresholds (self, &frame);

  if (legend)
    draw_legend (self, &frame);
  if (!self->thin && self->hover_x >= 0)
    draw_readout (self, &frame);

  g_object_unref (frame.layout);
  cairo_destroy (frame.cr);
}
