/* sluice-limiter.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-limits"

#include "config.h"

#include <math.h>

#include "sluice-limit-items.h"
#include "sluice-limiter-private.h"
#include "sluice-memory-counter-store.h"
#include "sluice-redis-counter-store.h"

/* Rate limits and budgets in one decision: every counter a request touches
 * (model, provider, user, global; requests, tokens, dollars, in flight) is
 * checked and reserved in one atomic step of the counter store, for the
 * worst case (estimated input + max output, at the model's prices). The
 * reservation is settled with the real usage, or released on failure. */

G_DEFINE_FINAL_TYPE (SluiceLimiter, sluice_limiter, G_TYPE_OBJECT)
G_DEFINE_QUARK (sluice-limit-error-quark, sluice_limit_error)

enum {
  ALERT,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

typedef struct
{
  char      *model;
  GPtrArray *items;
  gint64     at_s;
  gint64     tokens;
  gint64     output_tokens;
  gint64     usd_micro;
  gboolean   took_learned;
  gint64     retry_at_us;
} ReserveData;

static void
reserve_data_free (ReserveData *data)
{
  g_free (data->model);
  g_clear_pointer (&data->items, g_ptr_array_unref);
  g_free (data);
}

void
_sluice_limiter_emit_alert (SluiceLimiter *self,
                            const char    *severity,
                            const char    *code,
                            const char    *message)
{
  g_debug ("alert %s %s: %s", severity, code, message);
  g_signal_emit (self, signals [ALERT], 0, severity, code, message);
}

static void
on_connection_changed (SluiceCounterStore *store,
                       gboolean            connected,
                       const char         *message,
                       SluiceLimiter      *self)
{
  const SluiceCountersConfig *counters = sluice_config_get_counters (self->config);
  g_autofree char *text = NULL;

  if (connected)
    {
      _sluice_limiter_emit_alert (self, "info", "counters.restored", message);
      return;
    }

  text = g_strdup_printf ("%s; %s until it is back (counters.on_loss = %s)", message,
                          counters->fail_open ? "requests pass uncounted"
                                              : "requests are refused",
                          counters->fail_open ? "fail_open" : "fail_closed");
  _sluice_limiter_emit_alert (self, "critical", "counters.lost", text);
}

static void
sluice_limiter_dispose (GObject *object)
{
  SluiceLimiter *self = (SluiceLimiter *) object;

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_func (self->store, on_connection_changed, self);
  g_clear_object (&self->store);
  g_clear_object (&self->config);
  g_clear_object (&self->clock);
  g_clear_object (&self->tokenizer);

  G_OBJECT_CLASS (sluice_limiter_parent_class)->dispose (object);
}

static void
sluice_limiter_finalize (GObject *object)
{
  SluiceLimiter *self = (SluiceLimiter *) object;

  g_clear_pointer (&self->learned, g_hash_table_unref);
  g_clear_pointer (&self->alerted, g_hash_table_unref);
  g_clear_pointer (&self->usage, g_hash_table_unref);

  G_OBJECT_CLASS (sluice_limiter_parent_class)->finalize (object);
}

static void
sluice_limiter_class_init (SluiceLimiterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sluice_limiter_dispose;
  object_class->finalize = sluice_limiter_finalize;

  /**
   * SluiceLimiter::alert:
   * @severity: "info", "warning" or "critical"
   * @code: e.g. "budget.user_usd_per_day", "counters.lost"
   * @message: a sentence for people
   *
   * A budget crossed one of budgets.alert_fractions (once per window), or
   * the counter store was lost or came back.
   */
  signals [ALERT] =
    g_signal_new ("alert", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
}

static void
sluice_limiter_init (SluiceLimiter *self)
{
  self->learned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->alerted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->usage = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, _sluice_limit_usage_info_free);
}

/**
 * sluice_limiter_new:
 * @config: the configuration (limits, budgets, prices)
 * @clock: the clock of every window
 * @store: where to count
 *
 * Returns: (transfer full): a limiter
 */
SluiceLimiter *
sluice_limiter_new (SluiceConfig       *config,
                    SluiceClock        *clock,
                    SluiceCounterStore *store)
{
  SluiceLimiter *self;

  g_return_val_if_fail (SLUICE_IS_CONFIG (config), NULL);
  g_return_val_if_fail (SLUICE_IS_CLOCK (clock), NULL);
  g_return_val_if_fail (SLUICE_IS_COUNTER_STORE (store), NULL);

  self = g_object_new (SLUICE_TYPE_LIMITER, NULL);
  self->config = g_object_ref (config);
  self->clock = g_object_ref (clock);
  self->store = g_object_ref (store);
  self->tokenizer = sluice_tokenizer_new_for_config (config);
  g_signal_connect (store, "connection-changed", G_CALLBACK (on_connection_changed), self);

  return self;
}

/**
 * sluice_limiter_new_for_config:
 * @config: the configuration; its "counters" section chooses the store
 * @clock: the clock
 * @error: return location for an error
 *
 * Returns: (transfer full): a limiter on an in-process or Redis store
 */
SluiceLimiter *
sluice_limiter_new_for_config (SluiceConfig  *config,
                               SluiceClock   *clock,
                               GError       **error)
{
  const SluiceCountersConfig *counters;
  g_autoptr(SluiceCounterStore) store = NULL;

  g_return_val_if_fail (SLUICE_IS_CONFIG (config), NULL);

  counters = sluice_config_get_counters (config);
  if (counters->store == SLUICE_COUNTER_STORE_REDIS)
    store = sluice_redis_counter_store_new (counters->redis_url, counters->prefix, error);
  else
    store = sluice_memory_counter_store_new ();

  if (store == NULL)
    return NULL;

  return sluice_limiter_new (config, clock, store);
}

/**
 * sluice_limiter_set_config:
 *
 * Applies new limits, budgets and prices to the decisions that follow (the
 * counter store stays: a new store needs a new limiter).
 */
void
sluice_limiter_set_config (SluiceLimiter *self,
                           SluiceConfig  *config)
{
  g_return_if_fail (SLUICE_IS_LIMITER (self));
  g_return_if_fail (SLUICE_IS_CONFIG (config));

  if (g_set_object (&self->config, config))
    {
      g_clear_object (&self->tokenizer);
      self->tokenizer = sluice_tokenizer_new_for_config (config);
    }
}

SluiceCounterStore *
sluice_limiter_get_store (SluiceLimiter *self)
{
  g_return_val_if_fail (SLUICE_IS_LIMITER (self), NULL);

  return self->store;
}

SluiceTokenizer *
sluice_limiter_get_tokenizer (SluiceLimiter *self)
{
  g_return_val_if_fail (SLUICE_IS_LIMITER (self), NULL);

  return self->tokenizer;
}

/**
 * sluice_limiter_cost_usd:
 *
 * Returns: the cost of the usage at the model's prices (0 for an unknown
 *   model); @tokens_cached is the part of @tokens_in read from a cache
 */
double
sluice_limiter_cost_usd (SluiceLimiter *self,
                         const char    *model,
                         gint64         tokens_in,
                         gint64         tokens_cached,
                         gint64         tokens_out)
{
  const SluiceModelConfig *config;

  g_return_val_if_fail (SLUICE_IS_LIMITER (self), 0);

  config = sluice_config_lookup_model (self->config, model);
  if (config == NULL)
    return 0;

  tokens_cached = CLAMP (tokens_cached, 0, tokens_in);

  return ((tokens_in - tokens_cached) * config->price_in +
          tokens_cached * config->price_cached_in +
          tokens_out * config->price_out) / 1e6;
}

/* The provider's own word on what is left; consumed optimistically and
 * given back when the store refuses. */
static gboolean
take_learned (SluiceLimiter *self,
              ReserveData   *data,
              GError       **error)
{
  Learned *learned = g_hash_table_lookup (self->learned, data->model);
  gint64 now_us = sluice_clock_now_us (self->clock);

  if (learned == NULL || now_us >= learned->until_us)
    return TRUE;

  if (learned->requests_left == 0 ||
      (learned->tokens_left >= 0 && data->tokens > learned->tokens_left))
    {
      data->retry_at_us = learned->until_us;
      g_set_error (error, SLUICE_LIMIT_ERROR, SLUICE_LIMIT_ERROR_REFUSED,
                   "model %s: provider-reported remaining %s %" G_GINT64_FORMAT
                   "; retry in %.1f s", data->model,
                   learned->requests_left == 0 ? "requests" : "tokens",
                   learned->requests_left == 0 ? 0 : learned->tokens_left,
                   (learned->until_us - now_us) / 1e6);
      return FALSE;
    }

  if (learned->requests_left > 0)
    learned->requests_left--;
  if (learned->tokens_left >= 0)
    learned->tokens_left -= data->tokens;
  data->took_learned = TRUE;

  return TRUE;
}

static void
give_back_learned (SluiceLimiter *self,
                   ReserveData   *data)
{
  Learned *learned = g_hash_table_lookup (self->learned, data->model);

  if (!data->took_learned || learned == NULL)
    return;

  if (learned->requests_left >= 0)
    learned->requests_left++;
  if (learned->tokens_left >= 0)
    learned->tokens_left += data->tokens;
  data->took_learned = FALSE;
}

/**
 * sluice_limiter_observe_provider_headers:
 * @self: a limiter
 * @model: the model whose response carried the headers
 * @remaining_requests: x-ratelimit-remaining-requests, or -1
 * @remaining_tokens: x-ratelimit-remaining-tokens, or -1
 * @reset_ms: when the provider's window resets, from now
 *
 * Tightens the model's limit to what the provider says is left until its
 * reset; later headers replace earlier ones.
 */
void
sluice_limiter_observe_provider_headers (SluiceLimiter *self,
                                         const char    *model,
                                         gint64         remaining_requests,
                                         gint64         remaining_tokens,
                                         gint64         reset_ms)
{
  Learned *learned;

  g_return_if_fail (SLUICE_IS_LIMITER (self));
  g_return_if_fail (model != NULL);

  if ((remaining_requests < 0 && remaining_tokens < 0) || reset_ms <= 0)
    return;

  learned = g_new0 (Learned, 1);
  learned->until_us = sluice_clock_now_us (self->clock) + reset_ms * 1000;
  learned->requests_left = remaining_requests;
  learned->tokens_left = remaining_tokens;
  learned->seen_at_us = sluice_clock_now_us (self->clock);
  learned->reported_requests = remaining_requests;
  learned->reported_tokens = remaining_tokens;
  g_hash_table_replace (self->learned, g_strdup (model), learned);
}

/**
 * sluice_limiter_lookup_provider_headers:
 * @self: a limiter
 * @model: a model
 * @requests_left: (out): what the provider last said was left, or -1
 * @tokens_left: (out): the same for tokens, or -1
 * @seen_at_us: (out): when it said so (wall clock)
 *
 * Returns: %TRUE when the model's provider sent rate-limit headers
 */
gboolean
sluice_limiter_lookup_provider_headers (SluiceLimiter *self,
                                        const char    *model,
                                        gint64        *requests_left,
                                        gint64        *tokens_left,
                                        gint64        *seen_at_us)
{
  Learned *learned;

  g_return_val_if_fail (SLUICE_IS_LIMITER (self), FALSE);

  learned = g_hash_table_lookup (self->learned, model);
  if (learned == NULL)
    return FALSE;
  *requests_left = learned->reported_requests;
  *tokens_left = learned->reported_tokens;
  *seen_at_us = learned->seen_at_us;
  return TRUE;
}

static void
refuse (GError                    **error,
        ReserveData                *data,
        const SluiceCounterVerdict *verdict,
        gint64                      now_us)
{
  const SluiceLimitItem *item = g_ptr_array_index (data->items, verdict->refused);
  g_autofree char *what = _sluice_limit_item_describe (item);
  g_autofree char *used = _sluice_limit_item_format_amount (item, verdict->used);
  g_autofree char *asked = _sluice_limit_item_format_amount (item, item->amount);
  gboolean never = item->amount > item->limit;

  data->retry_at_us = verdict->retry_at_s >= 0 ? verdict->retry_at_s * G_USEC_PER_SEC : -1;

  if (never)
    g_set_error (error, SLUICE_LIMIT_ERROR, SLUICE_LIMIT_ERROR_TOO_LARGE,
                 "%s (this request alone needs %s)", what, asked);
  else if (data->retry_at_us >= 0)
    g_set_error (error, SLUICE_LIMIT_ERROR, SLUICE_LIMIT_ERROR_REFUSED,
                 "%s (used %s, this request needs %s); retry in %.0f s",
                 what, used, asked, ceil ((data->retry_at_us - now_us) / 1e6));
  else
    g_set_error (error, SLUICE_LIMIT_ERROR, SLUICE_LIMIT_ERROR_REFUSED,
                 "%s (all in use); retry when one finishes", what);
}

/* The store's verdict (%NULL when the store failed with @store_error)
 * made into a reservation, or %NULL with @error set. */
static SluiceReservation *
conclude (SluiceLimiter        *self,
          ReserveData          *data,
          SluiceCounterVerdict *verdict,
          const GError         *store_error,
          GError              **error)
{
  const SluiceCountersConfig *counters = sluice_config_get_counters (self->config);
  gboolean cut = sluice_config_get_budgets (self->config)->cut_streams;
  g_autofree gint64 *amounts = NULL;

  if (verdict == NULL && !counters->fail_open)
    {
      give_back_learned (self, data);
      g_set_error (error, SLUICE_LIMIT_ERROR, SLUICE_LIMIT_ERROR_UNAVAILABLE,
                   "limits cannot be checked (%s) and counters.on_loss is fail_closed",
                   store_error != NULL ? store_error->message : "no verdict");
      return NULL;
    }

  if (verdict != NULL && !verdict->granted)
    {
      give_back_learned (self, data);
      refuse (error, data, verdict, sluice_clock_now_us (self->clock));
      return NULL;
    }

  if (verdict != NULL)
    {
      amounts = g_new0 (gint64, MAX (data->items->len, 1));
      for (guint i = 0; i < data->items->len; i++)
        amounts[i] = ((SluiceLimitItem *) g_ptr_array_index (data->items, i))->amount;
      _sluice_limiter_check_alerts (self, data->items, amounts, verdict->totals);
    }

  return _sluice_reservation_new (self, data->model, data->items, data->at_s, data->tokens,
                                  data->output_tokens, data->usd_micro, verdict != NULL, cut);
}

static void
on_reserved (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(SluiceCounterVerdict) verdict = NULL;
  g_autoptr(GError) store_error = NULL;
  GError *error = NULL;
  SluiceReservation *reservation;

  verdict = sluice_counter_store_apply_finish (SLUICE_COUNTER_STORE (object), result, &store_error);
  reservation = conclude (g_task_get_source_object (task), g_task_get_task_data (task),
                          verdict, store_error, &error);
  if (reservation != NULL)
    g_task_return_pointer (task, reservation, g_object_unref);
  else
    g_task_return_error (task, error);
}

/* Everything before the store's decision: fills @data with the request's
 * items, or returns %FALSE with @error set (unknown model, too large, a
 * provider's hold, which also sets @data's retry time). */
static gboolean
prepare_reserve (SluiceLimiter  *self,
                 ReserveData    *data,
                 const char     *user,
                 const char     *model,
                 gint64          input_tokens,
                 gint64          output_tokens,
                 GError        **error)
{
  const SluiceModelConfig *config = sluice_config_lookup_model (self->config, model);
  const SluiceBudgetConfig *budgets = sluice_config_get_budgets (self->config);
  SluiceLimitUsage usage = { 0, 0, TRUE };

  data->model = g_strdup (model);
  data->retry_at_us = -1;
  data->at_s = sluice_clock_now_us (self->clock) / G_USEC_PER_SEC;
  data->tokens = MAX (input_tokens, 0) + MAX (output_tokens, 0);
  data->output_tokens = MAX (output_tokens, 0);

  if (config == NULL)
    {
      g_set_error (error, SLUICE_LIMIT_ERROR, SLUICE_LIMIT_ERROR_UNKNOWN_MODEL,
                   "no model named \"%s\"", model);
      return FALSE;
    }

  if (budgets->tokens_per_request > 0 && data->tokens > budgets->tokens_per_request)
    {
      g_set_error (error, SLUICE_LIMIT_ERROR, SLUICE_LIMIT_ERROR_TOO_LARGE,
                   "request: tokens per request %" G_GINT64_FORMAT
                   " (this request needs %" G_GINT64_FORMAT ")",
                   budgets->tokens_per_request, data->tokens);
      return FALSE;
    }

  /* The worst case: every input token uncached, every output token used. */
  data->usd_micro = (gint64) ceil (MAX (input_tokens, 0) * config->price_in +
                                   data->output_tokens * config->price_out);
  usage.tokens = data->tokens;
  usage.usd_micro = data->usd_micro;
  data->items = _sluice_limit_items_build (self->config, user, config, &usage);

  return take_learned (self, data, error);
}

/**
 * sluice_limiter_reserve_now:
 * @self: a limiter
 * @user: (nullable): as for sluice_limiter_reserve_async()
 * @model: the model's name in the config
 * @input_tokens: the estimated input
 * @output_tokens: the most output the call may produce
 * @reservation: (out) (transfer full) (optional): the reservation
 * @retry_at_us: (out) (optional): on refusal, as for
 *   sluice_limiter_reserve_finish()
 * @error: the refusal, when decided and refused
 *
 * The decision of sluice_limiter_reserve_async() without a main-loop
 * turn, when it can be made here: the in-process store, or a refusal
 * before any store is asked. Returns %FALSE, setting nothing, when only
 * sluice_limiter_reserve_async() can decide (the Redis store).
 *
 * Returns: whether the request was decided (granted: @reservation set;
 *   refused: @error set)
 */
gboolean
sluice_limiter_reserve_now (SluiceLimiter      *self,
                            const char         *user,
                            const char         *model,
                            gint64              input_tokens,
                            gint64              output_tokens,
                            SluiceReservation **reservation,
                            gint64             *retry_at_us,
                            GError            **error)
{
  g_autoptr(SluiceCounterVerdict) verdict = NULL;
  g_autofree SluiceCounterItem *counters = NULL;
  SluiceReservation *granted;
  ReserveData *data;

  g_return_val_if_fail (SLUICE_IS_LIMITER (self), FALSE);
  g_return_val_if_fail (model != NULL, FALSE);

  if (!SLUICE_IS_MEMORY_COUNTER_STORE (self->store))
    return FALSE;

  data = g_new0 (ReserveData, 1);
  granted = NULL;
  if (prepare_reserve (self, data, user, model, input_tokens, output_tokens, error))
    {
      counters = _sluice_limit_items_to_counters (data->items, NULL);
      verdict = sluice_memory_counter_store_apply (SLUICE_MEMORY_COUNTER_STORE (self->store),
                                                   SLUICE_COUNTER_OP_RESERVE, counters,
                                                   data->items->len, data->at_s, data->at_s);
      granted = conclude (self, data, verdict, NULL, error);
    }
  if (retry_at_us != NULL)
    *retry_at_us = data->retry_at_us;
  if (reservation != NULL)
    *reservation = granted;
  else if (granted != NULL)
    g_object_unref (granted);
  reserve_data_free (data);
  return TRUE;
}

/**
 * sluice_limiter_reserve_async:
 * @self: a limiter
 * @user: (nullable): the user, or %NULL for none (no per-user counters)
 * @model: the model's name in the config
 * @input_tokens: the estimated input (sluice_tokenizer_estimate_request())
 * @output_tokens: the most output the call may produce (max_tokens)
 * @cancellable: (nullable): a cancellable
 * @callback: called with the decision
 * @user_data: for @callback
 *
 * Checks and reserves every limit and budget the request touches, in one
 * atomic step. With the in-process store the decision is made before this
 * returns; the callback runs on the next main-loop turn
 * (sluice_limiter_reserve_now() skips that turn).
 */
void
sluice_limiter_reserve_async (SluiceLimiter       *self,
                              const char          *user,
                              const char          *model,
                              gint64               input_tokens,
                              gint64               output_tokens,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree SluiceCounterItem *counters = NULL;
  ReserveData *data;

  g_return_if_fail (SLUICE_IS_LIMITER (self));
  g_return_if_fail (model != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sluice_limiter_reserve_async);
  data = g_new0 (ReserveData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) reserve_data_free);
  if (!prepare_reserve (self, data, user, model, input_tokens, output_tokens, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  counters = _sluice_limit_items_to_counters (data->items, NULL);
  sluice_counter_store_apply_async (self->store, SLUICE_COUNTER_OP_RESERVE, counters,
                                    data->items->len, data->at_s, data->at_s,
                                    cancellable, on_reserved, g_steal_pointer (&task));
}

/**
 * sluice_limiter_reserve_finish:
 * @self: a limiter
 * @result: the result
 * @retry_at_us: (out) (optional): on refusal, the earliest wall-clock time
 *   (the limiter's clock) at which the request could pass; -1 when unknown
 *   or never
 * @error: return location for a %SLUICE_LIMIT_ERROR
 *
 * Returns: (transfer full): the reservation, to settle or release
 */
SluiceReservation *
sluice_limiter_reserve_finish (SluiceLimiter  *self,
                               GAsyncResult   *result,
                               gint64         *retry_at_us,
                               GError        **error)
{
  ReserveData *data;

  g_return_val_if_fail (SLUICE_IS_LIMITER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  data = g_task_get_task_data (G_TASK (result));
  if (retry_at_us != NULL)
    *retry_at_us = data->retry_at_us;

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_adjusted (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(SluiceCounterVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  SluiceLimiter *self = g_task_get_source_object (task);
  GPtrArray *items = g_object_get_data (G_OBJECT (task), "items");
  const gint64 *deltas = g_task_get_task_data (task);

  verdict = sluice_counter_store_apply_finish (SLUICE_COUNTER_STORE (object), result, &error);
  if (verdict == NULL)
    {
      g_debug ("Settling failed: %s", error->message);
      return;
    }

  _sluice_limiter_check_alerts (self, items, deltas, verdict->totals);
}

/* Sends a reservation's corrections to the store (settle, release). */
void
_sluice_limiter_adjust (SluiceLimiter *self,
                        GPtrArray     *items,
                        const gint64  *deltas,
                        gint64         at_s)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, NULL, NULL);
  g_autofree SluiceCounterItem *counters = _sluice_limit_items_to_counters (items, deltas);
  gint64 now_s = sluice_clock_now_us (self->clock) / G_USEC_PER_SEC;

  g_task_set_task_data (task, g_memdup2 (deltas, sizeof (gint64) * MAX (items->len, 1)),
                        g_free);
  g_object_set_data_full (G_OBJECT (task), "items", g_ptr_array_ref (items),
                          (GDestroyNotify) g_ptr_array_unref);
  sluice_counter_store_apply_async (self->store, SLUICE_COUNTER_OP_ADJUST, counters,
                                    items->len, now_s, at_s, NULL, on_adjusted,
                                    g_steal_pointer (&task));
}

SluiceConfig *
_sluice_limiter_get_config (SluiceLimiter *self)
{
  g_assert (SLUICE_IS_LIMITER (self));

  return self->config;
}

SluiceClock *
_sluice_limiter_get_clock (SluiceLimiter *self)
{
  g_assert (SLUICE_IS_LIMITER (self));

  return self->clock;
}
