#pragma once
// The `tool:convert` handler: ConvertRequest{operation, input, expression?} ->
// ConvertResponse{operation, output, error} (xml-pipeline-semantics.md §10). The original
// converts with xmltodict and lxml; this does the same three jobs with libxml2 and
// nlohmann::json, and treats the input as hostile: no DTDs (a DOCTYPE is refused before
// libxml2 sees it, so no entity is ever expanded and nothing is fetched), no network, size
// and depth limits, and an operation budget for XPath.
//
// Operations:
//   xml_to_json  element -> {"tag": value}; text-only element -> string; empty element ->
//                null; attributes -> "@name"; repeated child tags -> array; text mixed
//                with child elements -> "#text" (trimmed). Output is compact JSON.
//   json_to_xml  the reverse: an object with exactly one key (the root tag); "@x" ->
//                attribute, "#text" -> text, arrays -> repeated elements, numbers and
//                booleans -> their JSON text, null -> empty element. No XML declaration.
//   xpath        evaluates `expression` (XPath 1.0) on the input XML: a node-set gives each
//                node's string value joined by "\n"; a number, boolean or string gives its
//                XPath string() form ("3", "2.5", "true").

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.h"
#include "schema/value.h"

namespace nextra::handlers {

struct ConvertResult {
  std::string operation;  // the requested operation, echoed
  std::string output;     // the converted text; empty on error
  std::string error;      // empty on success ("invalid XPath expression", ...)
};

inline constexpr size_t kMaxConvertInput = 1 << 20;       // bytes of XML or JSON in
inline constexpr size_t kMaxConvertOutput = 4 << 20;      // bytes of text out
inline constexpr int kMaxConvertDepth = 64;               // element / JSON nesting
inline constexpr size_t kMaxConvertExpression = 1000;     // characters of XPath
inline constexpr size_t kMaxConvertNodes = 1000;          // nodes in an XPath node-set
inline constexpr unsigned long kMaxConvertXPathOps = 10'000'000;  // libxml2 XPath op budget

// Never throws; every failure is reported in `error`. `expression` is used by xpath only.
ConvertResult run_convert(std::string_view operation, std::string_view input, std::string_view expression);

// Builds the ConvertResponse payload answering a ConvertRequest payload.
// Errors: InvalidArgument when `request` is not a ConvertRequest; Internal when the schema
// has no ConvertResponse class (it is built in, so that means a broken schema).
Result<schema::PayloadPtr> convert_response(const schema::Payload& request, const schema::Schema& schema);

}  // namespace nextra::handlers
