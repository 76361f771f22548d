/* sluice-quality-page.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-app"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "sluice-panel-util.h"
#include "sluice-quality-page.h"
#include "sluice-quality-page-private.h"
#include "widgets/sluice-chart.h"

/* Quality & Drift: the quality score of each route's sampled answers over
 * the last 24 hours with its alert line (the 24 hours before, less the
 * configured drop), each day's drift of a route and model against the
 * threshold, and the calendar of model retirements. Hourly and daily
 * figures are drawn as steps: the chart joins neighbouring ten-second
 * buckets, so each hour (or day) fills all of its buckets. */

#define HOUR_US (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)

G_DEFINE_FINAL_TYPE (SluiceQualityPage, sluice_quality_page, GTK_TYPE_WIDGET)

/* Sets the buckets of [@start_us, @end_us) of @series to @value. */
void
_sluice_quality_page_fill (SluiceChart *chart,
                           guint        series,
                           gint64       start_us,
                           gint64       end_us,
                           double       value)
{
  for (gint64 t = start_us; t < end_us; t += SLUICE_CHART_BUCKET_US)
    sluice_chart_set_point (chart, series, t, value);
}

static GtkWidget *
new_suffix_label (const char *text,
                  const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (label, "numeric");
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

GtkWidget *
_sluice_quality_page_new_row (const char *title,
                              const char *subtitle,
                              const char *suffix,
                              const char *suffix_class)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (suffix != NULL)
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), new_suffix_label (suffix, suffix_class));
  g_object_set_data_full (G_OBJECT (row), "key", g_strdup (title), g_free);
  return row;
}

/* Quality. */

static double
alert_line (SluiceQualityPage        *self,
            const SluiceQualityTrend *trend)
{
  if (trend->n_prev_24h == 0 || isnan (trend->avg_prev_24h))
    return NAN;

  return trend->avg_prev_24h * (1 - self->drop_threshold);
}

static char *
format_score (double score)
{
  if (isnan (score))
    return g_strdup ("—");

  return g_strdup_printf ("%.2f", score);
}

static GtkWidget *
create_quality_row (SluiceQualityPage        *self,
                    const SluiceQualityTrend *trend)
{
  g_autofree char *now = format_score (trend->avg_24h);
  g_autofree char *before = format_score (trend->avg_prev_24h);
  g_autofree char *subtitle = NULL;
  g_autofree char *suffix = NULL;
  const char *css = NULL;
  double line = alert_line (self, trend);
  GtkWidget *row;

  /* Translators: "last 24 h 0.91 (120 scored) · 24 h before 0.93 (98)" */
  subtitle = g_strdup_printf (_("last 24 h %s (%u scored) · 24 h before %s (%u)"),
                              now, trend->n_24h, before, trend->n_prev_24h);
  if (!isnan (line) && !isnan (trend->avg_24h) && trend->avg_prev_24h > 0)
    {
      double change = trend->avg_24h / trend->avg_prev_24h - 1;

      suffix = g_strdup_printf ("%s %+.1f %%", now, change * 100);
      css = trend->avg_24h < line ? "error" : (change < 0 ? "warning" : "success");
    }
  else
    suffix = g_strdup (now);

  row = _sluice_quality_page_new_row (trend->route, subtitle, suffix, css);
  g_object_set_data_full (G_OBJECT (row), "score", g_memdup2 (&trend->avg_24h, sizeof (double)),
                          g_free);
  return row;
}

static void
select_route (SluiceQualityPage *self,
              const char        *route)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->quality_list));
       row != NULL; row = gtk_widget_get_next_sibling (row))
    if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "key"), route) == 0)
      {
        gtk_list_box_select_row (self->quality_list, GTK_LIST_BOX_ROW (row));
        return;
      }

  gtk_list_box_select_row (self->quality_list,
                           gtk_list_box_get_row_at_index (self->quality_list, 0));
}

/* A fresh chart per route: series cannot be emptied. */
static void
reset_quality_chart (SluiceQualityPage *self)
{
  GtkWidget *chart = sluice_chart_new ();

  if (self->quality_chart_label == NULL)
    {
      self->quality_chart_label = GTK_LABEL (gtk_label_new (NULL));
      gtk_label_set_xalign (self->quality_chart_label, 0);
      gtk_widget_set_margin_bottom (GTK_WIDGET (self->quality_chart_label), 6);
      gtk_widget_add_css_class (GTK_WIDGET (self->quality_chart_label), "caption-heading");
      gtk_box_append (self->quality_chart_box, GTK_WIDGET (self->quality_chart_label));
    }
  if (self->quality_chart != NULL)
    gtk_box_remove (self->quality_chart_box, GTK_WIDGET (self->quality_chart));
  self->quality_chart = SLUICE_CHART (chart);
  gtk_widget_set_size_request (chart, -1, 220);
  gtk_widget_add_css_class (chart, "card");
  gtk_widget_add_css_class (chart, "chart-card");
  gtk_accessible_update_property (GTK_ACCESSIBLE (chart),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Hourly quality score of the selected route over the last "
                                    "24 hours, with its alert line"),
                                  -1);
  sluice_chart_set_unit (self->quality_chart, SLUICE_CHART_UNIT_PERCENT);
  sluice_chart_set_window (self->quality_chart, SLUICE_CHART_WINDOW_24_HOURS);
  gtk_box_append (self->quality_chart_box, chart);
  g_clear_pointer (&self->chart_digest, g_free);
}

static void
update_quality_chart (SluiceQualityPage        *self,
                      const SluiceQualityTrend *trend,
                      gint64                    now_us)
{
  gint64 first_hour = now_us / HOUR_US - (SLUICE_SNAPSHOT_HOURS - 1);
  g_autofree char *digest = NULL;
  g_autofree char *label = NULL;
  double line = alert_line (self, trend);

  digest = g_strdup_printf ("%s/%" G_GINT64_FORMAT "/%u/%.6f/%.4f", trend->route, first_hour,
                            trend->n_24h, trend->avg_24h, line);
  if (g_strcmp0 (digest, self->chart_digest) == 0)
    return;
  if (g_strcmp0 (trend->route, self->chart_route) != 0)
    {
      reset_quality_chart (self);
      sluice_chart_add_series (self->quality_chart, trend->route, SLUICE_CHART_COLOR_ACCENT);
      g_free (self->chart_route);
      self->chart_route = g_strdup (trend->route);
    }
  g_free (self->chart_digest);
  self->chart_digest = g_steal_pointer (&digest);

  for (guint i = 0; i < SLUICE_SNAPSHOT_HOURS; i++)
    if (!isnan (trend->hourly[i]))
      {
        gint64 start = (first_hour + i) * HOUR_US;

        /* This hour so far is drawn as a whole hour, like the others. */
        _sluice_quality_page_fill (self->quality_chart, 0, start, start + HOUR_US,
                                   trend->hourly[i]);
      }

  /* Translators: above the quality chart, "Route small, hourly average" */
  sluice_panel_set_label_take (self->quality_chart_label,
                               isnan (line)
                               ? g_strdup_printf (_("Route %s, hourly average — the alert line "
                                                    "appears once the 24 hours before have "
                                                    "scored answers"), trend->route)
                               : g_strdup_printf (_("Route %s, hourly average"), trend->route));
  sluice_chart_clear_thresholds (self->quality_chart);
  if (!isnan (line))
    {
      /* Translators: the quality chart's alert line, "Alert below 0.81" */
      label = g_strdup_printf (_("Alert below %.2f"), line);
      sluice_chart_set_threshold (self->quality_chart, 0, line, label);
    }
}

static char *
quality_digest (SluiceQualityPage *self,
                SluiceSnapshot    *snapshot)
{
  GString *digest = g_string_new (NULL);

  g_string_append_printf (digest, "%.4f|", self->drop_threshold);
  for (guint i = 0; i < sluice_snapshot_get_n_quality (snapshot); i++)
    {
      const SluiceQualityTrend *t = sluice_snapshot_get_quality (snapshot, i);

      g_string_append_printf (digest, "%s/%u/%.4f/%u/%.4f|", t->route, t->n_24h, t->avg_24h,
                              t->n_prev_24h, t->avg_prev_24h);
    }
  return g_string_free (digest, FALSE);
}

static void
update_quality (SluiceQualityPage *self,
                SluiceSnapshot    *snapshot)
{
  guint n = sluice_snapshot_get_n_quality (snapshot);
  g_autofree char *digest = quality_digest (self, snapshot);
  g_autofree char *selected = g_strdup (self->chart_route);
  const SluiceQualityTrend *trend;

  gtk_stack_set_visible_child_name (self->quality_stack, n > 0 ? "data" : "empty");
  if (n == 0)
    return;

  if (g_strcmp0 (digest, self->quality_digest) != 0)
    {
      g_free (self->quality_digest);
      self->quality_digest = g_steal_pointer (&digest);
      self->rebuilding = TRUE;
      sluice_panel_clear_list (self->quality_list);
      for (guint i = 0; i < n; i++)
        gtk_list_box_append (self->quality_list,
                             create_quality_row (self, sluice_snapshot_get_quality (snapshot, i)));
      select_route (self, selected);
      self->rebuilding = FALSE;
    }

  trend = self->chart_route != NULL
          ? sluice_snapshot_lookup_quality (snapshot, self->chart_route) : NULL;
  if (trend == NULL)
    trend = sluice_snapshot_get_quality (snapshot, 0);
  update_quality_chart (self, trend, sluice_snapshot_get_time_us (snapshot));
}

static void
on_route_selected (GtkListBox        *list,
                   GtkListBoxRow     *row,
                   SluiceQualityPage *self)
{
  SluiceSnapshot *snapshot;
  const SluiceQualityTrend *trend;
  const char *route;

  if (row == NULL || self->rebuilding || self->host == NULL)
    return;

  route = g_object_get_data (G_OBJECT (row), "key");
  snapshot = sluice_engine_host_get_snapshot (self->host);
  trend = snapshot != NULL ? sluice_snapshot_lookup_quality (snapshot, route) : NULL;
  if (trend != NULL)
    update_quality_chart (self, trend, sluice_snapshot_get_time_us (snapshot));
}

static void
status_take (AdwStatusPage *page,
             char          *description)
{
  adw_status_page_set_description (page, description);
  g_free (description);
}

/* Captions and empty states: what will appear, and why it is not there. */
static void
update_captions (SluiceQualityPage            *self,
                 const SluiceMonitoringConfig *m)
{
  g_autofree char *rate = g_strdup_printf ("%g", m->quality_sample_rate * 100);
  g_autofree char *drift_rate = g_strdup_printf ("%g", m->drift_sample_rate * 100);
  g_autofree char *drop = g_strdup_printf ("%g", m->quality_drop_threshold * 100);

  self->drop_threshold = m->quality_drop_threshold;
  self->drift_threshold = m->drift_threshold;

  /* Translators: "Scored on 5 % of answers; alert when the 24 h average
   * falls 10 % below the 24 h before" */
  sluice_panel_set_label_take (self->quality_caption,
    g_strdup_printf (_("Scored on %s %% of answers (format, relevance, safety); an alert "
                       "when the 24 h average falls %s %% below the 24 h before"), rate, drop));
  if (m->quality_sample_rate <= 0)
    adw_status_page_set_description (self->quality_empty,
      _("Quality scoring is off: monitoring.quality.sample_rate is 0"));
  else
    status_take (self->quality_empty,
      g_strdup_printf (_("No answers scored yet — quality is scored on %s %% of answers, "
                         "so a route appears here after its first scored answer"), rate));

  sluice_panel_set_label_take (self->drift_caption,
    g_strdup_printf (_("Cosine distance of each day's answers to the week before, "
                       "per route and model; %s %% of answers are sampled; "
                       "the threshold is %.2f"), drift_rate, m->drift_threshold));
  if (m->drift_sample_rate <= 0)
    adw_status_page_set_description (self->drift_empty,
      _("Drift sampling is off: monitoring.drift.sample_rate is 0"));
  else
    status_take (self->drift_empty,
      g_strdup_printf (_("No answers sampled for drift yet — %s %% of answers are embedded; "
                         "a day's distance needs the week before as its baseline"),
                       drift_rate));
}

void
sluice_quality_page_update (SluiceQualityPage *self,
                            SluiceSnapshot    *snapshot)
{
  g_autoptr(SluiceConfig) config = NULL;

  g_return_if_fail (SLUICE_IS_QUALITY_PAGE (self));

  if (snapshot == NULL)
    return;

  config = self->host != NULL ? sluice_engine_host_dup_config (self->host) : NULL;
  if (config != NULL)
    update_captions (self, sluice_config_get_monitoring (config));

  update_quality (self, snapshot);
  _sluice_quality_page_update_drift (self, snapshot);
  _sluice_quality_page_update_deprecations (self, snapshot);
}

static GtkWidget *
find_row (GtkListBox *list,
          const char *key)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (list));
       row != NULL; row = gtk_widget_get_next_sibling (row))
    if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "key"), key) == 0)
      return row;

  return NULL;
}

/**
 * sluice_quality_page_get_score:
 *
 * Returns: the 24-hour quality score the route list shows for @route, or
 *   NaN when the route is not listed
 */
double
sluice_quality_page_get_score (SluiceQualityPage *self,
                               const char        *route)
{
  GtkWidget *row;

  g_return_val_if_fail (SLUICE_IS_QUALITY_PAGE (self), NAN);

  row = find_row (self->quality_list, route);
  return row != NULL ? *(double *) g_object_get_data (G_OBJECT (row), "score") : NAN;
}

/**
 * sluice_quality_page_get_days_left:
 * @days_left: (out): the days the calendar shows until @model retires
 *
 * Returns: whether the deprecation calendar lists @model
 */
gboolean
sluice_quality_page_get_days_left (SluiceQualityPage *self,
                                   const char        *model,
                                   int               *days_left)
{
  GtkWidget *row;

  g_return_val_if_fail (SLUICE_IS_QUALITY_PAGE (self), FALSE);

  row = find_row (self->deprecation_list, model);
  if (row == NULL)
    return FALSE;
  if (days_left != NULL)
    *days_left = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "days-left"));
  return TRUE;
}

static void
on_snapshot_changed (SluiceEngineHost  *host,
                     GParamSpec        *pspec,
                     SluiceQualityPage *self)
{
  sluice_quality_page_update (self, sluice_engine_host_get_snapshot (host));
}

void
sluice_quality_page_set_host (SluiceQualityPage *self,
                              SluiceEngineHost  *host)
{
  g_return_if_fail (SLUICE_IS_QUALITY_PAGE (self));
  g_return_if_fail (!host || SLUICE_IS_ENGINE_HOST (host));

  if (self->host == host)
    return;

  if (self->host != NULL)
    g_clear_signal_handler (&self->snapshot_handler, self->host);
  g_set_object (&self->host, host);

  if (host != NULL)
    {
      self->snapshot_handler =
        g_signal_connect (host, "notify::snapshot",
                          G_CALLBACK (on_snapshot_changed), self);
      sluice_quality_page_update (self, sluice_engine_host_get_snapshot (host));
    }
}

static void
sluice_quality_page_dispose (GObject *object)
{
  SluiceQualityPage *self = (SluiceQualityPage *)object;
  GtkWidget *child;

  if (self->host != NULL)
    g_clear_signal_handler (&self->snapshot_handler, self->host);
  g_clear_object (&self->host);
  g_clear_pointer (&self->drift_series, g_hash_table_unref);

  gtk_widget_dispose_template (GTK_WIDGET (self), SLUICE_TYPE_QUALITY_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (sluice_quality_page_parent_class)->dispose (object);
}

static void
sluice_quality_page_finalize (GObject *object)
{
  SluiceQualityPage *self = (SluiceQualityPage *)object;

  g_free (self->quality_digest);
  g_free (self->chart_digest);
  g_free (self->chart_route);
  g_free (self->drift_digest);
  g_free (self->deprecation_digest);

  G_OBJECT_CLASS (sluice_quality_page_parent_class)->finalize (object);
}

static void
sluice_quality_page_class_init (SluiceQualityPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sluice_quality_page_dispose;
  object_class->finalize = sluice_quality_page_finalize;

  g_type_ensure (SLUICE_TYPE_CHART);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sluice/Sluice/sluice-quality-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, SluiceQualityPage, name)
  BIND (quality_caption);
  BIND (quality_stack);
  BIND (quality_empty);
  BIND (quality_chart_box);
  BIND (quality_list);
  BIND (drift_caption);
  BIND (drift_stack);
  BIND (drift_empty);
  BIND (drift_chart);
  BIND (drift_list);
  BIND (deprecation_caption);
  BIND (deprecation_stack);
  BIND (deprecation_empty);
  BIND (deprecation_list);
#undef BIND
}

static void
sluice_quality_page_init (SluiceQualityPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->drop_threshold = 0.1;
  self->drift_threshold = 0.15;
  self->drift_series = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  reset_quality_chart (self);
  g_signal_connect (self->quality_list, "row-selected", G_CALLBACK (on_route_selected), self);

  sluice_chart_set_unit (self->drift_chart, SLUICE_CHART_UNIT_COUNT);
  sluice_chart_set_window (self->drift_chart, SLUICE_CHART_WINDOW_24_HOURS);
  sluice_chart_set_time_scale (self->drift_chart, SLUICE_QUALITY_DRIFT_SCALE);
  gtk_label_set_text (self->deprecation_caption,
                      _("Models with a retirement date; requests for a retired model go to "
                        "its replacement"));
  adw_status_page_set_description (self->deprecation_empty,
                                   _("No model has a retirement date — models with "
                                     "“retires” in the configuration appear here with "
                                     "their replacement and the days left"));
}

GtkWidget *
sluice_quality_page_new (void)
{
  return g_object_new (SLUICE_TYPE_QUALITY_PAGE, NULL);
}
