#pragma once
// LLM usage in the API's JSON (camelCase, dollars as numbers): a usage group for
// GET /api/usage, and an execution's calls for GET /api/executions/{id}, where each call is
// also counted on the step that caused it.

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/store.h"

namespace nextra::api {

// Micro-dollars as dollars.
double usd(std::int64_t micros);

nlohmann::json usage_group_json(const store::LlmUsageGroup& g);

// `usage` of an execution: totals and its calls, each with the index of its step. A call
// belongs to the latest step delivered to its agent at or before the call started (the
// message the agent was answering); `steps_usage` gets, per step index, that step's sums.
nlohmann::json execution_usage_json(const std::vector<store::LlmCall>& calls,
                                    const std::vector<store::ExecutionStep>& steps,
                                    std::vector<nlohmann::json>& steps_usage);

}  // namespace nextra::api
