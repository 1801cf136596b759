#pragma once
// A compiled XML Schema. Compile once (the XSD text is parsed with the same hardened
// parser as messages, and nothing is ever loaded from a file or the network: xs:include,
// xs:import and xs:redefine with a location fail), then validate from any number of
// threads: the compiled schema is only read, and each call borrows a libxml2 validation
// context of its own from a small pool (creating one costs about as much as validating a
// small payload).

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "xml/document.h"

struct _xmlSchema;            // NOLINT(bugprone-reserved-identifier)
struct _xmlSchemaValidCtxt;  // NOLINT(bugprone-reserved-identifier)

namespace nextra::xml {

class CompiledXsd {
 public:
  // Errors: MalformedXml (the text is not well-formed XML), InvalidArgument (not a valid
  // schema; libxml2's messages joined as "LEVEL: msg (line N)").
  static Result<std::shared_ptr<const CompiledXsd>> compile(std::string_view xsd_text);

  ~CompiledXsd();
  CompiledXsd(const CompiledXsd&) = delete;
  CompiledXsd& operator=(const CompiledXsd&) = delete;

  // Validates the whole document (its root must be a global element of this schema).
  // Errors: SchemaViolation with every problem as "LEVEL: msg (line N)", one per line,
  // and the first problem's line; Internal if libxml2 could not run the validation.
  Status validate(const Document& doc) const;

  // Validates one element subtree as if it were the document root: how the ingress checks
  // the payload inside an envelope without copying it out. REQUIRES: `element` belongs to a
  // live Document. Errors as validate().
  Status validate_element(ElementRef element) const;

  const std::string& text() const { return text_; }

 private:
  class Lease;
  CompiledXsd() = default;

  std::string text_;
  Document doc_;  // the schema document; libxml2's compiled schema keeps pointers into it
  _xmlSchema* schema_ = nullptr;
  mutable std::mutex pool_mu_;
  mutable std::vector<_xmlSchemaValidCtxt*> pool_;  // idle contexts; guarded by pool_mu_
};

}  // namespace nextra::xml
