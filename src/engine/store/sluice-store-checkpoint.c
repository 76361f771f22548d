/* sluice-store-checkpoint.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-store"

#include "config.h"

#include "sluice-store-private.h"

/* Checkpoints mostly off the request path. SQLite's automatic checkpoint
 * runs inside the COMMIT that crosses 1,000 WAL frames and copies all of
 * them, then fsyncs the WAL and the database file: milliseconds, on one
 * request in a few hundred, which is where the gateway's p99 went.
 *
 * So this thread, on a connection of its own, copies the WAL into the
 * database with PASSIVE checkpoints (which never block the writer) as soon
 * as the WAL holds BACKGROUND_FRAMES. Only the writer can start the WAL
 * over, and only when every frame was copied before its transaction
 * began; under steady load the background copy is always a few commits
 * behind. So at RESTART_FRAMES the writer itself checkpoints what the
 * background has not copied yet (a few commits' frames and two small
 * fsyncs, instead of everything), and the WAL starts over at the next
 * commit. The durability of a commit does not change: in WAL mode with
 * synchronous NORMAL a committed row is in the WAL either way. */

#define BACKGROUND_FRAMES 500
#define RESTART_FRAMES 1000

struct _SluiceStoreCheckpointer
{
  sqlite3  *db;
  GThread  *thread;
  GMutex    lock;
  GCond     cond;
  gboolean  wanted;
  gboolean  stopping;
  guint     n_checkpoints;   /* atomic; for tests */
};

static int
wal_hook (gpointer    data,
          sqlite3    *db,
          const char *name,
          int         n_frames)
{
  SluiceStoreCheckpointer *self = data;

  if (n_frames < BACKGROUND_FRAMES)
    return SQLITE_OK;

  /* BUSY while a background pass still holds the checkpoint lock; no new
   * one starts from here on, so the next commit gets it. */
  if (n_frames >= RESTART_FRAMES)
    {
      sqlite3_wal_checkpoint_v2 (db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
      return SQLITE_OK;
    }

  g_mutex_lock (&self->lock);
  if (!self->wanted)
    {
      self->wanted = TRUE;
      g_cond_signal (&self->cond);
    }
  g_mutex_unlock (&self->lock);
  return SQLITE_OK;
}

static gpointer
checkpoint_thread (gpointer data)
{
  SluiceStoreCheckpointer *self = data;

  g_mutex_lock (&self->lock);
  for (;;)
    {
      int rc;

      while (!self->wanted && !self->stopping)
        g_cond_wait (&self->cond, &self->lock);
      if (self->stopping)
        break;
      g_mutex_unlock (&self->lock);

      rc = sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
      if (rc != SQLITE_OK && rc != SQLITE_BUSY)
        g_warning ("A checkpoint of the store failed: %s", sqlite3_errmsg (self->db));
      g_atomic_int_inc (&self->n_checkpoints);

      g_mutex_lock (&self->lock);
      self->wanted = FALSE;
    }
  g_mutex_unlock (&self->lock);
  return NULL;
}

/* Takes over checkpointing for @writer_db (a write connection in WAL
 * mode). Returns %NULL, leaving SQLite's automatic checkpoints on, when a
 * second connection cannot be opened (an in-memory database, say). */
SluiceStoreCheckpointer *
_sluice_store_checkpointer_new (sqlite3 *writer_db)
{
  SluiceStoreCheckpointer *self;
  const char *path = sqlite3_db_filename (writer_db, "main");
  g_autoptr(GError) error = NULL;
  sqlite3 *db;

  if (path == NULL || *path == '\0')
    return NULL;
  db = _sluice_store_open_db (path, FALSE, &error);
  if (db == NULL)
    {
      g_warning ("Checkpoints stay on the write path: %s", error->message);
      return NULL;
    }

  self = g_new0 (SluiceStoreCheckpointer, 1);
  self->db = db;
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->thread = g_thread_new ("sluice-store-checkpoint", checkpoint_thread, self);
  /* Replaces wal_autocheckpoint, which is itself a WAL hook. */
  sqlite3_wal_hook (writer_db, wal_hook, self);
  return self;
}

guint
_sluice_store_checkpointer_get_n_checkpoints (SluiceStoreCheckpointer *self)
{
  return self != NULL ? g_atomic_int_get (&self->n_checkpoints) : 0;
}

/* Call after the writer thread has stopped (so the hook no longer fires)
 * and before the write connection closes, whose close then checkpoints
 * what is left and removes the WAL. */
void
_sluice_store_checkpointer_free (SluiceStoreCheckpointer *self)
{
  if (self == NULL)
    return;

  g_mutex_lock (&self->lock);
  self->stopping = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
  g_thread_join (self->thread);

  if (sqlite3_close (self->db) != SQLITE_OK)
    g_warning ("Could not close the store's checkpoint connection: %s",
               sqlite3_errmsg (self->db));
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self);
}
