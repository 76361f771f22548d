/* bench-ledger-scroll.c — the request log's model over a million ledger rows
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <sqlite3.h>

#include "sluice.h"
#include "sluice-ledger-model.h"

/* Fills a ledger with ROWS rows in one transaction, then scrolls the
 * console's list model through it the way a list view does: jumps to
 * positions across the whole range and reads the rows around each. Prints
 * how long an item takes to hand out (it must never block: rows arrive
 * later from a worker thread) and how long its page takes to arrive. */

#define ROWS 1000000
#define JUMPS 400

static gboolean
fill (sqlite3  *db,
      gpointer  data,
      GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  const char *models[] = { "mock-large", "mock-small", "mock-local" };
  const char *users[] = { "alice", "bob", "carol", "dave" };

  if (sqlite3_prepare_v2 (db, "INSERT INTO ledger (time_us, request_id, user, task, route, model, "
                              "provider, tokens_in, tokens_out, cost_usd, latency_us, cache, status) "
                              "VALUES (?1, ?2, ?3, 'qa', 'small', ?4, 'mock-cloud-a', 20, 80, 0.0001, "
                              "350000, 'miss', 'ok')", -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;
  for (guint i = 0; i < ROWS; i++)
    {
      char id[32];

      g_snprintf (id, sizeof id, "req_%024u", i);
      sqlite3_bind_int64 (stmt, 1, 1700000000LL * G_USEC_PER_SEC + (gint64) i * 1000);
      sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, users[i % G_N_ELEMENTS (users)], -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, models[i % G_N_ELEMENTS (models)], -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        break;
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  return TRUE;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

static void
report (const char *what,
        GArray     *samples)
{
  g_array_sort (samples, compare_gint64);
#define AT(q) (g_array_index (samples, gint64, MIN (samples->len - 1, (guint) ((q) * samples->len))) / 1000.0)
  printf ("  %-36s %8u  %9.3f  %9.3f  %9.3f\n", what, samples->len, AT (0.5), AT (0.99),
          g_array_index (samples, gint64, samples->len - 1) / 1000.0);
#undef AT
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = g_dir_make_tmp ("bench-ledger-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "ledger.db", NULL);
  g_autoptr(SluiceStore) store = NULL;
  g_autoptr(SluiceLedgerModel) model = NULL;
  g_autoptr(GArray) hand_out = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) arrive = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  GRand *rand = g_rand_new_with_seed (7);
  gint64 t0;
  guint n;

  store = sluice_store_new (path, &error);
  g_assert_no_error (error);
  t0 = g_get_monotonic_time ();
  if (!sluice_store_exec_sync (store, fill, NULL, &error))
    g_error ("fill: %s", error != NULL ? error->message : "insert failed");
  printf ("Request log over %d ledger rows (./run bench console)\n", ROWS);
  printf ("  filled in %.1f s\n", (g_get_monotonic_time () - t0) / 1e6);

  t0 = g_get_monotonic_time ();
  model = sluice_ledger_model_new (store);
  while (g_list_model_get_n_items (G_LIST_MODEL (model)) == 0 &&
         g_get_monotonic_time () - t0 < 60 * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, TRUE);
  n = g_list_model_get_n_items (G_LIST_MODEL (model));
  printf ("  n_items %u, counted in %.1f ms\n\n", n, (g_get_monotonic_time () - t0) / 1000.0);
  g_assert_cmpuint (n, ==, ROWS);

  printf ("  %-36s %8s  %9s  %9s  %9s\n", "", "samples", "p50 ms", "p99 ms", "max ms");
  for (guint j = 0; j < JUMPS; j++)
    {
      guint at = j % 2 == 0 ? (guint) ((guint64) j * (n - 50) / JUMPS) : (guint) g_rand_int_range (rand, 0, (gint32) n - 50);

      /* A screenful of rows around the jump, as a list view asks for them. */
      for (guint k = 0; k < 40; k++)
        {
          g_autoptr(SluiceLedgerItem) item = NULL;
          gint64 start = g_get_monotonic_time (), handed;

          item = g_list_model_get_item (G_LIST_MODEL (model), at + k);
          handed = g_get_monotonic_time ();
          g_array_append_val (hand_out, (gint64) { handed - start });
          while (!sluice_ledger_item_get_loaded (item))
            g_main_context_iteration (NULL, TRUE);
          if (k == 0)
            g_array_append_val (arrive, (gint64) { g_get_monotonic_time () - start });
        }
    }
  report ("get_item (never waits for SQLite)", hand_out);
  report ("a jump: its page of rows arrives", arrive);
  printf ("  pages cached at the end: %u\n", sluice_ledger_model_get_n_cached (model));

  g_clear_object (&model);
  sluice_store_close (store);
  g_rand_free (rand);
  {
    g_autoptr(GFile) d = g_file_new_for_path (dir);
    const char *names[] = { "ledger.db", "ledger.db-wal", "ledger.db-shm" };

    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autoptr(GFile) f = g_file_get_child (d, names[i]);

        g_file_delete (f, NULL, NULL);
      }
    g_file_delete (d, NULL, NULL);
  }
  return 0;
}
