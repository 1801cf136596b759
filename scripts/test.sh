#!/usr/bin/env bash
# Sets everything up and runs every test: the GoogleTest suites (unit, integration, e2e
# labels), the same suites under AddressSanitizer + UndefinedBehaviorSanitizer, and each
# libFuzzer target for a short while (ctest label fuzz). Ends with one line counting every
# test of every stage: "N passed, N failed".
# Usage: scripts/test.sh [--quick]   (--quick: skip the sanitizer build and the fuzzers)
set -uo pipefail
cd "$(dirname "$0")/.."
quick=0
[ "${1:-}" = "--quick" ] && quick=1
jobs=$(nproc)
passed=0
failed=0

stage_failed=0
record() {  # record STAGE STATUS  (a stage that fails outside ctest counts as one failed test)
  if [ "$2" -eq 0 ]; then echo "== $1: ok"; else stage_failed=1; echo "== $1: FAILED"; fi
}

scripts/setup.sh -DNEXTRA_BUILD_TESTS=ON -DNEXTRA_BUILD_BENCH=ON || { echo "0 passed, 1 failed"; exit 1; }

run_ctest() {  # run_ctest BUILD_DIR STAGE: adds the stage's test counts to the totals
  local log rc total bad
  log=$(mktemp)
  ctest --test-dir "$1" --output-on-failure -j"$jobs" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  read -r bad total < <(sed -n 's/.* \([0-9][0-9]*\) tests failed out of \([0-9][0-9]*\).*/\1 \2/p' "$log" | tail -n 1)
  if [ -n "${total:-}" ]; then
    passed=$((passed + total - bad))
    failed=$((failed + bad))
  elif [ "$rc" -ne 0 ]; then
    failed=$((failed + 1))
  fi
  record "$2" "$rc"
  rm -f "$log"
}

run_ctest build "tests"

# The web UI: type check, Vitest units, Playwright end to end against the real server.
weblog=$(mktemp)
NEXTRA_BIN="$PWD/build/src/cli/nextra" scripts/web.sh test 2>&1 | tee "$weblog"
rc=${PIPESTATUS[0]}
read -r wp wf < <(sed -n 's/^web: \([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\1 \2/p' "$weblog" | tail -n 1)
if [ -n "${wp:-}" ]; then
  passed=$((passed + wp))
  failed=$((failed + wf))
elif [ "$rc" -ne 0 ]; then
  failed=$((failed + 1))
fi
record "web UI" "$rc"
rm -f "$weblog"

if [ "$quick" -eq 0 ]; then
  # Sanitizers: the same suites, built with ASan + UBSan (leaks are errors too).
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DNEXTRA_SANITIZE=ON \
    -DNEXTRA_BUILD_BENCH=OFF >/dev/null && cmake --build build-asan -j"$jobs"
  rc=$?
  if [ $rc -eq 0 ]; then
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      LSAN_OPTIONS=suppressions="$PWD/tests/lsan.supp" run_ctest build-asan "tests under ASan+UBSan"
  else
    record "sanitizer build" 1
    failed=$((failed + 1))
  fi

  # Fuzzers: each runs briefly from its seed corpus; a crash fails the run.
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNEXTRA_BUILD_FUZZ=ON \
    -DNEXTRA_BUILD_TESTS=OFF -DNEXTRA_BUILD_BENCH=OFF >/dev/null && cmake --build build-fuzz --target nextra_fuzzers -j"$jobs"
  rc=$?
  if [ $rc -eq 0 ]; then
    run_ctest build-fuzz "fuzzers (ctest -L fuzz)"
  else
    record "fuzz build" 1
    failed=$((failed + 1))
  fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$stage_failed" -eq 0 ]
