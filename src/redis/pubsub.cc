#include "redis/pubsub.h"

#include <hiredis/hiredis.h>
#include <poll.h>

#include <cerrno>

#include "core/thread_name.h"

namespace nextra::redis {

Status publish_log(Connection& connection, const std::string& channel, const std::string& stream_key,
                   const std::string& line, std::size_t max_len) {
  NEXTRA_ASSIGN_OR_RETURN(
      std::vector<Reply> replies,
      connection.pipeline({{"MULTI"},
                           {"PUBLISH", channel, line},
                           {"XADD", stream_key, "MAXLEN", "~", std::to_string(max_len), "*", "line", line},
                           {"EXEC"}}));
  for (const auto& r : replies) {
    if (r.is_error()) return error_from_reply(r.str);
  }
  const Reply& exec = replies.back();
  if (!exec.is_array()) return Error::make(ErrorCode::Conflict, "redis: publish_log transaction aborted");
  for (const auto& r : exec.elements) {
    if (r.is_error()) return error_from_reply(r.str);
  }
  return {};
}

Result<std::vector<LogEntry>> replay(Connection& connection, const std::string& stream_key, const std::string& after_id,
                                     std::size_t count) {
  std::vector<LogEntry> out;
  if (count == 0) return out;
  const std::string start = after_id.empty() ? "-" : "(" + after_id;
  NEXTRA_ASSIGN_OR_RETURN(Reply r, connection.command({"XRANGE", stream_key, start, "+", "COUNT", std::to_string(count)}));
  if (!r.is_array()) return Error::make(ErrorCode::Internal, "redis: unexpected XRANGE reply");
  out.reserve(r.elements.size());
  for (const auto& entry : r.elements) {
    if (!entry.is_array() || entry.elements.size() != 2) continue;
    LogEntry e{entry.elements[0].str, {}};
    const auto& fields = entry.elements[1].elements;
    for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
      if (fields[i].str == "line") e.line = fields[i + 1].str;
    }
    out.push_back(std::move(e));
  }
  return out;
}

Subscriber::Subscriber(Endpoint endpoint, std::vector<std::string> channels, Callback callback)
    : endpoint_(std::move(endpoint)), channels_(std::move(channels)), callback_(std::move(callback)) {}

Result<std::unique_ptr<Subscriber>> Subscriber::start(const Endpoint& endpoint, std::vector<std::string> channels,
                                                      Callback callback) {
  if (channels.empty()) return Error::invalid("subscriber needs at least one channel");
  std::unique_ptr<Subscriber> s(new Subscriber(endpoint, std::move(channels), std::move(callback)));
  NEXTRA_TRY(s->subscribe());
  s->thread_ = std::thread([raw = s.get()] {
    name_this_thread("redis-pubsub");
    raw->run();
  });
  return s;
}

Result<std::unique_ptr<Subscriber>> Subscriber::start(const std::string& url, std::vector<std::string> channels,
                                                      Callback callback) {
  NEXTRA_ASSIGN_OR_RETURN(Endpoint e, parse_url(url));
  return start(e, std::move(channels), std::move(callback));
}

Subscriber::~Subscriber() {
  stop();
  if (ctx_ != nullptr) redisFree(ctx_);
}

void Subscriber::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

Status Subscriber::subscribe() {
  NEXTRA_ASSIGN_OR_RETURN(ctx_, open_context(endpoint_));
  std::vector<const char*> argv = {"SUBSCRIBE"};
  std::vector<size_t> lens = {9};
  for (const auto& c : channels_) {
    argv.push_back(c.data());
    lens.push_back(c.size());
  }
  Status status;
  if (redisAppendCommandArgv(ctx_, static_cast<int>(argv.size()), argv.data(), lens.data()) != REDIS_OK) {
    status = Error::make(ErrorCode::Internal, "redis: cannot buffer SUBSCRIBE");
  }
  // One confirmation per channel.
  for (std::size_t i = 0; status.ok() && i < channels_.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(ctx_, &raw) != REDIS_OK || raw == nullptr) {
      status = Error::make(ErrorCode::Unavailable, std::string("redis SUBSCRIBE: ") + ctx_->errstr);
      break;
    }
    Reply r = reply_from_hiredis(raw);
    freeReplyObject(raw);
    if (r.is_error()) status = error_from_reply(r.str);
  }
  if (!status.ok()) {
    redisFree(ctx_);
    ctx_ = nullptr;
  }
  return status;
}

void Subscriber::run() {
  while (!stopping_) {
    if (ctx_ == nullptr) {
      // Reconnect with a short pause, watching for stop().
      for (int i = 0; i < 2 && !stopping_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (stopping_) break;
      if (subscribe().ok()) ++reconnects_;
      continue;
    }
    void* raw = nullptr;
    if (redisGetReplyFromReader(ctx_, &raw) != REDIS_OK) {
      redisFree(ctx_);
      ctx_ = nullptr;
      continue;
    }
    if (raw != nullptr) {
      Reply r = reply_from_hiredis(raw);
      freeReplyObject(raw);
      // ["message", channel, payload]; subscribe confirmations are ignored.
      if (r.is_array() && r.elements.size() == 3 && r.elements[0].str == "message") {
        callback_(r.elements[1].str, r.elements[2].str);
      }
      continue;
    }
    pollfd pfd{ctx_->fd, POLLIN, 0};
    const int n = ::poll(&pfd, 1, 100);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) continue;
    if (n < 0 || redisBufferRead(ctx_) != REDIS_OK) {
      redisFree(ctx_);
      ctx_ = nullptr;
    }
  }
}

}  // namespace nextra::redis
