#include "wasm/listener_config.h"

#include <gtest/gtest.h>

namespace nextra::wasm {
namespace {

flow::RawSection section(std::string yaml) { return flow::RawSection{std::move(yaml), flow::SourcePos{10, 5}}; }

TEST(ListenerConfig, ReadsEveryKeyOverTheDefaults) {
  Limits defaults;
  defaults.fuel = 42;
  auto c = parse_listener_config(section("{module: shout, fuel: 1000000, memory_pages: 4, timeout_ms: 250, call_depth: 64, "
                                         "input_bytes: 1000, output_bytes: 2000, function: run, respond_with: Answer}"),
                                 defaults);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->module, "shout");
  EXPECT_EQ(c->function, "run");
  EXPECT_EQ(c->respond_with, "Answer");
  EXPECT_EQ(c->limits.fuel, 1000000u);
  EXPECT_EQ(c->limits.memory_pages, 4u);
  EXPECT_EQ(c->limits.timeout, std::chrono::milliseconds(250));
  EXPECT_EQ(c->limits.call_depth, 64u);
  EXPECT_EQ(c->limits.input_bytes, 1000u);
  EXPECT_EQ(c->limits.output_bytes, 2000u);
  auto d = parse_listener_config(section("module: m"), defaults);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->limits.fuel, 42u);
  EXPECT_EQ(d->function, "handle");
}

void expect_error(const std::string& yaml, const std::string& field, const std::string& message, int line = 10) {
  auto c = parse_listener_config(section(yaml), Limits{});
  ASSERT_FALSE(c.ok()) << yaml;
  EXPECT_EQ(c.error().code, ErrorCode::InvalidArgument);
  EXPECT_EQ(c.error().field, field);
  EXPECT_EQ(c.error().line, line);
  EXPECT_NE(c.error().message.find(message), std::string::npos) << c.error().message;
}

TEST(ListenerConfig, BadInputNamesTheField) {
  expect_error("{fuel: 10}", "wasm.module", "is required");
  expect_error("{module: m, fuel: 0}", "wasm.fuel", "must be an integer between 1 and 10000000000");
  expect_error("{module: m, fuel: -3}", "wasm.fuel", "must be an integer");
  expect_error("{module: m, memory_pages: 5000}", "wasm.memory_pages", "between 1 and 1024");
  expect_error("{module: m, timeout_ms: lots}", "wasm.timeout_ms", "must be an integer");
  expect_error("{module: m, wasi: true}", "wasm.wasi", "unknown key");
  expect_error("{module: [a, b]}", "wasm.module", "must be a non-empty string");
  expect_error("just text", "wasm", "must be a mapping");
  expect_error("module: m\nfuel: x", "wasm.fuel", "must be an integer", 11);
}

}  // namespace
}  // namespace nextra::wasm
