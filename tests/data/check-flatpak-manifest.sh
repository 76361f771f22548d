#!/usr/bin/env bash
# check-flatpak-manifest.sh MANIFEST - lint a Flatpak manifest offline.
# Copyright 2026 The Sluice authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# flatpak-builder only warns about unknown keys (rc 0), so its stderr is
# checked for "Unknown property" as well.
set -uo pipefail
manifest=$(realpath "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

if command -v json-glib-validate >/dev/null; then
  json-glib-validate "$manifest" || { echo "not valid JSON: $manifest" >&2; exit 1; }
fi

rc=0
flatpak-builder --show-manifest "$manifest" >"$tmp/out" 2>"$tmp/err" || rc=$?
cat "$tmp/err" >&2
if (( rc != 0 )); then
  echo "flatpak-builder --show-manifest failed with rc $rc" >&2
  exit 1
fi
if grep -q 'Unknown property' "$tmp/err"; then
  echo "the manifest has unknown properties" >&2
  exit 1
fi
echo "manifest OK: $manifest"
