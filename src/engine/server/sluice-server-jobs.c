/* sluice-server-jobs.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-server"

#include "config.h"

#include "sluice-server-private.h"

/* GET /v1/sluice/jobs/{id}: the state of a deferred request (the 202 that
 * accepted it carried the id), and its answer once it has one. */
void
_sluice_server_handle_jobs (SluiceServer      *self,
                            SoupServerMessage *msg,
                            const char        *user,
                            const char        *rest)
{
  g_autoptr(SluiceDeferredJob) job = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  if (rest == NULL || *rest == '\0')
    {
      _sluice_server_reply_error (self, msg, SLUICE_API_OPENAI, SLUICE_FAULT_NOT_FOUND, NULL,
                                  "Give a job id: /v1/sluice/jobs/<id>");
      return;
    }

  job = sluice_engine_lookup_job (self->engine, rest, &error);
  if (job == NULL)
    {
      g_autofree char *message = g_strdup_printf ("No deferred job “%s”", rest);

      _sluice_server_reply_error (self, msg, SLUICE_API_OPENAI, SLUICE_FAULT_NOT_FOUND, NULL,
                                  message);
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, job->id);
  json_builder_set_member_name (builder, "object");
  json_builder_add_string_value (builder, "sluice.job");
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, sluice_job_state_to_string (job->state));
  json_builder_set_member_name (builder, "attempts");
  json_builder_add_int_value (builder, job->attempts);
  json_builder_set_member_name (builder, "created");
  json_builder_add_int_value (builder, job->created_us / G_USEC_PER_SEC);
  if (job->response != NULL)
    {
      g_autoptr(JsonNode) answer = json_from_string (job->response, NULL);

      if (answer != NULL)
        {
          json_builder_set_member_name (builder, "result");
          json_builder_add_value (builder, g_steal_pointer (&answer));
        }
    }
  if (job->error != NULL && job->state != SLUICE_JOB_DONE)
    {
      json_builder_set_member_name (builder, "last_error");
      json_builder_add_string_value (builder, job->error);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  _sluice_server_reply_json (self, msg, SOUP_STATUS_OK, root);
}
