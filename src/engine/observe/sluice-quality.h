/* sluice-quality.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "sluice-local-embedder.h"
#include "sluice-request.h"
#include "sluice-snapshot.h"

G_BEGIN_DECLS

/* One answer's scores, each in 0..1, or < 0 when it does not apply. */
typedef struct
{
  double relevance;    /* embedding similarity of answer and question */
  double grounding;    /* share of the answer's words found in the context */
  double format;       /* 1 when the answer has the asked-for format */
  double safety;       /* 0 for a refusal, an empty answer or a blocked word */
  double judge;        /* the LLM judge's verdict, when one was asked */
  double score;        /* the mean of those that apply */
} SluiceQualityScore;

#define SLUICE_TYPE_QUALITY (sluice_quality_get_type ())

G_DECLARE_FINAL_TYPE (SluiceQuality, sluice_quality, SLUICE, QUALITY, GObject)

SluiceQuality *sluice_quality_new          (SluiceLocalEmbedder *embedder);
void           sluice_quality_set_blocklist (SluiceQuality      *self,
                                            const char * const *words);
void           sluice_quality_set_format   (SluiceQuality       *self,
                                            const char          *route,
                                            const char          *regex,
                                            JsonNode            *schema);
void           sluice_quality_clear_formats (SluiceQuality      *self);
void           sluice_quality_score        (SluiceQuality       *self,
                                            SluiceRequest       *request,
                                            SluiceResponse      *response,
                                            SluiceQualityScore  *out);
double         sluice_quality_combine      (SluiceQualityScore  *score);
void           sluice_quality_add          (SluiceQuality       *self,
                                            const char          *route,
                                            gint64               time_us,
                                            const SluiceQualityScore *score);
void           sluice_quality_trend        (SluiceQuality       *self,
                                            const char          *route,
                                            gint64               now_us,
                                            SluiceQualityTrend  *trend);
GPtrArray     *sluice_quality_list_routes  (SluiceQuality       *self);
gboolean       sluice_quality_is_refusal   (const char          *answer);

/* A JSON-schema subset: type, properties, required, items, enum,
 * additionalProperties (boolean), minItems, maxItems, minLength, maxLength,
 * minimum, maximum. */
gboolean       sluice_json_schema_check    (JsonNode            *schema,
                                            char               **why);
gboolean       sluice_json_schema_validate (JsonNode            *schema,
                                            JsonNode            *instance);

G_END_DECLS
