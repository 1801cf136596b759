#pragma once
// The `wasm:` section of a listener whose handler is `wasm` (docs/wasm.md, "YAML"):
//
//   handler: wasm
//   wasm: {module: shout, fuel: 1000000, memory_pages: 16, timeout_ms: 1000, tier: aot}
//
// Every key but `module` is optional; limits left out take the caller's defaults.

#include <string>

#include "core/result.h"
#include "flow/organism.h"
#include "wasm/sandbox.h"

namespace nextra::wasm {

struct ListenerConfig {
  std::string module;              // module id or name, resolved by the ModuleSource
  std::string function = "handle"; // the JSON ABI export to call
  std::string respond_with;        // class of the answer when the module answers its caller
  std::string tier = "interpreter"; // or "aot": compiled with wasm2c (docs/wasm-aot.md)
  Limits limits;
};

// Parses `section` over `defaults`. InvalidArgument with `field` ("wasm.fuel") and the line
// (and column when known) of the offending key for: not a mapping, an unknown key, a missing
// module, a value of the wrong type or outside its range (check_limits).
Result<ListenerConfig> parse_listener_config(const flow::RawSection& section, const Limits& defaults);

}  // namespace nextra::wasm
