#pragma once
// The payload type system of an organism: classes declared under `payloads:` in the YAML
// (decisions.md §2) plus the built-in system classes. A Schema is immutable once built and
// shared read-only by every pump thread; Values and Payloads point into it.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace nextra::schema {

enum class TypeKind { String, Int, Decimal, Bool, List, Optional, Dict, Class };

struct PayloadClass;

// A field's type. `element` is set for List and Optional; `class_name` (and, once the
// schema is linked, `cls`) for Class.
struct TypeRef {
  TypeKind kind = TypeKind::String;
  std::shared_ptr<const TypeRef> element;
  std::string class_name;
  const PayloadClass* cls = nullptr;  // resolved by Schema::link(); never owning

  // Text as written in YAML: string, int, list<LineItem>, optional<string>, dict, Order.
  std::string spelling() const;
  // Name of a list item / optional variant element on the wire: Str, Int, Float, Bool,
  // Dict, or the class name (the library's PascalCase of the Python type name).
  std::string wire_item_name() const;
};

struct Field {
  std::string name;      // as declared: snake_case
  std::string xml_name;  // PascalCase(name) for user classes; built-ins may override
  TypeRef type;
  int line = 0;          // where it was declared, for diagnostics (1-based, 0 = built-in)
  int column = 0;
};

struct PayloadClass {
  std::string name;  // = XML root tag, exact case
  std::vector<Field> fields;
  bool builtin = false;
  int line = 0;
  int column = 0;

  const Field* find_field(std::string_view field_name) const;
  int field_index(std::string_view field_name) const;  // -1 if absent
};

// Parses a type spelling such as `list<optional<int>>`. Unknown class names are accepted
// here (kind Class) and checked by Schema::link().
Result<TypeRef> parse_type(std::string_view text);

// `original_sender` -> `OriginalSender` (xmlable's rule: split on '_', upper-case the
// first letter of each part, keep the rest).
std::string pascal_case(std::string_view snake);

// Field names xmlable forbids.
bool is_reserved_field_name(std::string_view name);

class Schema {
 public:
  Schema();  // contains the built-in system classes

  // Adds a user class; fails on a duplicate or a built-in name.
  Status add(PayloadClass cls);
  // Resolves class references, rejects unknown classes and reference cycles.
  Status link();

  const PayloadClass* find(std::string_view name) const;
  // Classes in dependency order (dependencies first), as the XSD generator needs.
  std::vector<const PayloadClass*> ordered() const;
  const std::map<std::string, std::unique_ptr<PayloadClass>, std::less<>>& classes() const {
    return classes_;
  }

 private:
  std::map<std::string, std::unique_ptr<PayloadClass>, std::less<>> classes_;
  std::vector<const PayloadClass*> order_;
};

// Names of the built-in classes the pump itself emits or consumes.
inline constexpr std::string_view kSystemError = "SystemError";
inline constexpr std::string_view kBoot = "Boot";
inline constexpr std::string_view kBufferStart = "BufferStart";
inline constexpr std::string_view kBufferComplete = "BufferComplete";
inline constexpr std::string_view kBufferDispatched = "BufferDispatched";
inline constexpr std::string_view kBufferError = "BufferError";
inline constexpr std::string_view kSequenceStart = "SequenceStart";
inline constexpr std::string_view kSequenceComplete = "SequenceComplete";
inline constexpr std::string_view kSequenceError = "SequenceError";
inline constexpr std::string_view kCalculate = "Calculate";
inline constexpr std::string_view kCalculateResult = "CalculateResult";
// The other native tools (spec §10): tool:fetch, tool:convert, tool:keyvalue.
inline constexpr std::string_view kFetchRequest = "FetchRequest";
inline constexpr std::string_view kFetchResponse = "FetchResponse";
inline constexpr std::string_view kConvertRequest = "ConvertRequest";
inline constexpr std::string_view kConvertResponse = "ConvertResponse";
inline constexpr std::string_view kKeyValueRequest = "KeyValueRequest";
inline constexpr std::string_view kKeyValueResponse = "KeyValueResponse";

}  // namespace nextra::schema
