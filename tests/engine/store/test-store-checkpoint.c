/* test-store-checkpoint.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-test-store"

#include "config.h"

#include <glib/gstdio.h>

#include "sluice.h"

/* WAL checkpoints run on their own thread (sluice-store-checkpoint.c).
 * Whatever that thread manages, the WAL stays bounded (the writer takes
 * over past about 16,000 pages) and every committed row is in the file
 * after close, with the WAL gone. */

#define N_ROWS 2400
#define PROMPT_BYTES 12000
/* 16,000 pages of 4,096 bytes plus frame headers, and one commit's worth. */
#define WAL_BOUND ((gint64) 16100 * (4096 + 24))

static void
test_wal_bounded (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "checkpoint.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *prompt = g_strnfill (PROMPT_BYTES, 'p');
  g_autoptr(GError) error = NULL;
  g_autoptr(SluiceStore) store = sluice_store_new (path, &error);
  GStatBuf st;

  g_assert_no_error (error);

  /* About 4 pages a row (3 of prompt, the row, the indexes): the WAL
   * passes both the background and the inline thresholds. */
  for (guint i = 0; i < N_ROWS; i++)
    {
      g_autoptr(SluiceLedgerRow) row = sluice_ledger_row_new ();

      row->time_us = i;
      row->request_id = g_strdup_printf ("checkpoint-%u", i);
      row->model = g_strdup ("mock-small");
      row->prompt = g_strdup (prompt);
      g_assert_cmpint (sluice_store_append_ledger_sync (store, row, &error), >, 0);
      g_assert_no_error (error);
    }

  g_assert_cmpint (g_stat (wal, &st), ==, 0);
  g_test_message ("WAL high-water mark after %u rows: %" G_GINT64_FORMAT " bytes",
                  N_ROWS, (gint64) st.st_size);
  g_assert_cmpint ((gint64) st.st_size, <=, WAL_BOUND);
  g_assert_cmpint (sluice_store_count_ledger (store, &error), ==, N_ROWS);

  /* Close stops the checkpoint thread before the writer's connection,
   * whose close copies the rest back and removes the WAL. */
  sluice_store_close (store);
  g_clear_object (&store);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));

  store = sluice_store_new (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sluice_store_count_ledger (store, &error), ==, N_ROWS);
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/engine/store/checkpoint/wal-bounded", test_wal_bounded);

  return g_test_run ();
}
