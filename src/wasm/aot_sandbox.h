#pragma once
// The ahead-of-time tier (issue #7): a module compiled to native code with wasm2c and the C
// compiler, behind the same Sandbox interface and limits as the interpreter.
//
// - Checks: the interpreter's compile() first (imports, memory and table caps), so the two
//   tiers accept exactly the same modules.
// - Fuel: a rewriting pass (aot_translate.h) charges every function entry and loop iteration
//   its instruction count; out of fuel traps. Deterministic, but counted per block rather than
//   per executed instruction, so fuel_used differs from the interpreter's (docs/wasm-aot.md).
// - Memory: bounds-checked accesses (WASM_RT_MEMCHECK_SIGNAL_HANDLER=0: no signal handler in
//   our process), the maximum clamped to Limits::memory_pages. Call depth: wasm2c's counter,
//   set to Limits::call_depth at compile time. Output, input, log and host-call limits: as in
//   the interpreter. Wall clock: checked at every host call and after the call (fuel bounds
//   the time between).
// - Isolation: wasm2c's runtime keeps its trap target in a global, so each compiled module
//   (its own shared object with its own copy of the runtime) runs one call at a time
//   (a mutex per module); different modules run in parallel.
// Shared objects are cached by the SHA-256 of the bytes and the limits baked into them.

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "wasm/sandbox.h"

namespace nextra::wasm {

struct AotOptions {
  std::filesystem::path cache_dir;  // where compiled modules are kept; required
  std::string cc = "cc";            // the C compiler (looked up on PATH)
  std::chrono::seconds compile_timeout{120};
  // false: no fuel counting at all. Only for measuring what metering costs; such modules
  // can loop forever.
  bool meter = true;
};

// True when the C compiler and wasm2c's runtime source are installed.
bool aot_available(const AotOptions& options);

std::shared_ptr<const Sandbox> make_aot_sandbox(AotOptions options);

}  // namespace nextra::wasm
