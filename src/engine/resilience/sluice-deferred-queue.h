/* sluice-deferred-queue.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-clock.h"
#include "sluice-config.h"
#include "sluice-request.h"
#include "sluice-store.h"

G_BEGIN_DECLS

typedef enum
{
  SLUICE_JOB_QUEUED,
  SLUICE_JOB_RUNNING,
  SLUICE_JOB_DONE,
  SLUICE_JOB_FAILED,
} SluiceJobState;

/* One deferred request as stored. */
typedef struct
{
  char           *id;
  SluiceJobState  state;
  guint           attempts;
  gint64          created_us;
  gint64          updated_us;
  gint64          next_attempt_us;
  char           *request;    /* JSON */
  char           *response;   /* JSON, when done */
  char           *error;      /* the last failure */
} SluiceDeferredJob;

void sluice_deferred_job_free (SluiceDeferredJob *job);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SluiceDeferredJob, sluice_deferred_job_free)

#define SLUICE_TYPE_DEFERRED_QUEUE (sluice_deferred_queue_get_type ())

G_DECLARE_FINAL_TYPE (SluiceDeferredQueue, sluice_deferred_queue, SLUICE, DEFERRED_QUEUE, GObject)

SluiceDeferredQueue *sluice_deferred_queue_new            (SluiceStore          *store,
                                                           SluiceClock          *clock);
void                 sluice_deferred_queue_configure      (SluiceDeferredQueue  *self,
                                                           const SluiceDeferredConfig *config);
gboolean             sluice_deferred_queue_recover        (SluiceDeferredQueue  *self,
                                                           GError              **error);
void                 sluice_deferred_queue_enqueue_async  (SluiceDeferredQueue  *self,
                                                           SluiceRequest        *request,
                                                           const char           *reason,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
char                *sluice_deferred_queue_enqueue_finish (SluiceDeferredQueue  *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);
GPtrArray           *sluice_deferred_queue_take_due       (SluiceDeferredQueue  *self,
                                                           guint                 max,
                                                           GError              **error);
void                 sluice_deferred_queue_finish_job     (SluiceDeferredQueue  *self,
                                                           const char           *id,
                                                           gboolean              succeeded,
                                                           const char           *response_json,
                                                           const char           *error_message);
SluiceDeferredJob   *sluice_deferred_queue_lookup         (SluiceDeferredQueue  *self,
                                                           const char           *id,
                                                           GError              **error);
guint                sluice_deferred_queue_count_pending  (SluiceDeferredQueue  *self);
SluiceRequest       *sluice_deferred_job_build_request    (const SluiceDeferredJob *job,
                                                           GError              **error);
const char          *sluice_job_state_to_string           (SluiceJobState        state);

G_END_DECLS
