/* sluice-request.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sluice-types.h"

G_BEGIN_DECLS

/* SluiceMessage: one message of a conversation; immutable, ref-counted. */

#define SLUICE_TYPE_MESSAGE (sluice_message_get_type ())

GType          sluice_message_get_type    (void) G_GNUC_CONST;
SluiceMessage *sluice_message_new         (SluiceRole     role,
                                           const char    *content);
SluiceMessage *sluice_message_ref         (SluiceMessage *self);
void           sluice_message_unref       (SluiceMessage *self);
SluiceRole     sluice_message_get_role    (const SluiceMessage *self);
const char    *sluice_message_get_content (const SluiceMessage *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SluiceMessage, sluice_message_unref)

/* SluiceUsage: token counts as the provider reported them. */

typedef struct
{
  gint64 input_tokens;
  gint64 cached_input_tokens;
  gint64 output_tokens;
} SluiceUsage;

/* SluiceTrace: what the engine did with one request, stage by stage. */

typedef struct
{
  SluiceStage  stage;
  gint64       offset_us;    /* since the request was admitted */
  gint64       duration_us;  /* 0 when the entry is an instant event */
  char        *what;         /* short, e.g. "attempt", "route", "hit" */
  char        *detail;       /* human-readable sentence */
} SluiceTraceEntry;

#define SLUICE_TYPE_TRACE (sluice_trace_get_type ())

GType                   sluice_trace_get_type    (void) G_GNUC_CONST;
SluiceTrace            *sluice_trace_new         (gint64       start_us);
SluiceTrace            *sluice_trace_ref         (SluiceTrace *self);
void                    sluice_trace_unref       (SluiceTrace *self);
void                    sluice_trace_add         (SluiceTrace *self,
                                                  SluiceStage  stage,
                                                  gint64       now_us,
                                                  gint64       duration_us,
                                                  const char  *what,
                                                  const char  *detail_format,
                                                  ...) G_GNUC_PRINTF (6, 7);
guint                   sluice_trace_get_n_entries (SluiceTrace *self);
const SluiceTraceEntry *sluice_trace_get_entry     (SluiceTrace *self,
                                                    guint        index);
char                   *sluice_trace_to_text       (SluiceTrace *self);
char                   *sluice_trace_to_json       (SluiceTrace *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SluiceTrace, sluice_trace_unref)

/* SluiceRequest: filled in by the caller, then handed to the engine, which
 * never changes it. */

#define SLUICE_TYPE_REQUEST (sluice_request_get_type ())

G_DECLARE_FINAL_TYPE (SluiceRequest, sluice_request, SLUICE, REQUEST, GObject)

SluiceRequest *sluice_request_new                (void);
void           sluice_request_add_message        (SluiceRequest *self,
                                                  SluiceRole     role,
                                                  const char    *content);
GPtrArray     *sluice_request_get_messages       (SluiceRequest *self);
const char    *sluice_request_get_model          (SluiceRequest *self);
void           sluice_request_set_model          (SluiceRequest *self,
                                                  const char    *model);
const char    *sluice_request_get_task           (SluiceRequest *self);
void           sluice_request_set_task           (SluiceRequest *self,
                                                  const char    *task);
const char    *sluice_request_get_user           (SluiceRequest *self);
void           sluice_request_set_user           (SluiceRequest *self,
                                                  const char    *user);
double         sluice_request_get_temperature    (SluiceRequest *self);
void           sluice_request_set_temperature    (SluiceRequest *self,
                                                  double         temperature);
gint64         sluice_request_get_max_tokens     (SluiceRequest *self);
void           sluice_request_set_max_tokens     (SluiceRequest *self,
                                                  gint64         max_tokens);
gboolean       sluice_request_get_stream         (SluiceRequest *self);
void           sluice_request_set_stream         (SluiceRequest *self,
                                                  gboolean       stream);
gboolean       sluice_request_get_deferrable     (SluiceRequest *self);
void           sluice_request_set_deferrable     (SluiceRequest *self,
                                                  gboolean       deferrable);
const char    *sluice_request_get_id             (SluiceRequest *self);
void           sluice_request_set_id             (SluiceRequest *self,
                                                  const char    *id);
const char    *sluice_request_get_cache_control  (SluiceRequest *self);
void           sluice_request_set_cache_control  (SluiceRequest *self,
                                                  const char    *cache_control);
const char    *sluice_request_get_response_format (SluiceRequest *self);
void           sluice_request_set_response_format (SluiceRequest *self,
                                                   const char    *response_format);
gboolean       sluice_request_get_has_tools      (SluiceRequest *self);
void           sluice_request_set_has_tools      (SluiceRequest *self,
                                                  gboolean       has_tools);
SluiceRequest *sluice_request_copy               (SluiceRequest *self);
char          *sluice_request_dup_prompt_text    (SluiceRequest *self);
char          *sluice_request_new_id             (void);

/* SluiceResponse: what the engine answered; immutable once reported. */

#define SLUICE_TYPE_RESPONSE (sluice_response_get_type ())

G_DECLARE_FINAL_TYPE (SluiceResponse, sluice_response, SLUICE, RESPONSE, GObject)

const char         *sluice_response_get_request_id     (SluiceResponse *self);
SluiceRequestStatus sluice_response_get_status         (SluiceResponse *self);
const char         *sluice_response_get_content        (SluiceResponse *self);
const char         *sluice_response_get_finish_reason  (SluiceResponse *self);
const char         *sluice_response_get_route          (SluiceResponse *self);
const char         *sluice_response_get_model          (SluiceResponse *self);
const char         *sluice_response_get_provider       (SluiceResponse *self);
const SluiceUsage  *sluice_response_get_usage          (SluiceResponse *self);
double              sluice_response_get_cost_usd       (SluiceResponse *self);
gint64              sluice_response_get_latency_us     (SluiceResponse *self);
gint64              sluice_response_get_ttft_us        (SluiceResponse *self);
gint64              sluice_response_get_overhead_us    (SluiceResponse *self);
SluiceCacheStatus   sluice_response_get_cache_status   (SluiceResponse *self);
guint               sluice_response_get_fallback_depth (SluiceResponse *self);
SluiceErrorClass    sluice_response_get_error_class    (SluiceResponse *self);
const char         *sluice_response_get_error_message  (SluiceResponse *self);
const char         *sluice_response_get_job_id         (SluiceResponse *self);
SluiceTrace        *sluice_response_get_trace          (SluiceResponse *self);
gint64              sluice_response_get_retry_after_ms (SluiceResponse *self);

G_END_DECLS
