/* sluice-budgets-page.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-app"

#include "config.h"

#include <glib/gi18n.h>

#include "sluice-budgets-page.h"
#include "sluice-budgets-users.h"
#include "sluice-format.h"
#include "sluice-panel-util.h"
#include "widgets/sluice-chart.h"

/* Burn-down of every budget tier: spent against the budget over time, the
 * alert fractions as threshold lines and the time the budget runs out at
 * the recent burn rate. Global tiers are shown as they are; a per-user
 * tier shows its heaviest user. The table lists every user. */

#define RATE_SPAN_US (5 * 60 * G_USEC_PER_SEC)

typedef struct
{
  gint64 time_us;
  gint64 used;
} Sample;

typedef struct
{
  GtkWidget   *card;
  GtkLabel    *title;
  GtkLabel    *summary;
  SluiceChart *chart;
  GArray      *samples;    /* Sample, oldest first, the last five minutes */
} BurnCard;

struct _SluiceBudgetsPage
{
  GtkWidget         parent_instance;

  SluiceEngineHost *host;
  gulong            snapshot_handler;
  GHashTable       *cards;          /* code → BurnCard */
  GListStore       *users;

  GtkStack         *state_stack;
  GtkDropDown      *window_dropdown;
  GtkBox           *burn_box;
  GtkColumnView    *users_view;
  GtkLabel         *users_empty_label;
};

G_DEFINE_FINAL_TYPE (SluiceBudgetsPage, sluice_budgets_page, GTK_TYPE_WIDGET)

static void
burn_card_free (gpointer data)
{
  BurnCard *card = data;

  g_array_unref (card->samples);
  g_object_unref (card->card);
  g_free (card);
}

static BurnCard *
burn_card_new (SluiceBudgetsPage         *self,
               const SluiceSnapshotLimit *limit)
{
  BurnCard *card = g_new0 (BurnCard, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

  card->card = g_object_ref_sink (box);
  gtk_widget_add_css_class (box, "card");
  gtk_widget_add_css_class (box, "tile");
  card->title = GTK_LABEL (gtk_label_new (NULL));
  card->summary = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (card->title, 0);
  gtk_label_set_xalign (card->summary, 0);
  gtk_label_set_wrap (card->summary, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (card->title), "heading");
  gtk_widget_add_css_class (GTK_WIDGET (card->summary), "numeric");
  gtk_widget_add_css_class (GTK_WIDGET (card->summary), "dim-label");

  card->chart = SLUICE_CHART (sluice_chart_new ());
  sluice_chart_set_unit (card->chart, limit->kind == 2 ? SLUICE_CHART_UNIT_USD
                                                       : SLUICE_CHART_UNIT_TOKENS);
  sluice_chart_add_series (card->chart, _("Spent"), SLUICE_CHART_COLOR_ACCENT);
  g_object_bind_property (self->window_dropdown, "selected", card->chart, "window",
                          G_BINDING_SYNC_CREATE);
  card->samples = g_array_new (FALSE, FALSE, sizeof (Sample));

  gtk_box_append (GTK_BOX (box), GTK_WIDGET (card->title));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (card->summary));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (card->chart));
  gtk_box_append (self->burn_box, box);

  return card;
}

static double
amount_value (const SluiceSnapshotLimit *limit,
              gint64                     amount)
{
  return limit->kind == 2 ? amount / 1e6 : (double) amount;
}

static void
set_thresholds (SluiceBudgetsPage         *self,
                BurnCard                  *card,
                const SluiceSnapshotLimit *limit)
{
  g_autoptr(SluiceConfig) config = self->host != NULL ? sluice_engine_host_dup_config (self->host)
                                                      : NULL;
  const SluiceBudgetConfig *budgets = config != NULL ? sluice_config_get_budgets (config) : NULL;
  guint n = budgets != NULL ? budgets->n_alert_fractions : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *label = sluice_format_percent (budgets->alert_fractions[i]);

      sluice_chart_set_threshold (card->chart, i,
                                  amount_value (limit, limit->limit) * budgets->alert_fractions[i],
                                  label);
    }

  if (n == 0)
    sluice_chart_set_threshold (card->chart, 0, amount_value (limit, limit->limit), _("Budget"));
}

/* Linear from the burn over the last five minutes. */
static char *
describe_projection (BurnCard                  *card,
                     const SluiceSnapshotLimit *limit,
                     gint64                     now_us)
{
  const Sample *first = &g_array_index (card->samples, Sample, 0);
  double rate_per_us;
  gint64 eta_us;
  g_autofree char *clock = NULL;

  if (limit->used >= limit->limit)
    return g_strdup (_("Exhausted: requests are refused until the window moves on"));

  if (now_us - first->time_us < 10 * G_USEC_PER_SEC || limit->used <= first->used)
    return g_strdup (_("Not burning at the moment"));

  rate_per_us = (double) (limit->used - first->used) / (now_us - first->time_us);
  eta_us = now_us + (gint64) ((limit->limit - limit->used) / rate_per_us);
  if (eta_us - now_us > limit->window_s * G_USEC_PER_SEC)
    return g_strdup (_("Lasts beyond the window at the current rate"));

  clock = sluice_panel_format_clock (eta_us);
  /* Translators: %s is a time of day */
  return g_strdup_printf (_("Runs out at %s at the current rate"), clock);
}

static void
update_card (SluiceBudgetsPage         *self,
             BurnCard                  *card,
             const SluiceSnapshotLimit *limit,
             const char                *title,
             gint64                     now_us)
{
  Sample sample = { now_us, limit->used };
  g_autofree char *used = sluice_panel_format_limit_amount (limit->kind, limit->used);
  g_autofree char *max = sluice_panel_format_limit_amount (limit->kind, limit->limit);
  g_autofree char *pct = sluice_format_percent ((double) limit->used / MAX (limit->limit, 1));
  g_autofree char *projection = NULL;

  g_array_append_val (card->samples, sample);
  while (card->samples->len > 2 &&
         now_us - g_array_index (card->samples, Sample, 0).time_us > RATE_SPAN_US)
    g_array_remove_index (card->samples, 0);

  projection = describe_projection (card, limit, now_us);
  gtk_label_set_text (card->title, title);
  /* Translators: "12,345 of 200,000 spent (6.2 %) · Runs out at 16:40 …" */
  sluice_panel_set_label_take (card->summary,
                               g_strdup_printf (_("%s of %s spent (%s) · %s"),
                                                used, max, pct, projection));
  sluice_chart_push (card->chart, 0, now_us, amount_value (limit, limit->used));
  set_thresholds (self, card, limit);
}

/* "global: tokens per hour" → "Global tokens per hour";
 * per-user tiers name their heaviest user. */
static char *
card_title (const SluiceSnapshotLimit *limit)
{
  const char *colon = strstr (limit->label, ": ");
  const char *what = colon != NULL ? colon + 2 : limit->label;

  if (g_str_has_prefix (limit->label, "user "))
    {
      g_autofree char *name = g_strndup (limit->label + 5,
                                         colon != NULL ? colon - (limit->label + 5) : 0);

      /* Translators: "Tokens per hour per user — heaviest: alice" */
      return g_strdup_printf (_("Per user: %s — heaviest: %s"), what, name);
    }

  return g_strdup_printf (_("Global: %s"), what);
}

/* One reading per budget code: the global one, or the user nearest to
 * their budget. */
static GHashTable *
pick_tiers (SluiceSnapshot *snapshot)
{
  GHashTable *tiers = g_hash_table_new (g_str_hash, g_str_equal);
  guint n = sluice_snapshot_get_n_limits (snapshot);

  for (guint i = 0; i < n; i++)
    {
      const SluiceSnapshotLimit *limit = sluice_snapshot_get_limit (snapshot, i);
      const SluiceSnapshotLimit *other;

      if (!limit->budget || limit->code == NULL || limit->limit <= 0)
        continue;

      other = g_hash_table_lookup (tiers, limit->code);
      if (other == NULL ||
          (double) limit->used / limit->limit > (double) other->used / other->limit)
        g_hash_table_insert (tiers, limit->code, (gpointer) limit);
    }

  return tiers;
}

/* Global tiers before per-user ones, each sorted by code, so the cards
 * keep their places whatever order the snapshot lists them in. */
static int
compare_codes (gconstpointer a,
               gconstpointer b)
{
  const char *ca = *(const char * const *) a;
  const char *cb = *(const char * const *) b;
  gboolean ga = g_str_has_prefix (ca, "budget.global_");
  gboolean gb = g_str_has_prefix (cb, "budget.global_");

  if (ga != gb)
    return ga ? -1 : 1;
  return g_strcmp0 (ca, cb);
}

static void
order_cards (SluiceBudgetsPage *self)
{
  g_autofree gpointer *codes = NULL;
  guint n = 0;
  GtkWidget *previous = NULL;

  codes = g_hash_table_get_keys_as_array (self->cards, &n);
  qsort (codes, n, sizeof (gpointer), compare_codes);
  for (guint i = 0; i < n; i++)
    {
      BurnCard *card = g_hash_table_lookup (self->cards, codes[i]);

      gtk_box_reorder_child_after (self->burn_box, card->card, previous);
      previous = card->card;
    }
}

void
sluice_budgets_page_update (SluiceBudgetsPage *self,
                            SluiceSnapshot    *snapshot)
{
  g_autoptr(GHashTable) tiers = NULL;
  GHashTableIter iter;
  gpointer code, limit;
  gint64 now_us;
  gboolean any_user;

  g_return_if_fail (SLUICE_IS_BUDGETS_PAGE (self));

  if (snapshot == NULL)
    return;

  tiers = pick_tiers (snapshot);
  now_us = sluice_snapshot_get_time_us (snapshot);
  gtk_stack_set_visible_child_name (self->state_stack,
                                    g_hash_table_size (tiers) > 0 ? "live" : "empty");

  g_hash_table_iter_init (&iter, tiers);
  while (g_hash_table_iter_next (&iter, &code, &limit))
    {
      BurnCard *card = g_hash_table_lookup (self->cards, code);
      g_autofree char *title = card_title (limit);

      if (card == NULL)
        {
          card = burn_card_new (self, limit);
          g_hash_table_insert (self->cards, g_strdup (code), card);
        }
      update_card (self, card, limit, title, now_us);
    }
  order_cards (self);

  any_user = sluice_budgets_users_update (self->users, snapshot);
  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (self->users_view)), any_user);
  gtk_widget_set_visible (GTK_WIDGET (self->users_empty_label), !any_user);
}

/**
 * sluice_budgets_page_get_spent:
 * @code: a budget code, e.g. "budget.user_tokens_per_hour"
 *
 * Returns: the latest amount the burn-down of @code shows, or -1
 */
double
sluice_budgets_page_get_spent (SluiceBudgetsPage *self,
                               const char        *code)
{
  BurnCard *card;
  double value;

  g_return_val_if_fail (SLUICE_IS_BUDGETS_PAGE (self), -1);

  card = g_hash_table_lookup (self->cards, code);
  if (card == NULL || !sluice_chart_get_latest (card->chart, 0, &value))
    return -1;

  return value;
}

GListModel *
sluice_budgets_page_get_users (SluiceBudgetsPage *self)
{
  g_return_val_if_fail (SLUICE_IS_BUDGETS_PAGE (self), NULL);

  return G_LIST_MODEL (self->users);
}

static void
on_snapshot_changed (SluiceEngineHost  *host,
                     GParamSpec        *pspec,
                     SluiceBudgetsPage *self)
{
  sluice_budgets_page_update (self, sluice_engine_host_get_snapshot (host));
}

static void
sluice_budgets_page_dispose (GObject *object)
{
  SluiceBudgetsPage *self = (SluiceBudgetsPage *)object;
  GtkWidget *child;

  if (self->host != NULL)
    g_clear_signal_handler (&self->snapshot_handler, self->host);
  g_clear_object (&self->host);
  g_clear_pointer (&self->cards, g_hash_table_unref);

  gtk_widget_dispose_template (GTK_WIDGET (self), SLUICE_TYPE_BUDGETS_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->users);

  G_OBJECT_CLASS (sluice_budgets_page_parent_class)->dispose (object);
}

static void
sluice_budgets_page_class_init (SluiceBudgetsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sluice_budgets_page_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sluice/Sluice/sluice-budgets-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SluiceBudgetsPage, state_stack);
  gtk_widget_class_bind_template_child (widget_class, SluiceBudgetsPage, window_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SluiceBudgetsPage, burn_box);
  gtk_widget_class_bind_template_child (widget_class, SluiceBudgetsPage, users_view);
  gtk_widget_class_bind_template_child (widget_class, SluiceBudgetsPage, users_empty_label);
}

static void
sluice_budgets_page_init (SluiceBudgetsPage *self)
{
  self->cards = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, burn_card_free);
  self->users = g_list_store_new (SLUICE_TYPE_USER_USAGE);
  gtk_widget_init_template (GTK_WIDGET (self));
  sluice_budgets_users_setup (self->users_view, self->users);
}

GtkWidget *
sluice_budgets_page_new (void)
{
  return g_object_new (SLUICE_TYPE_BUDGETS_PAGE, NULL);
}

void
sluice_budgets_page_set_host (SluiceBudgetsPage *self,
                              SluiceEngineHost  *host)
{
  g_return_if_fail (SLUICE_IS_BUDGETS_PAGE (self));
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
      sluice_budgets_page_update (self, sluice_engine_host_get_snapshot (host));
    }
}
