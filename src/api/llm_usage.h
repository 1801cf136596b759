#pragma once
// Where LLM calls are accounted (issue #5): every call a gateway makes is written to the
// store (llm_calls, and the organization's month in usage_counters), and every agent (and
// every English → flow generation) asks before a model call whether its organization is
// still under its monthly spend cap. Used by the flows' gateways (app/handler_kinds.cc) and
// by the server's own (flow_generate.cc).

#include <functional>
#include <memory>
#include <string>

#include "core/result.h"
#include "llm/usage.h"
#include "store/store.h"

namespace nextra::api {

// Writes each call as it ends (one short transaction, on the gateway's worker: a model call
// takes far longer than its row). A call is charged to its request's `account` when set,
// else to `org_id` (a flow's gateway serves one organization); with neither it is not
// recorded. A failed write is reported to `on_error` and otherwise dropped: a call that
// already happened cannot be undone by refusing its record.
class StoreUsageSink final : public llm::UsageSink {
 public:
  StoreUsageSink(store::Store* store, std::string org_id, std::string flow_id,
                 std::function<void(const Error&)> on_error = {});
  void record(const llm::UsageRecord& usage) override;

 private:
  store::Store* store_;
  std::string org_id_;
  std::string flow_id_;
  std::function<void(const Error&)> on_error_;
};

// The call as the store keeps it: charged to `usage.account` or else `org_id`, cost in
// micro-dollars (rounded), the start from the end minus the latency.
store::LlmCall to_llm_call(const llm::UsageRecord& usage, const std::string& org_id, const std::string& flow_id);

// Before a model call: ResourceExhausted when the organization's spend this UTC month has
// reached its cap (calls already in flight may overshoot it by their own cost). No cap, no
// refusal; a store that cannot answer refuses too (Unavailable), since spending blind is
// what a cap exists to prevent.
std::function<Status()> spend_cap_check(store::Store* store, std::string org_id,
                                        std::function<std::int64_t()> now_ms = {});

}  // namespace nextra::api
