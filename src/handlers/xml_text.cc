#include "handlers/xml_text.h"

#include "schema/utf8.h"
#include "schema/value_text.h"

namespace nextra::handlers {
namespace utf8 = schema::utf8;
namespace {

void open_tag(std::string_view name, std::string& out) {
  out.push_back('<');
  out.append(name);
  out.push_back('>');
}

void close_tag(std::string_view name, std::string& out) {
  out += "</";
  out.append(name);
  out.push_back('>');
}

void append_typed(std::string_view name, const schema::TypeRef& type, const schema::Value& v, std::string& out);

void append_fields(const schema::Record& r, std::string& out) {
  if (!r.cls) return;
  for (size_t i = 0; i < r.cls->fields.size() && i < r.fields.size(); ++i) {
    const auto& f = r.cls->fields[i];
    append_typed(f.xml_name, f.type, r.fields[i], out);
  }
}

void append_typed(std::string_view name, const schema::TypeRef& type, const schema::Value& v, std::string& out) {
  using schema::TypeKind;
  if (v.is_null()) {
    open_tag(name, out);
    close_tag(name, out);
    return;
  }
  open_tag(name, out);
  switch (type.kind) {
    case TypeKind::List:
      if (v.is<schema::List>()) {
        std::string item = type.element->wire_item_name();
        for (const auto& e : v.as<schema::List>()) append_typed(item, *type.element, e, out);
      }
      break;
    case TypeKind::Optional:
      append_typed(type.element->wire_item_name(), *type.element, v, out);
      break;
    case TypeKind::Dict:
      if (v.is<schema::Dict>()) {
        for (const auto& [k, val] : v.as<schema::Dict>()) {
          out += "<Item><Key>";
          append_xml_escaped(k, out);
          out += "</Key><Val>";
          append_xml_escaped(val, out);
          out += "</Val></Item>";
        }
      }
      break;
    case TypeKind::Class:
      if (v.is<schema::Record>()) append_fields(v.as<schema::Record>(), out);
      break;
    default: {
      std::string text;
      append_text(v, text);
      append_xml_escaped(text, out);
    }
  }
  close_tag(name, out);
}

}  // namespace

void append_xml_escaped(std::string_view s, std::string& out) {
  size_t run = 0;
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      size_t len = 1;
      if (utf8::valid_at(s, i, &len)) {
        i += len;
        continue;
      }
      out.append(s.data() + run, i - run);
      out += "\xEF\xBF\xBD";
      run = ++i;
      continue;
    }
    const char* rep = nullptr;
    switch (c) {
      case '&': rep = "&amp;"; break;
      case '<': rep = "&lt;"; break;
      case '>': rep = "&gt;"; break;
      case '\r': rep = "&#13;"; break;
      case '\t': case '\n': break;
      default:
        if (c < 0x20) rep = "\xEF\xBF\xBD";
    }
    if (!rep) {
      ++i;
      continue;
    }
    out.append(s.data() + run, i - run);
    out += rep;
    run = ++i;
  }
  out.append(s.data() + run, s.size() - run);
}

void append_record_xml(const schema::Record& record, std::string& out) {
  std::string_view name = record.cls ? std::string_view(record.cls->name) : std::string_view("Record");
  open_tag(name, out);
  append_fields(record, out);
  close_tag(name, out);
}

void append_scalar_xml(std::string_view class_name, std::string_view field_xml_name, const schema::Value& scalar,
                       std::string& out) {
  open_tag(class_name, out);
  open_tag(field_xml_name, out);
  std::string text;
  append_text(scalar, text);
  append_xml_escaped(text, out);
  close_tag(field_xml_name, out);
  close_tag(class_name, out);
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
