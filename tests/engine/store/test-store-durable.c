/* test-store-durable.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-test-store"

#include "config.h"

#include <signal.h>
#include <stdio.h>

#include "sluice.h"

/* The test binary runs itself with this argument as the child that is
 * killed. */
#define WRITER_ARG "--ledger-writer"

#define N_READ 60

/* The child: appends rows until killed, printing each request id only
 * after append_ledger_now() or append_ledger_sync() reported it
 * committed. */
static int
run_ledger_writer (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SluiceStore) store = sluice_store_new (path, &error);

  if (store == NULL)
    {
      g_printerr ("ledger writer: %s\n", error->message);
      return 1;
    }

  for (guint i = 0; i < 1000000; i++)
    {
      g_autofree char *rid = g_strdup_printf ("durable-%u", i);
      g_autoptr(SluiceLedgerRow) row = sluice_ledger_row_new ();

      row->time_us = i;
      row->request_id = g_strdup (rid);
      row->model = g_strdup ("mock-small");
      row->tokens_in = i;

      gint64 id = 0;

      /* Every other row is committed on this thread, the rest through the
       * writer's queue: both must survive the kill. */
      if (i % 2 == 0)
        id = sluice_store_append_ledger_now (store, row, &error);
      if (id == 0)
        id = sluice_store_append_ledger_sync (store, row, &error);
      if (id <= 0)
        {
          g_printerr ("ledger writer: %s\n", error->message);
          return 1;
        }
      printf ("%s\n", rid);
      fflush (stdout);
    }

  return 0;
}

static GSubprocess *
spawn_writer (const char  *path,
              GError     **error)
{
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", error);

  if (self_exe == NULL)
    return NULL;

  return g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, error,
                           self_exe, WRITER_ARG, path, NULL);
}

static void
read_lines (GDataInputStream *lines,
            GPtrArray        *printed,
            guint             max)
{
  g_autoptr(GError) error = NULL;
  char *line;

  while (printed->len < max &&
         (line = g_data_input_stream_read_line (lines, NULL, NULL, &error)) != NULL)
    g_ptr_array_add (printed, line);
  g_assert_no_error (error);
}

/* Kills a writer with SIGKILL after it reported N_READ commits; every
 * row it reported must be in the ledger when the file is opened again. */
static void
test_ledger_durable (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GPtrArray) printed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SluiceStore) store = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GHashTable) stored = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "durable.db", NULL);

  child = spawn_writer (path, &error);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));

  read_lines (lines, printed, N_READ);
  g_assert_cmpuint (printed->len, ==, N_READ);

  g_subprocess_force_exit (child);
  /* Whatever it printed before dying was committed too. */
  read_lines (lines, printed, G_MAXUINT);
  g_assert_true (g_subprocess_wait (child, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (child));
  g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);

  store = sluice_store_new (path, &error);
  g_assert_no_error (error);
  rows = sluice_store_query_ledger (store, 0, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    {
      SluiceLedgerRow *row = g_ptr_array_index (rows, i);

      g_hash_table_add (stored, row->request_id);
    }

  g_test_message ("the child printed %u ids, the ledger has %u rows",
                  printed->len, rows->len);
  g_assert_cmpuint (rows->len, >=, printed->len);
  for (guint i = 0; i < printed->len; i++)
    {
      const char *rid = g_ptr_array_index (printed, i);

      if (!g_hash_table_contains (stored, rid))
        g_error ("The committed row %s was lost", rid);
    }
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 3 && g_str_equal (argv[1], WRITER_ARG))
    return run_ledger_writer (argv[2]);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/engine/store/ledger/durable", test_ledger_durable);

  return g_test_run ();
}
