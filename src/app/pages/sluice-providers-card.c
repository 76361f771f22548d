/* sluice-providers-card.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-app"

#include "config.h"

#include <glib/gi18n.h>

#include "sluice-format.h"
#include "sluice-panel-util.h"
#include "sluice-providers-card.h"
#include "widgets/sluice-chart.h"

struct _SluiceModelCard
{
  char        *model;
  char        *model_prefix;     /* "model NAME: " */
  char        *provider_prefix;  /* "provider NAME: " */
  GtkWidget   *card;
  GtkLabel    *state_label;
  GtkLabel    *stats_label;
  GtkLabel    *countdown_label;
  GtkLabel    *hold_label;
  GtkLabel    *headers_label;
  SluiceChart *latency_chart;
  GtkGrid     *bars;
  GtkLabel    *no_limits_label;
  GHashTable  *bar_rows;         /* reading label → GtkLevelBar */
  int          state;
  gboolean     forced;
  gint64       open_until_us;
  gint64       held_until_us;
};

static GtkWidget *
new_label (const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static GtkWidget *
new_action_button (const char *label,
                   const char *action,
                   const char *model)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", model);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  return button;
}

static GtkWidget *
build_header (SluiceModelCard *card)
{
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *title = new_label ("title-4");
  GtkWidget *state = gtk_label_new (NULL);

  gtk_label_set_text (GTK_LABEL (title), card->model);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_widget_set_valign (state, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (state, "health-pill");
  card->state_label = GTK_LABEL (state);

  gtk_box_append (GTK_BOX (header), title);
  gtk_box_append (GTK_BOX (header), state);
  gtk_box_append (GTK_BOX (header),
                  new_action_button (_("_Force Open…"), "providers.force-open", card->model));
  gtk_box_append (GTK_BOX (header),
                  new_action_button (_("_Reset"), "providers.reset", card->model));
  return header;
}

SluiceModelCard *
sluice_model_card_new (const char *model,
                       const char *provider)
{
  SluiceModelCard *card = g_new0 (SluiceModelCard, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *chart = sluice_chart_new ();
  g_autofree char *a11y = g_strdup_printf (_("Latency of %s"), model);

  card->model = g_strdup (model);
  card->model_prefix = g_strdup_printf ("model %s: ", model);
  card->provider_prefix = g_strdup_printf ("provider %s: ", provider);
  card->bar_rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  card->card = g_object_ref_sink (box);
  gtk_widget_add_css_class (box, "card");
  gtk_widget_add_css_class (box, "tile");

  gtk_box_append (GTK_BOX (box), build_header (card));
  card->stats_label = GTK_LABEL (new_label ("numeric"));
  card->countdown_label = GTK_LABEL (new_label ("error"));
  card->hold_label = GTK_LABEL (new_label ("warning"));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (card->stats_label));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (card->countdown_label));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (card->hold_label));
  card->headers_label = GTK_LABEL (new_label ("dim-label"));
  gtk_widget_set_visible (GTK_WIDGET (card->headers_label), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (card->headers_label));

  card->latency_chart = SLUICE_CHART (chart);
  sluice_chart_set_thin (card->latency_chart, TRUE);
  sluice_chart_set_unit (card->latency_chart, SLUICE_CHART_UNIT_MS);
  sluice_chart_add_series (card->latency_chart, "p50", SLUICE_CHART_COLOR_ACCENT);
  sluice_chart_add_series (card->latency_chart, "p99", SLUICE_CHART_COLOR_WARNING);
  gtk_widget_set_size_request (chart, -1, 44);
  gtk_widget_set_tooltip_text (chart, a11y);
  gtk_box_append (GTK_BOX (box), chart);

  card->bars = GTK_GRID (gtk_grid_new ());
  gtk_grid_set_column_spacing (card->bars, 12);
  gtk_grid_set_row_spacing (card->bars, 6);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (card->bars));
  card->no_limits_label = GTK_LABEL (new_label ("dim-label"));
  gtk_label_set_text (card->no_limits_label, _("No rate limits configured for this model"));
  gtk_widget_add_css_class (GTK_WIDGET (card->no_limits_label), "caption");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (card->no_limits_label));

  return card;
}

void
sluice_model_card_free (SluiceModelCard *card)
{
  g_free (card->model);
  g_free (card->model_prefix);
  g_free (card->provider_prefix);
  g_hash_table_unref (card->bar_rows);
  g_object_unref (card->card);
  g_free (card);
}

GtkWidget *
sluice_model_card_get_widget (SluiceModelCard *card)
{
  return card->card;
}

const char *
sluice_model_card_get_state_text (SluiceModelCard *card)
{
  return gtk_label_get_text (card->state_label);
}

/* "RPM", "TPM", "TPD", "Concurrency" from the reading's label. */
static const char *
short_name (const char *what)
{
  if (g_str_equal (what, "requests per minute"))
    return "RPM";
  if (g_str_equal (what, "tokens per minute"))
    return "TPM";
  if (g_str_equal (what, "tokens per day"))
    return "TPD";
  if (g_str_equal (what, "requests in flight"))
    return _("Concurrency");
  return what;
}

static GtkLevelBar *
ensure_bar (SluiceModelCard *card,
            const char      *key,
            const char      *title)
{
  GtkWidget *bar = g_hash_table_lookup (card->bar_rows, key);
  GtkWidget *name, *value;
  guint row = g_hash_table_size (card->bar_rows);

  if (bar != NULL)
    return GTK_LEVEL_BAR (bar);

  name = new_label ("caption");
  gtk_label_set_text (GTK_LABEL (name), title);
  bar = gtk_level_bar_new_for_interval (0, 1);
  gtk_widget_set_hexpand (bar, TRUE);
  gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
  gtk_level_bar_add_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_LOW, 0.7);
  gtk_level_bar_add_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_HIGH, 0.9);
  gtk_level_bar_add_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_FULL, 1.0);
  gtk_accessible_update_property (GTK_ACCESSIBLE (bar), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  title, -1);
  value = new_label ("caption");
  gtk_widget_add_css_class (value, "numeric");
  g_object_set_data (G_OBJECT (bar), "value-label", value);

  gtk_grid_attach (card->bars, name, 0, row, 1, 1);
  gtk_grid_attach (card->bars, bar, 1, row, 1, 1);
  gtk_grid_attach (card->bars, value, 2, row, 1, 1);
  g_hash_table_insert (card->bar_rows, g_strdup (key), bar);

  return GTK_LEVEL_BAR (bar);
}

static void
update_bar (SluiceModelCard           *card,
            const SluiceSnapshotLimit *limit,
            const char                *what,
            gboolean                   provider)
{
  g_autofree char *title = provider ? g_strdup_printf (_("Provider %s"), short_name (what))
                                    : g_strdup (short_name (what));
  GtkLevelBar *bar = ensure_bar (card, limit->label, title);
  g_autofree char *used = sluice_panel_format_limit_amount (limit->kind, limit->used);
  g_autofree char *max = sluice_panel_format_limit_amount (limit->kind, limit->limit);
  g_autofree char *left = sluice_panel_format_limit_amount (limit->kind,
                                                            MAX (limit->limit - limit->used, 0));

  gtk_level_bar_set_value (bar, limit->limit > 0 ? CLAMP ((double) limit->used / limit->limit,
                                                          0, 1) : 0);
  /* Translators: "12 / 60 · 48 left" */
  sluice_panel_set_label_take (g_object_get_data (G_OBJECT (bar), "value-label"),
                               g_strdup_printf (_("%s / %s · %s left"), used, max, left));
}

static void
update_bars (SluiceModelCard *card,
             SluiceSnapshot  *snapshot)
{
  guint n = sluice_snapshot_get_n_limits (snapshot);

  for (guint i = 0; i < n; i++)
    {
      const SluiceSnapshotLimit *limit = sluice_snapshot_get_limit (snapshot, i);

      if (limit->budget)
        continue;
      if (g_str_has_prefix (limit->label, card->model_prefix))
        update_bar (card, limit, limit->label + strlen (card->model_prefix), FALSE);
      else if (g_str_has_prefix (limit->label, card->provider_prefix))
        update_bar (card, limit, limit->label + strlen (card->provider_prefix), TRUE);
    }

  gtk_widget_set_visible (GTK_WIDGET (card->no_limits_label),
                          g_hash_table_size (card->bar_rows) == 0);
}

static void
update_stats (SluiceModelCard        *card,
              const SluiceModelStats *stats)
{
  g_autofree char *rate = sluice_format_percent (stats->error_rate);
  g_autofree char *calls = sluice_format_count (stats->calls);
  g_autofree char *p50 = sluice_format_duration (stats->p50_us);
  g_autofree char *p99 = sluice_format_duration (stats->p99_us);

  g_autofree char *trips = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u trip", "%u trips",
                                                        stats->breaker_trips),
                                            stats->breaker_trips);

  /* Translators: a model's figures over the last minute; the last one is
   * "3 trips" */
  sluice_panel_set_label_take (card->stats_label,
                               stats->p50_us > 0
                               ? g_strdup_printf (_("Error rate %s · p50 %s · p99 %s · "
                                                    "%s calls · %s"),
                                                  rate, p50, p99, calls, trips)
                               : g_strdup_printf (_("Error rate %s · no recent calls · "
                                                    "%s calls · %s"),
                                                  rate, calls, trips));
}

/* What the provider's own rate-limit headers said last, beside the limits
 * Sluice enforces. */
static void
update_provider_headers (SluiceModelCard        *card,
                         const SluiceModelStats *stats,
                         gint64                  now_us)
{
  g_autofree char *requests = NULL;
  g_autofree char *tokens = NULL;
  g_autofree char *age = NULL;

  gtk_widget_set_visible (GTK_WIDGET (card->headers_label), stats->provider_headers_at_us > 0);
  if (stats->provider_headers_at_us <= 0)
    return;

  requests = stats->provider_requests_left >= 0
             ? g_strdup_printf ("%" G_GINT64_FORMAT, stats->provider_requests_left) : g_strdup ("?");
  tokens = stats->provider_tokens_left >= 0
           ? g_strdup_printf ("%" G_GINT64_FORMAT, stats->provider_tokens_left) : g_strdup ("?");
  age = sluice_panel_format_countdown (MAX (0, now_us - stats->provider_headers_at_us));
  sluice_panel_set_label_take (card->headers_label,
                               g_strdup_printf (_("The provider's headers said: %s requests and "
                                                  "%s tokens left (%s ago)"),
                                                requests, tokens, age));
}

void
sluice_model_card_update (SluiceModelCard        *card,
                          SluiceSnapshot         *snapshot,
                          const SluiceModelStats *stats)
{
  const char *classes[] = { "health-pill",
                            sluice_panel_breaker_css_class (stats->breaker_state), NULL };
  gint64 now_us = sluice_snapshot_get_time_us (snapshot);

  card->state = stats->breaker_state;
  card->forced = stats->breaker_forced;
  card->open_until_us = stats->breaker_open_until_us;
  card->held_until_us = stats->held_until_us;

  gtk_label_set_text (card->state_label, sluice_panel_breaker_label (stats->breaker_state));
  gtk_widget_set_css_classes (GTK_WIDGET (card->state_label), classes);
  update_stats (card, stats);
  if (stats->p50_us > 0)
    {
      sluice_chart_push (card->latency_chart, 0, now_us, stats->p50_us / 1000.0);
      sluice_chart_push (card->latency_chart, 1, now_us, stats->p99_us / 1000.0);
    }
  update_bars (card, snapshot);
  update_provider_headers (card, stats, now_us);
  sluice_model_card_tick (card, g_get_real_time ());
}

/* Returns whether a countdown is running. */
gboolean
sluice_model_card_tick (SluiceModelCard *card,
                        gint64           now_us)
{
  gboolean open = card->state == SLUICE_BREAKER_OPEN && card->open_until_us > now_us;
  gboolean held = card->held_until_us > now_us;

  gtk_widget_set_visible (GTK_WIDGET (card->countdown_label),
                          card->state != SLUICE_BREAKER_CLOSED);
  if (open)
    {
      g_autofree char *left = sluice_panel_format_countdown (card->open_until_us - now_us);

      sluice_panel_set_label_take (card->countdown_label,
                                   g_strdup_printf (card->forced ? _("Forced open · probe in %s")
                                                                 : _("Probe in %s"), left));
    }
  else if (card->state != SLUICE_BREAKER_CLOSED)
    gtk_label_set_text (card->countdown_label, _("Waiting for the probe call"));

  gtk_widget_set_visible (GTK_WIDGET (card->hold_label), held);
  if (held)
    {
      g_autofree char *left = sluice_panel_format_countdown (card->held_until_us - now_us);

      sluice_panel_set_label_take (card->hold_label,
                                   g_strdup_printf (_("Held by Retry-After for %s"), left));
    }

  return open || held;
}
