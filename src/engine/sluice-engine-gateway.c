/* sluice-engine-gateway.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-engine"

#include "config.h"

#include "sluice-engine-private.h"

/* What a gateway needs beyond sluice_engine_complete_async(): to learn
 * which model answers before the first streamed byte, so it can say so in
 * its response headers. */

/**
 * sluice_engine_complete_full_async:
 * @self: the engine
 * @request: the request
 * @on_delta: (nullable) (scope call): called with each piece of a streamed
 *   answer
 * @on_dispatch: (nullable) (scope call): called once, before the first
 *   piece of a streamed answer, with what answers it (model, provider,
 *   cache status); never called when nothing is streamed
 * @data: data for @on_delta and @on_dispatch
 * @cancellable: (nullable): cancels the request
 * @callback: called when the request is settled
 * @user_data: data for @callback
 *
 * Like sluice_engine_complete_async(), plus @on_dispatch. Finish with
 * sluice_engine_complete_finish().
 */
void
sluice_engine_complete_full_async (SluiceEngine        *self,
                                   SluiceRequest       *request,
                                   SluiceDeltaFunc      on_delta,
                                   SluiceDispatchFunc   on_dispatch,
                                   gpointer             data,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SLUICE_IS_ENGINE (self));
  g_return_if_fail (SLUICE_IS_REQUEST (request));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sluice_engine_complete_full_async);

  if (self->shutting_down)
    {
      g_task_return_new_error (task, SLUICE_ENGINE_ERROR, SLUICE_ENGINE_ERROR_SHUTTING_DOWN,
                               "The engine is shutting down");
      return;
    }

  _sluice_engine_run_pipeline_full (self, request, on_delta, on_dispatch, data, task);
}
