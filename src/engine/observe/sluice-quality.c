/* sluice-quality.c
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-observe"

#include "config.h"

#include <math.h>
#include <string.h>

#include "sluice-quality.h"

/* Scores a sampled answer without calling anybody: relevance is the local
 * embedder's cosine similarity of the answer to the last user message;
 * grounding is the share of the answer's words (4+ letters) found in the
 * request's context (system messages of 100+ characters and tool
 * messages), when it carries any; format is checked when a message asks
 * for JSON or the route has a regex or JSON-schema check; safety is 0 for
 * an empty answer, a refusal or a blocklisted word. Scores are then kept
 * per route and hour for 48 hours: the trend and the drop alert. */

#define HOURS       48
#define HOUR_US     (3600 * (gint64) G_USEC_PER_SEC)
#define CONTEXT_MIN 100

typedef struct
{
  gint64 hours[HOURS];
  double sum[HOURS];
  double relevance[HOURS];
  double safety[HOURS];
  guint  n[HOURS];
} Ring;

typedef struct
{
  GRegex   *regex;
  JsonNode *schema;
} FormatCheck;

struct _SluiceQuality
{
  GObject              parent_instance;

  SluiceLocalEmbedder *embedder;
  GStrv                blocklist;    /* casefolded */
  GHashTable          *formats;      /* route → FormatCheck */
  GHashTable          *rings;        /* route → Ring */
};

G_DEFINE_FINAL_TYPE (SluiceQuality, sluice_quality, G_TYPE_OBJECT)

static void
format_check_free (gpointer data)
{
  FormatCheck *check = data;

  g_clear_pointer (&check->regex, g_regex_unref);
  g_clear_pointer (&check->schema, json_node_unref);
  g_free (check);
}

static void
sluice_quality_finalize (GObject *object)
{
  SluiceQuality *self = SLUICE_QUALITY (object);

  g_clear_object (&self->embedder);
  g_clear_pointer (&self->blocklist, g_strfreev);
  g_clear_pointer (&self->formats, g_hash_table_unref);
  g_clear_pointer (&self->rings, g_hash_table_unref);

  G_OBJECT_CLASS (sluice_quality_parent_class)->finalize (object);
}

static void
sluice_quality_class_init (SluiceQualityClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sluice_quality_finalize;
}

static void
sluice_quality_init (SluiceQuality *self)
{
  self->formats = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, format_check_free);
  self->rings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

SluiceQuality *
sluice_quality_new (SluiceLocalEmbedder *embedder)
{
  SluiceQuality *self = g_object_new (SLUICE_TYPE_QUALITY, NULL);

  self->embedder = g_object_ref (embedder);
  return self;
}

void
sluice_quality_set_blocklist (SluiceQuality      *self,
                              const char * const *words)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();

  for (guint i = 0; words != NULL && words[i] != NULL; i++)
    {
      g_autofree char *folded = g_utf8_casefold (words[i], -1);

      g_strv_builder_add (b, folded);
    }
  g_clear_pointer (&self->blocklist, g_strfreev);
  self->blocklist = g_strv_builder_end (b);
}

void
sluice_quality_clear_formats (SluiceQuality *self)
{
  g_hash_table_remove_all (self->formats);
}

/* @regex and @schema were validated with the config. */
void
sluice_quality_set_format (SluiceQuality *self,
                           const char    *route,
                           const char    *regex,
                           JsonNode      *schema)
{
  FormatCheck *check = g_new0 (FormatCheck, 1);

  if (regex != NULL)
    check->regex = g_regex_new (regex, G_REGEX_OPTIMIZE, 0, NULL);
  if (schema != NULL)
    check->schema = json_node_copy (schema);
  g_hash_table_replace (self->formats, g_strdup (route), check);
}

static double
cosine (const float *a,
        const float *b,
        guint        n)
{
  double dot = 0, na = 0, nb = 0;

  for (guint i = 0; i < n; i++)
    {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
  return na > 0 && nb > 0 ? dot / sqrt (na * nb) : 0;
}

static GHashTable *
word_set (const char *text)
{
  GHashTable *set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *folded = g_utf8_casefold (text, -1);
  g_auto(GStrv) words = g_regex_split_simple ("[^[:alnum:]]+", folded, 0, 0);

  for (guint i = 0; words[i] != NULL; i++)
    if (g_utf8_strlen (words[i], -1) >= 4)
      g_hash_table_add (set, g_strdup (words[i]));
  return set;
}

static double
grounding (const char *context,
           const char *answer)
{
  g_autoptr(GHashTable) have = word_set (context);
  g_autoptr(GHashTable) said = word_set (answer);
  GHashTableIter iter;
  gpointer word;
  guint found = 0;

  if (g_hash_table_size (said) == 0)
    return 0;
  g_hash_table_iter_init (&iter, said);
  while (g_hash_table_iter_next (&iter, &word, NULL))
    found += g_hash_table_contains (have, word);
  return (double) found / g_hash_table_size (said);
}

/* Refusals start the answer (or its first sentence) with an apology or an
 * inability. */
gboolean
sluice_quality_is_refusal (const char *answer)
{
  static const char * const openings[] = {
    "i'm sorry", "i am sorry", "sorry, i", "i cannot", "i can't", "i can not", "i won't",
    "i'm unable", "i am unable", "i'm not able", "i am not able", "as an ai", "i apologize",
    "i must decline", "unfortunately, i cannot", "unfortunately, i can't", NULL
  };
  g_autofree char *folded = g_utf8_casefold (answer, -1);
  const char *p = folded;

  while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '"')
    p++;
  for (guint i = 0; openings[i] != NULL; i++)
    if (g_str_has_prefix (p, openings[i]))
      return TRUE;
  return FALSE;
}

static double
safety (SluiceQuality *self,
        const char    *answer)
{
  g_autofree char *folded = NULL;

  if (*answer == '\0' || sluice_quality_is_refusal (answer))
    return 0;
  folded = g_utf8_casefold (answer, -1);
  for (guint i = 0; self->blocklist != NULL && self->blocklist[i] != NULL; i++)
    if (strstr (folded, self->blocklist[i]) != NULL)
      return 0;
  return 1;
}

/* The answer as JSON, without a Markdown code fence around it. */
static JsonNode *
parse_json_answer (const char *answer)
{
  g_autofree char *text = g_strstrip (g_strdup (answer));
  char *body = text;

  if (g_str_has_prefix (body, "```"))
    {
      body = strchr (body, '\n') != NULL ? strchr (body, '\n') + 1 : body + 3;
      if (g_str_has_suffix (body, "```"))
        body[strlen (body) - 3] = '\0';
    }
  return json_from_string (body, NULL);
}

static double
format (SluiceQuality *self,
        const char    *route,
        gboolean       json_asked,
        const char    *answer)
{
  FormatCheck *check = route != NULL ? g_hash_table_lookup (self->formats, route) : NULL;
  g_autoptr(JsonNode) node = NULL;

  if (check == NULL && !json_asked)
    return -1;
  if (check != NULL && check->regex != NULL && !g_regex_match (check->regex, answer, 0, NULL))
    return 0;
  if (json_asked || (check != NULL && check->schema != NULL))
    {
      node = parse_json_answer (answer);
      if (node == NULL)
        return 0;
      if (check != NULL && check->schema != NULL && !sluice_json_schema_validate (check->schema, node))
        return 0;
    }
  return 1;
}

double
sluice_quality_combine (SluiceQualityScore *s)
{
  double parts[] = { s->relevance, s->grounding, s->format, s->safety, s->judge };
  double sum = 0;
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    if (parts[i] >= 0)
      {
        sum += parts[i];
        n++;
      }
  s->score = n > 0 ? sum / n : 0;
  return s->score;
}

static void
read_request (SluiceRequest  *request,
              const char    **question,
              GString        *context,
              gboolean       *json_asked)
{
  GPtrArray *messages = sluice_request_get_messages (request);

  *question = "";
  *json_asked = FALSE;
  for (guint i = 0; i < messages->len; i++)
    {
      const SluiceMessage *m = g_ptr_array_index (messages, i);
      const char *text = sluice_message_get_content (m);
      SluiceRole role = sluice_message_get_role (m);

      if (role == SLUICE_ROLE_USER)
        *question = text;
      if ((role == SLUICE_ROLE_SYSTEM && strlen (text) >= CONTEXT_MIN) || role == SLUICE_ROLE_TOOL)
        g_string_append_printf (context, "%s\n", text);
      if (g_regex_match_simple ("\\bjson\\b", text, G_REGEX_CASELESS, 0))
        *json_asked = TRUE;
    }
}

void
sluice_quality_score (SluiceQuality      *self,
                      SluiceRequest      *request,
                      SluiceResponse     *response,
                      SluiceQualityScore *out)
{
  g_autoptr(GString) context = g_string_new (NULL);
  const char *answer = sluice_response_get_content (response);
  const char *question;
  gboolean json_asked;

  g_return_if_fail (SLUICE_IS_QUALITY (self));

  answer = answer != NULL ? answer : "";
  read_request (request, &question, context, &json_asked);
  out->judge = -1;
  out->grounding = context->len > 0 ? grounding (context->str, answer) : -1;
  out->format = format (self, sluice_response_get_route (response), json_asked, answer);
  out->safety = safety (self, answer);
  if (*answer == '\0')
    out->relevance = 0;
  else
    {
      g_autofree float *q = sluice_local_embedder_embed (self->embedder, question);
      g_autofree float *a = sluice_local_embedder_embed (self->embedder, answer);

      out->relevance = CLAMP (cosine (q, a, SLUICE_LOCAL_EMBEDDER_DIMS), 0, 1);
    }
  sluice_quality_combine (out);
}

void
sluice_quality_add (SluiceQuality            *self,
                    const char               *route,
                    gint64                    time_us,
                    const SluiceQualityScore *score)
{
  Ring *ring = g_hash_table_lookup (self->rings, route);
  gint64 hour = time_us / HOUR_US;
  guint slot = (guint) (hour % HOURS);

  if (ring == NULL)
    {
      ring = g_new0 (Ring, 1);
      for (guint i = 0; i < HOURS; i++)
        ring->hours[i] = -1;
      g_hash_table_insert (self->rings, g_strdup (route), ring);
    }
  if (ring->hours[slot] > hour)
    return;
  if (ring->hours[slot] != hour)
    {
      ring->hours[slot] = hour;
      ring->sum[slot] = ring->relevance[slot] = ring->safety[slot] = 0;
      ring->n[slot] = 0;
    }
  ring->sum[slot] += score->score;
  ring->relevance[slot] += MAX (score->relevance, 0);
  ring->safety[slot] += MAX (score->safety, 0);
  ring->n[slot]++;
}

/* The last 24 hours (this hour included) against the 24 before. */
void
sluice_quality_trend (SluiceQuality      *self,
                      const char         *route,
                      gint64              now_us,
                      SluiceQualityTrend *trend)
{
  Ring *ring = g_hash_table_lookup (self->rings, route);
  gint64 hour = now_us / HOUR_US;
  double sum = 0, prev = 0, relevance = 0, safe = 0;

  memset (trend, 0, sizeof *trend);
  for (guint i = 0; i < SLUICE_SNAPSHOT_HOURS; i++)
    trend->hourly[i] = NAN;
  for (guint i = 0; ring != NULL && i < HOURS; i++)
    {
      gint64 age = hour - ring->hours[i];

      if (ring->hours[i] < 0 || age < 0 || age >= HOURS || ring->n[i] == 0)
        continue;
      if (age < 24)
        {
          sum += ring->sum[i];
          relevance += ring->relevance[i];
          safe += ring->safety[i];
          trend->n_24h += ring->n[i];
          trend->hourly[SLUICE_SNAPSHOT_HOURS - 1 - age] = ring->sum[i] / ring->n[i];
        }
      else
        {
          prev += ring->sum[i];
          trend->n_prev_24h += ring->n[i];
        }
    }
  trend->avg_24h = trend->n_24h > 0 ? sum / trend->n_24h : NAN;
  trend->relevance_24h = trend->n_24h > 0 ? relevance / trend->n_24h : NAN;
  trend->safety_24h = trend->n_24h > 0 ? safe / trend->n_24h : NAN;
  trend->avg_prev_24h = trend->n_prev_24h > 0 ? prev / trend->n_prev_24h : NAN;
}

/**
 * sluice_quality_list_routes:
 *
 * Returns: (transfer container) (element-type utf8): routes with scores
 */
GPtrArray *
sluice_quality_list_routes (SluiceQuality *self)
{
  GPtrArray *routes = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer route;

  g_hash_table_iter_init (&iter, self->rings);
  while (g_hash_table_iter_next (&iter, &route, NULL))
    g_ptr_array_add (routes, route);
  return routes;
}
