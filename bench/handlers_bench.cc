// Built-in handler kinds on the per-message path: template render, transform apply,
// branch decide (src/handlers). Budget: ~150,000 messages/s on 2 cores, i.e. a few µs per
// message for everything, so each of these should stay well under 1 µs.

#include <benchmark/benchmark.h>

#include "handlers/branch.h"
#include "handlers/calculate.h"
#include "handlers/template.h"
#include "handlers/transform.h"

namespace {

using nextra::handlers::Scope;
namespace schema = nextra::schema;

schema::Field field(std::string name, std::string_view type) {
  schema::Field f;
  f.xml_name = schema::pascal_case(name);
  f.name = std::move(name);
  f.type = *schema::parse_type(type);
  return f;
}

// Ticket{title, customer, priority} -> Routed{summary, customer, priority}.
struct Fixture {
  schema::Schema s;
  schema::PayloadPtr ticket;
  Fixture() {
    (void)s.add({"Ticket", {field("title", "string"), field("customer", "string"), field("priority", "int")}});
    (void)s.add({"Routed", {field("summary", "string"), field("customer", "string"), field("priority", "int")}});
    (void)s.link();
    schema::Payload p;
    p.record.cls = s.find("Ticket");
    p.record.fields = {schema::Value("Printer on fire in building 7"), schema::Value("acme-industries"),
                       schema::Value(std::int64_t{3})};
    ticket = std::make_shared<const schema::Payload>(std::move(p));
  }
  Scope scope() const { return Scope{&ticket->record, "intake", "6ba7b810-9dad-41d1-80b4-00c04fd430c8", "router"}; }
};

void BM_TemplateRender(benchmark::State& state) {
  Fixture f;
  auto t = nextra::handlers::Template::compile("[{{ customer | upper }}] {{ title }} (P{{ priority }}, via {{ _from }})",
                                               f.s.find("Ticket"));
  auto scope = f.scope();
  for (auto _ : state) {
    auto r = t->render(scope);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_TemplateRender);

void BM_TransformApply(benchmark::State& state) {
  Fixture f;
  nextra::flow::TransformSpec spec;
  spec.payload = "Routed";
  spec.fields = {{"summary", "[{{ customer }}] {{ title | truncate:40 }}"}, {"priority", "{{ priority | add:1 }}"}};
  auto t = nextra::handlers::CompiledTransform::compile(spec, f.s, f.s.find("Ticket"), nullptr);
  auto scope = f.scope();
  for (auto _ : state) {
    auto r = t->apply(*f.ticket, scope);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_TransformApply);

// Three rules; the third (a regex) matches, so every condition is evaluated.
void BM_BranchDecide(benchmark::State& state) {
  Fixture f;
  nextra::flow::BranchSpec spec;
  auto rule = [](std::string field, nextra::flow::BranchOp op, std::string value, std::string to) {
    nextra::flow::BranchRule r;
    r.field = std::move(field);
    r.op = op;
    r.value = std::move(value);
    r.to = std::move(to);
    return r;
  };
  spec.rules = {rule("customer", nextra::flow::BranchOp::Equals, "globex", "vip"),
                rule("priority", nextra::flow::BranchOp::Gt, "4", "urgent"),
                rule("title", nextra::flow::BranchOp::Matches, R"((?i)\bfire\b)", "facilities")};
  nextra::flow::BranchRule def;
  def.to = "triage";
  spec.otherwise = def;
  auto b = nextra::handlers::CompiledBranch::compile(spec, f.s, f.s.find("Ticket"), nullptr);
  auto scope = f.scope();
  for (auto _ : state) {
    auto d = b->decide(f.ticket, scope);
    benchmark::DoNotOptimize(d);
  }
}
BENCHMARK(BM_BranchDecide);

void BM_BranchDecideEquals(benchmark::State& state) {
  Fixture f;
  nextra::flow::BranchSpec spec;
  nextra::flow::BranchRule r;
  r.field = "customer";
  r.op = nextra::flow::BranchOp::Equals;
  r.value = "acme-industries";
  r.to = "acme";
  spec.rules = {r};
  auto b = nextra::handlers::CompiledBranch::compile(spec, f.s, f.s.find("Ticket"), nullptr);
  auto scope = f.scope();
  for (auto _ : state) {
    auto d = b->decide(f.ticket, scope);
    benchmark::DoNotOptimize(d);
  }
}
BENCHMARK(BM_BranchDecideEquals);

void BM_Calculate(benchmark::State& state) {
  for (auto _ : state) {
    auto r = nextra::handlers::run_calculate("(2 + 3) * sqrt(16) / 7");
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_Calculate);

}  // namespace
