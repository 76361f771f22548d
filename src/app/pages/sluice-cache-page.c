/* sluice-cache-page.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-app"

#include "config.h"

#include <glib/gi18n.h>

#include "sluice-cache-page.h"
#include "sluice-format.h"
#include "sluice-panel-util.h"
#include "widgets/sluice-chart.h"

/* The cache: hit rate over time by tier, size, evictions and savings, the
 * TTL policy of each task type with its hits, and purges that ask first. */

enum { TIER_EXACT, TIER_SEMANTIC, TIER_STALE, N_TIERS };

struct _SluiceCachePage
{
  GtkWidget         parent_instance;

  SluiceEngineHost *host;
  gulong            snapshot_handler;
  char             *policies_digest;   /* config the table was built from */

  /* Counters at the start of the current chart bucket. */
  gint64            bucket;
  guint64           base_hits[N_TIERS];
  guint64           base_lookups;
  SluiceSnapshotCache last;

  GtkStack         *state_stack;
  GtkLabel         *hit_rate_label;
  GtkLabel         *lookups_label;
  GtkLabel         *entries_label;
  GtkLabel         *bytes_label;
  GtkLabel         *evictions_label;
  GtkLabel         *stores_label;
  GtkLabel         *tokens_saved_label;
  GtkLabel         *tokens_saved_detail;
  GtkLabel         *usd_saved_label;
  GtkLabel         *usd_saved_detail;
  GtkLabel         *bypassed_label;
  GtkLabel         *bypassed_detail;
  GtkDropDown      *window_dropdown;
  SluiceChart      *hit_chart;
  GtkListBox       *policies_list;
  GHashTable       *policy_hits;       /* task -> GtkLabel in policies_list */
};

G_DEFINE_FINAL_TYPE (SluiceCachePage, sluice_cache_page, GTK_TYPE_WIDGET)

static void
update_tiles (SluiceCachePage           *self,
              const SluiceSnapshotCache *cache)
{
  guint64 lookups = sluice_panel_cache_lookups (cache);
  g_autofree char *lookups_text = sluice_format_count (lookups);
  g_autofree char *misses = sluice_format_count (cache->misses);
  g_autofree char *bytes = g_format_size (cache->n_bytes);
  g_autofree char *stores = sluice_format_count (cache->stores);
  g_autofree char *exact = sluice_format_count (cache->hits_exact);
  g_autofree char *semantic = sluice_format_count (cache->hits_semantic);

  sluice_panel_set_label_take (self->hit_rate_label,
                               sluice_format_percent (sluice_panel_cache_hit_rate (cache)));
  /* Translators: "12 lookups · 3 misses" */
  sluice_panel_set_label_take (self->lookups_label,
                               g_strdup_printf (_("%s lookups · %s misses"), lookups_text, misses));
  sluice_panel_set_label_take (self->entries_label, sluice_format_count (cache->n_entries));
  sluice_panel_set_label_take (self->bytes_label, g_strdup_printf (_("%s in memory"), bytes));
  sluice_panel_set_label_take (self->evictions_label, sluice_format_count (cache->evictions));
  sluice_panel_set_label_take (self->stores_label,
                               g_strdup_printf (_("%s answers stored"), stores));
  sluice_panel_set_label_take (self->tokens_saved_label,
                               sluice_format_count (MAX (cache->tokens_saved, 0)));
  sluice_panel_set_label_take (self->tokens_saved_detail,
                               g_strdup_printf (_("%s exact · %s semantic hits"), exact, semantic));
  sluice_panel_set_label_take (self->usd_saved_label, sluice_format_usd (cache->usd_saved));
  gtk_label_set_text (self->usd_saved_detail, _("Provider calls not made"));
  sluice_panel_set_label_take (self->bypassed_label, sluice_format_count (cache->bypassed));
  gtk_label_set_text (self->bypassed_detail, _("Policy none, high temperature or no-cache"));
}

/* Each tier's hits over the lookups within the current ten-second bucket. */
static void
update_chart (SluiceCachePage           *self,
              const SluiceSnapshotCache *cache,
              gint64                     now_us)
{
  guint64 hits[N_TIERS] = { cache->hits_exact, cache->hits_semantic, cache->hits_stale };
  guint64 lookups = sluice_panel_cache_lookups (cache);
  gint64 bucket = now_us / SLUICE_CHART_BUCKET_US;

  if (bucket != self->bucket)
    {
      guint64 last_hits[N_TIERS] = { self->last.hits_exact, self->last.hits_semantic,
                                     self->last.hits_stale };

      self->bucket = bucket;
      memcpy (self->base_hits, last_hits, sizeof last_hits);
      self->base_lookups = sluice_panel_cache_lookups (&self->last);
    }

  self->last = *cache;
  if (lookups <= self->base_lookups)
    return;

  for (guint i = 0; i < N_TIERS; i++)
    {
      double rate = (double) (hits[i] - self->base_hits[i]) / (lookups - self->base_lookups);

      /* A bucket holds the newest rate, not a mean of partial ones. */
      sluice_chart_set_point (self->hit_chart, i, now_us, rate);
    }
}

static const char *
tier_label (SluiceCacheTier tier)
{
  switch (tier)
    {
    case SLUICE_CACHE_TIER_EXACT:
      return _("Exact");
    case SLUICE_CACHE_TIER_SEMANTIC:
      return _("Semantic");
    case SLUICE_CACHE_TIER_NONE:
    default:
      return _("Not cached");
    }
}

/* "2 d", "8 h", "1 h 30 min", "45 min". */
static char *
format_ttl (gint64 ttl_s)
{
  if (ttl_s >= 86400 && ttl_s % 86400 == 0)
    return g_strdup_printf (_("%d d"), (int) (ttl_s / 86400));
  if (ttl_s >= 3600 && ttl_s % 3600 == 0)
    return g_strdup_printf (_("%d h"), (int) (ttl_s / 3600));
  if (ttl_s >= 3600)
    return g_strdup_printf (_("%d h %d min"), (int) (ttl_s / 3600), (int) (ttl_s % 3600 / 60));
  if (ttl_s >= 60)
    return g_strdup_printf (_("%d min"), (int) (ttl_s / 60));
  return g_strdup_printf (_("%d s"), (int) ttl_s);
}

static GtkWidget *
create_policy_row (SluiceCachePage       *self,
                   const SluiceTtlPolicy *policy)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *suffix = gtk_label_new (NULL);
  GtkWidget *hits = gtk_label_new (NULL);
  g_autofree char *ttl = NULL;
  g_autofree char *threshold = NULL;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), policy->task);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), tier_label (policy->tier));
  if (policy->tier != SLUICE_CACHE_TIER_NONE)
    {
      ttl = format_ttl (policy->ttl_s);
      threshold = policy->tier == SLUICE_CACHE_TIER_SEMANTIC
                  ? g_strdup_printf (_("similarity ≥ %.2f"), policy->threshold) : NULL;
      /* Translators: "TTL 2 h · similarity ≥ 0.95" */
      sluice_panel_set_label_take (GTK_LABEL (suffix),
                                   threshold != NULL
                                   ? g_strdup_printf (_("TTL %s · %s"), ttl, threshold)
                                   : g_strdup_printf (_("TTL %s"), ttl));
    }
  gtk_widget_add_css_class (suffix, "numeric");
  gtk_widget_add_css_class (suffix, "dim-label");
  gtk_widget_add_css_class (hits, "numeric");
  gtk_widget_set_visible (hits, FALSE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), hits);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), suffix);
  g_hash_table_replace (self->policy_hits, g_strdup (policy->task), hits);

  return row;
}

static void
update_policy_hits (SluiceCachePage *self,
                    SluiceSnapshot  *snapshot)
{
  for (guint i = 0; i < sluice_snapshot_get_n_policies (snapshot); i++)
    {
      const SluiceSnapshotPolicy *p = sluice_snapshot_get_policy (snapshot, i);
      GtkLabel *label = g_hash_table_lookup (self->policy_hits, p->task);

      if (label == NULL)
        continue;
      /* Translators: "12 hits of 40 lookups" */
      sluice_panel_set_label_take (label,
                                   g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                                 "%" G_GUINT64_FORMAT " hit of %"
                                                                 G_GUINT64_FORMAT " lookups",
                                                                 "%" G_GUINT64_FORMAT " hits of %"
                                                                 G_GUINT64_FORMAT " lookups",
                                                                 (gulong) p->hits),
                                                    p->hits, p->lookups));
      gtk_widget_set_visible (GTK_WIDGET (label), TRUE);
    }
}

/**
 * sluice_cache_page_get_policy_hits:
 * @self: the page
 * @task: a TTL policy's task type
 *
 * Returns: (nullable): the hits the policy table shows for @task
 */
const char *
sluice_cache_page_get_policy_hits (SluiceCachePage *self,
                                   const char      *task)
{
  GtkLabel *label;

  g_return_val_if_fail (SLUICE_IS_CACHE_PAGE (self), NULL);

  label = g_hash_table_lookup (self->policy_hits, task);
  return label != NULL && gtk_widget_get_visible (GTK_WIDGET (label))
         ? gtk_label_get_text (label) : NULL;
}

static void
update_policies (SluiceCachePage *self)
{
  g_autoptr(SluiceConfig) config = sluice_engine_host_dup_config (self->host);

  if (config == NULL || g_strcmp0 (sluice_config_get_digest (config), self->policies_digest) == 0)
    return;

  g_free (self->policies_digest);
  self->policies_digest = g_strdup (sluice_config_get_digest (config));
  sluice_panel_clear_list (self->policies_list);
  g_hash_table_remove_all (self->policy_hits);

  for (guint i = 0; i < sluice_config_get_n_ttl_policies (config); i++)
    gtk_list_box_append (self->policies_list,
                         create_policy_row (self, sluice_config_get_ttl_policy (config, i)));
}

void
sluice_cache_page_update (SluiceCachePage *self,
                          SluiceSnapshot  *snapshot)
{
  const SluiceSnapshotCache *cache;

  g_return_if_fail (SLUICE_IS_CACHE_PAGE (self));

  cache = snapshot != NULL ? sluice_snapshot_get_cache (snapshot) : NULL;
  gtk_stack_set_visible_child_name (self->state_stack, cache != NULL ? "live" : "empty");
  if (cache == NULL)
    return;

  update_tiles (self, cache);
  update_chart (self, cache, sluice_snapshot_get_time_us (snapshot));
  if (self->host != NULL)
    update_policies (self);
  update_policy_hits (self, snapshot);
}

/**
 * sluice_cache_page_get_hit_rate:
 *
 * Returns: the hit rate the page shows, since the engine started
 */
double
sluice_cache_page_get_hit_rate (SluiceCachePage *self)
{
  g_return_val_if_fail (SLUICE_IS_CACHE_PAGE (self), 0);

  return sluice_panel_cache_hit_rate (&self->last);
}

static void
on_snapshot_changed (SluiceEngineHost *host,
                     GParamSpec       *pspec,
                     SluiceCachePage  *self)
{
  sluice_cache_page_update (self, sluice_engine_host_get_snapshot (host));
}

typedef struct
{
  SluiceCachePage  *page;
  SluiceCachePurge  what;
  GtkDropDown      *choice;
} PurgeData;

static void
purge_data_free (gpointer data)
{
  PurgeData *pd = data;

  g_object_unref (pd->page);
  g_free (pd);
}

static void
on_purged (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SluiceCachePage) self = user_data;
  g_autoptr(GError) error = NULL;
  gssize removed = sluice_engine_host_purge_cache_finish (SLUICE_ENGINE_HOST (object),
                                                          result, &error);
  g_autofree char *title = NULL;

  if (removed < 0)
    title = g_strdup_printf (_("Could not purge: %s"), error->message);
  else
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%zd cache entry purged",
                                          "%zd cache entries purged", removed), removed);
  sluice_panel_toast (GTK_WIDGET (self), title);
}

static void
on_purge_response (AdwMessageDialog *dialog,
                   const char       *response,
                   PurgeData        *pd)
{
  const char *value = NULL;

  if (g_strcmp0 (response, "purge") != 0 || pd->page->host == NULL)
    return;

  if (pd->choice != NULL)
    value = gtk_string_object_get_string (gtk_drop_down_get_selected_item (pd->choice));

  sluice_engine_host_purge_cache_async (pd->page->host, pd->what, value,
                                        on_purged, g_object_ref (pd->page));
}

/* The models and chains, task types or users a purge can name. */
static GtkStringList *
purge_choices (SluiceCachePage  *self,
               SluiceCachePurge  what)
{
  g_autoptr(SluiceConfig) config = sluice_engine_host_dup_config (self->host);
  GtkStringList *list = gtk_string_list_new (NULL);
  SluiceSnapshot *snapshot = sluice_engine_host_get_snapshot (self->host);

  for (guint i = 0; config != NULL && what == SLUICE_CACHE_PURGE_MODEL &&
       i < sluice_config_get_n_models (config); i++)
    gtk_string_list_append (list, sluice_config_get_model (config, i)->name);
  for (guint i = 0; config != NULL && what == SLUICE_CACHE_PURGE_MODEL &&
       i < sluice_config_get_n_chains (config); i++)
    gtk_string_list_append (list, sluice_config_get_chain (config, i)->name);
  for (guint i = 0; config != NULL && what == SLUICE_CACHE_PURGE_POLICY &&
       i < sluice_config_get_n_ttl_policies (config); i++)
    gtk_string_list_append (list, sluice_config_get_ttl_policy (config, i)->task);

  if (what == SLUICE_CACHE_PURGE_SCOPE && snapshot != NULL)
    {
      g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      for (guint i = 0; i < sluice_snapshot_get_n_limits (snapshot); i++)
        {
          const char *label = sluice_snapshot_get_limit (snapshot, i)->label;
          const char *colon = strstr (label, ": ");
          char *name;

          if (!g_str_has_prefix (label, "user ") || colon == NULL)
            continue;
          name = g_strndup (label + 5, colon - (label + 5));
          if (g_hash_table_add (seen, name))
            gtk_string_list_append (list, name);
        }
    }

  return list;
}

static void
purge_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  static const char *headings[] = {
    N_("Purge the Whole Cache?"), N_("Purge One User’s Answers?"),
    N_("Purge One Model’s Answers?"), N_("Purge One Task Type’s Answers?"),
  };
  SluiceCachePage *self = SLUICE_CACHE_PAGE (widget);
  SluiceCachePurge what = g_variant_get_int32 (param);
  GtkRoot *root = gtk_widget_get_root (widget);
  AdwMessageDialog *dialog;
  PurgeData *pd = g_new0 (PurgeData, 1);

  if (self->host == NULL)
    {
      g_free (pd);
      return;
    }

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root)
                                                                          : NULL,
                                                       _(headings[what]),
                                                       _("Removed answers are asked of the "
                                                         "providers again, at their price.")));
  pd->page = g_object_ref (self);
  pd->what = what;
  if (what != SLUICE_CACHE_PURGE_ALL)
    {
      pd->choice = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (purge_choices (self, what)),
                                                     NULL));
      gtk_widget_set_halign (GTK_WIDGET (pd->choice), GTK_ALIGN_CENTER);
      adw_message_dialog_set_extra_child (dialog, GTK_WIDGET (pd->choice));
    }

  adw_message_dialog_add_response (dialog, "cancel", _("_Cancel"));
  adw_message_dialog_add_response (dialog, "purge", _("_Purge"));
  adw_message_dialog_set_response_appearance (dialog, "purge", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_enabled (dialog, "purge",
                                           pd->choice == NULL ||
                                           gtk_drop_down_get_selected_item (pd->choice) != NULL);
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_purge_response), pd,
                         (GClosureNotify) (void (*) (void)) purge_data_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
sluice_cache_page_dispose (GObject *object)
{
  SluiceCachePage *self = (SluiceCachePage *)object;
  GtkWidget *child;

  if (self->host != NULL)
    g_clear_signal_handler (&self->snapshot_handler, self->host);
  g_clear_object (&self->host);
  g_clear_pointer (&self->policies_digest, g_free);
  g_clear_pointer (&self->policy_hits, g_hash_table_unref);

  gtk_widget_dispose_template (GTK_WIDGET (self), SLUICE_TYPE_CACHE_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (sluice_cache_page_parent_class)->dispose (object);
}

static void
sluice_cache_page_class_init (SluiceCachePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sluice_cache_page_dispose;

  g_type_ensure (SLUICE_TYPE_CHART);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sluice/Sluice/sluice-cache-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, SluiceCachePage, name)
  BIND (state_stack);
  BIND (hit_rate_label);
  BIND (lookups_label);
  BIND (entries_label);
  BIND (bytes_label);
  BIND (evictions_label);
  BIND (stores_label);
  BIND (tokens_saved_label);
  BIND (tokens_saved_detail);
  BIND (usd_saved_label);
  BIND (usd_saved_detail);
  BIND (bypassed_label);
  BIND (bypassed_detail);
  BIND (window_dropdown);
  BIND (hit_chart);
  BIND (policies_list);
#undef BIND

  gtk_widget_class_install_action (widget_class, "cache.purge", "i", purge_action);
}

static void
sluice_cache_page_init (SluiceCachePage *self)
{
  self->bucket = -1;
  self->policy_hits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gtk_widget_init_template (GTK_WIDGET (self));

  sluice_chart_set_unit (self->hit_chart, SLUICE_CHART_UNIT_PERCENT);
  sluice_chart_add_series (self->hit_chart, _("Exact"), SLUICE_CHART_COLOR_ACCENT);
  sluice_chart_add_series (self->hit_chart, _("Semantic"), SLUICE_CHART_COLOR_SUCCESS);
  sluice_chart_add_series (self->hit_chart, _("Stale"), SLUICE_CHART_COLOR_WARNING);
  g_object_bind_property (self->window_dropdown, "selected", self->hit_chart, "window",
                          G_BINDING_SYNC_CREATE);
}

GtkWidget *
sluice_cache_page_new (void)
{
  return g_object_new (SLUICE_TYPE_CACHE_PAGE, NULL);
}

void
sluice_cache_page_set_host (SluiceCachePage  *self,
                            SluiceEngineHost *host)
{
  g_return_if_fail (SLUICE_IS_CACHE_PAGE (self));
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
      sluice_cache_page_update (self, sluice_engine_host_get_snapshot (host));
    }
}
