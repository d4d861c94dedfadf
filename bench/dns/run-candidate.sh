#!/usr/bin/env bash
# Candidate for dns-peers.sh: run-candidate.sh PORT ZONE ZONE_FILE WORKDIR. Starts a private
# redis-server in WORKDIR (unix socket only) and `cirrus dns` in the foreground on
# 127.0.0.1:PORT, serving ZONE_FILE as a static zone (DNS_STATIC_ZONES) beside a steering zone
# under steer.ZONE; AXFR is allowed from 127.0.0.1. SIGTERM stops both.
set -euo pipefail
port=$1 zone=$2 zone_file=$3 work=$4
mkdir -p "$work"
redis_port=$(( (port % 20000) + 30000 ))
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" \
  >"$work/redis.log" 2>&1 &
redis_pid=$!
trap 'kill "$redis_pid" 2>/dev/null || true' EXIT
trap 'kill "$child" 2>/dev/null || true' TERM INT
for _ in $(seq 50); do
  redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
  sleep 0.1
done
REDIS_URL="redis://127.0.0.1:$redis_port/0" CNAME_BASE_DOMAIN="steer.$zone" \
  DNS_MASTER_BIND_ADDR=127.0.0.1 DNS_MASTER_PORT="$port" DNS_METRICS_BIND="127.0.0.1:$((redis_port + 1))" \
  CNAME_DNS_SLAVES=127.0.0.1 DNS_STATIC_ZONES="$zone=$zone_file" LOG_LEVEL=warn \
  "$CIRRUS_BIN" dns &
child=$!
wait "$child"
