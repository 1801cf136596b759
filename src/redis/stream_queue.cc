#include "redis/stream_queue.h"

#include <unordered_map>

namespace nextra::redis {
namespace {

constexpr const char* kPayloadField = "p";

// One entry [id, [field, value, ...]] -> Delivery; false for a deleted entry (nil fields).
bool to_delivery(const Reply& entry, Delivery& out) {
  if (!entry.is_array() || entry.elements.size() != 2 || !entry.elements[1].is_array()) return false;
  out.id = entry.elements[0].str;
  const auto& fields = entry.elements[1].elements;
  for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
    if (fields[i].str == kPayloadField) out.payload = fields[i + 1].str;
  }
  return true;
}

Error unexpected(const char* what) { return Error::make(ErrorCode::Internal, std::string("redis: unexpected ") + what + " reply"); }

}  // namespace

StreamQueue::StreamQueue(std::shared_ptr<Connection> connection, std::string stream, std::string group,
                         std::string consumer, StreamQueueOptions options)
    : conn_(std::move(connection)),
      stream_(std::move(stream)),
      group_(std::move(group)),
      consumer_(std::move(consumer)),
      options_(options) {}

Status StreamQueue::ensure_group() {
  auto r = conn_->command({"XGROUP", "CREATE", stream_, group_, "0", "MKSTREAM"});
  if (!r.ok() && r.error().code != ErrorCode::AlreadyExists) return r.take_error();
  return {};
}

Result<std::string> StreamQueue::add(const std::string& payload) {
  NEXTRA_ASSIGN_OR_RETURN(Reply r, conn_->command({"XADD", stream_, "MAXLEN", "~", std::to_string(options_.max_len),
                                                   "*", kPayloadField, payload}));
  if (!r.is_string()) return unexpected("XADD");
  return r.str;
}

Result<std::vector<Delivery>> StreamQueue::read(int count, std::chrono::milliseconds block) {
  std::vector<std::string> argv = {"XREADGROUP", "GROUP", group_, consumer_, "COUNT", std::to_string(count > 0 ? count : 1)};
  if (block.count() > 0) {
    argv.push_back("BLOCK");
    argv.push_back(std::to_string(block.count()));
  }
  argv.insert(argv.end(), {"STREAMS", stream_, ">"});
  auto r = block.count() > 0 ? conn_->blocking_command(std::move(argv), block) : conn_->command(std::move(argv));
  if (!r.ok()) return r.take_error();
  std::vector<Delivery> out;
  if (r->is_nil()) return out;  // timed out
  if (!r->is_array()) return unexpected("XREADGROUP");
  for (const auto& per_stream : r->elements) {  // [[stream, [entries...]]]
    if (!per_stream.is_array() || per_stream.elements.size() != 2) return unexpected("XREADGROUP");
    for (const auto& entry : per_stream.elements[1].elements) {
      Delivery d;
      if (to_delivery(entry, d)) out.push_back(std::move(d));
    }
  }
  return out;
}

Status StreamQueue::ack(const std::string& id) {
  NEXTRA_TRY(conn_->command({"XACK", stream_, group_, id}));
  return {};
}

Result<std::vector<Delivery>> StreamQueue::claim_stale(std::chrono::milliseconds min_idle, int count) {
  std::vector<Delivery> out;
  if (count <= 0) return out;
  std::string cursor = "0-0";
  // XAUTOCLAIM scans a bounded part of the pending list per call: follow the cursor.
  for (int round = 0; round < 64 && static_cast<int>(out.size()) < count; ++round) {
    NEXTRA_ASSIGN_OR_RETURN(
        Reply r, conn_->command({"XAUTOCLAIM", stream_, group_, consumer_, std::to_string(min_idle.count()), cursor,
                                 "COUNT", std::to_string(count - static_cast<int>(out.size()))}));
    if (!r.is_array() || r.elements.size() < 2 || !r.elements[1].is_array()) return unexpected("XAUTOCLAIM");
    for (const auto& entry : r.elements[1].elements) {
      Delivery d;
      if (to_delivery(entry, d)) out.push_back(std::move(d));  // trimmed entries are dropped
    }
    cursor = r.elements[0].str;
    if (cursor == "0-0") break;
  }
  if (out.empty()) return out;
  // Delivery counts: one XPENDING per claimed id, in one round trip.
  std::vector<std::vector<std::string>> queries;
  queries.reserve(out.size());
  for (const auto& d : out) queries.push_back({"XPENDING", stream_, group_, d.id, d.id, "1"});
  NEXTRA_ASSIGN_OR_RETURN(std::vector<Reply> replies, conn_->pipeline(queries));
  for (std::size_t i = 0; i < out.size() && i < replies.size(); ++i) {
    // [[id, consumer, idle_ms, delivery_count]]
    const Reply& rep = replies[i];
    if (rep.is_array() && !rep.elements.empty() && rep.elements[0].is_array() && rep.elements[0].elements.size() == 4) {
      out[i].delivery_count = rep.elements[0].elements[3].integer;
    }
  }
  return out;
}

Result<std::size_t> StreamQueue::pending() {
  NEXTRA_ASSIGN_OR_RETURN(Reply r, conn_->command({"XPENDING", stream_, group_}));
  if (!r.is_array() || r.elements.empty() || !r.elements[0].is_integer()) return unexpected("XPENDING");
  return static_cast<std::size_t>(r.elements[0].integer);
}

}  // namespace nextra::redis
