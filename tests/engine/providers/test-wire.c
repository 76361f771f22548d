/* test-wire.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-test"

#include "config.h"

#include <string.h>

#include "sluice.h"
#include "sluice-wire.h"

static SluiceRequest *
conversation (void)
{
  SluiceRequest *request = sluice_request_new ();

  sluice_request_add_message (request, SLUICE_ROLE_SYSTEM, "Be brief.");
  sluice_request_add_message (request, SLUICE_ROLE_USER, "Hello");
  sluice_request_add_message (request, SLUICE_ROLE_USER, "Are you there?");
  sluice_request_add_message (request, SLUICE_ROLE_ASSISTANT, "Yes.");
  sluice_request_add_message (request, SLUICE_ROLE_SYSTEM, "Use French.");
  sluice_request_add_message (request, SLUICE_ROLE_TOOL, "42");
  return request;
}

static JsonObject *
element_object (JsonArray *array,
                guint      index)
{
  g_assert_cmpuint (index, <, json_array_get_length (array));
  return json_array_get_object_element (array, index);
}

static void
assert_message (JsonArray  *messages,
                guint       index,
                const char *role,
                const char *content)
{
  JsonObject *message = element_object (messages, index);

  g_assert_cmpstr (json_object_get_string_member (message, "role"), ==, role);
  g_assert_cmpstr (json_object_get_string_member (message, "content"), ==, content);
}

static void
test_openai_body (void)
{
  g_autoptr(SluiceRequest) request = conversation ();
  g_autoptr(JsonNode) root = NULL;
  JsonObject *body;
  JsonArray *messages;

  sluice_request_set_temperature (request, 0.25);
  sluice_request_set_max_tokens (request, 300);
  root = sluice_wire_openai_build_request (request, "gpt-4o-mini", TRUE);
  body = json_node_get_object (root);

  g_assert_cmpstr (json_object_get_string_member (body, "model"), ==, "gpt-4o-mini");
  g_assert_cmpfloat (json_object_get_double_member (body, "temperature"), ==, 0.25);
  g_assert_cmpint (json_object_get_int_member (body, "max_tokens"), ==, 300);
  g_assert_true (json_object_get_boolean_member (body, "stream"));
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (body,
                                                                                "stream_options"),
                                                 "include_usage"));

  /* OpenAI keeps the conversation as given, system messages in place. */
  messages = json_object_get_array_member (body, "messages");
  g_assert_cmpuint (json_array_get_length (messages), ==, 6);
  assert_message (messages, 0, "system", "Be brief.");
  assert_message (messages, 1, "user", "Hello");
  assert_message (messages, 2, "user", "Are you there?");
  assert_message (messages, 3, "assistant", "Yes.");
  assert_message (messages, 4, "system", "Use French.");
  assert_message (messages, 5, "user", "42");
}

static void
test_openai_body_unset (void)
{
  g_autoptr(SluiceRequest) request = sluice_request_new ();
  g_autoptr(JsonNode) root = NULL;
  JsonObject *body;

  sluice_request_add_message (request, SLUICE_ROLE_USER, "Hi");
  root = sluice_wire_openai_build_request (request, "llama3", FALSE);
  body = json_node_get_object (root);

  g_assert_false (json_object_has_member (body, "temperature"));
  g_assert_false (json_object_has_member (body, "max_tokens"));
  g_assert_false (json_object_has_member (body, "stream"));
  g_assert_false (json_object_has_member (body, "stream_options"));
}

static void
test_anthropic_body (void)
{
  g_autoptr(SluiceRequest) request = conversation ();
  g_autoptr(JsonNode) root = NULL;
  JsonObject *body;
  JsonArray *messages;

  sluice_request_set_temperature (request, 0.0);
  root = sluice_wire_anthropic_build_request (request, "claude-3-5-haiku-latest", TRUE);
  body = json_node_get_object (root);

  g_assert_cmpstr (json_object_get_string_member (body, "model"), ==, "claude-3-5-haiku-latest");
  g_assert_cmpint (json_object_get_int_member (body, "max_tokens"), ==,
                   SLUICE_WIRE_ANTHROPIC_DEFAULT_MAX_TOKENS);
  g_assert_cmpstr (json_object_get_string_member (body, "system"), ==,
                   "Be brief.\n\nUse French.");
  g_assert_cmpfloat (json_object_get_double_member (body, "temperature"), ==, 0.0);
  g_assert_true (json_object_get_boolean_member (body, "stream"));
  g_assert_false (json_object_has_member (body, "stream_options"));

  /* Same-role messages merged; roles alternate. */
  messages = json_object_get_array_member (body, "messages");
  g_assert_cmpuint (json_array_get_length (messages), ==, 3);
  assert_message (messages, 0, "user", "Hello\n\nAre you there?");
  assert_message (messages, 1, "assistant", "Yes.");
  assert_message (messages, 2, "user", "42");
}

static void
test_anthropic_body_starts_with_user (void)
{
  g_autoptr(SluiceRequest) request = sluice_request_new ();
  g_autoptr(JsonNode) root = NULL;
  JsonObject *body;
  JsonArray *messages;

  sluice_request_add_message (request, SLUICE_ROLE_ASSISTANT, "How can I help?");
  sluice_request_add_message (request, SLUICE_ROLE_USER, "Translate this.");
  sluice_request_set_max_tokens (request, 77);
  root = sluice_wire_anthropic_build_request (request, "m", FALSE);
  body = json_node_get_object (root);

  g_assert_cmpint (json_object_get_int_member (body, "max_tokens"), ==, 77);
  g_assert_false (json_object_has_member (body, "system"));
  g_assert_false (json_object_has_member (body, "temperature"));
  g_assert_false (json_object_has_member (body, "stream"));

  messages = json_object_get_array_member (body, "messages");
  g_assert_cmpuint (json_array_get_length (messages), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (element_object (messages, 0), "role"),
                   ==, "user");
  assert_message (messages, 1, "assistant", "How can I help?");
  assert_message (messages, 2, "user", "Translate this.");
}

static const char *
gemini_text (JsonObject *content)
{
  JsonArray *parts = json_object_get_array_member (content, "parts");

  g_assert_cmpuint (json_array_get_length (parts), ==, 1);
  return json_object_get_string_member (element_object (parts, 0), "text");
}

static void
test_gemini_body (void)
{
  g_autoptr(SluiceRequest) request = conversation ();
  g_autoptr(JsonNode) root = NULL;
  JsonObject *body;
  JsonObject *config;
  JsonArray *contents;

  sluice_request_set_temperature (request, 0.5);
  sluice_request_set_max_tokens (request, 64);
  root = sluice_wire_gemini_build_request (request);
  body = json_node_get_object (root);

  g_assert_cmpstr (gemini_text (json_object_get_object_member (body, "systemInstruction")),
                   ==, "Be brief.\n\nUse French.");
  config = json_object_get_object_member (body, "generationConfig");
  g_assert_cmpfloat (json_object_get_double_member (config, "temperature"), ==, 0.5);
  g_assert_cmpint (json_object_get_int_member (config, "maxOutputTokens"), ==, 64);
  g_assert_false (json_object_has_member (body, "model"));

  contents = json_object_get_array_member (body, "contents");
  g_assert_cmpuint (json_array_get_length (contents), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (element_object (contents, 0), "role"),
                   ==, "user");
  g_assert_cmpstr (gemini_text (element_object (contents, 0)), ==, "Hello\n\nAre you there?");
  g_assert_cmpstr (json_object_get_string_member (element_object (contents, 1), "role"),
                   ==, "model");
  g_assert_cmpstr (gemini_text (element_object (contents, 1)), ==, "Yes.");
  g_assert_cmpstr (json_object_get_string_member (element_object (contents, 2), "role"),
                   ==, "user");
  g_assert_cmpstr (gemini_text (element_object (contents, 2)), ==, "42");
}

static void
test_gemini_body_unset (void)
{
  g_autoptr(SluiceRequest) request = sluice_request_new ();
  g_autoptr(JsonNode) root = NULL;
  JsonObject *body;

  sluice_request_add_message (request, SLUICE_ROLE_USER, "Hi");
  root = sluice_wire_gemini_build_request (request);
  body = json_node_get_object (root);

  g_assert_false (json_object_has_member (body, "generationConfig"));
  g_assert_false (json_object_has_member (body, "systemInstruction"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (body, "contents")),
                    ==, 1);
}

typedef struct
{
  guint             status;
  const char       *body;
  SluiceErrorClass  expected;
} ErrorCase;

static const ErrorCase error_cases[] = {
  { 429, "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\","
         "\"code\":\"rate_limit_exceeded\"}}", SLUICE_ERROR_CLASS_RATE_LIMITED },
  { 408, "", SLUICE_ERROR_CLASS_TIMEOUT },
  { 504, "<html>Gateway Timeout</html>", SLUICE_ERROR_CLASS_TIMEOUT },
  { 500, "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"boom\"}}",
    SLUICE_ERROR_CLASS_SERVER },
  { 502, "Bad gateway", SLUICE_ERROR_CLASS_SERVER },
  { 503, "{\"error\":{\"code\":503,\"message\":\"The model is overloaded.\","
         "\"status\":\"UNAVAILABLE\"}}", SLUICE_ERROR_CLASS_OVERLOADED },
  { 529, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
         "\"message\":\"Overloaded\"}}", SLUICE_ERROR_CLASS_OVERLOADED },
  { 401, "{\"error\":{\"message\":\"Incorrect API key\",\"type\":\"invalid_request_error\","
         "\"code\":\"invalid_api_key\"}}", SLUICE_ERROR_CLASS_AUTH },
  { 403, "{\"type\":\"error\",\"error\":{\"type\":\"permission_error\",\"message\":\"no\"}}",
    SLUICE_ERROR_CLASS_AUTH },
  { 400, "{\"error\":{\"code\":400,\"message\":\"API key not valid. Please pass a valid API "
         "key.\",\"status\":\"INVALID_ARGUMENT\",\"details\":[{\"reason\":\"API_KEY_INVALID\"}]}}",
    SLUICE_ERROR_CLASS_AUTH },
  { 400, "{\"error\":{\"message\":\"This model's maximum context length is 8192 tokens.\","
         "\"type\":\"invalid_request_error\",\"code\":\"context_length_exceeded\"}}",
    SLUICE_ERROR_CLASS_CONTEXT_LENGTH },
  { 400, "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
         "\"message\":\"prompt is too long: 210000 tokens > 200000 maximum\"}}",
    SLUICE_ERROR_CLASS_CONTEXT_LENGTH },
  { 400, "[{\"error\":{\"code\":400,\"message\":\"The input token count (1200000) exceeds the "
         "maximum number of tokens allowed (1048576).\",\"status\":\"INVALID_ARGUMENT\"}}]",
    SLUICE_ERROR_CLASS_CONTEXT_LENGTH },
  { 400, "{\"error\":{\"message\":\"The response was filtered\",\"type\":null,"
         "\"code\":\"content_filter\"}}", SLUICE_ERROR_CLASS_CONTENT_FILTER },
  { 400, "{\"error\":{\"message\":\"Invalid value for temperature\","
         "\"type\":\"invalid_request_error\"}}", SLUICE_ERROR_CLASS_BAD_REQUEST },
  { 404, "{\"error\":\"model 'llama9' not found\"}", SLUICE_ERROR_CLASS_BAD_REQUEST },
  { 0, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"x\"}}",
    SLUICE_ERROR_CLASS_OVERLOADED },
  { 0, "{\"error\":{\"message\":\"internal\"}}", SLUICE_ERROR_CLASS_SERVER },
};

static void
test_error_classes (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      const ErrorCase *c = &error_cases[i];
      g_autoptr(GError) error = NULL;

      error = sluice_wire_error_from_body (c->status, c->body, strlen (c->body));
      g_test_message ("case %u: %s", i, error->message);
      g_assert_error (error, SLUICE_PROVIDER_ERROR, (gint) c->expected);
    }
}

static void
test_error_message (void)
{
  const char *body = "{\"error\":{\"message\":\"You exceeded your current quota\","
                     "\"type\":\"insufficient_quota\"}}";
  g_autoptr(GError) error = sluice_wire_error_from_body (429, body, strlen (body));

  g_assert_nonnull (strstr (error->message, "429"));
  g_assert_nonnull (strstr (error->message, "You exceeded your current quota"));
}

static void
test_retry_after (void)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 3, 1, 12, 0, 0);

  g_assert_cmpint (sluice_wire_parse_retry_after (headers, now), ==, -1);

  soup_message_headers_replace (headers, "Retry-After", "7");
  g_assert_cmpint (sluice_wire_parse_retry_after (headers, now), ==, 7000);

  soup_message_headers_replace (headers, "Retry-After", "Sun, 01 Mar 2026 12:01:30 GMT");
  g_assert_cmpint (sluice_wire_parse_retry_after (headers, now), ==, 90000);

  /* A date in the past means now. */
  soup_message_headers_replace (headers, "Retry-After", "Sun, 01 Mar 2026 11:00:00 GMT");
  g_assert_cmpint (sluice_wire_parse_retry_after (headers, now), ==, 0);

  soup_message_headers_replace (headers, "Retry-After", "soon");
  g_assert_cmpint (sluice_wire_parse_retry_after (headers, now), ==, -1);

  /* retry-after-ms is the more precise, and wins. */
  soup_message_headers_replace (headers, "Retry-After", "7");
  soup_message_headers_replace (headers, "retry-after-ms", "1250");
  g_assert_cmpint (sluice_wire_parse_retry_after (headers, now), ==, 1250);
}

static void
test_remaining (void)
{
  static const char * const names[] = { "x-ratelimit-remaining-requests",
                                        "anthropic-ratelimit-requests-remaining", NULL };
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);

  g_assert_cmpint (sluice_wire_parse_remaining (headers, names), ==, -1);
  soup_message_headers_replace (headers, "anthropic-ratelimit-requests-remaining", "49");
  g_assert_cmpint (sluice_wire_parse_remaining (headers, names), ==, 49);
  soup_message_headers_replace (headers, "x-ratelimit-remaining-requests", "abc");
  g_assert_cmpint (sluice_wire_parse_remaining (headers, names), ==, 49);
}

static void
test_mask_key (void)
{
  g_autofree char *masked = sluice_wire_mask_key ("sk-proj-abcdefghijklmnop1234");
  g_autofree char *short_key = sluice_wire_mask_key ("abc123");

  g_assert_cmpstr (masked, ==, "sk-…1234");
  g_assert_cmpstr (short_key, ==, "…");
  g_assert_null (sluice_wire_mask_key (NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/engine/providers/wire/openai-body", test_openai_body);
  g_test_add_func ("/engine/providers/wire/openai-body-unset", test_openai_body_unset);
  g_test_add_func ("/engine/providers/wire/anthropic-body", test_anthropic_body);
  g_test_add_func ("/engine/providers/wire/anthropic-body-starts-with-user",
                   test_anthropic_body_starts_with_user);
  g_test_add_func ("/engine/providers/wire/gemini-body", test_gemini_body);
  g_test_add_func ("/engine/providers/wire/gemini-body-unset", test_gemini_body_unset);
  g_test_add_func ("/engine/providers/wire/error-classes", test_error_classes);
  g_test_add_func ("/engine/providers/wire/error-message", test_error_message);
  g_test_add_func ("/engine/providers/wire/retry-after", test_retry_after);
  g_test_add_func ("/engine/providers/wire/remaining", test_remaining);
  g_test_add_func ("/engine/providers/wire/mask-key", test_mask_key);

  return g_test_run ();
}
