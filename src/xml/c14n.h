#pragma once
// Exclusive XML Canonicalization 1.0 (without comments), the form the ingress pipeline
// re-parses so that equivalent inputs (attribute order, quoting, empty-element spelling,
// unused namespace declarations, CDATA) become one byte sequence. Thread-safe.

#include <string>

#include "core/result.h"
#include "xml/document.h"

namespace nextra::xml {

// REQUIRES: `doc` is not empty. Errors: MalformedXml when libxml2 cannot canonicalise the
// tree (for example an unresolved entity reference left by a repaired parse).
Result<std::string> exclusive_c14n(const Document& doc);

}  // namespace nextra::xml
