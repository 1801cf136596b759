#pragma once
// Helpers for the loader tests: find a diagnostic by position and message text.

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "flow/loader.h"

namespace nextra::flow::testing_util {

inline std::string dump(const LoadResult& r) {
  std::string out;
  for (const auto& d : r.diagnostics) out += "  " + format_diagnostic("f", d) + "   [" + d.field + "]\n";
  return out.empty() ? "  (no diagnostics)\n" : out;
}

// True when `r` holds a diagnostic of `severity` at line:column whose message contains `text`.
inline ::testing::AssertionResult has_diag(const LoadResult& r, int line, int column, std::string_view text,
                                           Diagnostic::Severity severity = Diagnostic::Severity::Error) {
  for (const auto& d : r.diagnostics) {
    if (d.line == line && d.column == column && d.severity == severity && d.message.find(text) != std::string::npos) {
      return ::testing::AssertionSuccess();
    }
  }
  return ::testing::AssertionFailure() << "no " << (severity == Diagnostic::Severity::Error ? "error" : "warning")
                                       << " at " << line << ":" << column << " containing '" << text << "'; got:\n"
                                       << dump(r);
}

inline ::testing::AssertionResult has_warning(const LoadResult& r, int line, int column, std::string_view text) {
  return has_diag(r, line, column, text, Diagnostic::Severity::Warning);
}

inline size_t count_errors(const LoadResult& r) {
  size_t n = 0;
  for (const auto& d : r.diagnostics) n += d.severity == Diagnostic::Severity::Error ? 1 : 0;
  return n;
}

// A minimal valid organism to which a test appends one broken section.
inline constexpr std::string_view kBase = R"(organism: { name: t }
payloads:
  Msg: { text: string, count: int }
  Other: { note: string }
listeners:
  - name: a
    payload_class: Msg
    handler: output
    description: A
  - name: b
    payload_class: Msg
    handler: output
    description: B
)";

}  // namespace nextra::flow::testing_util
