// The pump end to end on the hello-world chain (3 hops: transform -> transform -> output),
// beside a baseline measured in the same run: the same three handler calls made directly,
// with no pump around them. The ratio is the pump's own cost (routing, peers, threads,
// context buffer, executions, worker hand-offs).

#include <benchmark/benchmark.h>

#include <atomic>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <sstream>

#include "flow/loader.h"
#include "handlers/transform.h"
#include "pump/pump.h"
#include "xml/payload_codec.h"

namespace {

using namespace nextra;

std::shared_ptr<const flow::OrganismSpec> hello_spec() {
  static auto spec = [] {
    std::ifstream in(std::string(NEXTRA_SOURCE_DIR) + "/examples/hello-world/organism.yaml");
    std::stringstream ss;
    ss << in.rdbuf();
    auto r = flow::load_organism(ss.str());
    if (!r.ok()) std::abort();
    return std::make_shared<const flow::OrganismSpec>(std::move(*r.organism));
  }();
  return spec;
}

schema::PayloadPtr greeting(const schema::Schema& s) {
  return xml::parse_payload("<Greeting><Name>Ada</Name></Greeting>", s).value();
}

void BM_Baseline_DirectHandlerCalls(benchmark::State& state) {
  auto spec = hello_spec();
  const auto& schema = *spec->schema;
  auto greeter = handlers::CompiledTransform::compile(*spec->listeners[0].transform, schema, schema.find("Greeting"), nullptr).value();
  auto shouter =
      handlers::CompiledTransform::compile(*spec->listeners[1].transform, schema, schema.find("GreetingResponse"), nullptr).value();
  auto in = greeting(schema);
  for (auto _ : state) {
    auto a = greeter.apply(*in, handlers::Scope{&in->record, "external", "t", "greeter"}).value();
    auto b = shouter.apply(*a, handlers::Scope{&a->record, "greeter", "t", "shouter"}).value();
    benchmark::DoNotOptimize(b);
  }
  state.SetItemsProcessed(state.iterations() * 3);  // messages
}
BENCHMARK(BM_Baseline_DirectHandlerCalls);

// One execution at a time: latency of a whole 3-hop execution, inject to completion.
void BM_Pump_OneExecutionLatency(benchmark::State& state) {
  auto pump = pump::Pump::create(hello_spec(), {}, nullptr, nullptr).value();
  (void)pump->start();
  auto in = greeting(pump->schema());
  for (auto _ : state) {
    auto e = pump->inject("greeter", in).value();
    benchmark::DoNotOptimize(e->wait());
  }
  state.SetItemsProcessed(state.iterations() * 3);
  pump->shutdown();
}
BENCHMARK(BM_Pump_OneExecutionLatency)->UseRealTime();

// Many executions in flight: throughput with both cores busy.
void BM_Pump_Throughput(benchmark::State& state) {
  auto pump = pump::Pump::create(hello_spec(), {}, nullptr, nullptr).value();
  (void)pump->start();
  auto in = greeting(pump->schema());
  const long batch = state.range(0);
  for (auto _ : state) {
    std::atomic<long> done{0};
    std::mutex mu;
    std::condition_variable cv;
    for (long i = 0; i < batch; ++i) {
      pump::InjectOptions o;
      o.on_complete = [&](const pump::ExecutionResult&) {
        if (++done == batch) {
          std::lock_guard l(mu);
          cv.notify_all();
        }
      };
      (void)pump->inject("greeter", in, std::move(o));
    }
    std::unique_lock l(mu);
    cv.wait(l, [&] { return done.load() == batch; });
  }
  state.SetItemsProcessed(state.iterations() * batch * 3);
  pump->shutdown();
}
BENCHMARK(BM_Pump_Throughput)->Arg(10000)->UseRealTime()->Unit(benchmark::kMillisecond);

// The same execution entering as envelope bytes: adds the full ingress pipeline once.
void BM_Pump_EnvelopeExecutionLatency(benchmark::State& state) {
  auto pump = pump::Pump::create(hello_spec(), {}, nullptr, nullptr).value();
  (void)pump->start();
  const std::string env =
      "<?xml version='1.0' encoding='utf-8'?><message xmlns=\"https://xml-pipeline.org/ns/envelope/v1\"><meta><from>bench</from>"
      "<to>greeter</to><thread>x</thread></meta><Greeting xmlns=\"\"><Name>Ada</Name></Greeting></message>";
  for (auto _ : state) {
    auto e = pump->inject_envelope(env).value();
    benchmark::DoNotOptimize(e->wait());
  }
  state.SetItemsProcessed(state.iterations() * 3);
  pump->shutdown();
}
BENCHMARK(BM_Pump_EnvelopeExecutionLatency)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
