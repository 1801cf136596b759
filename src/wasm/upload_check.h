#pragma once
// What the module upload route (/api/modules, issue #7) runs before storing a module: the
// bytes load under the limits, the WIT description parses and matches the exports, and the
// palette gets the payload classes of the entry point's records.

#include <string_view>

#include "core/result.h"
#include "wasm/sandbox.h"
#include "wasm/wit.h"

namespace nextra::wasm {

struct UploadSummary {
  ModuleInfo info;
  WitDocument wit;
  PayloadClassDesc input_class;   // of `handle` (or the only function)
  PayloadClassDesc output_class;
};

// InvalidArgument / ResourceExhausted from Sandbox::compile with field "module", from
// parse_wit / check_exports with field "wit" (and the WIT line and column). Thread-safe.
Result<UploadSummary> check_upload(const Sandbox& sandbox, std::string_view bytes, std::string_view wit,
                                   const Limits& limits);

}  // namespace nextra::wasm
