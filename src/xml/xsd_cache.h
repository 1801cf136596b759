#pragma once
// Compiled payload XSDs, one per class, compiled on first use. Compiling a generated XSD
// costs far more than validating against it, so every path that validates payloads (the
// ingress pipeline, parse_payload) goes through a cache. Thread-safe: lookups take a shared
// lock; a miss compiles outside the lock and the first result stored wins.

#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "core/result.h"
#include "schema/types.h"
#include "xml/xsd.h"

namespace nextra::xml {

class XsdCache {
 public:
  // Shares ownership of the schema: PayloadClass pointers used as keys stay valid.
  explicit XsdCache(std::shared_ptr<const schema::Schema> schema);
  // Does not own the schema. REQUIRES: `schema` outlives the cache.
  explicit XsdCache(const schema::Schema& schema);

  const schema::Schema& schema() const { return *schema_view_; }

  // The compiled XSD of generate_xsd(cls). REQUIRES: `cls` belongs to this cache's schema.
  // Errors: InvalidArgument if the generated XSD does not compile (a bug, not bad input).
  Result<std::shared_ptr<const CompiledXsd>> get(const schema::PayloadClass& cls) const;

  // Compiles every class now, so that the first messages do not pay for it.
  Status compile_all() const;

 private:
  std::shared_ptr<const schema::Schema> schema_;
  const schema::Schema* schema_view_;
  mutable std::shared_mutex mu_;
  mutable std::unordered_map<const schema::PayloadClass*, std::shared_ptr<const CompiledXsd>> compiled_;  // guarded by mu_
};

// A process-wide cache keyed by XSD text, for callers that hold a Schema but no XsdCache
// (agent and code-block outputs, buffer/sequence primitives, one-off CLI calls). Bounded:
// past 256 schemas the least recently used one is forgotten.
Result<std::shared_ptr<const CompiledXsd>> compile_xsd_cached(const std::string& xsd_text);

}  // namespace nextra::xml
