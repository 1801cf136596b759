#include "schema/value_text.h"

#include <charconv>

#include "schema/utf8.h"

namespace nextra::schema {
namespace {

void append_int(std::int64_t v, std::string& out) {
  char buf[24];
  auto [p, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  (void)ec;
  out.append(buf, p);
}

void append_record_json(const schema::Record& r, std::string& out) {
  out.push_back('{');
  if (r.cls) {
    for (size_t i = 0; i < r.fields.size() && i < r.cls->fields.size(); ++i) {
      if (i) out.push_back(',');
      append_json_string(r.cls->fields[i].name, out);
      out.push_back(':');
      append_json(r.fields[i], out);
    }
  }
  out.push_back('}');
}

}  // namespace

void append_json_string(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t run = 0;  // start of the pending run of bytes that need no escaping
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      size_t len = 1;
      if (utf8::valid_at(s, i, &len)) {
        i += len;
        continue;
      }
      out.append(s.data() + run, i - run);
      out += "\\ufffd";
      run = ++i;
      continue;
    }
    out.append(s.data() + run, i - run);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
    }
    run = ++i;
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

void append_json_decimal(std::string_view t, std::string& out) {
  if (!t.empty() && t[0] == '+') t.remove_prefix(1);
  if (!t.empty() && t[0] == '-') {
    out.push_back('-');
    t.remove_prefix(1);
  }
  if (t.empty() || t[0] == '.') out.push_back('0');
  if (!t.empty() && t.back() == '.') t.remove_suffix(1);
  // JSON forbids leading zeros ("007"); keep a single zero before the point.
  while (t.size() > 1 && t[0] == '0' && t[1] != '.') t.remove_prefix(1);
  out.append(t);
}

void append_json(const schema::Value& v, std::string& out) {

  if (v.is_null()) {
    out += "null";
  } else if (v.is<bool>()) {
    out += v.as<bool>() ? "true" : "false";
  } else if (v.is<std::int64_t>()) {
    append_int(v.as<std::int64_t>(), out);
  } else if (v.is<schema::Decimal>()) {
    append_json_decimal(v.as<schema::Decimal>().text, out);
  } else if (v.is<std::string>()) {
    append_json_string(v.as<std::string>(), out);
  } else if (v.is<schema::List>()) {
    out.push_back('[');
    bool first = true;
    for (const auto& e : v.as<schema::List>()) {
      if (!first) out.push_back(',');
      first = false;
      append_json(e, out);
    }
    out.push_back(']');
  } else if (v.is<schema::Dict>()) {
    out.push_back('{');
    bool first = true;
    for (const auto& [k, val] : v.as<schema::Dict>()) {
      if (!first) out.push_back(',');
      first = false;
      append_json_string(k, out);
      out.push_back(':');
      append_json_string(val, out);
    }
    out.push_back('}');
  } else {
    append_record_json(v.as<schema::Record>(), out);
  }
}

void append_text(const schema::Value& v, std::string& out) {
  if (v.is<std::string>()) {
    out += v.as<std::string>();
  } else if (v.is<std::int64_t>()) {
    append_int(v.as<std::int64_t>(), out);
  } else if (v.is<schema::Decimal>()) {
    out += v.as<schema::Decimal>().text;
  } else if (v.is<bool>()) {
    out += v.as<bool>() ? "true" : "false";
  } else if (!v.is_null()) {
    append_json(v, out);
  }
}

}  // namespace nextra::schema
