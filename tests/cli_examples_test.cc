// Every example in examples/ runs through the CLI and does what its comment says.

#include <gtest/gtest.h>

#include "cli_support.h"

namespace nextra::testing {
namespace {

CliResult run_example(const std::string& name, const std::string& to, const std::string& payload,
                      std::vector<std::string> extra = {"--json"}) {
  std::vector<std::string> args{"run", source_path("examples/" + name + "/organism.yaml"), "--to", to, "--payload", payload};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_nextra(args);
}

TEST(CliExamples, HelloWorldPrintsOneJsonLinePerMessageAndAResult) {
  auto r = run_example("hello-world", "greeter", "<Greeting><Name>Ada</Name></Greeting>");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto lines = r.lines();
  ASSERT_EQ(lines.size(), 4u) << r.out;
  const char* expect_to[] = {"greeter", "shouter", "response"};
  for (int i = 0; i < 3; ++i) {
    auto j = nlohmann::json::parse(lines[static_cast<size_t>(i)]);
    EXPECT_EQ(j["seq"], i + 1);
    EXPECT_EQ(j["to"], expect_to[i]);
    EXPECT_EQ(j["thread"].get<std::string>().size(), 36u);
    EXPECT_TRUE(j.contains("from") && j.contains("payloadType") && j.contains("payload"));
  }
  EXPECT_EQ(nlohmann::json::parse(lines[0])["from"], "external");
  EXPECT_EQ(nlohmann::json::parse(lines[1])["payload"],
            "<GreetingResponse><Message>Hello, Ada!</Message><OriginalSender>external</OriginalSender></GreetingResponse>");
  auto last = r.last_json();
  EXPECT_EQ(last["status"], "success");
  EXPECT_EQ(last["output"], "<ShoutedResponse><Message>HELLO, ADA!</Message></ShoutedResponse>");
  EXPECT_TRUE(last["error"].is_null());
  EXPECT_EQ(last["messages"], 3);
  EXPECT_TRUE(last["elapsedMs"].is_number());
}

TEST(CliExamples, HelloWorldHumanTraceMentionsEveryHop) {
  auto r = run_example("hello-world", "greeter", "<Greeting><Name>Ada</Name></Greeting>", {});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("greeter"), std::string::npos);
  EXPECT_NE(r.out.find("shouter"), std::string::npos);
  EXPECT_NE(r.out.find("HELLO, ADA!"), std::string::npos);
  EXPECT_NE(r.out.find("success"), std::string::npos);
}

TEST(CliExamples, LoopCountsToTheLimit) {
  auto r = run_example("loop", "counter", "<Count><N>0</N><Limit>10</Limit></Count>");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto last = r.last_json();
  EXPECT_EQ(last["output"], "<Finished><Total>10</Total><Message>counted to 10</Message></Finished>");
  EXPECT_EQ(last["messages"], 12);
}

TEST(CliExamples, BranchRoutesByRules) {
  auto big = run_example("branch", "router", "<Order><Id>1</Id><Total>2500.00</Total><Country>US</Country></Order>");
  EXPECT_EQ(big.last_json()["output"], "<Decision><OrderId>1</OrderId><Lane>manual review</Lane></Decision>");
  auto eu = run_example("branch", "router", "<Order><Id>2</Id><Total>20</Total><Country>NL</Country></Order>");
  EXPECT_EQ(eu.last_json()["output"], "<Decision><OrderId>2</OrderId><Lane>eu (NL)</Lane></Decision>");
  auto other = run_example("branch", "router", "<Order><Id>3</Id><Total>20</Total><Country>US</Country></Order>");
  EXPECT_EQ(other.last_json()["output"], "<Decision><OrderId>3</OrderId><Lane>standard</Lane></Decision>");
  EXPECT_EQ(other.exit_code, 0);
}

TEST(CliExamples, FanOutCollectsEveryWorkerResult) {
  auto r = run_example("fan-out", "splitter", "<Sentence><Text>the quick brown fox</Text></Sentence>");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto out = r.last_json()["output"].get<std::string>();
  EXPECT_NE(out.find("<Total>4</Total><Successful>4</Successful>"), std::string::npos) << out;
  EXPECT_NE(out.find("FOX"), std::string::npos);
  int workers = 0;
  for (const auto& l : r.lines()) {
    auto j = nlohmann::json::parse(l);
    if (j.contains("to") && j["to"] == "worker") ++workers;
  }
  EXPECT_EQ(workers, 4);
}

TEST(CliExamples, PeerViolationShowsTheSystemErrorAndFails) {
  auto r = run_example("peer-violation", "agent", "<Task><Text>read the secrets</Text></Task>");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  bool saw_error = false, vault_ran = false;
  for (const auto& l : r.lines()) {
    auto j = nlohmann::json::parse(l);
    if (j.contains("payloadType") && j["payloadType"] == "SystemError" && j["to"] == "agent") saw_error = true;
    if (j.contains("to") && j["to"] == "vault") vault_ran = true;
  }
  EXPECT_TRUE(saw_error) << r.out;
  EXPECT_FALSE(vault_ran);
  auto last = r.last_json();
  EXPECT_EQ(last["status"], "error");
  EXPECT_NE(last["error"].get<std::string>().find("peer violation"), std::string::npos);
  EXPECT_TRUE(last["output"].is_null());
}

TEST(CliRun, RepeatPrintsOnlyTheResultLineWithThroughput) {
  auto r = run_example("hello-world", "greeter", "<Greeting><Name>Ada</Name></Greeting>", {"--repeat", "2000"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  ASSERT_EQ(r.lines().size(), 1u);
  auto j = r.last_json();
  EXPECT_EQ(j["status"], "success");
  EXPECT_EQ(j["threads"], 2000);
  EXPECT_EQ(j["messages"], 6000);
  EXPECT_GT(j["messagesPerSecond"].get<double>(), 0);
}

TEST(CliRun, InjectsAWholeEnvelopeFromAFile) {
  auto r = run_nextra({"run", source_path("examples/hello-world/organism.yaml"), "--inject",
                       source_path("tests/data/hello-envelope.xml"), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto first = nlohmann::json::parse(r.lines().front());
  EXPECT_EQ(first["from"], "console");
  EXPECT_EQ(first["thread"], "6ba7b810-9dad-41d1-80b4-00c04fd430c8");
  EXPECT_EQ(r.last_json()["output"], "<ShoutedResponse><Message>HELLO, GRACE!</Message></ShoutedResponse>");
}

TEST(CliRun, TimeoutEndsTheRunWithStatusTimeoutAndExitOne) {
  std::string words;
  for (int i = 0; i < 5000; ++i) words += "w" + std::to_string(i) + " ";
  // 5,000 fan-out items cannot finish in a millisecond; the deadline must end the run.
  auto r = run_example("fan-out", "splitter", "<Sentence><Text>" + words + "</Text></Sentence>",
                       {"--json", "--timeout", "0.001"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto last = r.last_json();
  EXPECT_EQ(last["status"], "timeout");
  EXPECT_NE(last["error"].get<std::string>().find("timed out"), std::string::npos);
  EXPECT_TRUE(last["output"].is_null());
}

TEST(CliRun, BadInputExitsWithTwo) {
  auto flow = source_path("examples/hello-world/organism.yaml");
  EXPECT_EQ(run_nextra({"run", flow, "--to", "greeter", "--payload", "<Greeting><Name>Ada</Name>"}).exit_code, 2);
  EXPECT_EQ(run_nextra({"run", flow, "--to", "greeter", "--payload", "<Greeting><Nom>Ada</Nom></Greeting>"}).exit_code, 2);
  EXPECT_EQ(run_nextra({"run", flow, "--to", "nobody", "--payload", "<Greeting><Name>Ada</Name></Greeting>"}).exit_code, 2);
  EXPECT_EQ(run_nextra({"run", flow, "--bogus"}).exit_code, 2);
  EXPECT_EQ(run_nextra({"run", flow}).exit_code, 2);
  EXPECT_EQ(run_nextra({"run", "/nonexistent.yaml", "--to", "a", "--payload", "<A/>"}).exit_code, 2);
  EXPECT_EQ(run_nextra({"frobnicate"}).exit_code, 2);
  auto xxe = run_nextra({"run", flow, "--to", "greeter", "--payload",
                         "<!DOCTYPE g [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><Greeting><Name>&x;</Name></Greeting>"});
  EXPECT_EQ(xxe.exit_code, 2);
  EXPECT_EQ(xxe.out.find("root:"), std::string::npos);
}

}  // namespace
}  // namespace nextra::testing
