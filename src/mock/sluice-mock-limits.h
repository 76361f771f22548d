/* sluice-mock-limits.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The mock's own requests-per-minute and tokens-per-minute limits, counted
 * over a sliding 60 s window, and what the rate-limit headers report. */

typedef struct
{
  gint64 limit_requests;
  gint64 remaining_requests;
  gint64 reset_requests_ms;
  gint64 limit_tokens;
  gint64 remaining_tokens;
  gint64 reset_tokens_ms;
} SluiceMockLimitState;

typedef struct _SluiceMockLimits SluiceMockLimits;

SluiceMockLimits *sluice_mock_limits_new        (void);
void              sluice_mock_limits_free       (SluiceMockLimits     *self);
void              sluice_mock_limits_configure  (SluiceMockLimits     *self,
                                                 gint64                rpm,
                                                 gint64                tpm);
gboolean          sluice_mock_limits_is_enabled (SluiceMockLimits     *self);
gboolean          sluice_mock_limits_admit      (SluiceMockLimits     *self,
                                                 gint64                now_us,
                                                 SluiceMockLimitState *state,
                                                 gint64               *retry_after_ms);
void              sluice_mock_limits_add_tokens (SluiceMockLimits     *self,
                                                 gint64                now_us,
                                                 gint64                tokens);
void              sluice_mock_limits_get_state  (SluiceMockLimits     *self,
                                                 gint64                now_us,
                                                 SluiceMockLimitState *state);
void              sluice_mock_limits_reset      (SluiceMockLimits     *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SluiceMockLimits, sluice_mock_limits_free)

G_END_DECLS
