#include "handlers/branch.h"

#include <gtest/gtest.h>

#include "handlers/test_schema.h"

namespace nextra::handlers {
namespace {

using flow::BranchOp;
using schema::Value;
using testing::make_schema;
using testing::payload;
using testing::record;
using testing::sample_order;

flow::BranchRule rule(std::string field, BranchOp op, std::string value, std::string to) {
  flow::BranchRule r;
  r.field = std::move(field);
  r.op = op;
  r.value = std::move(value);
  r.to = std::move(to);
  r.pos = {20, 7};
  return r;
}

flow::BranchRule otherwise(std::string to) {
  flow::BranchRule r;
  r.to = std::move(to);
  return r;
}

class BranchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_ = make_schema();
    order_ = payload(sample_order(*schema_));
  }

  CompiledBranch compile(std::vector<flow::BranchRule> rules, std::optional<flow::BranchRule> def = otherwise("fallback")) {
    flow::BranchSpec s;
    s.rules = std::move(rules);
    s.otherwise = std::move(def);
    flow::Diagnostics d;
    auto b = CompiledBranch::compile(s, *schema_, schema_->find("Order"), &d);
    EXPECT_TRUE(b.ok()) << b.error().message;
    EXPECT_TRUE(d.empty());
    return std::move(b).value();
  }

  flow::Diagnostics compile_errors(std::vector<flow::BranchRule> rules) {
    flow::BranchSpec s;
    s.rules = std::move(rules);
    flow::Diagnostics d;
    auto b = CompiledBranch::compile(s, *schema_, schema_->find("Order"), &d);
    EXPECT_FALSE(b.ok());
    EXPECT_FALSE(d.empty());
    return d;
  }

  // Where a single rule sends the sample order ("fallback" when it does not hold).
  std::string route(std::string field, BranchOp op, std::string value) {
    auto b = compile({rule(std::move(field), op, std::move(value), "hit")});
    auto d = b.decide(order_, scope());
    EXPECT_TRUE(d.ok()) << d.error().message;
    return d.ok() ? d->to : "<error>";
  }

  Error route_error(std::string field, BranchOp op, std::string value) {
    auto b = compile({rule(std::move(field), op, std::move(value), "hit")});
    auto d = b.decide(order_, scope());
    EXPECT_FALSE(d.ok());
    return d.ok() ? Error{} : d.error();
  }

  Scope scope() const { return Scope{nullptr, "client", "t-1", "router"}; }

  std::unique_ptr<schema::Schema> schema_;
  schema::PayloadPtr order_;
};

TEST_F(BranchTest, FirstMatchWinsAndPayloadIsShared) {
  auto b = compile({rule("customer.name", BranchOp::Equals, "Bob", "bob"), rule("customer.name", BranchOp::Equals, "Ada", "ada"),
                    rule("paid", BranchOp::Equals, "true", "paid")});
  auto d = b.decide(order_, scope());
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->to, "ada");
  EXPECT_EQ(d->rule_index, 1);
  EXPECT_EQ(d->payload.get(), order_.get());
  EXPECT_FALSE(d->respond);
}

TEST_F(BranchTest, DefaultRouteAndNoDefault) {
  auto b = compile({rule("id", BranchOp::Equals, "7", "seven")});
  auto d = b.decide(order_, scope());
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->to, "fallback");
  EXPECT_EQ(d->rule_index, -1);
  auto none = compile({rule("id", BranchOp::Equals, "7", "seven")}, std::nullopt);
  auto e = none.decide(order_, scope());
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().message, "no branch rule matched and there is no default");
}

TEST_F(BranchTest, EqualsComparesNumbersNumerically) {
  EXPECT_EQ(route("id", BranchOp::Equals, "42"), "hit");
  EXPECT_EQ(route("id", BranchOp::Equals, "42.0"), "hit");
  EXPECT_EQ(route("total", BranchOp::Equals, "19.990"), "hit");
  EXPECT_EQ(route("total", BranchOp::Equals, "1999e-2"), "hit");
  EXPECT_EQ(route("id", BranchOp::Equals, "042"), "hit");
  EXPECT_EQ(route("id", BranchOp::Equals, "43"), "fallback");
  EXPECT_EQ(route("id", BranchOp::NotEquals, "42.00"), "fallback");
  EXPECT_EQ(route("customer.name", BranchOp::NotEquals, "Bob"), "hit");
  EXPECT_EQ(route("customer.name", BranchOp::Equals, "ada"), "fallback");
  EXPECT_EQ(route("customer.name | lower", BranchOp::Equals, "ada"), "hit");
  EXPECT_EQ(route("note", BranchOp::Equals, ""), "hit");
  EXPECT_EQ(route("_from", BranchOp::Equals, "client"), "hit");
}

TEST_F(BranchTest, ValuesAreTemplates) {
  EXPECT_EQ(route("customer.name", BranchOp::Equals, "{{ customer.name }}"), "hit");
  EXPECT_EQ(route("id", BranchOp::Gt, "{{ items | length }}"), "hit");
  EXPECT_EQ(route("total", BranchOp::Lt, "{{ id | sub:22 }}"), "hit");  // 19.99 < 20
  EXPECT_EQ(route("total", BranchOp::Lt, "{{ id | sub:23 }}"), "fallback");
}

TEST_F(BranchTest, Contains) {
  EXPECT_EQ(route("customer.email", BranchOp::Contains, "@example."), "hit");
  EXPECT_EQ(route("customer.email", BranchOp::Contains, "@other."), "fallback");
  EXPECT_EQ(route("tags", BranchOp::Contains, "vip"), "hit");
  EXPECT_EQ(route("tags", BranchOp::Contains, "vi"), "fallback");  // list: whole elements
  EXPECT_EQ(route("attributes", BranchOp::Contains, "color"), "hit");
  EXPECT_EQ(route("attributes", BranchOp::Contains, "red"), "fallback");
}

TEST_F(BranchTest, Matches) {
  EXPECT_EQ(route("customer.email", BranchOp::Matches, R"(^[a-z]+@example\.com$)"), "hit");
  EXPECT_EQ(route("customer.email", BranchOp::Matches, "example"), "hit");  // search, not full match
  EXPECT_EQ(route("customer.email", BranchOp::Matches, "^example"), "fallback");
  EXPECT_EQ(route("customer.name", BranchOp::Matches, "(?i)^ADA$"), "hit");
  EXPECT_EQ(route("items.0.sku", BranchOp::Matches, R"(^[A-Z]-\d+$)"), "hit");
}

TEST_F(BranchTest, RegexInputLimit) {
  auto big = payload(record(*schema_, "Greeting", {Value(std::string(CompiledBranch::kMaxRegexInput + 1, 'a'))}));
  flow::BranchSpec s;
  s.rules = {rule("name", BranchOp::Matches, "a*c", "x")};
  auto b = CompiledBranch::compile(s, *schema_, schema_->find("Greeting"), nullptr);
  ASSERT_TRUE(b.ok());
  auto d = b->decide(big, scope());
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().message.find("value too long for a regex rule"), std::string::npos);
  // At the limit the linear matcher is quick (std::regex would overflow the stack here).
  auto ok = payload(record(*schema_, "Greeting", {Value(std::string(CompiledBranch::kMaxRegexInput, 'a'))}));
  auto d2 = b->decide(ok, scope());
  ASSERT_FALSE(d2.ok());  // no match and no default
  EXPECT_EQ(d2.error().code, ErrorCode::NotFound);
}

TEST_F(BranchTest, NumericComparisons) {
  EXPECT_EQ(route("total", BranchOp::Lt, "20"), "hit");
  EXPECT_EQ(route("total", BranchOp::Lt, "19.99"), "fallback");
  EXPECT_EQ(route("total", BranchOp::Lte, "19.99"), "hit");
  EXPECT_EQ(route("total", BranchOp::Gt, "19.989"), "hit");
  EXPECT_EQ(route("total", BranchOp::Gte, "20"), "fallback");
  EXPECT_EQ(route("id", BranchOp::Gte, "4.2e1"), "hit");
  EXPECT_EQ(route("items | length", BranchOp::Gte, "2"), "hit");
  EXPECT_EQ(route("items.1.qty", BranchOp::Lt, "-1"), "fallback");
}

TEST_F(BranchTest, NumericComparisonErrorsNameTheField) {
  Error e = route_error("customer.name", BranchOp::Gt, "3");
  EXPECT_EQ(e.message, "branch rule 1: field 'customer.name' is 'Ada', not a number (gt compares numbers)");
  EXPECT_EQ(e.field, "customer.name");
  e = route_error("id", BranchOp::Lt, "{{ customer.name }}");
  EXPECT_EQ(e.message, "branch rule 1: the value 'Ada' to compare 'id' with is not a number");
}

TEST_F(BranchTest, Exists) {
  EXPECT_EQ(route("customer.name", BranchOp::Exists, ""), "hit");
  EXPECT_EQ(route("note", BranchOp::Exists, ""), "fallback");
  EXPECT_EQ(route("items.1", BranchOp::Exists, ""), "hit");
  EXPECT_EQ(route("items.2", BranchOp::Exists, ""), "fallback");
  EXPECT_EQ(route("attributes.color", BranchOp::Exists, ""), "hit");
  EXPECT_EQ(route("attributes.weight", BranchOp::Exists, ""), "fallback");
  auto empty = payload(record(*schema_, "Greeting", {Value("")}));
  flow::BranchSpec s;
  s.rules = {rule("name", BranchOp::Exists, "", "x")};
  s.otherwise = otherwise("none");
  auto b = CompiledBranch::compile(s, *schema_, schema_->find("Greeting"), nullptr);
  EXPECT_EQ(b->decide(empty, scope())->to, "none");
}

TEST_F(BranchTest, UnresolvedPathsDoNotMatch) {
  EXPECT_EQ(route("items.5.sku", BranchOp::Equals, ""), "fallback");
  EXPECT_EQ(route("items.5.sku", BranchOp::NotEquals, "x"), "fallback");
  EXPECT_EQ(route("attributes.weight", BranchOp::Gt, "1"), "fallback");
}

TEST_F(BranchTest, AlwaysRule) {
  flow::BranchRule r;
  r.to = "everyone";
  r.respond = true;
  auto b = compile({r});
  auto d = b.decide(order_, scope());
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->to, "everyone");
  EXPECT_TRUE(d->respond);
  EXPECT_EQ(d->rule_index, 0);
}

TEST_F(BranchTest, RuleWithTransform) {
  auto r = rule("paid", BranchOp::Equals, "true", "");
  flow::TransformSpec t;
  t.payload = "Shipment";
  t.to = "shipping";
  t.fields = {{"count", "{{ items | length }}"}};
  r.transform = t;
  auto b = compile({r});
  auto d = b.decide(order_, scope());
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->to, "shipping");
  EXPECT_NE(d->payload.get(), order_.get());
  EXPECT_EQ(d->payload->class_name(), "Shipment");
  EXPECT_EQ(d->payload->record.get("count")->as<std::int64_t>(), 2);
  EXPECT_EQ(d->payload->record.get("id")->as<std::int64_t>(), 42);
}

TEST_F(BranchTest, CompileErrors) {
  auto d = compile_errors({rule("customer.name", BranchOp::Matches, "(a", "x")});
  EXPECT_NE(d[0].message.find("branch rule 1: regex: missing ')'"), std::string::npos);
  EXPECT_EQ(d[0].field, "branch.rules[0].value");
  EXPECT_EQ(d[0].line, 20);

  d = compile_errors({rule("id", BranchOp::Equals, "1", "a"), rule("total", BranchOp::Lt, "cheap", "x")});
  EXPECT_EQ(d[0].message, "branch rule 2: lt compares numbers, and 'cheap' is not a number");

  d = compile_errors({rule("totl", BranchOp::Lt, "1", "x")});
  EXPECT_NE(d[0].message.find("branch rule 1: field 'totl': field 'totl' not found in Order"), std::string::npos);
  EXPECT_EQ(d[0].field, "branch.rules[0].field");

  d = compile_errors({rule("", BranchOp::Equals, "1", "x")});
  EXPECT_EQ(d[0].message, "branch rule 1: 'equals' needs a field to test");

  d = compile_errors({rule("id", BranchOp::Matches, R"((a)\1)", "x")});
  EXPECT_NE(d[0].message.find("backreferences are not supported"), std::string::npos);

  auto bad_transform = rule("id", BranchOp::Exists, "", "x");
  flow::TransformSpec t;
  t.payload = "Nope";
  bad_transform.transform = t;
  d = compile_errors({bad_transform});
  EXPECT_EQ(d[0].field, "branch.rules[0].transform.payload");
}

}  // namespace
}  // namespace nextra::handlers
