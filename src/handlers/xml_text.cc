#include "handlers/xml_text.h"

#include "schema/value_text.h"
#include "xml/escape.h"

namespace nextra::handlers {

void append_scalar_xml(std::string_view class_name, std::string_view field_xml_name, const schema::Value& scalar,
                       std::string& out) {
  std::string text;
  schema::append_text(scalar, text);
  out.append("<").append(class_name).append("><").append(field_xml_name).append(">");
  xml::append_escaped_text(text, out);
  out.append("</").append(field_xml_name).append("></").append(class_name).append(">");
}

bool is_xml_name(std::string_view name) {
  if (name.empty()) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!alpha(name[0])) return false;
  for (char c : name) {
    if (!(alpha(c) || (c >= '0' && c <= '9') || c == '-' || c == '.')) return false;
  }
  return true;
}

}  // namespace nextra::handlers
