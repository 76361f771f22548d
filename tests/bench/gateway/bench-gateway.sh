#!/usr/bin/env bash
# bench-gateway.sh - sluiced beside Portkey and a direct mock, one run.
# Copyright 2026 The Sluice authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   bench-gateway.sh SLUICED BENCH_FIXED_RATE BENCH_SOUP_FLOOR
#
# 1. The shared harness ../shared/bench/peer-gateway.sh (wrk, closed loop,
#    concurrency 1/16/64) against an nginx mock upstream: direct, Portkey and
#    sluiced in the same pass. sluiced runs with limits, budgets, the exact
#    cache (looked up on every request: x-sluice-task classification with
#    Cache-Control: no-store, so every request misses and goes upstream) and
#    the ledger on.
#    Then, in a second pass for fast calls, the same harness with an nginx
#    reverse proxy in sluiced's place beside Portkey: the least one proxy
#    hop adds on this machine, against the peer's figures of the same pass.
# 2. A fixed rate of RATE req/s (default 1000), open loop, for FIXED_S seconds:
#    straight to the same kind of nginx mock, through an nginx reverse proxy
#    (what one proxy hop costs at the least on this machine), through
#    bench-soup-floor (the least a libsoup 3 server + session proxy adds: no
#    JSON, no pipeline, no ledger), then through sluiced; the added p50/p99 is
#    the difference.
# Environment: DURATION (6), WARMUP (2), CONNS ("1 16 64"), SCENARIOS,
# PORTKEY (1), RATE (1000), FIXED_S (10), PEER=0 (skip part 1); anything else
# peer-gateway.sh reads.
set -euo pipefail

USAGE="usage: bench-gateway.sh SLUICED BENCH_FIXED_RATE BENCH_SOUP_FLOOR"
SLUICED=${1:?$USAGE}
FIXED=${2:?$USAGE}
FLOOR=${3:?$USAGE}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=bench-lib.sh
. "$HERE/bench-lib.sh"
REPO=$(cd "$HERE/../../.." && pwd)
SHARED=$REPO/../shared/bench
[ -x "$SHARED/peer-gateway.sh" ] || SHARED=/work/shared/bench
[ -x "$SHARED/peer-gateway.sh" ] || { echo "bench-gateway: peer-gateway.sh not found" >&2; exit 77; }

export DURATION=${DURATION:-6} WARMUP=${WARMUP:-2}
RATE=${RATE:-1000}
FIXED_S=${FIXED_S:-10}
T=$(mktemp -d "${TMPDIR:-/tmp}/sluice-bench-gateway.XXXXXX")
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$T"
}
trap cleanup EXIT

# The config: one openai-kind provider at @UP@, the bench's model name, a
# generous global limit (counted on every request), budgets on, an exact
# policy for classification.
cat > "$T/config.in" <<'JSON'
{ "schema": 1,
  "providers": [ { "name": "upstream", "kind": "openai", "base_url": "@UP@",
                   "timeout_ms": 10000 } ],
  "models": [ { "name": "gpt-4o-mini", "provider": "upstream", "upstream": "gpt-4o-mini",
                "price_in": 0.15, "price_out": 0.6, "context_window": 128000 } ],
  "chains": { "main": [ "gpt-4o-mini" ] },
  "routing": { "default": "main" },
  "limits": { "global": { "rpm": 10000000, "tpm": 1000000000 } },
  "budgets": { "user_usd_per_day": 100000, "global_usd_per_day": 1000000,
               "user_tokens_per_hour": 1000000000, "user_tokens_per_day": 1000000000,
               "global_tokens_per_hour": 1000000000 },
  "storm_guard": { "max_repeats": 1000000, "window_s": 1 },
  "cache": { "policies": { "classification": { "tier": "exact", "ttl_s": 3600 } } } }
JSON
HEADERS=$'x-sluice-task: classification\nCache-Control: no-store\nx-sluice-user: bench'

if [ "${PEER:-1}" != 0 ]; then
echo "== 1. peer-gateway.sh: direct, Portkey and sluiced (DURATION=$DURATION WARMUP=$WARMUP)"
GATEWAY_NAME=sluiced \
GATEWAY_CMD="sed 's|@UP@|@UPSTREAM@|' $T/config.in > $T/config-@SCENARIO@.json && rm -f $T/@SCENARIO@.db* && exec $SLUICED --listen 127.0.0.1:@PORT@ --config $T/config-@SCENARIO@.json --db $T/@SCENARIO@.db" \
GATEWAY_URL='http://127.0.0.1:@PORT@/v1/chat/completions' \
GATEWAY_HEADERS="$HEADERS" \
RESULTS_DIR="$T/peer" \
  "$SHARED/peer-gateway.sh" 2>&1 | grep -v '^\[bench' || true

echo
echo "== 1b. the same harness, fast calls: direct, Portkey and an nginx reverse proxy"
echo "   (what one proxy hop costs at the least here, beside the peer in one pass)"
nginx_proxy_conf "$T/proxy-template" @LISTEN@ @UP@
GATEWAY_NAME=nginx-proxy \
GATEWAY_CMD="mkdir -p $T/proxy-@SCENARIO@ && sed 's|@LISTEN@|127.0.0.1:@PORT@|; s|@UP@|@UPSTREAM_HOSTPORT@|; s|$T/proxy-template|$T/proxy-@SCENARIO@|g' $T/proxy-template/nginx.conf > $T/proxy-@SCENARIO@/nginx.conf && exec nginx -p $T/proxy-@SCENARIO@ -c $T/proxy-@SCENARIO@/nginx.conf -e $T/proxy-@SCENARIO@/error.log" \
GATEWAY_URL='http://127.0.0.1:@PORT@/v1/chat/completions' \
RESULTS_DIR="$T/peer-proxy" SCENARIOS=fast \
  "$SHARED/peer-gateway.sh" 2>&1 | grep -v '^\[bench' || true
fi

echo
echo "== 2. fixed rate: $RATE req/s for $FIXED_S s, open loop: direct, an nginx reverse proxy, a bare libsoup proxy, sluiced"
NGINX_PORT=$(free_port)
PIDS+=("$(start_nginx_mock "$T/nginx" "$NGINX_PORT" "$SHARED")")
PROXY_PORT=$(free_port)
PIDS+=("$(start_nginx_proxy "$T/proxy" "$PROXY_PORT" "$NGINX_PORT")")
FLOOR_PORT=$(free_port)
taskset -c 1 "$FLOOR" "$FLOOR_PORT" "http://127.0.0.1:$NGINX_PORT/v1/chat/completions" &
PIDS+=($!)
SLUICED_PORT=$(free_port)
sed "s|@UP@|http://127.0.0.1:$NGINX_PORT/v1|" "$T/config.in" > "$T/fixed.json"
taskset -c 1 "$SLUICED" --listen "127.0.0.1:$SLUICED_PORT" --config "$T/fixed.json" \
  --db "$T/fixed.db" > "$T/sluiced.out" 2> "$T/sluiced.err" &
PIDS+=($!)
for _ in $(seq 100); do
  curl -fs -o /dev/null "http://127.0.0.1:$SLUICED_PORT/healthz" && break
  sleep 0.1
done

fixed() {  # PORT [HEADER...]
  local port=$1; shift
  taskset -c 0 "$FIXED" "$port" /v1/chat/completions "$SHARED/body.json" "$RATE" 2 "$@" >/dev/null
  taskset -c 0 "$FIXED" "$port" /v1/chat/completions "$SHARED/body.json" "$RATE" "$FIXED_S" "$@"
}
DIRECT=$(fixed "$NGINX_PORT")
PROXIED=$(fixed "$PROXY_PORT")
FLOORED=$(fixed "$FLOOR_PORT")
THROUGH=$(fixed "$SLUICED_PORT" 'x-sluice-task: classification' 'Cache-Control: no-store' \
          'x-sluice-user: bench')
field() { sed -n "s/.* $2=\([0-9]*\).*/\1/p" <<<"$1"; }
printf '%-11s %8s %8s %8s %8s %8s %8s\n' target sent ok errors p50_us p99_us max_us
for row in "direct:$DIRECT" "nginx-proxy:$PROXIED" "soup-floor:$FLOORED" "sluiced:$THROUGH"; do
  name=${row%%:*}; line=${row#*:}
  printf '%-11s %8s %8s %8s %8s %8s %8s\n' "$name" "$(field "$line" sent)" "$(field "$line" ok)" \
    "$(field "$line" errors)" "$(field "$line" p50_us)" "$(field "$line" p99_us)" "$(field "$line" max_us)"
done
added() {  # LINE NAME: "NAME adds at RATE req/s: p50 +… us, p99 +… us"
  echo "$2 adds at $RATE req/s: p50 +$(( $(field "$1" p50_us) - $(field "$DIRECT" p50_us) )) us, p99 +$(( $(field "$1" p99_us) - $(field "$DIRECT" p99_us) )) us"
}
added "$PROXIED" "an nginx reverse proxy"
added "$FLOORED" "a bare libsoup proxy"
ADD50=$(( $(field "$THROUGH" p50_us) - $(field "$DIRECT" p50_us) ))
ADD99=$(( $(field "$THROUGH" p99_us) - $(field "$DIRECT" p99_us) ))
echo "added latency at $RATE req/s: p50 +${ADD50} us, p99 +${ADD99} us (target p99 <= 250 us)"
echo "sluiced stderr lines during the run: $(wc -l < "$T/sluiced.err")"
