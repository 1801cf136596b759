#pragma once
// The WebAssembly text format to bytes, in process (wabt's parser, as wat2wasm). For tests,
// benchmarks and hand-written modules; the bytes still go through Sandbox::compile.

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.h"

namespace nextra::wasm {

inline constexpr std::size_t kMaxWatBytes = 4u << 20;

// The module's binary, or InvalidArgument with wabt's "line:column: error" text.
// Thread-safe.
Result<std::string> wat_to_wasm(std::string_view wat);

}  // namespace nextra::wasm
