#pragma once
// Where a pump keeps thread state that other processes may need to see: the context
// buffer (per-thread message history, the LLM's memory) and the thread registry (thread
// UUID <-> call chain). The in-memory implementation serves the embedded default and every
// test; the Redis implementation (runtime issue) keeps the same contract under the keys
// `tenant:{id}:flow:{id}:buffer|registry:*` so a pump cannot touch another flow's state.
//
// Thread-safety: every method may be called from any pump worker concurrently.

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "schema/value.h"

namespace nextra::pump {

// One immutable entry of a thread's context buffer.
struct Slot {
  schema::PayloadPtr payload;
  std::string thread;
  std::string from;
  std::string to;
  std::size_t index = 0;  // 0-based position in the thread's buffer
  std::chrono::system_clock::time_point at;
  bool is_self_call = false;
};

struct BufferLimits {
  std::size_t max_slots_per_thread = 10000;  // further appends are refused (ResourceExhausted)
  std::size_t max_threads = 10000;           // a new thread evicts the oldest-created one
};

struct BufferStats {
  std::size_t thread_count = 0;
  std::size_t total_slots = 0;
  std::size_t evicted_threads = 0;
};

class SharedBackend {
 public:
  virtual ~SharedBackend() = default;

  // Context buffer.
  // Appends and returns the slot's index. ResourceExhausted when the thread is full; the
  // pump logs that and carries on (the library's behaviour).
  virtual Result<std::size_t> buffer_append(Slot slot) = 0;
  virtual std::vector<Slot> buffer_thread(const std::string& thread) const = 0;
  virtual std::size_t buffer_length(const std::string& thread) const = 0;
  virtual void buffer_delete(const std::string& thread) = 0;
  virtual BufferStats buffer_stats() const = 0;

  // Thread registry: `chain_key` is an encoded call chain (ThreadRegistry owns the format).
  // Sets both directions at once.
  virtual void registry_set(const std::string& chain_key, const std::string& uuid) = 0;
  virtual std::optional<std::string> registry_uuid(const std::string& chain_key) const = 0;
  virtual std::optional<std::string> registry_chain(const std::string& uuid) const = 0;
  // Removes both directions; unknown ids are ignored.
  virtual void registry_delete(const std::string& uuid) = 0;
  virtual std::size_t registry_size() const = 0;
};

std::unique_ptr<SharedBackend> make_memory_backend(BufferLimits limits = {});

}  // namespace nextra::pump
