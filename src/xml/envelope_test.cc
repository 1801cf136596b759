#include "xml/envelope.h"

#include <gtest/gtest.h>

#include "xml/c14n.h"

namespace nextra::xml {
namespace {

constexpr const char* kThread = "6ba7b810-9dad-41d1-80b4-00c04fd430c8";

Status validate_envelope(std::string_view text) {
  auto doc = parse(text, false);
  if (!doc.ok()) return doc.take_error();
  auto xsd = envelope_schema();
  if (!xsd.ok()) return xsd.take_error();
  return (*xsd)->validate(*doc);
}

std::string envelope_with_meta(std::string_view meta, std::string_view rest = "<Greeting xmlns=\"\"/>") {
  return "<message xmlns=\"https://xml-pipeline.org/ns/envelope/v1\"><meta>" + std::string(meta) + "</meta>" +
         std::string(rest) + "</message>";
}

TEST(Envelope, PumpOutputIsExact) {
  std::string out = make_envelope("greeter", "shouter", kThread, "<Greeting><Name>Ada</Name></Greeting>");
  EXPECT_EQ(out,
            "<?xml version='1.0' encoding='utf-8'?>\n"
            "<message xmlns=\"https://xml-pipeline.org/ns/envelope/v1\"><meta><from>greeter</from><to>shouter</to>"
            "<thread>6ba7b810-9dad-41d1-80b4-00c04fd430c8</thread></meta>"
            "<Greeting xmlns=\"\"><Name>Ada</Name></Greeting></message>");
  EXPECT_TRUE(validate_envelope(out).ok());
  auto doc = parse(out, false);
  ASSERT_TRUE(doc.ok());
  auto payload = doc->root().first_child().next_sibling();
  EXPECT_EQ(payload.local_name(), "Greeting");
  EXPECT_EQ(payload.namespace_uri(), "");
}

TEST(Envelope, EscapesMetaAndOmitsEmptyTo) {
  std::string out = make_envelope("a<&>b", "", kThread, "<Empty/>");
  EXPECT_NE(out.find("<from>a&lt;&amp;&gt;b</from><thread>"), std::string::npos) << out;
  EXPECT_NE(out.find("<Empty xmlns=\"\"/>"), std::string::npos) << out;
  EXPECT_TRUE(validate_envelope(out).ok());
  auto doc = parse(out, false);
  EXPECT_EQ(doc->root().first_child().first_child().text(), "a<&>b");
}

TEST(Envelope, PayloadDeclaringItsOwnDefaultNamespaceIsLeftAlone) {
  std::string out = make_envelope("a", "b", kThread, R"(<X xmlns="urn:x"/>)");
  EXPECT_TRUE(parse(out, false).ok()) << out;
  std::string with_declaration = make_envelope("a", "b", kThread, "<?xml version='1.0'?>\n<Empty/>");
  EXPECT_TRUE(validate_envelope(with_declaration).ok()) << with_declaration;
  EXPECT_NE(with_declaration.find("</meta><Empty xmlns=\"\"/></message>"), std::string::npos) << with_declaration;
  std::string no_payload = make_envelope("a", "b", kThread, "");
  EXPECT_TRUE(validate_envelope(no_payload).ok());
}

TEST(EnvelopeXsd, StructureRules) {
  std::string meta = std::string("<from>a</from><to>b</to><thread>") + kThread + "</thread>";
  EXPECT_TRUE(validate_envelope(envelope_with_meta(meta)).ok());
  // to is optional; from and thread are not; order is fixed.
  EXPECT_TRUE(validate_envelope(envelope_with_meta(std::string("<from>a</from><thread>t</thread>"))).ok());
  EXPECT_FALSE(validate_envelope(envelope_with_meta("<to>b</to><thread>t</thread>")).ok());
  EXPECT_FALSE(validate_envelope(envelope_with_meta("<from>a</from><to>b</to>")).ok());
  EXPECT_FALSE(validate_envelope(envelope_with_meta("<thread>t</thread><from>a</from>")).ok());
  // Foreign elements (a signature) may follow in meta; envelope-namespace ones may not.
  EXPECT_TRUE(validate_envelope(envelope_with_meta(
                  meta + R"(<sig:sig xmlns:sig="https://xml-pipeline.org/ns/sig/v1">QUJD</sig:sig>)"))
                  .ok());
  EXPECT_FALSE(validate_envelope(envelope_with_meta(meta + "<extra/>")).ok());
  // At most one payload; none is allowed by the XSD (extraction rejects it later).
  EXPECT_TRUE(validate_envelope(envelope_with_meta(meta, "")).ok());
  EXPECT_FALSE(validate_envelope(envelope_with_meta(meta, "<A xmlns=\"\"/><B xmlns=\"\"/>")).ok());
  // No attributes.
  EXPECT_FALSE(validate_envelope("<message xmlns=\"https://xml-pipeline.org/ns/envelope/v1\" id=\"1\"><meta>" + meta +
                                 "</meta></message>")
                   .ok());
  // Wrong namespace or root.
  EXPECT_FALSE(validate_envelope("<message><meta>" + meta + "</meta></message>").ok());
}

}  // namespace
}  // namespace nextra::xml
