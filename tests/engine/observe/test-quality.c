/* test-quality.c — answer scoring, format checks and drift distances
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sluice.h"
#include "sluice-drift.h"
#include "sluice-quality.h"
#include "sluice-request-private.h"

static SluiceResponse *
answer (const char *route,
        const char *content)
{
  g_autoptr(SluiceTrace) trace = sluice_trace_new (0);
  SluiceResponse *r = _sluice_response_new ("req-1", trace);

  r->status = SLUICE_REQUEST_STATUS_OK;
  r->route = g_strdup (route);
  r->content = g_strdup (content);
  return r;
}

static void
score (SluiceQuality      *q,
       const char         *system,
       const char         *question,
       const char         *content,
       SluiceQualityScore *out)
{
  g_autoptr(SluiceRequest) request = sluice_request_new ();
  g_autoptr(SluiceResponse) response = answer ("main", content);

  if (system != NULL)
    sluice_request_add_message (request, SLUICE_ROLE_SYSTEM, system);
  sluice_request_add_message (request, SLUICE_ROLE_USER, question);
  sluice_quality_score (q, request, response, out);
}

static void
test_scores (void)
{
  g_autoptr(SluiceLocalEmbedder) embedder = sluice_local_embedder_new (NULL);
  g_autoptr(SluiceQuality) q = sluice_quality_new (embedder);
  const char *blocked[] = { "forbidden", NULL };
  SluiceQualityScore good, refusal, off_topic, bad_json, ok_json, blocked_score, grounded;

  sluice_quality_set_blocklist (q, blocked);
  score (q, NULL, "How do rivers carve valleys?", "Rivers carve valleys by eroding rock.", &good);
  score (q, NULL, "How do rivers carve valleys?", "I'm sorry, I cannot help with that.", &refusal);
  score (q, NULL, "How do rivers carve valleys?", "Whisk the eggs into the sugar.", &off_topic);
  g_assert_cmpfloat (good.safety, ==, 1);
  g_assert_cmpfloat (refusal.safety, ==, 0);
  g_assert_cmpfloat (good.relevance, >, off_topic.relevance);
  g_assert_cmpfloat (good.score, >, refusal.score);
  g_assert_cmpfloat (good.format, <, 0);
  g_assert_cmpfloat (good.grounding, <, 0);

  score (q, NULL, "Reply in JSON: the river's name?", "{\"name\": oops", &bad_json);
  score (q, NULL, "Reply in JSON: the river's name?", "```json\n{\"name\": \"Rhine\"}\n```", &ok_json);
  g_assert_cmpfloat (bad_json.format, ==, 0);
  g_assert_cmpfloat (ok_json.format, ==, 1);

  score (q, NULL, "Anything?", "That is forbidden knowledge.", &blocked_score);
  g_assert_cmpfloat (blocked_score.safety, ==, 0);

  score (q, "Context: the Rhine flows from the Swiss Alps through Germany and the Netherlands "
            "into the North Sea, carrying sediment.", "Where does the Rhine flow?",
         "The Rhine flows through Germany into the North Sea.", &grounded);
  g_assert_cmpfloat (grounded.grounding, >, 0.8);
}

static void
test_route_schema (void)
{
  g_autoptr(SluiceLocalEmbedder) embedder = sluice_local_embedder_new (NULL);
  g_autoptr(SluiceQuality) q = sluice_quality_new (embedder);
  g_autoptr(JsonNode) schema = json_from_string ("{\"type\": \"object\", \"required\": [\"label\"],"
                                                 " \"properties\": {\"label\": {\"enum\": [\"spam\", \"ham\"]}}}",
                                                 NULL);
  SluiceQualityScore s;
  char *why = NULL;

  g_assert_true (sluice_json_schema_check (schema, NULL));
  sluice_quality_set_format (q, "main", NULL, schema);
  score (q, NULL, "Classify this mail", "{\"label\": \"spam\"}", &s);
  g_assert_cmpfloat (s.format, ==, 1);
  score (q, NULL, "Classify this mail", "{\"label\": \"eggs\"}", &s);
  g_assert_cmpfloat (s.format, ==, 0);
  score (q, NULL, "Classify this mail", "spam", &s);
  g_assert_cmpfloat (s.format, ==, 0);

  {
    g_autoptr(JsonNode) bad = json_from_string ("{\"type\": \"object\", \"pattern\": \"x\"}", NULL);

    g_assert_false (sluice_json_schema_check (bad, &why));
    g_assert_nonnull (strstr (why, "pattern"));
    g_free (why);
  }

  sluice_quality_set_format (q, "main", "^[A-Z]+$", NULL);
  score (q, NULL, "Shout", "HELLO", &s);
  g_assert_cmpfloat (s.format, ==, 1);
  score (q, NULL, "Shout", "hello", &s);
  g_assert_cmpfloat (s.format, ==, 0);
}

static void
test_drift_distance (void)
{
  g_autoptr(SluiceLocalEmbedder) embedder = sluice_local_embedder_new (NULL);
  g_autoptr(SluiceDrift) drift = sluice_drift_new (embedder, NULL);
  gint64 day = 20000;
  gint64 t = day * (gint64) 86400 * G_USEC_PER_SEC;
  guint n = 0, week = 0;

  for (guint i = 0; i < 5; i++)
    sluice_drift_add (drift, "main", "m", t - (gint64) 86400 * G_USEC_PER_SEC, "Rivers erode rock and carry sediment.");
  sluice_drift_add (drift, "main", "m", t, "Rivers erode rock and carry sediment.");
  g_assert_cmpfloat (sluice_drift_distance (drift, "main", "m", day, &n, &week), <, 0.01);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpuint (week, ==, 5);
  for (guint i = 0; i < 5; i++)
    sluice_drift_add (drift, "main", "m", t, "Whisk butter and sugar, then bake the sponge cake.");
  g_assert_cmpfloat (sluice_drift_distance (drift, "main", "m", day, &n, &week), >, 0.15);
  g_assert_cmpfloat (sluice_drift_distance (drift, "main", "other", day, &n, &week), <, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/engine/observe/quality/scores", test_scores);
  g_test_add_func ("/engine/observe/quality/route-schema", test_route_schema);
  g_test_add_func ("/engine/observe/drift/distance", test_drift_distance);
  return g_test_run ();
}
