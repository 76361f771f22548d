/* sluice-normaliser.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-cache"

#include "config.h"

#include <string.h>

#include "sluice-normaliser.h"

/* Turns a prompt into the canonical form both cache tiers compare:
 * NFKC, case folded, punctuation dropped except where it changes a number
 * (3.14, -5, 10%, $20), contractions expanded, filler words removed, one
 * space between tokens. Negations are never fillers. */
struct _SluiceNormaliser
{
  GObject     parent_instance;

  GPtrArray  *fillers;      /* of GPtrArray of tokens, longest first */
};

G_DEFINE_FINAL_TYPE (SluiceNormaliser, sluice_normaliser, G_TYPE_OBJECT)

static const char * const default_fillers[] = {
  "please", "pls", "plz", "kindly", "hey", "hi", "hello", "just",
  "basically", "actually", "um", "uh", "umm", "erm", "could you",
  "can you", "would you", "will you", "thanks", "thank you", "thx",
  "i was wondering", "quick question", NULL
};

static const char * const negations[] = {
  "not", "no", "never", "none", "nobody", "nothing", "neither", "nor",
  "nowhere", "cannot", "without", NULL
};

/* Contractions whose expansion the generic suffix rules get wrong. */
static const char * const contractions[][2] = {
  { "can't", "cannot" }, { "won't", "will not" }, { "shan't", "shall not" },
  { "ain't", "is not" }, { "let's", "let us" }, { "it's", "it is" },
  { "that's", "that is" }, { "what's", "what is" }, { "where's", "where is" },
  { "who's", "who is" }, { "how's", "how is" }, { "there's", "there is" },
  { "here's", "here is" }, { "he's", "he is" }, { "she's", "she is" },
  { "when's", "when is" }, { "why's", "why is" }, { "y'all", "you all" },
};

static const char * const suffixes[][2] = {
  { "n't", "not" }, { "'re", "are" }, { "'ve", "have" }, { "'ll", "will" },
  { "'m", "am" }, { "'d", "would" }, { "'s", NULL },
};

gboolean
sluice_normaliser_is_negation (const char *token)
{
  return token != NULL && g_strv_contains (negations, token);
}

static void
sluice_normaliser_finalize (GObject *object)
{
  SluiceNormaliser *self = SLUICE_NORMALISER (object);

  g_clear_pointer (&self->fillers, g_ptr_array_unref);

  G_OBJECT_CLASS (sluice_normaliser_parent_class)->finalize (object);
}

static void
sluice_normaliser_class_init (SluiceNormaliserClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sluice_normaliser_finalize;
}

static void
sluice_normaliser_init (SluiceNormaliser *self)
{
  self->fillers = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
}

const char * const *
sluice_normaliser_get_default_fillers (void)
{
  return default_fillers;
}

static gboolean
is_word_char (gunichar c)
{
  return g_unichar_isalnum (c) || g_unichar_ismark (c);
}

static gboolean
is_apostrophe (gunichar c)
{
  return c == '\'' || c == 0x2019 || c == 0x2018 || c == 0x02BC || c == '`';
}

static void
flush_token (GString   *cur,
             GPtrArray *raw)
{
  if (cur->len > 0)
    g_ptr_array_add (raw, g_strndup (cur->str, cur->len));
  g_string_truncate (cur, 0);
}

static gboolean
digit_at (const char *p)
{
  return p != NULL && *p != '\0' && g_unichar_isdigit (g_utf8_get_char (p));
}

/* Splits folded text into raw tokens, keeping the characters that give
 * numbers their meaning and apostrophes inside words. */
static GPtrArray *
split_raw (const char *s)
{
  GPtrArray *raw = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) cur = g_string_new (NULL);
  gunichar prev = 0;

  for (const char *p = s; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      const char *next = g_utf8_next_char (p);
      gboolean in_number = cur->len > 0 && g_unichar_isdigit (prev);

      if (is_word_char (c))
        g_string_append_unichar (cur, c);
      else if (is_apostrophe (c) && cur->len > 0 && g_unichar_isalpha (prev) &&
               *next != '\0' && g_unichar_isalpha (g_utf8_get_char (next)))
        g_string_append_c (cur, '\'');
      else if (c == '.' && in_number && digit_at (next))
        g_string_append_c (cur, '.');
      else if (c == ',' && in_number && digit_at (next))
        ; /* thousands separator: 1,000 is 1000 */
      else if (c == '%' && in_number)
        {
          g_string_append_c (cur, '%');
          flush_token (cur, raw);
        }
      else if ((c == '-' || c == '+' || c == '$' || c == 0x20AC || c == 0xA3) &&
               cur->len == 0 && digit_at (next))
        g_string_append_unichar (cur, c);
      else if (c == '-' && cur->len > 0 && g_unichar_isalpha (prev) &&
               *next != '\0' && g_unichar_isalpha (g_utf8_get_char (next)))
        ; /* e-mail, log-in: one word */
      else
        flush_token (cur, raw);
      prev = c;
    }
  flush_token (cur, raw);

  return raw;
}

static void
add_words (GPtrArray  *tokens,
           const char *words)
{
  g_auto(GStrv) parts = g_strsplit (words, " ", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    g_ptr_array_add (tokens, g_strdup (parts[i]));
}

/* Expands one raw token into @tokens. */
static void
expand_token (GPtrArray  *tokens,
              const char *token)
{
  if (strchr (token, '\'') == NULL)
    {
      g_ptr_array_add (tokens, g_strdup (token));
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (contractions); i++)
    if (strcmp (token, contractions[i][0]) == 0)
      {
        add_words (tokens, contractions[i][1]);
        return;
      }

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    if (g_str_has_suffix (token, suffixes[i][0]))
      {
        gsize stem = strlen (token) - strlen (suffixes[i][0]);

        g_ptr_array_add (tokens, g_strndup (token, stem));
        if (suffixes[i][1] != NULL)
          g_ptr_array_add (tokens, g_strdup (suffixes[i][1]));
        return;
      }

  /* o'clock, rock'n'roll: drop the apostrophes. */
  {
    g_auto(GStrv) parts = g_strsplit (token, "'", -1);

    g_ptr_array_add (tokens, g_strjoinv ("", parts));
  }
}

/* "can not" is "cannot", so both spellings compare equal. */
static void
merge_cannot (GPtrArray *tokens)
{
  for (guint i = 0; i + 1 < tokens->len; i++)
    if (strcmp (g_ptr_array_index (tokens, i), "can") == 0 &&
        strcmp (g_ptr_array_index (tokens, i + 1), "not") == 0)
      {
        g_free (tokens->pdata[i]);
        tokens->pdata[i] = g_strdup ("cannot");
        g_ptr_array_remove_index (tokens, i + 1);
      }
}

static GPtrArray *
tokenise_plain (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  g_autofree char *nfkc = g_utf8_normalize (valid, -1, G_NORMALIZE_NFKC);
  g_autofree char *folded = g_utf8_casefold (nfkc != NULL ? nfkc : valid, -1);
  g_autoptr(GPtrArray) raw = split_raw (folded);
  GPtrArray *tokens = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < raw->len; i++)
    expand_token (tokens, g_ptr_array_index (raw, i));
  merge_cannot (tokens);

  return tokens;
}

static gboolean
phrase_has_negation (GPtrArray *phrase)
{
  for (guint i = 0; i < phrase->len; i++)
    if (sluice_normaliser_is_negation (g_ptr_array_index (phrase, i)))
      return TRUE;
  return FALSE;
}

static gint
compare_length (gconstpointer a,
                gconstpointer b)
{
  GPtrArray *pa = *(GPtrArray **) a;
  GPtrArray *pb = *(GPtrArray **) b;

  return (gint) pb->len - (gint) pa->len;
}

/**
 * sluice_normaliser_new:
 * @filler_words: (nullable) (array zero-terminated=1): words and phrases
 *   to drop, or %NULL for sluice_normaliser_get_default_fillers(); an entry
 *   containing a negation is ignored
 *
 * Returns: (transfer full): a normaliser; immutable, usable from any thread
 */
SluiceNormaliser *
sluice_normaliser_new (const char * const *filler_words)
{
  SluiceNormaliser *self = g_object_new (SLUICE_TYPE_NORMALISER, NULL);

  if (filler_words == NULL)
    filler_words = default_fillers;

  for (guint i = 0; filler_words[i] != NULL; i++)
    {
      GPtrArray *phrase = tokenise_plain (filler_words[i]);

      if (phrase->len == 0 || phrase_has_negation (phrase))
        g_ptr_array_unref (phrase);
      else
        g_ptr_array_add (self->fillers, phrase);
    }
  g_ptr_array_sort (self->fillers, compare_length);

  return self;
}

static guint
match_filler (SluiceNormaliser *self,
              GPtrArray        *tokens,
              guint             at)
{
  for (guint f = 0; f < self->fillers->len; f++)
    {
      GPtrArray *phrase = g_ptr_array_index (self->fillers, f);
      guint j;

      if (at + phrase->len > tokens->len)
        continue;
      for (j = 0; j < phrase->len; j++)
        if (strcmp (g_ptr_array_index (phrase, j), g_ptr_array_index (tokens, at + j)) != 0)
          break;
      if (j == phrase->len)
        return phrase->len;
    }

  return 0;
}

/**
 * sluice_normaliser_tokenise:
 * @self: a normaliser
 * @text: (nullable): any text; invalid UTF-8 is repaired
 *
 * Returns: (transfer container) (element-type utf8): the canonical tokens.
 *   When every token is a filler ("hello"), the fillers are kept.
 */
GPtrArray *
sluice_normaliser_tokenise (SluiceNormaliser *self,
                            const char       *text)
{
  g_autoptr(GPtrArray) tokens = NULL;
  GPtrArray *kept;

  g_return_val_if_fail (SLUICE_IS_NORMALISER (self), NULL);

  tokens = tokenise_plain (text);
  kept = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < tokens->len;)
    {
      guint n = match_filler (self, tokens, i);

      if (n > 0)
        {
          i += n;
          continue;
        }
      g_ptr_array_add (kept, g_strdup (g_ptr_array_index (tokens, i)));
      i++;
    }

  if (kept->len == 0 && tokens->len > 0)
    {
      g_ptr_array_unref (kept);
      return g_steal_pointer (&tokens);
    }

  return kept;
}

/**
 * sluice_normaliser_normalise:
 * @self: a normaliser
 * @text: (nullable): any text
 *
 * Returns: (transfer full): the tokens joined by single spaces
 */
char *
sluice_normaliser_normalise (SluiceNormaliser *self,
                             const char       *text)
{
  g_autoptr(GPtrArray) tokens = NULL;

  g_return_val_if_fail (SLUICE_IS_NORMALISER (self), NULL);

  tokens = sluice_normaliser_tokenise (self, text);
  g_ptr_array_add (tokens, NULL);

  return g_strjoinv (" ", (char **) tokens->pdata);
}
