/* sluice-mock-behaviour.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "sluice-request.h"
#include "sluice-types.h"

G_BEGIN_DECLS

/* SluiceMockBehaviour: the one behaviour model of the mock providers, shared
 * by the in-process mock and the standalone sluice-mock server. Immutable and
 * ref-counted; a live change builds a new one. Decisions are deterministic for
 * a given seed and sequence of calls. */

typedef struct _SluiceMockBehaviour SluiceMockBehaviour;

typedef enum
{
  SLUICE_MOCK_ANSWER_ECHO,
  SLUICE_MOCK_ANSWER_CANNED,
  SLUICE_MOCK_ANSWER_LOREM,
} SluiceMockAnswerMode;

typedef struct
{
  gint64            latency_us;
  SluiceErrorClass  error;           /* NONE on success */
  gint64            retry_after_ms;  /* for RATE_LIMITED, else -1 */
  char             *content;         /* NULL on error */
  const char       *finish_reason;   /* "stop" or "length" */
  SluiceUsage       usage;
} SluiceMockOutcome;

void sluice_mock_outcome_clear (SluiceMockOutcome *outcome);

#define SLUICE_TYPE_MOCK_BEHAVIOUR (sluice_mock_behaviour_get_type ())

GType                sluice_mock_behaviour_get_type      (void) G_GNUC_CONST;
SluiceMockBehaviour *sluice_mock_behaviour_new_default   (void);
SluiceMockBehaviour *sluice_mock_behaviour_new_from_json (JsonNode            *node,
                                                          const char          *path,
                                                          GError             **error);
SluiceMockBehaviour *sluice_mock_behaviour_ref           (SluiceMockBehaviour *self);
void                 sluice_mock_behaviour_unref         (SluiceMockBehaviour *self);
JsonNode            *sluice_mock_behaviour_to_json       (SluiceMockBehaviour *self);
guint64              sluice_mock_behaviour_get_seed      (SluiceMockBehaviour *self);
double               sluice_mock_behaviour_get_p50_ms    (SluiceMockBehaviour *self);
double               sluice_mock_behaviour_get_p99_ms    (SluiceMockBehaviour *self);
double               sluice_mock_behaviour_get_error_rate (SluiceMockBehaviour *self,
                                                           SluiceErrorClass     klass);
guint                sluice_mock_behaviour_get_stream_cut_after (SluiceMockBehaviour *self);
guint                sluice_mock_behaviour_get_chunk_delay_ms   (SluiceMockBehaviour *self);
gboolean             sluice_mock_behaviour_in_outage     (SluiceMockBehaviour *self,
                                                          gint64               now_us);
void                 sluice_mock_behaviour_decide        (SluiceMockBehaviour *self,
                                                          GRand               *rand,
                                                          SluiceRequest       *request,
                                                          gint64               now_us,
                                                          SluiceMockOutcome   *outcome);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SluiceMockBehaviour, sluice_mock_behaviour_unref)

G_END_DECLS
