/* sluice-memory-counter-store.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-limits"

#include "config.h"

#include "sluice-memory-counter-store.h"

/* Counters in this process. A window keeps its non-empty one-second buckets
 * in order (a queue) and by second (a table), plus a running total: a
 * decision expires the buckets that left the window from the queue's head,
 * so each bucket is added and removed once and a decision costs O(1)
 * amortised per counter, exact to the second. The same algorithm runs in
 * Redis as a Lua script (sluice-redis-counter-store.c). */

#define MAX_RETRY_WALK 1024

typedef struct
{
  gint64 second;             /* first: the table's key points here */
  gint64 amount;
} Bucket;

typedef struct
{
  gint64      window_s;      /* 0: a gauge, total only */
  gint64      total;
  GQueue      buckets;       /* Bucket, oldest first */
  GHashTable *by_second;     /* &Bucket.second → Bucket */
} Window;

struct _SluiceMemoryCounterStore
{
  SluiceCounterStore  parent_instance;

  GHashTable         *windows;   /* key → Window */
};

G_DEFINE_FINAL_TYPE (SluiceMemoryCounterStore, sluice_memory_counter_store,
                     SLUICE_TYPE_COUNTER_STORE)

static void
window_free (Window *window)
{
  g_queue_clear_full (&window->buckets, g_free);
  g_hash_table_unref (window->by_second);
  g_free (window);
}

static Window *
lookup_window (SluiceMemoryCounterStore *self,
               const char               *key,
               gint64                    window_s)
{
  Window *window = g_hash_table_lookup (self->windows, key);

  if (window == NULL)
    {
      window = g_new0 (Window, 1);
      window->window_s = window_s;
      window->by_second = g_hash_table_new (g_int64_hash, g_int64_equal);
      g_hash_table_insert (self->windows, g_strdup (key), window);
    }

  return window;
}

static void
expire (Window *window,
        gint64  now_s)
{
  Bucket *head;

  if (window->window_s == 0)
    return;

  while ((head = g_queue_peek_head (&window->buckets)) != NULL &&
         head->second <= now_s - window->window_s)
    {
      window->total -= head->amount;
      g_hash_table_remove (window->by_second, &head->second);
      g_free (g_queue_pop_head (&window->buckets));
    }
}

/* Adds to the bucket of second; a second older than the newest bucket (a
 * clock that stepped back) counts in the newest. */
static void
add_at (Window *window,
        gint64  amount,
        gint64  second)
{
  Bucket *tail = g_queue_peek_tail (&window->buckets);

  window->total += amount;
  if (window->window_s == 0)
    {
      window->total = MAX (window->total, 0);
      return;
    }

  if (tail == NULL || tail->second < second)
    {
      tail = g_new0 (Bucket, 1);
      tail->second = second;
      g_queue_push_tail (&window->buckets, tail);
      g_hash_table_insert (window->by_second, &tail->second, tail);
    }

  tail->amount += amount;
}

/* The earliest second at which the window will have room for amount. */
static gint64
retry_at (Window *window,
          gint64  amount,
          gint64  limit)
{
  gint64 need = window->total + amount - limit;
  gint64 freed = 0;
  gint64 last = -1;
  guint walked = 0;

  if (window->window_s == 0 || amount > limit)
    return -1;

  for (GList *l = window->buckets.head; l != NULL && walked < MAX_RETRY_WALK;
       l = l->next, walked++)
    {
      const Bucket *bucket = l->data;

      freed += bucket->amount;
      last = bucket->second + window->window_s;
      if (freed >= need)
        break;
    }

  return last;
}

static SluiceCounterVerdict *
reserve (SluiceMemoryCounterStore *self,
         const SluiceCounterItem  *items,
         guint                     n_items,
         gint64                    now_s)
{
  SluiceCounterVerdict *verdict = g_new0 (SluiceCounterVerdict, 1);
  g_autofree Window **windows = g_new0 (Window *, MAX (n_items, 1));

  verdict->totals = g_new0 (gint64, MAX (n_items, 1));
  verdict->n_items = n_items;
  verdict->refused = -1;
  verdict->retry_at_s = -1;

  for (guint i = 0; i < n_items; i++)
    {
      const SluiceCounterItem *item = &items[i];
      Window *window = lookup_window (self, item->key, item->window_s);

      expire (window, now_s);
      windows[i] = window;
      verdict->totals[i] = window->total;

      if (item->limit > 0 && item->amount > 0 &&
          window->total + item->amount > item->limit)
        {
          verdict->refused = i;
          verdict->used = window->total;
          verdict->retry_at_s = retry_at (window, item->amount, item->limit);
          return verdict;
        }
    }

  for (guint i = 0; i < n_items; i++)
    {
      if (items[i].amount != 0)
        add_at (windows[i], items[i].amount, now_s);
      verdict->totals[i] = windows[i]->total;
    }

  verdict->granted = TRUE;

  return verdict;
}

static void
adjust_one (Window *window,
            gint64  amount,
            gint64  now_s,
            gint64  at_s)
{
  Bucket *bucket;

  if (window->window_s == 0)
    {
      add_at (window, amount, now_s);
      return;
    }

  /* The delta belongs to the bucket the reservation went to, so that it
   * expires with it; once that bucket left the window, only growth still
   * counts, now. */
  bucket = at_s > now_s - window->window_s
           ? g_hash_table_lookup (window->by_second, &at_s) : NULL;
  if (bucket != NULL)
    {
      gint64 delta = MAX (amount, -bucket->amount);

      bucket->amount += delta;
      window->total += delta;
    }
  else if (amount > 0)
    {
      add_at (window, amount, now_s);
    }
}

/**
 * sluice_memory_counter_store_apply:
 *
 * The synchronous decision behind apply_async(), for the bench and tests.
 *
 * Returns: (transfer full): the verdict
 */
SluiceCounterVerdict *
sluice_memory_counter_store_apply (SluiceMemoryCounterStore *self,
                                   SluiceCounterOp           op,
                                   const SluiceCounterItem  *items,
                                   guint                     n_items,
                                   gint64                    now_s,
                                   gint64                    at_s)
{
  SluiceCounterVerdict *verdict;

  g_return_val_if_fail (SLUICE_IS_MEMORY_COUNTER_STORE (self), NULL);

  if (op == SLUICE_COUNTER_OP_RESERVE)
    return reserve (self, items, n_items, now_s);

  verdict = g_new0 (SluiceCounterVerdict, 1);
  verdict->granted = TRUE;
  verdict->refused = -1;
  verdict->retry_at_s = -1;
  verdict->totals = g_new0 (gint64, MAX (n_items, 1));
  verdict->n_items = n_items;

  for (guint i = 0; i < n_items; i++)
    {
      Window *window = lookup_window (self, items[i].key, items[i].window_s);

      expire (window, now_s);
      if (items[i].amount != 0)
        adjust_one (window, items[i].amount, now_s, at_s);
      verdict->totals[i] = window->total;
    }

  return verdict;
}

/**
 * sluice_memory_counter_store_add:
 *
 * Counts past usage (from the ledger at start) in the bucket of at_s.
 * Call in time order.
 */
void
sluice_memory_counter_store_add (SluiceMemoryCounterStore *self,
                                 const char               *key,
                                 gint64                    window_s,
                                 gint64                    amount,
                                 gint64                    at_s)
{
  g_return_if_fail (SLUICE_IS_MEMORY_COUNTER_STORE (self));
  g_return_if_fail (key != NULL);

  if (amount != 0)
    add_at (lookup_window (self, key, window_s), amount, at_s);
}

guint
sluice_memory_counter_store_get_n_buckets (SluiceMemoryCounterStore *self,
                                           const char               *key)
{
  Window *window;

  g_return_val_if_fail (SLUICE_IS_MEMORY_COUNTER_STORE (self), 0);

  window = g_hash_table_lookup (self->windows, key);

  return window != NULL ? window->buckets.length : 0;
}

static void
sluice_memory_counter_store_apply_async (SluiceCounterStore       *store,
                                         SluiceCounterOp           op,
                                         const SluiceCounterItem  *items,
                                         guint                     n_items,
                                         gint64                    now_s,
                                         gint64                    at_s,
                                         GCancellable             *cancellable,
                                         GAsyncReadyCallback       callback,
                                         gpointer                  user_data)
{
  SluiceMemoryCounterStore *self = SLUICE_MEMORY_COUNTER_STORE (store);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, sluice_memory_counter_store_apply_async);

  /* Decided here and now, so that decisions never interleave; the task only
   * carries the verdict to the caller. */
  g_task_return_pointer (task,
                         sluice_memory_counter_store_apply (self, op, items, n_items,
                                                            now_s, at_s),
                         (GDestroyNotify) sluice_counter_verdict_free);
}

static SluiceCounterVerdict *
sluice_memory_counter_store_apply_finish (SluiceCounterStore  *store,
                                          GAsyncResult        *result,
                                          GError             **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
sluice_memory_counter_store_finalize (GObject *object)
{
  SluiceMemoryCounterStore *self = (SluiceMemoryCounterStore *) object;

  g_clear_pointer (&self->windows, g_hash_table_unref);

  G_OBJECT_CLASS (sluice_memory_counter_store_parent_class)->finalize (object);
}

static void
sluice_memory_counter_store_class_init (SluiceMemoryCounterStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SluiceCounterStoreClass *store_class = SLUICE_COUNTER_STORE_CLASS (klass);

  object_class->finalize = sluice_memory_counter_store_finalize;
  store_class->apply_async = sluice_memory_counter_store_apply_async;
  store_class->apply_finish = sluice_memory_counter_store_apply_finish;
}

static void
sluice_memory_counter_store_init (SluiceMemoryCounterStore *self)
{
  self->windows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) window_free);
}

SluiceCounterStore *
sluice_memory_counter_store_new (void)
{
  return g_object_new (SLUICE_TYPE_MEMORY_COUNTER_STORE, NULL);
}
