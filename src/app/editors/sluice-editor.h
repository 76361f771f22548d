/* sluice-editor.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "sluice-config-draft.h"

G_BEGIN_DECLS

/* What every editor row shares: the draft it edits and the registry of
 * rows by JSON path, so a validation error lands at its field. */
typedef struct
{
  SluiceConfigDraft *draft;
  GHashTable        *fields;   /* path → row (borrowed; rebuilt with the rows) */
  GtkWindow        *(*get_window) (gpointer data);
  gpointer           window_data;
} SluiceEditorContext;

char      *sluice_editor_path_member     (const char          *path,
                                          const char          *member);
char      *sluice_editor_path_index      (const char          *path,
                                          guint                index);
const char *sluice_editor_title_for      (const char          *member);
void       sluice_editor_register        (SluiceEditorContext *ctx,
                                          const char          *path,
                                          GtkWidget           *row);
GtkWidget *sluice_editor_value_row       (SluiceEditorContext *ctx,
                                          JsonObject          *object,
                                          const char          *member,
                                          const char          *path,
                                          const char          *title);
void       sluice_editor_add_row         (GtkWidget           *container,
                                          GtkWidget           *row);
void       sluice_editor_add_object_rows (SluiceEditorContext *ctx,
                                          GtkWidget           *container,
                                          JsonObject          *object,
                                          const char          *path,
                                          const char          *title_prefix,
                                          const char * const  *skip);
void       sluice_editor_make_reorderable (SluiceEditorContext *ctx,
                                          GtkWidget           *row,
                                          const char          *array_path,
                                          guint                index,
                                          guint                n_items);
GtkWidget *sluice_editor_icon_button     (const char          *icon_name,
                                          const char          *tooltip);

/* sluice-editor-lists.c */
void       sluice_editor_add_named_list  (SluiceEditorContext *ctx,
                                          AdwPreferencesPage  *page,
                                          const char          *title,
                                          const char          *description,
                                          const char          *array_path,
                                          gboolean             reorderable,
                                          const char          *new_item_json);
void       sluice_editor_add_chains      (SluiceEditorContext *ctx,
                                          AdwPreferencesPage  *page);
void       sluice_editor_add_keyed_objects (SluiceEditorContext *ctx,
                                          AdwPreferencesPage  *page,
                                          const char          *title,
                                          const char          *object_path,
                                          const char          *new_item_json);

/* sluice-editor-sections.c */
void       sluice_editor_build_sections  (SluiceEditorContext *ctx,
                                          GtkStack            *stack);
void       sluice_editor_show_key_once   (GtkWindow           *parent,
                                          const char          *user,
                                          char                *key);

G_END_DECLS
