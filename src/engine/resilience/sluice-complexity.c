/* sluice-complexity.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-router"

#include "config.h"

#include <string.h>

#include "sluice-complexity.h"

/* A cheap, explainable guess of a prompt's task: each feature that fires
 * (a cue phrase, a code fence, a question word, the requested format, the
 * prompt's length and structure) adds a weight to one task's score; the
 * best score wins, and the margin over the runner-up is the confidence.
 * Every feature that fired is named, so the trace can say why. No model,
 * no allocation beyond the lower-cased text: microseconds per prompt. */

enum
{
  T_CODE, T_REASONING, T_ANALYSIS, T_SUMMARISATION, T_CLASSIFICATION,
  T_EXTRACTION, T_SENTIMENT, T_YES_NO, T_QA, T_CREATIVE, T_CHAT, N_TASKS
};

const char * const sluice_complexity_tasks[] = {
  "code", "reasoning", "analysis", "summarisation", "classification",
  "extraction", "sentiment", "yes-no", "qa", "creative", "chat", NULL
};

typedef struct
{
  guint       task;
  const char *cue;     /* lower case; a trailing '*' matches a word's start */
  double      weight;
} Cue;

static const Cue cues[] = {
  { T_CODE, "write a function", 3 }, { T_CODE, "implement*", 2.5 },
  { T_CODE, "refactor*", 3 }, { T_CODE, "debug*", 2.5 }, { T_CODE, "fix the bug", 3 },
  { T_CODE, "write a script", 3 }, { T_CODE, "write code", 3 }, { T_CODE, "regex*", 2 },
  { T_CODE, "sql query", 2.5 }, { T_CODE, "unit test*", 2.5 }, { T_CODE, "compile*", 1.5 },
  { T_CODE, "python", 1.5 }, { T_CODE, "javascript", 1.5 }, { T_CODE, "typescript", 1.5 },
  { T_CODE, "rust", 1 }, { T_CODE, "golang", 1.5 }, { T_CODE, "bash", 1.5 },
  { T_CODE, "c++", 1.5 }, { T_CODE, "java", 1 }, { T_CODE, "function", 1 },
  { T_CODE, "stack trace", 2 }, { T_CODE, "segfault*", 2.5 }, { T_CODE, "api endpoint", 1.5 },
  { T_REASONING, "step by step", 3 }, { T_REASONING, "prove*", 2.5 },
  { T_REASONING, "derive*", 2 }, { T_REASONING, "how many", 1.5 },
  { T_REASONING, "how much", 1 }, { T_REASONING, "calculate*", 2 },
  { T_REASONING, "solve*", 2 }, { T_REASONING, "puzzle*", 2.5 }, { T_REASONING, "riddle*", 2.5 },
  { T_REASONING, "logic*", 1.5 }, { T_REASONING, "show your work", 3 },
  { T_REASONING, "reason*", 1.5 }, { T_REASONING, "plan", 1 }, { T_REASONING, "estimate*", 1.5 },
  { T_REASONING, "probability", 2 }, { T_REASONING, "what is the minimum", 2 },
  { T_ANALYSIS, "analy*", 3 }, { T_ANALYSIS, "compare*", 2.5 }, { T_ANALYSIS, "evaluate*", 2 },
  { T_ANALYSIS, "trade-off*", 2.5 }, { T_ANALYSIS, "tradeoff*", 2.5 },
  { T_ANALYSIS, "pros and cons", 2.5 }, { T_ANALYSIS, "assess*", 2 }, { T_ANALYSIS, "critique*", 2.5 },
  { T_ANALYSIS, "implications", 2 }, { T_ANALYSIS, "strengths and weaknesses", 3 },
  { T_ANALYSIS, "recommend*", 1.5 }, { T_ANALYSIS, "strategy", 1.5 }, { T_ANALYSIS, "root cause", 2.5 },
  { T_ANALYSIS, "risks", 1.5 },
  { T_SUMMARISATION, "summar*", 3.5 }, { T_SUMMARISATION, "tl;dr", 3.5 },
  { T_SUMMARISATION, "key points", 2.5 }, { T_SUMMARISATION, "main points", 2.5 },
  { T_SUMMARISATION, "condense*", 2.5 }, { T_SUMMARISATION, "in one sentence", 2 },
  { T_SUMMARISATION, "brief overview", 2 }, { T_SUMMARISATION, "gist", 2.5 },
  { T_CLASSIFICATION, "classify*", 3.5 }, { T_CLASSIFICATION, "categor*", 3 },
  { T_CLASSIFICATION, "label*", 2 }, { T_CLASSIFICATION, "one of the following", 2 },
  { T_CLASSIFICATION, "which topic", 2.5 }, { T_CLASSIFICATION, "intent", 2 },
  { T_CLASSIFICATION, "spam", 2 }, { T_CLASSIFICATION, "tag*", 1.5 },
  { T_CLASSIFICATION, "which department", 2.5 }, { T_CLASSIFICATION, "priority", 1 },
  { T_EXTRACTION, "extract*", 3.5 }, { T_EXTRACTION, "pull out", 2.5 },
  { T_EXTRACTION, "list all", 2 }, { T_EXTRACTION, "find all", 2 },
  { T_EXTRACTION, "fields", 1.5 }, { T_EXTRACTION, "entities", 2.5 },
  { T_EXTRACTION, "parse*", 1.5 }, { T_EXTRACTION, "email address*", 1.5 },
  { T_EXTRACTION, "phone number*", 1.5 }, { T_EXTRACTION, "dates mentioned", 2 },
  { T_EXTRACTION, "invoice number", 1.5 }, { T_EXTRACTION, "as json", 1.5 },
  { T_SENTIMENT, "sentiment", 3.5 }, { T_SENTIMENT, "positive or negative", 4 },
  { T_SENTIMENT, "positive, negative", 4 }, { T_SENTIMENT, "tone", 1.5 },
  { T_SENTIMENT, "happy or", 1.5 }, { T_SENTIMENT, "angry", 1 }, { T_SENTIMENT, "satisfied", 1 },
  { T_YES_NO, "yes or no", 3.5 }, { T_YES_NO, "yes/no", 3.5 }, { T_YES_NO, "true or false", 3 },
  { T_YES_NO, "answer only yes", 3.5 },
  { T_QA, "what is", 1 }, { T_QA, "who is", 1 }, { T_QA, "who was", 1 }, { T_QA, "define*", 1.5 },
  { T_QA, "what does", 1 }, { T_QA, "meaning of", 1.5 }, { T_QA, "capital of", 1.5 },
  { T_CREATIVE, "poem", 3 }, { T_CREATIVE, "story", 2.5 }, { T_CREATIVE, "haiku", 3 },
  { T_CREATIVE, "slogan", 3 }, { T_CREATIVE, "tagline", 3 }, { T_CREATIVE, "lyrics", 3 },
  { T_CREATIVE, "limerick", 3 }, { T_CREATIVE, "joke", 2.5 }, { T_CREATIVE, "creative", 2 },
};

/* Greetings count only as a message's first word: "Hi, I'm Dana" inside
 * a quoted email is no small talk. */
static const char * const greetings[] = {
  "hello", "hi", "hey", "thanks", "thank", "morning", "cheers", NULL
};

static const char * const question_words[] = {
  "what", "who", "when", "where", "which", "how", "why", NULL
};

static const char * const yes_no_openers[] = {
  "is", "are", "does", "do", "can", "was", "were", "will", "has", "have", "did",
  "should", "could", NULL
};

/* Below this share of letters being ASCII, the English cues cannot be
 * trusted and the guess says so by being unsure. */
#define MIN_ASCII_LETTERS 0.8

typedef struct
{
  double     score[N_TASKS];
  GPtrArray *features;
} Tally;

static void
add (Tally      *tally,
     guint       task,
     double      weight,
     const char *format,
     ...) G_GNUC_PRINTF (4, 5);

static void
add (Tally      *tally,
     guint       task,
     double      weight,
     const char *format,
     ...)
{
  va_list args;
  char *what;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  tally->score[task] += weight;
  if (tally->features != NULL)
    g_ptr_array_add (tally->features, g_strdup_printf ("%s → %s", what,
                                                       sluice_complexity_tasks[task]));
  g_free (what);
}

static gboolean
is_word_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || (c & 0x80) != 0;
}

/* Whether @cue occurs in @text as a whole word (or a word's start). */
static gboolean
has_cue (const char *text,
         const char *cue)
{
  gsize len = strlen (cue);
  gboolean prefix = len > 0 && cue[len - 1] == '*';
  g_autofree char *needle = g_strndup (cue, prefix ? len - 1 : len);
  const char *p = text;

  len = strlen (needle);
  while ((p = strstr (p, needle)) != NULL)
    {
      gboolean start_ok = p == text || !is_word_char (p[-1]) || !is_word_char (needle[0]);
      gboolean end_ok = prefix || !is_word_char (p[len]) || !is_word_char (needle[len - 1]);

      if (start_ok && end_ok)
        return TRUE;
      p++;
    }
  return FALSE;
}

static void
tally_cues (Tally      *tally,
            const char *lower)
{
  for (guint i = 0; i < G_N_ELEMENTS (cues); i++)
    {
      if (has_cue (lower, cues[i].cue))
        {
          g_autofree char *shown = g_strndup (cues[i].cue, strcspn (cues[i].cue, "*"));

          add (tally, cues[i].task, cues[i].weight, "cue “%s”", shown);
        }
    }
}

static char *
first_word (const char *lower)
{
  const char *start = lower, *end;

  while (*start != '\0' && !g_ascii_isalpha (*start))
    start++;
  end = start;
  while (*end != '\0' && g_ascii_isalpha (*end))
    end++;
  return g_strndup (start, end - start);
}

static void
tally_question (Tally      *tally,
                const char *lower,
                guint       n_words)
{
  g_autofree char *first = first_word (lower);
  gboolean asks = strchr (lower, '?') != NULL;

  /* Question words and marks come with every kind of question, so they
   * weigh less than a cue that names the task. */
  if (g_strv_contains (question_words, first))
    add (tally, strcmp (first, "why") == 0 ? T_REASONING : T_QA, 1,
         "question word “%s”", first);
  if (asks && g_strv_contains (yes_no_openers, first) && n_words <= 25)
    add (tally, T_YES_NO, 1, "closed question (“%s …?”)", first);
  if (asks)
    add (tally, T_QA, 0.5, "question mark");
  if (g_strv_contains (greetings, first))
    add (tally, T_CHAT, 2.5, "greeting “%s”", first);
}

static guint
count_code_tokens (const char *text)
{
  static const char * const tokens[] = {
    "{", "};", "();", "def ", "#include", "=>", "return ", "import ", "const ",
    "let ", "fn ", "select ", "</", "!=", "==", "++", "self.", "->", NULL
  };
  guint n = 0;

  for (guint i = 0; tokens[i] != NULL; i++)
    {
      for (const char *p = strstr (text, tokens[i]); p != NULL; p = strstr (p + 1, tokens[i]))
        n++;
    }
  return n;
}

static void
tally_shape (Tally      *tally,
             const char *text,
             const char *lower,
             guint       n_words)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  guint list_items = 0, numbers = 0, code_tokens;

  if (strstr (text, "```") != NULL)
    add (tally, T_CODE, 4, "code fence");
  code_tokens = count_code_tokens (lower);
  if (code_tokens >= 3)
    add (tally, T_CODE, MIN (code_tokens, 8) * 0.4, "%u code-like tokens", code_tokens);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *l = lines[i];

      while (*l == ' ')
        l++;
      if ((l[0] == '-' || l[0] == '*') && l[1] == ' ')
        list_items++;
      else if (g_ascii_isdigit (l[0]) && (l[1] == '.' || l[1] == ')'))
        list_items++;
    }
  if (list_items >= 3)
    add (tally, T_ANALYSIS, 1, "structured prompt (%u list items)", list_items);

  for (const char *p = lower; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p) && (p == lower || !g_ascii_isalnum (p[-1])))
        numbers++;
    }
  if (numbers >= 3 && strchr (lower, '?') != NULL && code_tokens < 3)
    add (tally, T_REASONING, 1.5, "%u numbers in a question", numbers);

}

static gboolean
nothing_fired (Tally *tally)
{
  for (guint t = 0; t < N_TASKS; t++)
    {
      if (tally->score[t] > 0)
        return FALSE;
    }
  return TRUE;
}

static double
ascii_letter_share (const char *text)
{
  guint ascii = 0, other = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x80 && g_ascii_isalpha (c))
        ascii++;
      else if (c >= 0x80 && g_unichar_isalpha (c))
        other++;
    }
  return ascii + other == 0 ? 1.0 : (double) ascii / (ascii + other);
}

static guint
count_words (const char *text)
{
  guint n = 0;
  gboolean in_word = FALSE;

  for (const char *p = text; *p != '\0'; p++)
    {
      gboolean space = g_ascii_isspace (*p);

      if (!space && !in_word)
        n++;
      in_word = !space;
    }
  return n;
}

/* The best task and the margin over the runner-up, as a confidence: a
 * single strong cue gives about 0.8, two tasks cued alike about 0.2. */
static void
decide (Tally            *tally,
        SluiceComplexity *out)
{
  guint best = T_CHAT;
  double s1 = 0, s2 = 0;

  for (guint t = 0; t < N_TASKS; t++)
    {
      if (tally->score[t] > s1)
        {
          s2 = s1;
          s1 = tally->score[t];
          best = t;
        }
      else if (tally->score[t] > s2)
        s2 = tally->score[t];
    }
  out->task = sluice_complexity_tasks[best];
  out->confidence = s1 <= 0 ? 0.2 : CLAMP ((s1 - s2 + 1) / (s1 + 2), 0.0, 1.0);
}

/**
 * sluice_complexity_estimate:
 * @text: the prompt (the user's messages)
 * @response_format: (nullable): the output format asked for, e.g. "json"
 * @has_tools: whether the request offers tools
 * @out: (out caller-allocates): the guess; free with sluice_complexity_clear()
 *
 * Guesses the task of @text from cheap features. Deterministic.
 */
void
sluice_complexity_estimate (const char       *text,
                            const char       *response_format,
                            gboolean          has_tools,
                            SluiceComplexity *out)
{
  g_autofree char *lower = NULL;
  Tally tally = { { 0 }, NULL };
  guint n_words;
  double ascii;

  g_return_if_fail (text != NULL && out != NULL);

  lower = g_utf8_strdown (text, -1);
  n_words = count_words (text);
  tally.features = g_ptr_array_new_with_free_func (g_free);

  tally_cues (&tally, lower);
  tally_question (&tally, lower, n_words);
  tally_shape (&tally, text, lower, n_words);
  if (g_strcmp0 (response_format, "json") == 0)
    add (&tally, T_EXTRACTION, 1.5, "JSON output asked for");
  if (has_tools)
    add (&tally, T_REASONING, 1, "tools offered");
  /* A few words with no cue at all: small talk, and plainly so. */
  if (n_words <= 6 && nothing_fired (&tally))
    add (&tally, T_CHAT, 1.5, "short message (%u words), no cue", n_words);

  decide (&tally, out);
  ascii = ascii_letter_share (text);
  if (ascii < MIN_ASCII_LETTERS)
    {
      out->confidence *= 0.5;
      g_ptr_array_add (tally.features,
                       g_strdup_printf ("mostly non-English text (%.0f%% ASCII letters): "
                                        "the cues are English, so less sure", ascii * 100));
    }
  if (n_words > 1500)
    g_ptr_array_add (tally.features, g_strdup_printf ("long input (%u words)", n_words));
  out->features = tally.features;
}

void
sluice_complexity_clear (SluiceComplexity *self)
{
  g_clear_pointer (&self->features, g_ptr_array_unref);
  self->task = NULL;
  self->confidence = 0;
}
