/* sluice-clock.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-clock"

#include "config.h"

#include "sluice-clock.h"

/* The engine never reads the time itself: it asks a SluiceClock. The system
 * clock is the real one; a manual clock only moves when a test advances it,
 * so windows, TTLs, cooldowns and backoffs are tested instantly and exactly.
 * Sleeps on a manual clock complete when the clock is advanced past them. */

struct _SluiceClock
{
  GObject    parent_instance;

  gboolean   manual;
  GMutex     mutex;
  gint64     now_us;            /* manual only */
  gint64     mono_origin_us;    /* manual only: now_us at creation */
  GPtrArray *sleepers;          /* manual only: GTask, ordered by deadline */
};

G_DEFINE_FINAL_TYPE (SluiceClock, sluice_clock, G_TYPE_OBJECT)

typedef struct
{
  gint64   deadline_us;
  gboolean returned;
  GSource *timeout_source;
  GSource *cancel_source;
} Sleep;

static void
sleep_free (gpointer data)
{
  Sleep *sleep = data;

  if (sleep->timeout_source != NULL)
    {
      g_source_destroy (sleep->timeout_source);
      g_source_unref (sleep->timeout_source);
    }
  if (sleep->cancel_source != NULL)
    {
      g_source_destroy (sleep->cancel_source);
      g_source_unref (sleep->cancel_source);
    }
  g_free (sleep);
}

/* A sleep ends once: by its deadline or by its cancellable, whichever
 * comes first. */
static void
sleep_return (GTask  *task,
              GError *error)
{
  Sleep *sleep = g_task_get_task_data (task);

  if (sleep->returned)
    {
      g_clear_error (&error);
      return;
    }
  sleep->returned = TRUE;
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
sluice_clock_finalize (GObject *object)
{
  SluiceClock *self = SLUICE_CLOCK (object);

  g_clear_pointer (&self->sleepers, g_ptr_array_unref);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (sluice_clock_parent_class)->finalize (object);
}

static void
sluice_clock_class_init (SluiceClockClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sluice_clock_finalize;
}

static void
sluice_clock_init (SluiceClock *self)
{
  g_mutex_init (&self->mutex);
  self->sleepers = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * sluice_clock_new_system:
 *
 * Returns: (transfer full): a clock that reads the real time
 */
SluiceClock *
sluice_clock_new_system (void)
{
  return g_object_new (SLUICE_TYPE_CLOCK, NULL);
}

/**
 * sluice_clock_new_manual:
 * @start_us: the wall-clock time the clock starts at, in µs since the epoch
 *
 * Returns: (transfer full): a clock that moves only through
 *   sluice_clock_advance()
 */
SluiceClock *
sluice_clock_new_manual (gint64 start_us)
{
  SluiceClock *self = g_object_new (SLUICE_TYPE_CLOCK, NULL);

  self->manual = TRUE;
  self->now_us = start_us;
  self->mono_origin_us = start_us;
  return self;
}

gboolean
sluice_clock_is_manual (SluiceClock *self)
{
  g_return_val_if_fail (SLUICE_IS_CLOCK (self), FALSE);

  return self->manual;
}

gint64
sluice_clock_now_us (SluiceClock *self)
{
  gint64 now;

  g_return_val_if_fail (SLUICE_IS_CLOCK (self), 0);

  if (!self->manual)
    return g_get_real_time ();

  g_mutex_lock (&self->mutex);
  now = self->now_us;
  g_mutex_unlock (&self->mutex);
  return now;
}

gint64
sluice_clock_monotonic_us (SluiceClock *self)
{
  g_return_val_if_fail (SLUICE_IS_CLOCK (self), 0);

  if (!self->manual)
    return g_get_monotonic_time ();

  return sluice_clock_now_us (self) - self->mono_origin_us;
}

static gint
compare_deadline (gconstpointer a,
                  gconstpointer b)
{
  const Sleep *sa = g_task_get_task_data (*(GTask **) a);
  const Sleep *sb = g_task_get_task_data (*(GTask **) b);

  return (sa->deadline_us > sb->deadline_us) - (sa->deadline_us < sb->deadline_us);
}

/**
 * sluice_clock_advance:
 * @self: a manual clock
 * @delta_us: how far to move it
 *
 * Moves a manual clock forward and completes every sleep whose deadline has
 * been reached, earliest first.
 */
void
sluice_clock_advance (SluiceClock *self,
                      gint64       delta_us)
{
  g_autoptr(GPtrArray) due = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 now;

  g_return_if_fail (SLUICE_IS_CLOCK (self));
  g_return_if_fail (self->manual);
  g_return_if_fail (delta_us >= 0);

  g_mutex_lock (&self->mutex);
  self->now_us += delta_us;
  now = self->now_us;
  g_ptr_array_sort (self->sleepers, compare_deadline);
  while (self->sleepers->len > 0)
    {
      GTask *task = g_ptr_array_index (self->sleepers, 0);
      Sleep *sleep = g_task_get_task_data (task);

      if (sleep->deadline_us > now)
        break;
      g_ptr_array_add (due, g_ptr_array_steal_index (self->sleepers, 0));
    }
  g_mutex_unlock (&self->mutex);

  for (guint i = 0; i < due->len; i++)
    {
      sleep_return (g_ptr_array_index (due, i), NULL);
    }
}

static gboolean
sleep_timeout_cb (gpointer user_data)
{
  sleep_return (user_data, NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
sleep_cancelled_cb (GCancellable *cancellable,
                    gpointer      user_data)
{
  GTask *task = user_data;
  SluiceClock *self = g_task_get_source_object (task);

  if (self->manual)
    {
      g_mutex_lock (&self->mutex);
      g_ptr_array_remove (self->sleepers, task);
      g_mutex_unlock (&self->mutex);
    }
  sleep_return (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                          "The wait was cancelled"));
  return G_SOURCE_REMOVE;
}

/**
 * sluice_clock_sleep_async:
 * @self: a clock
 * @delay_us: how long to wait
 * @cancellable: (nullable): cancels the wait
 * @callback: called when the time has come
 * @user_data: data for @callback
 *
 * Waits without blocking. On a manual clock the wait ends when the clock is
 * advanced to its deadline; a zero delay ends at the next main-loop turn.
 */
void
sluice_clock_sleep_async (SluiceClock         *self,
                          gint64               delay_us,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Sleep *sleep;

  g_return_if_fail (SLUICE_IS_CLOCK (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sluice_clock_sleep_async);

  sleep = g_new0 (Sleep, 1);
  sleep->deadline_us = sluice_clock_now_us (self) + MAX (delay_us, 0);
  g_task_set_task_data (task, sleep, sleep_free);

  if (cancellable != NULL)
    {
      sleep->cancel_source = g_cancellable_source_new (cancellable);
      g_task_attach_source (task, sleep->cancel_source,
                            (GSourceFunc) G_CALLBACK (sleep_cancelled_cb));
    }

  if (!self->manual || delay_us <= 0)
    {
      /* Round up so a sleep never ends early. */
      sleep->timeout_source = g_timeout_source_new ((MAX (delay_us, 0) + 999) / 1000);
      g_task_attach_source (task, sleep->timeout_source, sleep_timeout_cb);
      return;
    }

  g_mutex_lock (&self->mutex);
  g_ptr_array_add (self->sleepers, g_object_ref (task));
  g_mutex_unlock (&self->mutex);
}

gboolean
sluice_clock_sleep_finish (SluiceClock   *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * sluice_clock_pending_sleeps:
 * @self: a manual clock
 *
 * Returns: how many sleeps wait for the clock to move (tests use it to know
 *   when the engine is waiting)
 */
guint
sluice_clock_pending_sleeps (SluiceClock *self)
{
  guint n;

  g_return_val_if_fail (SLUICE_IS_CLOCK (self), 0);

  g_mutex_lock (&self->mutex);
  n = self->sleepers->len;
  g_mutex_unlock (&self->mutex);
  return n;
}
