#include "llm/validate.h"

#include "llm/config.h"

namespace nextra::llm {

void check_llm_section(const flow::OrganismSpec& spec, flow::Diagnostics* out) {
  auto it = spec.sections.find("llm");
  if (it == spec.sections.end()) return;
  auto parsed = parse_llm_config(it->second);
  if (parsed.ok()) return;
  const Error& e = parsed.error();
  flow::Diagnostic d;
  d.severity = flow::Diagnostic::Severity::Error;
  d.line = e.line;
  d.column = e.column;
  d.field = e.field.empty() ? "llm" : e.field;
  d.message = e.message;
  out->push_back(std::move(d));
}

}  // namespace nextra::llm
