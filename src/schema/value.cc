#include "schema/value.h"

#include <charconv>
#include <cstdlib>

#include "schema/value_text.h"

namespace nextra::schema {
namespace {

constexpr int kMaxDecimalDigits = 24;

bool valid_integer_text(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

// xs:decimal lexical space: optional sign, digits, optional '.' and digits, at least one digit.
bool valid_decimal_text(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  bool digits = false, dot = false;
  int significant = 0;  // digits after any leading zeros
  for (; i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9') {
      digits = true;
      if (significant > 0 || s[i] != '0') ++significant;
    } else if (s[i] == '.' && !dot) {
      dot = true;
    } else {
      return false;
    }
  }
  // libxml2's xs:decimal holds at most 24 digits; a longer value would pass here and then
  // fail the XSD at the next ingress, so refuse it in both places.
  return digits && significant <= kMaxDecimalDigits;
}

std::string_view trim_ws(std::string_view s) {
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && ws(s.back())) s.remove_suffix(1);
  return s;
}

Error type_error(const std::string& path, const std::string& what) {
  Error e = Error::make(ErrorCode::SchemaViolation, path + ": " + what);
  e.field = path;
  return e;
}

}  // namespace

double Decimal::to_double() const { return std::strtod(text.c_str(), nullptr); }

const Value* Record::get(std::string_view field_name) const {
  if (!cls) return nullptr;
  int i = cls->field_index(field_name);
  return i < 0 || static_cast<size_t>(i) >= fields.size() ? nullptr : &fields[static_cast<size_t>(i)];
}

Value* Record::get(std::string_view field_name) {
  return const_cast<Value*>(static_cast<const Record*>(this)->get(field_name));
}

std::string Value::to_text() const {
  if (is<std::string>()) return as<std::string>();
  if (is<std::int64_t>()) return std::to_string(as<std::int64_t>());
  if (is<Decimal>()) return as<Decimal>().text;
  if (is<bool>()) return as<bool>() ? "true" : "false";
  if (is_null()) return {};
  std::string out;
  append_json(*this, out);  // declaration order, exact decimals, invalid UTF-8 replaced
  return out;
}

Status check_value(const TypeRef& type, const Value& value, const std::string& path) {
  switch (type.kind) {
    case TypeKind::String:
      if (!value.is<std::string>()) return type_error(path, "expected a string");
      return {};
    case TypeKind::Int:
      if (!value.is<std::int64_t>()) return type_error(path, "expected an int");
      return {};
    case TypeKind::Decimal:
      if (value.is<std::int64_t>()) return {};
      if (!value.is<Decimal>() || !valid_decimal_text(value.as<Decimal>().text)) return type_error(path, "expected a decimal");
      return {};
    case TypeKind::Bool:
      if (!value.is<bool>()) return type_error(path, "expected a bool");
      return {};
    case TypeKind::Dict:
      if (!value.is<Dict>()) return type_error(path, "expected a dict");
      return {};
    case TypeKind::Optional:
      if (value.is_null()) return {};
      return check_value(*type.element, value, path);
    case TypeKind::List: {
      if (!value.is<List>()) return type_error(path, "expected a list");
      const auto& l = value.as<List>();
      for (size_t i = 0; i < l.size(); ++i) NEXTRA_TRY(check_value(*type.element, l[i], path + "[" + std::to_string(i) + "]"));
      return {};
    }
    case TypeKind::Class: {
      if (!value.is<Record>()) return type_error(path, "expected a " + type.class_name);
      const auto& r = value.as<Record>();
      if (r.cls != type.cls) return type_error(path, "expected a " + type.class_name);
      return check_record(r);
    }
  }
  return type_error(path, "unknown type");
}

Status check_record(const Record& record) {
  if (!record.cls) return type_error("payload", "record without a class");
  const auto& cls = *record.cls;
  if (record.fields.size() != cls.fields.size()) return type_error(cls.name, "wrong number of fields");
  for (size_t i = 0; i < cls.fields.size(); ++i) {
    NEXTRA_TRY(check_value(cls.fields[i].type, record.fields[i], cls.name + "." + cls.fields[i].name));
  }
  return {};
}

Value zero_value(const TypeRef& type) {
  switch (type.kind) {
    case TypeKind::String: return Value(std::string());
    case TypeKind::Int: return Value(std::int64_t{0});
    case TypeKind::Decimal: return Value(Decimal{"0"});
    case TypeKind::Bool: return Value(false);
    case TypeKind::Dict: return Value(Dict{});
    case TypeKind::List: return Value(List{});
    case TypeKind::Optional: return Value();
    case TypeKind::Class: return type.cls ? Value(zero_record(*type.cls)) : Value();
  }
  return Value();
}

Record zero_record(const PayloadClass& cls) {
  Record r;
  r.cls = &cls;
  r.fields.reserve(cls.fields.size());
  for (const auto& f : cls.fields) r.fields.push_back(zero_value(f.type));
  return r;
}

Result<Value> scalar_from_text(const TypeRef& type, std::string_view raw) {
  switch (type.kind) {
    case TypeKind::String: return Value(std::string(raw));
    case TypeKind::Int: {
      auto s = trim_ws(raw);
      if (!valid_integer_text(s)) return Error::make(ErrorCode::SchemaViolation, "'" + std::string(s) + "' is not an integer");
      if (!s.empty() && s[0] == '+') s.remove_prefix(1);
      std::int64_t v = 0;
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec != std::errc() || p != s.data() + s.size()) {
        return Error::make(ErrorCode::SchemaViolation, "integer '" + std::string(s) + "' is out of the 64-bit range");
      }
      return Value(v);
    }
    case TypeKind::Decimal: {
      auto s = trim_ws(raw);
      if (!valid_decimal_text(s)) {
        return Error::make(ErrorCode::SchemaViolation, "'" + std::string(s) + "' is not a decimal of at most 24 digits");
      }
      return Value(Decimal{std::string(s)});
    }
    case TypeKind::Bool: {
      auto s = trim_ws(raw);
      if (s == "true" || s == "1") return Value(true);
      if (s == "false" || s == "0") return Value(false);
      return Error::make(ErrorCode::SchemaViolation, "'" + std::string(s) + "' is not a boolean (true, false, 1 or 0)");
    }
    default:
      return Error::make(ErrorCode::Internal, "scalar_from_text called for a non-scalar type");
  }
}

}  // namespace nextra::schema
