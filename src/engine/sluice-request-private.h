/* sluice-request-private.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-request.h"

G_BEGIN_DECLS

/* The engine builds a response field by field while the request travels the
 * pipeline, then hands it out; nobody changes it after that. */
struct _SluiceResponse
{
  GObject              parent_instance;

  char                *request_id;
  SluiceRequestStatus  status;
  char                *content;
  char                *finish_reason;
  char                *route;
  char                *model;
  char                *provider;
  SluiceUsage          usage;
  double               cost_usd;
  gint64               latency_us;
  gint64               ttft_us;
  gint64               overhead_us;
  SluiceCacheStatus    cache_status;
  guint                fallback_depth;
  SluiceErrorClass     error_class;
  char                *error_message;
  char                *job_id;
  SluiceTrace         *trace;
  gint64               retry_after_ms;  /* REFUSED: when to come back; -1 unknown */
};

SluiceResponse *_sluice_response_new (const char  *request_id,
                                      SluiceTrace *trace);

G_END_DECLS
