/* sluice-storm-guard.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-storm"

#include "config.h"

#include "sluice-storm-guard.h"

/* The same prompt from the same user, again and again, is a client stuck in
 * a retry loop: the one that sent a 32K-token prompt for six hours. After
 * max_repeats within window_s, further copies are refused until the oldest
 * leaves the window. Keyed by a hash of user, model and every message, so
 * nothing of the prompt is kept. */

struct _SluiceStormGuard
{
  GObject      parent_instance;

  SluiceClock *clock;
  guint        max_repeats;
  gint64       window_us;
  GHashTable  *seen;          /* hash -> GQueue of gint64 times */
  guint        n_checks;
};

G_DEFINE_FINAL_TYPE (SluiceStormGuard, sluice_storm_guard, G_TYPE_OBJECT)

static void
queue_free (gpointer data)
{
  g_queue_free_full (data, g_free);
}

static void
sluice_storm_guard_finalize (GObject *object)
{
  SluiceStormGuard *self = SLUICE_STORM_GUARD (object);

  g_clear_pointer (&self->seen, g_hash_table_unref);
  g_clear_object (&self->clock);

  G_OBJECT_CLASS (sluice_storm_guard_parent_class)->finalize (object);
}

static void
sluice_storm_guard_class_init (SluiceStormGuardClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sluice_storm_guard_finalize;
}

static void
sluice_storm_guard_init (SluiceStormGuard *self)
{
  self->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, queue_free);
  self->max_repeats = 20;
  self->window_us = 300 * G_USEC_PER_SEC;
}

SluiceStormGuard *
sluice_storm_guard_new (SluiceClock *clock)
{
  SluiceStormGuard *self = g_object_new (SLUICE_TYPE_STORM_GUARD, NULL);

  self->clock = g_object_ref (clock);
  return self;
}

void
sluice_storm_guard_configure (SluiceStormGuard *self,
                              guint             max_repeats,
                              guint             window_s)
{
  g_return_if_fail (SLUICE_IS_STORM_GUARD (self));

  self->max_repeats = max_repeats;
  self->window_us = (gint64) window_s * G_USEC_PER_SEC;
}

static char *
fingerprint (SluiceRequest *request)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  GPtrArray *messages = sluice_request_get_messages (request);
  const char *user = sluice_request_get_user (request);
  const char *model = sluice_request_get_model (request);

  g_checksum_update (sum, (const guchar *) (user != NULL ? user : ""), -1);
  g_checksum_update (sum, (const guchar *) "\x1f", 1);
  g_checksum_update (sum, (const guchar *) (model != NULL ? model : ""), -1);
  for (guint i = 0; i < messages->len; i++)
    {
      const SluiceMessage *m = g_ptr_array_index (messages, i);
      guchar role = (guchar) sluice_message_get_role (m);

      g_checksum_update (sum, &role, 1);
      g_checksum_update (sum, (const guchar *) sluice_message_get_content (m), -1);
      g_checksum_update (sum, (const guchar *) "\x1e", 1);
    }
  return g_strdup (g_checksum_get_string (sum));
}

static void
prune (GQueue *times,
       gint64  horizon)
{
  while (!g_queue_is_empty (times) && *(gint64 *) g_queue_peek_head (times) <= horizon)
    g_free (g_queue_pop_head (times));
}

/* Every so often, forget prompts that have left the window. */
static void
sweep (SluiceStormGuard *self,
       gint64            horizon)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->seen);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      prune (value, horizon);
      if (g_queue_is_empty (value))
        g_hash_table_iter_remove (&iter);
    }
}

/**
 * sluice_storm_guard_check:
 * @self: the guard
 * @request: the incoming request
 * @seen: (out) (optional): how many copies are in the window, this one
 *   included
 * @retry_at_us: (out) (optional): when refused, the monotonic time the
 *   oldest copy leaves the window
 *
 * Counts @request and says whether it may pass.
 *
 * Returns: %FALSE when @request repeats too often
 */
gboolean
sluice_storm_guard_check (SluiceStormGuard *self,
                          SluiceRequest    *request,
                          guint            *seen,
                          gint64           *retry_at_us)
{
  g_autofree char *key = NULL;
  gint64 now = sluice_clock_monotonic_us (self->clock);
  GQueue *times;

  g_return_val_if_fail (SLUICE_IS_STORM_GUARD (self), TRUE);

  if (self->max_repeats == 0)
    return TRUE;

  if (++self->n_checks % 1024 == 0)
    sweep (self, now - self->window_us);

  key = fingerprint (request);
  times = g_hash_table_lookup (self->seen, key);
  if (times == NULL)
    {
      times = g_queue_new ();
      g_hash_table_insert (self->seen, g_steal_pointer (&key), times);
    }
  prune (times, now - self->window_us);

  if (seen != NULL)
    *seen = g_queue_get_length (times) + 1;
  if (g_queue_get_length (times) >= self->max_repeats)
    {
      if (retry_at_us != NULL)
        *retry_at_us = *(gint64 *) g_queue_peek_head (times) + self->window_us;
      return FALSE;
    }

  g_queue_push_tail (times, g_memdup2 (&now, sizeof now));
  return TRUE;
}

guint
sluice_storm_guard_get_size (SluiceStormGuard *self)
{
  g_return_val_if_fail (SLUICE_IS_STORM_GUARD (self), 0);

  return g_hash_table_size (self->seen);
}
