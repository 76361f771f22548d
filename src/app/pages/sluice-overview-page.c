/* sluice-overview-page.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-app"

#include "config.h"

#include <glib/gi18n.h>

#include "sluice-format.h"
#include "sluice-overview-page.h"
#include "sluice-panel-util.h"
#include "widgets/sluice-chart.h"

/* Live figures from the newest snapshot the engine host delivered. The page
 * only reads immutable snapshots; it never asks the engine anything. */

struct _SluiceOverviewPage
{
  GtkWidget         parent_instance;

  SluiceEngineHost *host;
  gulong            snapshot_handler;
  GPtrArray        *model_rows;   /* AdwActionRow, in snapshot order */
  guint64           last_sequence;
  gint64            newest_alert_us;

  GtkStack         *state_stack;
  GtkLabel         *rps_label;
  SluiceChart      *rps_chart;
  GtkLabel         *requests_label;
  GtkLabel         *latency_label;
  SluiceChart      *latency_chart;
  GtkLabel         *latency_detail_label;
  GtkLabel         *error_rate_label;
  SluiceChart      *error_chart;
  GtkLabel         *errors_label;
  GtkLabel         *cost_today_label;
  SluiceChart      *cost_chart;
  GtkLevelBar      *budget_bar;
  GtkLabel         *cost_total_label;
  GtkLabel         *hit_rate_label;
  SluiceChart      *hit_rate_chart;
  GtkLabel         *cache_hits_label;
  GtkLabel         *breakers_label;
  SluiceChart      *breakers_chart;
  GtkLabel         *breakers_detail_label;
  GtkListBox       *alerts_list;
  GtkListBox       *models_list;
};

G_DEFINE_FINAL_TYPE (SluiceOverviewPage, sluice_overview_page, GTK_TYPE_WIDGET)

#define set_label_take sluice_panel_set_label_take

static void
update_requests (SluiceOverviewPage         *self,
                 gint64                      now_us,
                 const SluiceSnapshotTotals *totals)
{
  g_autofree char *count = sluice_format_count (totals->requests);
  g_autofree char *in_flight = sluice_format_count (totals->in_flight);

  set_label_take (self->rps_label, sluice_format_rate (totals->requests_per_s));
  /* Translators: "1,234 requests in all · 3 in flight" */
  set_label_take (self->requests_label,
                  g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s request in all · %s in flight",
                                                "%s requests in all · %s in flight",
                                                totals->requests), count, in_flight));
  sluice_chart_push (self->rps_chart, 0, now_us, totals->requests_per_s);
}

static void
update_latency (SluiceOverviewPage         *self,
                gint64                      now_us,
                const SluiceSnapshotTotals *totals)
{
  g_autofree char *p95 = sluice_format_duration (totals->p95_us);
  g_autofree char *p99 = sluice_format_duration (totals->p99_us);

  set_label_take (self->latency_label, sluice_format_duration (totals->p50_us));
  /* Translators: latency percentiles, e.g. "p95 12 ms · p99 40 ms" */
  set_label_take (self->latency_detail_label,
                  g_strdup_printf (_("p95 %s · p99 %s"), p95, p99));
  if (totals->p50_us > 0)
    {
      sluice_chart_push (self->latency_chart, 0, now_us, totals->p50_us / 1000.0);
      sluice_chart_push (self->latency_chart, 1, now_us, totals->p95_us / 1000.0);
      sluice_chart_push (self->latency_chart, 2, now_us, totals->p99_us / 1000.0);
    }
}

static double
daily_budget (SluiceOverviewPage *self,
              SluiceSnapshot     *snapshot)
{
  const SluiceSnapshotLimit *limit =
    sluice_panel_find_limit_by_code (snapshot, "budget.global_usd_per_day");
  g_autoptr(SluiceConfig) config = NULL;

  if (limit != NULL)
    return limit->limit / 1e6;

  config = self->host != NULL ? sluice_engine_host_dup_config (self->host) : NULL;
  return config != NULL ? sluice_config_get_budgets (config)->global_usd_per_day : 0;
}

static void
update_errors_and_cost (SluiceOverviewPage         *self,
                        SluiceSnapshot             *snapshot,
                        gint64                      now_us,
                        const SluiceSnapshotTotals *totals)
{
  g_autofree char *errors = sluice_format_count (totals->errors);
  g_autofree char *tokens = sluice_format_count (MAX (totals->tokens_in + totals->tokens_out, 0));
  g_autofree char *budget_text = NULL;
  double budget = daily_budget (self, snapshot);

  set_label_take (self->error_rate_label, sluice_format_percent (totals->error_rate));
  set_label_take (self->errors_label,
                  g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s failed request",
                                                "%s failed requests",
                                                totals->errors), errors));
  sluice_chart_push (self->error_chart, 0, now_us, totals->error_rate);

  set_label_take (self->cost_today_label, sluice_format_usd (totals->cost_today_usd));
  budget_text = sluice_format_usd (budget);
  /* Translators: "of $500.00 daily budget · 12,345 tokens" */
  set_label_take (self->cost_total_label,
                  budget > 0 ? g_strdup_printf (_("of %s daily budget · %s tokens"),
                                                budget_text, tokens)
                             : g_strdup_printf (_("No daily budget · %s tokens"), tokens));
  gtk_widget_set_visible (GTK_WIDGET (self->budget_bar), budget > 0);
  if (budget > 0)
    gtk_level_bar_set_value (self->budget_bar, MIN (totals->cost_today_usd / budget, 1.0));
  sluice_chart_push (self->cost_chart, 0, now_us, totals->cost_today_usd);
}

static void
update_cache (SluiceOverviewPage *self,
              SluiceSnapshot     *snapshot,
              gint64              now_us)
{
  const SluiceSnapshotCache *cache = sluice_snapshot_get_cache (snapshot);
  double rate = sluice_panel_cache_hit_rate (cache);
  guint64 hits = cache->hits_exact + cache->hits_semantic + cache->hits_stale;
  g_autofree char *hits_text = sluice_format_count (hits);
  g_autofree char *saved = sluice_format_usd (cache->usd_saved);

  set_label_take (self->hit_rate_label, sluice_format_percent (rate));
  /* Translators: "12 cache hits · $0.04 saved" */
  set_label_take (self->cache_hits_label,
                  g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s cache hit · %s saved",
                                                "%s cache hits · %s saved", hits),
                                   hits_text, saved));
  if (sluice_panel_cache_lookups (cache) > 0)
    sluice_chart_push (self->hit_rate_chart, 0, now_us, rate);
}

static void
update_breakers (SluiceOverviewPage *self,
                 SluiceSnapshot     *snapshot,
                 gint64              now_us)
{
  g_autoptr(GString) names = g_string_new (NULL);
  guint n = sluice_snapshot_get_n_models (snapshot);
  guint open = 0;

  for (guint i = 0; i < n; i++)
    {
      const SluiceModelStats *stats = sluice_snapshot_get_model (snapshot, i);

      if (stats->breaker_state == SLUICE_BREAKER_CLOSED)
        continue;

      open++;
      if (names->len > 0)
        g_string_append (names, ", ");
      g_string_append (names, stats->model);
    }

  set_label_take (self->breakers_label, g_strdup_printf ("%u", open));
  gtk_label_set_text (self->breakers_detail_label,
                      open > 0 ? names->str : _("Every model takes traffic"));
  sluice_chart_push (self->breakers_chart, 0, now_us, open);
}

static GtkWidget *
create_alert_row (const SluiceSnapshotAlert *alert)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (sluice_panel_severity_icon (alert->severity));
  g_autofree char *clock = sluice_panel_format_clock (alert->time_us);
  g_autofree char *subtitle = g_strdup_printf ("%s · %s", clock, alert->code);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), alert->message);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 2);
  gtk_widget_add_css_class (icon, alert->severity);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);

  return row;
}

static void
update_alerts (SluiceOverviewPage *self,
               SluiceSnapshot     *snapshot)
{
  guint n = sluice_snapshot_get_n_alerts (snapshot);
  gint64 newest = n > 0 ? sluice_snapshot_get_alert (snapshot, 0)->time_us : 0;

  /* Rebuilt only when a newer alert came in. */
  if (newest == self->newest_alert_us &&
      gtk_widget_get_first_child (GTK_WIDGET (self->alerts_list)) != NULL)
    return;

  self->newest_alert_us = newest;
  sluice_panel_clear_list (self->alerts_list);

  for (guint i = 0; i < MIN (n, 5); i++)
    gtk_list_box_append (self->alerts_list,
                         create_alert_row (sluice_snapshot_get_alert (snapshot, i)));

  if (n == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No alerts"));
      gtk_widget_add_css_class (row, "dim-label");
      gtk_list_box_append (self->alerts_list, row);
    }
}

static const char *
health_label (SluiceModelHealth health)
{
  switch (health)
    {
    case SLUICE_MODEL_HEALTH_HEALTHY:
      return _("Healthy");
    case SLUICE_MODEL_HEALTH_DEGRADED:
      return _("Degraded");
    case SLUICE_MODEL_HEALTH_FAILING:
      return _("Failing");
    case SLUICE_MODEL_HEALTH_IDLE:
    default:
      return _("Idle");
    }
}

static const char *
health_css_class (SluiceModelHealth health)
{
  switch (health)
    {
    case SLUICE_MODEL_HEALTH_HEALTHY:
      return "healthy";
    case SLUICE_MODEL_HEALTH_DEGRADED:
      return "degraded";
    case SLUICE_MODEL_HEALTH_FAILING:
      return "failing";
    case SLUICE_MODEL_HEALTH_IDLE:
    default:
      return "idle";
    }
}

static GtkWidget *
create_model_row (void)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *latency = gtk_label_new (NULL);
  GtkWidget *health = gtk_label_new (NULL);

  gtk_widget_add_css_class (latency, "numeric");
  gtk_widget_add_css_class (latency, "dim-label");
  gtk_widget_set_valign (health, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (health, "health-pill");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), latency);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), health);
  g_object_set_data (G_OBJECT (row), "latency-label", latency);
  g_object_set_data (G_OBJECT (row), "health-label", health);

  return row;
}

static void
update_model_row (AdwActionRow           *row,
                  const SluiceModelStats *stats)
{
  GtkWidget *latency = g_object_get_data (G_OBJECT (row), "latency-label");
  GtkWidget *health = g_object_get_data (G_OBJECT (row), "health-label");
  const char *classes[] = { "health-pill",
                            health_css_class (stats->health),
                            NULL };
  g_autofree char *calls = sluice_format_count (stats->calls);
  g_autofree char *errors = sluice_format_count (stats->errors);
  g_autofree char *p50 = NULL;
  g_autofree char *p99 = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *latency_text = NULL;

  /* Translators: a model's provider, provider calls and errors */
  subtitle = g_strdup_printf (_("%s · %s calls · %s errors"),
                              stats->provider, calls, errors);
  /* No successful call in the last minute: no latency to speak of. */
  if (stats->p50_us > 0)
    {
      p50 = sluice_format_duration (stats->p50_us);
      p99 = sluice_format_duration (stats->p99_us);
      latency_text = g_strdup_printf (_("p50 %s · p99 %s"), p50, p99);
    }
  else
    latency_text = g_strdup (_("No recent calls"));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), stats->model);
  adw_action_row_set_subtitle (row, subtitle);
  gtk_label_set_text (GTK_LABEL (latency), latency_text);
  gtk_label_set_text (GTK_LABEL (health), health_label (stats->health));
  gtk_widget_set_css_classes (health, classes);
}

static gboolean
model_set_changed (SluiceOverviewPage *self,
                   SluiceSnapshot     *snapshot)
{
  guint n = sluice_snapshot_get_n_models (snapshot);

  if (n != self->model_rows->len)
    return TRUE;

  for (guint i = 0; i < n; i++)
    {
      AdwPreferencesRow *row = g_ptr_array_index (self->model_rows, i);

      if (g_strcmp0 (adw_preferences_row_get_title (row),
                     sluice_snapshot_get_model (snapshot, i)->model) != 0)
        return TRUE;
    }

  return FALSE;
}

static void
update_models (SluiceOverviewPage *self,
               SluiceSnapshot     *snapshot)
{
  guint n = sluice_snapshot_get_n_models (snapshot);

  /* Rows are kept while the set of models stays the same, so hover and
   * focus survive the refreshes. */
  if (model_set_changed (self, snapshot))
    {
      for (guint i = 0; i < self->model_rows->len; i++)
        gtk_list_box_remove (self->models_list, g_ptr_array_index (self->model_rows, i));
      g_ptr_array_set_size (self->model_rows, 0);

      for (guint i = 0; i < n; i++)
        {
          GtkWidget *row = create_model_row ();

          gtk_list_box_append (self->models_list, row);
          g_ptr_array_add (self->model_rows, row);
        }
    }

  for (guint i = 0; i < n; i++)
    update_model_row (g_ptr_array_index (self->model_rows, i),
                      sluice_snapshot_get_model (snapshot, i));

  gtk_widget_set_visible (GTK_WIDGET (self->models_list), n > 0);
}

/**
 * sluice_overview_page_update:
 * @snapshot: (nullable): the snapshot to show
 */
void
sluice_overview_page_update (SluiceOverviewPage *self,
                             SluiceSnapshot     *snapshot)
{
  const SluiceSnapshotTotals *totals;
  gint64 now_us;

  g_return_if_fail (SLUICE_IS_OVERVIEW_PAGE (self));

  totals = snapshot != NULL ? sluice_snapshot_get_totals (snapshot) : NULL;

  if (totals == NULL || (totals->requests == 0 && totals->in_flight == 0))
    {
      gtk_stack_set_visible_child_name (self->state_stack, "empty");
      return;
    }

  now_us = sluice_snapshot_get_time_us (snapshot);
  update_requests (self, now_us, totals);
  update_latency (self, now_us, totals);
  update_errors_and_cost (self, snapshot, now_us, totals);
  update_cache (self, snapshot, now_us);
  update_breakers (self, snapshot, now_us);
  update_alerts (self, snapshot);
  update_models (self, snapshot);

  gtk_stack_set_visible_child_name (self->state_stack, "live");
}

static void
on_snapshot_changed (SluiceEngineHost   *host,
                     GParamSpec         *pspec,
                     SluiceOverviewPage *self)
{
  sluice_overview_page_update (self, sluice_engine_host_get_snapshot (host));
}

static void
sluice_overview_page_dispose (GObject *object)
{
  SluiceOverviewPage *self = (SluiceOverviewPage *)object;
  GtkWidget *child;

  if (self->host != NULL)
    g_clear_signal_handler (&self->snapshot_handler, self->host);
  g_clear_object (&self->host);
  g_clear_pointer (&self->model_rows, g_ptr_array_unref);

  gtk_widget_dispose_template (GTK_WIDGET (self), SLUICE_TYPE_OVERVIEW_PAGE);
  /* The template's root has no id, so it is not unparented above. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (sluice_overview_page_parent_class)->dispose (object);
}

static void
sluice_overview_page_class_init (SluiceOverviewPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sluice_overview_page_dispose;

  g_type_ensure (SLUICE_TYPE_CHART);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sluice/Sluice/sluice-overview-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, SluiceOverviewPage, name)
  BIND (state_stack);
  BIND (rps_label);
  BIND (rps_chart);
  BIND (requests_label);
  BIND (latency_label);
  BIND (latency_chart);
  BIND (latency_detail_label);
  BIND (error_rate_label);
  BIND (error_chart);
  BIND (errors_label);
  BIND (cost_today_label);
  BIND (cost_chart);
  BIND (budget_bar);
  BIND (cost_total_label);
  BIND (hit_rate_label);
  BIND (hit_rate_chart);
  BIND (cache_hits_label);
  BIND (breakers_label);
  BIND (breakers_chart);
  BIND (breakers_detail_label);
  BIND (alerts_list);
  BIND (models_list);
#undef BIND
}

static void
setup_chart (SluiceChart      *chart,
             SluiceChartUnit   unit,
             const char       *name,
             SluiceChartColor  color)
{
  sluice_chart_set_thin (chart, TRUE);
  sluice_chart_set_unit (chart, unit);
  sluice_chart_add_series (chart, name, color);
}

/* Each tile's sparkline is a thin chart over the last five minutes. */
static void
setup_charts (SluiceOverviewPage *self)
{
  setup_chart (self->rps_chart, SLUICE_CHART_UNIT_RATE, _("Requests"),
               SLUICE_CHART_COLOR_ACCENT);
  setup_chart (self->latency_chart, SLUICE_CHART_UNIT_MS, "p50",
               SLUICE_CHART_COLOR_ACCENT);
  sluice_chart_add_series (self->latency_chart, "p95", SLUICE_CHART_COLOR_WARNING);
  sluice_chart_add_series (self->latency_chart, "p99", SLUICE_CHART_COLOR_ERROR);
  setup_chart (self->error_chart, SLUICE_CHART_UNIT_PERCENT, _("Error rate"),
               SLUICE_CHART_COLOR_ERROR);
  setup_chart (self->cost_chart, SLUICE_CHART_UNIT_USD, _("Cost today"),
               SLUICE_CHART_COLOR_SUCCESS);
  setup_chart (self->hit_rate_chart, SLUICE_CHART_UNIT_PERCENT, _("Hit rate"),
               SLUICE_CHART_COLOR_SUCCESS);
  setup_chart (self->breakers_chart, SLUICE_CHART_UNIT_COUNT, _("Open breakers"),
               SLUICE_CHART_COLOR_WARNING);
}

static void
sluice_overview_page_init (SluiceOverviewPage *self)
{
  self->model_rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  setup_charts (self);
}

GtkWidget *
sluice_overview_page_new (void)
{
  return g_object_new (SLUICE_TYPE_OVERVIEW_PAGE, NULL);
}

void
sluice_overview_page_set_host (SluiceOverviewPage *self,
                               SluiceEngineHost   *host)
{
  g_return_if_fail (SLUICE_IS_OVERVIEW_PAGE (self));
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
      sluice_overview_page_update (self, sluice_engine_host_get_snapshot (host));
    }
}
