/* sluice-limiter-private.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-limiter.h"

G_BEGIN_DECLS

typedef struct
{
  gint64 until_us;
  gint64 requests_left;      /* -1: not reported */
  gint64 tokens_left;
  gint64 seen_at_us;         /* when the headers came */
  gint64 reported_requests;  /* as the provider said them, for display */
  gint64 reported_tokens;
} Learned;

struct _SluiceLimiter
{
  GObject             parent_instance;

  SluiceConfig       *config;
  SluiceClock        *clock;
  SluiceCounterStore *store;
  SluiceTokenizer    *tokenizer;
  GHashTable         *learned;       /* model → Learned */
  GHashTable         *alerted;       /* "key|fraction" → second of the alert */
  GHashTable         *usage;         /* key → SluiceLimitUsageInfo, last seen */
};


typedef enum
{
  SLUICE_LIMIT_REQUESTS,
  SLUICE_LIMIT_TOKENS,
  SLUICE_LIMIT_USD,          /* micro-dollars */
  SLUICE_LIMIT_IN_FLIGHT,
} SluiceLimitKind;

/* One counter of a decision, with the name a refusal or alert shows. */
typedef struct
{
  char            *key;
  char            *label;    /* "user alice: tokens per hour" */
  char            *code;     /* "budget.user_tokens_per_hour", for alerts */
  SluiceLimitKind  kind;
  gint64           window_s;
  gint64           limit;
  gint64           amount;
  gboolean         budget;   /* alerts at the configured fractions */
} SluiceLimitItem;

void               _sluice_limit_item_free       (SluiceLimitItem   *item);
SluiceReservation *_sluice_reservation_new       (SluiceLimiter     *limiter,
                                                  const char        *model,
                                                  GPtrArray         *items,
                                                  gint64             at_s,
                                                  gint64             tokens,
                                                  gint64             output_tokens,
                                                  gint64             usd_micro,
                                                  gboolean           counted,
                                                  gboolean           cut_streams);
void               _sluice_limiter_adjust        (SluiceLimiter     *self,
                                                  GPtrArray         *items,
                                                  const gint64      *deltas,
                                                  gint64             at_s);
SluiceConfig      *_sluice_limiter_get_config    (SluiceLimiter     *self);
SluiceClock       *_sluice_limiter_get_clock     (SluiceLimiter     *self);
SluiceCounterItem *_sluice_limit_items_to_counters (GPtrArray       *items,
                                                    const gint64    *amounts);

/* sluice-limiter.c */
void _sluice_limiter_emit_alert   (SluiceLimiter *self,
                                   const char    *severity,
                                   const char    *code,
                                   const char    *message);

/* sluice-limiter-usage.c */
void _sluice_limit_usage_info_free (gpointer       data);
void _sluice_limiter_check_alerts  (SluiceLimiter *self,
                                    GPtrArray     *items,
                                    const gint64  *deltas,
                                    const gint64  *totals);

G_END_DECLS
