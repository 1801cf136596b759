#include "ingress/pipeline.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "core/uuid.h"
#include "ingress/test_routes.h"
#include "xml/envelope.h"
#include "xml/payload_codec.h"
#include "xml/test_schema.h"

namespace nextra::ingress {
namespace {

constexpr const char* kThread = "6ba7b810-9dad-41d1-80b4-00c04fd430c8";

class PipelineTest : public ::testing::Test {
 protected:
  std::shared_ptr<const schema::Schema> schema_ = xml::testing::make_test_schema();
  Pipeline pipeline_{schema_};
  RouteLookup route_ = testing::make_test_routes(schema_);

  schema::Payload order() const {
    schema::Record item;
    item.cls = schema_->find("LineItem");
    item.fields = {schema::Value("A<1>&"), schema::Value(3)};
    schema::Record r;
    r.cls = schema_->find("Order");
    r.fields = {schema::Value(42), schema::Value(schema::Decimal{"19.99"}), schema::Value(true),
                schema::Value(schema::List{schema::Value(item)}), schema::Value("gift \xF0\x9F\x8E\x81"),
                schema::Value(schema::Dict{{"channel", "web"}})};
    return schema::Payload{std::move(r)};
  }
};

TEST_F(PipelineTest, PumpOutputGoesThroughUnchanged) {
  auto original = order();
  std::string bytes = xml::make_envelope("shop", "orders", kThread, xml::payload_to_xml(original));
  auto env = pipeline_.process(bytes, route_);
  ASSERT_TRUE(env.ok()) << env.error().message;
  EXPECT_EQ(env->from, "shop");
  EXPECT_EQ(env->to, "orders");
  EXPECT_EQ(env->thread, kThread);
  EXPECT_TRUE(env->diagnostics.empty());
  ASSERT_TRUE(env->payload);
  EXPECT_EQ(env->payload->class_name(), "Order");
  EXPECT_EQ(xml::payload_to_xml(*env->payload), xml::payload_to_xml(original));
}

TEST_F(PipelineTest, HandWrittenInputWithPrefixesCommentsAndIndentation) {
  std::string bytes = R"(<?xml version="1.0" encoding="UTF-8"?>
<!-- injected by hand -->
<env:message xmlns:env="https://xml-pipeline.org/ns/envelope/v1">
  <env:meta>
    <env:from>console</env:from>
    <env:to>Greeter</env:to>
    <env:thread>not-a-uuid</env:thread>
  </env:meta>
  <Greeting>
    <Name><![CDATA[Ada & <friends>]]></Name>
  </Greeting>
</env:message>
)";
  auto env = pipeline_.process(bytes, route_);
  ASSERT_TRUE(env.ok()) << env.error().message;
  EXPECT_EQ(env->to, "Greeter");
  EXPECT_TRUE(is_canonical_uuid(env->thread));
  ASSERT_EQ(env->diagnostics.size(), 1u);
  EXPECT_EQ(env->diagnostics[0], "Invalid external thread ID 'not-a-uuid' \xE2\x80\x94 replaced with new root thread");
  EXPECT_EQ(env->payload->record.get("name")->as<std::string>(), "Ada & <friends>");
}

TEST_F(PipelineTest, RepairedInputIsProcessedWithADiagnostic) {
  std::string bytes = std::string(R"(<message xmlns="https://xml-pipeline.org/ns/envelope/v1"><meta>)") +
                      "<from>a</from><to>greeter</to><thread>" + kThread +
                      R"(</thread></meta><Greeting xmlns=""><Name>Ada</Name>)";
  auto env = pipeline_.process(bytes, route_);
  ASSERT_TRUE(env.ok()) << env.error().message;
  ASSERT_EQ(env->diagnostics.size(), 1u);
  EXPECT_NE(env->diagnostics[0].find("repaired"), std::string::npos);
}

TEST_F(PipelineTest, ErrorsCarryTheirStepPrefixAndCode) {
  struct Case {
    std::string bytes;
    std::string prefix;
    ErrorCode code;
  };
  std::string meta = std::string("<meta><from>a</from><to>greeter</to><thread>") + kThread + "</thread></meta>";
  std::string open = R"(<message xmlns="https://xml-pipeline.org/ns/envelope/v1">)";
  std::vector<Case> cases = {
      {"", "repair_step: no raw_bytes available", ErrorCode::MalformedXml},
      {"just text", "repair_step failed: ", ErrorCode::MalformedXml},
      {"<message/>", "envelope_validation_step: invalid envelope\n", ErrorCode::SchemaViolation},
      {open + meta + "</message>", "no payload element found", ErrorCode::SchemaViolation},
      {open + "<meta><from>a</from><thread>t</thread></meta><Greeting xmlns=\"\"><Name>x</Name></Greeting></message>",
       "missing <to> in <meta>: the pump needs a target", ErrorCode::NotFound},
      {open + "<meta><from>a</from><to>Nobody</to><thread>t</thread></meta><Greeting xmlns=\"\"/></message>",
       "No listener for: nobody.greeting", ErrorCode::NotFound},
      {open + meta + "<Greeting xmlns=\"urn:elsewhere\"><Name>x</Name></Greeting></message>",
       "XSD validation failed: ", ErrorCode::SchemaViolation},
      {open + meta + "<Greeting xmlns=\"\"/></message>", "XSD validation failed: ", ErrorCode::SchemaViolation},
  };
  for (const auto& c : cases) {
    auto env = pipeline_.process(c.bytes, route_);
    ASSERT_FALSE(env.ok()) << c.bytes;
    EXPECT_EQ(env.error().message.rfind(c.prefix, 0), 0u) << env.error().message;
    EXPECT_EQ(env.error().code, c.code) << env.error().message;
  }
}

TEST_F(PipelineTest, LimitsApply) {
  xml::ParseLimits limits;
  limits.max_bytes = 200;
  Pipeline small(schema_, limits);
  std::string bytes = xml::make_envelope("a", "greeter", kThread, "<Greeting><Name>" + std::string(300, 'x') +
                                                                     "</Name></Greeting>");
  auto env = small.process(bytes, route_);
  ASSERT_FALSE(env.ok());
  EXPECT_EQ(env.error().code, ErrorCode::ResourceExhausted);
  EXPECT_TRUE(pipeline_.process(bytes, route_).ok());
}

TEST_F(PipelineTest, RunExposesTheIntermediateState) {
  std::string bytes = xml::make_envelope("a", "greeter", "bad", "<Greeting><Name>x</Name></Greeting>");
  MessageState state;
  state.raw_bytes = bytes;
  ASSERT_TRUE(pipeline_.run(state, route_).ok());
  EXPECT_TRUE(state.raw_bytes.empty());
  EXPECT_FALSE(state.document.empty());
  EXPECT_EQ(state.payload_element.local_name(), "Greeting");
  EXPECT_EQ(state.diagnostics.size(), 1u);
  EXPECT_FALSE(state.error.has_value());
}

TEST_F(PipelineTest, EveryClassRoundTripsThroughTheFullPipeline) {
  ASSERT_TRUE(pipeline_.warm_up().ok());
  for (const auto& [name, cls] : schema_->classes()) {
    schema::Payload p{schema::zero_record(*cls)};
    std::string bytes = xml::make_envelope("a", "all", kThread, xml::payload_to_xml(p));
    auto env = pipeline_.process(bytes, route_);
    ASSERT_TRUE(env.ok()) << name << ": " << env.error().message;
    EXPECT_EQ(xml::payload_to_xml(*env->payload), xml::payload_to_xml(p)) << name;
  }
}

TEST_F(PipelineTest, ConcurrentProcessing) {
  std::string bytes = xml::make_envelope("shop", "orders", kThread, xml::payload_to_xml(order()));
  std::string bad = xml::make_envelope("shop", "nobody", kThread, xml::payload_to_xml(order()));
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        auto env = pipeline_.process(bytes, route_);
        if (!env.ok() || env->payload->record.get("id")->as<std::int64_t>() != 42) ++failures;
        auto err = pipeline_.process(bad, route_);
        if (err.ok() || err.error().message != "No listener for: nobody.order") ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

// Every seed of the fuzzer's corpus, with what the pipeline must make of it.
TEST_F(PipelineTest, FuzzSeedCorpusBehavesAsNamed) {
  const std::map<std::string, std::string> expected = {
      {"valid_greeting.xml", ""},
      {"valid_shout.xml", ""},
      {"valid_order.xml", ""},
      {"valid_everything.xml", ""},
      {"prefixed_invalid_thread.xml", ""},
      {"unclosed_repairable.xml", ""},
      {"two_payloads.xml", "envelope_validation_step: invalid envelope\n"},
      {"missing_meta.xml", "envelope_validation_step: invalid envelope\n"},
      {"missing_to.xml", "missing <to> in <meta>"},
      {"doctype_xxe.xml", "repair_step failed: DOCTYPE is not allowed"},
      {"wrong_namespace.xml", "envelope_validation_step: invalid envelope\n"},
      {"invalid_payload.xml", "XSD validation failed: "},
  };
  size_t seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(NEXTRA_FUZZ_CORPUS_DIR)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    auto name = entry.path().filename().string();
    auto it = expected.find(name);
    ASSERT_NE(it, expected.end()) << "unlisted seed " << name;
    ++seen;
    auto env = pipeline_.process(bytes.str(), route_);
    if (it->second.empty()) {
      EXPECT_TRUE(env.ok()) << name << ": " << env.error().message;
    } else {
      ASSERT_FALSE(env.ok()) << name;
      EXPECT_EQ(env.error().message.rfind(it->second, 0), 0u) << name << ": " << env.error().message;
    }
  }
  EXPECT_EQ(seen, expected.size());
}

}  // namespace
}  // namespace nextra::ingress
