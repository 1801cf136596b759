#pragma once
// One execution = one injected message and everything it causes. It ends when an `output`
// listener receives a result, when an error nobody handles occurs, when its deadline passes,
// when it is cancelled, or when no message of it remains in flight. Its threads, context
// buffers and collectors are freed when it ends.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "schema/value.h"

namespace nextra::pump {

enum class ExecutionStatus { Running, Success, Error, Timeout, Cancelled };
const char* execution_status_name(ExecutionStatus s);

struct ExecutionResult {
  ExecutionStatus status = ExecutionStatus::Running;
  schema::PayloadPtr output;
  std::string error;
  std::size_t messages = 0;  // messages delivered to listeners
  std::chrono::nanoseconds elapsed{0};
  std::string thread;        // the root thread id
};

// A fan-out (system.buffer) or pipeline (system.sequence) waiting for answers.
struct Collector {
  enum class Kind { Buffer, Sequence };
  Kind kind = Kind::Buffer;
  std::string id;
  std::string origin_thread;  // thread of the BufferStart/SequenceStart message
  std::string requester;      // who sent the start message
  std::string return_to;
  int depth = 0;
  // Buffer
  std::string target;
  bool collect = true;
  std::vector<std::optional<std::pair<bool, std::string>>> results;  // success, payload XML or error
  std::size_t received = 0;
  // Sequence
  std::vector<std::string> steps;
  std::size_t step = 0;
};

struct Execution {
  std::uint64_t id = 0;
  std::string scope;        // registry scope: the decimal id
  std::string root_thread;
  std::string peer_table;   // empty = listeners' own peers
  bool system = false;      // boot and other pump-internal executions
  std::chrono::steady_clock::time_point started;

  std::atomic<std::int64_t> outstanding{0};  // messages queued or being handled
  std::atomic<std::size_t> delivered{0};
  std::atomic<bool> finished{false};

  std::mutex mu;  // guards everything below, and serialises emissions of this execution
  std::condition_variable cv;
  ExecutionResult result;                        // guarded by mu
  std::unordered_set<std::string> threads;       // guarded by mu; freed at the end
  std::map<std::string, Collector> collectors;   // guarded by mu; key = collector name
  std::function<void(const ExecutionResult&)> on_complete;  // called once, with mu held
  std::uint64_t deadline_timer = 0;  // guarded by mu; 0 = none

  // Blocks until the execution ends or `deadline` passes; nullopt on deadline.
  std::optional<ExecutionResult> wait_until(std::chrono::steady_clock::time_point deadline);
  ExecutionResult wait();
  ExecutionResult snapshot();
};

}  // namespace nextra::pump
