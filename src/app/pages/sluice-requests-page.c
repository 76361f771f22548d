/* sluice-requests-page.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-app"

#include "config.h"

#include <glib/gi18n.h>

#include "sluice-format.h"
#include "sluice-requests-page-private.h"

/* The request log: a column view over the engine's ledger model, which
 * reads its pages on worker threads and fills placeholder rows as they
 * arrive, so a million rows scroll like a hundred. New requests appear at
 * the top whenever a snapshot says more were settled. */

typedef enum
{
  COLUMN_TIME,
  COLUMN_MODEL,
  COLUMN_USER,
  COLUMN_STATUS,
  COLUMN_CACHE,
  COLUMN_TOKENS,
  COLUMN_COST,
  COLUMN_LATENCY,
  N_COLUMNS
} Column;

static const struct {
  const char *title;
  gboolean    numeric;
  gboolean    expand;
} columns[N_COLUMNS] = {
  { N_("Finished"), TRUE, FALSE },
  { N_("Model"), FALSE, TRUE },
  { N_("User"), FALSE, FALSE },
  { N_("Status"), FALSE, FALSE },
  { N_("Cache"), FALSE, FALSE },
  { N_("Tokens"), TRUE, FALSE },
  { N_("Cost"), TRUE, FALSE },
  { N_("Latency"), TRUE, FALSE },
};

/* In the order of the time drop-down's items. */
static const gint64 time_ranges_s[] = { 0, 5 * 60, 3600, 24 * 3600, 7 * 24 * 3600 };

struct _SluiceRequestsPage
{
  GtkWidget           parent_instance;

  SluiceEngineHost   *host;
  gulong              snapshot_handler;
  guint64             n_settled;
  gint64              config_version;
  SluiceLedgerModel  *model;
  GtkSingleSelection *selection;
  GPtrArray          *model_names;     /* char *; index 0 = any */
  SluiceLedgerItem   *waiting_item;    /* selected, still a placeholder */
  gulong              waiting_handler;
  GCancellable       *detail_cancellable;
  gint64              detail_id;
  gboolean            at_top;
  guint               top_idle;

  GtkSearchEntry     *search_entry;
  GtkSearchEntry     *user_entry;
  GtkDropDown        *model_dropdown;
  GtkDropDown        *status_dropdown;
  GtkDropDown        *cache_dropdown;
  GtkDropDown        *time_dropdown;
  GtkStack           *list_stack;
  GtkScrolledWindow  *list_scroller;
  GtkColumnView      *column_view;
  GtkLabel           *count_label;
  GtkStack           *detail_stack;
  SluiceRequestsDetail detail;
};

G_DEFINE_FINAL_TYPE (SluiceRequestsPage, sluice_requests_page, GTK_TYPE_WIDGET)

/* Cells. */

static char *
cell_text (const SluiceLedgerRow *row,
           Column                 column)
{
  switch (column)
    {
    case COLUMN_TIME:
      /* The log lists requests as they were settled: the finish time keeps
       * the column in order when a slow one started before a fast one. */
      return _sluice_requests_format_time (row->time_us + MAX (row->latency_us, 0), FALSE);
    case COLUMN_MODEL:
      return g_strdup (row->model != NULL && row->model[0] != '\0' ? row->model : "—");
    case COLUMN_USER:
      return g_strdup (row->user != NULL && row->user[0] != '\0' ? row->user : "—");
    case COLUMN_STATUS:
      return g_strdup (_sluice_requests_status_label (row->status));
    case COLUMN_CACHE:
      return g_strdup (_sluice_requests_cache_label (row->cache));
    case COLUMN_TOKENS:
      return g_strdup_printf ("%" G_GINT64_FORMAT " / %" G_GINT64_FORMAT,
                              MAX (row->tokens_in, 0), MAX (row->tokens_out, 0));
    case COLUMN_COST:
      return sluice_format_usd (row->cost_usd);
    case COLUMN_LATENCY:
      return sluice_format_duration (row->latency_us);
    case N_COLUMNS:
    default:
      g_assert_not_reached ();
    }
}

static void
update_cell (GtkLabel         *label,
             SluiceLedgerItem *item,
             Column            column)
{
  const SluiceLedgerRow *row = sluice_ledger_item_get_row (item);
  g_autofree char *text = row != NULL ? cell_text (row, column) : NULL;
  gboolean failed = row != NULL && (row->status == SLUICE_REQUEST_STATUS_ERROR ||
                                    row->status == SLUICE_REQUEST_STATUS_REFUSED);
  gboolean degraded = row != NULL && (row->status == SLUICE_REQUEST_STATUS_DEGRADED ||
                                      row->status == SLUICE_REQUEST_STATUS_DEFERRED);

  /* A placeholder shows an ellipsis until its page arrives. */
  gtk_label_set_text (label, text != NULL ? text : "…");
  if (column == COLUMN_STATUS)
    {
      (failed ? gtk_widget_add_css_class : gtk_widget_remove_css_class) (GTK_WIDGET (label), "error");
      (degraded ? gtk_widget_add_css_class : gtk_widget_remove_css_class) (GTK_WIDGET (label), "warning");
    }
  if (column == COLUMN_CACHE)
    (row != NULL && row->cache >= SLUICE_CACHE_STATUS_EXACT
     ? gtk_widget_add_css_class : gtk_widget_remove_css_class) (GTK_WIDGET (label), "accent");
}

static void
on_cell_item_loaded (SluiceLedgerItem *item,
                     GParamSpec       *pspec,
                     GtkListItem      *list_item)
{
  gpointer factory_column = g_object_get_data (G_OBJECT (list_item), "sluice-column");

  update_cell (GTK_LABEL (gtk_list_item_get_child (list_item)), item,
               GPOINTER_TO_INT (factory_column));
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            gpointer                  user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), columns[column].numeric ? 1.0f : 0.0f);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (columns[column].numeric)
    gtk_widget_add_css_class (label, "numeric");
  g_object_set_data (G_OBJECT (list_item), "sluice-column", user_data);
  gtk_list_item_set_child (list_item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           gpointer                  user_data)
{
  SluiceLedgerItem *item = gtk_list_item_get_item (list_item);
  gulong handler = 0;

  update_cell (GTK_LABEL (gtk_list_item_get_child (list_item)), item,
               GPOINTER_TO_INT (user_data));

  if (!sluice_ledger_item_get_loaded (item))
    handler = g_signal_connect_object (item, "notify::loaded",
                                       G_CALLBACK (on_cell_item_loaded), list_item, 0);
  g_object_set_data (G_OBJECT (list_item), "sluice-handler", GSIZE_TO_POINTER (handler));
}

static void
unbind_cell (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             gpointer                  user_data)
{
  gulong handler = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (list_item), "sluice-handler"));
  gpointer item = gtk_list_item_get_item (list_item);

  if (handler != 0 && item != NULL)
    g_signal_handler_disconnect (item, handler);
  g_object_set_data (G_OBJECT (list_item), "sluice-handler", NULL);
}

static void
add_columns (SluiceRequestsPage *self)
{
  for (Column c = 0; c < N_COLUMNS; c++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkColumnViewColumn *column;

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), GINT_TO_POINTER (c));
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GINT_TO_POINTER (c));
      g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell), GINT_TO_POINTER (c));
      column = gtk_column_view_column_new (_(columns[c].title), factory);
      gtk_column_view_column_set_expand (column, columns[c].expand);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_append_column (self->column_view, column);
      g_object_unref (column);
    }
}

/* The detail pane. */

static void
on_detail_loaded (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SluiceLedgerRow) row = NULL;
  SluiceRequestsPage *self;

  row = sluice_ledger_model_load_detail_finish (SLUICE_LEDGER_MODEL (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = SLUICE_REQUESTS_PAGE (user_data);
  if (row == NULL)
    {
      g_warning ("Could not read the request: %s", error->message);
      gtk_stack_set_visible_child_name (self->detail_stack, "none");
      return;
    }

  _sluice_requests_detail_show (&self->detail, row);
  self->detail_id = row->id;
  gtk_stack_set_visible_child_name (self->detail_stack, "detail");
}

static void
stop_waiting (SluiceRequestsPage *self)
{
  if (self->waiting_item != NULL)
    g_clear_signal_handler (&self->waiting_handler, self->waiting_item);
  g_clear_object (&self->waiting_item);
}

static void
load_detail (SluiceRequestsPage *self,
             SluiceLedgerItem   *item)
{
  g_cancellable_cancel (self->detail_cancellable);
  g_clear_object (&self->detail_cancellable);
  self->detail_cancellable = g_cancellable_new ();

  /* The cancellable stops the callback before the page is gone. */
  sluice_ledger_model_load_detail_async (self->model, sluice_ledger_item_get_id (item),
                                         self->detail_cancellable,
                                         on_detail_loaded, self);
}

static void
on_selected_item_loaded (SluiceLedgerItem   *item,
                         GParamSpec         *pspec,
                         SluiceRequestsPage *self)
{
  g_object_ref (item);
  stop_waiting (self);
  load_detail (self, item);
  g_object_unref (item);
}

static void
on_selection_changed (SluiceRequestsPage *self)
{
  SluiceLedgerItem *item = gtk_single_selection_get_selected_item (self->selection);

  stop_waiting (self);
  if (item == NULL)
    {
      g_cancellable_cancel (self->detail_cancellable);
      self->detail_id = 0;
      gtk_stack_set_visible_child_name (self->detail_stack, "none");
      return;
    }

  if (sluice_ledger_item_get_loaded (item))
    {
      /* New rows above the selection move it, but it is the same row. */
      if (sluice_ledger_item_get_id (item) != self->detail_id)
        load_detail (self, item);
      return;
    }

  self->waiting_item = g_object_ref (item);
  self->waiting_handler = g_signal_connect (item, "notify::loaded",
                                            G_CALLBACK (on_selected_item_loaded), self);
}

/* The list. */

static void
update_count (SluiceRequestsPage *self)
{
  guint n = self->model != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->model)) : 0;
  g_autofree char *count = sluice_format_count (n);
  g_autofree char *text = NULL;

  /* Translators: %s is a number such as 1,234 */
  text = g_strdup_printf (ngettext ("%s request", "%s requests", n), count);
  gtk_label_set_text (self->count_label, text);
  gtk_stack_set_visible_child_name (self->list_stack,
                                    n > 0 || (self->model != NULL &&
                                              sluice_ledger_model_get_loading (self->model))
                                    ? "list" : "empty");
}

/* The column view's own list view (GTK 4.8 has no gtk_column_view_scroll_to). */
static GtkWidget *
inner_list_view (SluiceRequestsPage *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      return child;
  return NULL;
}

static gboolean
scroll_to_top (gpointer data)
{
  SluiceRequestsPage *self = data;
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->list_scroller);
  GtkWidget *list = inner_list_view (self);

  self->top_idle = 0;
  gtk_adjustment_set_value (adj, gtk_adjustment_get_lower (adj));
  /* The view keeps the row it showed first in place when rows are
   * inserted above it, also while it is not on screen, where its
   * adjustment stays at 0 and setting 0 moves nothing: so it is told which
   * row to show, the newest. */
  if (list != NULL && self->model != NULL &&
      g_list_model_get_n_items (G_LIST_MODEL (self->model)) > 0)
    gtk_widget_activate_action (list, "list.scroll-to-item", "u", 0);
  self->at_top = TRUE;
  return G_SOURCE_REMOVE;
}

/* Shown again (or for the first time) at the top: the newest first. */
static void
on_list_mapped (SluiceRequestsPage *self)
{
  if (self->at_top && self->top_idle == 0)
    self->top_idle = g_idle_add_full (G_PRIORITY_HIGH_IDLE + 30, scroll_to_top, self, NULL);
}

static void
on_items_changed (GListModel         *model,
                  guint               position,
                  guint               removed,
                  guint               added,
                  SluiceRequestsPage *self)
{
  update_count (self);

  /* A log scrolled to its top follows the newest requests. The view keeps
   * its first row in place when rows are inserted above it, so the scroll
   * back up happens once it has done so. */
  if (position == 0 && removed == 0 && self->at_top && self->top_idle == 0)
    self->top_idle = g_idle_add_full (G_PRIORITY_HIGH_IDLE + 30, scroll_to_top, self, NULL);
}

static void
on_scrolled (GtkAdjustment      *adj,
             SluiceRequestsPage *self)
{
  /* While a scroll back to the top is pending, the view's own shift does
   * not count as the user scrolling away. */
  if (self->top_idle != 0)
    return;
  self->at_top = gtk_adjustment_get_value (adj) <= gtk_adjustment_get_lower (adj) + 1.0;
}

static char *
dup_search_text (GtkSearchEntry *entry)
{
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));

  return g_strstrip (text)[0] != '\0' ? g_steal_pointer (&text) : NULL;
}

static void
on_filter_changed (SluiceRequestsPage *self)
{
  SluiceLedgerFilter filter = SLUICE_LEDGER_FILTER_INIT;
  g_autofree char *text = dup_search_text (self->search_entry);
  g_autofree char *user = dup_search_text (self->user_entry);
  guint model = gtk_drop_down_get_selected (self->model_dropdown);
  guint status = gtk_drop_down_get_selected (self->status_dropdown);
  guint cache = gtk_drop_down_get_selected (self->cache_dropdown);
  guint range = gtk_drop_down_get_selected (self->time_dropdown);

  if (self->model == NULL)
    return;

  filter.text = text;
  filter.user = user;
  if (self->model_names != NULL && model > 0 && model < self->model_names->len)
    filter.model = g_ptr_array_index (self->model_names, model);
  filter.status = status > 0 && status != GTK_INVALID_LIST_POSITION ? (int) status - 1 : -1;
  filter.cache = cache > 0 && cache != GTK_INVALID_LIST_POSITION ? (int) cache - 1 : -1;
  if (range > 0 && range < G_N_ELEMENTS (time_ranges_s))
    filter.since_us = g_get_real_time () - time_ranges_s[range] * G_USEC_PER_SEC;

  self->detail_id = 0;
  sluice_ledger_model_set_filter (self->model, &filter);
}

static void
fill_models (SluiceRequestsPage *self,
             SluiceConfig       *config)
{
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);
  guint n = config != NULL ? sluice_config_get_n_models (config) : 0;

  g_clear_pointer (&self->model_names, g_ptr_array_unref);
  self->model_names = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->model_names, NULL);
  gtk_string_list_append (list, _("Any Model"));

  for (guint i = 0; i < n; i++)
    {
      const char *name = sluice_config_get_model (config, i)->name;

      g_ptr_array_add (self->model_names, g_strdup (name));
      gtk_string_list_append (list, name);
    }

  /* Setting the model resets the selection, which re-filters: only
   * then, so a config change does not clear the user's other filters. */
  if (self->model != NULL)
    g_signal_handlers_block_by_func (self->model_dropdown, on_filter_changed, self);
  gtk_drop_down_set_model (self->model_dropdown, G_LIST_MODEL (list));
  gtk_drop_down_set_selected (self->model_dropdown, 0);
  if (self->model != NULL)
    g_signal_handlers_unblock_by_func (self->model_dropdown, on_filter_changed, self);
}

static void
on_snapshot_changed (SluiceEngineHost   *host,
                     GParamSpec         *pspec,
                     SluiceRequestsPage *self)
{
  SluiceSnapshot *snapshot = sluice_engine_host_get_snapshot (host);
  guint64 settled;

  if (snapshot == NULL || self->model == NULL)
    return;

  /* Every settled request has its ledger row committed first. */
  settled = sluice_snapshot_get_totals (snapshot)->requests;
  if (settled != self->n_settled)
    {
      self->n_settled = settled;
      sluice_ledger_model_refresh (self->model);
    }

  if (sluice_snapshot_get_config_version (snapshot) != self->config_version)
    {
      g_autoptr(SluiceConfig) config = sluice_engine_host_dup_config (host);

      self->config_version = sluice_snapshot_get_config_version (snapshot);
      fill_models (self, config);
    }
}

static void
set_model (SluiceRequestsPage *self,
           SluiceLedgerModel  *model)
{
  stop_waiting (self);
  if (self->model != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->model, self);
      g_clear_object (&self->model);
    }

  self->model = model;
  self->detail_id = 0;
  if (model != NULL)
    {
      g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), self);
      g_signal_connect_swapped (model, "notify::loading", G_CALLBACK (update_count), self);
    }

  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (model));
  update_count (self);
}

static void
sluice_requests_page_dispose (GObject *object)
{
  SluiceRequestsPage *self = (SluiceRequestsPage *)object;
  GtkWidget *child;

  g_cancellable_cancel (self->detail_cancellable);
  g_clear_object (&self->detail_cancellable);
  g_clear_handle_id (&self->top_idle, g_source_remove);
  if (self->host != NULL)
    g_clear_signal_handler (&self->snapshot_handler, self->host);
  g_clear_object (&self->host);
  if (self->selection != NULL)
    set_model (self, NULL);
  g_clear_object (&self->selection);
  g_clear_pointer (&self->model_names, g_ptr_array_unref);

  gtk_widget_dispose_template (GTK_WIDGET (self), SLUICE_TYPE_REQUESTS_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (sluice_requests_page_parent_class)->dispose (object);
}

static void
sluice_requests_page_class_init (SluiceRequestsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sluice_requests_page_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/sluice/Sluice/sluice-requests-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, SluiceRequestsPage, name)
  BIND (search_entry);
  BIND (user_entry);
  BIND (model_dropdown);
  BIND (status_dropdown);
  BIND (cache_dropdown);
  BIND (time_dropdown);
  BIND (list_stack);
  BIND (list_scroller);
  BIND (column_view);
  BIND (count_label);
  BIND (detail_stack);
#undef BIND
  gtk_widget_class_bind_template_child_full (widget_class, "detail_title", FALSE,
    G_STRUCT_OFFSET (SluiceRequestsPage, detail.title));
  gtk_widget_class_bind_template_child_full (widget_class, "detail_grid", FALSE,
    G_STRUCT_OFFSET (SluiceRequestsPage, detail.grid));
  gtk_widget_class_bind_template_child_full (widget_class, "detail_messages", FALSE,
    G_STRUCT_OFFSET (SluiceRequestsPage, detail.messages));
  gtk_widget_class_bind_template_child_full (widget_class, "detail_answer", FALSE,
    G_STRUCT_OFFSET (SluiceRequestsPage, detail.answer));
  gtk_widget_class_bind_template_child_full (widget_class, "detail_trace", FALSE,
    G_STRUCT_OFFSET (SluiceRequestsPage, detail.trace));
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed);
}

static void
sluice_requests_page_init (SluiceRequestsPage *self)
{
  self->config_version = G_MININT64;
  self->at_top = TRUE;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_swapped (self->selection, "notify::selected-item",
                            G_CALLBACK (on_selection_changed), self);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  add_columns (self);
  g_signal_connect (gtk_scrolled_window_get_vadjustment (self->list_scroller),
                    "value-changed", G_CALLBACK (on_scrolled), self);
  g_signal_connect_swapped (self->list_scroller, "map", G_CALLBACK (on_list_mapped), self);
  fill_models (self, NULL);
  update_count (self);
}

GtkWidget *
sluice_requests_page_new (void)
{
  return g_object_new (SLUICE_TYPE_REQUESTS_PAGE, NULL);
}

void
sluice_requests_page_set_host (SluiceRequestsPage *self,
                               SluiceEngineHost   *host)
{
  g_return_if_fail (SLUICE_IS_REQUESTS_PAGE (self));
  g_return_if_fail (!host || SLUICE_IS_ENGINE_HOST (host));

  if (self->host == host)
    return;

  if (self->host != NULL)
    g_clear_signal_handler (&self->snapshot_handler, self->host);
  g_set_object (&self->host, host);

  set_model (self, host != NULL ? sluice_engine_host_new_ledger_model (host) : NULL);

  if (host != NULL)
    {
      self->snapshot_handler = g_signal_connect (host, "notify::snapshot",
                                                 G_CALLBACK (on_snapshot_changed), self);
      on_snapshot_changed (host, NULL, self);
    }
}

/**
 * sluice_requests_page_get_model:
 *
 * Returns: (transfer none) (nullable): the ledger model the log shows
 */
GListModel *
sluice_requests_page_get_model (SluiceRequestsPage *self)
{
  g_return_val_if_fail (SLUICE_IS_REQUESTS_PAGE (self), NULL);

  return G_LIST_MODEL (self->model);
}

void
sluice_requests_page_select (SluiceRequestsPage *self,
                             guint               position)
{
  g_return_if_fail (SLUICE_IS_REQUESTS_PAGE (self));

  gtk_single_selection_set_selected (self->selection, position);
}

/**
 * sluice_requests_page_get_detail_id:
 *
 * Returns: the ledger id of the request the detail pane shows, or 0
 */
gint64
sluice_requests_page_get_detail_id (SluiceRequestsPage *self)
{
  g_return_val_if_fail (SLUICE_IS_REQUESTS_PAGE (self), 0);

  return self->detail_id;
}
