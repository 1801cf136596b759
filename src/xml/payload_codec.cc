#include "xml/payload_codec.h"

#include <charconv>

#include "xml/escape.h"
#include "xml/xsd_generator.h"

namespace nextra::xml {
namespace {

using schema::Decimal;
using schema::Dict;
using schema::List;
using schema::PayloadClass;
using schema::Record;
using schema::TypeKind;
using schema::TypeRef;
using schema::Value;

// ---- writing ----

void write_int(std::int64_t v, std::string& out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, static_cast<size_t>(end - buf));
}

void write_scalar(const TypeRef& type, const Value& v, std::string& out) {
  if (v.is<std::string>()) return append_escaped_text(v.as<std::string>(), out);
  if (v.is<std::int64_t>()) return write_int(v.as<std::int64_t>(), out);
  if (v.is<bool>()) {
    out += v.as<bool>() ? "true" : "false";
    return;
  }
  if (v.is<Decimal>()) return append_escaped_text(v.as<Decimal>().text, out);
  (void)type;
  append_escaped_text(v.to_text(), out);
}

void write_element(std::string_view name, const TypeRef& type, const Value& v, std::string& out);

void write_record_fields(const Record& r, std::string& out) {
  if (r.cls == nullptr) return;
  const auto& fields = r.cls->fields;
  for (size_t i = 0; i < fields.size(); ++i) {
    static const Value kNull;
    write_element(fields[i].xml_name, fields[i].type, i < r.fields.size() ? r.fields[i] : kNull, out);
  }
}

void write_children(const TypeRef& type, const Value& v, std::string& out) {
  switch (type.kind) {
    case TypeKind::List:
      if (v.is<List>()) {
        const auto item = type.element->wire_item_name();
        for (const auto& e : v.as<List>()) write_element(item, *type.element, e, out);
      }
      return;
    case TypeKind::Optional:
      if (!v.is_null()) write_element(type.element->wire_item_name(), *type.element, v, out);
      return;
    case TypeKind::Dict:
      if (v.is<Dict>()) {
        for (const auto& [k, val] : v.as<Dict>()) {
          out += "<Item><Key>";
          append_escaped_text(k, out);
          out += "</Key><Val>";
          append_escaped_text(val, out);
          out += "</Val></Item>";
        }
      }
      return;
    case TypeKind::Class:
      if (v.is<Record>()) write_record_fields(v.as<Record>(), out);
      return;
    default:
      return;
  }
}

void write_element(std::string_view name, const TypeRef& type, const Value& v, std::string& out) {
  out += '<';
  out += name;
  bool scalar = type.kind == TypeKind::String || type.kind == TypeKind::Int || type.kind == TypeKind::Decimal ||
                type.kind == TypeKind::Bool;
  if (scalar) {
    out += '>';
    write_scalar(type, v, out);
  } else {
    size_t open_end = out.size();
    out += '>';
    write_children(type, v, out);
    if (out.size() == open_end + 1) {  // no children: <Name/>
      out.back() = '/';
      out += '>';
      return;
    }
  }
  out += "</";
  out += name;
  out += '>';
}

// ---- reading ----

Error decode_error(const std::string& path, const std::string& what) {
  Error e = Error::make(ErrorCode::SchemaViolation, path + ": " + what);
  e.field = path;
  return e;
}

Result<Value> decode_content(ElementRef el, const TypeRef& type, const std::string& path);

Result<Record> decode_record(ElementRef el, const PayloadClass& cls, const std::string& path) {
  Record r;
  r.cls = &cls;
  r.fields.reserve(cls.fields.size());
  ElementRef child = el.first_child();
  for (const auto& f : cls.fields) {
    std::string field_path = path + "." + f.name;
    if (!child) return decode_error(field_path, "missing element <" + f.xml_name + ">");
    if (child.local_name() != f.xml_name || !child.namespace_uri().empty()) {
      return decode_error(field_path, "expected <" + f.xml_name + ">, found <" + std::string(child.local_name()) + ">");
    }
    NEXTRA_ASSIGN_OR_RETURN(Value v, decode_content(child, f.type, field_path));
    r.fields.push_back(std::move(v));
    child = child.next_sibling();
  }
  if (child) return decode_error(path, "unexpected element <" + std::string(child.local_name()) + ">");
  return r;
}

Result<Value> decode_scalar(ElementRef el, const TypeRef& type, const std::string& path) {
  if (el.has_child_elements()) return decode_error(path, "a " + type.spelling() + " must not contain elements");
  auto v = schema::scalar_from_text(type, el.text());
  if (!v.ok()) return decode_error(path, v.error().message);
  return v;
}

Result<Value> decode_item(ElementRef child, const TypeRef& item_type, const std::string& path) {
  auto expected = item_type.wire_item_name();
  if (child.local_name() != expected || !child.namespace_uri().empty()) {
    return decode_error(path, "expected <" + expected + ">, found <" + std::string(child.local_name()) + ">");
  }
  return decode_content(child, item_type, path);
}

Result<Value> decode_dict(ElementRef el, const std::string& path) {
  Dict d;
  size_t i = 0;
  for (auto item = el.first_child(); item; item = item.next_sibling(), ++i) {
    std::string item_path = path + "[" + std::to_string(i) + "]";
    if (item.local_name() != "Item") return decode_error(item_path, "expected <Item>");
    auto key = item.first_child();
    auto val = key ? key.next_sibling() : ElementRef();
    if (!key || key.local_name() != "Key" || !val || val.local_name() != "Val" || val.next_sibling()) {
      return decode_error(item_path, "an <Item> holds exactly <Key> then <Val>");
    }
    if (key.has_child_elements() || val.has_child_elements()) {
      return decode_error(item_path, "<Key> and <Val> hold text only");
    }
    d.emplace_back(key.text(), val.text());
  }
  return Value(std::move(d));
}

Result<Value> decode_content(ElementRef el, const TypeRef& type, const std::string& path) {
  switch (type.kind) {
    case TypeKind::String:
    case TypeKind::Int:
    case TypeKind::Decimal:
    case TypeKind::Bool:
      return decode_scalar(el, type, path);
    case TypeKind::List: {
      List l;
      size_t i = 0;
      for (auto c = el.first_child(); c; c = c.next_sibling(), ++i) {
        NEXTRA_ASSIGN_OR_RETURN(Value v, decode_item(c, *type.element, path + "[" + std::to_string(i) + "]"));
        l.push_back(std::move(v));
      }
      return Value(std::move(l));
    }
    case TypeKind::Optional: {
      auto c = el.first_child();
      if (!c) return Value();
      if (c.next_sibling()) return decode_error(path, "an optional holds at most one element");
      return decode_item(c, *type.element, path);
    }
    case TypeKind::Dict:
      return decode_dict(el, path);
    case TypeKind::Class: {
      if (type.cls == nullptr) return decode_error(path, "class '" + type.class_name + "' is not linked");
      NEXTRA_ASSIGN_OR_RETURN(Record r, decode_record(el, *type.cls, path));
      return Value(std::move(r));
    }
  }
  return decode_error(path, "unknown type");
}

}  // namespace

void append_payload_xml(const schema::Payload& payload, std::string& out) { append_record_xml(payload.record, out); }

void append_record_xml(const schema::Record& record, std::string& out) {
  if (record.cls == nullptr) return;
  const auto& name = record.cls->name;
  size_t open_end = out.size() + 1 + name.size();
  out += '<';
  out += name;
  out += '>';
  write_record_fields(record, out);
  if (out.size() == open_end + 1) {
    out[open_end] = '/';
    out += '>';
    return;
  }
  out += "</";
  out += name;
  out += '>';
}

std::string payload_to_xml(const schema::Payload& payload) {
  std::string out;
  out.reserve(128);
  append_payload_xml(payload, out);
  return out;
}

Result<schema::Payload> payload_from_node(ElementRef element, const PayloadClass& cls) {
  if (!element) return decode_error(cls.name, "no element");
  if (element.local_name() != cls.name || !element.namespace_uri().empty()) {
    return decode_error(cls.name, "expected root <" + cls.name + ">, found <" + std::string(element.local_name()) + ">");
  }
  NEXTRA_ASSIGN_OR_RETURN(Record r, decode_record(element, cls, cls.name));
  return schema::Payload{std::move(r)};
}

namespace {

template <typename CompileFn>
Result<schema::PayloadPtr> parse_payload_with(std::string_view xml, const schema::Schema& schema,
                                              const ParseLimits& limits, CompileFn&& compile) {
  NEXTRA_ASSIGN_OR_RETURN(Document doc, parse(xml, /*recover=*/false, limits));
  ElementRef root = doc.root();
  const PayloadClass* cls = schema.find(root.local_name());
  if (cls == nullptr) {
    return Error::make(ErrorCode::NotFound, "unknown payload class '" + std::string(root.local_name()) + "'");
  }
  if (!root.namespace_uri().empty()) {
    return Error::make(ErrorCode::SchemaViolation, "payload <" + cls->name + "> must be in no namespace, not '" +
                                                       std::string(root.namespace_uri()) + "'");
  }
  NEXTRA_ASSIGN_OR_RETURN(auto xsd, compile(*cls));
  NEXTRA_TRY(xsd->validate(doc));
  NEXTRA_ASSIGN_OR_RETURN(schema::Payload payload, payload_from_node(root, *cls));
  return std::make_shared<const schema::Payload>(std::move(payload));
}

}  // namespace

Result<schema::PayloadPtr> parse_payload(std::string_view xml, const XsdCache& cache, const ParseLimits& limits) {
  return parse_payload_with(xml, cache.schema(), limits, [&](const PayloadClass& cls) { return cache.get(cls); });
}

Result<schema::PayloadPtr> parse_payload(std::string_view xml, const schema::Schema& schema,
                                         const ParseLimits& limits) {
  return parse_payload_with(xml, schema, limits,
                            [](const PayloadClass& cls) { return compile_xsd_cached(generate_xsd(cls)); });
}

}  // namespace nextra::xml
