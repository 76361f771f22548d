/* test-editors.c — the configuration editors, history, keys and chaos
 * Copyright 2026 The Sluice authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sluice-test"

#include "config.h"

#include <string.h>

#include "sluice-admin.h"
#include "sluice-app-test-support.h"
#include "sluice-application.h"
#include "sluice-config-page.h"
#include "sluice-mock-page.h"
#include "sluice-window.h"

#define SECRET_KEY "sk-test-Zq81KmWx3vTn9PaLs6Ye"

/* Single quotes stand for double quotes. Mocks answer at once. */
static const char test_config[] =
  "{'schema': 1,"
  " 'providers': ["
  "   {'name': 'alpha', 'kind': 'mock', 'mock': {'seed': 1, 'latency_ms': {'p50': 1, 'p99': 2}}},"
  "   {'name': 'beta', 'kind': 'mock', 'mock': {'seed': 2, 'latency_ms': {'p50': 1, 'p99': 2}}},"
  "   {'name': 'remote', 'kind': 'openai', 'base_url': 'http://127.0.0.1:9/v1'}],"
  " 'models': ["
  "   {'name': 'alpha-large', 'provider': 'alpha', 'price_in': 3, 'price_out': 15,"
  "    'context_window': 200000},"
  "   {'name': 'beta-small', 'provider': 'beta', 'price_in': 0.1, 'price_out': 0.4,"
  "    'context_window': 100000}],"
  " 'chains': {'main': ['alpha-large', 'beta-small']},"
  " 'routing': {'default': 'main'},"
  " 'cache': {'policies': {'classification': {'tier': 'exact', 'ttl_s': 3600}}},"
  " 'breaker': {'consecutive_failures': 100, 'min_requests': 1000}}";

static SluiceApplication *app;
static SluiceWindow *window;
static SluiceConfigPage *page;
static SluiceEngineHost *host;

static gboolean
page_idle (gpointer data)
{
  return !sluice_config_page_get_busy (page);
}

static gboolean
mock_idle (gpointer data)
{
  return !sluice_mock_page_get_busy (SLUICE_MOCK_PAGE (data));
}

static gint64
running_version (void)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) versions = NULL;

  sluice_admin_list_versions (host, sluice_app_test_store_result, &result);
  sluice_app_test_wait_result (&result);
  versions = sluice_engine_host_run_finish (host, result, NULL);
  return ((SluiceConfigVersion *) g_ptr_array_index (versions, 0))->version;
}

/* Sends one request through the host and returns the response. */
static SluiceResponse *
send (const char *task,
      const char *prompt)
{
  g_autoptr(SluiceRequest) request = sluice_request_new ();

  sluice_request_add_message (request, SLUICE_ROLE_USER, prompt);
  sluice_request_set_temperature (request, 0);
  if (task != NULL)
    sluice_request_set_task (request, task);
  return sluice_app_test_send (host, request);
}

static char *
answering_model (void)
{
  static guint n;
  g_autofree char *prompt = g_strdup_printf ("Question %u: which model answers?", n++);
  g_autoptr(SluiceResponse) response = send (NULL, prompt);

  g_assert_cmpint (sluice_response_get_status (response), ==, SLUICE_REQUEST_STATUS_OK);
  return g_strdup (sluice_response_get_model (response));
}

static GtkWidget *
find_named (GtkWidget  *root,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_named (c, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_type (GtkWidget *root,
           GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_type (c, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
row_for (const char *path)
{
  GtkWidget *row = sluice_config_page_lookup_row (page, path);

  g_assert_nonnull (row);
  return row;
}

static void
apply_draft (const char *comment)
{
  if (!sluice_config_page_apply (page, comment))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SluiceConfig) config = sluice_config_draft_validate (
        sluice_config_page_get_draft (page), &error);

      g_assert_no_error (error);
    }
  g_assert_true (sluice_app_test_wait_until (page_idle, NULL));
  g_assert_null (sluice_config_page_get_error_row (page));
}

static void
test_chain_reorder (void)
{
  g_autofree char *before = answering_model ();
  g_autofree char *after = NULL;
  gint64 version = running_version ();
  GtkWidget *down = find_named (row_for ("$.chains.main[0]"), "move-down");

  g_assert_cmpstr (before, ==, "alpha-large");
  g_assert_nonnull (down);
  /* The keyboard path of the same reorder the drag and drop does. */
  g_signal_emit_by_name (down, "clicked");
  g_assert_true (sluice_config_draft_is_dirty (sluice_config_page_get_draft (page)));
  apply_draft ("beta first");
  g_assert_cmpint (running_version (), ==, version + 1);
  after = answering_model ();
  g_assert_cmpstr (after, ==, "beta-small");
  g_assert_false (sluice_config_draft_is_dirty (sluice_config_page_get_draft (page)));
}

static void
test_rollback (void)
{
  gint64 version = running_version ();
  g_autofree char *before = answering_model ();
  g_autofree char *after = NULL;

  g_assert_cmpstr (before, ==, "beta-small");
  sluice_config_page_rollback (page, version - 1);
  g_assert_true (sluice_app_test_wait_until (page_idle, NULL));
  g_assert_cmpint (running_version (), ==, version + 1);
  after = answering_model ();
  g_assert_cmpstr (after, ==, "alpha-large");
}

static void
test_invalid_field (void)
{
  gint64 version = running_version ();
  GtkWidget *row = row_for ("$.models[1].price_in");
  GtkWidget *spin = find_type (row, GTK_TYPE_SPIN_BUTTON);
  GtkWidget *section = NULL;
  const char *subtitle;

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), -1);
  g_assert_false (sluice_config_page_apply (page, "broken"));
  g_assert_true (sluice_config_page_get_error_row (page) == row);
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
  g_assert_nonnull (strstr (subtitle, ">= 0"));
  section = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_PAGE);
  g_assert_true (gtk_widget_get_child_visible (section));
  g_assert_true (sluice_app_test_wait_until (page_idle, NULL));
  g_assert_cmpint (running_version (), ==, version);

  /* Fixing the field clears the error. */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 0.1);
  g_assert_null (sluice_config_page_get_error_row (page));
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  g_assert_false (sluice_config_draft_is_dirty (sluice_config_page_get_draft (page)));
}

static void
test_ttl_edit (void)
{
  g_autoptr(SluiceResponse) first = send ("classification", "Is this spam? Buy now!");
  g_autoptr(SluiceResponse) second = send ("classification", "Is this spam? Buy now!");
  g_autoptr(SluiceResponse) third = NULL;
  GtkWidget *ttl;
  GtkWidget *tier = find_type (row_for ("$.cache.policies.classification.tier"),
                               GTK_TYPE_DROP_DOWN);

  g_assert_cmpint (sluice_response_get_cache_status (second), ==, SLUICE_CACHE_STATUS_EXACT);
  ttl = find_type (row_for ("$.cache.policies.classification.ttl_s"), GTK_TYPE_SPIN_BUTTON);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (tier), 0);   /* "none" */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (ttl), 0);
  apply_draft ("no cache for classification");
  third = send ("classification", "Is this spam? Buy now!");
  g_assert_cmpint (sluice_response_get_cache_status (third), ==, SLUICE_CACHE_STATUS_NONE);
}

static gboolean
keys_listed (gpointer data)
{
  return !sluice_config_page_get_busy (page) && sluice_config_page_get_n_masked_keys (page) > 0;
}

static void
check_no_key (GtkWidget *widget)
{
  const char *text = NULL;

  if (GTK_IS_LABEL (widget))
    text = gtk_label_get_text (GTK_LABEL (widget));
  else if (GTK_IS_EDITABLE (widget))
    text = gtk_editable_get_text (GTK_EDITABLE (widget));
  if (text != NULL)
    g_assert_null (strstr (text, "Zq81KmWx3vTn9PaLs6Ye"));
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    check_no_key (c);
}

static gboolean
has_label_with (GtkWidget  *widget,
                const char *part)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), part) != NULL)
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    if (has_label_with (c, part))
      return TRUE;
  return FALSE;
}

static void
test_keys_masked (void)
{
  g_autofree char *masked = sluice_secrets_mask (SECRET_KEY);

  sluice_config_page_set_view (page, "keys", NULL);
  sluice_config_page_store_key (page, "remote", SECRET_KEY);
  g_assert_true (sluice_app_test_wait_until (keys_listed, NULL));
  /* The masked key is shown, the key itself nowhere. */
  g_assert_true (has_label_with (GTK_WIDGET (window), masked));
  check_no_key (GTK_WIDGET (window));
  sluice_config_page_set_view (page, "editors", NULL);
}

static void
test_import_broken (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "broken.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  SluiceConfigDraft *draft = sluice_config_page_get_draft (page);
  g_autofree char *before = sluice_config_draft_dup_json (draft);
  g_autofree char *after = NULL;
  gint64 version = running_version ();

  g_assert_true (g_file_set_contents (path, "{\"schema\": 1, \"providers\": []}", -1, NULL));
  g_assert_false (sluice_config_page_import_file (page, file, &error));
  g_assert_error (error, SLUICE_CONFIG_ERROR, SLUICE_CONFIG_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "$.providers"));
  after = sluice_config_draft_dup_json (draft);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpint (running_version (), ==, version);
}

static void
test_chaos_outage (void)
{
  SluiceMockPage *mock_page = NULL;
  GtkWidget *outage;
  g_autofree char *during = NULL;
  g_autofree char *after = NULL;
  gint64 version = running_version ();

  mock_page = SLUICE_MOCK_PAGE (find_type (GTK_WIDGET (window), SLUICE_TYPE_MOCK_PAGE));
  g_assert_true (sluice_app_test_wait_until (mock_idle, mock_page));
  outage = sluice_mock_page_lookup_control (mock_page, "alpha", "outage");
  g_assert_nonnull (outage);
  gtk_switch_set_active (GTK_SWITCH (outage), TRUE);
  g_assert_true (sluice_app_test_wait_until (mock_idle, mock_page));
  during = answering_model ();
  g_assert_cmpstr (during, ==, "beta-small");
  g_assert_cmpint (running_version (), ==, version);

  sluice_mock_page_reset (mock_page, "alpha");
  g_assert_true (sluice_app_test_wait_until (mock_idle, mock_page));
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (sluice_mock_page_lookup_control (
                    mock_page, "alpha", "outage"))));
  after = answering_model ();
  g_assert_cmpstr (after, ==, "alpha-large");
}

static void
test_templates (void)
{
  GtkWidget *config = g_object_ref_sink (sluice_config_page_new ());
  GtkWidget *mock = g_object_ref_sink (sluice_mock_page_new ());

  g_assert_false (sluice_config_page_get_busy (SLUICE_CONFIG_PAGE (config)));
  g_assert_false (sluice_mock_page_get_busy (SLUICE_MOCK_PAGE (mock)));
  g_object_unref (config);
  g_object_unref (mock);
}

static void
test_virtual_key (void)
{
  g_autofree char *hash = NULL;
  g_autofree char *key = sluice_admin_new_virtual_key (&hash);
  g_autofree char *other_hash = NULL;
  g_autofree char *other = sluice_admin_new_virtual_key (&other_hash);
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);

  g_assert_true (g_str_has_prefix (key, "sk-sluice-"));
  g_assert_cmpuint (strlen (key), ==, 10 + 64);
  g_assert_true (g_str_has_prefix (hash, "sha256:"));
  g_assert_cmpstr (hash + 7, ==, digest);
  g_assert_cmpstr (key, !=, other);
}

/* Screenshots for the README (only with SLUICE_SCREENSHOT_DIR set). */

static void
settle (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, sluice_app_test_set_flag, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
save_png (GtkWidget  *widget,
          const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("SLUICE_SCREENSHOT_DIR"), name, NULL);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (widget));
  int width, height;

  settle (500);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

static GtkWidget *
newest_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkWidget *found = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) w = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (w))
        found = w;
    }
  return found;
}

static void
test_screenshots (void)
{
  g_autoptr(SluiceConfig) defaults = sluice_config_new_default ();
  g_autofree char *json = sluice_config_to_json (defaults);
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree gint64 *version = NULL;
  SluiceMockPage *mock_page;
  GtkWidget *dialog;

  sluice_admin_apply_json (host, json, "Back to the defaults",
                           sluice_app_test_store_result, &result);
  sluice_app_test_wait_result (&result);
  version = sluice_engine_host_run_finish (host, result, NULL);
  while (sluice_config_page_lookup_row (page, "$.chains.frontier[2]") == NULL ||
         sluice_config_page_lookup_row (page, "$.providers[2]") == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_signal_emit_by_name (find_named (row_for ("$.chains.frontier[0]"), "move-down"), "clicked");
  sluice_config_page_lookup_row (page, "$.chains.frontier[0]");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (find_type (row_for ("$.models[1].price_in"),
                                                         GTK_TYPE_SPIN_BUTTON)), 0.2);
  sluice_config_page_set_view (page, "editors", "routing");
  save_png (GTK_WIDGET (window), "config-editors.png");

  sluice_config_page_review (page);
  dialog = newest_dialog ();
  save_png (dialog, "config-review.png");
  gtk_window_destroy (GTK_WINDOW (dialog));

  apply_draft ("Try mock-large-b first; small models cost more");
  sluice_config_page_set_view (page, "history", NULL);
  g_assert_true (sluice_app_test_wait_until (page_idle, NULL));
  save_png (GTK_WIDGET (window), "config-history.png");

  sluice_config_page_set_view (page, "keys", NULL);
  save_png (GTK_WIDGET (window), "config-keys.png");

  sluice_window_set_page (window, "mock");
  mock_page = SLUICE_MOCK_PAGE (find_type (GTK_WIDGET (window), SLUICE_TYPE_MOCK_PAGE));
  g_assert_true (sluice_app_test_wait_until (mock_idle, mock_page));
  gtk_switch_set_active (GTK_SWITCH (sluice_mock_page_lookup_control (mock_page, "mock-cloud-a",
                                                                      "outage")), TRUE);
  g_assert_true (sluice_app_test_wait_until (mock_idle, mock_page));
  save_png (GTK_WIDGET (window), "mock.png");
}

static gboolean
window_allocated (gpointer data)
{
  return gtk_widget_get_width (GTK_WIDGET (data)) > 0;
}

static void
setup_window (void)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = g_strdup (test_config);
  g_autofree gint64 *version = NULL;

  window = sluice_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (sluice_app_test_wait_until (window_allocated, window));
  host = sluice_application_get_engine_host (app);
  g_strdelimit (json, "'", '"');
  sluice_admin_apply_json (host, json, "test config", sluice_app_test_store_result, &result);
  sluice_app_test_wait_result (&result);
  version = sluice_engine_host_run_finish (host, result, &error);
  g_assert_no_error (error);
  sluice_window_set_page (window, "configuration");
  page = SLUICE_CONFIG_PAGE (find_type (GTK_WIDGET (window), SLUICE_TYPE_CONFIG_PAGE));
  /* The page follows the new version once its snapshot arrives. */
  while (sluice_config_page_lookup_row (page, "$.providers[2]") == NULL)
    g_main_context_iteration (NULL, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  sluice_app_test_init (&argc, &argv, "editors", 30);
  g_test_add_func ("/app/editors/virtual-key", test_virtual_key);
  app = sluice_app_test_start ("/app/editors/display");
  if (app == NULL)
    return sluice_app_test_run ();

  setup_window ();

  /* In order: each starts from the state the one before left. */
  g_test_add_func ("/app/editors/templates", test_templates);
  g_test_add_func ("/app/editors/chain-reorder", test_chain_reorder);
  g_test_add_func ("/app/editors/rollback", test_rollback);
  g_test_add_func ("/app/editors/invalid-field", test_invalid_field);
  g_test_add_func ("/app/editors/ttl-edit", test_ttl_edit);
  g_test_add_func ("/app/editors/import-broken", test_import_broken);
  g_test_add_func ("/app/editors/chaos-outage", test_chaos_outage);
  g_test_add_func ("/app/editors/keys-masked", test_keys_masked);
  if (g_getenv ("SLUICE_SCREENSHOT_DIR") != NULL)
    g_test_add_func ("/app/editors/screenshots", test_screenshots);

  ret = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  sluice_app_test_teardown ();
  return ret;
}
