#pragma once
// Test-only: a small schema and payload builders shared by the handlers tests.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "schema/types.h"
#include "schema/value.h"

namespace nextra::handlers::testing {

inline schema::Field field(std::string name, std::string_view type) {
  schema::Field f;
  f.xml_name = schema::pascal_case(name);
  f.name = std::move(name);
  f.type = *schema::parse_type(type);
  return f;
}

// Greeting{name}, Reply{greeting, name, count}, LineItem{sku, qty}, Customer{name, email},
// Order{id, total, paid, items, note, attributes, customer, tags},
// Shipment{id, items, customer, note, count, total, weight, paid, codes}.
inline std::unique_ptr<schema::Schema> make_schema() {
  auto s = std::make_unique<schema::Schema>();
  auto add = [&](std::string name, std::vector<schema::Field> fields) {
    schema::PayloadClass c;
    c.name = std::move(name);
    c.fields = std::move(fields);
    (void)s->add(std::move(c));
  };
  add("Greeting", {field("name", "string")});
  add("Reply", {field("greeting", "string"), field("name", "string"), field("count", "int")});
  add("LineItem", {field("sku", "string"), field("qty", "int")});
  add("Customer", {field("name", "string"), field("email", "string")});
  add("Order", {field("id", "int"), field("total", "decimal"), field("paid", "bool"), field("items", "list<LineItem>"),
                field("note", "optional<string>"), field("attributes", "dict"), field("customer", "Customer"),
                field("tags", "list<string>")});
  add("Shipment", {field("id", "int"), field("items", "list<LineItem>"), field("customer", "Customer"),
                   field("note", "optional<string>"), field("count", "optional<int>"), field("total", "decimal"),
                   field("weight", "decimal"), field("paid", "bool"), field("codes", "list<string>")});
  (void)s->link();
  return s;
}

inline schema::Record record(const schema::Schema& s, std::string_view cls, std::vector<schema::Value> fields) {
  schema::Record r;
  r.cls = s.find(cls);
  r.fields = std::move(fields);
  return r;
}

inline schema::PayloadPtr payload(schema::Record r) {
  return std::make_shared<const schema::Payload>(schema::Payload{std::move(r)});
}

// Order 42: total 19.99, paid, items [A-1 x2, B-2 x1], note null, attributes {color: red,
// size: L}, customer Ada <ada@example.com>, tags [new, vip].
inline schema::Record sample_order(const schema::Schema& s) {
  using schema::Value;
  schema::List items{Value(record(s, "LineItem", {Value("A-1"), Value(2)})),
                     Value(record(s, "LineItem", {Value("B-2"), Value(1)}))};
  return record(s, "Order",
                {Value(42), Value(schema::Decimal{"19.99"}), Value(true), Value(std::move(items)), Value(),
                 Value(schema::Dict{{"color", "red"}, {"size", "L"}}),
                 Value(record(s, "Customer", {Value("Ada"), Value("ada@example.com")})),
                 Value(schema::List{Value("new"), Value("vip")})});
}

}  // namespace nextra::handlers::testing
