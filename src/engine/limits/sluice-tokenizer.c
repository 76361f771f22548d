/* sluice-tokenizer.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-limits"

#include "config.h"

#include <string.h>

#include "sluice-config.h"
#include "sluice-request.h"
#include "sluice-tokenizer.h"

/* A byte-level BPE over tiktoken rank files ("base64(bytes) rank" per
 * line), with the pre-tokenisation split of cl100k_base and o200k_base
 * through GRegex (PCRE2, Unicode properties). Without a rank file the
 * tokenizer estimates (sluice-token-estimator.c). */

/* o200k_base: words keep a leading non-letter, split before upper case,
 * contractions attach to the word; numbers in groups of up to three. */
static const char o200k_pattern[] =
  "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*"
  "[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
  "|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+"
  "[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
  "|\\p{N}{1,3}"
  "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*"
  "|\\s*[\\r\\n]+"
  "|\\s+(?!\\S)"
  "|\\s+";

static const char cl100k_pattern[] =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)"
  "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+"
  "|\\p{N}{1,3}"
  "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
  "|\\s*[\\r\\n]+"
  "|\\s+(?!\\S)"
  "|\\s+";

/* Token bytes → rank, open addressing over one buffer of all tokens. */
typedef struct
{
  guint32 offset;
  guint32 length;
  guint32 rank;
} RankSlot;

struct _SluiceTokenizer
{
  GObject    parent_instance;

  char      *encoding;
  GByteArray *bytes;       /* every token's bytes, back to back */
  RankSlot  *slots;        /* length == 0: empty */
  guint      mask;
  guint      n_ranks;
  GRegex    *split;        /* NULL for the estimator */
};

G_DEFINE_FINAL_TYPE (SluiceTokenizer, sluice_tokenizer, G_TYPE_OBJECT)

static void
sluice_tokenizer_finalize (GObject *object)
{
  SluiceTokenizer *self = (SluiceTokenizer *) object;

  g_clear_pointer (&self->encoding, g_free);
  g_clear_pointer (&self->bytes, g_byte_array_unref);
  g_clear_pointer (&self->slots, g_free);
  g_clear_pointer (&self->split, g_regex_unref);

  G_OBJECT_CLASS (sluice_tokenizer_parent_class)->finalize (object);
}

static void
sluice_tokenizer_class_init (SluiceTokenizerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sluice_tokenizer_finalize;
}

static void
sluice_tokenizer_init (SluiceTokenizer *self)
{
}

static inline guint
hash_bytes (const guint8 *data,
            gsize         length)
{
  guint32 h = 2166136261u;

  for (gsize i = 0; i < length; i++)
    h = (h ^ data[i]) * 16777619u;

  return h;
}

/* Returns: the rank of the bytes, or G_MAXUINT32 when they are no token. */
static inline guint32
lookup_rank (SluiceTokenizer *self,
             const guint8    *data,
             gsize            length)
{
  guint i = hash_bytes (data, length) & self->mask;

  for (;; i = (i + 1) & self->mask)
    {
      const RankSlot *slot = &self->slots[i];

      if (slot->length == 0)
        return G_MAXUINT32;
      if (slot->length == length &&
          memcmp (self->bytes->data + slot->offset, data, length) == 0)
        return slot->rank;
    }
}

static void
insert_rank (SluiceTokenizer *self,
             guint32          offset,
             guint32          length,
             guint32          rank)
{
  guint i = hash_bytes (self->bytes->data + offset, length) & self->mask;

  while (self->slots[i].length != 0)
    i = (i + 1) & self->mask;

  self->slots[i] = (RankSlot) { offset, length, rank };
}

static gboolean
parse_line (SluiceTokenizer  *self,
            char             *line,
            guint             line_number,
            GError          **error)
{
  char *space = strchr (line, ' ');
  guint64 rank = 0;
  g_autofree guchar *token = NULL;
  gsize length = 0;

  if (space == NULL ||
      !g_ascii_string_to_unsigned (g_strstrip (space + 1), 10, 0, G_MAXUINT32 - 1,
                                   &rank, NULL))
    goto invalid;

  *space = '\0';
  token = g_base64_decode (line, &length);
  if (length == 0 || length > G_MAXUINT16 ||
      lookup_rank (self, token, length) != G_MAXUINT32)
    goto invalid;

  g_byte_array_append (self->bytes, token, length);
  insert_rank (self, self->bytes->len - length, length, (guint32) rank);
  self->n_ranks++;

  return TRUE;

invalid:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               "line %u: expected \"base64(token) rank\" with a new token",
               line_number);
  return FALSE;
}

static gboolean
load_ranks (SluiceTokenizer  *self,
            char             *contents,
            gsize             length,
            GError          **error)
{
  guint n_lines = 1;
  guint capacity = 1024;
  guint line_number = 0;
  char *line = contents;

  for (gsize i = 0; i < length; i++)
    n_lines += contents[i] == '\n';
  while (capacity < n_lines * 2)
    capacity *= 2;

  self->slots = g_new0 (RankSlot, capacity);
  self->mask = capacity - 1;
  self->bytes = g_byte_array_sized_new (length / 2);

  while (line != NULL && *line != '\0')
    {
      char *next = strchr (line, '\n');

      if (next != NULL)
        *next++ = '\0';
      line_number++;
      if (*line != '\0' && !parse_line (self, line, line_number, error))
        return FALSE;
      line = next;
    }

  if (self->n_ranks == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "no ranks");
      return FALSE;
    }

  return TRUE;
}

/**
 * sluice_tokenizer_new_estimator:
 *
 * Returns: (transfer full): a tokenizer that estimates counts by script
 *   class (see sluice_tokens_estimate())
 */
SluiceTokenizer *
sluice_tokenizer_new_estimator (void)
{
  SluiceTokenizer *self = g_object_new (SLUICE_TYPE_TOKENIZER, NULL);

  self->encoding = g_strdup ("estimate");

  return self;
}

/**
 * sluice_tokenizer_new_from_file:
 * @encoding: "o200k_base" or "cl100k_base" (chooses the split pattern)
 * @path: a tiktoken rank file
 * @error: return location for an error
 *
 * Returns: (transfer full): an exact tokenizer, or %NULL with @error set
 */
SluiceTokenizer *
sluice_tokenizer_new_from_file (const char  *encoding,
                                const char  *path,
                                GError     **error)
{
  g_autoptr(SluiceTokenizer) self = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  const char *pattern;

  g_return_val_if_fail (encoding != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);

  if (g_str_equal (encoding, "o200k_base"))
    pattern = o200k_pattern;
  else if (g_str_equal (encoding, "cl100k_base"))
    pattern = cl100k_pattern;
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "unknown encoding \"%s\"", encoding);
      return NULL;
    }

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;

  self = g_object_new (SLUICE_TYPE_TOKENIZER, NULL);
  self->encoding = g_strdup (encoding);
  self->split = g_regex_new (pattern, G_REGEX_OPTIMIZE, 0, error);
  if (self->split == NULL || !load_ranks (self, contents, length, error))
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * sluice_tokenizer_new_for_config:
 * @config: a configuration
 *
 * The exact tokenizer when `limits.tokenizer.path` names a readable rank
 * file, else the estimator; a broken file is logged and estimated around.
 *
 * Returns: (transfer full): a tokenizer, never %NULL
 */
SluiceTokenizer *
sluice_tokenizer_new_for_config (SluiceConfig *config)
{
  const SluiceLimitsConfig *limits;
  g_autoptr(GError) error = NULL;
  SluiceTokenizer *self;

  g_return_val_if_fail (SLUICE_IS_CONFIG (config), NULL);

  limits = sluice_config_get_limits (config);
  if (limits->tokenizer_path == NULL ||
      !g_file_test (limits->tokenizer_path, G_FILE_TEST_IS_REGULAR))
    return sluice_tokenizer_new_estimator ();

  self = sluice_tokenizer_new_from_file (limits->tokenizer_encoding,
                                         limits->tokenizer_path, &error);
  if (self == NULL)
    {
      g_warning ("Estimating tokens: %s", error->message);
      return sluice_tokenizer_new_estimator ();
    }

  return self;
}

gboolean
sluice_tokenizer_is_exact (SluiceTokenizer *self)
{
  g_return_val_if_fail (SLUICE_IS_TOKENIZER (self), FALSE);

  return self->split != NULL;
}

const char *
sluice_tokenizer_get_encoding (SluiceTokenizer *self)
{
  g_return_val_if_fail (SLUICE_IS_TOKENIZER (self), NULL);

  return self->encoding;
}

guint
sluice_tokenizer_get_n_ranks (SluiceTokenizer *self)
{
  g_return_val_if_fail (SLUICE_IS_TOKENIZER (self), 0);

  return self->n_ranks;
}

/* The merge loop: repeatedly joins the adjacent pair whose joined bytes have
 * the lowest rank. bounds[] holds the part boundaries. */
static void
bpe_piece (SluiceTokenizer *self,
           const guint8    *piece,
           gsize            length,
           GArray          *out)
{
  guint32 whole = lookup_rank (self, piece, length);
  g_autofree gsize *bounds = NULL;
  g_autofree guint32 *ranks = NULL;
  gsize n = length + 1;

  if (whole != G_MAXUINT32)
    {
      g_array_append_val (out, whole);
      return;
    }

  bounds = g_new (gsize, n);
  ranks = g_new (guint32, n);
  for (gsize i = 0; i < n; i++)
    bounds[i] = i;
  for (gsize i = 0; i + 2 < n; i++)
    ranks[i] = lookup_rank (self, piece + i, 2);
  ranks[n - 2] = G_MAXUINT32;

  while (n > 2)
    {
      gsize best = 0;

      for (gsize i = 1; i + 1 < n; i++)
        if (ranks[i] < ranks[best])
          best = i;
      if (ranks[best] == G_MAXUINT32)
        break;

      memmove (bounds + best + 1, bounds + best + 2, (n - best - 2) * sizeof *bounds);
      memmove (ranks + best + 1, ranks + best + 2, (n - best - 2) * sizeof *ranks);
      n--;

      ranks[best] = best + 2 < n
                    ? lookup_rank (self, piece + bounds[best], bounds[best + 2] - bounds[best])
                    : G_MAXUINT32;
      if (best > 0)
        ranks[best - 1] = lookup_rank (self, piece + bounds[best - 1],
                                       bounds[best + 1] - bounds[best - 1]);
    }

  for (gsize i = 0; i + 1 < n; i++)
    {
      guint32 rank = lookup_rank (self, piece + bounds[i], bounds[i + 1] - bounds[i]);

      g_array_append_val (out, rank);
    }
}

/**
 * sluice_tokenizer_encode:
 * @self: an exact tokenizer
 * @text: UTF-8 text (invalid sequences are replaced first)
 * @length: its length in bytes, or -1 when nul-terminated
 *
 * Returns: (transfer full) (element-type guint32): the token ranks
 */
GArray *
sluice_tokenizer_encode (SluiceTokenizer *self,
                         const char      *text,
                         gssize           length)
{
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *valid = NULL;
  GArray *out;

  g_return_val_if_fail (SLUICE_IS_TOKENIZER (self), NULL);
  g_return_val_if_fail (self->split != NULL, NULL);
  g_return_val_if_fail (text != NULL, NULL);

  if (length < 0)
    length = strlen (text);
  if (!g_utf8_validate_len (text, length, NULL))
    {
      valid = g_utf8_make_valid (text, length);
      text = valid;
      length = strlen (valid);
    }

  out = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_regex_match_full (self->split, text, length, 0, 0, &match, NULL);
  while (g_match_info_matches (match))
    {
      int start = 0, end = 0;

      g_match_info_fetch_pos (match, 0, &start, &end);
      if (end > start)
        bpe_piece (self, (const guint8 *) text + start, end - start, out);
      g_match_info_next (match, NULL);
    }

  return out;
}

/**
 * sluice_tokenizer_count:
 * @self: a tokenizer
 * @text: UTF-8 text
 * @length: its length in bytes, or -1 when nul-terminated
 *
 * Returns: the exact token count, or the estimate
 */
gint64
sluice_tokenizer_count (SluiceTokenizer *self,
                        const char      *text,
                        gssize           length)
{
  g_autoptr(GArray) tokens = NULL;

  g_return_val_if_fail (SLUICE_IS_TOKENIZER (self), 0);
  g_return_val_if_fail (text != NULL, 0);

  if (self->split == NULL)
    return sluice_tokens_estimate (text, length);

  tokens = sluice_tokenizer_encode (self, text, length);

  return tokens->len;
}

/**
 * sluice_tokenizer_count_messages:
 * @self: a tokenizer
 * @messages: (element-type SluiceMessage): a conversation
 *
 * Returns: the input tokens of the conversation, with OpenAI's framing of
 *   %SLUICE_TOKENS_PER_MESSAGE per message (plus its role) and
 *   %SLUICE_TOKENS_PER_REPLY for the reply
 */
gint64
sluice_tokenizer_count_messages (SluiceTokenizer *self,
                                 GPtrArray       *messages)
{
  gint64 total = SLUICE_TOKENS_PER_REPLY;

  g_return_val_if_fail (SLUICE_IS_TOKENIZER (self), 0);
  g_return_val_if_fail (messages != NULL, 0);

  for (guint i = 0; i < messages->len; i++)
    {
      const SluiceMessage *message = g_ptr_array_index (messages, i);

      /* Every role name ("system", "user", …) is one token. */
      total += SLUICE_TOKENS_PER_MESSAGE + 1;
      total += sluice_tokenizer_count (self, sluice_message_get_content (message), -1);
    }

  return total;
}

/**
 * sluice_tokenizer_estimate_request:
 * @self: a tokenizer
 * @request: a request
 * @default_max_output: the output expected when the request sets no
 *   max_tokens (the model's max_output_tokens)
 * @output_tokens: (out) (optional): the output expected: max_tokens
 *
 * Returns: the input tokens of @request
 */
gint64
sluice_tokenizer_estimate_request (SluiceTokenizer *self,
                                   SluiceRequest   *request,
                                   gint64           default_max_output,
                                   gint64          *output_tokens)
{
  gint64 max_tokens;

  g_return_val_if_fail (SLUICE_IS_TOKENIZER (self), 0);
  g_return_val_if_fail (SLUICE_IS_REQUEST (request), 0);

  max_tokens = sluice_request_get_max_tokens (request);
  if (output_tokens != NULL)
    *output_tokens = max_tokens > 0 ? max_tokens : MAX (default_max_output, 0);

  return sluice_tokenizer_count_messages (self, sluice_request_get_messages (request));
}
