#include "handlers/template.h"

#include <gtest/gtest.h>

#include <random>

#include "handlers/test_schema.h"

namespace nextra::handlers {
namespace {

using schema::Value;
using testing::make_schema;
using testing::record;
using testing::sample_order;

class TemplateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_ = make_schema();
    order_ = sample_order(*schema_);
    greeting_ = record(*schema_, "Greeting", {Value("Ada")});
  }

  Scope order_scope() const { return Scope{&order_, "client", "thread-1", "router"}; }

  // Renders against the order, compiled both unbound and bound to Order.
  std::string render(std::string_view text) {
    auto t = Template::compile(text);
    EXPECT_TRUE(t.ok()) << text << ": " << t.error().message;
    if (!t.ok()) return "<compile error>";
    auto r = t->render(order_scope());
    auto bound = Template::compile(text, schema_->find("Order"));
    EXPECT_TRUE(bound.ok()) << text << ": " << bound.error().message;
    if (bound.ok() && r.ok()) {
      auto rb = bound->render(order_scope());
      EXPECT_TRUE(rb.ok());
      if (rb.ok()) {
        EXPECT_EQ(*rb, *r) << "bound and unbound disagree for " << text;
      }
    }
    return r.ok() ? *r : "<error: " + r.error().message + ">";
  }

  Error render_error(std::string_view text) {
    auto t = Template::compile(text);
    EXPECT_TRUE(t.ok()) << text << ": " << t.error().message;
    if (!t.ok()) return t.error();
    auto r = t->render(order_scope());
    EXPECT_FALSE(r.ok()) << text << " rendered " << *r;
    return r.ok() ? Error{} : r.error();
  }

  Error compile_error(std::string_view text, const schema::PayloadClass* cls = nullptr) {
    auto t = Template::compile(text, cls);
    EXPECT_FALSE(t.ok()) << text;
    return t.ok() ? Error{} : t.error();
  }

  std::unique_ptr<schema::Schema> schema_;
  schema::Record order_;
  schema::Record greeting_;
};

TEST_F(TemplateTest, TextAndHoles) {
  auto t = Template::compile("Hello {{ name }}!");
  ASSERT_TRUE(t.ok());
  Scope s{&greeting_, "a", "t", "me"};
  EXPECT_EQ(*t->render(s), "Hello Ada!");
  EXPECT_FALSE(t->single_expression());
  EXPECT_FALSE(t->is_literal());
  EXPECT_EQ(render("no holes at all"), "no holes at all");
  EXPECT_EQ(render(""), "");
  EXPECT_EQ(render("{{id}}-{{  id  }}"), "42-42");
  EXPECT_EQ(render("a }} b"), "a }} b");
}

TEST_F(TemplateTest, Paths) {
  EXPECT_EQ(render("{{ total }}"), "19.99");
  EXPECT_EQ(render("{{ paid }}"), "true");
  EXPECT_EQ(render("{{ customer.name }} <{{ customer.email }}>"), "Ada <ada@example.com>");
  EXPECT_EQ(render("{{ items.0.sku }}/{{ items.1.qty }}"), "A-1/1");
  EXPECT_EQ(render("{{ attributes.color }}"), "red");
  EXPECT_EQ(render("{{ tags.1 }}"), "vip");
  EXPECT_EQ(render("[{{ note }}]"), "[]");
}

TEST_F(TemplateTest, ContainersRenderAsCompactJsonInDeclarationOrder) {
  EXPECT_EQ(render("{{ items }}"), R"([{"sku":"A-1","qty":2},{"sku":"B-2","qty":1}])");
  EXPECT_EQ(render("{{ attributes }}"), R"({"color":"red","size":"L"})");
  EXPECT_EQ(render("{{ customer }}"), R"({"name":"Ada","email":"ada@example.com"})");
}

TEST_F(TemplateTest, ContextVariables) {
  EXPECT_EQ(render("{{ _from }}|{{ _thread }}|{{ _self }}|{{ _class }}"), "client|thread-1|router|Order");
  EXPECT_EQ(compile_error("{{ _who }}").column, 4);
  EXPECT_NE(compile_error("{{ _from.x }}").message.find("no fields"), std::string::npos);
}

TEST_F(TemplateTest, Literals) {
  EXPECT_EQ(render(R"({{ "a \"quoted\" \\ text" }})"), R"(a "quoted" \ text)");
  EXPECT_EQ(render("{{ 5 | add:2 }}"), "7");
  EXPECT_EQ(render(R"({{ "x" | upper }})"), "X");
}

TEST_F(TemplateTest, EscapedBraces) {
  EXPECT_EQ(render(R"(\{{ id }} is {{ id }})"), "{{ id }} is 42");
  EXPECT_EQ(render(R"(a \ b)"), R"(a \ b)");
}

TEST_F(TemplateTest, MissingFieldIsAnErrorNamingTheClass) {
  auto t = Template::compile("Hi {{ x }}");
  ASSERT_TRUE(t.ok());
  Scope s{&greeting_, "", "", ""};
  auto r = t->render(s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "field 'x' not found in Greeting");
  EXPECT_EQ(r.error().code, ErrorCode::NotFound);
  EXPECT_EQ(r.error().field, "x");

  EXPECT_EQ(render_error("{{ items.5.sku }}").message, "field 'items.5.sku' not found in Order (items has 2 items)");
  EXPECT_EQ(render_error("{{ attributes.weight }}").message,
            "field 'attributes.weight' not found in Order (attributes has no key 'weight')");
  EXPECT_EQ(render_error("{{ note.text }}").message, "field 'note.text' not found in Order (note is empty)");
  EXPECT_EQ(render_error("{{ items.first }}").message, "field 'items.first' not found in Order (items is a list; use a number)");
  EXPECT_EQ(render_error("{{ customer.phone }}").message, "field 'customer.phone' not found in Order");
}

TEST_F(TemplateTest, BoundCompileChecksPaths) {
  const auto* order = schema_->find("Order");
  Error e = compile_error("Total: {{ totl }}", order);
  EXPECT_EQ(e.column, 11);
  EXPECT_NE(e.message.find("field 'totl' not found in Order"), std::string::npos);
  EXPECT_NE(compile_error("{{ customer.phone }}", order).message.find("field 'phone' not found in Customer"), std::string::npos);
  EXPECT_NE(compile_error("{{ items.sku }}", order).message.find("is a list; use an index such as items.0"), std::string::npos);
  EXPECT_NE(compile_error("{{ id.x }}", order).message.find("'id' is a int and has no field 'x'"), std::string::npos);
  // With a default, an absent field is intentional.
  auto t = Template::compile(R"({{ nickname | default:"friend" }})", order);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t->render(order_scope()), "friend");
}

TEST_F(TemplateTest, CompileErrorsCarryColumns) {
  Error e = compile_error("Hello {{ name");
  EXPECT_EQ(e.column, 7);
  EXPECT_NE(e.message.find("never closed"), std::string::npos);
  e = compile_error("{{ name | uper }}");
  EXPECT_EQ(e.column, 11);
  EXPECT_NE(e.message.find("unknown filter 'uper'"), std::string::npos);
  EXPECT_EQ(compile_error("{{ }}").column, 4);
  EXPECT_EQ(compile_error("{{ name surname }}").column, 9);
  EXPECT_EQ(compile_error("{{ a. }}").column, 6);
  EXPECT_EQ(compile_error(R"({{ a | default:"x }})").column, 16);
  EXPECT_EQ(compile_error(R"({{ a | default }})").column, 8);
  EXPECT_EQ(compile_error(R"({{ a | upper:1 }})").column, 8);
  EXPECT_EQ(compile_error(R"({{ a | add:"x" }})").column, 12);
  EXPECT_EQ(compile_error(R"({{ a | split:"" }})").column, 14);
  EXPECT_EQ(compile_error(R"({{ a | replace:"":"b" }})").column, 16);
  EXPECT_EQ(compile_error(R"({{ a | truncate:-1 }})").column, 17);
  EXPECT_EQ(compile_error(R"({{ a | default:"\q" }})").column, 17);
  EXPECT_EQ(compile_error(R"({{ 0.items }})").column, 4);
}

TEST_F(TemplateTest, StringFilters) {
  EXPECT_EQ(render("{{ customer.name | upper }} {{ customer.name | lower }}"), "ADA ada");
  EXPECT_EQ(render(R"({{ "  padded \n" | trim }}|)"), "padded|");
  EXPECT_EQ(render(R"({{ customer.email | replace:"@":" at " | replace:".":" dot " }})"), "ada at example dot com");
  EXPECT_EQ(render(R"({{ customer.email | truncate:3 }})"), "ada");
  EXPECT_EQ(render(R"({{ "héllo wörld" | truncate:4 }})"), "héll");
  EXPECT_EQ(render(R"({{ "héllo" | upper }})"), "HéLLO");
  EXPECT_EQ(render("{{ id | upper }}"), "42");
  EXPECT_NE(render_error("{{ items | upper }}").message.find("needs text, got a list"), std::string::npos);
}

TEST_F(TemplateTest, Length) {
  EXPECT_EQ(render("{{ items | length }}"), "2");
  EXPECT_EQ(render("{{ attributes | length }}"), "2");
  EXPECT_EQ(render(R"({{ "héllo" | length }})"), "5");
  EXPECT_EQ(render("{{ note | length }}"), "0");
  EXPECT_NE(render_error("{{ customer | length }}").message.find("got a record"), std::string::npos);
}

TEST_F(TemplateTest, Default) {
  EXPECT_EQ(render(R"({{ note | default:"none" }})"), "none");
  EXPECT_EQ(render(R"({{ customer.name | default:"none" }})"), "Ada");
  EXPECT_EQ(render(R"({{ "" | default:"empty" }})"), "empty");
  EXPECT_EQ(render(R"({{ attributes.weight | default:0 | add:1 }})"), "1");
  // Filters before the default wait for it while the path is missing.
  EXPECT_EQ(render(R"({{ attributes.weight | upper | default:"n/a" }})"), "n/a");
}

TEST_F(TemplateTest, Arithmetic) {
  EXPECT_EQ(render("{{ id | add:1 }}"), "43");
  EXPECT_EQ(render("{{ id | sub:50 }}"), "-8");
  EXPECT_EQ(render("{{ id | mul:3 }}"), "126");
  EXPECT_EQ(render("{{ total | add:5 }}"), "24.99");
  EXPECT_EQ(render("{{ total | mul:2 }}"), "39.98");
  EXPECT_EQ(render("{{ id | mul:0.5 }}"), "21.0");
  EXPECT_EQ(render("{{ id | add:\"8\" }}"), "50");
  EXPECT_EQ(render(R"({{ "0.1" | add:0.2 }})"), "0.3");
  EXPECT_EQ(render(R"({{ " 7 " | add:1 }})"), "8");
  EXPECT_NE(render_error("{{ customer.name | add:1 }}").message.find("'Ada' is not a number"), std::string::npos);
  EXPECT_NE(render_error("{{ paid | add:1 }}").message.find("a bool is not a number"), std::string::npos);
  EXPECT_NE(render_error("{{ 9223372036854775807 | add:1 }}").message.find("out of range"), std::string::npos);
}

TEST_F(TemplateTest, Json) {
  EXPECT_EQ(render("{{ items.0 | json }}"), R"({"sku":"A-1","qty":2})");
  EXPECT_EQ(render(R"({{ "a\"b\n" | json }})"), R"("a\"b\n")");
  EXPECT_EQ(render("{{ note | json }}"), "null");
  EXPECT_EQ(render("{{ total | json }}"), "19.99");
  EXPECT_EQ(render("{{ tags | json }}"), R"(["new","vip"])");
  EXPECT_EQ(render("{{ _from | json }}"), R"("client")");
}

TEST_F(TemplateTest, XmlEach) {
  EXPECT_EQ(render("{{ items | xml_each }}"),
            "<LineItem><Sku>A-1</Sku><Qty>2</Qty></LineItem>\n<LineItem><Sku>B-2</Sku><Qty>1</Qty></LineItem>");
  EXPECT_EQ(render(R"({{ tags | xml_each:"Task":"task_name" }})"),
            "<Task><TaskName>new</TaskName></Task>\n<Task><TaskName>vip</TaskName></Task>");
  EXPECT_EQ(render(R"({{ "a<b,c&d" | split:"," | xml_each:"T":"v" }})"), "<T><V>a&lt;b</V></T>\n<T><V>c&amp;d</V></T>");
  EXPECT_NE(render_error("{{ tags | xml_each }}").message.find("needs a class and a field"), std::string::npos);
  EXPECT_NE(render_error(R"({{ items | xml_each:"A":"b" }})").message.find("plain values only"), std::string::npos);
  EXPECT_NE(render_error("{{ id | xml_each }}").message.find("needs a list"), std::string::npos);
  EXPECT_EQ(compile_error(R"({{ a | xml_each:"1x":"b" }})").column, 17);
}

TEST_F(TemplateTest, SplitAndJoin) {
  EXPECT_EQ(render(R"({{ "a, b, c" | split:", " | join:"+" }})"), "a+b+c");
  EXPECT_EQ(render(R"({{ "a, b, c" | split:", " | length }})"), "3");
  EXPECT_EQ(render(R"({{ "" | split:"," | length }})"), "0");
  EXPECT_EQ(render(R"({{ tags | join:", " }})"), "new, vip");
  EXPECT_EQ(render(R"({{ tags | join }})"), "newvip");
  EXPECT_EQ(render(R"({{ tags | join:"\n" }})"), "new\nvip");
  EXPECT_NE(render_error(R"({{ id | join:"," }})").message.find("needs a list, got an int"), std::string::npos);
}

TEST_F(TemplateTest, TypedPassThrough) {
  auto t = Template::compile("{{ items }}", schema_->find("Order"));
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->single_expression());
  ASSERT_NE(t->static_type(), nullptr);
  EXPECT_EQ(t->static_type()->spelling(), "list<LineItem>");
  auto v = t->render_typed(order_scope());
  ASSERT_TRUE(v.ok());
  ASSERT_TRUE(v->is<schema::List>());
  EXPECT_EQ(v->as<schema::List>().size(), 2u);
  EXPECT_EQ(v->as<schema::List>()[0].as<schema::Record>().cls->name, "LineItem");

  auto c = Template::compile("{{ customer }}", schema_->find("Order"));
  auto cv = c->render_typed(order_scope());
  ASSERT_TRUE(cv.ok());
  EXPECT_EQ(cv->as<schema::Record>().cls->name, "Customer");

  auto n = Template::compile("{{ id | add:1 }}");
  EXPECT_EQ(n->render_typed(order_scope())->as<std::int64_t>(), 43);
  EXPECT_EQ(n->static_type(), nullptr);  // filters: type known only at run time

  auto text = Template::compile(" {{ id }}");
  EXPECT_FALSE(text->single_expression());
  EXPECT_EQ(text->render_typed(order_scope())->as<std::string>(), " 42");
}

TEST_F(TemplateTest, CompileExpression) {
  auto t = Template::compile_expression("items.0.sku | lower", schema_->find("Order"));
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->single_expression());
  EXPECT_EQ(*t->render(order_scope()), "a-1");
  auto bad = Template::compile_expression("items.0.sku }}");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().column, 13);
}

TEST_F(TemplateTest, Limits) {
  std::string big(Template::kMaxText + 1, 'x');
  EXPECT_EQ(compile_error(big).code, ErrorCode::ResourceExhausted);
  std::string holes;
  for (int i = 0; i < 256; ++i) holes += "{{ id }}";
  EXPECT_TRUE(Template::compile(holes).ok());
  holes += "{{ id }}";
  Error e = compile_error(holes);
  EXPECT_EQ(e.code, ErrorCode::ResourceExhausted);
  EXPECT_EQ(e.column, 256 * 8 + 1);
  std::string filters = "{{ id";
  for (int i = 0; i < 16; ++i) filters += " | trim";
  EXPECT_TRUE(Template::compile(filters + " }}").ok());
  EXPECT_EQ(compile_error(filters + " | trim }}").code, ErrorCode::InvalidArgument);
  EXPECT_NE(compile_error("{{ items.1000001 }}").message.find("list index above 1000000"), std::string::npos);
  EXPECT_TRUE(Template::compile("{{ items.1000000 }}").ok());
}

TEST_F(TemplateTest, OutputLimit) {
  schema::Record big = record(*schema_, "Greeting", {Value(std::string(600 * 1024, 'a'))});
  Scope s{&big, "", "", ""};
  auto once = Template::compile("{{ name }}");
  EXPECT_TRUE(once->render(s).ok());
  auto twice = Template::compile("{{ name }}{{ name }}");
  auto r = twice->render(s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "template output exceeds 1 MiB");
  EXPECT_EQ(r.error().code, ErrorCode::ResourceExhausted);
  // A replacement that would blow up is refused before it allocates.
  auto rep = Template::compile(R"({{ name | replace:"a":"bbbbbbbbbb" | length }})");
  EXPECT_EQ(rep->render(s).error().message, "template output exceeds 1 MiB");
  auto join = Template::compile(R"({{ name | truncate:200000 | split:"a" | join:"0123456789" }})");
  EXPECT_EQ(join->render(s).error().message, "template output exceeds 1 MiB");
}

TEST_F(TemplateTest, BracesInsideStringArguments) {
  EXPECT_EQ(render(R"({{ note | default:"}}" }})"), "}}");
  EXPECT_EQ(render(R"({{ "{{ x }}" }})"), "{{ x }}");
}

TEST_F(TemplateTest, RandomTextNeverCrashes) {
  std::mt19937 rng(11);
  const char alphabet[] = "{}|:\"\\ ._-abcdeilmnoprstu019";
  int compiled = 0;
  for (int n = 0; n < 20000; ++n) {
    std::string s(rng() % 40, ' ');
    for (auto& ch : s) ch = alphabet[rng() % (sizeof(alphabet) - 1)];
    auto t = Template::compile(s, n % 2 ? schema_->find("Order") : nullptr);
    if (!t.ok()) {
      EXPECT_GT(t.error().column, 0) << s;
      continue;
    }
    ++compiled;
    auto r = t->render(order_scope());
    auto v = t->render_typed(order_scope());
    (void)r;
    (void)v;
  }
  EXPECT_GT(compiled, 1000);
}

TEST_F(TemplateTest, CopiesShareTheCompiledForm) {
  auto t = Template::compile("{{ customer.name }}!");
  ASSERT_TRUE(t.ok());
  Template copy = *t;
  EXPECT_EQ(*copy.render(order_scope()), "Ada!");
}

}  // namespace
}  // namespace nextra::handlers
