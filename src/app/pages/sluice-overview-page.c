/* sluice-overview-page.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-app"

#include "config.h"

#include <glib/gi18n.h>

#include "sluice-format.h"
#include "sluice-overview-page.h"
#include "widgets/sluice-sparkline.h"

/* Live figures from the newest snapshot the engine host delivered. The page
 * only reads immutable snapshots; it never asks the engine anything. */

struct _SluiceOverviewPage
{
  GtkWidget         parent_instance;

  SluiceEngineHost *host;
  gulong            snapshot_handler;
  GPtrArray        *model_rows;   /* AdwActionRow, in snapshot order */

  GtkStack         *state_stack;
  GtkLabel         *rps_label;
  SluiceSparkline  *rps_sparkline;
  GtkLabel         *requests_label;
  GtkLabel         *latency_label;
  GtkLabel         *latency_detail_label;
  GtkLabel         *error_rate_label;
  GtkLabel         *errors_label;
  GtkLabel         *cost_today_label;
  GtkLabel         *cost_total_label;
  GtkLabel         *tokens_label;
  GtkLabel         *tokens_detail_label;
  GtkLabel         *in_flight_label;
  GtkLabel         *cache_hits_label;
  GtkListBox       *models_list;
};

G_DEFINE_FINAL_TYPE (SluiceOverviewPage, sluice_overview_page, GTK_TYPE_WIDGET)

static void
set_label_take (GtkLabel *label,
                char     *text)
{
  gtk_label_set_text (label, text);
  g_free (text);
}

static void
update_requests (SluiceOverviewPage         *self,
                 SluiceSnapshot             *snapshot,
                 const SluiceSnapshotTotals *totals)
{
  g_autofree char *count = sluice_format_count (totals->requests);
  const double *history;
  guint n_points = 0;

  set_label_take (self->rps_label, sluice_format_rate (totals->requests_per_s));
  /* Translators: %s is a number of requests, e.g. "1,234" */
  set_label_take (self->requests_label,
                  g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s request in all",
                                                "%s requests in all",
                                                totals->requests), count));

  history = sluice_snapshot_get_rps_history (snapshot, &n_points);
  sluice_sparkline_set_values (self->rps_sparkline, history,
                               history != NULL ? n_points : 0);
}

static void
update_latency (SluiceOverviewPage         *self,
                const SluiceSnapshotTotals *totals)
{
  g_autofree char *p95 = sluice_format_duration (totals->p95_us);
  g_autofree char *p99 = sluice_format_duration (totals->p99_us);

  set_label_take (self->latency_label, sluice_format_duration (totals->p50_us));
  /* Translators: latency percentiles, e.g. "p95 12 ms · p99 40 ms" */
  set_label_take (self->latency_detail_label,
                  g_strdup_printf (_("p95 %s · p99 %s"), p95, p99));
}

static void
update_errors_and_cost (SluiceOverviewPage         *self,
                        const SluiceSnapshotTotals *totals)
{
  g_autofree char *errors = sluice_format_count (totals->errors);
  g_autofree char *total = sluice_format_usd (totals->cost_usd);

  set_label_take (self->error_rate_label, sluice_format_percent (totals->error_rate));
  set_label_take (self->errors_label,
                  g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s failed request",
                                                "%s failed requests",
                                                totals->errors), errors));

  set_label_take (self->cost_today_label, sluice_format_usd (totals->cost_today_usd));
  /* Translators: %s is an amount of money, e.g. "$0.0123" */
  set_label_take (self->cost_total_label,
                  g_strdup_printf (_("%s since the engine started"), total));
}

static void
update_tokens (SluiceOverviewPage         *self,
               const SluiceSnapshotTotals *totals)
{
  g_autofree char *in = sluice_format_count (MAX (totals->tokens_in, 0));
  g_autofree char *out = sluice_format_count (MAX (totals->tokens_out, 0));
  g_autofree char *cached = sluice_format_count (MAX (totals->tokens_cached, 0));
  g_autofree char *hits = sluice_format_count (totals->cache_hits);

  set_label_take (self->tokens_label,
                  sluice_format_count (MAX (totals->tokens_in + totals->tokens_out, 0)));
  /* Translators: token counts, e.g. "1,200 in · 300 out · 0 cached" */
  set_label_take (self->tokens_detail_label,
                  g_strdup_printf (_("%s in · %s out · %s cached"), in, out, cached));

  set_label_take (self->in_flight_label, sluice_format_count (totals->in_flight));
  set_label_take (self->cache_hits_label,
                  g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s cache hit",
                                                "%s cache hits",
                                                totals->cache_hits), hits));
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

  g_return_if_fail (SLUICE_IS_OVERVIEW_PAGE (self));

  totals = snapshot != NULL ? sluice_snapshot_get_totals (snapshot) : NULL;

  if (totals == NULL || (totals->requests == 0 && totals->in_flight == 0))
    {
      gtk_stack_set_visible_child_name (self->state_stack, "empty");
      return;
    }

  update_requests (self, snapshot, totals);
  update_latency (self, totals);
  update_errors_and_cost (self, totals);
  update_tokens (self, totals);
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

  g_type_ensure (SLUICE_TYPE_SPARKLINE);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sluice/Sluice/sluice-overview-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, SluiceOverviewPage, name)
  BIND (state_stack);
  BIND (rps_label);
  BIND (rps_sparkline);
  BIND (requests_label);
  BIND (latency_label);
  BIND (latency_detail_label);
  BIND (error_rate_label);
  BIND (errors_label);
  BIND (cost_today_label);
  BIND (cost_total_label);
  BIND (tokens_label);
  BIND (tokens_detail_label);
  BIND (in_flight_label);
  BIND (cache_hits_label);
  BIND (models_list);
#undef BIND
}

static void
sluice_overview_page_init (SluiceOverviewPage *self)
{
  self->model_rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
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
