#pragma once
// Durable trigger delivery on a Redis Stream with a consumer group.
//
// The rule: a consumer acks a delivery only after the execution it started has been
// recorded (the execution row is committed). A consumer that crashes before that leaves
// the message in the group's pending list; another consumer (or the same one restarted
// under a new name) takes it over with claim_stale() once it has been idle for min_idle,
// and delivery_count tells it how often the message was handed out before. Delivery is
// therefore at-least-once: executions must be idempotent on Delivery::id.
//
// Connections: read() with a non-zero block holds its Connection for the whole wait
// (XREADGROUP ... BLOCK), so a blocking reader must own a dedicated Connection; add(),
// ack() and claim_stale() are short and may share one. Thread-safe as far as Connection is.
//
// The stream is capped with XADD MAXLEN ~ max_len: keep max_len well above any backlog,
// because Redis trims entries even if they are still pending (claim_stale drops those).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "redis/connection.h"

namespace nextra::redis {

struct Delivery {
  std::string id;       // stream entry id, "ms-seq"
  std::string payload;
  std::int64_t delivery_count = 1;  // 1 on first delivery, +1 per claim
};

struct StreamQueueOptions {
  std::size_t max_len = 100000;  // approximate cap applied on every add()
};

class StreamQueue {
 public:
  StreamQueue(std::shared_ptr<Connection> connection, std::string stream, std::string group, std::string consumer,
              StreamQueueOptions options = {});

  // XGROUP CREATE stream group 0 MKSTREAM; an existing group is fine. Entries added before
  // the group existed are delivered too.
  Status ensure_group();
  // XADD stream MAXLEN ~ max_len * p payload; returns the entry id. Not retried on a
  // dropped connection (Unavailable: it may or may not have been added).
  Result<std::string> add(const std::string& payload);
  // XREADGROUP GROUP group consumer COUNT count [BLOCK ms] STREAMS stream >: new entries
  // only, now pending for this consumer. block <= 0 does not block. Empty on timeout.
  Result<std::vector<Delivery>> read(int count, std::chrono::milliseconds block);
  // XACK: the entry leaves the pending list and is never redelivered. Idempotent.
  Status ack(const std::string& id);
  // XAUTOCLAIM to this consumer of up to `count` entries pending for at least min_idle
  // (any consumer's), with their delivery counts (XPENDING after the claim).
  Result<std::vector<Delivery>> claim_stale(std::chrono::milliseconds min_idle, int count);
  // Entries pending in the group (delivered, not acked).
  Result<std::size_t> pending();

  const std::string& stream() const { return stream_; }
  const std::string& group() const { return group_; }
  const std::string& consumer() const { return consumer_; }

 private:
  std::shared_ptr<Connection> conn_;
  std::string stream_;
  std::string group_;
  std::string consumer_;
  StreamQueueOptions options_;
};

}  // namespace nextra::redis
