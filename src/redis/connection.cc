#include "redis/connection.h"

#include <hiredis/hiredis.h>
#include <signal.h>
#include <sys/time.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <mutex>

namespace nextra::redis {
namespace {

timeval to_timeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<decltype(tv.tv_sec)>(ms.count() / 1000);
  tv.tv_usec = static_cast<decltype(tv.tv_usec)>((ms.count() % 1000) * 1000);
  return tv;
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

bool idempotent_command(const std::string& name) {
  static const char* const kIdempotent[] = {
      "GET",    "MGET",    "EXISTS",  "TYPE",    "TTL",      "PTTL",     "STRLEN",  "LLEN",   "LRANGE",
      "LINDEX", "HGET",    "HGETALL", "HMGET",   "HLEN",     "HEXISTS",  "SCARD",   "SMEMBERS", "SISMEMBER",
      "ZCARD",  "ZRANGE",  "ZSCORE",  "ZRANK",   "ZRANGEBYSCORE", "SCAN", "HSCAN", "SSCAN",  "ZSCAN",
      "KEYS",   "DBSIZE",  "PING",    "ECHO",    "INFO",     "XRANGE",   "XREVRANGE", "XLEN", "XPENDING",
      "XINFO",  "SET",     "MSET",    "DEL",     "UNLINK",   "EXPIRE",   "PEXPIRE", "EXPIREAT", "PERSIST",
      "HSET",   "HMSET",   "HDEL",    "SADD",    "SREM",     "ZADD",     "ZREM",    "XACK",   "XGROUP",
      "SELECT", "CONFIG",  "FLUSHDB",
  };
  const std::string u = upper(name);
  return std::any_of(std::begin(kIdempotent), std::end(kIdempotent), [&](const char* c) { return u == c; });
}

struct Argv {
  std::vector<const char*> ptrs;
  std::vector<size_t> lens;
  explicit Argv(const std::vector<std::string>& argv) {
    ptrs.reserve(argv.size());
    lens.reserve(argv.size());
    for (const auto& a : argv) {
      ptrs.push_back(a.data());
      lens.push_back(a.size());
    }
  }
};

// What went wrong with a context whose err is set.
struct Failure {
  bool timeout = false;
  std::string message;
};

Failure failure_of(const redisContext* c, int saved_errno) {
  Failure f;
  f.message = c->errstr[0] != '\0' ? c->errstr : "connection error";
  f.timeout = c->err == REDIS_ERR_IO && (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK ||
                                         std::strstr(c->errstr, "temporarily unavailable") != nullptr);
  return f;
}

}  // namespace

Reply reply_from_hiredis(const void* raw) {
  const auto* r = static_cast<const redisReply*>(raw);
  Reply out;
  if (r == nullptr) return out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = Reply::Type::String;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = Reply::Type::Status;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = Reply::Type::Error;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::Integer;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::Array;
      out.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(reply_from_hiredis(r->element[i]));
      break;
    default:
      out.type = Reply::Type::Nil;
  }
  return out;
}

Error error_from_reply(const std::string& message) {
  auto starts = [&](const char* p) { return message.rfind(p, 0) == 0; };
  ErrorCode code = ErrorCode::Internal;
  if (starts("NOGROUP") || starts("NOSCRIPT")) {
    code = ErrorCode::NotFound;
  } else if (starts("BUSYGROUP")) {
    code = ErrorCode::AlreadyExists;
  } else if (starts("WRONGTYPE")) {
    code = ErrorCode::Conflict;
  } else if (starts("LOADING") || starts("BUSY") || starts("MASTERDOWN") || starts("TRYAGAIN")) {
    code = ErrorCode::Unavailable;
  }
  return Error::make(code, "redis: " + message);
}

Result<Endpoint> parse_url(const std::string& url) {
  const std::string scheme = "redis://";
  if (url.rfind(scheme, 0) != 0) return Error::invalid("redis url must start with redis://: " + url);
  std::string rest = url.substr(scheme.size());
  Endpoint e;
  auto slash = rest.find('/');
  if (slash != std::string::npos) {
    std::string db = rest.substr(slash + 1);
    rest.resize(slash);
    if (!db.empty()) {
      auto [p, ec] = std::from_chars(db.data(), db.data() + db.size(), e.db);
      if (ec != std::errc() || p != db.data() + db.size() || e.db < 0) {
        return Error::invalid("bad database number in redis url: " + url);
      }
    }
  }
  auto colon = rest.rfind(':');
  if (colon != std::string::npos) {
    std::string port = rest.substr(colon + 1);
    rest.resize(colon);
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), e.port);
    if (ec != std::errc() || p != port.data() + port.size() || e.port <= 0 || e.port > 65535) {
      return Error::invalid("bad port in redis url: " + url);
    }
  }
  if (rest.empty()) return Error::invalid("missing host in redis url: " + url);
  e.host = rest;
  return e;
}

Result<redisContext*> open_context(const Endpoint& endpoint) {
  // hiredis writes with write(2): a write to a connection the server has closed would raise
  // SIGPIPE and kill the process. Ignore it (once, only if nobody installed a handler).
  static std::once_flag sigpipe_once;
  std::call_once(sigpipe_once, [] {
    struct sigaction old {};
    if (::sigaction(SIGPIPE, nullptr, &old) == 0 && old.sa_handler == SIG_DFL) ::signal(SIGPIPE, SIG_IGN);
  });
  redisContext* c = redisConnectWithTimeout(endpoint.host.c_str(), endpoint.port, to_timeval(endpoint.connect_timeout));
  const std::string where = endpoint.host + ":" + std::to_string(endpoint.port);
  if (c == nullptr) return Error::make(ErrorCode::Unavailable, "redis connect to " + where + ": out of memory");
  if (c->err != 0) {
    std::string msg = c->errstr;
    redisFree(c);
    return Error::make(ErrorCode::Unavailable, "redis connect to " + where + ": " + msg);
  }
  redisSetTimeout(c, to_timeval(endpoint.command_timeout));
  redisEnableKeepAlive(c);
  if (endpoint.db != 0) {
    const std::string db = std::to_string(endpoint.db);
    auto* r = static_cast<redisReply*>(redisCommand(c, "SELECT %s", db.c_str()));
    const bool ok = r != nullptr && r->type != REDIS_REPLY_ERROR;
    std::string msg = r == nullptr ? std::string(c->errstr) : (r->type == REDIS_REPLY_ERROR ? std::string(r->str, r->len) : "");
    if (r != nullptr) freeReplyObject(r);
    if (!ok) {
      redisFree(c);
      return Error::make(ErrorCode::Unavailable, "redis SELECT " + db + " on " + where + ": " + msg);
    }
  }
  return c;
}

Result<std::unique_ptr<Connection>> Connection::open(Endpoint endpoint) {
  std::unique_ptr<Connection> conn(new Connection(std::move(endpoint)));
  std::lock_guard lock(conn->mu_);
  NEXTRA_TRY(conn->ensure_connected_locked());
  return conn;
}

Connection::~Connection() {
  std::lock_guard lock(mu_);
  drop_locked();
}

std::uint64_t Connection::reconnects() const {
  std::lock_guard lock(mu_);
  return reconnects_;
}

void Connection::drop_locked() {
  if (ctx_ != nullptr) redisFree(ctx_);
  ctx_ = nullptr;
}

Status Connection::ensure_connected_locked() {
  if (ctx_ != nullptr) return {};
  NEXTRA_ASSIGN_OR_RETURN(ctx_, open_context(endpoint_));
  if (ever_connected_) ++reconnects_;
  ever_connected_ = true;
  return {};
}

Result<Reply> Connection::run_once_locked(const std::vector<std::string>& argv, bool* broken) {
  *broken = false;
  Argv a(argv);
  errno = 0;
  void* raw = redisCommandArgv(ctx_, static_cast<int>(a.ptrs.size()), a.ptrs.data(), a.lens.data());
  const int saved_errno = errno;
  if (raw == nullptr) {
    Failure f = failure_of(ctx_, saved_errno);
    drop_locked();
    if (f.timeout) return Error::make(ErrorCode::DeadlineExceeded, "redis " + argv[0] + ": timed out");
    *broken = true;
    return Error::make(ErrorCode::Unavailable, "redis " + argv[0] + ": " + f.message);
  }
  Reply reply = reply_from_hiredis(raw);
  freeReplyObject(raw);
  if (reply.is_error()) return error_from_reply(reply.str);
  return reply;
}

Result<Reply> Connection::command(std::vector<std::string> argv, Retry retry) {
  if (argv.empty()) return Error::invalid("redis: empty command");
  const bool idempotent = retry == Retry::Idempotent || (retry == Retry::Auto && idempotent_command(argv[0]));
  std::lock_guard lock(mu_);
  NEXTRA_TRY(ensure_connected_locked());
  bool broken = false;
  auto first = run_once_locked(argv, &broken);
  if (!broken) return first;
  // The connection dropped under us: reconnect once.
  auto reconnected = ensure_connected_locked();
  if (!reconnected.ok()) return reconnected.take_error();
  if (!idempotent) {
    return Error::make(ErrorCode::Unavailable,
                       "redis " + argv[0] + ": connection lost, not retried (it may have run): " + first.error().message);
  }
  return run_once_locked(argv, &broken);
}

Result<Reply> Connection::blocking_command(std::vector<std::string> argv, std::chrono::milliseconds block) {
  if (argv.empty()) return Error::invalid("redis: empty command");
  std::lock_guard lock(mu_);
  NEXTRA_TRY(ensure_connected_locked());
  redisSetTimeout(ctx_, to_timeval(block + endpoint_.command_timeout));
  bool broken = false;
  auto r = run_once_locked(argv, &broken);
  if (ctx_ != nullptr) redisSetTimeout(ctx_, to_timeval(endpoint_.command_timeout));
  return r;
}

Result<std::vector<Reply>> Connection::pipeline(const std::vector<std::vector<std::string>>& commands) {
  std::lock_guard lock(mu_);
  NEXTRA_TRY(ensure_connected_locked());
  for (const auto& argv : commands) {
    Argv a(argv);
    if (redisAppendCommandArgv(ctx_, static_cast<int>(a.ptrs.size()), a.ptrs.data(), a.lens.data()) != REDIS_OK) {
      drop_locked();
      return Error::make(ErrorCode::Internal, "redis: cannot buffer pipeline command");
    }
  }
  std::vector<Reply> out;
  out.reserve(commands.size());
  for (std::size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    errno = 0;
    const int rc = redisGetReply(ctx_, &raw);
    const int saved_errno = errno;
    if (rc != REDIS_OK || raw == nullptr) {
      Failure f = failure_of(ctx_, saved_errno);
      drop_locked();
      return Error::make(f.timeout ? ErrorCode::DeadlineExceeded : ErrorCode::Unavailable,
                         "redis pipeline: " + (f.timeout ? std::string("timed out") : f.message));
    }
    out.push_back(reply_from_hiredis(raw));
    freeReplyObject(raw);
  }
  return out;
}

Result<std::unique_ptr<Connection>> connect(const std::string& url) {
  NEXTRA_ASSIGN_OR_RETURN(Endpoint e, parse_url(url));
  return Connection::open(std::move(e));
}

}  // namespace nextra::redis
