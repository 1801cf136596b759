#pragma once
// The interpreter engine: wabt 1.0.32's interp behind the Sandbox seam. Deterministic fuel
// (an instruction budget), memory and table caps applied at load, a wall-clock limit checked
// every 10,000 instructions, and a call-depth cap (docs/wasm.md). This header names no wabt
// type, so it compiles as C++20; the engine itself is built as C++17 (wabt's headers need it).

#include <memory>

#include "wasm/sandbox.h"

namespace nextra::wasm {

// Thread-safe and stateless: one per process is enough.
std::shared_ptr<const Sandbox> make_wabt_sandbox();

}  // namespace nextra::wasm
