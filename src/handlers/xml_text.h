#pragma once
// XML pieces for the template filter xml_each (docs/templates.md). Records are written by the
// payload codec (xml/payload_codec.h); this adds the one-scalar wrapper and a name check.

#include <string>
#include <string_view>

#include "schema/value.h"

namespace nextra::handlers {

// <Class><Field>text</Field></Class> for one scalar; `field_xml_name` is already PascalCase.
void append_scalar_xml(std::string_view class_name, std::string_view field_xml_name,
                       const schema::Value& scalar, std::string& out);

// True when `name` can be used as an element name (ASCII letters, digits, '_', '-', '.';
// not starting with a digit, '-' or '.').
bool is_xml_name(std::string_view name);

}  // namespace nextra::handlers
