#pragma once
// One flow's project memory (issue #5; decisions.md: opt-in per flow, size-limited, viewable
// and deletable, cleared with the flow, never readable by another flow). A ProjectMemory is
// the Store scoped to one (organization, flow) with the flow's quota from its `memory:`
// section, plus the limits every writer shares: `tool:keyvalue` (keyvalue_tool.h) and code
// blocks' kv imports (make_module_kv) use it.
//
// Thread-safety: a ProjectMemory is immutable after construction and the Store is
// thread-safe, so one instance serves every handler of its flow at once.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "flow/organism.h"
#include "store/store.h"
#include "wasm/host_services.h"

namespace nextra::memory {

inline constexpr std::size_t kMaxKeyBytes = 256;          // the stored key, namespace included
inline constexpr std::size_t kMaxValueBytes = 64 * 1024;  // one value
inline constexpr std::size_t kMaxNamespaceBytes = 64;
inline constexpr std::int64_t kMaxTtlSeconds = 10LL * 366 * 24 * 3600;
// Keys under this prefix belong to code blocks (`wasm:<module>:<key>`); tools cannot name them.
inline constexpr std::string_view kModulePrefix = "wasm:";

// InvalidArgument unless `key` is 1..kMaxKeyBytes of UTF-8 without control characters (a
// key travels in XML payloads and API paths).
Status check_key(std::string_view key);
// InvalidArgument unless `value` is at most kMaxValueBytes of UTF-8 text XML can carry.
Status check_value(std::string_view value);

class ProjectMemory {
 public:
  using Clock = std::function<std::int64_t()>;  // milliseconds since the Unix epoch

  // `store` must outlive this. `max_bytes` is the flow's quota (flow::MemorySpec). An empty
  // `now` reads the system clock.
  ProjectMemory(store::Store& store, std::string org_id, std::string flow_id, std::int64_t max_bytes,
                Clock now = {});

  // The key's value, nullopt when absent or expired. InvalidArgument for a bad key; the
  // store's errors otherwise (NotFound: the flow was deleted; Unavailable: retry).
  Result<std::optional<std::string>> get(std::string_view key);
  // Stores `value`, for `ttl_seconds` (0 = until deleted). Answers whether a live value was
  // replaced. InvalidArgument for a bad key, value or ttl; ResourceExhausted when the flow's
  // quota is full.
  Result<bool> set(std::string_view key, std::string_view value, std::int64_t ttl_seconds = 0);
  // Answers whether a live value was removed.
  Result<bool> remove(std::string_view key);

  std::int64_t max_bytes() const { return max_bytes_; }

 private:
  std::int64_t now_ms() const;

  store::Store& store_;
  const std::string org_id_;
  const std::string flow_id_;
  const std::int64_t max_bytes_;
  const Clock now_;
};

// The flow's project memory, or nullptr when the flow has not enabled it (`memory:` with
// `enabled: true`) or there is no store.
std::shared_ptr<ProjectMemory> make_flow_memory(store::Store* store, const std::string& org_id,
                                                const std::string& flow_id, const flow::OrganismSpec* spec);

// The memory one code block sees (wasm::KvStore): its keys live under `wasm:<module>:`, so
// modules and tools of the flow do not read each other's keys, and nothing reaches another
// flow. Values are UTF-8 text of at most kMaxValueBytes (InvalidArgument otherwise).
std::unique_ptr<wasm::KvStore> make_module_kv(std::shared_ptr<ProjectMemory> memory, std::string module);

}  // namespace nextra::memory
