#include "ingress/steps.h"

#include <gtest/gtest.h>

#include "core/uuid.h"
#include "ingress/test_routes.h"
#include "xml/c14n.h"
#include "xml/envelope.h"
#include "xml/test_schema.h"

namespace nextra::ingress {
namespace {

constexpr const char* kThread = "6ba7b810-9dad-41d1-80b4-00c04fd430c8";
constexpr const char* kOpen = R"(<message xmlns="https://xml-pipeline.org/ns/envelope/v1">)";

std::string envelope(std::string_view meta, std::string_view payloads) {
  return std::string(kOpen) + "<meta>" + std::string(meta) + "</meta>" + std::string(payloads) + "</message>";
}

std::string meta(std::string_view thread = kThread) {
  return "<from>tester</from><to>greeter</to><thread>" + std::string(thread) + "</thread>";
}

constexpr const char* kGreeting = R"(<Greeting xmlns=""><Name>Ada</Name></Greeting>)";

// Runs steps 1-4 (the parse and extraction half).
Status run_to_extraction(MessageState& s) {
  NEXTRA_TRY(repair_step(s, {}));
  NEXTRA_TRY(c14n_step(s, {}));
  auto xsd = xml::envelope_schema();
  NEXTRA_TRY(envelope_validation_step(s, **xsd));
  return payload_extraction_step(s);
}

MessageState state_for(const std::string& bytes) {
  MessageState s;
  s.raw_bytes = bytes;
  return s;
}

TEST(RepairStep, ValidEnvelopeParsesAndClearsRawBytes) {
  std::string in = envelope(meta(), kGreeting);
  auto s = state_for(in);
  ASSERT_TRUE(repair_step(s, {}).ok());
  EXPECT_TRUE(s.raw_bytes.empty());
  ASSERT_FALSE(s.document.empty());
  EXPECT_EQ(s.document.root().local_name(), "message");
  EXPECT_TRUE(s.diagnostics.empty());
}

TEST(RepairStep, NoBytesIsAnError) {
  MessageState s;
  auto st = repair_step(s, {});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "repair_step: no raw_bytes available");
  ASSERT_TRUE(s.error.has_value());
}

TEST(RepairStep, MalformedInputRecoversOrErrorsWithoutCrashing) {
  std::string good = envelope(meta(), kGreeting);
  std::vector<std::string> inputs = {
      "", "<", ">", "<<<>>>", "<message", "</message>", "\xEF\xBB\xBF", std::string("\0\0\0\0", 4),
      "<message xmlns=\"https://xml-pipeline.org/ns/envelope/v1\"><meta><from>a</from>",
      "<a><b>one<c>two</b><d attr=noquote>three</a>", "<a>&undefined;</a>", "<a>&#0;</a>", "<a>&#xD800;</a>",
      "<?xml version=\"1.0\" encoding=\"bogus\"?><a/>", "<?xml version=\"1.0\" encoding=\"UTF-16\"?><a/>",
      "<a xmlns:p=\"urn:p\"><q:b/></a>", "<a b=\"1\" b=\"2\"/>", "<a><![CDATA[x</a>", "<a><!-- x</a>",
      "<!DOCTYPE a><a/>", "\xFF\xFE<\0a\0/\0>\0", good.substr(0, good.size() / 2), good + "<extra/>",
      good + "trailing text", "<a>" + std::string(10000, '<') + "</a>"};
  for (const auto& in : inputs) {
    auto s = state_for(in);
    Status st = run_to_extraction(s);
    if (!st.ok()) {
      EXPECT_TRUE(s.error.has_value());
      EXPECT_FALSE(st.error().message.empty());
    }
  }
  // The classic repair: unclosed tags at the end of an otherwise good envelope.
  std::string unclosed = std::string(kOpen) + "<meta>" + meta() + "</meta><Greeting xmlns=\"\"><Name>Ada</Name>";
  auto s = state_for(unclosed);
  ASSERT_TRUE(run_to_extraction(s).ok()) << s.error->message;
  EXPECT_EQ(s.payload_element.local_name(), "Greeting");
  ASSERT_EQ(s.diagnostics.size(), 1u);
  EXPECT_NE(s.diagnostics[0].find("repaired"), std::string::npos);
}

TEST(RepairStep, XxeAndBillionLaughsAreRejected) {
  std::string xxe = R"(<?xml version="1.0"?><!DOCTYPE message [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>)" +
                    envelope("<from>&xxe;</from><to>greeter</to><thread>t</thread>", kGreeting);
  std::string laughs = R"(<!DOCTYPE m [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">)"
                       R"(<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">)"
                       R"(<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">]>)" +
                       envelope("<from>&f;</from><to>greeter</to><thread>t</thread>", kGreeting);
  for (const auto& in : {xxe, laughs}) {
    auto s = state_for(in);
    auto st = repair_step(s, {});
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, ErrorCode::MalformedXml);
    EXPECT_EQ(st.error().message.rfind("repair_step failed: ", 0), 0u) << st.error().message;
    EXPECT_EQ(st.error().message.find("root:"), std::string::npos);
  }
}

TEST(RepairStep, OversizeAndDeepInputAreResourceExhausted) {
  xml::ParseLimits limits;
  limits.max_bytes = 1024;
  std::string big = envelope(meta(), "<Greeting xmlns=\"\"><Name>" + std::string(2000, 'x') + "</Name></Greeting>");
  auto s = state_for(big);
  auto st = repair_step(s, limits);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::ResourceExhausted);
  EXPECT_EQ(st.error().message.rfind("repair_step failed: ", 0), 0u);

  std::string deep;
  for (int i = 0; i < 1000; ++i) deep += "<x>";
  std::string deep_envelope = envelope(meta(), deep);
  auto d = state_for(deep_envelope);
  auto st2 = repair_step(d, {});
  ASSERT_FALSE(st2.ok());
  EXPECT_EQ(st2.error().code, ErrorCode::ResourceExhausted);
}

TEST(C14nStep, AttributeOrderVariantsCanonicalizeIdentically) {
  std::string a = envelope(meta(), R"(<P xmlns="" b="2" a="1" c='3'><Q/></P>)");
  std::string b = "<?xml version='1.0'?>\n<message xmlns='https://xml-pipeline.org/ns/envelope/v1' "
                  "xmlns:unused=\"urn:u\">\n  <meta ><from>tester</from><to>greeter</to>"
                  "<thread>" + std::string(kThread) + "</thread></meta>\n  <!-- note -->\n"
                  "  <P xmlns=\"\"   c=\"3\"   a='1' b=\"2\"><Q></Q></P>\n</message>";
  auto canonical = [](const std::string& in) {
    auto s = state_for(in);
    EXPECT_TRUE(repair_step(s, {}).ok());
    EXPECT_TRUE(c14n_step(s, {}).ok());
    auto c = xml::exclusive_c14n(s.document);
    return c.ok() ? *c : std::string();
  };
  std::string ca = canonical(a);
  EXPECT_EQ(ca, canonical(b));
  EXPECT_NE(ca.find(R"(<P xmlns="" a="1" b="2" c="3"><Q></Q></P>)"), std::string::npos) << ca;
  // A prefixed envelope canonicalizes differently (exclusive C14N keeps prefixes) but yields
  // the same payload element to the later steps.
  std::string prefixed = "<e:message xmlns:e=\"https://xml-pipeline.org/ns/envelope/v1\"><e:meta>"
                         "<e:from>tester</e:from><e:thread>t</e:thread></e:meta><P c=\"3\" b=\"2\" a=\"1\"/>"
                         "</e:message>";
  auto sp = state_for(prefixed);
  ASSERT_TRUE(repair_step(sp, {}).ok());
  ASSERT_TRUE(c14n_step(sp, {}).ok());
  ASSERT_TRUE(payload_extraction_step(sp).ok());
  EXPECT_EQ(sp.payload_element.local_name(), "P");
  EXPECT_EQ(sp.payload_element.namespace_uri(), "");
}

TEST(C14nStep, NeedsADocument) {
  MessageState s;
  EXPECT_EQ(c14n_step(s, {}).error().message, "c14n_step: no envelope_tree available");
}

TEST(EnvelopeValidationStep, WrongRootOrShapeIsAnInvalidEnvelope) {
  auto xsd = xml::envelope_schema();
  ASSERT_TRUE(xsd.ok());
  for (std::string in : {std::string("<message><meta/></message>"), std::string("<Greeting><Name>x</Name></Greeting>"),
                         envelope("<from>a</from><to>b</to>", kGreeting),
                         envelope(meta(), std::string(kGreeting) + kGreeting)}) {
    auto s = state_for(in);
    ASSERT_TRUE(repair_step(s, {}).ok());
    ASSERT_TRUE(c14n_step(s, {}).ok());
    auto st = envelope_validation_step(s, **xsd);
    ASSERT_FALSE(st.ok()) << in;
    EXPECT_EQ(st.error().code, ErrorCode::SchemaViolation);
    EXPECT_EQ(st.error().message.rfind("envelope_validation_step: invalid envelope\n", 0), 0u) << st.error().message;
    EXPECT_NE(st.error().message.find("(line "), std::string::npos) << st.error().message;
  }
}

TEST(PayloadExtractionStep, YieldsPayloadThreadAndFrom) {
  std::string in = envelope("<from>  tester  </from><to> Greeter </to><thread>" + std::string(kThread) + "</thread>",
                            kGreeting);
  auto s = state_for(in);
  ASSERT_TRUE(run_to_extraction(s).ok()) << s.error->message;
  EXPECT_EQ(s.from, "tester");
  EXPECT_EQ(s.to, "Greeter");
  EXPECT_EQ(s.thread, kThread);
  ASSERT_TRUE(s.payload_element);
  EXPECT_EQ(s.payload_element.local_name(), "Greeting");
  EXPECT_EQ(s.payload_element.first_child().text(), "Ada");
}

TEST(PayloadExtractionStep, ToIsOptionalHere) {
  std::string in = envelope("<from>a</from><thread>t</thread>", kGreeting);
  auto s = state_for(in);
  ASSERT_TRUE(run_to_extraction(s).ok());
  EXPECT_EQ(s.to, "");
}

// Extraction runs without the envelope XSD here, so that it is tested on its own.
Status extract_only(const std::string& in, MessageState& s) {
  s.raw_bytes = in;
  NEXTRA_TRY(repair_step(s, {}));
  return payload_extraction_step(s);
}

TEST(PayloadExtractionStep, ErrorTexts) {
  struct Case {
    std::string in;
    std::string error;
  };
  std::vector<Case> cases = {
      {envelope(meta(), std::string(kGreeting) + R"(<Other xmlns=""/>)"), "multiple payload roots found"},
      {envelope(meta(), ""), "no payload element found"},
      {std::string(kOpen) + kGreeting + "</message>", "missing <meta> block"},
      {envelope("<to>b</to><thread>t</thread>", kGreeting), "missing <from> in <meta>"},
      {envelope("<from>  </from><thread>t</thread>", kGreeting), "missing <from> in <meta>"},
      {envelope("<from>a</from><to>b</to>", kGreeting), "missing <thread> in <meta>"},
  };
  for (const auto& c : cases) {
    MessageState s;
    auto st = extract_only(c.in, s);
    ASSERT_FALSE(st.ok()) << c.in;
    EXPECT_EQ(st.error().message, c.error);
    EXPECT_EQ(st.error().code, ErrorCode::SchemaViolation);
  }
  // Through the envelope XSD, two payloads are already rejected there.
  std::string two = envelope(meta(), std::string(kGreeting) + kGreeting);
  auto s = state_for(two);
  EXPECT_FALSE(run_to_extraction(s).ok());
}

TEST(ThreadAssignmentStep, CanonicalUuidIsKept) {
  MessageState s;
  s.thread = kThread;
  ASSERT_TRUE(thread_assignment_step(s).ok());
  EXPECT_EQ(s.thread, kThread);
  EXPECT_TRUE(s.diagnostics.empty());
}

TEST(ThreadAssignmentStep, InvalidOrMissingGetsANewUuidAndADiagnostic) {
  for (std::string bad : {"", "not-a-uuid", "6BA7B810-9DAD-41D1-80B4-00C04FD430C8",
                          "{6ba7b810-9dad-41d1-80b4-00c04fd430c8}", "6ba7b8109dad41d180b400c04fd430c8"}) {
    MessageState s;
    s.thread = bad;
    ASSERT_TRUE(thread_assignment_step(s).ok());
    EXPECT_EQ(s.thread.size(), 36u);
    EXPECT_TRUE(is_canonical_uuid(s.thread));
    EXPECT_NE(s.thread, bad);
    ASSERT_EQ(s.diagnostics.size(), 1u);
    EXPECT_EQ(s.diagnostics[0], "Invalid external thread ID '" + bad + "' \xE2\x80\x94 replaced with new root thread");
  }
  MessageState s;
  s.thread = std::string(5000, 'x');
  ASSERT_TRUE(thread_assignment_step(s).ok());
  EXPECT_LT(s.diagnostics[0].size(), 200u);
}

TEST(ThreadAssignmentStep, EmptyThreadElementThroughTheSteps) {
  std::string in = envelope("<from>a</from><to>greeter</to><thread/>", kGreeting);
  auto s = state_for(in);
  ASSERT_TRUE(run_to_extraction(s).ok());
  ASSERT_TRUE(thread_assignment_step(s).ok());
  EXPECT_TRUE(is_canonical_uuid(s.thread));
  EXPECT_EQ(s.diagnostics.size(), 1u);
}

class PayloadValidationStepTest : public ::testing::Test {
 protected:
  std::shared_ptr<const schema::Schema> schema_ = xml::testing::make_test_schema();
  xml::XsdCache xsds_{schema_};
  RouteLookup route_ = testing::make_test_routes(schema_);

  MessageState extracted(const std::string& bytes) {
    bytes_ = bytes;
    auto s = state_for(bytes_);
    EXPECT_TRUE(run_to_extraction(s).ok()) << (s.error ? s.error->message : "");
    return s;
  }

  std::string bytes_;
};

TEST_F(PayloadValidationStepTest, DecodesTheTypedPayload) {
  auto s = extracted(envelope(meta(), kGreeting));
  ASSERT_TRUE(payload_validation_step(s, route_, xsds_).ok()) << s.error->message;
  ASSERT_TRUE(s.payload);
  EXPECT_EQ(s.payload->class_name(), "Greeting");
  EXPECT_EQ(s.payload->record.get("name")->as<std::string>(), "Ada");
  EXPECT_EQ(s.payload_class, schema_->find("Greeting"));
}

TEST_F(PayloadValidationStepTest, ErrorTexts) {
  struct Case {
    std::string meta;
    std::string payload;
    std::string prefix;
    ErrorCode code;
  };
  std::vector<Case> cases = {
      {"<from>a</from><thread>t</thread>", kGreeting, "missing <to> in <meta>: the pump needs a target",
       ErrorCode::NotFound},
      {"<from>a</from><to>Shouter</to><thread>t</thread>", kGreeting, "No listener for: shouter.greeting",
       ErrorCode::NotFound},
      {"<from>a</from><to>GREETER</to><thread>t</thread>", R"(<greeting xmlns=""><Name>x</Name></greeting>)",
       "XSD validation failed: ERROR: ", ErrorCode::SchemaViolation},
      {meta(), R"(<Greeting xmlns=""><Name>x</Name><Extra/></Greeting>)", "XSD validation failed: ",
       ErrorCode::SchemaViolation},
      {"<from>a</from><to>all</to><thread>t</thread>",
       R"(<LineItem xmlns=""><Sku>a</Sku><Qty>123456789012345678901234</Qty></LineItem>)",
       "Deserialization failed: LineItem.qty: ", ErrorCode::SchemaViolation},
  };
  for (const auto& c : cases) {
    auto s = extracted(envelope(c.meta, c.payload));
    auto st = payload_validation_step(s, route_, xsds_);
    ASSERT_FALSE(st.ok()) << c.payload;
    EXPECT_EQ(st.error().message.rfind(c.prefix, 0), 0u) << st.error().message;
    EXPECT_EQ(st.error().code, c.code) << st.error().message;
    EXPECT_FALSE(s.payload);
  }
}

TEST_F(PayloadValidationStepTest, RejectsAClassFromAnotherSchema) {
  auto other = xml::testing::make_test_schema();
  RouteLookup foreign = [&](std::string_view, std::string_view) { return other->find("Greeting"); };
  auto s = extracted(envelope(meta(), kGreeting));
  auto st = payload_validation_step(s, foreign, xsds_);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::Internal);
}

TEST(Steps, TheRunnerStopsAtTheFirstError) {
  std::string in = envelope("<to>b</to><thread>t</thread>", kGreeting);
  auto s = state_for(in);
  ASSERT_TRUE(repair_step(s, {}).ok());
  ASSERT_FALSE(payload_extraction_step(s).ok());
  ASSERT_TRUE(s.error.has_value());
  std::string first = s.error->message;
  // Every later step returns the same error and changes nothing.
  EXPECT_EQ(thread_assignment_step(s).error().message, first);
  EXPECT_TRUE(s.thread.empty());
  EXPECT_TRUE(s.diagnostics.empty());
  EXPECT_EQ(c14n_step(s, {}).error().message, first);
  auto schema = xml::testing::make_test_schema();
  xml::XsdCache xsds(schema);
  EXPECT_EQ(payload_validation_step(s, testing::make_test_routes(schema), xsds).error().message, first);
}

}  // namespace
}  // namespace nextra::ingress
