#!/usr/bin/env bash
# Sets everything up and starts `nextra serve` on the embedded default (SQLite and the master
# key in ./nextra-data, in-memory backend), then prints the address. Ctrl-C stops it.
# Extra arguments go to `nextra serve` (e.g. --listen 0.0.0.0:9000, --database postgres://...).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh -DNEXTRA_BUILD_TESTS=OFF -DNEXTRA_BUILD_BENCH=OFF
echo
exec build/src/cli/nextra serve --listen "${NEXTRA_LISTEN:-127.0.0.1:8080}" --data-dir "${NEXTRA_DATA_DIR:-nextra-data}" "$@"
