#pragma once
// AssemblyScript → WebAssembly for POST /api/modules/build (issue #7): the `assemblyscript`
// package's asc, run with node in a subprocess, in a fresh temporary directory that holds
// only the source and Nextra's SDK (sdk/assemblyscript/nextra.ts, importable as "nextra").
// Bounded: CPU seconds, wall-clock time (killed after), node's heap, output file size, source
// size, and how many builds run at once.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace nextra::api {

struct BuildDiagnostic {
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;   // "TS2304: Cannot find name 'x'."
  std::string severity;  // "error" | "warning" | "info"
};

struct BuildResult {
  bool ok = false;
  std::string wasm;  // the module, when ok
  std::vector<BuildDiagnostic> diagnostics;
};

struct BuildOptions {
  std::filesystem::path asc;   // .../assemblyscript/bin/asc.js
  std::filesystem::path sdk;   // the folder holding nextra.ts
  std::filesystem::path node = "node";  // looked up on PATH when relative
  std::chrono::milliseconds timeout{30'000};
  int max_heap_mb = 512;
  std::size_t max_source_bytes = 512 * 1024;
  int max_concurrent = 2;
};

// The toolchain a server uses: NEXTRA_ASC (the asc.js path) or <root>/tools/asc, and
// <root>/sdk/assemblyscript. `root` is the checkout/install folder.
BuildOptions default_build_options(const std::filesystem::path& root);

// The folder that holds sdk/assemblyscript: next to the binary (build/src/cli/nextra ->
// ../../..), else the working directory.
std::filesystem::path find_toolchain_root();

// True when asc.js and node are there.
bool build_available(const BuildOptions& options);

// Compiles `source` (one file, index.ts). Errors in the source are a result with
// ok = false and diagnostics; the Result fails only when the toolchain cannot run
// (Unavailable), is busy (ResourceExhausted) or times out (DeadlineExceeded).
Result<BuildResult> build_assemblyscript(const BuildOptions& options, std::string_view source);

// asc's console output → diagnostics. Exposed for tests.
std::vector<BuildDiagnostic> parse_asc_diagnostics(std::string_view output);

}  // namespace nextra::api
