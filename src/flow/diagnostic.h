#pragma once
// A problem found in a flow file, printed by `nextra validate` as FILE:LINE:COL: message
// (warnings as FILE:LINE:COL: warning: message) and returned by the API in `details`.

#include <string>
#include <vector>

namespace nextra::flow {

struct Diagnostic {
  enum class Severity { Error, Warning };
  Severity severity = Severity::Error;
  int line = 0;    // 1-based; 0 = unknown (printed as 1)
  int column = 0;  // 1-based; 0 = unknown (printed as 1)
  std::string field;    // dotted path, e.g. listeners[2].peers[0]
  std::string message;
};

using Diagnostics = std::vector<Diagnostic>;

inline bool has_errors(const Diagnostics& d) {
  for (const auto& x : d) {
    if (x.severity == Diagnostic::Severity::Error) return true;
  }
  return false;
}

// "FILE:LINE:COL: message" (or "FILE:LINE:COL: warning: message").
std::string format_diagnostic(const std::string& file, const Diagnostic& d);

}  // namespace nextra::flow
