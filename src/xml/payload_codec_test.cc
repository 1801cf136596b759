#include "xml/payload_codec.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "xml/test_schema.h"
#include "xml/xsd_cache.h"

namespace nextra::xml {
namespace {

using schema::Decimal;
using schema::Dict;
using schema::List;
using schema::Payload;
using schema::Record;
using schema::TypeKind;
using schema::TypeRef;
using schema::Value;

// Deep equality (schema::Value has no operator==).
bool same(const Value& a, const Value& b);

bool same_record(const Record& a, const Record& b) {
  if (a.cls != b.cls || a.fields.size() != b.fields.size()) return false;
  for (size_t i = 0; i < a.fields.size(); ++i) {
    if (!same(a.fields[i], b.fields[i])) return false;
  }
  return true;
}

bool same(const Value& a, const Value& b) {
  if (a.v.index() != b.v.index()) return false;
  if (a.is<List>()) {
    const auto& x = a.as<List>();
    const auto& y = b.as<List>();
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i) {
      if (!same(x[i], y[i])) return false;
    }
    return true;
  }
  if (a.is<Record>()) return same_record(a.as<Record>(), b.as<Record>());
  if (a.is<Dict>()) return a.as<Dict>() == b.as<Dict>();
  if (a.is<Decimal>()) return a.as<Decimal>() == b.as<Decimal>();
  if (a.is<std::string>()) return a.as<std::string>() == b.as<std::string>();
  if (a.is<std::int64_t>()) return a.as<std::int64_t>() == b.as<std::int64_t>();
  if (a.is<bool>()) return a.as<bool>() == b.as<bool>();
  return a.is_null() && b.is_null();
}

Payload make(const schema::Schema& s, std::string_view cls, std::vector<Value> fields) {
  Record r;
  r.cls = s.find(cls);
  r.fields = std::move(fields);
  return Payload{std::move(r)};
}

// Random values of a type: strings mix markup characters, whitespace-only pieces, CR/LF,
// and multi-byte UTF-8; ints include the 64-bit extremes.
class Generator {
 public:
  explicit Generator(unsigned seed) : rng_(seed) {}

  Value value(const TypeRef& t) {
    switch (t.kind) {
      case TypeKind::String: return Value(string());
      case TypeKind::Int: return Value(integer());
      case TypeKind::Decimal: return Value(decimal());
      case TypeKind::Bool: return Value(pick(2) == 0);
      case TypeKind::List: {
        List l;
        for (size_t n = pick(4); n > 0; --n) l.push_back(value(*t.element));
        return Value(std::move(l));
      }
      case TypeKind::Optional:
        return pick(2) == 0 ? Value() : value(*t.element);
      case TypeKind::Dict: {
        Dict d;
        for (size_t n = pick(3); n > 0; --n) d.emplace_back(string(), string());
        return Value(std::move(d));
      }
      case TypeKind::Class: return Value(record(*t.cls));
    }
    return Value();
  }

  Record record(const schema::PayloadClass& cls) {
    Record r;
    r.cls = &cls;
    for (const auto& f : cls.fields) r.fields.push_back(value(f.type));
    return r;
  }

 private:
  size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }

  std::string string() {
    static const char* kPieces[] = {"a",  "Z",  " ",  "  ",  "<",   ">",         "&",           "\"",
                                    "'",  "\n", "\t", "\r",  "]]>", "caf\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80",
                                    "x y", "&amp;", "<!--", "\xE4\xB8\xAD"};
    std::string s;
    for (size_t n = pick(6); n > 0; --n) s += kPieces[pick(std::size(kPieces))];
    return s;
  }

  std::int64_t integer() {
    switch (pick(5)) {
      case 0: return std::numeric_limits<std::int64_t>::min();
      case 1: return std::numeric_limits<std::int64_t>::max();
      case 2: return 0;
      default: return std::uniform_int_distribution<std::int64_t>(-1000000, 1000000)(rng_);
    }
  }

  Decimal decimal() {
    static const char* kDecimals[] = {"0", "12.50", "-3.14159", "+1.5", "123456789012345678.123456", ".5", "7."};
    return Decimal{kDecimals[pick(std::size(kDecimals))]};
  }

  std::mt19937 rng_;
};

TEST(PayloadToXml, GreetingIsExact) {
  auto s = testing::make_test_schema();
  EXPECT_EQ(payload_to_xml(make(*s, "Greeting", {Value("Ada")})), "<Greeting><Name>Ada</Name></Greeting>");
  EXPECT_EQ(payload_to_xml(make(*s, "Greeting", {Value("")})), "<Greeting><Name></Name></Greeting>");
  EXPECT_EQ(payload_to_xml(make(*s, "Greeting", {Value("a<b>&c\"")})),
            "<Greeting><Name>a&lt;b&gt;&amp;c\"</Name></Greeting>");
  EXPECT_EQ(payload_to_xml(make(*s, "Empty", {})), "<Empty/>");
}

TEST(PayloadToXml, OrderIsExact) {
  auto s = testing::make_test_schema();
  Record item;
  item.cls = s->find("LineItem");
  item.fields = {Value("A-1"), Value(2)};
  auto order = make(*s, "Order",
                    {Value(7), Value(Decimal{"12.50"}), Value(true), Value(List{Value(item)}), Value(),
                     Value(Dict{{"k", "v"}})});
  EXPECT_EQ(payload_to_xml(order),
            "<Order><Id>7</Id><Total>12.50</Total><Paid>true</Paid>"
            "<Items><LineItem><Sku>A-1</Sku><Qty>2</Qty></LineItem></Items><Note/>"
            "<Attributes><Item><Key>k</Key><Val>v</Val></Item></Attributes></Order>");
  order.record.fields[4] = Value("hi");
  order.record.fields[3] = Value(List{});
  order.record.fields[5] = Value(Dict{});
  order.record.fields[2] = Value(false);
  EXPECT_EQ(payload_to_xml(order),
            "<Order><Id>7</Id><Total>12.50</Total><Paid>false</Paid><Items/><Note><Str>hi</Str></Note>"
            "<Attributes/></Order>");
}

TEST(PayloadToXml, AppendsToExistingBuffer) {
  auto s = testing::make_test_schema();
  std::string out = "prefix:";
  append_payload_xml(make(*s, "Empty", {}), out);
  append_payload_xml(make(*s, "Greeting", {Value("x")}), out);
  EXPECT_EQ(out, "prefix:<Empty/><Greeting><Name>x</Name></Greeting>");
}

TEST(PayloadToXml, InvalidCharactersNeverBreakTheDocument) {
  auto s = testing::make_test_schema();
  std::string nasty = std::string("a\0b\x01\x1b[31m\xFF\xFE", 10);
  auto xml = payload_to_xml(make(*s, "Greeting", {Value(nasty)}));
  auto back = parse_payload(xml, *s);
  ASSERT_TRUE(back.ok()) << back.error().message;
  const auto& text = (*back)->record.fields[0].as<std::string>();
  EXPECT_EQ(text.substr(0, 1), "a");
  EXPECT_NE(text.find("\xEF\xBF\xBD"), std::string::npos);
  EXPECT_NE(text.find("[31m"), std::string::npos);
}

TEST(RoundTrip, RandomValuesOfEveryClassSurviveXmlXsdAndDecode) {
  auto s = testing::make_test_schema();
  XsdCache cache(s);
  Generator gen(20261122);
  int checked = 0;
  for (const char* name : {"Greeting", "LineItem", "Order", "Everything", "Empty"}) {
    const auto* cls = s->find(name);
    ASSERT_NE(cls, nullptr);
    auto xsd = cache.get(*cls);
    ASSERT_TRUE(xsd.ok()) << xsd.error().message;
    for (int i = 0; i < 150; ++i) {
      Payload original{gen.record(*cls)};
      ASSERT_TRUE(schema::check_record(original.record).ok());
      std::string xml = payload_to_xml(original);
      auto doc = parse(xml, false);
      ASSERT_TRUE(doc.ok()) << doc.error().message << "\n" << xml;
      auto valid = (*xsd)->validate(*doc);
      ASSERT_TRUE(valid.ok()) << valid.error().message << "\n" << xml;
      auto decoded = payload_from_node(doc->root(), *cls);
      ASSERT_TRUE(decoded.ok()) << decoded.error().message << "\n" << xml;
      ASSERT_TRUE(same_record(decoded->record, original.record)) << xml;
      auto via_cli = parse_payload(xml, cache);
      ASSERT_TRUE(via_cli.ok()) << via_cli.error().message;
      ASSERT_TRUE(same_record((*via_cli)->record, original.record)) << xml;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 750);
}

TEST(RoundTrip, ExplicitEdgeValues) {
  auto s = testing::make_test_schema();
  XsdCache cache(*s);
  for (std::string text : {"", " ", "   ", "\n", "a\r\nb", "\r", " lead", "trail ", "<&>", "]]>",
                           "\xF0\x9F\x98\x80\xE2\x82\xAC", "tab\there"}) {
    auto original = make(*s, "Greeting", {Value(text)});
    auto back = parse_payload(payload_to_xml(original), cache);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ((*back)->record.fields[0].as<std::string>(), text);
  }
}

TEST(ParsePayload, Errors) {
  auto s = testing::make_test_schema();
  XsdCache cache(s);
  auto unknown = parse_payload("<Nope><Name>x</Name></Nope>", cache);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message, "unknown payload class 'Nope'");
  EXPECT_EQ(unknown.error().code, ErrorCode::NotFound);

  auto malformed = parse_payload("<Greeting><Name>x</Greeting>", cache);
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.error().code, ErrorCode::MalformedXml);

  auto missing = parse_payload("<Greeting/>", cache);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::SchemaViolation);

  auto wrong_type = parse_payload("<LineItem><Sku>a</Sku><Qty>two</Qty></LineItem>", cache);
  ASSERT_FALSE(wrong_type.ok());
  EXPECT_EQ(wrong_type.error().code, ErrorCode::SchemaViolation);

  auto in_namespace = parse_payload(R"(<Greeting xmlns="urn:x"><Name>x</Name></Greeting>)", cache);
  ASSERT_FALSE(in_namespace.ok());
  EXPECT_EQ(in_namespace.error().code, ErrorCode::SchemaViolation);

  auto too_big = parse_payload(R"(<LineItem><Sku>a</Sku><Qty>99999999999999999999</Qty></LineItem>)", cache);
  ASSERT_FALSE(too_big.ok());  // valid xs:integer, out of int64
  EXPECT_NE(too_big.error().message.find("LineItem.qty"), std::string::npos) << too_big.error().message;

  // Offending values are quoted in libxml2's messages; they are clipped, not echoed whole.
  auto huge = parse_payload("<LineItem><Sku>a</Sku><Qty>" + std::string(100000, '9') + "x</Qty></LineItem>", cache);
  ASSERT_FALSE(huge.ok());
  EXPECT_LT(huge.error().message.size(), 1000u);

  auto ok = parse_payload("<Greeting><Name>Ada</Name></Greeting>", *s);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ((*ok)->class_name(), "Greeting");
  EXPECT_EQ((*ok)->record.get("name")->as<std::string>(), "Ada");
}

TEST(PayloadFromNode, ReportsThePathOfUnvalidatedInput) {
  auto s = testing::make_test_schema();
  auto doc = parse(
      "<Order><Id>1</Id><Total>2</Total><Paid>1</Paid><Items><LineItem><Sku>a</Sku><Qty>x</Qty></LineItem>"
      "</Items><Note/><Attributes/></Order>",
      false);
  ASSERT_TRUE(doc.ok());
  auto r = payload_from_node(doc->root(), *s->find("Order"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "Order.items[0].qty");

  auto missing = parse("<Order><Id>1</Id></Order>", false);
  auto r2 = payload_from_node(missing->root(), *s->find("Order"));
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error().field, "Order.total");

  auto wrong_root = payload_from_node(missing->root(), *s->find("Greeting"));
  EXPECT_FALSE(wrong_root.ok());
  EXPECT_FALSE(payload_from_node(ElementRef(), *s->find("Greeting")).ok());
}

}  // namespace
}  // namespace nextra::xml
