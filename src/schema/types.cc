#include "schema/types.h"

#include <cctype>
#include <functional>
#include <set>

namespace nextra::schema {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool is_identifier(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return true;
}

constexpr int kMaxTypeNesting = 16;

Result<TypeRef> parse_type_depth(std::string_view text, int depth) {
  if (depth > kMaxTypeNesting) return Error::invalid("type nests too deeply");
  text = trim(text);
  if (text.empty()) return Error::invalid("empty type");
  auto open = text.find('<');
  if (open != std::string_view::npos) {
    if (text.back() != '>') return Error::invalid("type '" + std::string(text) + "' is missing a closing '>'");
    auto head = trim(text.substr(0, open));
    auto inner = text.substr(open + 1, text.size() - open - 2);
    TypeRef t;
    if (head == "list") t.kind = TypeKind::List;
    else if (head == "optional") t.kind = TypeKind::Optional;
    else return Error::invalid("unknown type constructor '" + std::string(head) + "' (use list<T> or optional<T>)");
    auto elem = parse_type_depth(inner, depth + 1);
    if (!elem.ok()) return elem.take_error();
    t.element = std::make_shared<const TypeRef>(std::move(elem).value());
    return t;
  }
  TypeRef t;
  if (text == "string" || text == "str") t.kind = TypeKind::String;
  else if (text == "int" || text == "integer") t.kind = TypeKind::Int;
  else if (text == "decimal" || text == "float") t.kind = TypeKind::Decimal;
  else if (text == "bool" || text == "boolean") t.kind = TypeKind::Bool;
  else if (text == "dict") t.kind = TypeKind::Dict;
  else if (is_identifier(text)) { t.kind = TypeKind::Class; t.class_name = std::string(text); }
  else return Error::invalid("'" + std::string(text) + "' is not a type (string, int, decimal, bool, list<T>, optional<T>, dict or a class name)");
  return t;
}

Field builtin_field(std::string name, TypeKind kind, std::string xml_name = {}) {
  Field f;
  f.xml_name = xml_name.empty() ? pascal_case(name) : std::move(xml_name);
  f.name = std::move(name);
  f.type.kind = kind;
  return f;
}

// optional<kind>: the native tools' inputs the library gives defaults (an LLM's tool call may
// leave them out).
Field builtin_optional(std::string name, TypeKind kind) {
  Field f = builtin_field(std::move(name), TypeKind::Optional);
  auto element = std::make_shared<TypeRef>();
  element->kind = kind;
  f.type.element = std::move(element);
  return f;
}

PayloadClass builtin(std::string_view name, std::vector<Field> fields) {
  PayloadClass c;
  c.name = std::string(name);
  c.fields = std::move(fields);
  c.builtin = true;
  return c;
}

}  // namespace

std::string TypeRef::spelling() const {
  switch (kind) {
    case TypeKind::String: return "string";
    case TypeKind::Int: return "int";
    case TypeKind::Decimal: return "decimal";
    case TypeKind::Bool: return "bool";
    case TypeKind::Dict: return "dict";
    case TypeKind::Class: return class_name;
    case TypeKind::List: return "list<" + element->spelling() + ">";
    case TypeKind::Optional: return "optional<" + element->spelling() + ">";
  }
  return "?";
}

std::string TypeRef::wire_item_name() const {
  switch (kind) {
    case TypeKind::String: return "Str";
    case TypeKind::Int: return "Int";
    case TypeKind::Decimal: return "Float";
    case TypeKind::Bool: return "Bool";
    case TypeKind::Dict: return "Dict";
    case TypeKind::Class: return class_name;
    case TypeKind::List: return "List";
    case TypeKind::Optional: return element->wire_item_name();
  }
  return "Item";
}

const Field* PayloadClass::find_field(std::string_view field_name) const {
  for (const auto& f : fields) {
    if (f.name == field_name) return &f;
  }
  return nullptr;
}

int PayloadClass::field_index(std::string_view field_name) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == field_name) return static_cast<int>(i);
  }
  return -1;
}

Result<TypeRef> parse_type(std::string_view text) { return parse_type_depth(text, 0); }

std::string pascal_case(std::string_view snake) {
  std::string out;
  out.reserve(snake.size());
  bool upper_next = true;
  for (char c : snake) {
    if (c == '_') { upper_next = true; continue; }
    out.push_back(upper_next ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
    upper_next = false;
  }
  return out;
}

bool is_reserved_field_name(std::string_view name) {
  return name == "comment" || name == "get_xobject" || name == "xsd_forward" || name == "xsd_dependencies";
}

Schema::Schema() {
  using K = TypeKind;
  std::vector<PayloadClass> b;
  // SystemError keeps the library's hand-built lower-case children (spec §1).
  b.push_back(builtin(kSystemError, {builtin_field("code", K::String, "code"),
                                     builtin_field("message", K::String, "message"),
                                     builtin_field("retry_allowed", K::Bool, "retry-allowed")}));
  b.push_back(builtin(kBoot, {builtin_field("organism_name", K::String), builtin_field("timestamp", K::String),
                              builtin_field("listener_count", K::Int)}));
  b.push_back(builtin(kBufferStart, {builtin_field("target", K::String), builtin_field("items", K::String),
                                     builtin_field("collect", K::Bool), builtin_field("return_to", K::String),
                                     builtin_field("buffer_id", K::String)}));
  b.push_back(builtin(kBufferComplete, {builtin_field("buffer_id", K::String), builtin_field("total", K::Int),
                                        builtin_field("successful", K::Int), builtin_field("results", K::String)}));
  b.push_back(builtin(kBufferDispatched, {builtin_field("buffer_id", K::String), builtin_field("total", K::Int)}));
  b.push_back(builtin(kBufferError, {builtin_field("buffer_id", K::String), builtin_field("error", K::String)}));
  b.push_back(builtin(kSequenceStart, {builtin_field("steps", K::String), builtin_field("payload", K::String),
                                       builtin_field("return_to", K::String), builtin_field("sequence_id", K::String)}));
  b.push_back(builtin(kSequenceComplete, {builtin_field("sequence_id", K::String), builtin_field("final_result", K::String),
                                          builtin_field("step_count", K::Int)}));
  b.push_back(builtin(kSequenceError, {builtin_field("sequence_id", K::String), builtin_field("failed_step", K::String),
                                       builtin_field("step_index", K::Int), builtin_field("error", K::String)}));
  b.push_back(builtin(kCalculate, {builtin_field("expression", K::String)}));
  b.push_back(builtin(kCalculateResult, {builtin_field("expression", K::String), builtin_field("result", K::String),
                                         builtin_field("error", K::String)}));
  // FetchRequest.headers: "Key: Value" lines, as the library's fetch tool takes them.
  b.push_back(builtin(kFetchRequest, {builtin_field("url", K::String), builtin_optional("method", K::String),
                                      builtin_optional("body", K::String), builtin_optional("headers", K::String),
                                      builtin_optional("timeout", K::Int)}));
  b.push_back(builtin(kFetchResponse, {builtin_field("url", K::String), builtin_field("status_code", K::Int),
                                       builtin_field("body", K::String), builtin_field("content_type", K::String),
                                       builtin_field("error", K::String)}));
  // ConvertRequest.operation: xml_to_json | json_to_xml | xpath (expression = the XPath).
  b.push_back(builtin(kConvertRequest, {builtin_field("operation", K::String), builtin_field("input", K::String),
                                        builtin_optional("expression", K::String)}));
  b.push_back(builtin(kConvertResponse, {builtin_field("operation", K::String), builtin_field("output", K::String),
                                         builtin_field("error", K::String)}));
  // KeyValueRequest.operation: get | set | delete; value is JSON text; ttl_seconds 0 = forever.
  b.push_back(builtin(kKeyValueRequest, {builtin_field("operation", K::String), builtin_field("key", K::String),
                                         builtin_optional("value", K::String), builtin_optional("namespace", K::String),
                                         builtin_optional("ttl_seconds", K::Int)}));
  b.push_back(builtin(kKeyValueResponse, {builtin_field("key", K::String), builtin_field("value", K::String),
                                          builtin_field("found", K::Bool), builtin_field("error", K::String)}));
  for (auto& c : b) {
    auto name = c.name;
    classes_.emplace(name, std::make_unique<PayloadClass>(std::move(c)));
  }
  (void)link();
}

Status Schema::add(PayloadClass cls) {
  if (auto it = classes_.find(cls.name); it != classes_.end()) {
    if (it->second->builtin) return Error::invalid("payload class '" + cls.name + "' is built in and cannot be redefined");
    return Error::make(ErrorCode::AlreadyExists, "payload class '" + cls.name + "' is declared twice");
  }
  auto name = cls.name;
  classes_.emplace(std::move(name), std::make_unique<PayloadClass>(std::move(cls)));
  return {};
}

Status Schema::link() {
  // Resolve class references in place (TypeRef elements are shared and const, so rebuild them).
  std::function<Status(TypeRef&, const PayloadClass&, const Field&)> resolve =
      [&](TypeRef& t, const PayloadClass& owner, const Field& f) -> Status {
    if (t.kind == TypeKind::Class) {
      auto* target = find(t.class_name);
      if (!target) {
        Error e = Error::invalid("unknown payload class '" + t.class_name + "' in field '" + f.name + "' of '" + owner.name + "'");
        e.field = "payloads." + owner.name + "." + f.name;
        e.line = f.line;
        e.column = f.column;
        return e;
      }
      t.cls = target;
    }
    if (t.element) {
      TypeRef copy = *t.element;
      NEXTRA_TRY(resolve(copy, owner, f));
      t.element = std::make_shared<const TypeRef>(std::move(copy));
    }
    return {};
  };
  for (auto& [name, cls] : classes_) {
    for (auto& f : cls->fields) NEXTRA_TRY(resolve(f.type, *cls, f));
  }
  // Topological order, dependencies first; a class reachable from itself is a cycle.
  order_.clear();
  std::map<const PayloadClass*, int> state;  // 1 = visiting, 2 = done
  std::function<Status(const PayloadClass*)> visit = [&](const PayloadClass* c) -> Status {
    auto& s = state[c];
    if (s == 2) return {};
    if (s == 1) {
      Error e = Error::invalid("payload class '" + c->name + "' refers to itself through its fields (cycles are not allowed)");
      e.field = "payloads." + c->name;
      e.line = c->line;
      e.column = c->column;
      return e;
    }
    s = 1;
    std::function<Status(const TypeRef&)> deps = [&](const TypeRef& t) -> Status {
      if (t.kind == TypeKind::Class && t.cls) NEXTRA_TRY(visit(t.cls));
      if (t.element) NEXTRA_TRY(deps(*t.element));
      return {};
    };
    for (const auto& f : c->fields) NEXTRA_TRY(deps(f.type));
    state[c] = 2;
    order_.push_back(c);
    return {};
  };
  for (auto& [name, cls] : classes_) NEXTRA_TRY(visit(cls.get()));
  return {};
}

const PayloadClass* Schema::find(std::string_view name) const {
  auto it = classes_.find(name);
  return it == classes_.end() ? nullptr : it->second.get();
}

std::vector<const PayloadClass*> Schema::ordered() const { return order_; }

}  // namespace nextra::schema
