// How many agent calls one pump keeps in flight without delaying its other messages (issue
// #5). One pump runs an agent listener, whose model (the scripted OpenAI-compatible server on
// loopback) answers after 100 ms, beside the hello-world chain (transform -> transform ->
// output). While N agent executions wait for their model, chain executions run one after the
// other; their latency is compared with the same chain on the same pump with no agent in
// flight (the baseline, measured in the same run).
//
//   BM_Baseline_ChainAlone        chain latency, nothing else in flight
//   BM_Agents_InFlight/N          N agent executions at once: wall time until all answered
//                                 (manual time), with counters:
//                                   chain_p50_us, chain_p99_us  the chain meanwhile
//                                   provider_max_in_flight     calls the model saw at once
//                                   agent_calls_per_s           N / wall time
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "agent/agent_handler.h"
#include "flow/loader.h"
#include "llm/config.h"
#include "llm/gateway.h"
#include "llm/scripted_provider.h"
#include "net/http_client.h"
#include "pump/pump.h"
#include "xml/payload_codec.h"

namespace {

using namespace nextra;
using Clock = std::chrono::steady_clock;

constexpr auto kModelLatency = std::chrono::milliseconds(100);

llm::testing::ScriptedProviderServer& provider() {
  static auto* s = [] {
    auto* p = new llm::testing::ScriptedProviderServer();
    p->set_latency(kModelLatency);
    return p;
  }();
  return *s;
}

std::string flow_yaml() {
  return R"(organism:
  name: agents-beside-a-chain
max_concurrent_handlers: 256
max_concurrent_per_agent: 256
payloads:
  Greeting: { name: string }
  GreetingResponse: { message: string, original_sender: string }
  ShoutedResponse: { message: string }
  Question: { text: string }
  Poem: { text: string }
listeners:
  - name: greeter
    payload_class: Greeting
    handler: transform
    description: Greets
    peers: [shouter]
    transform:
      payload: GreetingResponse
      fields: { message: "Hello, {{ name }}!", original_sender: "{{ _from }}" }
  - name: shouter
    payload_class: GreetingResponse
    handler: transform
    description: Shouts
    peers: [response]
    transform:
      payload: ShoutedResponse
      fields: { message: "{{ message | upper }}" }
  - name: response
    payload_class: ShoutedResponse
    handler: output
    description: The chain's result
  - name: poet
    payload_class: Question
    handler: llm
    agent: true
    prompt: Answer in one line.
    description: Answers questions
    peers: [poem]
  - name: poem
    payload_class: Poem
    handler: output
    description: The agent's answer
)";
}

struct Bench {
  std::shared_ptr<const flow::OrganismSpec> spec;
  std::shared_ptr<agent::AgentServices> services;
  std::unique_ptr<pump::Pump> pump;
  schema::PayloadPtr greeting, question;

  Bench() {
    auto loaded = flow::load_organism(flow_yaml());
    if (!loaded.ok()) std::abort();
    spec = std::make_shared<const flow::OrganismSpec>(std::move(*loaded.organism));
    net::HttpClientOptions http;
    http.allowlist = *net::Allowlist::parse({"127.0.0.1"});
    llm::GatewayOptions g;
    g.config = *llm::parse_llm_config("default_model: bench-model\nmax_in_flight: 256\nbackends:\n  - {name: b, "
                                      "provider: openai-compatible, base_url: \"" +
                                      provider().base_url("b", llm::WireFormat::OpenAi) +
                                      "\", rate_limit_tpm: 1000000000, max_concurrent: 1000}\n");
    g.workers = g.config.max_in_flight;
    g.http = std::shared_ptr<net::HttpClient>(std::move(net::HttpClient::create(http)).value());
    g.max_tokens_per_thread = 0;
    services = std::make_shared<agent::AgentServices>();
    services->gateway = std::shared_ptr<llm::Gateway>(std::move(llm::Gateway::create(std::move(g))).value());
    services->conversations = std::make_shared<agent::Conversations>();
    pump::PumpOptions o;
    o.handler_factories["llm"] = agent::make_agent_handler_factory(services, spec.get());
    pump = std::move(pump::Pump::create(spec, std::move(o), nullptr, nullptr)).value();
    pump->add_observer(services->conversations.get());
    if (!pump->start().ok()) std::abort();
    greeting = xml::parse_payload("<Greeting><Name>Ada</Name></Greeting>", pump->schema()).value();
    question = xml::parse_payload("<Question><Text>Oslo?</Text></Question>", pump->schema()).value();
  }
  ~Bench() { pump->shutdown(); }

  // One chain execution, inject to completion.
  std::chrono::nanoseconds chain() {
    auto start = Clock::now();
    auto e = pump->inject("greeter", greeting).value();
    if (e->wait().status != pump::ExecutionStatus::Success) std::abort();
    return Clock::now() - start;
  }
};

Bench& bench() {
  static Bench b;
  return b;
}

double percentile_us(std::vector<std::chrono::nanoseconds> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  return static_cast<double>(v[i].count()) / 1000.0;
}

void BM_Baseline_ChainAlone(benchmark::State& state) {
  auto& b = bench();
  std::vector<std::chrono::nanoseconds> lat;
  for (auto _ : state) lat.push_back(b.chain());
  state.counters["chain_p50_us"] = percentile_us(lat, 0.5);
  state.counters["chain_p99_us"] = percentile_us(lat, 0.99);
}
BENCHMARK(BM_Baseline_ChainAlone)->UseRealTime();

void BM_Agents_InFlight(benchmark::State& state) {
  auto& b = bench();
  const int n = static_cast<int>(state.range(0));
  std::vector<std::chrono::nanoseconds> lat;
  int max_seen = 0;
  for (auto _ : state) {
    std::mutex mu;
    std::condition_variable cv;
    int left = n;
    const int calls_before = provider().calls("b");
    const auto start = Clock::now();
    for (int i = 0; i < n; ++i) {
      pump::InjectOptions o;
      o.on_complete = [&](const pump::ExecutionResult& r) {
        if (r.status != pump::ExecutionStatus::Success) std::abort();
        std::lock_guard lock(mu);
        if (--left == 0) cv.notify_one();
      };
      if (!b.pump->inject("poet", b.question, std::move(o)).ok()) std::abort();
    }
    // The chain runs while the agents wait for their model.
    for (;;) {
      {
        std::lock_guard lock(mu);
        if (left == 0) break;
      }
      lat.push_back(b.chain());
    }
    state.SetIterationTime(std::chrono::duration<double>(Clock::now() - start).count());
    if (provider().calls("b") - calls_before != n) std::abort();
    max_seen = std::max(max_seen, provider().max_in_flight("b"));
  }
  state.counters["chain_p50_us"] = percentile_us(lat, 0.5);
  state.counters["chain_p99_us"] = percentile_us(lat, 0.99);
  state.counters["provider_max_in_flight"] = max_seen;
  state.counters["agent_calls_per_s"] = benchmark::Counter(static_cast<double>(n) * static_cast<double>(state.iterations()),
                                                           benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Agents_InFlight)->Arg(16)->Arg(64)->Arg(256)->UseManualTime()->Iterations(5);

}  // namespace

BENCHMARK_MAIN();
