#!/usr/bin/env bash
# Process driver figures (issue #4): `nextra serve --driver process` with a throw-away Redis,
# a 3-step flow with a webhook. Prints the RSS of the `nextra-pump pump` child while idle, and the
# time from a webhook for a stopped flow to its answer (?wait=true: the pump process is
# spawned, loads the flow, runs it and records the execution) against the same call once the
# pump runs. Usage: bench/process_pump.sh [build-dir] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-build}/src/cli/nextra")
rounds=${2:-5}
data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$data" --daemonize no > "$data/redis.log" 2>&1 &
rpid=$!
serve_args=(--driver process --redis "redis://127.0.0.1:$port")
. bench/serve_session.sh
trap 'stop_serve; kill $rpid 2>/dev/null || true; rm -rf "$data"' EXIT
flow=$(curl -s "${auth[@]}" -X POST "$base/api/flows" -d '{"name":"bench"}' | json '["id"]')
path=$(curl -s "${auth[@]}" -X POST "$base/api/flows/$flow/triggers" -d '{"name":"hook","type":"webhook"}' | json '["webhookPath"]')
call() { curl -s -o /dev/null -w '%{time_total}' -X POST "$base$path?wait=true" -H 'Content-Type: application/json' -d '{"text":"hi"}'; }
ms() { python3 -c "print(round($1*1000, 1))"; }
for r in $(seq 1 "$rounds"); do
  curl -s "${auth[@]}" -X POST "$base/api/flows/$flow/stop" > /dev/null
  # A flow its user stopped refuses webhooks; a manual run (inject) starts it, as a trigger
  # wakes a flow that scale-to-zero stopped.
  cold=$(curl -s -o /dev/null -w '%{time_total}' "${auth[@]}" -X POST "$base/api/triggers/$flow/inject?wait=true" -d '{"payload":{"text":"hi"}}')
  warm=$(curl -s -o /dev/null -w '%{time_total}' "${auth[@]}" -X POST "$base/api/triggers/$flow/inject?wait=true" -d '{"payload":{"text":"hi"}}')
  hook=$(call)
  echo "round $r: stopped flow, first answer $(ms "$cold") ms; running: inject $(ms "$warm") ms, webhook $(ms "$hook") ms"
done
child=$(pgrep -f "nextra(-pump)? pump --flow $flow" | head -n 1)
echo "pump process RSS just after the calls: $(awk '/VmRSS/ {print $2, $3}' /proc/"$child"/status) (pid $child)"
# An idle pump gives back its clean file pages after 10 s (PumpProcessOptions::idle_trim_after).
sleep 11
echo "pump process RSS while idle: $(awk '/VmRSS/ {print $2, $3}' /proc/"$child"/status) (pid $child)"
echo "server RSS: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"
echo "pump process memory (smaps_rollup): $(grep -E '^(Rss|Pss|Private_Dirty|Shared_Clean)' /proc/"$child"/smaps_rollup | tr -s ' ' | tr '\n' ';')"
echo "first webhook after the idle trim: $(ms "$(call)") ms; the next: $(ms "$(call)") ms"
echo "pump process RSS after those calls: $(awk '/VmRSS/ {print $2, $3}' /proc/"$child"/status)"
