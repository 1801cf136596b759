#pragma once
// Test support: a throw-away redis-server from Debian's packages on loopback, with its
// files in a temporary directory, no persistence (--save '' --appendonly no). Not linked
// into production code. Start takes a few milliseconds; a test binary may share one server
// and give each test its own key prefix. restart() stops the server and starts a fresh,
// empty one on the same port (for reconnect and redelivery tests).

#include <memory>
#include <string>

#include "core/result.h"

namespace nextra::redis {

class RedisServer {
 public:
  // NotFound if redis-server is not installed (the caller skips with GTEST_SKIP);
  // Unavailable if it would not start or answer PING (the log is in the message).
  static Result<std::unique_ptr<RedisServer>> start();

  // Stops the server and removes its directory.
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  // SHUTDOWN NOSAVE (kill of the pid as a fallback), then waits for the process to exit.
  void stop();
  // stop() + start on the same port. Data is lost (no persistence).
  Status restart();

  int port() const { return port_; }
  bool running() const { return running_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

 private:
  RedisServer() = default;
  Status launch();

  std::string bin_;
  std::string dir_;
  int port_ = 0;
  bool running_ = false;
};

}  // namespace nextra::redis
