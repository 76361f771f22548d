/* sluice-format.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-app"

#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gi18n.h>

#include "sluice-format.h"

/* Numbers for people: thousands grouped, milliseconds with one decimal
 * under 10 ms, dollars with four decimals under $1. */

static const char *
thousands_separator (void)
{
  struct lconv *lc = localeconv ();

  if (lc != NULL && lc->thousands_sep != NULL && lc->thousands_sep[0] != '\0')
    return lc->thousands_sep;

  return ",";
}

char *
sluice_format_count (guint64 value)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, value);
  const char *sep = thousands_separator ();
  GString *out = g_string_new (NULL);
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append (out, sep);
      g_string_append_c (out, digits[i]);
    }

  return g_string_free (out, FALSE);
}

char *
sluice_format_duration (gint64 duration_us)
{
  double ms = duration_us / 1000.0;

  if (duration_us < 0)
    return g_strdup ("—");

  if (ms < 10.0)
    /* Translators: a duration in milliseconds */
    return g_strdup_printf (_("%.1f ms"), ms);

  if (ms < 1000.0)
    return g_strdup_printf (_("%.0f ms"), ms);

  /* Translators: a duration in seconds */
  return g_strdup_printf (_("%.2f s"), ms / 1000.0);
}

char *
sluice_format_usd (double usd)
{
  g_autofree char *whole = NULL;
  double cents;

  /* Four decimals would round a real but tiny cost to nothing. */
  if (usd > 0.0 && usd < 0.00005)
    return g_strdup ("< $0.0001");

  if (usd < 1.0)
    return g_strdup_printf ("$%.4f", usd);

  whole = sluice_format_count ((guint64) usd);
  cents = (usd - (guint64) usd) * 100.0;

  /* Rounding can carry the cents into the next dollar. */
  if (cents >= 99.5)
    {
      g_free (whole);
      whole = sluice_format_count ((guint64) usd + 1);
      cents = 0;
    }

  return g_strdup_printf ("$%s.%02.0f", whole, cents);
}

char *
sluice_format_percent (double fraction)
{
  double pct = fraction * 100.0;

  if (pct > 0.0 && pct < 10.0)
    return g_strdup_printf ("%.1f %%", pct);

  return g_strdup_printf ("%.0f %%", pct);
}

char *
sluice_format_rate (double per_second)
{
  if (per_second < 10.0)
    /* Translators: requests per second */
    return g_strdup_printf (_("%.1f/s"), per_second);

  return g_strdup_printf (_("%.0f/s"), per_second);
}
