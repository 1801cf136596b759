#include <algorithm>
#include <cstdio>

#include "cli/commands.h"
#include "flow/loader.h"
#include "llm/validate.h"
#include "pump/pump.h"

namespace nextra::cli {

int validate_command(const std::vector<std::string>& args) {
  if (args.size() != 1 || args[0].empty() || args[0][0] == '-') {
    std::fputs("usage: nextra validate FLOW.yaml\n", stderr);
    return kExitBadInput;
  }
  const std::string& file = args[0];
  auto loaded = flow::load_organism_file(file);
  flow::Diagnostics diags = loaded.diagnostics;
  if (loaded.organism) {
    pump::check_organism(*loaded.organism, &diags);
    llm::check_llm_section(*loaded.organism, &diags);
  }
  std::stable_sort(diags.begin(), diags.end(), [](const flow::Diagnostic& a, const flow::Diagnostic& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  // Problems go to stdout, one per line, like other linters: easy to grep and to parse.
  for (const auto& d : diags) std::printf("%s\n", flow::format_diagnostic(file, d).c_str());
  if (flow::has_errors(diags)) return kExitBadInput;
  std::fprintf(stderr, "%s: valid (%zu listeners)\n", file.c_str(), loaded.organism->listeners.size());
  return kExitOk;
}

}  // namespace nextra::cli
