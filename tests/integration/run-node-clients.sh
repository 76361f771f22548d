#!/bin/sh
# run-node-clients.sh — the official OpenAI and Anthropic clients against sluiced
# Copyright 2026 The Sluice authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Starts the built sluiced on a free loopback port with a temporary config
# and database, installs the pinned clients into $SLUICE_BUILD_DIR/node-clients
# (once: only when node_modules is missing), runs `node --test`, stops
# sluiced and exits with node's status.

set -u

here=$(cd "$(dirname "$0")" && pwd)
build=${SLUICE_BUILD_DIR:?SLUICE_BUILD_DIR must point at the build directory}
sluiced=$build/src/daemon/sluiced
work=$build/node-clients
key=sk-node-clients-test

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "run-node-clients.sh: '$tool' is not installed; install the nodejs and npm packages" >&2
    exit 1
  fi
done
[ -x "$sluiced" ] || { echo "run-node-clients.sh: $sluiced is not built" >&2; exit 1; }

mkdir -p "$work"
cp "$here/node/package.json" "$here/node/package-lock.json" "$here/node/clients.test.mjs" "$work/"
if [ ! -d "$work/node_modules" ]; then
  echo "# installing the clients into $work"
  (cd "$work" && { npm ci --no-audit --no-fund || npm install --no-audit --no-fund; }) >&2 || {
    echo "run-node-clients.sh: npm could not install the clients" >&2
    exit 1
  }
fi

tmp=$(mktemp -d)
pid=
cleanup () {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

hash=$(printf %s "$key" | sha256sum | cut -d' ' -f1)
cat > "$tmp/config.json" <<JSON
{ "schema": 1,
  "providers": [
    { "name": "alpha", "kind": "mock", "mock": { "seed": 1, "latency_ms": { "p50": 0, "p99": 0 } } },
    { "name": "beta", "kind": "mock", "mock": { "seed": 2, "latency_ms": { "p50": 0, "p99": 0 } } } ],
  "models": [
    { "name": "alpha-large", "provider": "alpha", "upstream": "alpha-large-1",
      "price_in": 3, "price_out": 15, "context_window": 200000, "max_output_tokens": 1000 },
    { "name": "beta-small", "provider": "beta", "upstream": "beta-small-1",
      "price_in": 0.15, "price_out": 0.6, "context_window": 128000, "max_output_tokens": 1000 },
    { "name": "embed-small", "provider": "beta", "upstream": "embed-1", "kind": "embedding",
      "price_in": 0.02, "price_out": 0, "context_window": 8191 } ],
  "chains": { "main": ["alpha-large", "beta-small"], "small": ["beta-small"] },
  "aliases": { "fast": "small" },
  "routing": { "default": "main" },
  "budgets": { "tokens_per_request": 2000 },
  "users": [ { "name": "node", "key_hash": "sha256:$hash" } ] }
JSON

# The test environment makes warnings fatal; the daemon must not abort.
env -u G_DEBUG "$sluiced" --listen 127.0.0.1:0 --config "$tmp/config.json" \
  --db "$tmp/sluice.db" >"$tmp/out" 2>"$tmp/err" &
pid=$!

port=
for _ in $(seq 100); do
  port=$(sed -n 's/^sluiced listening on http:\/\/127\.0\.0\.1:\([0-9]*\)$/\1/p' "$tmp/out")
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$port" ]; then
  echo "run-node-clients.sh: sluiced did not start:" >&2
  cat "$tmp/err" >&2
  exit 1
fi

cd "$work" && SLUICE_URL="http://127.0.0.1:$port" SLUICE_KEY="$key" node --test clients.test.mjs
status=$?

kill -TERM "$pid"
wait "$pid"
daemon_status=$?
pid=
if [ "$daemon_status" -ne 0 ]; then
  echo "run-node-clients.sh: sluiced exited with $daemon_status" >&2
  cat "$tmp/err" >&2
  [ "$status" -eq 0 ] && status=1
fi
exit "$status"
