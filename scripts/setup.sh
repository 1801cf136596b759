#!/usr/bin/env bash
# Installs what Nextra needs from Debian's packages (only what is missing, so it is quick
# the second time) and builds it into build/. Usage: scripts/setup.sh [extra cmake args]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake pkg-config ccache git lld
  libxml2-dev libyaml-cpp-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev
  libsqlite3-dev libboost-dev libsodium-dev libssl-dev libpqxx-dev libpq-dev
  postgresql libcurl4-openssl-dev redis-server libhiredis-dev libgoogle-perftools-dev
  wabt chromium fonts-liberation
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The web UI's build tools need Node 20.19+ (this machine kind has it; Debian's own nodejs is
# older, so it is only a fallback when node is missing altogether).
if ! command -v node >/dev/null; then
  echo "setup: installing nodejs npm"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi

jobs=$(nproc)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build build -j"$jobs"
# The web UI into web/dist (served by `nextra serve`); without it the server still runs.
scripts/web.sh build || echo "setup: the web UI was not built (see above); nextra serve runs without it"
# The AssemblyScript compiler behind POST /api/modules/build (pinned in tools/asc), installed
# once per lock file.
if [ ! -f tools/asc/node_modules/assemblyscript/bin/asc.js ] ||
   [ tools/asc/package-lock.json -nt tools/asc/node_modules/.package-lock.json ]; then
  npm ci --prefix tools/asc --no-audit --no-fund --loglevel=error ||
    echo "setup: the AssemblyScript compiler was not installed; POST /api/modules/build answers 503"
fi
