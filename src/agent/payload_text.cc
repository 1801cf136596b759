#include "agent/payload_text.h"

#include <cctype>

#include "runtime/payload_json.h"
#include "xml/c14n.h"
#include "xml/document.h"
#include "xml/payload_codec.h"

namespace nextra::agent {
namespace {

constexpr int kMaxSchemaDepth = 16;
constexpr std::size_t kMaxAnswerBytes = 1 << 20;

nlohmann::json type_schema(const schema::TypeRef& t, int depth);

nlohmann::json record_schema(const schema::PayloadClass& cls, int depth) {
  nlohmann::json props = nlohmann::json::object();
  nlohmann::json required = nlohmann::json::array();
  for (const auto& f : cls.fields) {
    props[f.name] = type_schema(f.type, depth + 1);
    if (f.type.kind != schema::TypeKind::Optional && f.type.kind != schema::TypeKind::List &&
        f.type.kind != schema::TypeKind::Dict) {
      required.push_back(f.name);
    }
  }
  nlohmann::json s = {{"type", "object"}, {"properties", props}, {"additionalProperties", false}};
  if (!required.empty()) s["required"] = required;
  return s;
}

nlohmann::json type_schema(const schema::TypeRef& t, int depth) {
  if (depth > kMaxSchemaDepth) return nlohmann::json::object();
  switch (t.kind) {
    case schema::TypeKind::String: return {{"type", "string"}};
    case schema::TypeKind::Int: return {{"type", "integer"}};
    case schema::TypeKind::Decimal: return {{"type", "number"}};
    case schema::TypeKind::Bool: return {{"type", "boolean"}};
    case schema::TypeKind::List:
      return {{"type", "array"}, {"items", t.element ? type_schema(*t.element, depth + 1) : nlohmann::json::object()}};
    case schema::TypeKind::Optional: return t.element ? type_schema(*t.element, depth + 1) : nlohmann::json::object();
    case schema::TypeKind::Dict: return {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}};
    case schema::TypeKind::Class: return t.cls ? record_schema(*t.cls, depth) : nlohmann::json{{"type", "object"}};
  }
  return nlohmann::json::object();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// ```json … ``` (or any language tag) around the answer.
std::string_view strip_fence(std::string_view s) {
  s = trim(s);
  if (s.substr(0, 3) != "```") return s;
  auto nl = s.find('\n');
  if (nl == std::string_view::npos) return s;
  s.remove_prefix(nl + 1);
  auto end = s.rfind("```");
  if (end != std::string_view::npos) s = s.substr(0, end);
  return trim(s);
}

// Repairs what libxml2 can (unclosed tags, stray ampersands), then parses the canonical
// form strictly against the class's XSD, exactly as ingress does with a repaired envelope.
Result<schema::PayloadPtr> payload_from_xml(std::string_view xml_text, const schema::Schema& schema) {
  xml::ParseLimits limits;
  limits.max_bytes = kMaxAnswerBytes;
  limits.max_depth = 64;
  auto strict = xml::parse_payload(xml_text, schema, limits);
  if (strict.ok() || strict.error().code != ErrorCode::MalformedXml) return strict;
  auto doc = xml::parse(xml_text, /*recover=*/true, limits);
  if (!doc.ok()) return strict;
  auto canon = xml::exclusive_c14n(*doc);
  if (!canon.ok()) return strict;
  return xml::parse_payload(*canon, schema, limits);
}

// The only string field that must be filled, when every other field may stay empty.
const schema::Field* sole_text_field(const schema::PayloadClass& cls) {
  const schema::Field* text = nullptr;
  for (const auto& f : cls.fields) {
    const bool can_be_empty = f.type.kind == schema::TypeKind::Optional || f.type.kind == schema::TypeKind::List ||
                              f.type.kind == schema::TypeKind::Dict;
    if (f.type.kind == schema::TypeKind::String) {
      if (text) return nullptr;
      text = &f;
    } else if (!can_be_empty) {
      return nullptr;
    }
  }
  return text;
}

void append_example(const schema::PayloadClass& cls, std::string& out, int depth) {
  out += '<' + cls.name + '>';
  for (const auto& f : cls.fields) {
    out += '<' + f.xml_name + '>';
    const schema::TypeRef* t = &f.type;
    if (t->kind == schema::TypeKind::Optional && t->element) t = t->element.get();
    switch (t->kind) {
      case schema::TypeKind::String: out += "text"; break;
      case schema::TypeKind::Int: out += "0"; break;
      case schema::TypeKind::Decimal: out += "0.0"; break;
      case schema::TypeKind::Bool: out += "false"; break;
      case schema::TypeKind::Class:
        if (t->cls && depth < 4) append_example(*t->cls, out, depth + 1);
        break;
      default: break;  // lists and dicts: empty is valid
    }
    out += "</" + f.xml_name + '>';
  }
  out += "</" + cls.name + '>';
}

}  // namespace

nlohmann::json class_json_schema(const schema::PayloadClass& cls) { return record_schema(cls, 0); }

Result<schema::PayloadPtr> payload_from_json(const schema::PayloadClass& cls, const nlohmann::json& args,
                                             const schema::Schema& schema) {
  NEXTRA_ASSIGN_OR_RETURN(auto xml_text, runtime::json_to_payload_xml(cls, args));
  return xml::parse_payload(xml_text, schema);
}

Result<schema::PayloadPtr> payload_from_text(const schema::PayloadClass& cls, std::string_view text,
                                             const schema::Schema& schema) {
  if (text.size() > kMaxAnswerBytes) return Error::make(ErrorCode::ResourceExhausted, "the answer is longer than 1 MiB");
  std::string_view body = strip_fence(text);
  if (!body.empty() && body.front() == '{') {
    auto j = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
    if (!j.is_discarded()) return payload_from_json(cls, j, schema);
  }
  if (!body.empty() && body.front() == '<') {
    auto p = payload_from_xml(body, schema);
    if (!p.ok()) return p;
    if ((*p)->class_name() != cls.name) {
      return Error::invalid("expected a " + cls.name + ", not a " + (*p)->class_name());
    }
    return p;
  }
  if (const schema::Field* f = sole_text_field(cls)) {
    schema::Payload p;
    p.record = schema::zero_record(cls);
    *p.record.get(f->name) = schema::Value(std::string(trim(text)));
    return std::make_shared<const schema::Payload>(std::move(p));
  }
  return Error::invalid("answer with a JSON object of " + cls.name + ": " + class_json_schema(cls).dump());
}

Result<XmlReply> parse_xml_reply(std::string_view text, const schema::Schema& schema) {
  if (text.size() > kMaxAnswerBytes) return Error::make(ErrorCode::ResourceExhausted, "the answer is longer than 1 MiB");
  std::string body(strip_fence(text));
  XmlReply r;
  // <message to="PEER"> … </message>, scanned by hand (std::regex recurses per character).
  constexpr std::string_view kOpen = "<message", kClose = "</message>";
  if (body.rfind(kOpen, 0) == 0 && body.size() > kOpen.size() + kClose.size() &&
      std::isspace(static_cast<unsigned char>(body[kOpen.size()])) &&
      body.compare(body.size() - kClose.size(), kClose.size(), kClose) == 0) {
    auto tag_end = body.find('>');
    std::string_view tag = std::string_view(body).substr(0, tag_end);
    auto to = tag.find("to");
    auto q = to == std::string_view::npos ? to : tag.find_first_of("\"'", to);
    if (q != std::string_view::npos) {
      auto q2 = tag.find(tag[q], q + 1);
      if (q2 != std::string_view::npos && q2 - q - 1 <= 200) r.to = std::string(tag.substr(q + 1, q2 - q - 1));
    }
    body = body.substr(tag_end + 1, body.size() - kClose.size() - tag_end - 1);
  }
  auto start = body.find('<');
  auto end = body.rfind('>');
  if (start == std::string::npos || end == std::string::npos || end < start) {
    return Error::invalid("answer with one XML message: <message to=\"PEER\"><Class>…</Class></message>");
  }
  NEXTRA_ASSIGN_OR_RETURN(r.payload, payload_from_xml(std::string_view(body).substr(start, end - start + 1), schema));
  return r;
}

std::string example_xml(const schema::PayloadClass& cls) {
  std::string out;
  append_example(cls, out, 0);
  return out;
}

}  // namespace nextra::agent
