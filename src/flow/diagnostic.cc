#include "flow/diagnostic.h"

namespace nextra::flow {

std::string format_diagnostic(const std::string& file, const Diagnostic& d) {
  // Editors and CI annotators parse FILE:LINE:COL; a position of 0 would not jump anywhere.
  int line = d.line > 0 ? d.line : 1;
  int column = d.column > 0 ? d.column : 1;
  std::string out = file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
  if (d.severity == Diagnostic::Severity::Warning) out += "warning: ";
  out += d.message;
  return out;
}

}  // namespace nextra::flow
