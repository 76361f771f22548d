/* test-sse-parser.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-test"

#include "config.h"

#include <string.h>

#include "sluice-sse-parser.h"

/* Each case: the stream, and its events written as
 * "event|data|id|retry" joined with "\n--\n". */
typedef struct
{
  const char *name;
  const char *input;
  const char *expected;
} SseCase;

static const SseCase cases[] = {
  { "simple", "data: hello\n\n", "message|hello||-1" },
  { "crlf", "event: ping\r\ndata: a\r\ndata: b\r\n\r\n", "ping|a\nb||-1" },
  { "cr-only", "data: x\r\rdata: y\r\r", "message|x||-1\n--\nmessage|y||-1" },
  { "comments", ": keep-alive\n\ndata: z\n: in the middle\n\n", "message|z||-1" },
  { "multi-line-data", "data: line1\ndata: line2\ndata:\n\n", "message|line1\nline2\n||-1" },
  { "id-and-retry", "id: 7\nretry: 1500\ndata: a\n\nretry: x12\ndata: b\n\n",
    "message|a|7|1500\n--\nmessage|b|7|1500" },
  { "no-trailing-blank-line", "data: first\n\ndata: last",
    "message|first||-1\n--\nmessage|last||-1" },
  { "done-with-one-newline", "data: {\"a\":1}\n\ndata: [DONE]\n",
    "message|{\"a\":1}||-1\n--\nmessage|[DONE]||-1" },
  { "field-without-colon", "data\n\n", "message|||-1" },
  { "spaces-after-colon", "data:nospace\n\ndata:  two\n\n",
    "message|nospace||-1\n--\nmessage| two||-1" },
  { "event-type-resets", "event: a\ndata: 1\n\ndata: 2\n\n",
    "a|1||-1\n--\nmessage|2||-1" },
  { "bom", "\xEF\xBB\xBF" "data: bom\n\n", "message|bom||-1" },
  { "event-without-data", "event: x\n\nid: 3\n\n", "" },
  { "unknown-field", "foo: bar\ndata: q\n\n", "message|q||-1" },
  { "mixed-line-ends", "data: a\r\ndata: b\ndata: c\r\r\ndata: d\n\n",
    "message|a\nb\nc||-1\n--\nmessage|d||-1" },
  { "id-reset", "id: 5\ndata: a\n\nid\ndata: b\n\n",
    "message|a|5|-1\n--\nmessage|b||-1" },
  { "colon-in-value", "data: {\"k\": \"v:w\"}\n\n", "message|{\"k\": \"v:w\"}||-1" },
  { "anthropic-like",
    "event: message_start\r\ndata: {\"type\":\"message_start\"}\r\n\r\n"
    "event: ping\r\ndata: {\"type\": \"ping\"}\r\n\r\n"
    "event: message_stop\r\ndata: {\"type\":\"message_stop\"}\r\n\r\n",
    "message_start|{\"type\":\"message_start\"}||-1\n--\n"
    "ping|{\"type\": \"ping\"}||-1\n--\n"
    "message_stop|{\"type\":\"message_stop\"}||-1" },
  { "utf8", "data: h\xC3\xA9llo \xE2\x80\xA6\n\n", "message|h\xC3\xA9llo \xE2\x80\xA6||-1" },
  { "empty", "", "" },
  { "only-comments", ":a\n:b\r\n", "" },
};

static gboolean
record_event (const SluiceSseEvent *event,
              gpointer              user_data)
{
  GString *out = user_data;

  if (out->len > 0)
    g_string_append (out, "\n--\n");
  g_string_append_printf (out, "%s|%s|%s|%" G_GINT64_FORMAT,
                          event->event, event->data, event->id, event->retry_ms);
  return TRUE;
}

/* Feeds @input cut at the offsets in @cuts (ascending, ending in len). */
static char *
parse_in_pieces (const char  *input,
                 const gsize *cuts,
                 guint        n_cuts)
{
  GString *out = g_string_new (NULL);
  g_autoptr(SluiceSseParser) parser = sluice_sse_parser_new (record_event, out);
  gsize start = 0;

  for (guint i = 0; i < n_cuts; i++)
    {
      g_assert_true (sluice_sse_parser_feed (parser, input + start, cuts[i] - start));
      start = cuts[i];
    }
  g_assert_true (sluice_sse_parser_finish (parser));

  return g_string_free (out, FALSE);
}

static void
test_whole (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize len = strlen (cases[i].input);
      g_autofree char *got = parse_in_pieces (cases[i].input, &len, 1);

      if (g_strcmp0 (got, cases[i].expected) != 0)
        g_test_message ("case %s", cases[i].name);
      g_assert_cmpstr (got, ==, cases[i].expected);
    }
}

static void
test_byte_by_byte (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize len = strlen (cases[i].input);
      g_autofree gsize *cuts = g_new (gsize, len + 1);
      g_autofree char *got = NULL;

      for (gsize j = 0; j < len; j++)
        cuts[j] = j + 1;
      got = parse_in_pieces (cases[i].input, cuts, len);

      if (g_strcmp0 (got, cases[i].expected) != 0)
        g_test_message ("case %s", cases[i].name);
      g_assert_cmpstr (got, ==, cases[i].expected);
    }
}

static void
test_split_everywhere (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize len = strlen (cases[i].input);

      for (gsize at = 0; at <= len; at++)
        {
          gsize cuts[2] = { at, len };
          g_autofree char *got = parse_in_pieces (cases[i].input, cuts, 2);

          if (g_strcmp0 (got, cases[i].expected) != 0)
            g_test_message ("case %s split at %" G_GSIZE_FORMAT, cases[i].name, at);
          g_assert_cmpstr (got, ==, cases[i].expected);
        }
    }
}

static gboolean
stop_after_one (const SluiceSseEvent *event,
                gpointer              user_data)
{
  guint *n = user_data;

  (*n)++;
  return FALSE;
}

static void
test_stop (void)
{
  const char *input = "data: 1\n\ndata: 2\n\ndata: 3\n\n";
  guint n = 0;
  g_autoptr(SluiceSseParser) parser = sluice_sse_parser_new (stop_after_one, &n);

  g_assert_false (sluice_sse_parser_feed (parser, input, strlen (input)));
  g_assert_false (sluice_sse_parser_feed (parser, input, strlen (input)));
  g_assert_false (sluice_sse_parser_finish (parser));
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpuint (sluice_sse_parser_get_n_events (parser), ==, 1);
}

static void
test_count (void)
{
  const char *input = "data: 1\n\n:c\n\ndata: 2\n\n";
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(SluiceSseParser) parser = sluice_sse_parser_new (record_event, out);

  g_assert_true (sluice_sse_parser_feed (parser, input, strlen (input)));
  g_assert_cmpuint (sluice_sse_parser_get_n_events (parser), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/engine/providers/sse-parser/whole", test_whole);
  g_test_add_func ("/engine/providers/sse-parser/byte-by-byte", test_byte_by_byte);
  g_test_add_func ("/engine/providers/sse-parser/split-everywhere", test_split_everywhere);
  g_test_add_func ("/engine/providers/sse-parser/stop", test_stop);
  g_test_add_func ("/engine/providers/sse-parser/count", test_count);

  return g_test_run ();
}
