#pragma once
// Test-only routing for the ingress tests, benchmark and fuzzer: listener "greeter" takes
// Greeting, "shouter" takes Shout, "orders" takes Order, "all" takes every class. Keys
// compare lower-case, like the pump's routing table.

#include <map>
#include <memory>
#include <string>

#include "ingress/steps.h"
#include "schema/types.h"

namespace nextra::ingress::testing {

inline RouteLookup make_test_routes(std::shared_ptr<const schema::Schema> schema) {
  auto by_lower = std::make_shared<std::map<std::string, const schema::PayloadClass*, std::less<>>>();
  for (const auto& [name, cls] : schema->classes()) by_lower->emplace(ascii_lower(name), cls.get());
  return [schema, by_lower](std::string_view to, std::string_view root) -> const schema::PayloadClass* {
    auto it = by_lower->find(ascii_lower(root));
    if (it == by_lower->end()) return nullptr;
    const std::string& name = it->second->name;
    if (to == "all" || (to == "greeter" && name == "Greeting") || (to == "orders" && name == "Order") ||
        (to == "shouter" && name == "Shout")) {
      return it->second;
    }
    return nullptr;
  };
}

}  // namespace nextra::ingress::testing
