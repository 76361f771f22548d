/* sluice-app-test-support.h
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sluice-application.h"

/* The set-up every GUI test program shares: a private HOME, the test
 * framework, the display rule, the application, and waiting on the main
 * context for the engine host. */

G_BEGIN_DECLS

typedef gboolean (*SluiceAppTestCondition) (gpointer data);

void               sluice_app_test_init           (int                   *argc,
                                                   char                ***argv,
                                                   const char            *name,
                                                   guint                  wait_limit_s);
SluiceApplication *sluice_app_test_start          (const char            *display_path);
int                sluice_app_test_run            (void);
void               sluice_app_test_teardown       (void);

gboolean           sluice_app_test_set_flag       (gpointer               data);
gboolean           sluice_app_test_wait_until     (SluiceAppTestCondition cond,
                                                   gpointer               data);
void               sluice_app_test_store_result   (GObject               *object,
                                                   GAsyncResult          *result,
                                                   gpointer               user_data);
void               sluice_app_test_wait_result    (GAsyncResult         **slot);
SluiceResponse    *sluice_app_test_send           (SluiceEngineHost      *host,
                                                   SluiceRequest         *request);

GtkWidget         *sluice_app_test_child          (gpointer               widget,
                                                   GType                  type,
                                                   const char            *name);
guint              sluice_app_test_count_children (GtkWidget             *widget);

G_END_DECLS
