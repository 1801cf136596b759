#pragma once
// Text and compact-JSON forms of schema values, written straight into an output buffer.
// Same shapes as schema::Value::to_text, except that containers keep their declaration /
// insertion order and decimals keep their exact digits (nlohmann's dump sorts keys and
// goes through double).

#include <string>
#include <string_view>

#include "schema/value.h"

namespace nextra::schema {

// Strings as they are, numbers in canonical form, bools true/false, null empty,
// containers as compact JSON.
void append_text(const schema::Value& v, std::string& out);
// Compact JSON. Records become objects keyed by field name; invalid UTF-8 becomes U+FFFD.
void append_json(const schema::Value& v, std::string& out);
void append_json_string(std::string_view s, std::string& out);
// A decimal's lexical form as a JSON number ("+.5" -> "0.5").
void append_json_decimal(std::string_view text, std::string& out);

}  // namespace nextra::schema
