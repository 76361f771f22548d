/* sluice-breaker.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-clock.h"
#include "sluice-config.h"
#include "sluice-types.h"

G_BEGIN_DECLS

typedef enum
{
  SLUICE_BREAKER_CLOSED,
  SLUICE_BREAKER_OPEN,
  SLUICE_BREAKER_HALF_OPEN,
} SluiceBreakerState;

typedef enum
{
  SLUICE_BREAKER_ALLOW,        /* closed: go ahead */
  SLUICE_BREAKER_ALLOW_PROBE,  /* half-open: this call is the one probe */
  SLUICE_BREAKER_DENY_OPEN,    /* open until retry_at */
  SLUICE_BREAKER_DENY_PROBE,   /* half-open, and the probe is in flight */
  SLUICE_BREAKER_DENY_HELD,    /* held out by a provider's Retry-After */
} SluiceBreakerVerdict;

typedef struct
{
  char               *key;
  SluiceBreakerState  state;
  gint64              changed_at_us;      /* wall clock */
  gint64              open_until_us;      /* wall clock; 0 unless open */
  gint64              held_until_us;      /* wall clock; 0 unless held */
  guint               trips;              /* consecutive trips */
  guint               consecutive_failures;
  guint               window_requests;
  guint               window_failures;
  gboolean            forced;
} SluiceBreakerInfo;

void sluice_breaker_info_clear (SluiceBreakerInfo *info);

#define SLUICE_TYPE_BREAKER_BOARD (sluice_breaker_board_get_type ())

G_DECLARE_FINAL_TYPE (SluiceBreakerBoard, sluice_breaker_board, SLUICE, BREAKER_BOARD, GObject)

SluiceBreakerBoard   *sluice_breaker_board_new           (SluiceClock               *clock);
void                  sluice_breaker_board_configure     (SluiceBreakerBoard        *self,
                                                          const SluiceBreakerConfig *config);
SluiceBreakerVerdict  sluice_breaker_board_admit         (SluiceBreakerBoard        *self,
                                                          const char                *key,
                                                          gint64                    *retry_at_us);
void                  sluice_breaker_board_record        (SluiceBreakerBoard        *self,
                                                          const char                *key,
                                                          gboolean                   probe,
                                                          SluiceErrorClass           result,
                                                          gint64                     retry_after_ms);
void                  sluice_breaker_board_release_probe (SluiceBreakerBoard        *self,
                                                          const char                *key);
void                  sluice_breaker_board_force_open    (SluiceBreakerBoard        *self,
                                                          const char                *key,
                                                          gint64                     duration_us);
void                  sluice_breaker_board_reset         (SluiceBreakerBoard        *self,
                                                          const char                *key);
SluiceBreakerState    sluice_breaker_board_get_state     (SluiceBreakerBoard        *self,
                                                          const char                *key);
GArray               *sluice_breaker_board_list          (SluiceBreakerBoard        *self);
const char           *sluice_breaker_state_to_string     (SluiceBreakerState         state);

G_END_DECLS
