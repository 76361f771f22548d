/* sluice-match-check.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-cache"

#include "config.h"

#include <string.h>

#include "sluice-match-check.h"

/* The semantic tier's second stage. Embeddings put "How do I reset my
 * password?" next to "How do I change my email?" and "Is it safe to …?"
 * next to "Is it unsafe to …?"; serving one's answer for the other is the
 * failure a cache must not have. So a near match is accepted only when
 * both texts have the same negations, the same numbers, the same named
 * entities (capitalised words inside a sentence, quoted strings) and the
 * same content words, up to inflection and a small table of synonyms
 * (change / update / modify, …). Anything else is refused: a refused
 * paraphrase costs one provider call, a wrong answer costs trust. */

/* Words that carry no topic: function words, pronouns, auxiliaries and
 * the usual wrappers of a request. Question words that change the
 * question (when, where, who, why, which) are content. */
static const char * const function_words[] = {
  "a", "an", "the", "i", "me", "my", "mine", "we", "us", "our", "you", "your",
  "it", "its", "he", "she", "they", "them", "their", "this", "that", "these",
  "those", "is", "am", "are", "was", "were", "be", "been", "being", "do",
  "does", "did", "done", "to", "of", "in", "on", "at", "for", "with", "and",
  "or", "so", "if", "there", "here", "what", "how", "can", "could", "would",
  "should", "will", "shall", "may", "might", "must", "have", "has", "had",
  "any", "some", "way", "ways", "from", "by", "about", "into",
  "possible", "able", "need", "want", "like", "know", "tell", "help",
  "someone", "anyone", "exactly", "go", "going", "get", "also", "too",
  "really", "much", "many", "which", "steps", "step", "process", "procedure",
  "guide", "instructions", "explain", "show", "let", "try", "trying", "there",
  "please", "okay", "ok", "thing", "something", "anything", "currently",
  "now", "again", "own", "via", "then", "than", "as", "just", "else", NULL
};

/* Each group: its first word stands for all of them. */
static const char * const synonyms[][6] = {
  { "change", "update", "modify", "edit", "alter", NULL },
  { "delete", "remove", "erase", NULL },
  { "cancel", "terminate", "end", NULL },
  { "buy", "purchase", NULL },
  { "price", "cost", "pricing", "fee", "charge", NULL },
  { "subscription", "plan", "membership", NULL },
  { "email", "mail", NULL },
  { "login", "log", "signin", "sign", NULL },
  { "account", "profile", NULL },
  { "refund", "reimburse", "reimbursement", NULL },
  { "ship", "deliver", "delivery", "shipping", NULL },
  { "create", "make", "setup", "set", "open", NULL },
  { "problem", "issue", "error", "trouble", NULL },
  { "start", "begin", NULL },
  { "contact", "reach", NULL },
  { "phone", "mobile", "cell", NULL },
  { "find", "locate", "see", "view", "check", NULL },
  { "fix", "resolve", "solve", "repair", NULL },
  { "reset", "recover", NULL },
  { "work", "function", NULL },
  { "big", "large", NULL },
  { "fast", "quick", "quickly", NULL },
  { "receive", "got", NULL },
  { "invoice", "bill", "receipt", NULL },
  { "pay", "payment", NULL },
  { "add", "include", NULL },
  { "allow", "permit", NULL },
  { "require", "requirement", NULL },
  { "use", "using", "utilise", "utilize", NULL },
  { "download", "export", NULL },
  { "password", "passcode", NULL },
  { "time", "long", NULL },
};

static char *
stem (const char *word)
{
  gsize len = strlen (word);

  if (len > 4 && g_str_has_suffix (word, "ies"))
    {
      g_autofree char *base = g_strndup (word, len - 3);

      return g_strconcat (base, "y", NULL);
    }
  if (len > 5 && g_str_has_suffix (word, "ing"))
    return g_strndup (word, len - 3);
  if (len > 4 && g_str_has_suffix (word, "ed") && !g_str_has_suffix (word, "eed"))
    return g_strndup (word, len - 2);
  if (len > 4 && (g_str_has_suffix (word, "ches") || g_str_has_suffix (word, "shes") ||
                  g_str_has_suffix (word, "xes") || g_str_has_suffix (word, "sses")))
    return g_strndup (word, len - 2);
  if (len > 3 && word[len - 1] == 's' && word[len - 2] != 's' && word[len - 2] != 'u')
    return g_strndup (word, len - 1);
  return g_strdup (word);
}

static const char *
canonical (const char *word)
{
  for (guint g = 0; g < G_N_ELEMENTS (synonyms); g++)
    for (guint i = 0; synonyms[g][i] != NULL; i++)
      if (strcmp (synonyms[g][i], word) == 0)
        return synonyms[g][0];
  return NULL;
}

/* The term a content word counts as, or NULL for a function word. */
static char *
content_term (const char *word)
{
  g_autofree char *stemmed = NULL;
  const char *canon;

  if (g_strv_contains (function_words, word))
    return NULL;
  if ((canon = canonical (word)) != NULL)
    return g_strdup (canon);
  stemmed = stem (word);
  if ((canon = canonical (stemmed)) != NULL)
    return g_strdup (canon);
  /* stemming "changed" gives "chang"; "change" + "d" is the usual case */
  {
    g_autofree char *with_e = g_strconcat (stemmed, "e", NULL);

    if ((canon = canonical (with_e)) != NULL)
      return g_strdup (canon);
  }
  return g_steal_pointer (&stemmed);
}

static gboolean
has_digit (const char *token)
{
  for (const char *p = token; *p != '\0'; p++)
    if (g_ascii_isdigit (*p))
      return TRUE;
  return FALSE;
}

typedef struct
{
  GHashTable *negations;   /* token → count (as pointer) */
  GHashTable *numbers;
  GHashTable *terms;
  GHashTable *tokens;
} Profile;

static void
profile_clear (Profile *p)
{
  g_clear_pointer (&p->negations, g_hash_table_unref);
  g_clear_pointer (&p->numbers, g_hash_table_unref);
  g_clear_pointer (&p->terms, g_hash_table_unref);
  g_clear_pointer (&p->tokens, g_hash_table_unref);
}

static void
count (GHashTable *set,
       const char *key)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (set, key));

  g_hash_table_insert (set, g_strdup (key), GUINT_TO_POINTER (n + 1));
}

static void
profile_init (Profile          *p,
              SluiceNormaliser *normaliser,
              const char       *text)
{
  g_autoptr(GPtrArray) tokens = sluice_normaliser_tokenise (normaliser, text);

  p->negations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  p->numbers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  p->terms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  p->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < tokens->len; i++)
    {
      const char *t = g_ptr_array_index (tokens, i);
      g_autofree char *term = NULL;

      g_hash_table_add (p->tokens, g_strdup (t));
      if (sluice_normaliser_is_negation (t))
        count (p->negations, t);
      else if (has_digit (t))
        count (p->numbers, t);
      else if ((term = content_term (t)) != NULL)
        g_hash_table_insert (p->terms, g_steal_pointer (&term), GUINT_TO_POINTER (1));
    }
}

/* Returns a key of @a whose count differs in @b, or NULL. */
static const char *
first_difference (GHashTable *a,
                  GHashTable *b)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_hash_table_lookup (b, key) != value)
      return key;
  return NULL;
}

static const char *
set_difference (GHashTable *a,
                GHashTable *b)
{
  const char *d = first_difference (a, b);

  return d != NULL ? d : first_difference (b, a);
}

/* Named entities of the original text: quoted strings and capitalised
 * words that do not start a sentence, folded and normalised. */
static GPtrArray *
entities (SluiceNormaliser *normaliser,
          const char       *text)
{
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) words = g_regex_split_simple ("[\\s]+", text, 0, 0);
  g_autoptr(GRegex) quoted = g_regex_new ("[\"“”«»]([^\"“”«»]+)[\"“”«»]", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  gboolean sentence_start = TRUE;

  for (guint i = 0; words[i] != NULL; i++)
    {
      const char *w = words[i];
      gunichar c = g_utf8_get_char_validated (w, -1);
      gsize len = strlen (w);

      if (len == 0)
        continue;
      if (!sentence_start && (gint) c > 0 && g_unichar_isupper (c) && strcmp (w, "I") != 0 &&
          !g_str_has_prefix (w, "I'") && !g_str_has_prefix (w, "I’"))
        g_ptr_array_add (found, sluice_normaliser_normalise (normaliser, w));
      sentence_start = strchr (".?!:", w[len - 1]) != NULL;
    }

  g_regex_match (quoted, text, 0, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *inner = g_match_info_fetch (match, 1);

      g_ptr_array_add (found, sluice_normaliser_normalise (normaliser, inner));
      g_match_info_next (match, NULL);
    }

  return found;
}

/* Every entity of @text_a must appear, as words, in @b. */
static const char *
missing_entity (GPtrArray  *ents,
                const char *b_normalised)
{
  g_autofree char *padded = g_strconcat (" ", b_normalised, " ", NULL);

  for (guint i = 0; i < ents->len; i++)
    {
      const char *e = g_ptr_array_index (ents, i);
      g_autofree char *needle = g_strconcat (" ", e, " ", NULL);

      if (*e != '\0' && strstr (padded, needle) == NULL)
        return e;
    }
  return NULL;
}

static gboolean
refuse (char       **reason,
        const char  *what,
        const char  *detail)
{
  if (reason != NULL)
    *reason = g_strdup_printf ("%s differ (%s)", what, detail);
  return FALSE;
}

/**
 * sluice_match_check:
 * @normaliser: the normaliser both texts go through
 * @query: the incoming text, as the user wrote it
 * @candidate: the cached entry's text, as written
 * @reason: (out) (optional) (transfer full): why a match was refused
 *
 * Returns: %TRUE when @candidate may answer @query
 */
gboolean
sluice_match_check (SluiceNormaliser  *normaliser,
                    const char        *query,
                    const char        *candidate,
                    char             **reason)
{
  g_autoptr(GPtrArray) ents_q = NULL;
  g_autoptr(GPtrArray) ents_c = NULL;
  g_autofree char *norm_q = NULL;
  g_autofree char *norm_c = NULL;
  Profile pq = { 0 }, pc = { 0 };
  const char *diff;
  gboolean ok = FALSE;

  g_return_val_if_fail (SLUICE_IS_NORMALISER (normaliser), FALSE);

  if (reason != NULL)
    *reason = NULL;
  profile_init (&pq, normaliser, query);
  profile_init (&pc, normaliser, candidate);
  norm_q = sluice_normaliser_normalise (normaliser, query);
  norm_c = sluice_normaliser_normalise (normaliser, candidate);
  ents_q = entities (normaliser, query);
  ents_c = entities (normaliser, candidate);

  if ((diff = set_difference (pq.negations, pc.negations)) != NULL)
    refuse (reason, "negations", diff);
  else if ((diff = set_difference (pq.numbers, pc.numbers)) != NULL)
    refuse (reason, "numbers", diff);
  else if ((diff = missing_entity (ents_q, norm_c)) != NULL ||
           (diff = missing_entity (ents_c, norm_q)) != NULL)
    refuse (reason, "named entities", diff);
  else if ((diff = set_difference (pq.terms, pc.terms)) != NULL)
    refuse (reason, "key terms", diff);
  else
    ok = TRUE;

  profile_clear (&pq);
  profile_clear (&pc);
  return ok;
}
