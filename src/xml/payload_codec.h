#pragma once
// Payloads <-> XML in the library's "xmlify" encoding:
//   <Greeting><Name>Ada</Name></Greeting>
// Root = class name (exact case, no namespace), one child per field named
// Field::xml_name in declaration order, no whitespace between elements. Lists, optionals
// and dicts are wrappers as described in xsd_generator.h; decimals are written as their
// text, bools as true/false, a null optional as an empty element (<Note/>), an empty
// string as <Name></Name>. Everything here is thread-safe.

#include <string>
#include <string_view>

#include "core/result.h"
#include "schema/value.h"
#include "xml/document.h"
#include "xml/xsd_cache.h"

namespace nextra::xml {

// The fast writer: no tree, no libxml2. Text is escaped (escape.h), so any string value
// yields well-formed XML. The payload should satisfy schema::check_record(); a value whose
// kind does not match its field's type is written through Value::to_text() rather than
// rejected (the writer never fails).
void append_payload_xml(const schema::Payload& payload, std::string& out);
std::string payload_to_xml(const schema::Payload& payload);
// The same for a record anywhere in a value (root element = its class name).
void append_record_xml(const schema::Record& record, std::string& out);

// Decodes an element tree (normally one the class's XSD has accepted) into a payload of
// `cls`. Scalars go through schema::scalar_from_text. Errors: SchemaViolation naming the
// offending element path in Error::field (for example "Order.items[1].qty").
Result<schema::Payload> payload_from_node(ElementRef element, const schema::PayloadClass& cls);

// Strict parse of a bare payload document (the CLI's --payload), then: the root's local
// name must be a class of the schema ("unknown payload class 'X'", NotFound), the root must
// be in no namespace, the document must validate against the class's generated XSD
// (SchemaViolation) and decode. Parse errors are MalformedXml / ResourceExhausted.
Result<schema::PayloadPtr> parse_payload(std::string_view xml, const XsdCache& cache,
                                         const ParseLimits& limits = {});
// As above, with the XSDs cached process-wide by text (compile_xsd_cached). For one-off
// callers; a long-lived component should keep an XsdCache.
Result<schema::PayloadPtr> parse_payload(std::string_view xml, const schema::Schema& schema,
                                         const ParseLimits& limits = {});

}  // namespace nextra::xml
