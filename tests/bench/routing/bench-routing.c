/* bench-routing.c — the router and its complexity estimate on a labelled
 * workload: accuracy against the labels, and the workload's cost routed
 * against always-frontier at the default price table
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "sluice.h"
#include "sluice-prices.h"
#include "sluice-router.h"
#include "sluice-tokenizer.h"

/* The workload's labels; the classifier's task types fold onto them
 * (sentiment and yes-no are classifications, analysis is reasoning; a
 * "long" prompt is a size class, any task). */
static const char * const labels[] = {
  "classification", "extraction", "qa", "long", "code", "reasoning", NULL
};

/* Assumed output lengths per label, in tokens: a label or a yes/no is a
 * few tokens, extracted fields a short JSON object, a factual answer a
 * paragraph, a long-document answer a few paragraphs, code a function
 * with comments, reasoning a worked answer. */
static const gint64 output_tokens[] = { 5, 80, 150, 300, 600, 500 };

/* The chain the defaults give each label. */
static const char * const expected_chain[] = {
  "small", "small", "small", "frontier", "frontier", "frontier"
};

static const char * const seed_sentences[] = {
  "The supplier shall deliver the goods within thirty days of the purchase order unless agreed otherwise in writing by both parties",
  "Revenue in the northern region grew by four percent while costs of logistics rose faster than expected because of fuel prices",
  "At 02:14 the primary database stopped accepting writes and the on-call engineer started the documented failover procedure",
  "The committee discussed the proposal at length and several members asked for more evidence before any decision is taken",
  "Our method reduces the error rate on the held-out set but the improvement shrinks when the training data is noisy or small",
  "Employees may work remotely up to three days a week provided that their manager approves the schedule in advance each month",
};

static int
label_index (const char *label)
{
  for (int i = 0; labels[i] != NULL; i++)
    {
      if (strcmp (labels[i], label) == 0)
        return i;
    }
  return -1;
}

static int
fold_task (const char *task)
{
  if (g_strv_contains ((const char * const[]) { "classification", "sentiment", "yes-no", NULL }, task))
    return 0;
  if (strcmp (task, "extraction") == 0)
    return 1;
  if (strcmp (task, "code") == 0)
    return 4;
  if (strcmp (task, "reasoning") == 0 || strcmp (task, "analysis") == 0)
    return 5;
  return 2;  /* qa, summarisation, chat, creative: answers */
}

/* "@long:KIND:N:QUESTION": N sentences of a document, then the question. */
static char *
expand_prompt (const char *prompt,
               guint       row)
{
  g_auto(GStrv) parts = NULL;
  GString *doc;
  guint n;

  if (!g_str_has_prefix (prompt, "@long:"))
    {
      g_auto(GStrv) lines = g_strsplit (prompt, "\\n", -1);

      return g_strjoinv ("\n", lines);
    }
  parts = g_strsplit (prompt + 6, ":", 3);
  n = (guint) g_ascii_strtoull (parts[1], NULL, 10);
  doc = g_string_new (NULL);
  g_string_append_printf (doc, "Document (%s):\n", parts[0]);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (doc, "%s (section %u.%u). ",
                            seed_sentences[(i * 7 + row) % G_N_ELEMENTS (seed_sentences)],
                            i / 20 + 1, i % 20 + 1);
  g_string_append_printf (doc, "\n\nQuestion: %s", parts[2]);
  return g_string_free (doc, FALSE);
}

typedef struct
{
  guint  n;
  guint  confusion[6][6];
  guint  chain_right[6];
  guint  per_label[6];
  guint  routed_up;
  double cost_routed;
  double cost_frontier;
  double cost_oracle;
  double short_routed;       /* the same, without the long-context rows */
  double short_frontier;
  gint64 min_long_tokens;
  gint64 route_us;
} Tally;

static double
cost (double  in_price,
      double  out_price,
      gint64  tokens_in,
      gint64  tokens_out)
{
  return (tokens_in * in_price + tokens_out * out_price) / 1e6;
}

static void
print_report (Tally      *t,
              guint       n_unique)
{
  guint right = 0, chain_right = 0;

  g_print ("\nRouting bench: %u prompts (%u distinct), default config rules, no task hints\n",
           t->n, n_unique);
  g_print ("\nClassifier confusion (rows: label, columns: guess folded onto the labels)\n");
  g_print ("%-15s", "");
  for (int c = 0; c < 6; c++)
    g_print ("%8.6s", labels[c]);
  g_print ("\n");
  for (int r = 0; r < 6; r++)
    {
      g_print ("%-15s", labels[r]);
      for (int c = 0; c < 6; c++)
        g_print ("%8u", t->confusion[r][c]);
      g_print ("\n");
      if (r != 3)
        right += t->confusion[r][r];
      chain_right += t->chain_right[r];
    }
  g_print ("\nTask accuracy (labels other than long): %.1f%%\n",
           100.0 * right / (t->n - t->per_label[3]));
  g_print ("Chain accuracy (routed chain = the label's chain under the issue's defaults): "
           "%.1f%%\n", 100.0 * chain_right / t->n);
  for (int r = 0; r < 6; r++)
    g_print ("  %-15s %3u/%3u right chain\n", labels[r], t->chain_right[r], t->per_label[r]);
  g_print ("Routed up for low confidence: %u\n", t->routed_up);
  g_print ("\nCost of the workload (input + assumed output tokens):\n");
  g_print ("  always frontier:   $%.4f\n", t->cost_frontier);
  g_print ("  with routing:      $%.4f  (%.1f%% saved)\n", t->cost_routed,
           100.0 * (1 - t->cost_routed / t->cost_frontier));
  g_print ("  perfect labels:    $%.4f  (%.1f%% saved)\n", t->cost_oracle,
           100.0 * (1 - t->cost_oracle / t->cost_frontier));
  g_print ("  without the %u long-context rows: $%.4f frontier, $%.4f routed (%.1f%% saved)\n",
           t->per_label[3], t->short_frontier, t->short_routed,
           100.0 * (1 - t->short_routed / t->short_frontier));
  g_print ("Smallest long-context prompt: %" G_GINT64_FORMAT " input tokens (estimated)\n",
           t->min_long_tokens);
  g_print ("Routing time: %.1f us per request (estimate + classify + rules)\n",
           (double) t->route_us / t->n);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SluiceConfig) config = sluice_config_new_default ();
  g_autoptr(SluiceTokenizer) tokenizer = sluice_tokenizer_new_for_config (config);
  g_autoptr(GHashTable) unique = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  double f_in, f_out, s_in, s_out;
  Tally t = { 0 };

  g_assert_cmpint (argc, >=, 2);
  if (!g_file_get_contents (argv[1], &text, NULL, &error))
    g_error ("%s", error->message);
  /* The default config's frontier and small chains price like these. */
  g_assert_true (sluice_prices_lookup ("claude-sonnet-4-6", &f_in, NULL, &f_out));
  g_assert_true (sluice_prices_lookup ("gpt-4o-mini", &s_in, NULL, &s_out));
  g_print ("Prices (data/prices.json): frontier = claude-sonnet-4-6 $%.2f/$%.2f, "
           "small = gpt-4o-mini $%.2f/$%.2f per 1M tokens in/out\n", f_in, f_out, s_in, s_out);
  g_print ("Assumed output tokens: classification 5, extraction 80, qa 150, long 300, "
           "code 600, reasoning 500\n");

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = NULL;
      g_autoptr(SluiceRequest) request = NULL;
      g_autoptr(SluiceRouteDecision) d = NULL;
      g_autofree char *prompt = NULL;
      SluiceRouteInput input = { config, NULL, 0, 0, NULL };
      gint64 start, tokens;
      int label;
      gboolean frontier;

      if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;
      f = g_strsplit (lines[i], "\t", 3);
      label = label_index (f[0]);
      g_assert_cmpint (label, >=, 0);
      g_hash_table_add (unique, g_strdup (f[2]));
      prompt = expand_prompt (f[2], i);
      request = sluice_request_new ();
      sluice_request_add_message (request, SLUICE_ROLE_USER, prompt);

      start = g_get_monotonic_time ();
      tokens = sluice_tokenizer_estimate_request (tokenizer, request, 0, NULL);
      input.request = request;
      input.input_tokens = tokens;
      input.now_us = g_get_real_time ();
      d = sluice_router_route (&input, &error);
      g_assert_no_error (error);
      t.route_us += g_get_monotonic_time () - start;

      t.n++;
      t.per_label[label]++;
      t.confusion[label][fold_task (sluice_route_decision_get_task (d))]++;
      t.chain_right[label] += g_strcmp0 (sluice_route_decision_get_chain (d),
                                         expected_chain[label]) == 0;
      t.routed_up += sluice_route_decision_get_routed_up (d);
      if (g_getenv ("BENCH_VERBOSE") != NULL &&
          g_strcmp0 (sluice_route_decision_get_chain (d), expected_chain[label]) != 0)
        {
          g_autofree char *why = sluice_route_decision_dup_summary (d);

          g_print ("MISS %s → %s: %.60s | %s\n", f[0], sluice_route_decision_get_chain (d),
                   f[2], why);
        }
      frontier = g_strcmp0 (sluice_route_decision_get_chain (d), "frontier") == 0;
      t.cost_frontier += cost (f_in, f_out, tokens, output_tokens[label]);
      t.cost_routed += frontier ? cost (f_in, f_out, tokens, output_tokens[label])
                                : cost (s_in, s_out, tokens, output_tokens[label]);
      if (label != 3)
        {
          t.short_frontier += cost (f_in, f_out, tokens, output_tokens[label]);
          t.short_routed += frontier ? cost (f_in, f_out, tokens, output_tokens[label])
                                     : cost (s_in, s_out, tokens, output_tokens[label]);
        }
      else if (t.min_long_tokens == 0 || tokens < t.min_long_tokens)
        t.min_long_tokens = tokens;
      t.cost_oracle += strcmp (expected_chain[label], "frontier") == 0
                       ? cost (f_in, f_out, tokens, output_tokens[label])
                       : cost (s_in, s_out, tokens, output_tokens[label]);
    }

  g_assert_cmpuint (t.n, >=, 300);
  print_report (&t, g_hash_table_size (unique));
  return 0;
}
