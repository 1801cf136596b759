#pragma once
// Live logs of the in-process runtime: per flow, a capped ring of events with increasing ids
// (for `Last-Event-ID` replay and the paged JSON view), and subscribers that receive every
// new event (SSE streams for GET /api/flows/{id}/logs and GET /api/executions/{id}/events).
// The Redis pub/sub + capped stream variant (process pumps) implements the same contract.
//
// Thread-safe. Subscribers are called with no lock held, on the thread that published.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace nextra::runtime {

struct LogEvent {
  std::int64_t id = 0;        // increasing per flow, from 1
  std::string flow_id;
  std::string execution_id;   // empty for flow-level events (started, stopped)
  std::string type;           // "execution.started", "step", "execution.finished", "flow.state", ...
  std::string data;           // JSON text
  std::int64_t at_ms = 0;
};

class LogHub {
 public:
  explicit LogHub(std::size_t capacity_per_flow = 1000);

  // Assigns the id and delivers the event to the flow's and the execution's subscribers.
  // Returns the id.
  std::int64_t publish(const std::string& org_id, const std::string& flow_id, const std::string& execution_id,
                       std::string type, std::string data, std::int64_t at_ms);

  // Events of the flow with id > after_id, oldest first, at most `limit`.
  std::vector<LogEvent> since(const std::string& org_id, const std::string& flow_id, std::int64_t after_id,
                              std::size_t limit) const;
  // Events of one execution still in the ring, oldest first.
  std::vector<LogEvent> of_execution(const std::string& org_id, const std::string& flow_id,
                                     const std::string& execution_id) const;

  using Callback = std::function<bool(const LogEvent&)>;  // false = unsubscribe
  // Subscribes to a flow's events (execution_id empty) or one execution's. Returns a handle.
  std::uint64_t subscribe(const std::string& org_id, const std::string& flow_id, const std::string& execution_id,
                          Callback cb);
  void unsubscribe(std::uint64_t handle);
  void drop_flow(const std::string& org_id, const std::string& flow_id);  // flow deleted

 private:
  struct Sub {
    std::string key;           // org/flow
    std::string execution_id;  // empty = every event of the flow
    Callback cb;
  };
  struct Ring {
    std::deque<LogEvent> events;
    std::int64_t next_id = 1;
  };
  static std::string key(const std::string& org_id, const std::string& flow_id) { return org_id + "/" + flow_id; }

  const std::size_t capacity_;
  mutable std::mutex mu_;
  std::map<std::string, Ring> rings_;
  std::map<std::uint64_t, Sub> subs_;
  std::uint64_t next_sub_ = 1;
};

}  // namespace nextra::runtime
