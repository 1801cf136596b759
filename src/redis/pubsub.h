#pragma once
// Live logs: every line is PUBLISHed on a channel (for whoever is tailing now) and appended
// to a capped stream (for whoever connects later and replays from the last id it saw).
// A tailing client replays first, subscribes, and drops lines whose id it has already seen.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"
#include "redis/connection.h"

struct redisContext;

namespace nextra::redis {

struct LogEntry {
  std::string id;  // stream entry id
  std::string line;
};

// MULTI; PUBLISH channel line; XADD stream_key MAXLEN ~ max_len * line <line>; EXEC.
// Both or neither (Unavailable if the connection drops; not retried). Note that "~" trims
// whole stream nodes only (stream-node-max-entries, 100 by default), so the stream may
// exceed max_len by up to a node.
Status publish_log(Connection& connection, const std::string& channel, const std::string& stream_key,
                   const std::string& line, std::size_t max_len);

// Entries strictly after `after_id` ("" = from the start), oldest first, at most `count`.
Result<std::vector<LogEntry>> replay(Connection& connection, const std::string& stream_key,
                                     const std::string& after_id, std::size_t count);

// A SUBSCRIBE on its own connection, read by a background thread that calls `callback`
// (channel, message) for every message, in order. The callback runs on that thread and
// must not block for long. If the connection drops, the thread reconnects and
// resubscribes (messages published meanwhile are lost: replay() covers them).
class Subscriber {
 public:
  using Callback = std::function<void(const std::string& channel, const std::string& message)>;

  // Returns once the server has confirmed every subscription, so anything published after
  // start() returns is delivered. Unavailable if Redis cannot be reached.
  static Result<std::unique_ptr<Subscriber>> start(const Endpoint& endpoint, std::vector<std::string> channels,
                                                   Callback callback);
  static Result<std::unique_ptr<Subscriber>> start(const std::string& url, std::vector<std::string> channels,
                                                   Callback callback);
  ~Subscriber();  // stop()
  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;

  // Stops the thread (within ~100 ms) and joins it. Idempotent.
  void stop();
  std::uint64_t reconnects() const { return reconnects_.load(); }

 private:
  Subscriber(Endpoint endpoint, std::vector<std::string> channels, Callback callback);
  Status subscribe();  // opens ctx_ and subscribes; ctx_ null on failure
  void run();

  const Endpoint endpoint_;
  const std::vector<std::string> channels_;
  const Callback callback_;
  redisContext* ctx_ = nullptr;  // owned by the thread once it runs
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> reconnects_{0};
  std::thread thread_;
};

}  // namespace nextra::redis
