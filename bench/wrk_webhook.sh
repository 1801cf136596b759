#!/usr/bin/env bash
# Webhook benchmark (issue #4): `nextra serve` on the embedded default (SQLite in a temporary
# data directory), a 3-step flow (start -> shout -> output), a webhook trigger, then
# `wrk -t2 -c64` POSTs with ?wait=true, each answered with the Output payload after its
# execution is recorded. GET /healthz of the same server is measured first as the baseline.
# Usage: bench/wrk_webhook.sh [build-dir] [seconds]; NEXTRA_SERVE_ARGS adds serve flags,
# HEALTHZ_SECS sets the baseline run's length (default: seconds).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build}/src/cli/nextra
secs=${2:-10}
command -v wrk > /dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 0; }
data=$(mktemp -d)
# shellcheck disable=SC2206
serve_args=(${NEXTRA_SERVE_ARGS:-})
. bench/serve_session.sh
trap 'stop_serve; rm -rf "$data"' EXIT
yaml=$(cat <<'YAML'
organism:
  name: webhook-bench
payloads:
  Request:
    text: string
  Shouted:
    text: string
  Result:
    text: string
listeners:
  - name: start
    payload_class: Request
    handler: transform
    description: passes the text on
    peers: [shout]
    transform:
      payload: Shouted
      fields:
        text: "{{ text }}"
  - name: shout
    payload_class: Shouted
    handler: transform
    description: upper-cases it
    peers: [output]
    transform:
      payload: Result
      fields:
        text: "{{ text | upper }}"
  - name: output
    payload_class: Result
    handler: output
    description: the result
YAML
)
body=$(python3 -c 'import json,sys; print(json.dumps({"name":"bench","organismYaml":sys.argv[1]}))' "$yaml")
flow=$(curl -s "${auth[@]}" -X POST "$base/api/flows" -d "$body" | json '["id"]')
path=$(curl -s "${auth[@]}" -X POST "$base/api/flows/$flow/triggers" \
  -d '{"name":"hook","type":"webhook","config":{"target":"start"}}' | json '["webhookPath"]')
curl -s "${auth[@]}" -X POST "$base/api/flows/$flow/start" > /dev/null
echo "one call: $(curl -s -X POST "$base$path?wait=true" -H 'Content-Type: application/json' -d '{"text":"hi"}')"
echo
echo "== baseline: GET /healthz, wrk -t2 -c64 -d${secs}s"
wrk -t2 -c64 -d"${HEALTHZ_SECS:-$secs}s" --latency "$base/healthz" | grep -E 'Requests/sec|Latency|99%'
echo
echo "== POST webhook ?wait=true (3-step flow, execution recorded), wrk -t2 -c64 -d${secs}s"
wrk -t2 -c64 -d"${secs}s" --latency -s bench/webhook_post.lua "$base$path?wait=true" | grep -E 'Requests/sec|Latency|99%|Non-2xx'
echo
executions=$(curl -s -b "$data/jar" "$base/api/flows/$flow/executions?pageSize=1" | json '["total"]')
echo "executions recorded: $executions"
echo "serve RSS: $(ps -o rss= -p $pid) KiB"
