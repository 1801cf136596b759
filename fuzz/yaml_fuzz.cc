// libFuzzer entry point for the organism.yaml loader: any bytes must give diagnostics,
// never a crash, a hang or an exception (loader.h promises not to throw).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "flow/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  nextra::flow::LoadResult r = nextra::flow::load_organism(text);
  // The contract the rest of the system relies on: an organism exactly when there is no error.
  if (r.organism.has_value() == nextra::flow::has_errors(r.diagnostics)) std::abort();
  for (const auto& d : r.diagnostics) {
    if (d.line < 0 || d.column < 0 || d.message.empty()) std::abort();
    // The loader turns its own exceptions into this message; on fuzz input it means a bug.
    if (d.message.rfind("internal error", 0) == 0) std::abort();
    (void)nextra::flow::format_diagnostic("fuzz.yaml", d);
  }
  return 0;
}
