/* sluice-limiter.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sluice-clock.h"
#include "sluice-config.h"
#include "sluice-counter-store.h"
#include "sluice-tokenizer.h"
#include "sluice-types.h"

G_BEGIN_DECLS

#define SLUICE_LIMIT_ERROR (sluice_limit_error_quark ())

/**
 * SluiceLimitError:
 * @SLUICE_LIMIT_ERROR_REFUSED: a limit or budget has no room now; the
 *   message names it ("user alice: tokens per hour 200000") and the retry
 *   time says when the request could pass
 * @SLUICE_LIMIT_ERROR_TOO_LARGE: the request can never pass (it alone
 *   exceeds a limit, e.g. tokens per request)
 * @SLUICE_LIMIT_ERROR_UNAVAILABLE: the counter store is unreachable and
 *   counters.on_loss is "fail_closed"
 * @SLUICE_LIMIT_ERROR_UNKNOWN_MODEL: the model is not in the config
 */
typedef enum
{
  SLUICE_LIMIT_ERROR_REFUSED,
  SLUICE_LIMIT_ERROR_TOO_LARGE,
  SLUICE_LIMIT_ERROR_UNAVAILABLE,
  SLUICE_LIMIT_ERROR_UNKNOWN_MODEL,
} SluiceLimitError;

GQuark sluice_limit_error_quark (void);

/**
 * SluiceLimitUsageInfo:
 * @label: e.g. "user alice: tokens per hour"
 * @code: e.g. "budget.user_tokens_per_hour"
 * @kind: 0 requests, 1 tokens, 2 micro-dollars, 3 in flight
 * @budget: whether it is a budget (else a rate limit)
 * @window_s: the window, 0 for in-flight gauges
 * @limit: the limit
 * @used: the count at @updated_at_us
 * @updated_at_us: wall clock of the reading
 */
typedef struct
{
  char     *label;
  char     *code;
  int       kind;
  gboolean  budget;
  gint64    window_s;
  gint64    limit;
  gint64    used;
  gint64    updated_at_us;
} SluiceLimitUsageInfo;

void sluice_limit_usage_info_clear (SluiceLimitUsageInfo *info);

#define SLUICE_TYPE_RESERVATION (sluice_reservation_get_type ())

G_DECLARE_FINAL_TYPE (SluiceReservation, sluice_reservation, SLUICE, RESERVATION, GObject)

#define SLUICE_TYPE_LIMITER (sluice_limiter_get_type ())

G_DECLARE_FINAL_TYPE (SluiceLimiter, sluice_limiter, SLUICE, LIMITER, GObject)

SluiceLimiter      *sluice_limiter_new                  (SluiceConfig        *config,
                                                         SluiceClock         *clock,
                                                         SluiceCounterStore  *store);
SluiceLimiter      *sluice_limiter_new_for_config       (SluiceConfig        *config,
                                                         SluiceClock         *clock,
                                                         GError             **error);
void                sluice_limiter_set_config           (SluiceLimiter       *self,
                                                         SluiceConfig        *config);
SluiceCounterStore *sluice_limiter_get_store            (SluiceLimiter       *self);
SluiceTokenizer    *sluice_limiter_get_tokenizer        (SluiceLimiter       *self);
gboolean            sluice_limiter_rebuild_from_ledger  (SluiceLimiter       *self,
                                                         SluiceStore         *store,
                                                         GError             **error);
double              sluice_limiter_cost_usd             (SluiceLimiter       *self,
                                                         const char          *model,
                                                         gint64               tokens_in,
                                                         gint64               tokens_cached,
                                                         gint64               tokens_out);
gboolean            sluice_limiter_reserve_now          (SluiceLimiter       *self,
                                                         const char          *user,
                                                         const char          *model,
                                                         gint64               input_tokens,
                                                         gint64               output_tokens,
                                                         SluiceReservation  **reservation,
                                                         gint64              *retry_at_us,
                                                         GError             **error);
void                sluice_limiter_reserve_async        (SluiceLimiter       *self,
                                                         const char          *user,
                                                         const char          *model,
                                                         gint64               input_tokens,
                                                         gint64               output_tokens,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
SluiceReservation  *sluice_limiter_reserve_finish       (SluiceLimiter       *self,
                                                         GAsyncResult        *result,
                                                         gint64              *retry_at_us,
                                                         GError             **error);
GArray             *sluice_limiter_dup_usage            (SluiceLimiter       *self);
gboolean            sluice_limiter_lookup_provider_headers
                                                        (SluiceLimiter       *self,
                                                         const char          *model,
                                                         gint64              *requests_left,
                                                         gint64              *tokens_left,
                                                         gint64              *seen_at_us);
void                sluice_limiter_observe_provider_headers
                                                        (SluiceLimiter       *self,
                                                         const char          *model,
                                                         gint64               remaining_requests,
                                                         gint64               remaining_tokens,
                                                         gint64               reset_ms);

const char         *sluice_reservation_get_model        (SluiceReservation   *self);
gint64              sluice_reservation_get_tokens       (SluiceReservation   *self);
double              sluice_reservation_get_cost_usd     (SluiceReservation   *self);
gboolean            sluice_reservation_is_counted       (SluiceReservation   *self);
gboolean            sluice_reservation_allows_output    (SluiceReservation   *self,
                                                         gint64               output_tokens_so_far);
void                sluice_reservation_settle           (SluiceReservation   *self,
                                                         gint64               tokens_in,
                                                         gint64               tokens_out,
                                                         double               cost_usd);
void                sluice_reservation_release          (SluiceReservation   *self);

G_END_DECLS
