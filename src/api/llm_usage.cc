#include "api/llm_usage.h"

#include <chrono>
#include <cmath>
#include <cstdio>

#include "core/utc_time.h"

namespace nextra::api {
namespace {

std::int64_t system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string dollars(std::int64_t micros) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "$%.2f", static_cast<double>(micros) / 1e6);
  return buf;
}

}  // namespace

store::LlmCall to_llm_call(const llm::UsageRecord& u, const std::string& org_id, const std::string& flow_id) {
  store::LlmCall c;
  c.org_id = u.account.empty() ? org_id : u.account;
  c.flow_id = flow_id;
  c.execution_id = u.thread_id;  // agents call with their execution's id as the budget's thread
  c.agent = u.agent;
  c.model = u.model;
  c.provider = u.provider;
  c.backend = u.backend;
  c.prompt_tokens = u.prompt_tokens;
  c.completion_tokens = u.completion_tokens;
  c.latency_ms = u.latency.count();
  if (u.cost_usd) c.cost_micros = static_cast<std::int64_t>(std::llround(*u.cost_usd * 1e6));
  c.attempts = u.attempts;
  c.ok = u.ok;
  if (!u.ok) c.error_code = error_code_name(u.error_code);
  const auto end_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(u.at.time_since_epoch()).count();
  c.started_at_ms = end_ms - c.latency_ms;
  return c;
}

StoreUsageSink::StoreUsageSink(store::Store* store, std::string org_id, std::string flow_id,
                               std::function<void(const Error&)> on_error)
    : store_(store), org_id_(std::move(org_id)), flow_id_(std::move(flow_id)), on_error_(std::move(on_error)) {}

void StoreUsageSink::record(const llm::UsageRecord& usage) {
  if (!store_ || (usage.account.empty() && org_id_.empty())) return;
  auto st = store_->record_llm_calls({to_llm_call(usage, org_id_, flow_id_)});
  if (!st.ok() && on_error_) on_error_(st.error());
}

std::function<Status()> spend_cap_check(store::Store* store, std::string org_id, std::function<std::int64_t()> now_ms) {
  if (!now_ms) now_ms = system_now_ms;
  return [store, org_id = std::move(org_id), now_ms = std::move(now_ms)]() -> Status {
    if (!store) return {};
    auto month = store->llm_month(org_id, utc_month(now_ms()));
    if (!month.ok()) {
      return Error::make(ErrorCode::Unavailable,
                         "the organization's LLM spend cannot be checked against its cap: " + month.error().message);
    }
    if (month->cap_micros && month->cost_micros >= *month->cap_micros) {
      return Error::make(ErrorCode::ResourceExhausted,
                         "the organization's monthly LLM spend cap (" + dollars(*month->cap_micros) +
                             ") is reached: " + dollars(month->cost_micros) + " spent in " + month->month);
    }
    return {};
  };
}

}  // namespace nextra::api
