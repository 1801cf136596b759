#pragma once
// Helpers for pump tests: build a pump from YAML text and run one injection to its end.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "flow/loader.h"
#include "pump/pump.h"
#include "xml/payload_codec.h"

namespace nextra::pump::testing {

inline std::shared_ptr<const flow::OrganismSpec> load_spec(const std::string& yaml) {
  auto r = flow::load_organism(yaml);
  if (!r.ok()) {
    std::string all;
    for (const auto& d : r.diagnostics) all += flow::format_diagnostic("test.yaml", d) + "\n";
    ADD_FAILURE() << all;
    return nullptr;
  }
  return std::make_shared<const flow::OrganismSpec>(std::move(*r.organism));
}

inline std::unique_ptr<Pump> make_pump(const std::string& yaml, PumpOptions options = {}) {
  auto spec = load_spec(yaml);
  if (!spec) return nullptr;
  flow::Diagnostics diags;
  auto p = Pump::create(spec, std::move(options), nullptr, &diags);
  if (!p.ok()) {
    std::string all;
    for (const auto& d : diags) all += flow::format_diagnostic("test.yaml", d) + "\n";
    ADD_FAILURE() << p.error().message << "\n" << all;
    return nullptr;
  }
  EXPECT_TRUE((*p)->start().ok());
  return std::move(p).value();
}

inline schema::PayloadPtr payload(const Pump& pump, const std::string& xml) {
  auto p = xml::parse_payload(xml, pump.schema());
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  return p.ok() ? std::move(p).value() : nullptr;
}

inline ExecutionResult run(Pump& pump, const std::string& to, const std::string& xml, InjectOptions o = {}) {
  if (o.timeout.count() == 0) o.timeout = std::chrono::seconds(10);
  auto exec = pump.inject(to, payload(pump, xml), std::move(o));
  if (!exec.ok()) {
    ADD_FAILURE() << exec.error().message;
    return {};
  }
  return (*exec)->wait();
}

inline std::string output_xml(const ExecutionResult& r) { return r.output ? xml::payload_to_xml(*r.output) : std::string("(none)"); }

}  // namespace nextra::pump::testing
