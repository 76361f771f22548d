/* sluice-server-reply.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-server"

#include "config.h"

#include <string.h>

#include "sluice-server-private.h"

/* Errors in each API's own format, virtual keys, and the gateway's own
 * counters. */

typedef struct
{
  guint       status;
  const char *openai_type;
  const char *anthropic_type;
  const char *code;
} FaultInfo;

static const FaultInfo faults[] = {
  [SLUICE_FAULT_BAD_REQUEST] = { 400, "invalid_request_error", "invalid_request_error", NULL },
  [SLUICE_FAULT_AUTH] = { 401, "authentication_error", "authentication_error", "invalid_api_key" },
  [SLUICE_FAULT_NOT_FOUND] = { 404, "invalid_request_error", "not_found_error", "not_found" },
  [SLUICE_FAULT_MODEL_NOT_FOUND] = { 404, "invalid_request_error", "not_found_error",
                                     "model_not_found" },
  [SLUICE_FAULT_METHOD] = { 405, "invalid_request_error", "invalid_request_error",
                            "method_not_allowed" },
  [SLUICE_FAULT_TOO_LARGE] = { 413, "invalid_request_error", "request_too_large",
                               "request_too_large" },
  [SLUICE_FAULT_MEDIA_TYPE] = { 415, "invalid_request_error", "invalid_request_error",
                                "unsupported_media_type" },
  [SLUICE_FAULT_RATE_LIMITED] = { 429, "rate_limit_error", "rate_limit_error",
                                  "rate_limit_exceeded" },
  [SLUICE_FAULT_SERVER] = { 500, "server_error", "api_error", NULL },
  [SLUICE_FAULT_NOT_IMPLEMENTED] = { 501, "invalid_request_error", "api_error",
                                     "not_implemented" },
  [SLUICE_FAULT_UNAVAILABLE] = { 503, "server_error", "api_error", "upstream_unavailable" },
  [SLUICE_FAULT_OVERLOADED] = { 503, "server_error", "overloaded_error", "overloaded" },
};

/* A refusal for limits says when to come back. The engine does not say
 * yet how long a limit lasts, so a short, fixed hint is sent: clients back
 * off and try again, and a request that can never pass is refused again
 * with the same message. */
#define RETRY_AFTER_S "1"

char *
_sluice_json_to_string (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

void
_sluice_server_reply_json (SluiceServer      *self,
                           SoupServerMessage *msg,
                           guint              status,
                           JsonNode          *root)
{
  char *text = _sluice_json_to_string (root);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                    text, strlen (text));
  if (self->draining)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "Connection", "close");
}

static JsonNode *
build_error (SluiceApi    api,
             SluiceFault  fault,
             const char  *param,
             const char  *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const FaultInfo *info = &faults[fault];

  json_builder_begin_object (builder);
  if (api == SLUICE_API_ANTHROPIC)
    {
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "error");
    }
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, api == SLUICE_API_ANTHROPIC ? info->anthropic_type
                                                                      : info->openai_type);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  if (api != SLUICE_API_ANTHROPIC)
    {
      json_builder_set_member_name (builder, "param");
      if (param != NULL)
        json_builder_add_string_value (builder, param);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "code");
      if (info->code != NULL)
        json_builder_add_string_value (builder, info->code);
      else
        json_builder_add_null_value (builder);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

guint
_sluice_fault_status (SluiceFault fault)
{
  return faults[fault].status;
}

void
_sluice_server_reply_error (SluiceServer      *self,
                            SoupServerMessage *msg,
                            SluiceApi          api,
                            SluiceFault        fault,
                            const char        *param,
                            const char        *message)
{
  g_autoptr(JsonNode) root = build_error (api, fault, param, message);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  if (fault == SLUICE_FAULT_RATE_LIMITED)
    soup_message_headers_replace (headers, "Retry-After", RETRY_AFTER_S);
  _sluice_server_reply_json (self, msg, faults[fault].status, root);
}

/**
 * _sluice_server_error_fault:
 *
 * Maps an error of the input readers or the engine to a fault.
 */
SluiceFault
_sluice_server_error_fault (const GError *error)
{
  if (error->domain == SLUICE_FAULT_ERROR)
    return (SluiceFault) error->code;
  if (error->domain == SLUICE_FIELD_ERROR)
    return SLUICE_FAULT_BAD_REQUEST;
  if (error->domain == SLUICE_ENGINE_ERROR)
    {
      switch ((SluiceEngineError) error->code)
        {
        case SLUICE_ENGINE_ERROR_INVALID_REQUEST:
          return SLUICE_FAULT_BAD_REQUEST;
        case SLUICE_ENGINE_ERROR_NO_ROUTE:
          return SLUICE_FAULT_MODEL_NOT_FOUND;
        case SLUICE_ENGINE_ERROR_REFUSED:
          return SLUICE_FAULT_RATE_LIMITED;
        case SLUICE_ENGINE_ERROR_ALL_FAILED:
        case SLUICE_ENGINE_ERROR_SHUTTING_DOWN:
          return SLUICE_FAULT_UNAVAILABLE;
        default:
          break;
        }
    }
  return SLUICE_FAULT_SERVER;
}

void
_sluice_server_reply_gerror (SluiceServer      *self,
                             SoupServerMessage *msg,
                             SluiceApi          api,
                             const GError      *error)
{
  SluiceFault fault = _sluice_server_error_fault (error);
  g_autofree char *param = _sluice_fault_param (error);

  if (fault == SLUICE_FAULT_MODEL_NOT_FOUND)
    {
      g_free (param);
      param = g_strdup ("model");
    }
  _sluice_server_reply_error (self, msg, api, fault, param, error->message);
}

/* Virtual keys */

static char *
key_from_headers (SoupMessageHeaders *headers)
{
  const char *auth = soup_message_headers_get_one (headers, "Authorization");
  const char *api_key = soup_message_headers_get_one (headers, "x-api-key");

  if (auth != NULL && g_ascii_strncasecmp (auth, "Bearer ", 7) == 0)
    return g_strstrip (g_strdup (auth + 7));
  if (api_key != NULL)
    return g_strstrip (g_strdup (api_key));
  return NULL;
}

/* Compares the whole length whatever the content, so the time taken says
 * nothing about how much of a hash matched. */
static gboolean
equal_constant_time (const char *a,
                     const char *b)
{
  gsize len_a = strlen (a);
  gsize len_b = strlen (b);
  guchar diff = len_a != len_b;

  for (gsize i = 0; i < len_a; i++)
    diff |= (guchar) a[i] ^ (guchar) b[i < len_b ? i : 0];
  return diff == 0;
}

/**
 * _sluice_server_authenticate:
 * @user: (out) (transfer none): the user the key belongs to (it lives as
 *   long as @config), or %NULL when the config has no users
 *
 * When the config has users, a request must carry one of their keys in
 * `Authorization: Bearer` or `x-api-key`. Keys are hashed and never kept
 * or logged.
 *
 * Returns: %FALSE with a %SLUICE_FAULT_AUTH error when refused
 */
gboolean
_sluice_server_authenticate (SluiceServer       *self,
                             SoupServerMessage  *msg,
                             SluiceConfig       *config,
                             const char        **user,
                             GError            **error)
{
  guint n_users = sluice_config_get_n_users (config);
  g_autofree char *key = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *hash = NULL;
  const char *found = NULL;

  *user = NULL;
  if (n_users == 0)
    {
      if (!self->public_listen)
        return TRUE;
      g_set_error_literal (error, SLUICE_FAULT_ERROR, SLUICE_FAULT_AUTH,
                           "This gateway listens beyond loopback and its config has "
                           "no virtual keys; it answers nobody until users are configured");
      return FALSE;
    }

  key = key_from_headers (soup_server_message_get_request_headers (msg));
  if (key == NULL || *key == '\0')
    {
      g_set_error_literal (error, SLUICE_FAULT_ERROR, SLUICE_FAULT_AUTH,
                           "Missing API key: send it as “Authorization: Bearer <key>” "
                           "or “x-api-key: <key>”");
      return FALSE;
    }

  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
  hash = g_strconcat ("sha256:", digest, NULL);
  for (guint i = 0; i < n_users; i++)
    {
      const SluiceUserConfig *uc = sluice_config_get_user (config, i);

      if (equal_constant_time (hash, uc->key_hash) && found == NULL)
        found = uc->name;
    }
  if (found == NULL)
    {
      g_set_error_literal (error, SLUICE_FAULT_ERROR, SLUICE_FAULT_AUTH,
                           "Invalid API key");
      return FALSE;
    }
  *user = found;
  return TRUE;
}

/* Counters */

void
_sluice_server_count_response (SluiceServer   *self,
                               SluiceResponse *response)
{
  SluiceRequestStatus status = sluice_response_get_status (response);
  gint64 overhead = sluice_response_get_overhead_us (response);

  if ((guint) status < SLUICE_N_REQUEST_STATUSES)
    self->by_status[status]++;
  self->overhead_sum_us += overhead;
  self->overhead_max_us = MAX (self->overhead_max_us, overhead);
  self->overhead_count++;
}

void
_sluice_server_count_http (SluiceServer *self,
                           guint         status)
{
  gpointer key = GUINT_TO_POINTER (status);
  guint64 count = GPOINTER_TO_SIZE (g_hash_table_lookup (self->http_codes, key));

  g_hash_table_insert (self->http_codes, key, GSIZE_TO_POINTER (count + 1));
}

/* JSON members the answer builders of both APIs write. */
void
_sluice_server_add_int (JsonBuilder *builder,
                        const char  *name,
                        gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

/* A string member, null when @value is %NULL. */
void
_sluice_server_add_string (JsonBuilder *builder,
                           const char  *name,
                           const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}
