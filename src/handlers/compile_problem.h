#pragma once
// How the handler compilers report a problem found at load time: as a Diagnostic for
// `nextra validate` (when a list is given) and as an Error for the caller, both positioned.

#include <string>
#include <vector>

#include "core/result.h"
#include "flow/diagnostic.h"
#include "flow/organism.h"

namespace nextra::handlers {

inline void note_problem(flow::Diagnostics* diags, std::vector<Error>* errors, flow::SourcePos pos, std::string field,
                         std::string msg) {
  if (diags) diags->push_back(flow::Diagnostic{flow::Diagnostic::Severity::Error, pos.line, pos.column, field, msg});
  Error e = Error::invalid(std::move(msg));
  e.field = std::move(field);
  e.line = pos.line;
  e.column = pos.column;
  errors->push_back(std::move(e));
}

}  // namespace nextra::handlers
