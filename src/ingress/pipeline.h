#pragma once
// The ingress pipeline: bytes from outside -> a typed, routed-ready Envelope, running the
// steps of steps.h in one pass: repair, exclusive C14N + re-parse, envelope XSD, payload
// extraction, thread assignment, payload XSD + decode. The library's multi-payload split
// (step 6) is left out: after a successful repair it never splits (§16.1), and an envelope
// with several payloads is rejected by envelope.xsd and by extraction.
//
// Envelopes the pump builds itself never come through here: they are canonical and their
// payloads already checked (performance-budget.md). Thread-safety: process() is const and
// may run on any number of threads at once; compiled XSDs are shared through the cache.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "ingress/steps.h"
#include "schema/types.h"
#include "schema/value.h"
#include "xml/document.h"
#include "xml/xsd_cache.h"

namespace nextra::ingress {

// A message that passed every ingress step.
struct Envelope {
  std::string from;
  std::string to;      // as sent (trimmed); lower-case it for routing keys
  std::string thread;  // canonical UUID; new if the sender's was missing or invalid
  schema::PayloadPtr payload;
  std::vector<std::string> diagnostics;  // e.g. a replaced thread id, a repaired input
};

class Pipeline {
 public:
  explicit Pipeline(std::shared_ptr<const schema::Schema> schema, xml::ParseLimits limits = {});

  // Runs every step on `bytes` (not retained). Errors are the first failing step's, with
  // its prefix (see steps.h): MalformedXml, ResourceExhausted, SchemaViolation, NotFound,
  // or Internal if the envelope XSD failed to compile (a bug).
  Result<Envelope> process(std::string_view bytes, const RouteLookup& route) const;

  // The same steps on a caller-built state; stops at the first error and leaves the state
  // as it was at that point (for tests and tools that want the intermediate results).
  Status run(MessageState& state, const RouteLookup& route) const;

  // Compiles every payload XSD now instead of on first use.
  Status warm_up() const { return xsds_.compile_all(); }

  const schema::Schema& schema() const { return *schema_; }
  const xml::XsdCache& xsd_cache() const { return xsds_; }
  const xml::ParseLimits& limits() const { return limits_; }

 private:
  std::shared_ptr<const schema::Schema> schema_;
  xml::ParseLimits limits_;
  xml::XsdCache xsds_;
  std::shared_ptr<const xml::CompiledXsd> envelope_xsd_;  // null if it failed to compile
  Error envelope_error_;
};

}  // namespace nextra::ingress
