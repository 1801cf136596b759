#pragma once
// Loads an organism.yaml (xml-pipeline-semantics.md §3, decisions.md §2) into an
// OrganismSpec and checks it: syntax, limits, unknown and duplicate keys, payload classes,
// listeners and their handlers, transform and branch rules, peer tables and triggers.
// Every problem found is reported (not only the first), each with a 1-based line and
// column and a field path, so `nextra validate` can print them all in one go.
// Pure functions of their input; safe to call from any thread. Never throws.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "flow/diagnostic.h"
#include "flow/organism.h"

namespace nextra::flow {

// Bounds on what a flow file may ask of the loader; exceeding one is an error diagnostic.
struct LoadLimits {
  size_t max_bytes = 1 << 20;
  int max_depth = 64;  // nesting of mappings and sequences, the top-level mapping being 1
  size_t max_listeners = 1000;
  size_t max_classes = 1000;
  size_t max_fields_per_class = 256;
  size_t max_diagnostics = 1000;  // further problems are summarised in one last error
};

struct LoadResult {
  std::optional<OrganismSpec> organism;  // set iff `diagnostics` holds no error
  Diagnostics diagnostics;               // errors and warnings, in document order per section
  bool ok() const { return organism.has_value(); }
};

// Parses and validates organism.yaml text. The resulting schema is linked.
LoadResult load_organism(std::string_view yaml_text, const LoadLimits& limits = {});

// Reads `path` and calls load_organism. A file that cannot be read, or is larger than
// limits.max_bytes, gives one error diagnostic at line 0 (printed as 1:1).
LoadResult load_organism_file(const std::string& path, const LoadLimits& limits = {});

}  // namespace nextra::flow
