#!/usr/bin/env bash
# take.sh - retake the console screenshots under Xvfb, with demo traffic.
# Copyright 2026 The Sluice authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   data/screenshots/take.sh [BUILD_DIR] [WAIT_S]
#
# Starts `sluice --demo-traffic --page P` for each page in its own private
# session (dbus-run-session + xvfb-run, fresh XDG dirs, GSettings in memory),
# lets the demo traffic run WAIT_S seconds (default 45: long enough for the
# scripted outage at 40 s to trip a breaker), and saves the window as
# data/screenshots/P.png (1280x800). Look at the PNGs before committing them.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${1:-$ROOT/_build}
WAIT=${2:-45}
PAGES=${PAGES:-"overview providers budgets cache quality requests playground"}

shoot_one() {
  local page=$1 tmp
  tmp=$(mktemp -d /tmp/sluice-shot.XXXXXX)
  mkdir -p "$tmp"/{cache,config,data}; mkdir -m 700 "$tmp/run"
  env XDG_RUNTIME_DIR="$tmp/run" XDG_CACHE_HOME="$tmp/cache" XDG_CONFIG_HOME="$tmp/config" \
      XDG_DATA_HOME="$tmp/data" GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$BUILD/data" \
      GTK_A11Y=none GDK_BACKEND=x11 GSK_RENDERER=cairo GDK_DEBUG=gl-disable \
      GIO_USE_PROXY_RESOLVER=dummy \
    dbus-run-session -- xvfb-run -a -s '-screen 0 1280x800x24' bash -c '
      "$0" --demo-traffic --page "$1" >/dev/null 2>&1 & app=$!
      wid=
      for i in $(seq 100); do
        wid=$(xwininfo -name Sluice 2>/dev/null | awk "/Window id:/{print \$4}")
        [ -n "$wid" ] && break; sleep 0.1
      done
      sleep "$2"
      [ -n "$wid" ] && import -window "$wid" "$3"
      kill $app 2>/dev/null; wait $app 2>/dev/null
      [ -n "$wid" ]' "$BUILD/src/app/sluice" "$page" "$WAIT" "$HERE/$page.png"
  rm -rf "$tmp"
}

for page in $PAGES; do
  echo "take.sh: $page"
  shoot_one "$page" || echo "take.sh: $page failed" >&2
done
