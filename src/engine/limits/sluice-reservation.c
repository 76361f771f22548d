/* sluice-reservation.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-limits"

#include "config.h"

#include <math.h>

#include "sluice-limiter-private.h"

/* What a granted request holds until it is settled or released: the
 * counters it reserved, at the second it reserved them. Dropping the last
 * reference of an open reservation releases it, so that a forgotten one
 * never keeps a concurrency slot. */

struct _SluiceReservation
{
  GObject        parent_instance;

  SluiceLimiter *limiter;
  char          *model;
  GPtrArray     *items;         /* SluiceLimitItem */
  gint64         at_s;
  gint64         tokens;        /* input + output reserved */
  gint64         output_tokens;
  gint64         usd_micro;
  gboolean       counted;       /* FALSE: granted uncounted (fail_open) */
  gboolean       cut_streams;
  gboolean       closed;
};

G_DEFINE_FINAL_TYPE (SluiceReservation, sluice_reservation, G_TYPE_OBJECT)

static void
sluice_reservation_dispose (GObject *object)
{
  SluiceReservation *self = (SluiceReservation *) object;

  if (!self->closed && self->limiter != NULL)
    sluice_reservation_release (self);

  g_clear_object (&self->limiter);

  G_OBJECT_CLASS (sluice_reservation_parent_class)->dispose (object);
}

static void
sluice_reservation_finalize (GObject *object)
{
  SluiceReservation *self = (SluiceReservation *) object;

  g_clear_pointer (&self->model, g_free);
  g_clear_pointer (&self->items, g_ptr_array_unref);

  G_OBJECT_CLASS (sluice_reservation_parent_class)->finalize (object);
}

static void
sluice_reservation_class_init (SluiceReservationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sluice_reservation_dispose;
  object_class->finalize = sluice_reservation_finalize;
}

static void
sluice_reservation_init (SluiceReservation *self)
{
}

SluiceReservation *
_sluice_reservation_new (SluiceLimiter *limiter,
                         const char    *model,
                         GPtrArray     *items,
                         gint64         at_s,
                         gint64         tokens,
                         gint64         output_tokens,
                         gint64         usd_micro,
                         gboolean       counted,
                         gboolean       cut_streams)
{
  SluiceReservation *self = g_object_new (SLUICE_TYPE_RESERVATION, NULL);

  self->limiter = g_object_ref (limiter);
  self->model = g_strdup (model);
  self->items = g_ptr_array_ref (items);
  self->at_s = at_s;
  self->tokens = tokens;
  self->output_tokens = output_tokens;
  self->usd_micro = usd_micro;
  self->counted = counted;
  self->cut_streams = cut_streams;

  return self;
}

const char *
sluice_reservation_get_model (SluiceReservation *self)
{
  g_return_val_if_fail (SLUICE_IS_RESERVATION (self), NULL);

  return self->model;
}

/* Returns: the tokens reserved (input + max output). */
gint64
sluice_reservation_get_tokens (SluiceReservation *self)
{
  g_return_val_if_fail (SLUICE_IS_RESERVATION (self), 0);

  return self->tokens;
}

/* Returns: the dollars reserved (the worst case at the model's prices). */
double
sluice_reservation_get_cost_usd (SluiceReservation *self)
{
  g_return_val_if_fail (SLUICE_IS_RESERVATION (self), 0);

  return self->usd_micro / 1e6;
}

/* Returns: %FALSE when the request was let through uncounted because the
 * counter store was unreachable and counters.on_loss is fail_open. */
gboolean
sluice_reservation_is_counted (SluiceReservation *self)
{
  g_return_val_if_fail (SLUICE_IS_RESERVATION (self), FALSE);

  return self->counted;
}

/**
 * sluice_reservation_allows_output:
 * @self: a reservation
 * @output_tokens_so_far: the output streamed so far
 *
 * For streams: whether the output may go on. The reservation holds the
 * budgets for its max output; a stream that outgrows it would spend what
 * other requests may already hold, so it is cut (unless budgets.cut_streams
 * is false).
 *
 * Returns: %FALSE when the stream must be cut
 */
gboolean
sluice_reservation_allows_output (SluiceReservation *self,
                                  gint64             output_tokens_so_far)
{
  g_return_val_if_fail (SLUICE_IS_RESERVATION (self), FALSE);

  return !self->cut_streams || output_tokens_so_far <= self->output_tokens;
}

static void
close_with (SluiceReservation *self,
            gint64             tokens_delta,
            gint64             usd_delta)
{
  g_autofree gint64 *deltas = g_new0 (gint64, MAX (self->items->len, 1));
  gboolean any = FALSE;

  self->closed = TRUE;
  if (!self->counted)
    return;

  for (guint i = 0; i < self->items->len; i++)
    {
      const SluiceLimitItem *item = g_ptr_array_index (self->items, i);

      switch (item->kind)
        {
        case SLUICE_LIMIT_TOKENS:
          deltas[i] = tokens_delta;
          break;
        case SLUICE_LIMIT_USD:
          deltas[i] = usd_delta;
          break;
        case SLUICE_LIMIT_IN_FLIGHT:
          deltas[i] = -1;
          break;
        case SLUICE_LIMIT_REQUESTS:
        default:
          deltas[i] = 0;
          break;
        }
      any |= deltas[i] != 0;
    }

  if (any)
    _sluice_limiter_adjust (self->limiter, self->items, deltas, self->at_s);
}

/**
 * sluice_reservation_settle:
 * @self: an open reservation
 * @tokens_in: the input the provider reported
 * @tokens_out: the output it reported
 * @cost_usd: the real cost (sluice_limiter_cost_usd())
 *
 * Replaces the reserved worst case with the real usage in every counter,
 * in the same one-second bucket, and frees the concurrency slot. The
 * request itself stays counted in the requests-per-minute limits.
 */
void
sluice_reservation_settle (SluiceReservation *self,
                           gint64             tokens_in,
                           gint64             tokens_out,
                           double             cost_usd)
{
  g_return_if_fail (SLUICE_IS_RESERVATION (self));
  g_return_if_fail (!self->closed);

  close_with (self, MAX (tokens_in, 0) + MAX (tokens_out, 0) - self->tokens,
              (gint64) llround (MAX (cost_usd, 0) * 1e6) - self->usd_micro);
}

/**
 * sluice_reservation_release:
 * @self: an open reservation
 *
 * Gives back the tokens and dollars of a call that failed (nothing was
 * billed) and its concurrency slot; the request stays counted per minute,
 * as the provider counted it too.
 */
void
sluice_reservation_release (SluiceReservation *self)
{
  g_return_if_fail (SLUICE_IS_RESERVATION (self));
  g_return_if_fail (!self->closed);

  close_with (self, -self->tokens, -self->usd_micro);
}
