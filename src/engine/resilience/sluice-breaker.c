/* sluice-breaker.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-breaker"

#include "config.h"

#include "sluice-breaker.h"

/* One circuit breaker per provider-model. It opens after N consecutive
 * failures, or when the error ratio over a sliding window passes the limit
 * with enough requests in it. Open, it refuses calls for a cooldown that
 * doubles with each trip in a row, up to a cap; then it lets exactly one
 * probe through (half-open): success closes it, failure opens it again.
 * A 429 with Retry-After holds the model out for that long without counting
 * as an outage: the provider is up, it only asked us to wait. */

typedef struct
{
  char               *key;
  SluiceBreakerState  state;
  gint64              changed_at;
  gint64              open_until;
  gint64              held_until;
  gint64              closed_since;
  guint               trips;
  guint               consecutive;
  gboolean            probe_in_flight;
  gboolean            forced;
  guint               n_buckets;
  gint64             *bucket_second;
  guint              *bucket_requests;
  guint              *bucket_failures;
} Breaker;

struct _SluiceBreakerBoard
{
  GObject              parent_instance;

  SluiceClock         *clock;
  SluiceBreakerConfig  config;
  GHashTable          *breakers;   /* key -> Breaker */
};

G_DEFINE_FINAL_TYPE (SluiceBreakerBoard, sluice_breaker_board, G_TYPE_OBJECT)

enum {
  STATE_CHANGED,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

static void
breaker_free (gpointer data)
{
  Breaker *b = data;

  g_free (b->key);
  g_free (b->bucket_second);
  g_free (b->bucket_requests);
  g_free (b->bucket_failures);
  g_free (b);
}

void
sluice_breaker_info_clear (SluiceBreakerInfo *info)
{
  g_clear_pointer (&info->key, g_free);
}

static void
sluice_breaker_board_finalize (GObject *object)
{
  SluiceBreakerBoard *self = SLUICE_BREAKER_BOARD (object);

  g_clear_pointer (&self->breakers, g_hash_table_unref);
  g_clear_object (&self->clock);

  G_OBJECT_CLASS (sluice_breaker_board_parent_class)->finalize (object);
}

static void
sluice_breaker_board_class_init (SluiceBreakerBoardClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sluice_breaker_board_finalize;

  /**
   * SluiceBreakerBoard::state-changed:
   * @board: the board
   * @key: the provider-model whose breaker changed
   * @old_state: a #SluiceBreakerState
   * @new_state: a #SluiceBreakerState
   * @reason: why, in a sentence
   */
  signals [STATE_CHANGED] =
    g_signal_new ("state-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 4,
                  G_TYPE_STRING, G_TYPE_INT, G_TYPE_INT, G_TYPE_STRING);
}

static void
sluice_breaker_board_init (SluiceBreakerBoard *self)
{
  self->breakers = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, breaker_free);
  self->config = (SluiceBreakerConfig) {
    .consecutive_failures = 3,
    .error_ratio = 0.5,
    .window_s = 60,
    .min_requests = 10,
    .cooldown_s = 60,
    .max_cooldown_s = 600,
  };
}

SluiceBreakerBoard *
sluice_breaker_board_new (SluiceClock *clock)
{
  SluiceBreakerBoard *self;

  g_return_val_if_fail (SLUICE_IS_CLOCK (clock), NULL);

  self = g_object_new (SLUICE_TYPE_BREAKER_BOARD, NULL);
  self->clock = g_object_ref (clock);
  return self;
}

static void
breaker_resize_window (Breaker *b,
                       guint    n_buckets)
{
  n_buckets = MAX (n_buckets, 1);
  if (b->n_buckets == n_buckets)
    return;
  b->n_buckets = n_buckets;
  g_free (b->bucket_second);
  g_free (b->bucket_requests);
  g_free (b->bucket_failures);
  b->bucket_second = g_new0 (gint64, n_buckets);
  b->bucket_requests = g_new0 (guint, n_buckets);
  b->bucket_failures = g_new0 (guint, n_buckets);
}

/**
 * sluice_breaker_board_configure:
 *
 * Takes new settings; states carry over, windows restart when their length
 * changed.
 */
void
sluice_breaker_board_configure (SluiceBreakerBoard        *self,
                                const SluiceBreakerConfig *config)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (SLUICE_IS_BREAKER_BOARD (self));
  g_return_if_fail (config != NULL);

  self->config = *config;
  g_hash_table_iter_init (&iter, self->breakers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    breaker_resize_window (value, config->window_s);
}

static Breaker *
lookup (SluiceBreakerBoard *self,
        const char         *key)
{
  Breaker *b = g_hash_table_lookup (self->breakers, key);

  if (b == NULL)
    {
      b = g_new0 (Breaker, 1);
      b->key = g_strdup (key);
      b->state = SLUICE_BREAKER_CLOSED;
      b->changed_at = b->closed_since = sluice_clock_now_us (self->clock);
      breaker_resize_window (b, self->config.window_s);
      g_hash_table_insert (self->breakers, b->key, b);
    }
  return b;
}

static void
set_state (SluiceBreakerBoard *self,
           Breaker            *b,
           SluiceBreakerState  state,
           const char         *reason)
{
  SluiceBreakerState old = b->state;
  gint64 now = sluice_clock_now_us (self->clock);

  if (old == state)
    return;
  b->state = state;
  b->changed_at = now;
  if (state == SLUICE_BREAKER_CLOSED)
    b->closed_since = now;
  g_debug ("breaker %s: %s → %s (%s)", b->key, sluice_breaker_state_to_string (old),
           sluice_breaker_state_to_string (state), reason);
  g_signal_emit (self, signals [STATE_CHANGED], 0, b->key, old, state, reason);
}

static gint64
cooldown_us (SluiceBreakerBoard *self,
             guint               trips)
{
  gint64 cooldown = (gint64) self->config.cooldown_s << MIN (trips > 0 ? trips - 1 : 0, 20u);

  return MIN (cooldown, (gint64) MAX (self->config.max_cooldown_s, self->config.cooldown_s))
         * G_USEC_PER_SEC;
}

static void
trip (SluiceBreakerBoard *self,
      Breaker            *b,
      const char         *reason)
{
  gint64 now = sluice_clock_now_us (self->clock);

  /* Trips in a row lengthen the cooldown; a long enough quiet spell
   * closed forgives them. */
  if (b->state == SLUICE_BREAKER_CLOSED &&
      now - b->closed_since > (gint64) self->config.max_cooldown_s * G_USEC_PER_SEC)
    b->trips = 0;
  b->trips++;
  b->open_until = now + cooldown_us (self, b->trips);
  b->probe_in_flight = FALSE;
  b->forced = FALSE;
  set_state (self, b, SLUICE_BREAKER_OPEN, reason);
}

static void
window_add (Breaker  *b,
            gint64    now_us,
            gboolean  failed)
{
  gint64 second = now_us / G_USEC_PER_SEC;
  guint slot = (guint) (second % b->n_buckets);

  if (b->bucket_second[slot] != second)
    {
      b->bucket_second[slot] = second;
      b->bucket_requests[slot] = 0;
      b->bucket_failures[slot] = 0;
    }
  b->bucket_requests[slot]++;
  if (failed)
    b->bucket_failures[slot]++;
}

static void
window_sums (Breaker *b,
             gint64   now_us,
             guint   *requests,
             guint   *failures)
{
  gint64 second = now_us / G_USEC_PER_SEC;

  *requests = *failures = 0;
  for (guint i = 0; i < b->n_buckets; i++)
    {
      if (second - b->bucket_second[i] < (gint64) b->n_buckets && b->bucket_second[i] <= second)
        {
          *requests += b->bucket_requests[i];
          *failures += b->bucket_failures[i];
        }
    }
}

static gboolean
counts_as_outage (SluiceErrorClass klass)
{
  switch (klass)
    {
    case SLUICE_ERROR_CLASS_TIMEOUT:
    case SLUICE_ERROR_CLASS_SERVER:
    case SLUICE_ERROR_CLASS_OVERLOADED:
    case SLUICE_ERROR_CLASS_NETWORK:
    case SLUICE_ERROR_CLASS_MALFORMED:
      return TRUE;
    default:
      return FALSE;
    }
}

/**
 * sluice_breaker_board_admit:
 * @self: the board
 * @key: the provider-model
 * @retry_at_us: (out) (optional): when denied, the wall-clock time the model
 *   may be tried again
 *
 * Asks whether a call may go to @key now. An %SLUICE_BREAKER_ALLOW_PROBE
 * answer reserves the one probe: the caller must report its result with
 * sluice_breaker_board_record() (probe %TRUE) or give it back with
 * sluice_breaker_board_release_probe().
 */
SluiceBreakerVerdict
sluice_breaker_board_admit (SluiceBreakerBoard *self,
                            const char         *key,
                            gint64             *retry_at_us)
{
  gint64 now = sluice_clock_now_us (self->clock);
  Breaker *b;

  g_return_val_if_fail (SLUICE_IS_BREAKER_BOARD (self), SLUICE_BREAKER_DENY_OPEN);
  g_return_val_if_fail (key != NULL, SLUICE_BREAKER_DENY_OPEN);

  b = lookup (self, key);
  if (retry_at_us != NULL)
    *retry_at_us = 0;

  if (b->state == SLUICE_BREAKER_OPEN)
    {
      if (now < b->open_until)
        {
          if (retry_at_us != NULL)
            *retry_at_us = b->open_until;
          return SLUICE_BREAKER_DENY_OPEN;
        }
      set_state (self, b, SLUICE_BREAKER_HALF_OPEN, "cooldown over; one probe may pass");
    }

  if (b->state == SLUICE_BREAKER_HALF_OPEN)
    {
      if (b->probe_in_flight)
        return SLUICE_BREAKER_DENY_PROBE;
      b->probe_in_flight = TRUE;
      return SLUICE_BREAKER_ALLOW_PROBE;
    }

  if (now < b->held_until)
    {
      if (retry_at_us != NULL)
        *retry_at_us = b->held_until;
      return SLUICE_BREAKER_DENY_HELD;
    }
  return SLUICE_BREAKER_ALLOW;
}

/**
 * sluice_breaker_board_record:
 * @self: the board
 * @key: the provider-model called
 * @probe: whether this call was the half-open probe
 * @result: %SLUICE_ERROR_CLASS_NONE on success, else the error class
 * @retry_after_ms: the provider's Retry-After, or -1
 *
 * Reports a call's result. Only outage classes (timeout, server,
 * overloaded, network, malformed) count as failures; a refused request
 * (auth, bad request, context length, content filter) shows the provider is
 * up. A 429 holds the model out for its Retry-After (1 s when none).
 */
void
sluice_breaker_board_record (SluiceBreakerBoard *self,
                             const char         *key,
                             gboolean            probe,
                             SluiceErrorClass    result,
                             gint64              retry_after_ms)
{
  gint64 now = sluice_clock_now_us (self->clock);
  gboolean failed = counts_as_outage (result);
  guint requests, failures;
  Breaker *b;

  g_return_if_fail (SLUICE_IS_BREAKER_BOARD (self));
  g_return_if_fail (key != NULL);

  b = lookup (self, key);

  if (result == SLUICE_ERROR_CLASS_RATE_LIMITED)
    {
      b->held_until = MAX (b->held_until, now + (retry_after_ms >= 0 ? retry_after_ms : 1000) * 1000);
      if (probe)
        b->probe_in_flight = FALSE;
      return;
    }

  if (probe || b->state == SLUICE_BREAKER_HALF_OPEN)
    {
      b->probe_in_flight = FALSE;
      if (failed)
        {
          trip (self, b, "the half-open probe failed");
          return;
        }
      b->consecutive = 0;
      breaker_resize_window (b, 0);
      breaker_resize_window (b, self->config.window_s);
      set_state (self, b, SLUICE_BREAKER_CLOSED, "the half-open probe succeeded");
      return;
    }

  if (b->state != SLUICE_BREAKER_CLOSED)
    return;   /* a late answer from before the breaker opened */

  window_add (b, now, failed);
  b->consecutive = failed ? b->consecutive + 1 : 0;
  if (!failed)
    return;

  if (b->consecutive >= self->config.consecutive_failures)
    {
      g_autofree char *reason = g_strdup_printf ("%u consecutive failures", b->consecutive);

      trip (self, b, reason);
      return;
    }

  window_sums (b, now, &requests, &failures);
  if (requests >= self->config.min_requests &&
      (double) failures / requests >= self->config.error_ratio)
    {
      g_autofree char *reason = g_strdup_printf ("%u of %u calls failed in %u s",
                                                 failures, requests, self->config.window_s);

      trip (self, b, reason);
    }
}

/**
 * sluice_breaker_board_release_probe:
 *
 * Gives back a probe slot whose call ended without a result (cancelled).
 */
void
sluice_breaker_board_release_probe (SluiceBreakerBoard *self,
                                    const char         *key)
{
  Breaker *b;

  g_return_if_fail (SLUICE_IS_BREAKER_BOARD (self));

  b = g_hash_table_lookup (self->breakers, key);
  if (b != NULL)
    b->probe_in_flight = FALSE;
}

void
sluice_breaker_board_force_open (SluiceBreakerBoard *self,
                                 const char         *key,
                                 gint64              duration_us)
{
  Breaker *b;

  g_return_if_fail (SLUICE_IS_BREAKER_BOARD (self));
  g_return_if_fail (key != NULL);

  b = lookup (self, key);
  b->open_until = sluice_clock_now_us (self->clock) + MAX (duration_us, 0);
  b->probe_in_flight = FALSE;
  set_state (self, b, SLUICE_BREAKER_OPEN, "forced open by an operator");
  b->forced = TRUE;
}

void
sluice_breaker_board_reset (SluiceBreakerBoard *self,
                            const char         *key)
{
  Breaker *b;

  g_return_if_fail (SLUICE_IS_BREAKER_BOARD (self));
  g_return_if_fail (key != NULL);

  b = lookup (self, key);
  b->trips = 0;
  b->consecutive = 0;
  b->held_until = 0;
  b->probe_in_flight = FALSE;
  b->forced = FALSE;
  breaker_resize_window (b, 0);
  breaker_resize_window (b, self->config.window_s);
  set_state (self, b, SLUICE_BREAKER_CLOSED, "reset by an operator");
}

SluiceBreakerState
sluice_breaker_board_get_state (SluiceBreakerBoard *self,
                                const char         *key)
{
  Breaker *b;

  g_return_val_if_fail (SLUICE_IS_BREAKER_BOARD (self), SLUICE_BREAKER_CLOSED);

  b = g_hash_table_lookup (self->breakers, key);
  return b != NULL ? b->state : SLUICE_BREAKER_CLOSED;
}

static int
compare_keys (const void *a,
              const void *b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/**
 * sluice_breaker_board_list:
 *
 * Returns: (transfer full) (element-type SluiceBreakerInfo): every breaker
 *   seen so far, sorted by key
 */
GArray *
sluice_breaker_board_list (SluiceBreakerBoard *self)
{
  GArray *list = g_array_new (FALSE, TRUE, sizeof (SluiceBreakerInfo));
  g_autofree gpointer *keys = NULL;
  gint64 now = sluice_clock_now_us (self->clock);
  guint n;

  g_array_set_clear_func (list, (GDestroyNotify) sluice_breaker_info_clear);
  keys = g_hash_table_get_keys_as_array (self->breakers, &n);
  qsort (keys, n, sizeof (gpointer), compare_keys);
  for (guint i = 0; i < n; i++)
    {
      Breaker *b = g_hash_table_lookup (self->breakers, keys[i]);
      SluiceBreakerInfo info = { 0 };

      info.key = g_strdup (b->key);
      info.state = b->state;
      info.changed_at_us = b->changed_at;
      info.open_until_us = b->state == SLUICE_BREAKER_OPEN ? b->open_until : 0;
      info.held_until_us = b->held_until > now ? b->held_until : 0;
      info.trips = b->trips;
      info.consecutive_failures = b->consecutive;
      info.forced = b->forced;
      window_sums (b, now, &info.window_requests, &info.window_failures);
      g_array_append_val (list, info);
    }
  return list;
}

const char *
sluice_breaker_state_to_string (SluiceBreakerState state)
{
  switch (state)
    {
    case SLUICE_BREAKER_CLOSED:
      return "closed";
    case SLUICE_BREAKER_OPEN:
      return "open";
    case SLUICE_BREAKER_HALF_OPEN:
      return "half-open";
    default:
      return "unknown";
    }
}
