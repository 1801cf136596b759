#pragma once
// A synchronous, thread-safe Redis connection on hiredis (0.14). One mutex serialises the
// commands of every thread that shares it, so a Connection suits short commands
// (backends, queue writers, publishers). A blocking read (XREADGROUP ... BLOCK, SUBSCRIBE)
// holds it for the whole wait: give every blocking reader its own Connection.
//
// Failure handling: a command that fails because the connection is broken (I/O error, EOF,
// the server restarted) drops the context, reconnects once and, if the command is
// idempotent, retries it once. A non-idempotent command (RPUSH, INCR, XADD, EVAL, ...)
// is not retried, because it may already have run: it returns Unavailable and the next
// command reconnects. A command timeout returns DeadlineExceeded (the context is dropped:
// hiredis cannot resync after a partial read). Error replies from the server become
// errors: NOGROUP/NOSCRIPT -> NotFound, BUSYGROUP -> AlreadyExists, WRONGTYPE -> Conflict,
// LOADING/BUSY/MASTERDOWN/TRYAGAIN -> Unavailable, anything else -> Internal.

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/result.h"

struct redisContext;

namespace nextra::redis {

// An owned copy of a hiredis reply.
struct Reply {
  enum class Type { Nil, String, Integer, Array, Status, Error };
  Type type = Type::Nil;
  std::string str;            // String, Status and Error
  std::int64_t integer = 0;   // Integer
  std::vector<Reply> elements;  // Array

  bool is_nil() const { return type == Type::Nil; }
  bool is_string() const { return type == Type::String; }
  bool is_integer() const { return type == Type::Integer; }
  bool is_array() const { return type == Type::Array; }
  bool is_status() const { return type == Type::Status; }
  bool is_error() const { return type == Type::Error; }
};

// Converts a hiredis redisReply* (passed as void*) into a Reply. Does not free it.
Reply reply_from_hiredis(const void* redis_reply);
// The Error for a server error reply (the mapping described above).
Error error_from_reply(const std::string& message);

struct Endpoint {
  std::string host = "127.0.0.1";
  int port = 6379;
  int db = 0;
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds command_timeout{5000};
};

// "redis://host:port[/db]" (port defaults to 6379). InvalidArgument otherwise.
Result<Endpoint> parse_url(const std::string& url);

// Opens a raw hiredis context to `endpoint` with its timeouts set and SELECT db done.
// Unavailable on failure. The caller owns the context (redisFree). The first call sets
// SIGPIPE to SIG_IGN if it still has the default disposition (hiredis uses write(2)).
Result<redisContext*> open_context(const Endpoint& endpoint);

enum class Retry { Auto, Idempotent, Once };

class Connection {
 public:
  // Connects now: Unavailable if the server cannot be reached.
  static Result<std::unique_ptr<Connection>> open(Endpoint endpoint);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one command (binary-safe argv). Retry::Auto classifies by command name (reads,
  // SET/DEL/EXPIRE-like writes, XACK, XGROUP, PING are idempotent; the rest are not).
  Result<Reply> command(std::vector<std::string> argv, Retry retry = Retry::Auto);

  // A command that may block on the server for up to `block` (XREADGROUP BLOCK): the read
  // timeout for this call is block + command_timeout. Never retried.
  Result<Reply> blocking_command(std::vector<std::string> argv, std::chrono::milliseconds block);

  // Sends every command in one round trip and returns their replies in order, with no
  // other thread's commands in between (use for MULTI ... EXEC). Error replies stay in the
  // vector as Reply::Type::Error. Never retried (Unavailable if the connection drops).
  Result<std::vector<Reply>> pipeline(const std::vector<std::vector<std::string>>& commands);

  const Endpoint& endpoint() const { return endpoint_; }
  // How many times the connection was re-established (for tests and metrics).
  std::uint64_t reconnects() const;

 private:
  explicit Connection(Endpoint endpoint) : endpoint_(std::move(endpoint)) {}
  Status ensure_connected_locked();
  void drop_locked();
  Result<Reply> run_once_locked(const std::vector<std::string>& argv, bool* broken);

  const Endpoint endpoint_;
  mutable std::mutex mu_;
  redisContext* ctx_ = nullptr;  // guarded by mu_; null = reconnect before the next command
  std::uint64_t reconnects_ = 0;  // guarded by mu_
  bool ever_connected_ = false;   // guarded by mu_
};

// parse_url + Connection::open.
Result<std::unique_ptr<Connection>> connect(const std::string& url);

}  // namespace nextra::redis
