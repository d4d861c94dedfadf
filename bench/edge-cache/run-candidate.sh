#!/usr/bin/env bash
# Candidate wrapper for ../shared/bench/http-peers.sh (cache on): starts a private redis-server,
# writes one cache-enabled domain (bench.test → the bench origin) and runs `cirrus edge` in the
# foreground. With BENCH_CACHE=off (the harness's CACHE=off) the domain has cache.enable false,
# which measures the uncached proxy path of the same binary.
# Usage: run-candidate.sh PORT ORIGIN(host:port) WORKDIR
set -euo pipefail
port=$1 origin=$2 work=$3
cirrus=${CIRRUS_BIN:-$(dirname "$0")/../../build/release/src/cirrus}
redis_port=$((port + 1000))
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" \
  --daemonize no >"$work/redis.log" 2>&1 &
redis_pid=$!
trap 'kill $redis_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.05; done
host=${origin%:*} oport=${origin##*:}
enable=true
[ "${BENCH_CACHE:-on}" = off ] && enable=false
redis-cli -p "$redis_port" set cdn:dom:bench.test \
  "{\"domain\":\"bench.test\",\"origins\":[{\"scheme\":\"http\",\"host\":\"$host\",\"port\":$oport}],\"cache\":{\"enable\":$enable}}" >/dev/null
redis-cli -p "$redis_port" sadd cdn:domains bench.test >/dev/null
REDIS_URL="redis://127.0.0.1:$redis_port/0" EDGE_HTTP_BIND="127.0.0.1:$port" \
EDGE_HTTPS_BIND="127.0.0.1:$((port + 2000))" EDGE_ADMIN_BIND="127.0.0.1:$((port + 3000))" \
EDGE_WORKERS=${EDGE_WORKERS:-1} EDGE_ACCESS_LOG=off EDGE_CACHE_MEMORY=${EDGE_CACHE_MEMORY:-256m} \
  "$cirrus" edge &
edge_pid=$!
stop() {
  kill $edge_pid 2>/dev/null || true
  kill $redis_pid 2>/dev/null || true
}
trap stop EXIT TERM
wait $edge_pid
