/* sluice-observer-judge.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-observe"

#include "config.h"

#include <string.h>

#include "sluice-observe-sql.h"
#include "sluice-observer-private.h"

/* The optional LLM judge: a sample of the scored answers is rated 0–10 by
 * a model of the config, through the engine (the observer may not call it
 * itself), within its own daily dollar budget. The verdict is added to
 * the stored score of the request. */

typedef struct
{
  SluiceObserver *self;
  char           *request_id;
} JudgeCall;

static void
judged_cb (SluiceResponse *response,
           gpointer        data)
{
  JudgeCall *call = data;
  SluiceObserver *self = call->self;
  const char *text = response != NULL ? sluice_response_get_content (response) : NULL;
  double verdict;

  if (text != NULL && self->store != NULL)
    {
      verdict = g_ascii_strtod (text + strcspn (text, "0123456789"), NULL);
      self->judge_spent_usd += sluice_response_get_cost_usd (response);
      if (verdict >= 0 && verdict <= 10)
        _sluice_observe_exec (self->store, "UPDATE quality_scores SET judge = ? WHERE request_id = ?",
                              g_variant_new ("(ds)", verdict / 10.0, call->request_id));
    }
  g_object_unref (call->self);
  g_free (call->request_id);
  g_free (call);
}

/* The LLM judge, through the engine, within its own daily budget. */
void
_sluice_observer_maybe_judge (SluiceObserver *self,
             SluiceRequest  *request,
             SluiceResponse *response,
             gint64          now)
{
  const SluiceMonitoringConfig *m = sluice_config_get_monitoring (self->config);
  const char *id = sluice_response_get_request_id (response);
  g_autoptr(SluiceRequest) judge = NULL;
  g_autofree char *question = NULL;
  g_autofree char *prompt = NULL;
  JudgeCall *call;

  if (m->judge_model == NULL || self->judge_func == NULL || !_sluice_observer_sampled (id, "judge", m->judge_sample_rate))
    return;
  if (now / OBSERVE_DAY_US != self->judge_day)
    {
      self->judge_day = now / OBSERVE_DAY_US;
      self->judge_spent_usd = 0;
    }
  if (self->judge_spent_usd >= m->judge_usd_per_day)
    return;
  question = sluice_request_dup_prompt_text (request);
  prompt = g_strdup_printf ("Rate from 0 to 10 how well the answer serves the question. "
                            "Reply with the number only.\n\nQuestion:\n%s\n\nAnswer:\n%s",
                            question, sluice_response_get_content (response));
  judge = sluice_request_new ();
  sluice_request_add_message (judge, SLUICE_ROLE_USER, prompt);
  sluice_request_set_model (judge, m->judge_model);
  sluice_request_set_user (judge, SLUICE_OBSERVER_JUDGE_USER);
  sluice_request_set_max_tokens (judge, 8);
  call = g_new0 (JudgeCall, 1);
  call->self = g_object_ref (self);
  call->request_id = g_strdup (id);
  self->judge_func (judge, judged_cb, call, self->judge_data);
}
