#pragma once
// Where every LLM call's usage goes: the control plane persists it (per step, execution,
// flow and organization); tests collect it. record() runs on a gateway worker thread and
// must be quick and thread-safe.

#include <chrono>
#include <optional>
#include <string>

#include "core/result.h"

namespace nextra::llm {

struct UsageRecord {
  std::string account;  // CompletionRequest::account
  std::string thread_id;
  std::string agent;
  std::string model;
  std::string provider;
  std::string backend;
  long long prompt_tokens = 0;
  long long completion_tokens = 0;
  std::chrono::milliseconds latency{0};  // from the call's start to its end, retries included
  std::optional<double> cost_usd;
  int attempts = 0;
  bool ok = true;
  ErrorCode error_code = ErrorCode::Internal;  // meaningful when !ok
  std::chrono::system_clock::time_point at;
};

class UsageSink {
 public:
  virtual ~UsageSink() = default;
  virtual void record(const UsageRecord& usage) = 0;
};

}  // namespace nextra::llm
