#!/usr/bin/env bash
# take.sh - retake the console screenshots under Xvfb, with demo traffic.
# Copyright 2026 The Sluice authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   data/screenshots/take.sh [BUILD_DIR] [WAIT_S]
#
# In one private session (dbus-run-session + xvfb-run 1280x800, fresh XDG
# dirs, GSettings in memory) starts `sluice --demo-traffic`, lets the demo
# traffic run WAIT_S seconds (default 75: the scripted outage starts at 40 s,
# so a breaker has tripped), then shows each page in turn (a second
# `sluice --page P` activates the running console) and saves the window as
# data/screenshots/P.png. Look at the PNGs before committing them. The
# Playground shots need a prompt sent first, so they are not taken here;
# the editors' are taken by tests/app/test-editors.c when
# SLUICE_SCREENSHOT_DIR names a folder.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/_build}" && pwd)
WAIT=${2:-75}
PAGES=${PAGES:-"overview providers budgets cache quality requests"}

if [[ ${INNER:-} != 1 ]]; then
  tmp=$(mktemp -d /tmp/sluice-shot.XXXXXX)
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp"/{cache,config,data,home}; mkdir -m 700 "$tmp/run"
  export INNER=1 HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/run" XDG_CACHE_HOME="$tmp/cache" \
         XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" SHOT_TMP="$tmp"
  unset DBUS_SESSION_BUS_ADDRESS DISPLAY WAYLAND_DISPLAY
  exec dbus-run-session -- xvfb-run -a -s '-screen 0 1280x800x24' "$0" "$BUILD" "$WAIT"
fi

export GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$BUILD/data" GTK_A11Y=none \
       GDK_BACKEND=x11 GSK_RENDERER=cairo GDK_DEBUG=gl-disable GIO_USE_PROXY_RESOLVER=dummy
"$BUILD/src/app/sluice" --db "$SHOT_TMP/sluice.db" --demo-traffic --page overview \
  > "$SHOT_TMP/app.log" 2>&1 &
app=$!
wid=
for _ in $(seq 100); do
  wid=$(xwininfo -root -tree 2>/dev/null | awk '/"Sluice"/ && /1280x/ {print $1; exit}')
  [[ -n $wid ]] && break
  sleep 0.1
done
[[ -n $wid ]] || { echo "take.sh: the window never appeared" >&2; kill "$app"; exit 1; }
sleep "$WAIT"
for page in $PAGES; do
  "$BUILD/src/app/sluice" --page "$page" >/dev/null 2>&1 || true
  sleep 2
  import -window "$wid" "$HERE/$page.png"
  echo "take.sh: $page.png"
done
kill "$app"
wait "$app" 2>/dev/null || true
