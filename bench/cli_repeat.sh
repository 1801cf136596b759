#!/usr/bin/env bash
# CLI benchmark (issue #2): the 3-listener transform chain, 100,000 threads via --repeat,
# five runs; prints each result line, the median messages/s, and peak RSS of each run.
# Usage: bench/cli_repeat.sh [build-dir] [threads]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build}/src/cli/nextra
n=${2:-100000}
rates=()
for i in 1 2 3 4 5; do
  out=$( { /usr/bin/time -f "rss_kb=%M" "$bin" run examples/hello-world/organism.yaml --to greeter \
          --payload '<Greeting><Name>Ada</Name></Greeting>' --repeat "$n"; } 2>&1 )
  echo "$out"
  rates+=("$(echo "$out" | sed -n 's/.*"messagesPerSecond":\([0-9]*\).*/\1/p')")
done
median=$(printf '%s\n' "${rates[@]}" | sort -n | sed -n '3p')
echo "median messages/s over 5 runs of $n threads: $median"
