#!/usr/bin/env bash
# Sets everything up and runs every test: the GoogleTest suites (unit, integration, e2e
# labels), the same suites under AddressSanitizer + UndefinedBehaviorSanitizer, and each
# libFuzzer target for a short while. Ends with one line: "N passed, N failed".
# Usage: scripts/test.sh [--quick]   (--quick: skip the sanitizer build and the fuzzers)
set -uo pipefail
cd "$(dirname "$0")/.."
quick=0
[ "${1:-}" = "--quick" ] && quick=1
jobs=$(nproc)
passed=0
failed=0

record() {  # record NAME STATUS
  if [ "$2" -eq 0 ]; then passed=$((passed + 1)); echo "== $1: ok"; else failed=$((failed + 1)); echo "== $1: FAILED"; fi
}

scripts/setup.sh -DNEXTRA_BUILD_TESTS=ON -DNEXTRA_BUILD_BENCH=ON || { echo "0 passed, 1 failed"; exit 1; }

run_ctest() {  # run_ctest BUILD_DIR NAME
  local log
  log=$(mktemp)
  ctest --test-dir "$1" --output-on-failure -j"$jobs" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  record "$2" "$rc"
  rm -f "$log"
}

run_ctest build "tests"

if [ "$quick" -eq 0 ]; then
  # Sanitizers: the same suites, built with ASan + UBSan (leaks are errors too).
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DNEXTRA_SANITIZE=ON \
    -DNEXTRA_BUILD_BENCH=OFF >/dev/null && cmake --build build-asan -j"$jobs"
  rc=$?
  if [ $rc -eq 0 ]; then
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      run_ctest build-asan "tests under ASan+UBSan"
  else
    record "sanitizer build" 1
  fi

  # Fuzzers: each runs briefly from its seed corpus; a crash fails the run.
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNEXTRA_BUILD_FUZZ=ON \
    -DNEXTRA_BUILD_TESTS=OFF -DNEXTRA_BUILD_BENCH=OFF >/dev/null && cmake --build build-fuzz -j"$jobs"
  rc=$?
  if [ $rc -eq 0 ]; then
    for f in build-fuzz/fuzz/*_fuzz; do
      name=$(basename "$f" _fuzz)
      work=$(mktemp -d)
      cp -r "fuzz/corpus/$name/." "$work/" 2>/dev/null || true
      "$f" -max_total_time="${NEXTRA_FUZZ_SECONDS:-30}" -max_len=65536 -rss_limit_mb=2048 "$work" >"$work.log" 2>&1
      rc=$?
      tail -n 3 "$work.log"
      record "fuzz $name" $rc
      rm -rf "$work" "$work.log"
    done
  else
    record "fuzz build" 1
  fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
