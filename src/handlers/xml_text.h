#pragma once
// A minimal payload-to-XML writer for the template filter xml_each (docs/templates.md).
// It follows the xmlify encoding of the wire format (xml-pipeline-semantics.md §1): root =
// class name, one child per field named by its xml_name, lists as wrappers of items named
// by TypeRef::wire_item_name, dicts as <Item><Key/><Val/></Item>, optionals as a wrapper
// with one child (empty when null). The full XML stack lives in src/xml; this exists so the
// handlers library does not depend on libxml2.

#include <string>
#include <string_view>

#include "schema/value.h"

namespace nextra::handlers {

// Escapes &, <, > (and \r, which a parser would otherwise normalise away). Characters XML
// 1.0 cannot carry (C0 controls other than tab/newline, broken UTF-8) become U+FFFD.
void append_xml_escaped(std::string_view text, std::string& out);

// <Class><Field>..</Field>...</Class>, no whitespace, no namespace.
void append_record_xml(const schema::Record& record, std::string& out);

// <Class><Field>text</Field></Class> for one scalar; `field_xml_name` is already PascalCase.
void append_scalar_xml(std::string_view class_name, std::string_view field_xml_name,
                       const schema::Value& scalar, std::string& out);

// True when `name` can be used as an element name (ASCII letters, digits, '_', '-', '.';
// not starting with a digit, '-' or '.').
bool is_xml_name(std::string_view name);

}  // namespace nextra::handlers
