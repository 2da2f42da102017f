#!/usr/bin/env bash
# HTTP benchmark of `sluice serve`: GET /api/v1/version with wrk at 64 connections, plus
# the resident memory of the server idle and under load.
# Usage: bench/http_version.sh [seconds]   (builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10}
scripts/install-deps.sh build bench >/dev/null
scripts/build.sh release sluice >/dev/null
bin=build/release/bin/sluice
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT

source bench/serve_lib.sh
port=$(bench_free_port 18480)
"$bin" serve --listen 127.0.0.1:$port --data-dir "$work" --log-level warn &
pid=$!
bench_wait_healthy "http://127.0.0.1:$port" 50

rss() { awk '/^VmRSS/ {print $2}' /proc/$pid/status; }
hwm() { awk '/^VmHWM/ {print $2}' /proc/$pid/status; }
idle_kb=$(rss)
out=$(wrk -t2 -c64 -d"${duration}s" --latency "http://127.0.0.1:$port/api/v1/version")
loaded_kb=$(rss)
peak_kb=$(hwm)
rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
cat <<RESULT
sluice serve, GET /api/v1/version, wrk -t2 -c64 -d${duration}s on $(nproc) cores (server and wrk share them)
  requests/s:        $rps
  latency p50 / p99: $p50 / $p99
  resident memory:   idle $((idle_kb / 1024)) MiB, after load $((loaded_kb / 1024)) MiB, peak $((peak_kb / 1024)) MiB
RESULT
