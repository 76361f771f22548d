/* sluice-ledger-model.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-store"

#include "config.h"

#include "sluice-ledger-model.h"
#include "sluice-ledger-query.h"

/* A GListModel over the ledger, newest first, for a request log of any
 * length. It knows only the number of matching rows; items are made on
 * demand as placeholders and filled when their page arrives from a worker
 * thread, so the UI thread never waits for SQLite.
 *
 * Rows are numbered by rank from the oldest matching row, which new rows
 * never change (they only ever get larger ids): position = n - 1 - rank.
 * A page holds page_size consecutive ranks; the newest pages stay valid as
 * rows arrive, and a page read starts from a neighbour's id when one is
 * cached (O(page) whatever the depth), else from the nearer end by OFFSET.
 * The least recently used pages are dropped beyond max_pages. */

struct _SluiceLedgerItem
{
  GObject          parent_instance;
  SluiceLedgerRow *row;            /* NULL while a placeholder */
};

G_DEFINE_FINAL_TYPE (SluiceLedgerItem, sluice_ledger_item, G_TYPE_OBJECT)

enum {
  ITEM_PROP_0,
  ITEM_PROP_LOADED,
  ITEM_N_PROPS
};

static GParamSpec *item_properties [ITEM_N_PROPS];

typedef struct
{
  guint      index;
  GPtrArray *items;                /* SluiceLedgerItem* or NULL, page_size long */
  GList      link;                 /* in the LRU queue */
  gboolean   pending;
} Page;

struct _SluiceLedgerModel
{
  GObject            parent_instance;

  SluiceStore       *store;
  SluiceLedgerQuery  filter;       /* only the filter fields are used */
  GCancellable      *cancellable;
  guint              generation;
  guint              n_items;
  gint64             top_id;
  gboolean           counted;
  gboolean           refreshing;
  gboolean           refresh_again;
  guint              n_pending;

  guint              page_size;
  guint              max_pages;
  GHashTable        *pages;        /* page index -> Page* */
  GQueue             lru;          /* Page*, most recent first */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SluiceLedgerModel, sluice_ledger_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_LOADING,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

/* Items. */

static void
sluice_ledger_item_finalize (GObject *object)
{
  g_clear_pointer (&SLUICE_LEDGER_ITEM (object)->row, sluice_ledger_row_free);

  G_OBJECT_CLASS (sluice_ledger_item_parent_class)->finalize (object);
}

static void
sluice_ledger_item_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  switch (prop_id)
    {
    case ITEM_PROP_LOADED:
      g_value_set_boolean (value, SLUICE_LEDGER_ITEM (object)->row != NULL);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sluice_ledger_item_class_init (SluiceLedgerItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sluice_ledger_item_finalize;
  object_class->get_property = sluice_ledger_item_get_property;

  item_properties [ITEM_PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, ITEM_N_PROPS, item_properties);
}

static void
sluice_ledger_item_init (SluiceLedgerItem *self)
{
}

static void
item_fill (SluiceLedgerItem *self,
           SluiceLedgerRow  *row)
{
  if (self->row != NULL)
    {
      sluice_ledger_row_free (row);
      return;
    }

  self->row = row;
  g_object_notify_by_pspec (G_OBJECT (self), item_properties [ITEM_PROP_LOADED]);
}

gboolean
sluice_ledger_item_get_loaded (SluiceLedgerItem *self)
{
  g_return_val_if_fail (SLUICE_IS_LEDGER_ITEM (self), FALSE);

  return self->row != NULL;
}

/**
 * sluice_ledger_item_get_row:
 *
 * Returns: (transfer none) (nullable): the row without its prompt, answer
 *   and trace, or %NULL while the item is a placeholder
 */
const SluiceLedgerRow *
sluice_ledger_item_get_row (SluiceLedgerItem *self)
{
  g_return_val_if_fail (SLUICE_IS_LEDGER_ITEM (self), NULL);

  return self->row;
}

gint64
sluice_ledger_item_get_id (SluiceLedgerItem *self)
{
  g_return_val_if_fail (SLUICE_IS_LEDGER_ITEM (self), 0);

  return self->row != NULL ? self->row->id : 0;
}

/* Pages. */

static void
item_unref (gpointer item)
{
  if (item != NULL)
    g_object_unref (item);
}

static void
page_free (gpointer data)
{
  Page *page = data;

  g_ptr_array_unref (page->items);
  g_free (page);
}

static void
drop_pages (SluiceLedgerModel *self)
{
  /* The links live inside the pages. */
  g_queue_init (&self->lru);
  g_hash_table_remove_all (self->pages);
}

static void
set_pending (SluiceLedgerModel *self,
             int                delta)
{
  gboolean was = self->n_pending > 0;

  self->n_pending += delta;
  if (was != (self->n_pending > 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_LOADING]);
}

static Page *
lookup_page (SluiceLedgerModel *self,
             guint              index)
{
  return g_hash_table_lookup (self->pages, GUINT_TO_POINTER (index));
}

static Page *
ensure_page (SluiceLedgerModel *self,
             guint              index)
{
  Page *page = lookup_page (self, index);

  if (page != NULL)
    {
      g_queue_unlink (&self->lru, &page->link);
      g_queue_push_head_link (&self->lru, &page->link);
      return page;
    }

  page = g_new0 (Page, 1);
  page->index = index;
  page->items = g_ptr_array_new_full (self->page_size, item_unref);
  g_ptr_array_set_size (page->items, self->page_size);
  page->link.data = page;
  g_hash_table_insert (self->pages, GUINT_TO_POINTER (index), page);
  g_queue_push_head_link (&self->lru, &page->link);

  while (self->lru.length > MAX (self->max_pages, 1))
    {
      Page *old = g_queue_peek_tail (&self->lru);

      g_queue_unlink (&self->lru, &old->link);
      g_hash_table_remove (self->pages, GUINT_TO_POINTER (old->index));
    }

  return page;
}

static gint64
loaded_id (SluiceLedgerModel *self,
           guint              index,
           guint              slot)
{
  Page *page = lookup_page (self, index);
  SluiceLedgerItem *item;

  if (page == NULL)
    return 0;

  item = g_ptr_array_index (page->items, slot);
  return item != NULL ? sluice_ledger_item_get_id (item) : 0;
}

/* Chooses how to read @page's ranks [first, first + count): backwards from
 * the next page's first id, forwards from the previous page's last, or by
 * OFFSET from whichever end is nearer. */
static void
plan_page_query (SluiceLedgerModel *self,
                 SluiceLedgerQuery *query,
                 guint              index,
                 gint64             first,
                 gint64             count)
{
  gint64 before = loaded_id (self, index + 1, 0);
  gint64 after = index > 0 ? loaded_id (self, index - 1, self->page_size - 1) : 0;
  gint64 from_top = self->n_items - (first + count);

  query->limit = count;
  query->hi_id = self->top_id;

  if (before > 0)
    {
      query->hi_id = before - 1;
      query->descending = TRUE;
    }
  else if (after > 0)
    query->lo_id = after;
  else if (from_top < first)
    {
      query->descending = TRUE;
      query->offset = from_top;
    }
  else
    query->offset = first;
}

static void page_read_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data);

static void
query_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  SluiceLedgerModel *self = source_object;
  GError *error = NULL;

  if (!_sluice_ledger_query_run (self->store, task_data, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
start_query (SluiceLedgerModel   *self,
             SluiceLedgerQuery   *query,
             GAsyncReadyCallback  callback)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, callback, NULL);

  g_task_set_source_tag (task, start_query);
  g_task_set_task_data (task, query, (GDestroyNotify) _sluice_ledger_query_free);
  set_pending (self, 1);
  g_task_run_in_thread (task, query_thread);
}

static void
fetch_page (SluiceLedgerModel *self,
            Page              *page)
{
  SluiceLedgerQuery *query = _sluice_ledger_query_copy (&self->filter);
  gint64 first = (gint64) page->index * self->page_size;
  gint64 count = MIN ((gint64) self->page_size, (gint64) self->n_items - first);

  g_assert (count > 0);

  query->kind = SLUICE_LEDGER_QUERY_PAGE;
  query->generation = self->generation;
  query->page = page->index;
  query->first_rank = first;
  plan_page_query (self, query, page->index, first, count);

  page->pending = TRUE;
  start_query (self, query, page_read_cb);
}

/* Whether @page has a placeholder still waiting for its row. */
static gboolean
page_has_placeholders (SluiceLedgerModel *self,
                       Page              *page)
{
  for (guint i = 0; i < page->items->len; i++)
    {
      SluiceLedgerItem *item = g_ptr_array_index (page->items, i);

      if (item != NULL && item->row == NULL &&
          (gint64) page->index * self->page_size + i < self->n_items)
        return TRUE;
    }
  return FALSE;
}

static guint
fill_page (SluiceLedgerModel *self,
           Page              *page,
           SluiceLedgerQuery *query)
{
  guint filled = 0;

  for (guint j = 0; j < query->rows->len; j++)
    {
      gint64 rank = query->descending
        ? query->first_rank + query->limit - 1 - j
        : query->first_rank + j;
      guint slot = rank - (gint64) page->index * self->page_size;
      SluiceLedgerItem *item;

      if (rank < query->first_rank || slot >= self->page_size)
        continue;

      item = g_ptr_array_index (page->items, slot);
      if (item == NULL)
        {
          item = g_object_new (SLUICE_TYPE_LEDGER_ITEM, NULL);
          page->items->pdata[slot] = item;
        }
      if (item->row == NULL)
        filled++;
      item_fill (item, g_steal_pointer (&query->rows->pdata[j]));
    }

  return filled;
}

static void
page_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  SluiceLedgerModel *self = SLUICE_LEDGER_MODEL (object);
  SluiceLedgerQuery *query = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  Page *page;

  set_pending (self, -1);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not read the request log: %s", error->message);
      return;
    }

  /* The filter changed meanwhile, or the page was dropped. */
  if (query->generation != self->generation ||
      (page = lookup_page (self, query->page)) == NULL)
    return;

  page->pending = FALSE;

  /* Rows arrived while this page was read: read the rest. A read that
   * filled nothing would fill nothing again. */
  if (fill_page (self, page, query) > 0 && page_has_placeholders (self, page))
    fetch_page (self, page);
}

/* Counting. */

static void count_read_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data);

static void
start_count (SluiceLedgerModel *self)
{
  SluiceLedgerQuery *query = _sluice_ledger_query_copy (&self->filter);

  query->kind = SLUICE_LEDGER_QUERY_COUNT;
  query->generation = self->generation;
  query->lo_id = self->top_id;
  self->refreshing = TRUE;
  start_query (self, query, count_read_cb);
}

static void
count_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  SluiceLedgerModel *self = SLUICE_LEDGER_MODEL (object);
  SluiceLedgerQuery *query = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  guint added;

  set_pending (self, -1);

  if (query->generation != self->generation)
    return;

  self->refreshing = FALSE;
  self->counted = TRUE;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not count the request log: %s", error->message);
      return;
    }

  added = (guint) MIN (query->count, (gint64) (G_MAXUINT - self->n_items));
  if (added > 0)
    {
      self->n_items += added;
      self->top_id = MAX (self->top_id, query->max_id);
      g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, added);
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_N_ITEMS]);
    }

  if (self->refresh_again)
    {
      self->refresh_again = FALSE;
      start_count (self);
    }
}

/* GListModel. */

static GType
get_item_type (GListModel *model)
{
  return SLUICE_TYPE_LEDGER_ITEM;
}

static guint
get_n_items (GListModel *model)
{
  return SLUICE_LEDGER_MODEL (model)->n_items;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  SluiceLedgerModel *self = SLUICE_LEDGER_MODEL (model);
  guint rank, slot;
  SluiceLedgerItem *item;
  Page *page;

  if (position >= self->n_items)
    return NULL;

  rank = self->n_items - 1 - position;
  page = ensure_page (self, rank / self->page_size);
  slot = rank % self->page_size;
  item = g_ptr_array_index (page->items, slot);

  if (item == NULL)
    {
      item = g_object_new (SLUICE_TYPE_LEDGER_ITEM, NULL);
      page->items->pdata[slot] = item;
    }

  if (item->row == NULL && !page->pending)
    fetch_page (self, page);

  return g_object_ref (item);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

/* The model. */

static void
sluice_ledger_model_dispose (GObject *object)
{
  SluiceLedgerModel *self = SLUICE_LEDGER_MODEL (object);

  g_cancellable_cancel (self->cancellable);
  drop_pages (self);

  G_OBJECT_CLASS (sluice_ledger_model_parent_class)->dispose (object);
}

static void
sluice_ledger_model_finalize (GObject *object)
{
  SluiceLedgerModel *self = SLUICE_LEDGER_MODEL (object);

  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  _sluice_ledger_query_set_filter (&self->filter, NULL);
  g_clear_pointer (&self->pages, g_hash_table_unref);

  G_OBJECT_CLASS (sluice_ledger_model_parent_class)->finalize (object);
}

static void
sluice_ledger_model_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  SluiceLedgerModel *self = SLUICE_LEDGER_MODEL (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, sluice_ledger_model_get_loading (self));
      break;

    case PROP_N_ITEMS:
      g_value_set_uint (value, self->n_items);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sluice_ledger_model_class_init (SluiceLedgerModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sluice_ledger_model_dispose;
  object_class->finalize = sluice_ledger_model_finalize;
  object_class->get_property = sluice_ledger_model_get_property;

  properties [PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties [PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sluice_ledger_model_init (SluiceLedgerModel *self)
{
  self->cancellable = g_cancellable_new ();
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, page_free);
  self->page_size = 256;
  self->max_pages = 64;
  self->filter.status = self->filter.cache = -1;
}

/**
 * sluice_ledger_model_new:
 * @store: the store whose ledger to show
 *
 * Creates a model of every ledger row, newest first, and starts counting
 * them on a worker thread. Its signals are emitted on the thread-default
 * main context of the caller.
 *
 * Returns: (transfer full): a new model
 */
SluiceLedgerModel *
sluice_ledger_model_new (SluiceStore *store)
{
  SluiceLedgerModel *self;

  g_return_val_if_fail (SLUICE_IS_STORE (store), NULL);

  self = g_object_new (SLUICE_TYPE_LEDGER_MODEL, NULL);
  self->store = g_object_ref (store);
  start_count (self);

  return self;
}

/**
 * sluice_ledger_model_set_filter:
 * @filter: (nullable): what to show; %NULL for every row
 *
 * Empties the model, then counts the matching rows again.
 */
void
sluice_ledger_model_set_filter (SluiceLedgerModel        *self,
                                const SluiceLedgerFilter *filter)
{
  guint removed;

  g_return_if_fail (SLUICE_IS_LEDGER_MODEL (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  self->generation++;
  _sluice_ledger_query_set_filter (&self->filter, filter);
  drop_pages (self);
  removed = self->n_items;
  self->n_items = 0;
  self->top_id = 0;
  self->counted = FALSE;
  self->refresh_again = FALSE;

  if (removed > 0)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_N_ITEMS]);
    }

  start_count (self);
}

/**
 * sluice_ledger_model_set_page_size:
 * @page_size: rows read at once
 * @max_pages: pages kept before the least recently used is dropped
 *
 * Changes the paging; the cached pages are dropped.
 */
void
sluice_ledger_model_set_page_size (SluiceLedgerModel *self,
                                   guint              page_size,
                                   guint              max_pages)
{
  g_return_if_fail (SLUICE_IS_LEDGER_MODEL (self));
  g_return_if_fail (page_size > 0 && max_pages > 0);

  self->generation++;
  drop_pages (self);
  self->page_size = page_size;
  self->max_pages = max_pages;
  if (self->refreshing)
    {
      /* The count in flight belongs to the old generation. */
      self->refreshing = FALSE;
      self->refresh_again = FALSE;
      sluice_ledger_model_refresh (self);
    }
}

/**
 * sluice_ledger_model_refresh:
 *
 * Looks for rows committed since the last count, off the calling thread;
 * they appear at the top (position 0) when found.
 */
void
sluice_ledger_model_refresh (SluiceLedgerModel *self)
{
  g_return_if_fail (SLUICE_IS_LEDGER_MODEL (self));

  if (self->refreshing)
    self->refresh_again = TRUE;
  else
    start_count (self);
}

/**
 * sluice_ledger_model_get_loading:
 *
 * Returns: whether a count or a page read is in flight
 */
gboolean
sluice_ledger_model_get_loading (SluiceLedgerModel *self)
{
  g_return_val_if_fail (SLUICE_IS_LEDGER_MODEL (self), FALSE);

  return self->n_pending > 0;
}

/**
 * sluice_ledger_model_get_n_cached:
 *
 * Returns: how many pages are cached now
 */
guint
sluice_ledger_model_get_n_cached (SluiceLedgerModel *self)
{
  g_return_val_if_fail (SLUICE_IS_LEDGER_MODEL (self), 0);

  return g_hash_table_size (self->pages);
}

static void
detail_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  SluiceLedgerModel *self = source_object;
  gint64 id = *(gint64 *) task_data;
  GError *error = NULL;
  SluiceLedgerRow *row = sluice_store_load_ledger_detail (self->store, id, &error);

  if (row == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, row, (GDestroyNotify) sluice_ledger_row_free);
}

/**
 * sluice_ledger_model_load_detail_async:
 * @id: a ledger row's id
 *
 * Reads the row with its prompt, answer and trace on a worker thread.
 */
void
sluice_ledger_model_load_detail_async (SluiceLedgerModel   *self,
                                       gint64               id,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SLUICE_IS_LEDGER_MODEL (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sluice_ledger_model_load_detail_async);
  g_task_set_task_data (task, g_memdup2 (&id, sizeof id), g_free);
  g_task_run_in_thread (task, detail_thread);
}

/**
 * sluice_ledger_model_load_detail_finish:
 *
 * Returns: (transfer full): the full row, or %NULL with @error set
 */
SluiceLedgerRow *
sluice_ledger_model_load_detail_finish (SluiceLedgerModel  *self,
                                        GAsyncResult       *result,
                                        GError            **error)
{
  g_return_val_if_fail (SLUICE_IS_LEDGER_MODEL (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
