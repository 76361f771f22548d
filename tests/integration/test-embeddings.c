/* test-embeddings.c — embeddings: the providers against sluice-mock over
 * real HTTP, the in-process mock, the engine's metered API and the
 * semantic cache's provider embedder
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "sluice.h"
#include "sluice-anthropic-provider.h"
#include "sluice-gemini-provider.h"
#include "sluice-mock-embedding.h"
#include "sluice-openai-provider.h"
#include "sluice-provider-embedder.h"
#include "sluice-test-support.h"

#define SCENARIO \
  "{ \"default\": { \"seed\": 7, \"latency_ms\": { \"p50\": 1, \"p99\": 2 } }," \
  "  \"models\": { \"broken-embed\": { \"latency_ms\": { \"p50\": 1, \"p99\": 2 }," \
  "                                    \"errors\": { \"server\": 1.0 } } } }"
#define KEY "sk-embed-test-4f9a1c2e8b7d6a5f3e2d1c0b"

typedef struct
{
  SluiceTestMock *mock;
  SluiceEngine   *engine;
} Fixture;

static char *
engine_config (const char *url,
               const char *extra)
{
  return g_strdup_printf (
    "{ \"schema\": 1,"
    "  \"providers\": ["
    "    { \"name\": \"oa\", \"kind\": \"openai\", \"base_url\": \"%s/v1\", \"timeout_ms\": 5000 },"
    "    { \"name\": \"ge\", \"kind\": \"gemini\", \"base_url\": \"%s/v1beta\", \"timeout_ms\": 5000 } ],"
    "  \"models\": ["
    "    { \"name\": \"chat\", \"provider\": \"oa\", \"upstream\": \"gpt-4o\","
    "      \"price_in\": 1, \"price_out\": 2, \"context_window\": 100000 },"
    "    { \"name\": \"oa-embed\", \"provider\": \"oa\", \"upstream\": \"text-embedding-3-small\","
    "      \"kind\": \"embedding\", \"price_in\": 0.02, \"price_out\": 0, \"context_window\": 8191 },"
    "    { \"name\": \"oa-broken\", \"provider\": \"oa\", \"upstream\": \"broken-embed\","
    "      \"kind\": \"embedding\", \"price_in\": 0.02, \"price_out\": 0, \"context_window\": 8191 },"
    "    { \"name\": \"ge-embed\", \"provider\": \"ge\", \"upstream\": \"text-embedding-004\","
    "      \"kind\": \"embedding\", \"price_in\": 0.01, \"price_out\": 0, \"context_window\": 2048 } ],"
    "  \"chains\": { \"small\": [\"chat\"], \"vectors\": [\"oa-broken\", \"ge-embed\"] },"
    "  \"aliases\": { \"embed\": \"vectors\" },"
    "  \"retry\": { \"max_attempts\": 2, \"base_backoff_ms\": 1, \"max_backoff_ms\": 2 } %s }",
    url, url, extra);
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = g_build_filename (g_get_user_data_dir (), "embed.db", NULL);
  g_autofree char *config = NULL;

  f->mock = sluice_test_mock_start (SCENARIO, &error);
  g_assert_no_error (error);
  config = engine_config (sluice_test_mock_get_url (f->mock), data != NULL ? data : "");
  f->engine = sluice_engine_new (db, NULL, &error);
  g_assert_no_error (error);
  sluice_engine_apply_config_json (f->engine, config, "test", NULL, &error);
  g_assert_no_error (error);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_clear_object (&f->engine);
  g_clear_pointer (&f->mock, sluice_test_mock_stop);
}

/* Running calls */

typedef struct
{
  SluiceEmbeddings *embeddings;
  GPtrArray        *vectors;
  GError           *error;
  gboolean          done;
} Result;

static void
result_clear (Result *r)
{
  g_clear_pointer (&r->embeddings, sluice_embeddings_unref);
  g_clear_pointer (&r->vectors, g_ptr_array_unref);
  g_clear_error (&r->error);
  r->done = FALSE;
}

static void
wait_for (Result *r)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!r->done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (r->done);
}

static void
provider_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Result *r = user_data;

  r->embeddings = sluice_provider_embed_finish (SLUICE_PROVIDER (object), result, &r->error);
  r->done = TRUE;
}

static void
provider_embed (SluiceProvider     *provider,
                const char         *model,
                const char * const *inputs,
                guint               dimensions,
                Result             *r)
{
  g_autoptr(SluiceProviderCall) call = sluice_provider_call_new_embed (model, inputs, dimensions);

  call->timeout_ms = 10000;
  sluice_provider_embed_async (provider, call, NULL, provider_done_cb, r);
  wait_for (r);
}

static void
engine_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Result *r = user_data;

  r->embeddings = sluice_engine_embed_finish (SLUICE_ENGINE (object), result, &r->error);
  r->done = TRUE;
}

static void
engine_embed (Fixture            *f,
              const char         *model,
              const char * const *inputs,
              guint               dimensions,
              Result             *r)
{
  sluice_engine_embed_async (f->engine, model, inputs, dimensions, "tester", NULL,
                             engine_done_cb, r);
  wait_for (r);
}

/* What both mocks must give for @text. */
static void
assert_mock_vector (const float *vector,
                    const char  *text,
                    guint        dims)
{
  g_autofree double *expected = g_new (double, dims);
  double norm = 0;

  sluice_mock_embedding_compute (text, dims, expected);
  for (guint i = 0; i < dims; i++)
    {
      g_assert_cmpfloat (vector[i], ==, (float) expected[i]);
      norm += (double) vector[i] * vector[i];
    }
  g_assert_cmpfloat_with_epsilon (norm, 1.0, 1e-5);
}

static gint64
mock_count (Fixture    *f,
            const char *endpoint,
            const char *model)
{
  g_autofree char *text = sluice_test_mock_get_stats (f->mock);
  g_autoptr(JsonNode) stats = sluice_test_json_parse (text, -1);
  g_autofree char *path = g_strdup_printf ("$.endpoints['%s'].models['%s']", endpoint, model);

  return sluice_test_json_has (stats, path) ? sluice_test_json_query_int (stats, path) : 0;
}

/* Providers */

static void
test_openai (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *base = g_strconcat (sluice_test_mock_get_url (f->mock), "/v1", NULL);
  g_autoptr(SluiceProvider) provider = sluice_openai_provider_new ("oa", base, KEY, 2000);
  const char *inputs[] = { "reset my password", "opening hours", "reset my password", NULL };
  Result r = { 0 };

  provider_embed (provider, "text-embedding-3-small", inputs, 64, &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.embeddings->vectors->len, ==, 3);
  g_assert_cmpuint (r.embeddings->dimensions, ==, 64);
  g_assert_cmpstr (r.embeddings->model, ==, "text-embedding-3-small");
  g_assert_cmpint (r.embeddings->usage.input_tokens, >, 0);
  for (guint i = 0; i < 3; i++)
    assert_mock_vector (g_ptr_array_index (r.embeddings->vectors, i), inputs[i], 64);
  g_assert_cmpint (mock_count (f, "openai.embeddings", "text-embedding-3-small"), ==, 1);
  result_clear (&r);

  /* Without dimensions the model's own length comes back. */
  provider_embed (provider, "text-embedding-3-small", inputs + 1, 0, &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.embeddings->vectors->len, ==, 2);
  g_assert_cmpuint (r.embeddings->dimensions, ==, SLUICE_MOCK_EMBEDDING_DIMS);
  result_clear (&r);
}

/* OpenAI takes 2048 inputs a call: 2050 go in two, in order. */
static void
test_openai_batches (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *base = g_strconcat (sluice_test_mock_get_url (f->mock), "/v1", NULL);
  g_autoptr(SluiceProvider) provider = sluice_openai_provider_new ("oa", base, NULL, 2000);
  g_autoptr(GPtrArray) inputs = g_ptr_array_new_with_free_func (g_free);
  Result r = { 0 };

  for (guint i = 0; i < 2050; i++)
    g_ptr_array_add (inputs, g_strdup_printf ("input number %u", i));
  g_ptr_array_add (inputs, NULL);

  provider_embed (provider, "text-embedding-3-large", (const char * const *) inputs->pdata, 8, &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.embeddings->vectors->len, ==, 2050);
  g_assert_cmpint (mock_count (f, "openai.embeddings", "text-embedding-3-large"), ==, 2);
  assert_mock_vector (g_ptr_array_index (r.embeddings->vectors, 0), "input number 0", 8);
  assert_mock_vector (g_ptr_array_index (r.embeddings->vectors, 2049), "input number 2049", 8);
  g_assert_cmpint (r.embeddings->usage.input_tokens, >=, 2050);
  result_clear (&r);
}

static void
test_gemini (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *base = g_strconcat (sluice_test_mock_get_url (f->mock), "/v1beta", NULL);
  g_autoptr(SluiceProvider) provider = sluice_gemini_provider_new ("ge", base, KEY, 2000);
  const char *one[] = { "what is the capital of france", NULL };
  const char *three[] = { "alpha", "beta gamma", "delta", NULL };
  Result r = { 0 };

  provider_embed (provider, "text-embedding-004", one, 32, &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.embeddings->vectors->len, ==, 1);
  assert_mock_vector (g_ptr_array_index (r.embeddings->vectors, 0), one[0], 32);
  g_assert_cmpint (mock_count (f, "gemini.embed_content", "text-embedding-004"), ==, 1);
  result_clear (&r);

  provider_embed (provider, "models/text-embedding-004", three, 16, &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.embeddings->vectors->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    assert_mock_vector (g_ptr_array_index (r.embeddings->vectors, i), three[i], 16);
  g_assert_cmpint (mock_count (f, "gemini.batch_embed_contents", "text-embedding-004"), ==, 1);
  result_clear (&r);
}

/* The in-process mock gives sluice-mock's vectors, and the scripted
 * errors; a provider without embeddings says so. */
static void
test_in_process_and_none (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(SluiceMockBehaviour) behaviour = sluice_mock_behaviour_new_default ();
  g_autoptr(SluiceMockProvider) mock = sluice_mock_provider_new ("m", behaviour, NULL);
  g_autoptr(SluiceProvider) anthropic = sluice_anthropic_provider_new ("an", "http://127.0.0.1:9",
                                                                      NULL, 1000);
  const char *inputs[] = { "Reset my password!", "reset my password", NULL };
  Result r = { 0 };

  provider_embed (SLUICE_PROVIDER (mock), "mock-embed", inputs, 24, &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.embeddings->vectors->len, ==, 2);
  assert_mock_vector (g_ptr_array_index (r.embeddings->vectors, 0), inputs[0], 24);
  /* Same words, another case and punctuation: the same vector. */
  g_assert_cmpmem (g_ptr_array_index (r.embeddings->vectors, 0), 24 * sizeof (float),
                   g_ptr_array_index (r.embeddings->vectors, 1), 24 * sizeof (float));
  g_assert_cmpint (r.embeddings->usage.input_tokens, >, 0);
  result_clear (&r);

  g_assert_false (sluice_provider_can_embed (anthropic));
  provider_embed (anthropic, "claude", inputs, 0, &r);
  g_assert_error (r.error, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_BAD_REQUEST);
  g_assert_nonnull (strstr (r.error->message, "no embeddings"));
  result_clear (&r);
}

/* A 401 quoting the key: the error says auth, and never the key. */
static void
test_auth_error (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *base = g_strconcat (sluice_test_mock_get_url (f->mock), "/v1", NULL);
  g_autofree char *gbase = g_strconcat (sluice_test_mock_get_url (f->mock), "/v1beta", NULL);
  g_autoptr(SluiceProvider) openai = sluice_openai_provider_new ("oa", base, KEY, 2000);
  g_autoptr(SluiceProvider) gemini = sluice_gemini_provider_new ("ge", gbase, KEY, 2000);
  const char *inputs[] = { "x", NULL };
  g_autoptr(GError) error = NULL;
  Result r = { 0 };

  sluice_test_mock_set_scenario (f->mock, "{ \"default\": { \"latency_ms\": { \"p50\": 1, "
                                 "\"p99\": 2 }, \"errors\": { \"auth\": 1.0 } } }", &error);
  g_assert_no_error (error);

  provider_embed (openai, "text-embedding-3-small", inputs, 8, &r);
  g_assert_error (r.error, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_AUTH);
  g_assert_null (strstr (r.error->message, KEY));
  g_assert_nonnull (strstr (r.error->message, "Incorrect API key"));
  result_clear (&r);

  provider_embed (gemini, "text-embedding-004", inputs, 8, &r);
  g_assert_error (r.error, SLUICE_PROVIDER_ERROR, SLUICE_ERROR_CLASS_AUTH);
  g_assert_null (strstr (r.error->message, KEY));
  result_clear (&r);
}

/* The engine */

static void
test_engine_fallback_and_ledger (Fixture       *f,
                                 gconstpointer  data)
{
  const char *inputs[] = { "first text", "second text", NULL };
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  const SluiceLedgerRow *row = NULL;
  Result r = { 0 };

  /* The alias names a chain whose first model always fails. */
  engine_embed (f, "embed", inputs, 16, &r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.embeddings->vectors->len, ==, 2);
  g_assert_cmpuint (r.embeddings->dimensions, ==, 16);
  g_assert_cmpstr (r.embeddings->model, ==, "ge-embed");
  g_assert_cmpstr (r.embeddings->provider, ==, "ge");
  g_assert_cmpstr (r.embeddings->route, ==, "embed");
  g_assert_nonnull (r.embeddings->request_id);
  /* Gemini reports no usage: the estimate is metered instead. */
  g_assert_cmpint (r.embeddings->usage.input_tokens, >, 0);
  g_assert_cmpfloat (r.embeddings->cost_usd, >, 0);
  assert_mock_vector (g_ptr_array_index (r.embeddings->vectors, 1), inputs[1], 16);
  g_assert_cmpint (mock_count (f, "openai.embeddings", "broken-embed"), ==, 2);
  result_clear (&r);

  engine_embed (f, "oa-embed", inputs, 0, &r);
  g_assert_no_error (r.error);
  g_assert_cmpstr (r.embeddings->model, ==, "oa-embed");
  g_assert_cmpuint (r.embeddings->dimensions, ==, SLUICE_MOCK_EMBEDDING_DIMS);
  result_clear (&r);

  rows = sluice_store_query_ledger (sluice_engine_get_store (f->engine), 0, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 2);
  for (guint i = 0; i < rows->len; i++)
    {
      const SluiceLedgerRow *each = g_ptr_array_index (rows, i);

      g_assert_cmpstr (each->task, ==, "embeddings");
      g_assert_cmpstr (each->user, ==, "tester");
      g_assert_cmpint (each->status, ==, SLUICE_REQUEST_STATUS_OK);
      if (g_strcmp0 (each->model, "ge-embed") == 0)
        row = each;
    }
  g_assert_nonnull (row);
  g_assert_cmpuint (row->fallback_depth, ==, 1);
  g_assert_cmpint (row->tokens_in, >, 0);
}

static void
test_engine_refusals (Fixture       *f,
                      gconstpointer  data)
{
  const char *inputs[] = { "a fairly long text that costs more than ten tokens to embed, "
                           "surely, with all these words in it", NULL };
  const char *none[] = { NULL };
  Result r = { 0 };

  engine_embed (f, "chat", inputs, 0, &r);
  g_assert_error (r.error, SLUICE_ENGINE_ERROR, SLUICE_ENGINE_ERROR_INVALID_REQUEST);
  g_assert_nonnull (strstr (r.error->message, "not an embedding model"));
  result_clear (&r);

  engine_embed (f, "nothing-here", inputs, 0, &r);
  g_assert_error (r.error, SLUICE_ENGINE_ERROR, SLUICE_ENGINE_ERROR_NO_ROUTE);
  result_clear (&r);

  engine_embed (f, "oa-embed", none, 0, &r);
  g_assert_error (r.error, SLUICE_ENGINE_ERROR, SLUICE_ENGINE_ERROR_INVALID_REQUEST);
  result_clear (&r);

  /* budgets.tokens_per_request is 10 in this fixture. */
  engine_embed (f, "oa-embed", inputs, 0, &r);
  g_assert_error (r.error, SLUICE_ENGINE_ERROR, SLUICE_ENGINE_ERROR_REFUSED);
  g_assert_cmpint (mock_count (f, "openai.embeddings", "text-embedding-3-small"), ==, 0);
  result_clear (&r);
}

/* The semantic cache's provider embedder */

static void
embedder_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Result *r = user_data;

  r->vectors = sluice_embedder_embed_finish (SLUICE_EMBEDDER (object), result, &r->error);
  r->done = TRUE;
}

static void
test_provider_embedder (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *base = g_strconcat (sluice_test_mock_get_url (f->mock), "/v1", NULL);
  g_autoptr(SluiceProvider) provider = sluice_openai_provider_new ("oa", base, NULL, 2000);
  g_autoptr(SluiceProviderEmbedder) embedder = NULL;
  const char *texts[] = { "How do I reset my password?", "What are your opening hours?", NULL };
  Result r = { 0 };

  embedder = sluice_provider_embedder_new (provider, "text-embedding-3-small", 48);
  g_assert_cmpuint (sluice_embedder_get_dimensions (SLUICE_EMBEDDER (embedder)), ==, 48);
  sluice_embedder_embed_async (SLUICE_EMBEDDER (embedder), texts, NULL, embedder_done_cb, &r);
  wait_for (&r);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.vectors->len, ==, 2);
  assert_mock_vector (g_ptr_array_index (r.vectors, 0), texts[0], 48);
  result_clear (&r);

  /* A provider that fails makes the embedder fail, not crash. */
  g_clear_object (&embedder);
  embedder = sluice_provider_embedder_new (provider, "broken-embed", 48);
  sluice_embedder_embed_async (SLUICE_EMBEDDER (embedder), texts, NULL, embedder_done_cb, &r);
  wait_for (&r);
  g_assert_error (r.error, SLUICE_EMBEDDER_ERROR, SLUICE_EMBEDDER_ERROR_FAILED);
  result_clear (&r);
}

typedef struct
{
  SluiceResponse *response;
  GError         *error;
  gboolean        done;
} Ask;

static void
asked_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Ask *a = user_data;

  a->response = sluice_engine_complete_finish (SLUICE_ENGINE (object), result, &a->error);
  a->done = TRUE;
}

static SluiceResponse *
ask (Fixture    *f,
     const char *prompt)
{
  g_autoptr(SluiceRequest) request = sluice_request_new ();
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  Ask a = { 0 };

  sluice_request_add_message (request, SLUICE_ROLE_USER, prompt);
  sluice_request_set_model (request, "small");
  sluice_request_set_task (request, "qa");
  sluice_engine_complete_async (f->engine, request, NULL, NULL, NULL, asked_cb, &a);
  while (!a.done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (a.done);
  g_assert_no_error (a.error);
  return a.response;
}

/* "cache.embedder" names an embedding model: the semantic tier's vectors
 * come from it, through the engine, each call in the ledger. */
static void
test_cache_embedder (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(SluiceResponse) first = NULL;
  g_autoptr(SluiceResponse) second = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  gint64 until;
  guint n_embed = 0;

  first = ask (f, "How do I reset my password?");
  g_assert_cmpint (sluice_response_get_cache_status (first), ==, SLUICE_CACHE_STATUS_MISS);
  /* Storing embeds the question over HTTP, in the background: let it land. */
  until = g_get_monotonic_time () + G_USEC_PER_SEC / 2;
  while (g_get_monotonic_time () < until)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  /* The same words in another order: no exact hit, the same mock vector. */
  second = ask (f, "reset my password, how do I?");
  g_assert_cmpint (sluice_response_get_cache_status (second), ==, SLUICE_CACHE_STATUS_SEMANTIC);
  g_assert_cmpint (mock_count (f, "openai.embeddings", "text-embedding-3-small"), >=, 2);

  rows = sluice_store_query_ledger (sluice_engine_get_store (f->engine), 0, 100, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    {
      const SluiceLedgerRow *row = g_ptr_array_index (rows, i);

      if (g_strcmp0 (row->task, "embeddings") == 0)
        {
          g_assert_cmpstr (row->model, ==, "oa-embed");
          n_embed++;
        }
    }
  g_assert_cmpuint (n_embed, >=, 2);
}

#define TEST(path, func, extra) \
  g_test_add (path, Fixture, extra, setup, func, teardown)

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  TEST ("/integration/embeddings/openai", test_openai, NULL);
  TEST ("/integration/embeddings/openai-batches", test_openai_batches, NULL);
  TEST ("/integration/embeddings/gemini", test_gemini, NULL);
  TEST ("/integration/embeddings/in-process-and-none", test_in_process_and_none, NULL);
  TEST ("/integration/embeddings/auth-error", test_auth_error, NULL);
  TEST ("/integration/embeddings/engine/fallback-and-ledger", test_engine_fallback_and_ledger,
        NULL);
  TEST ("/integration/embeddings/engine/refusals", test_engine_refusals,
        ", \"budgets\": { \"tokens_per_request\": 10 }");
  TEST ("/integration/embeddings/cache/provider-embedder", test_provider_embedder, NULL);
  TEST ("/integration/embeddings/cache/engine-embedder", test_cache_embedder,
        ", \"cache\": { \"embedder\": { \"model\": \"oa-embed\", \"dimensions\": 64 } }");

  return g_test_run ();
}
