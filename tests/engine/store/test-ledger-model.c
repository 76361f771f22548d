/* test-ledger-model.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-test-store"

#include "config.h"

#include <string.h>

#include "sluice.h"

#define N_ROWS    2000
#define BASE_US   G_GINT64_CONSTANT (1700000000000000)
#define WAIT_S    30

typedef struct
{
  char        *path;
  SluiceStore *store;
} Fixture;

static void
append_row (SluiceStore *store,
            guint        i)
{
  g_autoptr(SluiceLedgerRow) row = sluice_ledger_row_new ();

  row->time_us = BASE_US + (gint64) i * 1000;
  row->request_id = g_strdup_printf ("req-%u", i);
  row->user = g_strdup_printf ("u%u", i % 4);
  row->model = g_strdup_printf ("m%u", i % 3);
  row->provider = g_strdup ("mock");
  row->route = g_strdup ("default");
  row->task = g_strdup ("qa");
  row->tokens_in = i;
  row->tokens_out = 2 * i;
  row->status = i % 10 == 0 ? SLUICE_REQUEST_STATUS_ERROR : SLUICE_REQUEST_STATUS_OK;
  row->cache = i % 5 == 0 ? SLUICE_CACHE_STATUS_EXACT : SLUICE_CACHE_STATUS_MISS;
  /* LIKE wildcards in the search text must match literally: "50%" must
   * not find "500". */
  row->prompt = g_strdup (i % 100 == 7 ? "[{\"content\":\"needle 50% off\"}]"
                                       : "[{\"content\":\"haystack 500 off\"}]");
  row->answer = g_strdup_printf ("answer %u", i);
  row->trace = g_strdup ("[{\"stage\":\"route\"}]");
  sluice_store_append_ledger_async (store, row, NULL, NULL, NULL);
}

static void
append_rows (SluiceStore *store,
             guint        from,
             guint        to)
{
  for (guint i = from; i < to; i++)
    append_row (store, i);
  sluice_store_flush (store);
  /* Let the append tasks report back. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
setup (Fixture       *fixture,
       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->path = g_build_filename (g_get_user_data_dir (), "ledger.db", NULL);
  fixture->store = sluice_store_new (fixture->path, &error);
  g_assert_no_error (error);
  append_rows (fixture->store, 0, N_ROWS);
}

static void
teardown (Fixture       *fixture,
          gconstpointer  data)
{
  sluice_store_close (fixture->store);
  g_clear_object (&fixture->store);
  g_free (fixture->path);
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

typedef gboolean (*Condition) (gpointer data);

static gboolean
wait_until (Condition cond,
            gpointer  data)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (WAIT_S, set_flag, &timed_out);

  while (!cond (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);

  return cond (data);
}

static gboolean
model_idle (gpointer data)
{
  return !sluice_ledger_model_get_loading (data);
}

static gboolean
item_loaded (gpointer data)
{
  return sluice_ledger_item_get_loaded (data);
}

static SluiceLedgerModel *
new_model (Fixture *fixture)
{
  SluiceLedgerModel *model = sluice_ledger_model_new (fixture->store);

  sluice_ledger_model_set_page_size (model, 64, 4);
  g_assert_true (wait_until (model_idle, model));
  return model;
}

/* Returns the row at @position once its page has arrived. */
static const SluiceLedgerRow *
row_at (SluiceLedgerModel *model,
        guint              position)
{
  g_autoptr(SluiceLedgerItem) item = g_list_model_get_item (G_LIST_MODEL (model), position);

  g_assert_nonnull (item);
  g_assert_true (wait_until (item_loaded, item));
  /* The model's page keeps the item alive while it is cached. */
  return sluice_ledger_item_get_row (item);
}

static void
assert_request (SluiceLedgerModel *model,
                guint              position,
                guint              i)
{
  g_autofree char *expected = g_strdup_printf ("req-%u", i);
  g_autoptr(SluiceLedgerItem) item = g_list_model_get_item (G_LIST_MODEL (model), position);

  g_assert_true (wait_until (item_loaded, item));
  g_assert_cmpstr (sluice_ledger_item_get_row (item)->request_id, ==, expected);
}

static void
test_count_and_pages (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(SluiceLedgerModel) model = new_model (fixture);
  g_autoptr(SluiceLedgerItem) first = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_ROWS);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (model)) == SLUICE_TYPE_LEDGER_ITEM);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), N_ROWS));

  /* A placeholder first, filled from a worker thread. */
  first = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_false (sluice_ledger_item_get_loaded (first));
  g_assert_null (sluice_ledger_item_get_row (first));
  g_assert_true (wait_until (item_loaded, first));
  g_assert_cmpstr (sluice_ledger_item_get_row (first)->request_id, ==, "req-1999");
  g_assert_cmpint (sluice_ledger_item_get_row (first)->tokens_out, ==, 2 * 1999);
  g_assert_null (sluice_ledger_item_get_row (first)->prompt);

  /* Newest first at both ends and in the middle, read by offset. */
  assert_request (model, N_ROWS - 1, 0);
  assert_request (model, 1000, N_ROWS - 1 - 1000);
  assert_request (model, 1500, N_ROWS - 1 - 1500);

  /* The same item while its page is cached. */
  {
    g_autoptr(SluiceLedgerItem) again = g_list_model_get_item (G_LIST_MODEL (model), 0);

    g_assert_true (again == first);
  }

  g_assert_cmpuint (sluice_ledger_model_get_n_cached (model), <=, 4);
}

static void
test_scroll_through (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(SluiceLedgerModel) model = new_model (fixture);

  /* Top to bottom, as a scroll does: each page is read from its
   * neighbour's last id. Every row in order, none twice, none missing. */
  for (guint p = 0; p < N_ROWS; p++)
    assert_request (model, p, N_ROWS - 1 - p);

  g_assert_cmpuint (sluice_ledger_model_get_n_cached (model), <=, 4);

  /* And back up, after the top pages were dropped. */
  for (guint p = N_ROWS; p-- > 0;)
    if (p % 7 == 0)
      assert_request (model, p, N_ROWS - 1 - p);
}

typedef struct
{
  guint position;
  guint removed;
  guint added;
  guint calls;
} Change;

static void
on_items_changed (GListModel *list,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Change     *change)
{
  change->position = position;
  change->removed = removed;
  change->added = added;
  change->calls++;
}

static void
test_new_rows (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(SluiceLedgerModel) model = new_model (fixture);
  g_autoptr(SluiceLedgerItem) top = NULL;
  Change change = { 0, };

  /* The newest page is cached and loaded before rows arrive. */
  assert_request (model, 0, N_ROWS - 1);
  assert_request (model, 70, N_ROWS - 1 - 70);
  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), &change);

  append_rows (fixture->store, N_ROWS, N_ROWS + 5);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_ROWS);
  sluice_ledger_model_refresh (model);
  g_assert_true (wait_until (model_idle, model));

  g_assert_cmpuint (change.calls, ==, 1);
  g_assert_cmpuint (change.position, ==, 0);
  g_assert_cmpuint (change.removed, ==, 0);
  g_assert_cmpuint (change.added, ==, 5);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_ROWS + 5);

  for (guint p = 0; p < 80; p++)
    assert_request (model, p, N_ROWS + 4 - p);

  /* Nothing new: no signal. */
  sluice_ledger_model_refresh (model);
  g_assert_true (wait_until (model_idle, model));
  g_assert_cmpuint (change.calls, ==, 1);

  top = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_true (sluice_ledger_item_get_loaded (top));
}

static guint
count_with (Fixture                  *fixture,
            SluiceLedgerModel        *model,
            const SluiceLedgerFilter *filter)
{
  sluice_ledger_model_set_filter (model, filter);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  g_assert_true (wait_until (model_idle, model));
  return g_list_model_get_n_items (G_LIST_MODEL (model));
}

static void
test_filters (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(SluiceLedgerModel) model = new_model (fixture);
  SluiceLedgerFilter filter = SLUICE_LEDGER_FILTER_INIT;
  guint n;

  filter.user = "u1";
  g_assert_cmpuint (count_with (fixture, model, &filter), ==, N_ROWS / 4);
  for (guint p = 0; p < N_ROWS / 4; p += 37)
    g_assert_cmpstr (row_at (model, p)->user, ==, "u1");
  assert_request (model, 0, 1997);

  filter.user = NULL;
  filter.model = "m2";
  filter.status = SLUICE_REQUEST_STATUS_ERROR;
  /* i % 3 == 2 and i % 10 == 0: i % 30 == 20. */
  n = count_with (fixture, model, &filter);
  g_assert_cmpuint (n, ==, 66);
  for (guint p = 0; p < n; p++)
    {
      const SluiceLedgerRow *row = row_at (model, p);

      g_assert_cmpstr (row->model, ==, "m2");
      g_assert_cmpint (row->status, ==, SLUICE_REQUEST_STATUS_ERROR);
    }

  filter = (SluiceLedgerFilter) SLUICE_LEDGER_FILTER_INIT;
  filter.cache = SLUICE_CACHE_STATUS_EXACT;
  filter.since_us = BASE_US + 1000 * 1000;
  filter.until_us = BASE_US + 1500 * 1000;
  g_assert_cmpuint (count_with (fixture, model, &filter), ==, 100);
  assert_request (model, 0, 1495);
  assert_request (model, 99, 1000);

  filter = (SluiceLedgerFilter) SLUICE_LEDGER_FILTER_INIT;
  filter.text = "50%";
  g_assert_cmpuint (count_with (fixture, model, &filter), ==, N_ROWS / 100);
  assert_request (model, 0, 1907);
  assert_request (model, N_ROWS / 100 - 1, 7);

  filter.text = "ANSWER 1999";
  g_assert_cmpuint (count_with (fixture, model, &filter), ==, 1);

  g_assert_cmpuint (count_with (fixture, model, NULL), ==, N_ROWS);
}

static void
on_detail (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  SluiceLedgerRow **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = sluice_ledger_model_load_detail_finish (SLUICE_LEDGER_MODEL (object), result, &error);
  g_assert_no_error (error);
}

static gboolean
pointer_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

static void
test_detail (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(SluiceLedgerModel) model = new_model (fixture);
  g_autoptr(SluiceLedgerRow) detail = NULL;
  const SluiceLedgerRow *row = row_at (model, 1992);

  sluice_ledger_model_load_detail_async (model, row->id, NULL, on_detail, &detail);
  g_assert_true (wait_until (pointer_set, &detail));
  g_assert_cmpstr (detail->request_id, ==, "req-7");
  g_assert_nonnull (strstr (detail->prompt, "needle"));
  g_assert_cmpstr (detail->answer, ==, "answer 7");
  g_assert_nonnull (strstr (detail->trace, "route"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, setup, func, teardown)
  ADD ("/engine/store/ledger-model/count-and-pages", test_count_and_pages);
  ADD ("/engine/store/ledger-model/scroll-through", test_scroll_through);
  ADD ("/engine/store/ledger-model/new-rows", test_new_rows);
  ADD ("/engine/store/ledger-model/filters", test_filters);
  ADD ("/engine/store/ledger-model/detail", test_detail);
#undef ADD

  return g_test_run ();
}
