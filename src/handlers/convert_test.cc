#include "handlers/convert.h"

#include <gtest/gtest.h>

#include "schema/types.h"

namespace nextra::handlers {
namespace {

std::string conv(std::string_view op, std::string_view input, std::string_view expr = {}) {
  auto r = run_convert(op, input, expr);
  EXPECT_EQ(r.operation, op);
  if (!r.error.empty()) {
    EXPECT_TRUE(r.output.empty());
    return "error: " + r.error;
  }
  return r.output;
}

std::string error_of(std::string_view op, std::string_view input, std::string_view expr = {}) {
  auto r = run_convert(op, input, expr);
  EXPECT_FALSE(r.error.empty()) << op << " " << input << " gave " << r.output;
  EXPECT_TRUE(r.output.empty());
  return r.error;
}

TEST(Convert, XmlToJsonBasics) {
  EXPECT_EQ(conv("xml_to_json", "<a>hi</a>"), R"({"a":"hi"})");
  EXPECT_EQ(conv("xml_to_json", "<a/>"), R"({"a":null})");
  EXPECT_EQ(conv("xml_to_json", "<?xml version=\"1.0\"?>\n<a><b>1</b><c>two</c></a>"), R"({"a":{"b":"1","c":"two"}})");
  EXPECT_EQ(conv("xml_to_json", "<a>\n  <b>x</b>\n</a>"), R"({"a":{"b":"x"}})");
  EXPECT_EQ(conv("xml_to_json", "<a><![CDATA[<raw> & ok]]></a>"), R"({"a":"<raw> & ok"})");
  EXPECT_EQ(conv("xml_to_json", "<a>x &amp; &lt;y&gt; &#65;</a>"), R"({"a":"x & <y> A"})");
  EXPECT_EQ(conv("xml_to_json", "<a><!-- note --><b/><?pi x?></a>"), R"({"a":{"b":null}})");
}

TEST(Convert, XmlToJsonAttributesArraysMixed) {
  EXPECT_EQ(conv("xml_to_json", R"(<a id="1" name="x &quot;q&quot;"/>)"), R"({"a":{"@id":"1","@name":"x \"q\""}})");
  EXPECT_EQ(conv("xml_to_json", R"(<a id="1">text</a>)"), R"({"a":{"@id":"1","#text":"text"}})");
  EXPECT_EQ(conv("xml_to_json", "<list><i>1</i><i>2</i><i>3</i></list>"), R"({"list":{"i":["1","2","3"]}})");
  EXPECT_EQ(conv("xml_to_json", "<l><i>1</i><j/><i><k>2</k></i></l>"), R"({"l":{"i":["1",{"k":"2"}],"j":null}})");
  EXPECT_EQ(conv("xml_to_json", "<p>Hello <b>world</b> again</p>"), R"({"p":{"b":"world","#text":"Hello  again"}})");
  EXPECT_EQ(conv("xml_to_json", R"(<r xmlns:p="urn:p"><p:x p:a="1">v</p:x></r>)"),
            R"({"r":{"@xmlns:p":"urn:p","p:x":{"@p:a":"1","#text":"v"}}})");
}

TEST(Convert, JsonToXml) {
  EXPECT_EQ(conv("json_to_xml", R"({"a":"hi"})"), "<a>hi</a>");
  EXPECT_EQ(conv("json_to_xml", R"({"a":null})"), "<a/>");
  EXPECT_EQ(conv("json_to_xml", R"({"a":{"n":3,"f":2.5,"t":true,"z":false}})"),
            "<a><n>3</n><f>2.5</f><t>true</t><z>false</z></a>");
  EXPECT_EQ(conv("json_to_xml", R"({"a":{"@id":"1","@q":"x\"<&>","#text":"a<b & c>"}})"),
            R"(<a id="1" q="x&quot;&lt;&amp;&gt;">a&lt;b &amp; c&gt;</a>)");
  EXPECT_EQ(conv("json_to_xml", R"({"l":{"i":[1,"two",null,{"@k":"v"}]}})"),
            R"(<l><i>1</i><i>two</i><i/><i k="v"/></l>)");
  EXPECT_EQ(conv("json_to_xml", R"({"a":{"b":{"c":"deep"}}})"), "<a><b><c>deep</c></b></a>");
  EXPECT_EQ(conv("json_to_xml", R"({"a":{"@x":"line\nbreak"}})"), R"(<a x="line&#10;break"/>)");
}

TEST(Convert, JsonToXmlErrors) {
  EXPECT_NE(error_of("json_to_xml", "{not json").find("invalid JSON"), std::string::npos);
  EXPECT_NE(error_of("json_to_xml", "").find("invalid JSON"), std::string::npos);
  EXPECT_NE(error_of("json_to_xml", R"({"a":1,"b":2})").find("exactly one key"), std::string::npos);
  EXPECT_NE(error_of("json_to_xml", R"({})").find("exactly one key"), std::string::npos);
  EXPECT_NE(error_of("json_to_xml", R"(["a"])").find("exactly one key"), std::string::npos);
  EXPECT_NE(error_of("json_to_xml", R"("a")").find("exactly one key"), std::string::npos);
  EXPECT_NE(error_of("json_to_xml", R"({"a":[1,2]})").find("cannot be an array"), std::string::npos);
  EXPECT_NE(error_of("json_to_xml", R"({"1a":"x"})").find("not a valid XML element name"), std::string::npos);
  EXPECT_NE(error_of("json_to_xml", R"({"a":{"-b":"x"}})").find("not a valid XML element name"), std::string::npos);
  EXPECT_NE(error_of("json_to_xml", R"({"a":{".b":"x"}})").find("not a valid XML element name"), std::string::npos);
  EXPECT_NE(error_of("json_to_xml", R"({"a b":"x"})").find("not a valid XML element name"), std::string::npos);
  EXPECT_NE(error_of("json_to_xml", R"({"a":{"b<c":"x"}})").find("not a valid XML element name"), std::string::npos);
  EXPECT_NE(error_of("json_to_xml", R"({"a":{"@1x":"v"}})").find("not a valid XML attribute name"), std::string::npos);
  EXPECT_NE(error_of("json_to_xml", R"({"a":{"@x":{"y":1}}})").find("must be a string"), std::string::npos);
  EXPECT_NE(error_of("json_to_xml", R"({"a":{"b":[[1]]}})").find("nested arrays"), std::string::npos);
  EXPECT_NE(error_of("json_to_xml", R"({"a":"\u0001"})").find("control character"), std::string::npos);
  EXPECT_EQ(conv("json_to_xml", R"({"a-b.c_d":{"x1":"ok"}})"), "<a-b.c_d><x1>ok</x1></a-b.c_d>");
}

TEST(Convert, RoundTrips) {
  for (std::string_view xml : {
           "<a>hi</a>",
           "<a/>",
           R"(<a id="1" n="x&quot;y">t</a>)",
           "<l><i>1</i><i>2</i><j>x &amp; &lt;y&gt;</j></l>",
           R"(<root><item k="1"><name>one</name></item><item k="2"><name>two</name></item></root>)",
       }) {
    std::string json = conv("xml_to_json", xml);
    ASSERT_EQ(json.rfind("error", 0), std::string::npos) << json;
    EXPECT_EQ(conv("json_to_xml", json), xml) << json;
  }
  for (std::string_view json : {
           R"({"a":"hi"})",
           R"({"a":{"@id":"1","b":["x","y"],"c":{"d":"e"}}})",
           R"({"p":{"@lang":"en","#text":"t"}})",
       }) {
    std::string xml = conv("json_to_xml", json);
    EXPECT_EQ(conv("xml_to_json", xml), json) << xml;
  }
}

TEST(Convert, XPath) {
  const std::string doc = R"(<lib><book id="1"><t>A</t><p>3</p></book><book id="2"><t>B</t><p>2.5</p></book></lib>)";
  EXPECT_EQ(conv("xpath", doc, "count(//book)"), "2");
  EXPECT_EQ(conv("xpath", doc, "sum(//p)"), "5.5");
  EXPECT_EQ(conv("xpath", doc, "//book[2]/p * 1"), "2.5");
  EXPECT_EQ(conv("xpath", doc, "string(//book[@id='2']/t)"), "B");
  EXPECT_EQ(conv("xpath", doc, "//t"), "A\nB");
  EXPECT_EQ(conv("xpath", doc, "//book/@id"), "1\n2");
  EXPECT_EQ(conv("xpath", doc, "//book[1]"), "A3");
  EXPECT_EQ(conv("xpath", doc, "//nothing"), "");
  EXPECT_EQ(conv("xpath", doc, "count(//book) > 1"), "true");
  EXPECT_EQ(conv("xpath", doc, "boolean(//nothing)"), "false");
  EXPECT_EQ(conv("xpath", doc, "concat(//book[1]/t, '-', //book[2]/t)"), "A-B");
  EXPECT_EQ(conv("xpath", R"(<r xmlns:p="urn:p"><p:x>v</p:x></r>)", "//p:x"), "v");
}

TEST(Convert, XPathErrors) {
  EXPECT_EQ(error_of("xpath", "<a/>", "//["), "invalid XPath expression");
  EXPECT_EQ(error_of("xpath", "<a/>", "count("), "invalid XPath expression");
  EXPECT_EQ(error_of("xpath", "<a/>", "nosuchfn(1)"), "invalid XPath expression");
  EXPECT_EQ(error_of("xpath", "<a/>", "//x:y"), "invalid XPath expression");
  EXPECT_EQ(error_of("xpath", "<a/>", ""), "xpath needs an expression");
  EXPECT_NE(error_of("xpath", "<a/>", std::string(1001, 'a')).find("longer than"), std::string::npos);
  EXPECT_NE(error_of("xpath", "<a>", "//a").find("invalid XML"), std::string::npos);
  std::string many = "<r>";
  for (int i = 0; i < 1001; ++i) many += "<i/>";
  many += "</r>";
  EXPECT_NE(error_of("xpath", many, "//i").find("at most 1000"), std::string::npos);
  EXPECT_EQ(conv("xpath", many, "count(//i)"), "1001");
  EXPECT_EQ(error_of("xpath", many, "count(//i[count(//i[count(//i) > 0]) > 0])"),
            "XPath expression is too expensive to evaluate");
}

TEST(Convert, DoctypeAndEntitiesRejected) {
  EXPECT_EQ(error_of("xml_to_json", "<!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>"), "DOCTYPE declarations are not allowed");
  EXPECT_EQ(error_of("xpath", "<!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>", "string(/a)"),
            "DOCTYPE declarations are not allowed");
  EXPECT_EQ(error_of("xml_to_json", R"(<!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>)"),
            "DOCTYPE declarations are not allowed");
  EXPECT_EQ(error_of("xml_to_json", "<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY % p SYSTEM \"http://x/\"> %p;]><a/>"),
            "DOCTYPE declarations are not allowed");
  // Without a DTD an entity reference is simply undefined: an error, never an expansion.
  auto r = run_convert("xml_to_json", "<a>&x;</a>", "");
  EXPECT_NE(r.error.find("invalid XML"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find('y'), std::string::npos);
}

TEST(Convert, XmlErrorsAndLimits) {
  EXPECT_NE(error_of("xml_to_json", "<a><b></a>").find("invalid XML"), std::string::npos);
  EXPECT_NE(error_of("xml_to_json", "not xml").find("invalid XML"), std::string::npos);
  EXPECT_EQ(error_of("xml_to_json", ""), "input is empty");
  EXPECT_NE(error_of("xml_to_json", "<a>" + std::string(kMaxConvertInput, 'x') + "</a>").find("larger than"),
            std::string::npos);
  auto nest = [](int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += "<e>";
    for (int i = 0; i < n; ++i) s += "</e>";
    return s;
  };
  EXPECT_EQ(conv("xml_to_json", nest(64)).rfind("error", 0), std::string::npos);
  EXPECT_NE(error_of("xml_to_json", nest(65)).find("deeper than 64"), std::string::npos);
  EXPECT_NE(error_of("xml_to_json", nest(5000)).find("invalid XML"), std::string::npos);  // libxml2's own limit
  auto jnest = [](int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += "{\"e\":";
    s += "1";
    for (int i = 0; i < n; ++i) s += "}";
    return s;
  };
  EXPECT_EQ(conv("json_to_xml", jnest(64)).rfind("error", 0), std::string::npos);
  EXPECT_NE(error_of("json_to_xml", jnest(65)).find("deeper than"), std::string::npos);
  EXPECT_NE(error_of("json_to_xml", jnest(100000)).find("deeper than"), std::string::npos);
  EXPECT_NE(error_of("json_to_xml", std::string(100000, '[') + std::string(100000, ']')).find("deeper than"),
            std::string::npos);
}

TEST(Convert, OutputLimit) {
  // ~1 MiB of '&' becomes ~5 MiB of "&amp;".
  std::string json = R"({"a":")" + std::string(kMaxConvertInput - 20, '&') + R"("})";
  EXPECT_NE(error_of("json_to_xml", json).find("larger than 4 MiB"), std::string::npos);
}

TEST(Convert, UnknownOperation) {
  EXPECT_EQ(error_of("yaml_to_json", "<a/>"), "unknown operation 'yaml_to_json'; use xml_to_json, json_to_xml or xpath");
  EXPECT_EQ(error_of("", "<a/>"), "unknown operation ''; use xml_to_json, json_to_xml or xpath");
}

TEST(Convert, ResponsePayload) {
  schema::Schema s;
  schema::Payload req;
  req.record = schema::zero_record(*s.find(schema::kConvertRequest));
  *req.record.get("operation") = schema::Value("xpath");
  *req.record.get("input") = schema::Value("<a><b>1</b><b>2</b></a>");
  *req.record.get("expression") = schema::Value("count(//b)");
  auto out = convert_response(req, s);
  ASSERT_TRUE(out.ok());
  const auto& r = (*out)->record;
  EXPECT_EQ(r.cls->name, "ConvertResponse");
  EXPECT_EQ(r.get("operation")->as<std::string>(), "xpath");
  EXPECT_EQ(r.get("output")->as<std::string>(), "2");
  EXPECT_EQ(r.get("error")->as<std::string>(), "");
  EXPECT_TRUE(schema::check_record(r).ok());

  // expression left null: fine for xml_to_json, an error for xpath.
  schema::Payload req2;
  req2.record = schema::zero_record(*s.find(schema::kConvertRequest));
  *req2.record.get("operation") = schema::Value("xml_to_json");
  *req2.record.get("input") = schema::Value("<a>x</a>");
  auto out2 = convert_response(req2, s);
  ASSERT_TRUE(out2.ok());
  EXPECT_EQ((*out2)->record.get("output")->as<std::string>(), R"({"a":"x"})");
  *req2.record.get("operation") = schema::Value("xpath");
  auto bad = convert_response(req2, s);
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ((*bad)->record.get("output")->as<std::string>(), "");
  EXPECT_EQ((*bad)->record.get("error")->as<std::string>(), "xpath needs an expression");
  EXPECT_TRUE(schema::check_record((*bad)->record).ok());

  schema::Payload other;
  other.record = schema::zero_record(*s.find(schema::kBoot));
  EXPECT_FALSE(convert_response(other, s).ok());
}

}  // namespace
}  // namespace nextra::handlers
