/* sluice-chart-scale.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-app"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "sluice-chart.h"

/* The chart's arithmetic: value ticks on 1-2-2.5-5 steps, time ticks on
 * steps a clock reader expects, aligned to local time, and value labels
 * with their unit. */

/**
 * sluice_chart_nice_ticks:
 * @min: the lowest value to cover
 * @max: the highest value to cover
 * @max_ticks: at most this many ticks
 * @first: (out): the first tick at or above @min
 * @step: (out): the distance between ticks
 *
 * Returns: the number of ticks from @first up to @max
 */
guint
sluice_chart_nice_ticks (double  min,
                         double  max,
                         guint   max_ticks,
                         double *first,
                         double *step)
{
  double raw, magnitude, norm, nice;

  g_return_val_if_fail (first != NULL && step != NULL, 0);

  if (!(max > min))
    max = min + 1.0;
  max_ticks = MAX (max_ticks, 2);

  raw = (max - min) / (max_ticks - 1);
  magnitude = pow (10.0, floor (log10 (raw)));
  norm = raw / magnitude;

  if (norm <= 1.0)
    nice = 1.0;
  else if (norm <= 2.0)
    nice = 2.0;
  else if (norm <= 2.5)
    nice = 2.5;
  else if (norm <= 5.0)
    nice = 5.0;
  else
    nice = 10.0;

  *step = nice * magnitude;
  *first = ceil (min / *step - 1e-9) * *step;

  return (guint) floor ((max - *first) / *step + 1e-9) + 1;
}

/**
 * sluice_chart_time_step:
 * @span_us: the visible time
 * @max_ticks: at most this many ticks
 *
 * Returns: a tick step of 1, 2, 5, 10, 15 or 30 seconds or minutes, or
 *   1, 2, 3, 6, 12 or 24 hours
 */
gint64
sluice_chart_time_step (gint64 span_us,
                        guint  max_ticks)
{
  static const gint64 steps_s[] = {
    1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800,
    3600, 7200, 10800, 21600, 43200, 86400,
  };

  max_ticks = MAX (max_ticks, 1);

  for (guint i = 0; i < G_N_ELEMENTS (steps_s); i++)
    if (span_us / (steps_s[i] * G_USEC_PER_SEC) <= max_ticks)
      return steps_s[i] * G_USEC_PER_SEC;

  return G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC;
}

/**
 * sluice_chart_first_time_tick:
 * @start_us: wall clock, in microseconds
 * @step_us: from sluice_chart_time_step()
 *
 * Returns: the first tick at or after @start_us that falls on a whole
 *   multiple of @step_us in local time (so hourly ticks sit on the hour)
 */
gint64
sluice_chart_first_time_tick (gint64 start_us,
                              gint64 step_us)
{
  g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (start_us / G_USEC_PER_SEC);
  gint64 offset_us = local != NULL ? g_date_time_get_utc_offset (local) : 0;
  gint64 shifted = start_us + offset_us;
  gint64 tick;

  g_return_val_if_fail (step_us > 0, start_us);

  tick = (shifted / step_us) * step_us;
  if (tick < shifted)
    tick += step_us;

  return tick - offset_us;
}

static char *
format_scaled (double      value,
               const char *suffix)
{
  double a = fabs (value);

  if (a >= 1e9)
    return g_strdup_printf ("%.3gG%s", value / 1e9, suffix);
  if (a >= 1e6)
    return g_strdup_printf ("%.3gM%s", value / 1e6, suffix);
  if (a >= 1e4)
    return g_strdup_printf ("%.3gk%s", value / 1e3, suffix);
  if (a >= 10 || a == 0)
    return g_strdup_printf ("%.0f%s", value, suffix);

  return g_strdup_printf ("%.2g%s", value, suffix);
}

/**
 * sluice_chart_format_value:
 *
 * Returns: (transfer full): @value with its unit, e.g. "120 ms", "3.5 req/s"
 */
char *
sluice_chart_format_value (SluiceChartUnit unit,
                           double          value)
{
  switch (unit)
    {
    case SLUICE_CHART_UNIT_MS:
      if (fabs (value) >= 1000)
        return g_strdup_printf (_("%.1f s"), value / 1000);
      return g_strdup_printf (_("%.0f ms"), value);

    case SLUICE_CHART_UNIT_RATE:
      if (fabs (value) >= 10 || value == 0)
        return g_strdup_printf (_("%.0f req/s"), value);
      return g_strdup_printf (_("%.1f req/s"), value);

    case SLUICE_CHART_UNIT_USD:
      if (fabs (value) >= 100 || value == 0)
        return g_strdup_printf ("$%.0f", value);
      if (fabs (value) >= 0.1)
        return g_strdup_printf ("$%.2f", value);
      return g_strdup_printf ("$%.4f", value);

    case SLUICE_CHART_UNIT_PERCENT:
      if (fabs (value) >= 0.1 || value == 0)
        return g_strdup_printf ("%.0f %%", value * 100);
      return g_strdup_printf ("%.1f %%", value * 100);

    case SLUICE_CHART_UNIT_TOKENS:
      /* Translators: a suffix after a number of tokens, "12k tokens" */
      return format_scaled (value, _(" tokens"));

    case SLUICE_CHART_UNIT_COUNT:
    default:
      return format_scaled (value, "");
    }
}
