#include "handlers/transform.h"

#include <gtest/gtest.h>

#include "handlers/test_schema.h"

namespace nextra::handlers {
namespace {

using schema::Value;
using testing::make_schema;
using testing::payload;
using testing::record;
using testing::sample_order;

flow::TransformSpec spec(std::string cls, std::vector<std::pair<std::string, std::string>> fields, bool copy = true) {
  flow::TransformSpec s;
  s.payload = std::move(cls);
  s.fields = std::move(fields);
  s.copy_matching = copy;
  s.pos = {10, 5};
  int line = 11;
  for (const auto& [name, text] : s.fields) s.field_pos[name] = {line++, 17};
  return s;
}

class TransformTest : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_ = make_schema();
    order_ = payload(sample_order(*schema_));
    greeting_ = payload(record(*schema_, "Greeting", {Value("Ada")}));
  }

  CompiledTransform compile(const flow::TransformSpec& s, std::string_view input) {
    flow::Diagnostics d;
    auto t = CompiledTransform::compile(s, *schema_, schema_->find(input), &d);
    EXPECT_TRUE(t.ok()) << t.error().message;
    EXPECT_TRUE(d.empty());
    return std::move(t).value();
  }

  flow::Diagnostics compile_errors(const flow::TransformSpec& s, std::string_view input) {
    flow::Diagnostics d;
    auto t = CompiledTransform::compile(s, *schema_, input.empty() ? nullptr : schema_->find(input), &d);
    EXPECT_FALSE(t.ok());
    EXPECT_FALSE(d.empty());
    if (!t.ok() && !d.empty()) {
      EXPECT_EQ(t.error().message, d[0].message);
    }
    return d;
  }

  Scope scope() const { return Scope{nullptr, "client", "t-1", "me"}; }

  std::unique_ptr<schema::Schema> schema_;
  schema::PayloadPtr order_;
  schema::PayloadPtr greeting_;
};

TEST_F(TransformTest, BuildsFromTemplatesAndCopiesMatchingFields) {
  auto s = spec("Reply", {{"greeting", "Hello, {{ name }}! (from {{ _from }})"}});
  s.to = "shouter";
  auto t = compile(s, "Greeting");
  EXPECT_EQ(t.to(), "shouter");
  EXPECT_FALSE(t.respond());
  EXPECT_EQ(t.output_class().name, "Reply");
  auto out = t.apply(*greeting_, scope());
  ASSERT_TRUE(out.ok()) << out.error().message;
  const auto& r = (*out)->record;
  EXPECT_EQ(r.cls->name, "Reply");
  EXPECT_EQ(r.get("greeting")->as<std::string>(), "Hello, Ada! (from client)");
  EXPECT_EQ(r.get("name")->as<std::string>(), "Ada");  // copied
  EXPECT_EQ(r.get("count")->as<std::int64_t>(), 0);    // zero
  EXPECT_TRUE(schema::check_record(r).ok());
}

TEST_F(TransformTest, CopyMatchingOffZeroesTheRest) {
  auto t = compile(spec("Reply", {{"greeting", "hi"}}, false), "Greeting");
  auto out = t.apply(*greeting_, scope());
  ASSERT_TRUE(out.ok());
  EXPECT_EQ((*out)->record.get("name")->as<std::string>(), "");
}

TEST_F(TransformTest, UnknownInputClassCopiesByName) {
  flow::Diagnostics d;
  auto t = CompiledTransform::compile(spec("Reply", {{"count", "{{ name | length }}"}}), *schema_, nullptr, &d);
  ASSERT_TRUE(t.ok()) << t.error().message;
  auto out = t->apply(*greeting_, scope());
  ASSERT_TRUE(out.ok());
  EXPECT_EQ((*out)->record.get("name")->as<std::string>(), "Ada");
  EXPECT_EQ((*out)->record.get("count")->as<std::int64_t>(), 3);
  // Same-named fields of another type are not copied: Order.id is int, Reply has no id;
  // Shipment.total is decimal like Order.total.
  auto ship = CompiledTransform::compile(spec("Shipment", {}), *schema_, nullptr, &d);
  auto sp = ship->apply(*order_, scope());
  ASSERT_TRUE(sp.ok());
  EXPECT_EQ((*sp)->record.get("total")->as<schema::Decimal>().text, "19.99");
  EXPECT_EQ((*sp)->record.get("id")->as<std::int64_t>(), 42);
  EXPECT_TRUE(schema::check_record((*sp)->record).ok());
}

TEST_F(TransformTest, ScalarConversion) {
  auto t = compile(spec("Shipment", {{"count", "{{ items | length }}"},
                                     {"weight", "{{ total | mul:2 }}"},
                                     {"paid", "{{ paid }}"},
                                     {"note", "Order {{ id }}"},
                                     {"id", "{{ id | add:1000 }}"}}),
                   "Order");
  auto out = t.apply(*order_, scope());
  ASSERT_TRUE(out.ok()) << out.error().message;
  const auto& r = (*out)->record;
  EXPECT_EQ(r.get("count")->as<std::int64_t>(), 2);
  EXPECT_EQ(r.get("weight")->as<schema::Decimal>().text, "39.98");
  EXPECT_TRUE(r.get("paid")->as<bool>());
  EXPECT_EQ(r.get("note")->as<std::string>(), "Order 42");
  EXPECT_EQ(r.get("id")->as<std::int64_t>(), 1042);
  EXPECT_TRUE(schema::check_record(r).ok());
}

TEST_F(TransformTest, TextParsesIntoScalarFields) {
  auto t = compile(spec("Shipment", {{"id", "{{ attributes.size | replace:\"L\":\"7\" }}"}, {"total", "1{{ id }}.5"}}), "Order");
  auto out = t.apply(*order_, scope());
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ((*out)->record.get("id")->as<std::int64_t>(), 7);
  EXPECT_EQ((*out)->record.get("total")->as<schema::Decimal>().text, "142.5");
}

TEST_F(TransformTest, ConversionErrorsNameTheField) {
  auto t = compile(spec("Reply", {{"count", "{{ name }}"}}), "Greeting");
  auto out = t.apply(*greeting_, scope());
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().message, "building Reply.count: 'Ada' is not an integer");
  EXPECT_EQ(out.error().field, "count");
  auto missing = compile(spec("Reply", {{"greeting", "{{ nickname | default:\"x\" }} {{ name }}"}}), "Greeting");
  auto g2 = payload(record(*schema_, "Greeting", {Value("Bo")}));
  EXPECT_EQ((*missing.apply(*g2, scope()))->record.get("greeting")->as<std::string>(), "x Bo");
}

TEST_F(TransformTest, MissingFieldAtRunTimeForAnotherClass) {
  flow::Diagnostics d;
  auto t = CompiledTransform::compile(spec("Reply", {{"greeting", "{{ name }}"}}), *schema_, nullptr, &d);
  ASSERT_TRUE(t.ok());
  auto out = t->apply(*order_, scope());
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().message, "building Reply.greeting: field 'name' not found in Order");
}

TEST_F(TransformTest, TypedPassThroughOfListsAndRecords) {
  auto t = compile(spec("Shipment", {{"items", "{{ items }}"}, {"customer", "{{ customer }}"}, {"codes", "{{ tags }}"}}), "Order");
  auto out = t.apply(*order_, scope());
  ASSERT_TRUE(out.ok()) << out.error().message;
  const auto& r = (*out)->record;
  ASSERT_EQ(r.get("items")->as<schema::List>().size(), 2u);
  EXPECT_EQ(r.get("items")->as<schema::List>()[1].as<schema::Record>().get("sku")->as<std::string>(), "B-2");
  EXPECT_EQ(r.get("customer")->as<schema::Record>().get("email")->as<std::string>(), "ada@example.com");
  EXPECT_EQ(r.get("codes")->as<schema::List>()[0].as<std::string>(), "new");
  EXPECT_TRUE(schema::check_record(r).ok());
}

TEST_F(TransformTest, FilteredListsAreCheckedAtRunTime) {
  auto t = compile(spec("Shipment", {{"codes", "{{ customer.email | split:\"@\" }}"}}), "Order");
  auto out = t.apply(*order_, scope());
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ((*out)->record.get("codes")->as<schema::List>()[1].as<std::string>(), "example.com");
  auto bad = compile(spec("Shipment", {{"items", "{{ customer.email | split:\"@\" }}"}}), "Order");
  auto r = bad.apply(*order_, scope());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("building Shipment.items: the value does not fit"), std::string::npos);
  EXPECT_EQ(r.error().field, "items");
}

TEST_F(TransformTest, OptionalFields) {
  auto t = compile(spec("Shipment", {{"note", "{{ note }}"}, {"count", "{{ attributes.count | default:\"\" }}"}}), "Order");
  auto out = t.apply(*order_, scope());
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_TRUE((*out)->record.get("note")->is_null());
  EXPECT_TRUE((*out)->record.get("count")->is_null());
  EXPECT_TRUE(schema::check_record((*out)->record).ok());
}

TEST_F(TransformTest, CompileErrorsArePositioned) {
  auto d = compile_errors(spec("Nope", {}), "Order");
  EXPECT_EQ(d[0].message, "unknown payload class 'Nope' in transform");
  EXPECT_EQ(d[0].line, 10);
  EXPECT_EQ(d[0].field, "transform.payload");

  d = compile_errors(spec("Reply", {{"greting", "x"}, {"count", "{{ name | uper }}"}}), "Greeting");
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].message, "payload class 'Reply' has no field 'greting'");
  EXPECT_EQ(d[0].line, 11);
  EXPECT_EQ(d[0].column, 17);
  EXPECT_EQ(d[0].field, "transform.fields.greting");
  EXPECT_EQ(d[1].line, 12);
  EXPECT_EQ(d[1].column, 17 + 10);  // value column + offset of "uper" in the template
  EXPECT_NE(d[1].message.find("template for field 'count': unknown filter 'uper'"), std::string::npos);

  d = compile_errors(spec("Reply", {{"greeting", "Hi {{ nmae }}"}}), "Greeting");
  EXPECT_NE(d[0].message.find("field 'nmae' not found in Greeting"), std::string::npos);
  EXPECT_EQ(d[0].column, 17 + 6);

  d = compile_errors(spec("Shipment", {{"items", "{{ tags }}"}}), "Order");
  EXPECT_EQ(d[0].message, "field 'items' is list<LineItem> but {{ tags }} is list<string>");

  d = compile_errors(spec("Shipment", {{"items", "items: {{ items }}"}}), "Order");
  EXPECT_NE(d[0].message.find("must be a single {{ expression }}"), std::string::npos);

  d = compile_errors(spec("Shipment", {{"id", "{{ items }}"}}), "Order");
  EXPECT_EQ(d[0].message, "field 'id' is int but {{ items }} is list<LineItem>");

  d = compile_errors(spec("Reply", {{"name", "a"}, {"name", "b"}}), "Greeting");
  EXPECT_EQ(d[0].message, "field 'name' is set twice");
}

TEST_F(TransformTest, RespondFlag) {
  auto s = spec("Reply", {});
  s.respond = true;
  EXPECT_TRUE(compile(s, "Greeting").respond());
}

}  // namespace
}  // namespace nextra::handlers
