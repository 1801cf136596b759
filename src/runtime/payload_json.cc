#include "runtime/payload_json.h"

#include "schema/value_text.h"
#include "xml/escape.h"

namespace nextra::runtime {
namespace {

Error at(const std::string& path, std::string message) {
  Error e = Error::invalid(path + ": " + message);
  e.field = path;
  return e;
}

Status append_value(const schema::TypeRef& type, const nlohmann::json& v, const std::string& path, std::string& out,
                    int depth);

Status append_record(const schema::PayloadClass& cls, const nlohmann::json& obj, const std::string& path,
                     std::string& out, int depth) {
  if (depth > 32) return at(path, "nested too deeply");
  if (!obj.is_object()) return at(path, "must be a JSON object");
  for (const auto& [k, _] : obj.items()) {
    if (!cls.find_field(k)) return at(path.empty() ? k : path + "." + k, "is not a field of " + cls.name);
  }
  out += '<';
  out += cls.name;
  out += '>';
  for (const auto& f : cls.fields) {
    const std::string fpath = path.empty() ? f.name : path + "." + f.name;
    auto it = obj.find(f.name);
    out += '<';
    out += f.xml_name;
    out += '>';
    if (it == obj.end() || it->is_null()) {
      if (f.type.kind != schema::TypeKind::Optional && f.type.kind != schema::TypeKind::List &&
          f.type.kind != schema::TypeKind::Dict) {
        return at(fpath, "is required");
      }
    } else {
      NEXTRA_TRY(append_value(f.type, *it, fpath, out, depth + 1));
    }
    out += "</";
    out += f.xml_name;
    out += '>';
  }
  out += "</";
  out += cls.name;
  out += '>';
  return {};
}

Status append_scalar(const schema::TypeRef& type, const nlohmann::json& v, const std::string& path, std::string& out) {
  switch (type.kind) {
    case schema::TypeKind::String:
      if (!v.is_string()) return at(path, "must be a string");
      xml::append_escaped_text(v.get<std::string>(), out);
      return {};
    case schema::TypeKind::Int:
      if (!v.is_number_integer()) return at(path, "must be an integer");
      out += v.dump();
      return {};
    case schema::TypeKind::Decimal:
      if (v.is_number()) {
        out += v.dump();
      } else if (v.is_string()) {  // exact decimals travel as strings ("12.50")
        xml::append_escaped_text(v.get<std::string>(), out);
      } else {
        return at(path, "must be a number");
      }
      return {};
    case schema::TypeKind::Bool:
      if (!v.is_boolean()) return at(path, "must be true or false");
      out += v.get<bool>() ? "true" : "false";
      return {};
    default:
      return at(path, "unsupported type");
  }
}

Status append_value(const schema::TypeRef& type, const nlohmann::json& v, const std::string& path, std::string& out,
                    int depth) {
  if (depth > 32) return at(path, "nested too deeply");
  switch (type.kind) {
    case schema::TypeKind::List: {
      if (!v.is_array()) return at(path, "must be an array");
      const auto item = type.element->wire_item_name();
      std::size_t i = 0;
      for (const auto& e : v) {
        out += '<' + item + '>';
        if (type.element->kind == schema::TypeKind::Class) {
          // A class item's element is the record itself: write its fields inside <Item>.
          std::string inner;
          NEXTRA_TRY(append_record(*type.element->cls, e, path + "[" + std::to_string(i) + "]", inner, depth + 1));
          auto open = inner.find('>');
          auto close = inner.rfind("</");
          out += inner.substr(open + 1, close - open - 1);
        } else {
          NEXTRA_TRY(append_value(*type.element, e, path + "[" + std::to_string(i) + "]", out, depth + 1));
        }
        out += "</" + item + '>';
        ++i;
      }
      return {};
    }
    case schema::TypeKind::Optional: {
      if (v.is_null()) return {};
      const auto item = type.element->wire_item_name();
      out += '<' + item + '>';
      if (type.element->kind == schema::TypeKind::Class) {
        std::string inner;
        NEXTRA_TRY(append_record(*type.element->cls, v, path, inner, depth + 1));
        auto open = inner.find('>');
        auto close = inner.rfind("</");
        out += inner.substr(open + 1, close - open - 1);
      } else {
        NEXTRA_TRY(append_value(*type.element, v, path, out, depth + 1));
      }
      out += "</" + item + '>';
      return {};
    }
    case schema::TypeKind::Dict: {
      if (!v.is_object()) return at(path, "must be an object of strings");
      for (const auto& [k, val] : v.items()) {
        if (!val.is_string()) return at(path + "." + k, "must be a string");
        out += "<Item><Key>";
        xml::append_escaped_text(k, out);
        out += "</Key><Val>";
        xml::append_escaped_text(val.get<std::string>(), out);
        out += "</Val></Item>";
      }
      return {};
    }
    case schema::TypeKind::Class: {
      std::string inner;
      NEXTRA_TRY(append_record(*type.cls, v, path, inner, depth + 1));
      auto open = inner.find('>');
      auto close = inner.rfind("</");
      out += inner.substr(open + 1, close - open - 1);
      return {};
    }
    default:
      return append_scalar(type, v, path, out);
  }
}

}  // namespace

Result<std::string> json_to_payload_xml(const schema::PayloadClass& cls, const nlohmann::json& body) {
  std::string out;
  NEXTRA_TRY(append_record(cls, body, "", out, 0));
  return out;
}

nlohmann::json payload_to_json(const schema::Payload& payload) {
  std::string text;
  schema::append_json(schema::Value(payload.record), text);
  auto j = nlohmann::json::parse(text, nullptr, false);
  return j.is_discarded() ? nlohmann::json(nullptr) : j;
}

}  // namespace nextra::runtime
