// payloads: class and field declarations, types, references, cycles.

#include <gtest/gtest.h>

#include "flow/loader.h"
#include "flow/loader_test_util.h"

namespace nextra::flow {
namespace {

using testing_util::count_errors;
using testing_util::dump;
using testing_util::has_diag;

TEST(LoadPayloads, ClassNamesMustBeIdentifiers) {
  auto r = load_organism("payloads:\n  9Bad: { x: int }\n  Bad-Name: {}\n  Good_1: { x: int }\nlisteners: []\n");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_diag(r, 2, 3, "payload class name '9Bad' is not an identifier"));
  EXPECT_TRUE(has_diag(r, 3, 3, "payload class name 'Bad-Name' is not an identifier"));
  EXPECT_EQ(count_errors(r), 2u) << dump(r);
  EXPECT_EQ(r.diagnostics[0].field, "payloads.9Bad");
}

TEST(LoadPayloads, FieldNamesMustBeIdentifiersNotReservedAndDistinct) {
  auto r = load_organism(R"(payloads:
  A:
    bad-name: int
    comment: string
    total: int
    total: decimal
    foo_bar: string
    foo__bar: string
    _: int
    _1: int
listeners: []
)");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_diag(r, 3, 5, "payload class 'A': field name 'bad-name' is not an identifier"));
  EXPECT_TRUE(has_diag(r, 4, 5, "field name 'comment' is reserved"));
  EXPECT_TRUE(has_diag(r, 6, 5, "duplicate key 'total' (first at line 5)"));
  EXPECT_TRUE(has_diag(r, 8, 5, "fields 'foo_bar' and 'foo__bar' both map to the XML element 'FooBar'"));
  EXPECT_TRUE(has_diag(r, 9, 5, "field name '_' cannot become an XML element name"));
  EXPECT_TRUE(has_diag(r, 10, 5, "field name '_1' cannot become an XML element name"));
  EXPECT_EQ(count_errors(r), 6u) << dump(r);
  EXPECT_EQ(r.diagnostics[1].field, "payloads.A.comment");
}

TEST(LoadPayloads, TypeErrorsPointAtTheTypeValue) {
  auto r = load_organism(R"(payloads:
  A:
    items: list<int
    kinds: map<int>
    nested: [int]
    weird: "int?"
  B: { x: optional< > }
listeners: []
)");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_diag(r, 3, 12, "payload class 'A': field 'items': type 'list<int' is missing a closing '>'"));
  EXPECT_TRUE(has_diag(r, 4, 12, "unknown type constructor 'map'"));
  EXPECT_TRUE(has_diag(r, 5, 13, "field 'nested': expected a type"));
  EXPECT_TRUE(has_diag(r, 6, 12, "'int?' is not a type"));
  EXPECT_TRUE(has_diag(r, 7, 11, "payload class 'B': field 'x': empty type"));
  EXPECT_EQ(count_errors(r), 5u) << dump(r);
}

TEST(LoadPayloads, UnknownClassReferencesAreAllReported) {
  auto r = load_organism(R"(payloads:
  Order:
    items: list<LineItm>
    owner: optional<Person>
    ok: LineItem
  LineItem: { sku: string, qty: integr }
listeners: []
)");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_diag(
      r, 3, 12, "payload class 'Order': field 'items': unknown payload class 'LineItm' (did you mean 'LineItem'?)"));
  EXPECT_TRUE(has_diag(r, 4, 12, "payload class 'Order': field 'owner': unknown payload class 'Person'"));
  EXPECT_TRUE(has_diag(r, 6, 33, "field 'qty': unknown payload class 'integr'"));
  EXPECT_EQ(count_errors(r), 3u) << dump(r);
  EXPECT_EQ(r.diagnostics[0].field, "payloads.Order.items");
}

TEST(LoadPayloads, ReferencesToBuiltInClassesResolve) {
  auto r =
      load_organism("payloads:\n  Wrapper: { err: optional<SystemError>, calcs: list<Calculate> }\nlisteners: []\n");
  ASSERT_TRUE(r.ok()) << dump(r);
  const auto* w = r.organism->schema->find("Wrapper");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->fields[0].type.element->cls, r.organism->schema->find("SystemError"));
}

TEST(LoadPayloads, CyclesAreReportedAtTheClass) {
  auto r = load_organism(R"(payloads:
  A: { b: B }
  B: { a: optional<A> }
  Node:
    children: list<Node>
  Fine: { a: string }
listeners: []
)");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(
      has_diag(r, 2, 3, "payload class 'A' refers to itself through its fields: A -> B -> A (cycles are not allowed)"));
  EXPECT_TRUE(has_diag(r, 4, 3, "payload class 'Node' refers to itself through its fields: Node -> Node"));
  EXPECT_EQ(count_errors(r), 2u) << dump(r);
}

TEST(LoadPayloads, BuiltInClassesCannotBeRedefined) {
  auto r = load_organism("payloads:\n  SystemError: { code: string }\n  Boot: {}\nlisteners: []\n");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_diag(r, 2, 3, "payload class 'SystemError' is built in and cannot be redefined"));
  EXPECT_TRUE(has_diag(r, 3, 3, "payload class 'Boot' is built in"));
}

TEST(LoadPayloads, ShapesOfTheSectionAndOfAClass) {
  auto r = load_organism("payloads:\n  A: [x, y]\n  Empty:\n  AlsoEmpty: {}\nlisteners: []\n");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_diag(r, 2, 6, "payload class 'A': expected a mapping of field: type"));
  EXPECT_EQ(count_errors(r), 1u) << dump(r);

  auto seq = load_organism("payloads: [A, B]\nlisteners: []\n");
  EXPECT_TRUE(has_diag(seq, 1, 11, "payloads: expected a mapping (key: value), got a list"));

  auto empty = load_organism("payloads:\n  Ping:\nlisteners: []\n");
  ASSERT_TRUE(empty.ok()) << dump(empty);
  ASSERT_NE(empty.organism->schema->find("Ping"), nullptr);
  EXPECT_TRUE(empty.organism->schema->find("Ping")->fields.empty());
}

TEST(LoadPayloads, ClassAndFieldCountLimits) {
  LoadLimits limits;
  limits.max_classes = 2;
  limits.max_fields_per_class = 3;
  auto r =
      load_organism("payloads:\n  A: { a: int, b: int, c: int, d: int }\n  B: {}\n  C: {}\nlisteners: []\n", limits);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_diag(r, 1, 1, "too many payload classes (3; the limit is 2)"));
  EXPECT_TRUE(has_diag(r, 2, 3, "payload class 'A': too many fields (4; the limit is 3)"));
}

TEST(LoadPayloads, FieldPositionsAndXmlNamesAreFilled) {
  auto r = load_organism("payloads:\n  Greeting:\n    original_sender: string\n    name: str\nlisteners: []\n");
  ASSERT_TRUE(r.ok()) << dump(r);
  const auto* g = r.organism->schema->find("Greeting");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->line, 2);
  EXPECT_EQ(g->column, 3);
  ASSERT_EQ(g->fields.size(), 2u);
  EXPECT_EQ(g->fields[0].xml_name, "OriginalSender");
  EXPECT_EQ(g->fields[0].line, 3);
  EXPECT_EQ(g->fields[0].column, 5);
  EXPECT_EQ(g->fields[1].type.kind, schema::TypeKind::String);
  EXPECT_FALSE(g->builtin);
  // Dependency order is available to the XSD generator.
  EXPECT_FALSE(r.organism->schema->ordered().empty());
}

}  // namespace
}  // namespace nextra::flow
