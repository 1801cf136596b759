// The LLM gateway's own cost per call (src/llm), beside baselines measured in the same run
// against the same local scripted provider (src/llm/scripted_provider.h, our http::Server
// on 127.0.0.1, instant answers):
//   BM_Baseline_RawHttpPost      the same POST through the SSRF-safe net::HttpClient alone
//   BM_Gateway_Complete          Gateway::complete (routing, bucket, slot, wire format, usage)
//   BM_Gateway_Stream            the same, streamed (SSE parse + per-token callback)
//   BM_Gateway_InFlight/N        N calls kept in flight through complete_async
//   BM_Wire_BuildAndParse        the OpenAI wire format alone, no I/O
// Gateway overhead = BM_Gateway_Complete - BM_Baseline_RawHttpPost.

#include <benchmark/benchmark.h>

#include <condition_variable>
#include <mutex>

#include "llm/gateway.h"
#include "llm/scripted_provider.h"

namespace {

using namespace nextra;

llm::testing::ScriptedProviderServer& server() {
  static llm::testing::ScriptedProviderServer s;
  return s;
}

std::shared_ptr<net::HttpClient> client() {
  static auto c = [] {
    net::HttpClientOptions o;
    o.allowlist = *net::Allowlist::parse({"127.0.0.1"});
    o.workers = 4;
    return std::shared_ptr<net::HttpClient>(std::move(net::HttpClient::create(o)).value());
  }();
  return c;
}

llm::Gateway& gateway() {
  static auto g = [] {
    std::string yaml = "backends:\n  - {name: bench, provider: openai-compatible, base_url: \"" +
                       server().base_url("bench", llm::WireFormat::OpenAi) +
                       "\", api_key: bench-key-123, rate_limit_tpm: 1000000000, max_concurrent: 256}\n";
    llm::GatewayOptions o;
    o.config = *llm::parse_llm_config(yaml);
    o.http = client();
    o.workers = 64;
    o.max_tokens_per_thread = 0;
    return std::move(llm::Gateway::create(std::move(o))).value();
  }();
  return *g;
}

llm::CompletionRequest request() {
  llm::CompletionRequest r;
  r.model = "bench-model";
  r.messages = {llm::Message::system("You are terse."), llm::Message::user("Say ok.")};
  return r;
}

void BM_Baseline_RawHttpPost(benchmark::State& state) {
  auto built = llm::make_openai_provider()->build(llm::parse_llm_config(
      "backends: [{provider: ollama, base_url: \"" + server().base_url("raw", llm::WireFormat::OpenAi) + "\"}]")
      ->backends[0], "k", "bench-model", request(), false);
  for (auto _ : state) {
    auto r = client()->send(*built);
    if (!r.ok() || r->status != 200) state.SkipWithError("raw POST failed");
  }
}
BENCHMARK(BM_Baseline_RawHttpPost)->UseRealTime();

void BM_Gateway_Complete(benchmark::State& state) {
  for (auto _ : state) {
    auto r = gateway().complete(request());
    if (!r.ok()) state.SkipWithError(r.error().message.c_str());
  }
}
BENCHMARK(BM_Gateway_Complete)->UseRealTime();

void BM_Gateway_Stream(benchmark::State& state) {
  std::size_t tokens = 0;
  for (auto _ : state) {
    auto r = gateway().complete(request(), [&](std::string_view) { ++tokens; });
    if (!r.ok()) state.SkipWithError(r.error().message.c_str());
  }
  benchmark::DoNotOptimize(tokens);
}
BENCHMARK(BM_Gateway_Stream)->UseRealTime();

// Keeps N calls in flight; items/s is completed calls per second.
void BM_Gateway_InFlight(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  for (auto _ : state) {
    std::mutex mu;
    std::condition_variable cv;
    int left = n;
    for (int i = 0; i < n; ++i) {
      auto st = gateway().complete_async(request(), [&](Result<llm::CompletionResponse>) {
        std::lock_guard lock(mu);
        if (--left == 0) cv.notify_one();
      });
      if (!st.ok()) state.SkipWithError("queue full");
    }
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return left == 0; });
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_Gateway_InFlight)->Arg(1)->Arg(16)->Arg(64)->UseRealTime();

void BM_Wire_BuildAndParse(benchmark::State& state) {
  auto p = llm::make_openai_provider();
  llm::BackendConfig b;
  b.base_url = "https://api.example/v1";
  const std::string answer = R"({"model":"m","choices":[{"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":1}})";
  for (auto _ : state) {
    auto req = p->build(b, "k", "m", request(), false);
    auto r = p->parse(answer);
    benchmark::DoNotOptimize(req);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_Wire_BuildAndParse);

}  // namespace

BENCHMARK_MAIN();
