/* sluice-complexity.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * SluiceComplexity:
 * @task: the task type guessed, e.g. "classification", "code"; static
 * @confidence: how sure the guess is, 0 … 1
 * @features: (element-type utf8): what was seen, one short phrase each
 *   ("code fence", "cue “step by step”"), for the trace
 *
 * The result of sluice_complexity_estimate(): a cheap, explainable guess
 * of what a prompt asks for.
 */
typedef struct
{
  const char *task;
  double      confidence;
  GPtrArray  *features;
} SluiceComplexity;

/* The task types the estimate can give. */
extern const char * const sluice_complexity_tasks[];

void sluice_complexity_estimate (const char       *text,
                                 const char       *response_format,
                                 gboolean          has_tools,
                                 SluiceComplexity *out);
void sluice_complexity_clear    (SluiceComplexity *self);

G_END_DECLS
