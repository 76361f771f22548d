/* sluice-router-private.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-router.h"

G_BEGIN_DECLS

struct _SluiceRouteDecision
{
  char      *chain;            /* or the pinned model */
  GStrv      models;
  char      *rule;             /* the rule that matched, or NULL */
  char      *task;             /* NULL when neither given nor guessed */
  gboolean   task_guessed;
  double     confidence;       /* 1 when the caller gave the task */
  GStrv      features;         /* the classifier's, or NULL */
  GPtrArray *reasons;          /* char *, NULL-terminated once sealed */
  gint64     input_tokens;
  char      *output;           /* "json", "tools" or "text" */
  gint64     cap_max_tokens;   /* 0 = none */
  double     cap_temperature;  /* < 0 = none */
  gboolean   budget_switched;
  gboolean   routed_up;
  gboolean   sealed;
};

SluiceRouteDecision *_sluice_route_decision_new    (void);
SluiceRouteDecision *_sluice_route_decision_seal   (SluiceRouteDecision *self);
void                 _sluice_route_decision_reason (SluiceRouteDecision *self,
                                                    const char          *format,
                                                    ...) G_GNUC_PRINTF (2, 3);

G_END_DECLS
