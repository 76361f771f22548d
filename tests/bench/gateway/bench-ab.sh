#!/usr/bin/env bash
# bench-ab.sh - two sluiced builds side by side at a fixed rate.
# Copyright 2026 The Sluice authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   bench-ab.sh SLUICED_A SLUICED_B [BENCH_FIXED_RATE]
#
# Both gateways run at once (CPU 1) in front of one nginx mock (CPU 0) with
# the config of bench-gateway.sh (limits, budgets, exact cache, ledger on).
# The open-loop loader of bench-fixed-rate sends RATE req/s (1000) for S
# seconds (6) to A, then B, ROUNDS times ("1 2"), so machine noise hits
# both. Each run prints p50/p90/p99 (µs) and, from `perf stat` on the
# gateway, CPU µs, poll() calls and context switches per request.
#
# Build the other side with e.g. `git worktree add /tmp/old <commit>` and
# `meson setup /tmp/old/_build /tmp/old && ninja -C /tmp/old/_build src/daemon/sluiced`.
set -euo pipefail

A=${1:?usage: bench-ab.sh SLUICED_A SLUICED_B [BENCH_FIXED_RATE]}
B=${2:?usage: bench-ab.sh SLUICED_A SLUICED_B [BENCH_FIXED_RATE]}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=bench-lib.sh
. "$HERE/bench-lib.sh"
REPO=$(cd "$HERE/../../.." && pwd)
FIXED=${3:-$REPO/_build/tests/bench/gateway/bench-fixed-rate}
SHARED=$REPO/../shared/bench
[ -f "$SHARED/mock-upstream.nginx.conf.in" ] || SHARED=/work/shared/bench
for tool in nginx perf taskset bc; do
  command -v "$tool" > /dev/null || { echo "bench-ab: $tool is needed" >&2; exit 77; }
done

T=$(mktemp -d "${TMPDIR:-/tmp}/sluice-bench-ab.XXXXXX")
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$T"
}
trap cleanup EXIT

NGINX_PORT=$(free_port)
PIDS+=("$(start_nginx_mock "$T/nginx" "$NGINX_PORT" "$SHARED")")

# The config of bench-gateway.sh, verbatim.
sed -n '/^cat > "\$T\/config.in" <<.JSON./,/^JSON$/p' "$HERE/bench-gateway.sh" | sed '1d;$d' |
  sed "s|@UP@|http://127.0.0.1:$NGINX_PORT/v1|" > "$T/config.json"

start() {  # BINARY NAME -> "PORT PID"
  local port
  port=$(free_port)
  taskset -c 1 "$1" --listen "127.0.0.1:$port" --config "$T/config.json" --db "$T/$2.db" \
    > /dev/null 2> "$T/$2.err" &
  PIDS+=($!)
  echo "$port $!"
}
read -r PORT_A PID_A < <(start "$A" a)
read -r PORT_B PID_B < <(start "$B" b)
for port in "$PORT_A" "$PORT_B"; do
  for _ in $(seq 100); do
    curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" && break
    sleep 0.1
  done
done

HEADERS=('x-sluice-task: classification' 'Cache-Control: no-store' 'x-sluice-user: bench')
field() { sed -n "s/.* $2=\([0-9]*\).*/\1/p" <<<"$1"; }
stat_field() { grep "$2" "$1" | cut -d, -f1; }

run() {  # NAME PORT PID
  local out n
  taskset -c 0 "$FIXED" "$2" /v1/chat/completions "$SHARED/body.json" "${RATE:-1000}" 1 \
    "${HEADERS[@]}" > /dev/null
  perf stat -x, -e task-clock,syscalls:sys_enter_poll,context-switches -p "$3" \
    -o "$T/stat" -- sleep "${S:-6}" > /dev/null 2>&1 &
  local perf_pid=$!
  out=$(taskset -c 0 "$FIXED" "$2" /v1/chat/completions "$SHARED/body.json" "${RATE:-1000}" \
        "${S:-6}" "${HEADERS[@]}")
  wait "$perf_pid"
  n=$(field "$out" ok)
  printf '%-4s p50 %5s  p90 %5s  p99 %6s us   CPU %4.0f us/req  polls %4.1f/req  switches %4.1f/req\n' \
    "$1" "$(field "$out" p50_us)" "$(field "$out" p90_us)" "$(field "$out" p99_us)" \
    "$(echo "$(stat_field "$T/stat" task-clock) * 1000 / $n" | bc -l)" \
    "$(echo "$(stat_field "$T/stat" poll) / $n" | bc -l)" \
    "$(echo "$(stat_field "$T/stat" context-switches) / $n" | bc -l)"
}

echo "A: $A"
echo "B: $B"
echo "fixed ${RATE:-1000} req/s, ${S:-6} s per run, open loop; sluiced on CPU 1, nginx + loader on CPU 0"
for round in ${ROUNDS:-1 2}; do
  run "A$round" "$PORT_A" "$PID_A"
  run "B$round" "$PORT_B" "$PID_B"
done
