/* sluice-quality-page-drift.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-app"

#include "config.h"

#include <glib/gi18n.h>

#include "sluice-panel-util.h"
#include "sluice-quality-page-private.h"

/* The drift chart and list, and the deprecation calendar, of the Quality
 * & Drift page. */

#define DAY_US (G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC)

typedef struct
{
  char   *key;          /* "route · model" */
  double  latest;       /* the newest day with a distance, or -1 */
  double  highest;
  guint   samples;      /* of the newest day */
  gint64  newest_day;
} DriftSummary;

static void
drift_summary_free (gpointer data)
{
  DriftSummary *summary = data;

  g_free (summary->key);
  g_free (summary);
}

static int
compare_summaries (gconstpointer a,
                   gconstpointer b)
{
  const DriftSummary *sa = *(DriftSummary * const *) a;
  const DriftSummary *sb = *(DriftSummary * const *) b;

  return g_strcmp0 (sa->key, sb->key);
}

static char *
drift_key (const SluiceDriftPoint *point)
{
  /* Translators: a drift series, "<route> · <model>" */
  return g_strdup_printf (_("%s · %s"), point->route, point->model);
}

static guint
drift_series (SluiceQualityPage *self,
              const char        *key)
{
  static const SluiceChartColor colors[] = {
    SLUICE_CHART_COLOR_ACCENT, SLUICE_CHART_COLOR_SUCCESS, SLUICE_CHART_COLOR_WARNING,
    SLUICE_CHART_COLOR_NEUTRAL, SLUICE_CHART_COLOR_ERROR,
  };
  gpointer index = g_hash_table_lookup (self->drift_series, key);
  guint n;

  if (index != NULL)
    return GPOINTER_TO_UINT (index) - 1;

  n = sluice_chart_get_n_series (self->drift_chart);
  sluice_chart_add_series (self->drift_chart, key, colors[n % G_N_ELEMENTS (colors)]);
  g_hash_table_insert (self->drift_series, g_strdup (key), GUINT_TO_POINTER (n + 1));
  return n;
}

static char *
drift_digest (SluiceQualityPage *self,
              SluiceSnapshot    *snapshot)
{
  GString *digest = g_string_new (NULL);

  g_string_append_printf (digest, "%.4f|", self->drift_threshold);
  for (guint i = 0; i < sluice_snapshot_get_n_drift (snapshot); i++)
    {
      const SluiceDriftPoint *p = sluice_snapshot_get_drift (snapshot, i);

      g_string_append_printf (digest, "%s/%s/%" G_GINT64_FORMAT "/%.5f/%u|", p->route,
                              p->model, p->day_us, p->distance, p->samples);
    }
  return g_string_free (digest, FALSE);
}

/* Plots each day with a distance and sums up each series for the list. */
static GPtrArray *
plot_drift (SluiceQualityPage *self,
            SluiceSnapshot    *snapshot)
{
  g_autoptr(GHashTable) by_key = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *summaries = g_ptr_array_new_with_free_func (drift_summary_free);

  for (guint i = 0; i < sluice_snapshot_get_n_drift (snapshot); i++)
    {
      const SluiceDriftPoint *p = sluice_snapshot_get_drift (snapshot, i);
      g_autofree char *key = drift_key (p);
      DriftSummary *s = g_hash_table_lookup (by_key, key);

      if (s == NULL)
        {
          s = g_new0 (DriftSummary, 1);
          s->key = g_strdup (key);
          s->latest = s->highest = -1;
          s->newest_day = -1;
          g_ptr_array_add (summaries, s);
          g_hash_table_insert (by_key, s->key, s);
        }

      if (p->day_us > s->newest_day)
        {
          s->newest_day = p->day_us;
          s->samples = p->samples;
        }
      if (p->distance < 0)
        continue;

      s->highest = MAX (s->highest, p->distance);
      if (p->day_us >= s->newest_day)
        s->latest = p->distance;
      /* Today so far is drawn as a whole day, like the others. */
      _sluice_quality_page_fill (self->drift_chart, drift_series (self, key),
                                 p->day_us / SLUICE_QUALITY_DRIFT_SCALE,
                                 (p->day_us + DAY_US) / SLUICE_QUALITY_DRIFT_SCALE,
                                 p->distance);
    }

  g_ptr_array_sort (summaries, compare_summaries);
  return summaries;
}

static GtkWidget *
create_drift_row (SluiceQualityPage  *self,
                  const DriftSummary *s)
{
  g_autofree char *subtitle = NULL;
  g_autofree char *suffix = NULL;

  if (s->latest < 0)
    subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "Building a baseline: %u answer sampled today; "
                                             "distances start once the week before has answers",
                                             "Building a baseline: %u answers sampled today; "
                                             "distances start once the week before has answers",
                                             s->samples), s->samples);
  else
    {
      /* Translators: "latest day 0.04 · week's highest 0.09 · 120 sampled" */
      subtitle = g_strdup_printf (_("latest day %.3f · week's highest %.3f · %u sampled"),
                                  s->latest, s->highest, s->samples);
      suffix = g_strdup_printf ("%.3f", s->latest);
    }

  return _sluice_quality_page_new_row (s->key, subtitle, suffix,
                                       s->latest > self->drift_threshold ? "error" : "success");
}

void
_sluice_quality_page_update_drift (SluiceQualityPage *self,
                                   SluiceSnapshot    *snapshot)
{
  guint n = sluice_snapshot_get_n_drift (snapshot);
  g_autofree char *digest = NULL;
  g_autofree char *label = NULL;
  g_autoptr(GPtrArray) summaries = NULL;
  gboolean measured = FALSE;

  gtk_stack_set_visible_child_name (self->drift_stack, n > 0 ? "data" : "empty");
  digest = drift_digest (self, snapshot);
  if (n == 0 || g_strcmp0 (digest, self->drift_digest) == 0)
    return;

  g_free (self->drift_digest);
  self->drift_digest = g_steal_pointer (&digest);

  /* Translators: the drift chart's threshold line */
  label = g_strdup_printf (_("Threshold %.2f"), self->drift_threshold);
  sluice_chart_set_threshold (self->drift_chart, 0, self->drift_threshold, label);

  summaries = plot_drift (self, snapshot);
  sluice_panel_clear_list (self->drift_list);
  for (guint i = 0; i < summaries->len; i++)
    {
      const DriftSummary *s = g_ptr_array_index (summaries, i);

      measured |= s->latest >= 0;
      gtk_list_box_append (self->drift_list, create_drift_row (self, s));
    }

  /* Until a day has a baseline there is nothing to plot, and an empty
   * chart would have no day to end at. */
  gtk_widget_set_visible (GTK_WIDGET (self->drift_chart), measured);
}

/* The deprecation calendar. */

static int
compare_deprecations (gconstpointer a,
                      gconstpointer b)
{
  const SluiceDeprecation *da = *(const SluiceDeprecation * const *) a;
  const SluiceDeprecation *db = *(const SluiceDeprecation * const *) b;

  if (da->days_left != db->days_left)
    return da->days_left < db->days_left ? -1 : 1;
  return g_strcmp0 (da->model, db->model);
}

/* Urgency: failing (retired), degraded (a week), soon (30 days), idle. */
static GtkWidget *
new_pill (const char *text,
          const char *urgency)
{
  GtkWidget *pill = gtk_label_new (text);

  gtk_widget_set_valign (pill, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (pill, "health-pill");
  gtk_widget_add_css_class (pill, urgency);
  gtk_widget_add_css_class (pill, "numeric");
  return pill;
}

static GtkWidget *
create_deprecation_row (const SluiceDeprecation *d)
{
  g_autofree char *subtitle = NULL;
  g_autofree char *left = NULL;
  const char *urgency;
  GtkWidget *row;

  if (d->days_left <= 0)
    {
      left = g_strdup (_("Retired"));
      urgency = "failing";
      subtitle = d->replacement != NULL
        ? g_strdup_printf (_("Retired on %s · its requests go to %s"), d->retires, d->replacement)
        : g_strdup_printf (_("Retired on %s · no replacement, its requests fail"), d->retires);
    }
  else
    {
      left = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day left", "%d days left",
                                           d->days_left), d->days_left);
      urgency = d->days_left <= 7 ? "degraded" : d->days_left <= 30 ? "soon" : "idle";
      subtitle = d->replacement != NULL
        ? g_strdup_printf (_("Retires on %s · replaced by %s"), d->retires, d->replacement)
        : g_strdup_printf (_("Retires on %s · no replacement configured"), d->retires);
    }

  row = _sluice_quality_page_new_row (d->model, subtitle, NULL, NULL);
  g_object_set_data (G_OBJECT (row), "days-left", GINT_TO_POINTER (d->days_left));
  adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name ("x-office-calendar-symbolic"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), new_pill (left, urgency));
  return row;
}

void
_sluice_quality_page_update_deprecations (SluiceQualityPage *self,
                                          SluiceSnapshot    *snapshot)
{
  guint n = sluice_snapshot_get_n_deprecations (snapshot);
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  g_autoptr(GString) digest = g_string_new (NULL);

  gtk_stack_set_visible_child_name (self->deprecation_stack, n > 0 ? "data" : "empty");
  for (guint i = 0; i < n; i++)
    {
      const SluiceDeprecation *d = sluice_snapshot_get_deprecation (snapshot, i);

      g_ptr_array_add (sorted, (gpointer) d);
      g_string_append_printf (digest, "%s/%s/%s/%d|", d->model, d->retires,
                              d->replacement != NULL ? d->replacement : "", d->days_left);
    }
  if (g_strcmp0 (digest->str, self->deprecation_digest) == 0)
    return;

  g_free (self->deprecation_digest);
  self->deprecation_digest = g_strdup (digest->str);
  g_ptr_array_sort (sorted, compare_deprecations);
  sluice_panel_clear_list (self->deprecation_list);
  for (guint i = 0; i < sorted->len; i++)
    gtk_list_box_append (self->deprecation_list,
                         create_deprecation_row (g_ptr_array_index (sorted, i)));
}
