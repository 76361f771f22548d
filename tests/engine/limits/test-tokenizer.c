/* test-tokenizer.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <sluice.h>

#include "sluice-prices.h"
#include "sluice-tokenizer.h"

/* BPE merging checked exactly on small rank files written here: every byte
 * is a token (ranks 0…255), plus a few merges given as "bytes rank". */

static char *
write_ranks (const char * const *merges)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (g_get_tmp_dir (), "toy.tiktoken", NULL);

  for (guint b = 0; b < 256; b++)
    {
      guchar byte = b;
      g_autofree char *encoded = g_base64_encode (&byte, 1);

      g_string_append_printf (text, "%s %u\n", encoded, b);
    }

  for (guint i = 0; merges[i] != NULL; i += 2)
    {
      g_autofree char *encoded = g_base64_encode ((const guchar *) merges[i],
                                                  strlen (merges[i]));

      g_string_append_printf (text, "%s %s\n", encoded, merges[i + 1]);
    }

  g_file_set_contents (path, text->str, text->len, &error);
  g_assert_no_error (error);

  return path;
}

static SluiceTokenizer *
toy_tokenizer (const char         *encoding,
               const char * const *merges)
{
  g_autofree char *path = write_ranks (merges);
  g_autoptr(GError) error = NULL;
  SluiceTokenizer *tokenizer = sluice_tokenizer_new_from_file (encoding, path, &error);

  g_assert_no_error (error);
  g_assert_true (sluice_tokenizer_is_exact (tokenizer));
  g_unlink (path);

  return tokenizer;
}

static void
assert_tokens (SluiceTokenizer *tokenizer,
               const char      *text,
               const guint32   *expected,
               guint            n_expected)
{
  g_autoptr(GArray) tokens = sluice_tokenizer_encode (tokenizer, text, -1);

  g_assert_cmpmem (tokens->data, tokens->len * sizeof (guint32),
                   expected, n_expected * sizeof (guint32));
  g_assert_cmpint (sluice_tokenizer_count (tokenizer, text, -1), ==, n_expected);
}

static const char * const toy_merges[] = {
  "ab", "256", "cd", "257", "abcd", "258", " a", "259", "bc", "300", "34", "260",
  "oW", "261", NULL
};

static void
test_merge_order (void)
{
  g_autoptr(SluiceTokenizer) tokenizer = toy_tokenizer ("o200k_base", toy_merges);
  static const char * const bc_first[] = { "bc", "250", "ab", "256", NULL };
  g_autoptr(SluiceTokenizer) other = toy_tokenizer ("o200k_base", bc_first);

  /* A whole piece that is a token stays one. */
  assert_tokens (tokenizer, "abcd", (guint32[]) { 258 }, 1);
  /* "abab": both "ab" merge, "abab" is no token. */
  assert_tokens (tokenizer, "abab", (guint32[]) { 256, 256 }, 2);
  /* The lowest rank merges first: "ab" (256) before "bc" (300)… */
  assert_tokens (tokenizer, "abc", (guint32[]) { 256, 'c' }, 2);
  /* …and the other way round when "bc" ranks lower. */
  assert_tokens (other, "abc", (guint32[]) { 'a', 250 }, 2);
  /* "bcd": "bc" (300) loses to "cd" (257). */
  assert_tokens (tokenizer, "bcd", (guint32[]) { 'b', 257 }, 2);
}

static void
test_pretokenise (void)
{
  g_autoptr(SluiceTokenizer) o200k = toy_tokenizer ("o200k_base", toy_merges);
  g_autoptr(SluiceTokenizer) cl100k = toy_tokenizer ("cl100k_base", toy_merges);

  /* " ab" is its own piece: "ab" (256) merges before " a" (259). */
  assert_tokens (o200k, "ab ab", (guint32[]) { 256, ' ', 256 }, 3);
  /* Digits go in threes, so "34" never meets across "123|45". */
  assert_tokens (o200k, "12345", (guint32[]) { '1', '2', '3', '4', '5' }, 5);
  assert_tokens (o200k, "345", (guint32[]) { 260, '5' }, 2);
  /* o200k splits before an upper-case letter, cl100k does not. */
  g_assert_cmpint (sluice_tokenizer_count (o200k, "HelloWorld", -1), ==, 10);
  g_assert_cmpint (sluice_tokenizer_count (cl100k, "HelloWorld", -1), ==, 9);
  /* Invalid UTF-8 is replaced, not refused. */
  g_assert_cmpint (sluice_tokenizer_count (o200k, "a\xff" "b", -1), >, 0);
}

static void
test_messages (void)
{
  g_autoptr(SluiceTokenizer) tokenizer = toy_tokenizer ("o200k_base", toy_merges);
  g_autoptr(SluiceRequest) request = sluice_request_new ();
  gint64 output = 0;

  sluice_request_add_message (request, SLUICE_ROLE_SYSTEM, "ab");
  sluice_request_add_message (request, SLUICE_ROLE_USER, "abcd");

  /* 1 + 1 content tokens, 2 × (3 + 1 for the role), 3 for the reply. */
  g_assert_cmpint (sluice_tokenizer_estimate_request (tokenizer, request, 4096, &output),
                   ==, 2 + 8 + 3);
  g_assert_cmpint (output, ==, 4096);
  sluice_request_set_max_tokens (request, 256);
  sluice_tokenizer_estimate_request (tokenizer, request, 4096, &output);
  g_assert_cmpint (output, ==, 256);
}

static void
test_bad_file (void)
{
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "bad.tiktoken", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SluiceTokenizer) tokenizer = NULL;

  g_file_set_contents (path, "YWI= 1\nYWI= 2\n", -1, &error);
  g_assert_no_error (error);
  tokenizer = sluice_tokenizer_new_from_file ("o200k_base", path, &error);
  g_assert_null (tokenizer);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "line 2"));
  g_clear_error (&error);

  tokenizer = sluice_tokenizer_new_from_file ("p50k_base", path, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_unlink (path);
}

static void
test_estimator (void)
{
  g_autoptr(SluiceTokenizer) estimator = sluice_tokenizer_new_estimator ();
  const char *english = "The quick brown fox jumps over the lazy dog near the river bank.";
  gint64 n;

  g_assert_false (sluice_tokenizer_is_exact (estimator));
  g_assert_cmpint (sluice_tokenizer_count (estimator, "", -1), ==, 0);
  g_assert_cmpint (sluice_tokenizer_count (estimator, "a", -1), ==, 1);

  /* 14 tokens in o200k_base. */
  n = sluice_tokenizer_count (estimator, english, -1);
  g_assert_cmpint (n, >=, 11);
  g_assert_cmpint (n, <=, 18);

  /* Chinese: about one token a character or two, never four a token. */
  n = sluice_tokenizer_count (estimator, "今天天气很好我们去公园散步吧", -1);
  g_assert_cmpint (n, >=, 6);
  g_assert_cmpint (n, <=, 16);
}

static void
test_for_config (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SluiceConfig) config = NULL;
  g_autoptr(SluiceTokenizer) tokenizer = NULL;
  g_autofree char *json = NULL;
  g_autofree char *path = write_ranks (toy_merges);

  /* A configured file that is missing: the estimator. */
  config = sluice_config_new_default ();
  tokenizer = sluice_tokenizer_new_for_config (config);
  g_assert_false (sluice_tokenizer_is_exact (tokenizer));
  g_clear_object (&tokenizer);
  g_clear_object (&config);

  json = g_strdup_printf ("{\"schema\": 1, \"providers\": [{\"name\": \"p\", \"kind\": \"mock\"}],"
                          " \"models\": [{\"name\": \"m\", \"provider\": \"p\","
                          " \"upstream\": \"gpt-4o-mini\", \"context_window\": 1000}],"
                          " \"chains\": {\"small\": [\"m\"]},"
                          " \"limits\": {\"tokenizer\": {\"encoding\": \"cl100k_base\","
                          " \"path\": \"%s\"}}}", path);
  config = sluice_config_new_from_data (json, -1, &error);
  g_assert_no_error (error);
  tokenizer = sluice_tokenizer_new_for_config (config);
  g_assert_true (sluice_tokenizer_is_exact (tokenizer));
  g_assert_cmpstr (sluice_tokenizer_get_encoding (tokenizer), ==, "cl100k_base");
  g_assert_cmpuint (sluice_tokenizer_get_n_ranks (tokenizer), ==, 256 + 7);

  /* Prices from the default table. */
  g_assert_cmpfloat (sluice_config_lookup_model (config, "m")->price_in, ==, 0.15);
  g_assert_cmpfloat (sluice_config_lookup_model (config, "m")->price_cached_in, ==, 0.075);
  g_assert_cmpfloat (sluice_config_lookup_model (config, "m")->price_out, ==, 0.6);
  g_unlink (path);
}

static void
test_prices (void)
{
  double in = 0, cached = 0, out = 0;

  g_assert_true (sluice_prices_lookup ("claude-sonnet-4-5-20250929", &in, &cached, &out));
  g_assert_cmpfloat (in, ==, 3.0);
  g_assert_cmpfloat (cached, ==, 0.3);
  g_assert_cmpfloat (out, ==, 15.0);
  g_assert_true (sluice_prices_lookup ("gemini-2.5-flash", &in, NULL, &out));
  g_assert_cmpfloat (out, ==, 2.5);
  g_assert_false (sluice_prices_lookup ("mock-large-2026", NULL, NULL, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/engine/limits/tokenizer/merge-order", test_merge_order);
  g_test_add_func ("/engine/limits/tokenizer/pretokenise", test_pretokenise);
  g_test_add_func ("/engine/limits/tokenizer/messages", test_messages);
  g_test_add_func ("/engine/limits/tokenizer/bad-file", test_bad_file);
  g_test_add_func ("/engine/limits/tokenizer/estimator", test_estimator);
  g_test_add_func ("/engine/limits/tokenizer/for-config", test_for_config);
  g_test_add_func ("/engine/limits/prices", test_prices);

  return g_test_run ();
}
