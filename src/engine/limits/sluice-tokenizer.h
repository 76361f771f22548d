/* sluice-tokenizer.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sluice-types.h"

G_BEGIN_DECLS

/* OpenAI's chat framing: each message costs its content, its role and three
 * tokens; every reply is primed with three more. */
#define SLUICE_TOKENS_PER_MESSAGE 3
#define SLUICE_TOKENS_PER_REPLY   3

#define SLUICE_TYPE_TOKENIZER (sluice_tokenizer_get_type ())

G_DECLARE_FINAL_TYPE (SluiceTokenizer, sluice_tokenizer, SLUICE, TOKENIZER, GObject)

SluiceTokenizer *sluice_tokenizer_new_estimator      (void);
SluiceTokenizer *sluice_tokenizer_new_from_file      (const char       *encoding,
                                                      const char       *path,
                                                      GError          **error);
SluiceTokenizer *sluice_tokenizer_new_for_config     (SluiceConfig     *config);
gboolean         sluice_tokenizer_is_exact           (SluiceTokenizer  *self);
const char      *sluice_tokenizer_get_encoding       (SluiceTokenizer  *self);
guint            sluice_tokenizer_get_n_ranks        (SluiceTokenizer  *self);
gint64           sluice_tokenizer_count              (SluiceTokenizer  *self,
                                                      const char       *text,
                                                      gssize            length);
GArray          *sluice_tokenizer_encode             (SluiceTokenizer  *self,
                                                      const char       *text,
                                                      gssize            length);
gint64           sluice_tokenizer_count_messages     (SluiceTokenizer  *self,
                                                      GPtrArray        *messages);
gint64           sluice_tokenizer_estimate_request   (SluiceTokenizer  *self,
                                                      SluiceRequest    *request,
                                                      gint64            default_max_output,
                                                      gint64           *output_tokens);
gint64           sluice_tokens_estimate              (const char       *text,
                                                      gssize            length);

G_END_DECLS
