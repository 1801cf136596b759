#include "api/usage_json.h"

#include "api/json_views.h"

namespace nextra::api {
namespace {

// Sums of some calls, as the step and the execution show them.
struct Sums {
  std::int64_t calls = 0;
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  std::int64_t cost_micros = 0;
  std::int64_t unpriced = 0;

  void add(const store::LlmCall& c) {
    ++calls;
    prompt_tokens += c.prompt_tokens;
    completion_tokens += c.completion_tokens;
    cost_micros += c.cost_micros.value_or(0);
    if (c.ok && !c.cost_micros) ++unpriced;
  }
  nlohmann::json json() const {
    return {{"llmCalls", calls},
            {"promptTokens", prompt_tokens},
            {"completionTokens", completion_tokens},
            {"costUsd", usd(cost_micros)},
            {"unpricedCalls", unpriced}};
  }
};

}  // namespace

double usd(std::int64_t micros) { return static_cast<double>(micros) / 1e6; }

nlohmann::json usage_group_json(const store::LlmUsageGroup& g) {
  return {{"key", g.key},
          {"calls", g.calls},
          {"failedCalls", g.failed_calls},
          {"unpricedCalls", g.unpriced_calls},
          {"promptTokens", g.prompt_tokens},
          {"completionTokens", g.completion_tokens},
          {"totalTokens", g.prompt_tokens + g.completion_tokens},
          {"costUsd", usd(g.cost_micros)},
          {"latencyMs", g.latency_ms}};
}

nlohmann::json execution_usage_json(const std::vector<store::LlmCall>& calls,
                                    const std::vector<store::ExecutionStep>& steps,
                                    std::vector<nlohmann::json>& steps_usage) {
  Sums total;
  std::vector<Sums> per_step(steps.size());
  auto items = nlohmann::json::array();
  for (const auto& c : calls) {
    total.add(c);
    std::optional<std::size_t> step;
    for (std::size_t i = steps.size(); i-- > 0;) {
      if (steps[i].target == c.agent && steps[i].started_at_ms <= c.started_at_ms) {
        step = i;
        break;
      }
    }
    if (step) per_step[*step].add(c);
    items.push_back({{"step", step ? nlohmann::json(steps[*step].step_index) : nlohmann::json(nullptr)},
                     {"agent", c.agent},
                     {"model", c.model},
                     {"provider", c.provider},
                     {"backend", c.backend},
                     {"promptTokens", c.prompt_tokens},
                     {"completionTokens", c.completion_tokens},
                     {"costUsd", c.cost_micros ? nlohmann::json(usd(*c.cost_micros)) : nlohmann::json(nullptr)},
                     {"latencyMs", c.latency_ms},
                     {"attempts", c.attempts},
                     {"ok", c.ok},
                     {"errorCode", c.ok ? nlohmann::json(nullptr) : nlohmann::json(c.error_code)},
                     {"startedAt", iso_time(c.started_at_ms)}});
  }
  steps_usage.clear();
  for (const auto& s : per_step) steps_usage.push_back(s.json());
  auto j = total.json();
  j["calls"] = std::move(items);
  return j;
}

}  // namespace nextra::api
