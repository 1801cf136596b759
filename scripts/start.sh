#!/usr/bin/env bash
# Sets everything up and runs the hello-world example through the engine, printing the
# trace. (Once `nextra serve` lands, this starts the server and prints the UI address.)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh -DNEXTRA_BUILD_TESTS=OFF -DNEXTRA_BUILD_BENCH=OFF
echo
echo "nextra run examples/hello-world/organism.yaml --to greeter --payload '<Greeting><Name>Ada</Name></Greeting>'"
exec build/src/cli/nextra run examples/hello-world/organism.yaml --to greeter --payload '<Greeting><Name>Ada</Name></Greeting>'
