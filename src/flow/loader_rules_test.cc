// transform: and branch: blocks, and the routes they name.
// Each test appends listeners to kBase (13 lines; appended text starts on line 14).

#include <gtest/gtest.h>

#include "flow/loader.h"
#include "flow/loader_test_util.h"

namespace nextra::flow {
namespace {

using testing_util::count_errors;
using testing_util::dump;
using testing_util::has_diag;
using testing_util::has_warning;
using testing_util::kBase;

LoadResult with(std::string_view extra) { return load_organism(std::string(kBase) + std::string(extra)); }

TEST(LoadRules, HandlerAndRuleBlockMustMatch) {
  auto r = with(R"(  - name: c
    payload_class: Msg
    handler: transform
    description: C
  - name: d
    payload_class: Msg
    handler: output
    description: D
    transform: { payload: Msg }
  - name: e
    payload_class: Msg
    handler: branch
    description: E
  - name: f
    payload_class: Msg
    handler: llm
    description: F
    branch: { rules: [] }
)");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_diag(r, 16, 14, "listener 'c': handler 'transform' requires a 'transform:' mapping"));
  EXPECT_TRUE(has_diag(r, 22, 5, "listener 'd': 'transform:' is only used with 'handler: transform'"));
  EXPECT_TRUE(has_diag(r, 25, 14, "listener 'e': handler 'branch' requires a 'branch:' mapping"));
  EXPECT_TRUE(has_diag(r, 31, 5, "listener 'f': 'branch:' is only used with 'handler: branch'"));
  EXPECT_EQ(count_errors(r), 4u) << dump(r);
}

TEST(LoadRules, TransformChecks) {
  auto r = with(R"(  - name: c
    payload_class: Msg
    handler: transform
    description: C
    peers: [a]
    transform:
      payload: Msg
      to: a
      respond: true
      copy_matching: "no"
      shape: round
      fields:
        text: [x]
        count: 3
        cuont: 4
  - name: d
    payload_class: Msg
    handler: transform
    description: D
    transform: { to: a, fields: { anything: x } }
  - name: e
    payload_class: Msg
    handler: transform
    description: E
    transform: { payload: Nope, respond: yes }
  - name: f
    payload_class: Msg
    handler: transform
    description: F
    transform: [payload, Msg]
)");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_diag(r, 22, 16, "listener 'c': 'to' and 'respond: true' cannot be combined"));
  EXPECT_TRUE(has_diag(r, 23, 22, "listener 'c': copy_matching: expected a bool (true or false), got \"no\""));
  EXPECT_TRUE(has_diag(r, 24, 7, "listener 'c': unknown key 'shape'"));
  EXPECT_TRUE(has_diag(r, 26, 15, "listener 'c': text: expected text, got a list"));
  EXPECT_TRUE(has_diag(r, 28, 9, "listener 'c': class 'Msg' has no field 'cuont' (did you mean 'count'?)"));
  EXPECT_TRUE(has_diag(r, 33, 16, "listener 'd': transform: missing required key 'payload'"));
  EXPECT_TRUE(has_diag(r, 38, 27, "listener 'e': unknown payload class 'Nope'"));
  EXPECT_TRUE(has_diag(r, 43, 16, "listener 'f': transform: expected a mapping (key: value), got a list"));
  EXPECT_EQ(count_errors(r), 8u) << dump(r);
  EXPECT_EQ(r.diagnostics[4].field, "listeners[2].transform.fields.cuont");
}

TEST(LoadRules, TransformValuesAndFieldPositions) {
  auto r = with(R"(  - name: c
    payload_class: Msg
    handler: transform
    description: C
    peers: [b]
    transform:
      payload: Other
      fields:
        note: "{{text}} x{{count}}"
  - name: d
    payload_class: Msg
    handler: transform
    description: D
    transform: { payload: Msg, fields: { count: 7, text: true, }, copy_matching: false }
)");
  ASSERT_TRUE(r.ok()) << dump(r);
  const auto& t = *r.organism->find_listener("c")->transform;
  EXPECT_EQ(t.to, "");
  EXPECT_FALSE(t.respond);
  EXPECT_TRUE(t.copy_matching);
  EXPECT_EQ(t.fields, (std::vector<std::pair<std::string, std::string>>{{"note", "{{text}} x{{count}}"}}));
  EXPECT_EQ(t.pos.line, 20);
  EXPECT_EQ(t.pos.column, 7);
  EXPECT_EQ(t.field_pos.at("note").line, 22);
  EXPECT_EQ(t.field_pos.at("note").column, 15);
  const auto& d = *r.organism->find_listener("d")->transform;
  EXPECT_EQ(d.fields, (std::vector<std::pair<std::string, std::string>>{{"count", "7"}, {"text", "true"}}));
  EXPECT_FALSE(d.copy_matching);
  EXPECT_EQ(d.field_pos.at("count").column, 49);
}

TEST(LoadRules, RouteTargetsUnknownIsErrorOutsidePeersIsWarning) {
  auto r = with(R"(  - name: c
    payload_class: Msg
    handler: transform
    description: C
    peers: [a]
    transform: { payload: Msg, to: b }
  - name: d
    payload_class: Msg
    handler: transform
    description: D
    transform: { payload: Msg, to: nobody }
)");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(
      has_warning(r, 19, 36, "target 'b' is not among the peers of 'c'; the pump will refuse this route at run time"));
  EXPECT_TRUE(has_diag(r, 24, 36, "listener 'd': unknown listener 'nobody'"));
  EXPECT_EQ(count_errors(r), 1u) << dump(r);

  // The warning alone does not stop loading: the examples demonstrate the run-time refusal.
  auto w = with(
      "  - { name: c, payload_class: Msg, handler: transform, description: C,\n"
      "      transform: { payload: Msg, to: b } }\n");
  ASSERT_TRUE(w.ok()) << dump(w);
  EXPECT_TRUE(has_warning(w, 15, 38, "target 'b' is not among the peers of 'c'"));
}

constexpr const char* kBranchErrors = R"(  - name: c
    payload_class: Msg
    handler: branch
    description: C
    peers: [a, b]
    branch:
      rules:
        - field: count
          gt: 10
          to: a
        - field: text
          to: b
        - field: text
          equals: x
          contains: y
          to: a
        - field: text
          exists: false
          respond: true
        - field: text
          matches: "([a-z"
          to: a
        - field: count
          lt: lots
          to: a
        - field: text
          equals: x
        - field: txt
          equals: x
          to: a
        - equals: x
          to: a
        - field: text
          equals: x
          to: a
          respond: true
        - field: text
          equals: x
          to: nobody
        - field: text
          equals: x
          to: c
          transform: { payload: Other, to: a, fields: { note: "{{text}}" } }
        - to: b
        - just-a-string
      default: { transform: { payload: Other } }
      otherwise: x
)";

TEST(LoadRules, BranchErrorsAreAllReported) {
  auto r = with(kBranchErrors);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_diag(r, 24, 11, "listener 'c': rule has 'field' but no operator"));
  EXPECT_TRUE(has_diag(r, 28, 11, "listener 'c': a rule takes exactly one operator; found 'equals' and 'contains'"));
  EXPECT_TRUE(has_diag(r, 31, 19, "listener 'c': exists: takes true"));
  EXPECT_TRUE(has_diag(r, 34, 20, "listener 'c': matches: invalid regular expression"));
  EXPECT_TRUE(has_diag(r, 37, 15, "listener 'c': lt: expected a number, got 'lots'"));
  EXPECT_TRUE(has_diag(r, 39, 11, "listener 'c': a rule needs 'to: LISTENER' or 'respond: true'"));
  EXPECT_TRUE(has_diag(r, 41, 18, "listener 'c': class 'Msg' has no field 'txt' (did you mean 'text'?)"));
  EXPECT_TRUE(has_diag(r, 44, 11, "listener 'c': missing required key 'field'"));
  EXPECT_TRUE(has_diag(r, 49, 20, "listener 'c': 'to' and 'respond: true' cannot be combined"));
  EXPECT_TRUE(has_diag(r, 52, 15, "listener 'c': unknown listener 'nobody'"));
  EXPECT_TRUE(has_warning(r, 55, 15, "target 'c' is not among the peers of 'c'"));
  EXPECT_TRUE(has_diag(r, 56, 40, "listener 'c': 'to' belongs on the rule, not inside its transform"));
  EXPECT_TRUE(has_diag(r, 58, 11, "listener 'c': a branch rule must be a mapping"));
  EXPECT_TRUE(has_diag(r, 59, 16, "listener 'c': default: needs 'to: LISTENER' or 'respond: true'"));
  EXPECT_TRUE(has_diag(r, 60, 7, "listener 'c': unknown key 'otherwise'"));
  EXPECT_EQ(count_errors(r), 14u) << dump(r);
  bool has_path = false;
  for (const auto& d : r.diagnostics) has_path |= d.field == "listeners[2].branch.rules[10].to";
  EXPECT_TRUE(has_path) << dump(r);
}

TEST(LoadRules, BranchShapes) {
  auto r = with(R"(  - name: c
    payload_class: Msg
    handler: branch
    description: C
    branch: { default: a }
  - name: d
    payload_class: Msg
    handler: branch
    description: D
    branch: { rules: { field: text }, default: [a] }
  - name: e
    payload_class: Msg
    handler: branch
    description: E
    branch: { rules: [ { field: text.., equals: x, to: a } ], default: nobody }
)");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_diag(r, 18, 13, "listener 'c': branch: missing required key 'rules'"));
  EXPECT_TRUE(has_diag(r, 23, 22, "listener 'd': rules: expected a list, got a mapping"));
  EXPECT_TRUE(has_diag(r, 23, 48, "listener 'd': default: expected a listener name or a mapping"));
  EXPECT_TRUE(has_diag(r, 28, 33, "listener 'e': field: 'text..' has an empty segment"));
  EXPECT_TRUE(has_diag(r, 28, 72, "listener 'e': unknown listener 'nobody'"));
  EXPECT_TRUE(has_warning(r, 18, 24, "target 'a' is not among the peers of 'c'"));
  EXPECT_EQ(count_errors(r), 5u) << dump(r);
}

TEST(LoadRules, BranchValues) {
  auto r = with(R"(  - name: c
    payload_class: Msg
    handler: branch
    description: C
    peers: [a, b]
    branch:
      rules:
        - { field: count, gte: "{{limit}}", to: a }
        - { field: count, lte: -2.5, to: a }
        - { field: text, not_equals: 5, to: b }
        - { field: count, lt: 1e3, respond: true }
        - { to: b, transform: { payload: Other, fields: { note: hi } } }
      default:
        respond: true
        transform: { payload: Other, copy_matching: false }
)");
  ASSERT_TRUE(r.ok()) << dump(r);
  const auto& b = *r.organism->find_listener("c")->branch;
  ASSERT_EQ(b.rules.size(), 5u);
  EXPECT_EQ(b.rules[0].op, BranchOp::Gte);
  EXPECT_EQ(b.rules[0].value, "{{limit}}");
  EXPECT_EQ(b.rules[1].op, BranchOp::Lte);
  EXPECT_EQ(b.rules[1].value, "-2.5");
  EXPECT_EQ(b.rules[2].op, BranchOp::NotEquals);
  EXPECT_EQ(b.rules[2].value, "5");
  EXPECT_EQ(b.rules[3].op, BranchOp::Lt);
  EXPECT_TRUE(b.rules[3].respond);
  EXPECT_EQ(b.rules[4].op, BranchOp::Always);
  EXPECT_EQ(b.rules[4].field, "");
  ASSERT_TRUE(b.rules[4].transform.has_value());
  EXPECT_EQ(b.rules[4].transform->payload, "Other");
  ASSERT_TRUE(b.otherwise.has_value());
  EXPECT_EQ(b.otherwise->op, BranchOp::Always);
  EXPECT_TRUE(b.otherwise->respond);
  ASSERT_TRUE(b.otherwise->transform.has_value());
  EXPECT_FALSE(b.otherwise->transform->copy_matching);
  EXPECT_EQ(b.pos.line, 20);
  EXPECT_EQ(b.pos.column, 7);
}

TEST(LoadRules, RegexLengthLimit) {
  std::string long_pattern(1001, 'a');
  auto r = with(
      "  - name: c\n    payload_class: Msg\n    handler: branch\n    description: C\n    peers: [a]\n"
      "    branch:\n      rules:\n        - { field: text, matches: " +
      long_pattern + ", to: a }\n");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_diag(r, 21, 35, "matches: the pattern is longer than 1000 characters"));
  auto ok = with(
      "  - name: c\n    payload_class: Msg\n    handler: branch\n    description: C\n    peers: [a]\n"
      "    branch:\n      rules:\n        - { field: text, matches: '" +
      std::string(1000, 'a') + "', to: a }\n");
  EXPECT_TRUE(ok.ok()) << dump(ok);
}

TEST(LoadRules, NestedRuleFieldPaths) {
  auto r = load_organism(R"(payloads:
  Order: { address: optional<Address>, items: list<Item>, meta: dict }
  Address: { city: string }
  Item: { sku: string }
listeners:
  - name: o
    payload_class: Order
    handler: branch
    description: O
    peers: [o]
    branch:
      rules:
        - { field: address.city, equals: Paris, to: o }
        - { field: items.0.sku, exists: true, to: o }
        - { field: meta.anything, exists: true, to: o }
        - { field: address.town, equals: x, to: o }
)");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_diag(r, 16, 20, "listener 'o': class 'Address' has no field 'town'"));
  EXPECT_EQ(count_errors(r), 1u) << dump(r);
}

}  // namespace
}  // namespace nextra::flow
