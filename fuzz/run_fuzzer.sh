#!/bin/sh
# ctest -L fuzz runs each fuzzer through this: a short run (NEXTRA_FUZZ_SECONDS, default 30)
# from its seed corpus. New inputs go to WORK_DIR, so the checked-in seeds never change.
# Usage: run_fuzzer.sh FUZZER WORK_DIR SEED_DIR [libFuzzer options...]
fuzzer=$1 work=$2 seeds=$3
shift 3
mkdir -p "$work"
exec "$fuzzer" -max_total_time="${NEXTRA_FUZZ_SECONDS:-30}" -max_len=65536 -rss_limit_mb=2048 "$@" "$work" "$seeds"
