#!/usr/bin/env bash
# The web UI (web/): install its npm packages, build it into web/dist, and test it.
#   scripts/web.sh build   npm ci (skipped while node_modules matches package-lock.json), then vite build
#   scripts/web.sh test    type check, Vitest units, and the Playwright end-to-end test against a
#                          real `nextra serve` (NEXTRA_BIN, default build/src/cli/nextra); builds
#                          web/dist first when the sources are newer. Last line: "web: N passed, M failed".
# Node 20.19+ and npm are needed at build time only; `nextra serve --web-dir web/dist` serves the result.
set -uo pipefail
cd "$(dirname "$0")/../web"

die() { echo "web.sh: $*" >&2; exit 2; }

check_node() {
  command -v node >/dev/null || die "node is not installed (Node 20.19 or newer is needed to build the UI)"
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
    || die "Node $(node --version) is too old; the UI's build tools (vite 8) need 20.19 or newer"
}

# npm ci wipes node_modules; do it only when package-lock.json changed since the last install.
install_deps() {
  local stamp=node_modules/.nextra-lock-sha256 want
  want=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  echo "== npm ci"
  # The registry this project was locked against does not serve every platform's optional
  # binaries (e.g. @tailwindcss/oxide-darwin-arm64), so their lock entries are missing and
  # npm ci refuses; npm install then installs from the same lock and adds nothing else.
  if ! npm ci --no-audit --no-fund; then
    echo "web.sh: npm ci refused the lock file; installing with npm install from the same lock"
    npm install --no-audit --no-fund || die "npm install failed"
  fi
  echo "$want" > "$stamp"
}

build() {
  echo "== vite build"
  npx vite build --logLevel warn || die "vite build failed"
  echo "web UI built into $(pwd)/dist"
}

dist_stale() {
  [ ! -f dist/index.html ] && return 0
  [ -n "$(find src index.html vite.config.ts package-lock.json -newer dist/index.html -print -quit)" ]
}

# Reads a Vitest JSON report and adds its counts to the totals.
add_counts() {
  local counts
  # A failure outside any test (a beforeAll that cannot start the server) fails no test by
  # itself; count it as one so the run cannot pass.
  counts=$(node -e 'try{const r=require(process.argv[1]);const f=r.numFailedTests||(r.success?0:1);console.log(r.numPassedTests+" "+f)}catch{console.log("0 1")}' "$(pwd)/$1")
  passed=$((passed + ${counts% *}))
  failed=$((failed + ${counts#* }))
}

run_tests() {
  passed=0
  failed=0
  mkdir -p test-results
  rm -f test-results/unit.json test-results/e2e.json

  echo "== type check"
  if npx tsc --noEmit -p tsconfig.json; then passed=$((passed + 1)); else failed=$((failed + 1)); fi

  echo "== unit tests (vitest)"
  npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/unit.json
  add_counts test-results/unit.json

  echo "== end-to-end (playwright + nextra serve)"
  if dist_stale; then build; fi
  npx vitest run --config e2e/vitest.e2e.config.ts --reporter=default --reporter=json --outputFile.json=test-results/e2e.json
  add_counts test-results/e2e.json
  echo "screenshots: $(pwd)/test-results/"

  echo "web: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}

case "${1:-}" in
  build) check_node; install_deps; build ;;
  test) check_node; install_deps; run_tests ;;
  *) echo "usage: scripts/web.sh build|test" >&2; exit 2 ;;
esac
