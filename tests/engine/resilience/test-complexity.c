/* test-complexity.c — the complexity estimate's guesses and confidence
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "sluice-complexity.h"

typedef struct
{
  const char *prompt;
  const char *format;
  gboolean    tools;
  const char *task;
} Case;

static const Case cases[] = {
  { "Classify this ticket into billing, shipping or other: my parcel never came", NULL, FALSE, "classification" },
  { "Extract every email address from the text below.\nContact anna@example.org or bo@example.com", NULL, FALSE, "extraction" },
  { "Is the following review positive or negative? 'Loved it, will buy again'", NULL, FALSE, "sentiment" },
  { "Answer yes or no: does the invoice mention a due date?", NULL, FALSE, "yes-no" },
  { "What is the capital of Portugal?", NULL, FALSE, "qa" },
  { "Summarize this paragraph in two sentences: the council met on Monday ...", NULL, FALSE, "summarisation" },
  { "Write a function in Python that merges two sorted lists.", NULL, FALSE, "code" },
  { "Fix this:\n```c\nint main () { return x; }\n```", NULL, FALSE, "code" },
  { "Think step by step: a train leaves at 3pm at 80 km/h, another at 4pm at 100 km/h; when does the second catch up?", NULL, FALSE, "reasoning" },
  { "Analyse the trade-offs of event sourcing versus CRUD for an order system.", NULL, FALSE, "analysis" },
  { "Write a haiku about autumn rain.", NULL, FALSE, "creative" },
  { "Hello", NULL, FALSE, "chat" },
  { "Give me the order id, customer and total of this message", "json", FALSE, "extraction" },
};

static void
test_cases (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      SluiceComplexity c = { 0 };

      sluice_complexity_estimate (cases[i].prompt, cases[i].format, cases[i].tools, &c);
      if (g_strcmp0 (c.task, cases[i].task) != 0 || c.confidence < 0.5)
        g_test_fail_printf ("“%s”: expected %s, got %s (%.2f)", cases[i].prompt,
                            cases[i].task, c.task, c.confidence);
      g_assert_cmpuint (c.features->len, >, 0);
      sluice_complexity_clear (&c);
    }
}

/* Each feature that fired is named, for the trace. */
static void
test_features_explain (void)
{
  SluiceComplexity c = { 0 };
  gboolean fence = FALSE;

  sluice_complexity_estimate ("Why does this crash?\n```\nfree (p); free (p);\n```", NULL,
                              FALSE, &c);
  g_assert_cmpstr (c.task, ==, "code");
  for (guint i = 0; i < c.features->len; i++)
    fence |= strstr (g_ptr_array_index (c.features, i), "code fence") != NULL;
  g_assert_true (fence);
  sluice_complexity_clear (&c);
  g_assert_null (c.features);
}

/* Two tasks cued alike, no cue at all, or text the English cues cannot
 * read: the guess says it is unsure. */
static void
test_low_confidence (void)
{
  SluiceComplexity mixed = { 0 }, none = { 0 }, foreign = { 0 }, english = { 0 };

  sluice_complexity_estimate ("Classify these logs and summarize the incidents", NULL, FALSE,
                              &mixed);
  g_assert_cmpfloat (mixed.confidence, <, 0.5);

  sluice_complexity_estimate ("The quarterly numbers of the northern depot arrived late again",
                              NULL, FALSE, &none);
  g_assert_cmpfloat (none.confidence, <, 0.5);

  sluice_complexity_estimate ("Какая столица Португалии? Ответьте кратко, пожалуйста.", NULL,
                              FALSE, &foreign);
  sluice_complexity_estimate ("What is the capital of Portugal? Answer briefly, please.", NULL,
                              FALSE, &english);
  g_assert_cmpfloat (foreign.confidence, <, 0.5);
  g_assert_cmpfloat (english.confidence, >=, 0.5);

  sluice_complexity_clear (&mixed);
  sluice_complexity_clear (&none);
  sluice_complexity_clear (&foreign);
  sluice_complexity_clear (&english);
}

/* Tools and a JSON format are features too. */
static void
test_format_and_tools (void)
{
  SluiceComplexity plain = { 0 }, json = { 0 }, tools = { 0 };
  const char *prompt = "Look at the attached data of the northern depot";

  sluice_complexity_estimate (prompt, NULL, FALSE, &plain);
  sluice_complexity_estimate (prompt, "json", FALSE, &json);
  sluice_complexity_estimate (prompt, NULL, TRUE, &tools);
  g_assert_cmpstr (json.task, ==, "extraction");
  g_assert_cmpstr (tools.task, ==, "reasoning");
  g_assert_cmpuint (json.features->len, >, plain.features->len);
  sluice_complexity_clear (&plain);
  sluice_complexity_clear (&json);
  sluice_complexity_clear (&tools);
}

static void
test_deterministic (void)
{
  SluiceComplexity a = { 0 }, b = { 0 };
  const char *prompt = "Compare Rust and Go for a CLI tool, step by step";

  sluice_complexity_estimate (prompt, NULL, FALSE, &a);
  sluice_complexity_estimate (prompt, NULL, FALSE, &b);
  g_assert_cmpstr (a.task, ==, b.task);
  g_assert_cmpfloat (a.confidence, ==, b.confidence);
  g_assert_cmpuint (a.features->len, ==, b.features->len);
  sluice_complexity_clear (&a);
  sluice_complexity_clear (&b);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/engine/resilience/complexity/cases", test_cases);
  g_test_add_func ("/engine/resilience/complexity/features-explain", test_features_explain);
  g_test_add_func ("/engine/resilience/complexity/low-confidence", test_low_confidence);
  g_test_add_func ("/engine/resilience/complexity/format-and-tools", test_format_and_tools);
  g_test_add_func ("/engine/resilience/complexity/deterministic", test_deterministic);

  return g_test_run ();
}
