#include "wasm/sandbox.h"

#include <string>

namespace nextra::wasm {
namespace {

template <typename T>
Status in_range(const char* field, T value, T ceiling) {
  if (value == T{} || value > ceiling) {
    Error e = Error::invalid(std::string(field) + " must be between 1 and " + std::to_string(ceiling) + ", got " +
                             std::to_string(value));
    e.field = field;
    return e;
  }
  return {};
}

}  // namespace

Status check_limits(const Limits& l) {
  NEXTRA_TRY(in_range("module_bytes", l.module_bytes, kMaxModuleBytes));
  NEXTRA_TRY(in_range("memory_pages", l.memory_pages, kMaxMemoryPages));
  NEXTRA_TRY(in_range("table_elements", l.table_elements, kMaxTableElements));
  NEXTRA_TRY(in_range("fuel", l.fuel, kMaxFuel));
  NEXTRA_TRY(in_range("timeout_ms", static_cast<long long>(l.timeout.count()), static_cast<long long>(kMaxTimeout.count())));
  NEXTRA_TRY(in_range("call_depth", l.call_depth, kMaxCallDepth));
  NEXTRA_TRY(in_range("input_bytes", l.input_bytes, kMaxIoBytes));
  NEXTRA_TRY(in_range("output_bytes", l.output_bytes, kMaxIoBytes));
  NEXTRA_TRY(in_range("log_line_bytes", l.log_line_bytes, std::size_t{1} << 20));
  NEXTRA_TRY(in_range("log_lines", l.log_lines, std::uint32_t{100000}));
  NEXTRA_TRY(in_range("host_calls", l.host_calls, std::uint32_t{100000}));
  NEXTRA_TRY(in_range("host_payload_bytes", l.host_payload_bytes, kMaxIoBytes));
  return {};
}

const ExternInfo* ModuleInfo::find_export(std::string_view name) const {
  for (const auto& e : exports) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

}  // namespace nextra::wasm
