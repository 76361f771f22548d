/* sluice-store-checkpoint.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-store"

#include "config.h"

#include "sluice-store-private.h"

/* WAL checkpoints off the commit path. SQLite's automatic checkpoint runs
 * inside the COMMIT that crosses the threshold, on the writer thread: it
 * copies the WAL back into the database and, in synchronous=NORMAL, waits
 * for two fsyncs, so the requests whose ledger rows sit in the batch behind
 * it wait milliseconds. Here the writer's WAL hook only wakes a thread of
 * our own, which runs a PASSIVE checkpoint on its own connection; a passive
 * checkpoint never blocks the writer, and the writer's next transaction
 * restarts the WAL once everything was copied back. Durability is the same:
 * every commit's frames are written before COMMIT returns. */

/* The WAL size, in pages, that asks for a checkpoint: SQLite's default. */
#define CHECKPOINT_PAGES 1000

/* Under a load that never pauses, the writer may keep appending behind
 * every background checkpoint, so the WAL is never fully copied back and
 * never restarts. Past this size (about 64 MB) the writer checkpoints
 * inline once, as SQLite would have done, which bounds the file. */
#define INLINE_CHECKPOINT_PAGES (16 * CHECKPOINT_PAGES)

struct _SluiceStoreCheckpointer
{
  sqlite3  *db;
  GThread  *thread;
  GMutex    lock;
  GCond     cond;
  gboolean  wanted;
  gboolean  running;
  gboolean  stop;
  int       next_pages;   /* the writer thread's own */
};

static gpointer
checkpoint_thread (gpointer data)
{
  SluiceStoreCheckpointer *cp = data;

  g_mutex_lock (&cp->lock);
  for (;;)
    {
      while (!cp->wanted && !cp->stop)
        g_cond_wait (&cp->cond, &cp->lock);
      if (cp->stop)
        break;
      cp->wanted = FALSE;
      cp->running = TRUE;
      g_mutex_unlock (&cp->lock);

      if (sqlite3_wal_checkpoint_v2 (cp->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
                                     NULL, NULL) != SQLITE_OK)
        g_debug ("A WAL checkpoint did not finish: %s", sqlite3_errmsg (cp->db));

      g_mutex_lock (&cp->lock);
      cp->running = FALSE;
      g_cond_broadcast (&cp->cond);
    }
  g_mutex_unlock (&cp->lock);

  return NULL;
}

/* Runs on the writer thread after each commit, instead of SQLite's own
 * automatic checkpoint. */
static int
wal_hook (void       *data,
          sqlite3    *db,
          const char *name,
          int         n_pages)
{
  SluiceStoreCheckpointer *cp = data;

  /* Once per CHECKPOINT_PAGES of growth, not after every commit. */
  if (n_pages < CHECKPOINT_PAGES)
    cp->next_pages = CHECKPOINT_PAGES;
  if (n_pages < cp->next_pages)
    return SQLITE_OK;

  g_mutex_lock (&cp->lock);
  if (n_pages >= INLINE_CHECKPOINT_PAGES)
    {
      /* Only one checkpoint runs at a time: let the thread's finish (it
       * starts no other, only this thread asks it to). */
      cp->wanted = FALSE;
      while (cp->running)
        g_cond_wait (&cp->cond, &cp->lock);
      g_mutex_unlock (&cp->lock);
      sqlite3_wal_checkpoint_v2 (db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
      cp->next_pages = CHECKPOINT_PAGES;
      return SQLITE_OK;
    }
  cp->next_pages = n_pages + CHECKPOINT_PAGES;
  cp->wanted = TRUE;
  g_cond_broadcast (&cp->cond);
  g_mutex_unlock (&cp->lock);
  return SQLITE_OK;
}

/* Opens a second connection to @writer_db's file and takes over its WAL
 * checkpoints. Returns %NULL (and SQLite keeps checkpointing inline) when
 * the file is in memory or cannot be opened twice. */
SluiceStoreCheckpointer *
_sluice_store_checkpointer_new (sqlite3 *writer_db)
{
  SluiceStoreCheckpointer *cp;
  const char *path = sqlite3_db_filename (writer_db, "main");
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  if (path == NULL || *path == '\0')
    return NULL;

  db = _sluice_store_open_db (path, FALSE, &error);
  if (db == NULL)
    {
      g_debug ("Checkpoints stay on the writer thread: %s", error->message);
      return NULL;
    }

  cp = g_new0 (SluiceStoreCheckpointer, 1);
  cp->db = db;
  cp->next_pages = CHECKPOINT_PAGES;
  g_mutex_init (&cp->lock);
  g_cond_init (&cp->cond);
  cp->thread = g_thread_new ("sluice-store-checkpoint", checkpoint_thread, cp);
  sqlite3_wal_hook (writer_db, wal_hook, cp);

  return cp;
}

/* Call with the writer thread stopped: the WAL hook must not run any more.
 * The writer's connection, closed after this, does the last checkpoint. */
void
_sluice_store_checkpointer_free (SluiceStoreCheckpointer *cp)
{
  if (cp == NULL)
    return;

  g_mutex_lock (&cp->lock);
  cp->stop = TRUE;
  g_cond_broadcast (&cp->cond);
  g_mutex_unlock (&cp->lock);
  g_thread_join (cp->thread);

  if (sqlite3_close (cp->db) != SQLITE_OK)
    g_warning ("Could not close the store's checkpoint connection: %s",
               sqlite3_errmsg (cp->db));
  g_mutex_clear (&cp->lock);
  g_cond_clear (&cp->cond);
  g_free (cp);
}
