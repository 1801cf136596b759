// `nextra validate`: exit 0 for a valid flow; exit 2 and FILE:LINE:COL: message per problem.

#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "cli_support.h"

namespace nextra::testing {
namespace {

std::string write_temp(const std::string& text) {
  char path[] = "/tmp/nextra-validate-XXXXXX.yaml";
  int fd = mkstemps(path, 5);
  if (fd >= 0) close(fd);
  std::ofstream(path) << text;
  return path;
}

TEST(CliValidate, EveryExampleIsValid) {
  for (const char* name : {"hello-world", "loop", "branch", "fan-out", "peer-violation"}) {
    auto r = run_nextra({"validate", source_path(std::string("examples/") + name + "/organism.yaml")});
    EXPECT_EQ(r.exit_code, 0) << name << "\n" << r.out << r.err;
  }
}

TEST(CliValidate, TheLlmSectionIsCheckedAsTheGatewayReadsIt) {
  auto file = write_temp(R"(organism: { name: agents }
payloads:
  Question: { text: string }
listeners:
  - name: done
    payload_class: Question
    handler: output
    description: The answer
llm:
  strategy: failover
  backends:
    - name: main
      provider: openia
      api_key_env: OPENAI_API_KEY
)");
  auto r = run_nextra({"validate", file});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.out.find(file + ":13:"), std::string::npos) << r.out;  // the provider's line
  EXPECT_NE(r.out.find("openia"), std::string::npos) << r.out;
}

TEST(CliValidate, PeerViolationExampleGetsAWarningWithPosition) {
  auto file = source_path("examples/peer-violation/organism.yaml");
  auto r = run_nextra({"validate", file});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find(file + ":"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("warning:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("vault"), std::string::npos) << r.out;
}

TEST(CliValidate, ReportsEveryProblemWithLineAndColumn) {
  auto file = write_temp(R"(organism: { name: broken }
payloads:
  Greeting: { name: strng }
listeners:
  - name: greeter
    payload_class: Greeting
    handler: transform
    description: x
    peers: [nobody]
    transform: { payload: Greeting, fields: { name: "{{ name | nosuchfilter }}" } }
  - name: greeter
    payload_class: Missing
    handler: output
    description: dup
    colour: blue
)");
  auto r = run_nextra({"validate", file});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  auto lines = r.lines();
  EXPECT_GE(lines.size(), 4u) << r.out;
  const std::regex shape("^" + file + ":[0-9]+:[0-9]+: .+$");
  for (const auto& l : lines) EXPECT_TRUE(std::regex_match(l, shape)) << l;
  EXPECT_NE(r.out.find(file + ":3:"), std::string::npos) << r.out;    // the bad type
  EXPECT_NE(r.out.find("nobody"), std::string::npos) << r.out;        // unknown peer
  EXPECT_NE(r.out.find("Missing"), std::string::npos) << r.out;       // unknown class
  EXPECT_NE(r.out.find("colour"), std::string::npos) << r.out;        // unknown key
  EXPECT_NE(r.out.find(file + ":11:"), std::string::npos) << r.out;   // duplicate name
  std::remove(file.c_str());
}

TEST(CliValidate, SyntaxErrorAndMissingFile) {
  auto file = write_temp("listeners: [ { name: a\n");
  auto r = run_nextra({"validate", file});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find(file + ":"), std::string::npos) << r.out;
  std::remove(file.c_str());
  EXPECT_EQ(run_nextra({"validate", "/nonexistent/flow.yaml"}).exit_code, 2);
  EXPECT_EQ(run_nextra({"validate"}).exit_code, 2);
}

TEST(CliValidate, TemplateErrorsAreFoundBeforeRunning) {
  auto file = write_temp(R"(payloads:
  A: { x: string }
listeners:
  - name: a
    payload_class: A
    handler: transform
    description: broken template
    peers: [b]
    transform: { payload: A, fields: { x: "{{ x | nosuchfilter }}" } }
  - { name: b, payload_class: A, handler: output, description: out }
)");
  auto r = run_nextra({"validate", file});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("nosuchfilter"), std::string::npos) << r.out;
  std::remove(file.c_str());
}

}  // namespace
}  // namespace nextra::testing
