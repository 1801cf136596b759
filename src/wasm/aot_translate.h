#pragma once
// The ahead-of-time tier's first half (issue #7): a validated module rewritten for metering
// and written out as C by wabt's wasm2c writer. No wabt type in this header.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace nextra::wasm {

struct AotSource {
  std::string c;  // guest.c
  std::string h;  // guest.h (module name "guest")
};

// The export through which the host sets and reads the remaining fuel (a mutable i64).
inline constexpr const char* kAotFuelExport = "nextrafuel";

// Rewrites `wasm` (already accepted by Sandbox::compile) so that every function entry and
// every loop iteration subtracts its instruction count from the exported global
// `nextrafuel` and traps (unreachable) once it is negative; memories get `max_pages` as their
// maximum when they declare none or a larger one. Then writes it as C. InvalidArgument when
// wabt cannot read or write it.
// `meter` false leaves the counter in place but never charges it: only for measuring what
// metering costs (bench/wasm_aot_bench.cc).
Result<AotSource> translate_to_c(std::string_view wasm, std::uint32_t max_pages, bool meter = true);

}  // namespace nextra::wasm
