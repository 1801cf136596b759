#pragma once
// Test-only: a small linked schema covering every type kind, shared by the xml and ingress
// tests, the ingress benchmark and the fuzzer.

#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "schema/types.h"

namespace nextra::xml::testing {

inline schema::PayloadClass make_class(std::string name, std::vector<std::pair<std::string, std::string>> fields) {
  schema::PayloadClass c;
  c.name = std::move(name);
  for (auto& [field, type] : fields) {
    auto t = schema::parse_type(type);
    if (!t.ok()) std::abort();
    c.fields.push_back(schema::Field{field, schema::pascal_case(field), std::move(t).value()});
  }
  return c;
}

// Greeting{name}, Shout{text, original_sender, volume} (a typical 3-field payload),
// LineItem{sku, qty}, Order{id, total, paid, items, note, attributes}, Everything (every
// kind, nested), Empty{} and the built-ins.
inline std::shared_ptr<const schema::Schema> make_test_schema() {
  auto s = std::make_shared<schema::Schema>();
  auto add = [&](schema::PayloadClass c) {
    if (!s->add(std::move(c)).ok()) std::abort();
  };
  add(make_class("Greeting", {{"name", "string"}}));
  add(make_class("Shout", {{"text", "string"}, {"original_sender", "string"}, {"volume", "int"}}));
  add(make_class("LineItem", {{"sku", "string"}, {"qty", "int"}}));
  add(make_class("Order", {{"id", "int"},
                           {"total", "decimal"},
                           {"paid", "bool"},
                           {"items", "list<LineItem>"},
                           {"note", "optional<string>"},
                           {"attributes", "dict"}}));
  add(make_class("Everything", {{"text", "string"},
                                {"count", "int"},
                                {"price", "decimal"},
                                {"flag", "bool"},
                                {"tags", "list<string>"},
                                {"numbers", "list<int>"},
                                {"flags", "list<bool>"},
                                {"prices", "list<decimal>"},
                                {"maybe_int", "optional<int>"},
                                {"maybe_item", "optional<LineItem>"},
                                {"grid", "list<list<int>>"},
                                {"dicts", "list<dict>"},
                                {"maybe_dict", "optional<dict>"},
                                {"order", "Order"},
                                {"maybe_tags", "optional<list<string>>"},
                                {"sparse", "list<optional<int>>"}}));
  add(make_class("Empty", {}));
  if (!s->link().ok()) std::abort();
  return s;
}

}  // namespace nextra::xml::testing
