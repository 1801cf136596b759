#pragma once
// A typed payload value. A Payload is one instance of a PayloadClass: the root of every
// message the pump carries. Values are plain data (copyable); messages share payloads
// through shared_ptr<const Payload> so fan-out never copies them.

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "schema/types.h"

namespace nextra::schema {

struct Value;
using List = std::vector<Value>;
using Dict = std::vector<std::pair<std::string, std::string>>;  // ordered; keys may repeat

// xs:decimal kept as its canonical lexical form so no precision is lost on the way through.
struct Decimal {
  std::string text;
  double to_double() const;
  bool operator==(const Decimal&) const = default;
};

// Fields in the class's declaration order.
struct Record {
  const PayloadClass* cls = nullptr;
  std::vector<Value> fields;
  const Value* get(std::string_view field_name) const;
  Value* get(std::string_view field_name);
};

struct Value {
  using Storage = std::variant<std::monostate, bool, std::int64_t, Decimal, std::string, List, Dict, Record>;
  Storage v;

  Value() = default;
  Value(bool b) : v(b) {}                    // NOLINT
  Value(std::int64_t i) : v(i) {}            // NOLINT
  Value(int i) : v(std::int64_t{i}) {}       // NOLINT
  Value(Decimal d) : v(std::move(d)) {}      // NOLINT
  Value(std::string s) : v(std::move(s)) {}  // NOLINT
  Value(const char* s) : v(std::string(s)) {}  // NOLINT
  Value(List l) : v(std::move(l)) {}         // NOLINT
  Value(Dict d) : v(std::move(d)) {}         // NOLINT
  Value(Record r) : v(std::move(r)) {}       // NOLINT

  bool is_null() const { return std::holds_alternative<std::monostate>(v); }
  template <typename T> bool is() const { return std::holds_alternative<T>(v); }
  template <typename T> const T& as() const { return std::get<T>(v); }
  template <typename T> T& as() { return std::get<T>(v); }

  // Text form used by templates, branch rules and traces: strings as is, numbers in their
  // canonical lexical form, bools true/false, null empty, containers as compact JSON.
  std::string to_text() const;
};

// One message payload: a Record whose class is the XML root.
struct Payload {
  Record record;
  const PayloadClass& cls() const { return *record.cls; }
  const std::string& class_name() const { return record.cls->name; }
};
using PayloadPtr = std::shared_ptr<const Payload>;

// Checks that `value` conforms to `type` exactly as the generated XSD would (every field
// present, types right, int in range). Used for payloads the pump builds itself, where
// serialising and re-validating against the XSD would only repeat work (performance-budget.md).
Status check_value(const TypeRef& type, const Value& value, const std::string& path);
Status check_record(const Record& record);

// Convenience: a record of `cls` with every field at its zero value (empty string, 0,
// false, empty list/dict, null optional, nested records zeroed).
Record zero_record(const PayloadClass& cls);
Value zero_value(const TypeRef& type);

// Converts text to a value of a scalar type (String, Int, Decimal, Bool) with the lexical
// rules of the XSD types (xs:integer, xs:decimal, xs:boolean: true/false/1/0).
Result<Value> scalar_from_text(const TypeRef& type, std::string_view text);

}  // namespace nextra::schema
