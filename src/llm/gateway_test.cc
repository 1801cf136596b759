// The gateway end to end: real HTTP to the scripted provider server on 127.0.0.1.
#include "llm/gateway.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "llm/scripted_provider.h"

namespace nextra::llm {
namespace {

using testing::Reply;
using testing::ScriptedProviderServer;

struct CollectingSink : UsageSink {
  std::mutex mu;
  std::vector<UsageRecord> records;
  void record(const UsageRecord& r) override {
    std::lock_guard lock(mu);
    records.push_back(r);
  }
};

// Waits for `done` (a condition the test needs before going on) for at most 10 s, so a
// broken gateway fails the test instead of hanging it. Not a timing assertion.
template <typename Pred>
bool eventually(Pred done) {
  for (int i = 0; i < 2000 && !done(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  return done();
}

struct BackendSpec {
  std::string name;
  WireFormat wire = WireFormat::OpenAi;
  std::string extra;  // more YAML keys, flow style: "priority: 2, max_concurrent: 1"
};

class GatewayTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NE(server_.port(), 0); }

  std::string provider_of(WireFormat w) {
    return w == WireFormat::OpenAi ? "openai-compatible" : w == WireFormat::Anthropic ? "anthropic" : "gemini";
  }

  // Builds the `llm:` YAML for `backends` at the scripted server and a gateway from it.
  std::unique_ptr<Gateway> gateway(const std::vector<BackendSpec>& backends, const std::string& top = "",
                                   std::function<void(GatewayOptions&)> tweak = nullptr) {
    std::string yaml = "retry_base_delay: 0.01\nretry_max_delay: 2\n" + top + "\nbackends:\n";
    for (const auto& b : backends) {
      yaml += "  - {name: " + b.name + ", provider: " + provider_of(b.wire) + ", base_url: \"" +
              server_.base_url(b.name, b.wire) + "\", api_key: \"key-" + b.name + "-0123456789\"" +
              (b.extra.empty() ? "" : ", " + b.extra) + "}\n";
    }
    auto config = parse_llm_config(yaml);
    EXPECT_TRUE(config.ok()) << config.error().message << "\n" << yaml;
    net::HttpClientOptions http;
    http.allowlist = *net::Allowlist::parse({"127.0.0.1"});
    GatewayOptions o;
    o.config = *config;
    o.http = std::shared_ptr<net::HttpClient>(std::move(net::HttpClient::create(http)).value());
    o.prices = *PriceTable::load(NEXTRA_PRICES_JSON);
    o.usage_sink = sink_;
    o.on_retry = [this](const RetryEvent& e) {
      std::lock_guard lock(mu_);
      retries_.push_back(e);
    };
    if (tweak) tweak(o);
    auto g = Gateway::create(std::move(o));
    EXPECT_TRUE(g.ok()) << g.error().message;
    return std::move(g).value();
  }

  static CompletionRequest ask(std::string text = "hello", std::string model = "gpt-4o-mini") {
    CompletionRequest r;
    r.model = std::move(model);
    r.messages = {Message::system("be brief"), Message::user(std::move(text))};
    return r;
  }

  ScriptedProviderServer server_;
  std::shared_ptr<CollectingSink> sink_ = std::make_shared<CollectingSink>();
  std::mutex mu_;
  std::vector<RetryEvent> retries_;
};

TEST_F(GatewayTest, FailsOverToTheSecondBackendOn5xx) {
  auto g = gateway({{"primary", WireFormat::OpenAi, "priority: 1"}, {"secondary", WireFormat::OpenAi, "priority: 2"}},
                   "strategy: failover");
  server_.script("primary", {Reply::error(503)});
  server_.script("secondary", {Reply::text_reply("from secondary")});
  auto r = g->complete(ask());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->content, "from secondary");
  EXPECT_EQ(r->backend, "secondary");
  EXPECT_EQ(r->attempts, 2);
  EXPECT_EQ(server_.calls("primary"), 1);
  EXPECT_EQ(server_.calls("secondary"), 1);
  // The next call starts at the primary again (failover, not sticky).
  ASSERT_TRUE(g->complete(ask()).ok());
  EXPECT_EQ(server_.calls("primary"), 2);
}

TEST_F(GatewayTest, RetriesAfter429HonouringRetryAfter) {
  auto g = gateway({{"only"}});
  server_.script("only", {Reply::error(429, "1"), Reply::text_reply("second time")});
  auto r = g->complete(ask());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->content, "second time");
  EXPECT_EQ(r->attempts, 2);
  std::lock_guard lock(mu_);
  ASSERT_EQ(retries_.size(), 1u);
  EXPECT_EQ(retries_[0].status, 429);
  EXPECT_TRUE(retries_[0].from_retry_after);
  EXPECT_EQ(retries_[0].delay, std::chrono::milliseconds(1000));
}

TEST_F(GatewayTest, GivesUpAfterRetriesWithEveryAnswerInTheMessage) {
  auto g = gateway({{"only"}}, "retries: 2");
  server_.script("only", {Reply::error(500), Reply::error(502), Reply::error(503)});
  auto r = g->complete(ask());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::Unavailable);
  EXPECT_NE(r.error().message.find("after 3 attempts"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("502"), std::string::npos) << r.error().message;
  EXPECT_EQ(server_.calls("only"), 3);
}

TEST_F(GatewayTest, ClientErrorsAreNotRetried) {
  auto g = gateway({{"only"}});
  server_.script("only", {Reply::error(400)});
  auto r = g->complete(ask());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::InvalidArgument);
  EXPECT_EQ(server_.calls("only"), 1);
}

TEST_F(GatewayTest, RoundRobinSpreadsCallsEvenly) {
  auto g = gateway({{"a"}, {"b"}, {"c"}}, "strategy: round-robin");
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(g->complete(ask()).ok());
  EXPECT_EQ(server_.calls("a"), 2);
  EXPECT_EQ(server_.calls("b"), 2);
  EXPECT_EQ(server_.calls("c"), 2);
}

TEST_F(GatewayTest, LeastLoadedAvoidsTheBusyBackend) {
  auto g = gateway({{"busy", WireFormat::OpenAi, "max_concurrent: 2"}, {"idle", WireFormat::OpenAi, "max_concurrent: 2"}},
                   "strategy: least-loaded");
  server_.script("busy", {Reply::held("slow")});
  std::promise<Result<CompletionResponse>> first;
  ASSERT_TRUE(g->complete_async(ask(), [&](Result<CompletionResponse> r) { first.set_value(std::move(r)); }).ok());
  // On a tie the first listed backend wins, so the held call sits at "busy".
  ASSERT_TRUE(eventually([&] { return server_.in_flight("busy") == 1; }));
  auto second = g->complete(ask());
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->backend, "idle");
  server_.release_held();
  EXPECT_TRUE(first.get_future().get().ok());
}

TEST_F(GatewayTest, TokenBucketLimitsABackend) {
  // 600 tokens per minute; a call of ~500 estimated tokens that used 550 leaves 50, so the
  // next ~500-token call would wait ~45 s, beyond the allowed queue wait: refused, unsent.
  auto g = gateway({{"small", WireFormat::OpenAi, "rate_limit_tpm: 600"}}, "",
                   [](GatewayOptions& o) { o.max_queue_wait = std::chrono::milliseconds(200); });
  server_.script("small", {Reply::text_reply("ok", 500, 50)});
  std::string text(2000 - 8, 'x');  // with "be brief": 2000 chars, ~500 tokens
  ASSERT_TRUE(g->complete(ask(text)).ok());
  auto second = g->complete(ask(text));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::ResourceExhausted);
  EXPECT_NE(second.error().message.find("rate limit"), std::string::npos) << second.error().message;
  EXPECT_EQ(server_.calls("small"), 1);
  // A call larger than the whole minute is refused outright.
  auto huge = g->complete(ask(std::string(4000, 'y')));
  ASSERT_FALSE(huge.ok());
  EXPECT_NE(huge.error().message.find("exceeds"), std::string::npos) << huge.error().message;
}

TEST_F(GatewayTest, ConcurrencyCapHoldsCallsBack) {
  auto g = gateway({{"narrow", WireFormat::OpenAi, "max_concurrent: 1"}});
  server_.script("narrow", {Reply::held("1"), Reply::held("2"), Reply::held("3")});
  std::vector<std::promise<Result<CompletionResponse>>> done(3);
  for (auto& d : done) {
    ASSERT_TRUE(g->complete_async(ask(), [&d](Result<CompletionResponse> r) { d.set_value(std::move(r)); }).ok());
  }
  ASSERT_TRUE(eventually([&] { return server_.calls("narrow") > 0; }));
  // Give the other two calls every chance to (wrongly) reach the server.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(server_.calls("narrow"), 1);
  server_.release_held();
  for (auto& d : done) EXPECT_TRUE(d.get_future().get().ok());
  EXPECT_EQ(server_.calls("narrow"), 3);
  EXPECT_EQ(server_.max_in_flight("narrow"), 1);
}

TEST_F(GatewayTest, BudgetWarnsAt75And90AndRefusesBeyond) {
  std::vector<BudgetWarning> warnings;
  std::mutex wmu;
  auto g = gateway({{"b"}}, "", [&](GatewayOptions& o) {
    o.max_tokens_per_thread = 1000;
    o.on_budget_warning = [&](const BudgetWarning& w) {
      std::lock_guard lock(wmu);
      warnings.push_back(w);
    };
  });
  server_.script("b", {Reply::text_reply("one", 700, 80), Reply::text_reply("two", 100, 60)});
  CompletionRequest r = ask();
  r.thread_id = "thread-1";
  ASSERT_TRUE(g->complete(r).ok());  // 780 = 78 %
  ASSERT_TRUE(g->complete(r).ok());  // 940 = 94 %
  EXPECT_EQ(g->thread_tokens_used("thread-1"), 940);
  auto refused = g->complete(r);     // 940 + ~100 > 1000
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::ResourceExhausted);
  EXPECT_NE(refused.error().message.find("thread-1"), std::string::npos);
  EXPECT_EQ(server_.calls("b"), 2);
  std::lock_guard lock(wmu);
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_EQ(warnings[0].percent, 75);
  EXPECT_EQ(warnings[1].percent, 90);
  // Another thread is unaffected; a finished thread's entry is freed.
  r.thread_id = "thread-2";
  EXPECT_TRUE(g->complete(r).ok());
  g->forget_thread("thread-1");
  EXPECT_EQ(g->thread_tokens_used("thread-1"), 0);
}

TEST_F(GatewayTest, StreamingTokensArriveInOrderForEveryProvider) {
  auto g = gateway({{"oa", WireFormat::OpenAi, "models: [gpt-4o-mini]"},
                    {"an", WireFormat::Anthropic, "models: [claude-sonnet-4]"},
                    {"ge", WireFormat::Gemini, "models: [gemini-2.0-flash]"}});
  for (const auto& [backend, model] : std::vector<std::pair<std::string, std::string>>{
           {"oa", "gpt-4o-mini"}, {"an", "claude-sonnet-4"}, {"ge", "gemini-2.0-flash"}}) {
    server_.script(backend, {Reply::text_reply("The quick brown fox", 12, 4)});
    std::vector<std::string> tokens;
    auto r = g->complete(ask("hi", model), [&](std::string_view t) { tokens.emplace_back(t); });
    ASSERT_TRUE(r.ok()) << backend << ": " << r.error().message;
    EXPECT_EQ(tokens, (std::vector<std::string>{"The", " quick", " brown", " fox"})) << backend;
    EXPECT_EQ(r->content, "The quick brown fox") << backend;
    EXPECT_EQ(r->usage.prompt_tokens, 12) << backend;
    EXPECT_EQ(r->usage.completion_tokens, 4) << backend;
    EXPECT_EQ(r->backend, backend);
  }
}

TEST_F(GatewayTest, ServerThatIgnoresStreamTrueStillDeliversTheText) {
  auto g = gateway({{"plain"}});
  Reply r = Reply::text_reply("all at once");
  r.ignore_stream = true;
  server_.script("plain", {r});
  std::vector<std::string> tokens;
  auto got = g->complete(ask(), [&](std::string_view t) { tokens.emplace_back(t); });
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->content, "all at once");
  EXPECT_EQ(tokens, std::vector<std::string>{"all at once"});
}

TEST_F(GatewayTest, AsyncStreamingCallsBackAfterTheLastToken) {
  auto g = gateway({{"oa"}});
  server_.script("oa", {Reply::text_reply("a b c")});
  std::string tokens;
  std::promise<std::pair<std::string, Result<CompletionResponse>>> done;
  ASSERT_TRUE(g->complete_async(
                   ask(), [&](Result<CompletionResponse> r) { done.set_value({tokens, std::move(r)}); },
                   [&](std::string_view t) { tokens += t; })
                  .ok());
  auto [seen, r] = done.get_future().get();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(seen, "a b c");
}

TEST_F(GatewayTest, ToolCallsParsedForEveryProviderStreamedOrNot) {
  auto g = gateway({{"oa", WireFormat::OpenAi, "models: [gpt-4o-mini]"},
                    {"an", WireFormat::Anthropic, "models: [claude-sonnet-4]"},
                    {"ge", WireFormat::Gemini, "models: [gemini-2.0-flash]"}});
  for (bool stream : {false, true}) {
    for (const auto& [backend, model] : std::vector<std::pair<std::string, std::string>>{
             {"oa", "gpt-4o-mini"}, {"an", "claude-sonnet-4"}, {"ge", "gemini-2.0-flash"}}) {
      server_.script(backend, {Reply::tool_call("lookup", {{"city", "Oslo"}, {"days", 3}})});
      CompletionRequest req = ask("weather?", model);
      req.tools = {{"lookup", "Weather lookup",
                    {{"type", "object"}, {"properties", {{"city", {{"type", "string"}}}, {"days", {{"type", "integer"}}}}}}}};
      TokenCallback on_token;
      if (stream) on_token = [](std::string_view) {};
      auto r = g->complete(req, on_token);
      ASSERT_TRUE(r.ok()) << backend << " stream=" << stream << ": " << r.error().message;
      ASSERT_EQ(r->tool_calls.size(), 1u) << backend << " stream=" << stream;
      EXPECT_EQ(r->tool_calls[0].name, "lookup");
      EXPECT_EQ(r->tool_calls[0].arguments["city"], "Oslo");
      EXPECT_EQ(r->tool_calls[0].arguments["days"], 3);
      EXPECT_FALSE(r->tool_calls[0].id.empty());
      // The tool definition reached the provider in its own shape.
      auto sent = server_.received(backend).back().body;
      ASSERT_TRUE(sent.contains("tools")) << backend;
    }
  }
}

TEST_F(GatewayTest, KeyNeverAppearsInAnErrorMessage) {
  auto g = gateway({{"oa", WireFormat::OpenAi, "models: [gpt-4o-mini]"},
                    {"an", WireFormat::Anthropic, "models: [claude-sonnet-4]"},
                    {"ge", WireFormat::Gemini, "models: [gemini-2.0-flash]"}});
  for (const auto& [backend, model] : std::vector<std::pair<std::string, std::string>>{
           {"oa", "gpt-4o-mini"}, {"an", "claude-sonnet-4"}, {"ge", "gemini-2.0-flash"}}) {
    server_.script(backend, {Reply::unauthorized_echoing_key()});
    auto r = g->complete(ask("hi", model));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::PermissionDenied) << r.error().message;
    const std::string key = "key-" + backend + "-0123456789";
    EXPECT_EQ(r.error().message.find(key), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("Incorrect API key provided"), std::string::npos) << r.error().message;
    // The key did reach the server, so the test is meaningful.
    auto headers = server_.received(backend).back().headers;
    EXPECT_TRUE(headers["authorization"] == "Bearer " + key || headers["x-api-key"] == key || headers["x-goog-api-key"] == key);
  }
}

TEST_F(GatewayTest, TimeoutMalformedAnswersAndRecovery) {
  auto g = gateway({{"slow", WireFormat::OpenAi, "timeout: 0.3"}}, "retries: 0");
  server_.script("slow", {Reply::hang()});
  auto r = g->complete(ask());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::DeadlineExceeded) << r.error().message;

  auto g2 = gateway({{"glitchy"}});
  server_.script("glitchy", {Reply::malformed(), Reply::text_reply("fine")});
  auto r2 = g2->complete(ask());
  ASSERT_TRUE(r2.ok()) << r2.error().message;
  EXPECT_EQ(r2->content, "fine");
  EXPECT_EQ(r2->attempts, 2);
}

TEST_F(GatewayTest, DestroyingTheGatewayCancelsCallsInFlight) {
  auto g = gateway({{"stuck", WireFormat::OpenAi, "timeout: 600"}}, "retries: 0");
  server_.script("stuck", {Reply::hang()});
  std::promise<Result<CompletionResponse>> done;
  auto future = done.get_future();
  ASSERT_TRUE(g->complete_async(ask(), [&](Result<CompletionResponse> r) { done.set_value(std::move(r)); }).ok());
  // Until the request sits at the server (or the call already ended, which fails below).
  ASSERT_TRUE(eventually([&] { return server_.in_flight("stuck") == 1; })) << "the call never reached the server";
  g.reset();
  auto r = future.get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::Cancelled) << r.error().message;
}

TEST_F(GatewayTest, UsageWithCostGoesToTheSink) {
  auto g = gateway({{"oa"}});
  server_.script("oa", {Reply::text_reply("priced", 1000, 500)});
  CompletionRequest req = ask();
  req.thread_id = "t";
  req.agent = "researcher";
  auto r = g->complete(req);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->cost_usd.has_value());
  EXPECT_DOUBLE_EQ(*r->cost_usd, (1000 * 0.15 + 500 * 0.6) / 1e6);
  std::lock_guard lock(sink_->mu);
  ASSERT_EQ(sink_->records.size(), 1u);
  const auto& u = sink_->records[0];
  EXPECT_TRUE(u.ok);
  EXPECT_EQ(u.thread_id, "t");
  EXPECT_EQ(u.agent, "researcher");
  EXPECT_EQ(u.model, "gpt-4o-mini");
  EXPECT_EQ(u.backend, "oa");
  EXPECT_EQ(u.prompt_tokens, 1000);
  EXPECT_EQ(u.completion_tokens, 500);
  EXPECT_EQ(u.cost_usd, r->cost_usd);
}

TEST_F(GatewayTest, RoutingSsrfAndMissingKeys) {
  auto g = gateway({{"oa", WireFormat::OpenAi, "models: [gpt-4o-mini]"}});
  auto unknown = g->complete(ask("hi", "claude-opus-4"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::NotFound);
  EXPECT_EQ(unknown.error().field, "model");

  // A backend pointed at the cloud metadata address is refused by the SSRF-safe client.
  auto config = parse_llm_config("backends: [{provider: ollama, base_url: \"http://169.254.169.254/v1\"}]");
  ASSERT_TRUE(config.ok());
  GatewayOptions o;
  o.config = *config;
  o.http = std::shared_ptr<net::HttpClient>(std::move(net::HttpClient::create({})).value());
  auto metadata = std::move(Gateway::create(std::move(o))).value();
  auto blocked = metadata->complete(ask("hi", "llama3"));
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.error().code, ErrorCode::PermissionDenied) << blocked.error().message;

  auto env_config = parse_llm_config("backends: [{provider: openai, api_key_env: NEXTRA_TEST_SURELY_UNSET_KEY}]");
  GatewayOptions e;
  e.config = *env_config;
  e.http = std::shared_ptr<net::HttpClient>(std::move(net::HttpClient::create({})).value());
  e.env = [](const std::string&) { return std::nullopt; };
  auto missing = Gateway::create(std::move(e));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().field, "llm.backends[0].api_key_env");
}

}  // namespace
}  // namespace nextra::llm
