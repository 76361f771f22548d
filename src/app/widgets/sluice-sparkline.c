/* sluice-sparkline.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-app"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "sluice-sparkline.h"

/* A small line chart without axes: the shape of the last minute. The line
 * takes the widget's foreground colour, the area under it a faint wash of
 * the same, so it follows the style (dark, high contrast) by itself. */

struct _SluiceSparkline
{
  GtkWidget  parent_instance;
  double    *values;
  guint      n_values;
};

G_DEFINE_FINAL_TYPE (SluiceSparkline, sluice_sparkline, GTK_TYPE_WIDGET)

static void
sluice_sparkline_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 60;
      *natural = 160;
    }
  else
    {
      *minimum = 24;
      *natural = 36;
    }
}

static double
max_value (SluiceSparkline *self)
{
  double max = 0.0;

  for (guint i = 0; i < self->n_values; i++)
    max = MAX (max, self->values[i]);

  return max;
}

static void
trace_line (SluiceSparkline *self,
            cairo_t         *cr,
            double           width,
            double           height,
            double           max)
{
  double step = self->n_values > 1 ? width / (self->n_values - 1) : width;

  for (guint i = 0; i < self->n_values; i++)
    {
      double x = i * step;
      double y = height - 1.0 - (self->values[i] / max) * (height - 2.0);

      if (i == 0)
        cairo_move_to (cr, x, y);
      else
        cairo_line_to (cr, x, y);
    }
}

static void
sluice_sparkline_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  SluiceSparkline *self = SLUICE_SPARKLINE (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  double max;
  GdkRGBA color;
  cairo_t *cr;

  if (self->n_values < 2 || width <= 0 || height <= 0)
    return;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  max = MAX (max_value (self), 1e-9);

  cr = gtk_snapshot_append_cairo (snapshot,
                                  &GRAPHENE_RECT_INIT (0, 0, width, height));

  trace_line (self, cr, width, height, max);
  cairo_line_to (cr, width, height);
  cairo_line_to (cr, 0, height);
  cairo_close_path (cr);
  cairo_set_source_rgba (cr, color.red, color.green, color.blue,
                         color.alpha * 0.15);
  cairo_fill (cr);

  trace_line (self, cr, width, height, max);
  cairo_set_line_width (cr, 1.5);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  gdk_cairo_set_source_rgba (cr, &color);
  cairo_stroke (cr);

  cairo_destroy (cr);
}

static void
sluice_sparkline_finalize (GObject *object)
{
  SluiceSparkline *self = (SluiceSparkline *)object;

  g_clear_pointer (&self->values, g_free);

  G_OBJECT_CLASS (sluice_sparkline_parent_class)->finalize (object);
}

static void
sluice_sparkline_class_init (SluiceSparklineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = sluice_sparkline_finalize;
  widget_class->measure = sluice_sparkline_measure;
  widget_class->snapshot = sluice_sparkline_snapshot;

  gtk_widget_class_set_css_name (widget_class, "sparkline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
sluice_sparkline_init (SluiceSparkline *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Trend over the last minute"),
                                  -1);
}

GtkWidget *
sluice_sparkline_new (void)
{
  return g_object_new (SLUICE_TYPE_SPARKLINE, NULL);
}

/**
 * sluice_sparkline_set_values:
 * @values: (array length=n_values): the points, oldest first
 *
 * Redraws only when the points changed.
 */
void
sluice_sparkline_set_values (SluiceSparkline *self,
                             const double    *values,
                             guint            n_values)
{
  g_return_if_fail (SLUICE_IS_SPARKLINE (self));
  g_return_if_fail (values != NULL || n_values == 0);

  if (n_values == self->n_values &&
      (n_values == 0 ||
       memcmp (values, self->values, n_values * sizeof (double)) == 0))
    return;

  g_free (self->values);
  self->values = n_values > 0 ? g_memdup2 (values, n_values * sizeof (double)) : NULL;
  self->n_values = n_values;

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
sluice_sparkline_get_n_values (SluiceSparkline *self)
{
  g_return_val_if_fail (SLUICE_IS_SPARKLINE (self), 0);

  return self->n_values;
}
