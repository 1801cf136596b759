#!/usr/bin/env bash
# HTTP server benchmark (issue #3): starts nextra_http_bench_server on an ephemeral port and
# runs `wrk -t2 -c64 -d5s` against GET /healthz. Prints a message and exits 0 without wrk.
# Usage: bench/wrk_healthz.sh [build-dir] [io-threads]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build}/bench/nextra_http_bench_server
threads=${2:-1}
if ! command -v wrk > /dev/null; then
  echo "wrk is not installed (apt-get install wrk); skipping the HTTP benchmark"
  exit 0
fi
if [ ! -x "$bin" ]; then
  echo "missing $bin: build the nextra_http_bench_server target first" >&2
  exit 1
fi
log=$(mktemp)
"$bin" 0 "$threads" > "$log" &
pid=$!
trap 'kill -TERM "$pid" 2> /dev/null || true; wait "$pid" 2> /dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 100); do
  grep -q '^listening on ' "$log" && break
  sleep 0.05
done
addr=$(sed -n 's/^listening on //p' "$log")
if [ -z "$addr" ]; then
  echo "the bench server did not start" >&2
  exit 1
fi
echo "GET http://$addr/healthz ($threads io thread(s))"
wrk -t2 -c64 -d5s "http://$addr/healthz"
