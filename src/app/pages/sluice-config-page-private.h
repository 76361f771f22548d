/* sluice-config-page-private.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-config-page.h"
#include "sluice-editor.h"

G_BEGIN_DECLS

struct _SluiceConfigPage
{
  GtkWidget             parent_instance;

  SluiceEngineHost     *host;
  SluiceConfigDraft    *draft;
  SluiceEditorContext   ctx;
  gint64                running_version;
  guint                 rebuild_id;
  guint                 busy;
  guint                 keys_busy;        /* key look-ups; never block Apply */
  GtkWidget            *error_row;
  char                 *error_subtitle;   /* the row's own, to restore */
  GPtrArray            *key_rows;
  GHashTable           *masked_keys;      /* key name → masked key */
  guint                 n_versions;

  GtkLabel             *status_label;
  GtkButton            *apply_button;
  GtkButton            *review_button;
  GtkButton            *discard_button;
  AdwViewStack         *view_stack;
  GtkStack             *section_stack;
  GtkStackSidebar      *section_sidebar;
  GtkListBox           *history_list;
  AdwPreferencesGroup  *keys_group;
};

/* sluice-config-page-history.c */
void _sluice_config_page_refresh_history (SluiceConfigPage *self);

/* sluice-config-page-keys.c */
void _sluice_config_page_refresh_keys    (SluiceConfigPage *self);

/* sluice-config-page.c */
void _sluice_config_page_set_status      (SluiceConfigPage *self,
                                          const char       *text);
void _sluice_config_page_running_changed (SluiceConfigPage *self);
void _sluice_config_page_update_buttons  (SluiceConfigPage *self);

G_END_DECLS
