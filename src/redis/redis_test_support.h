#pragma once
// Test-only: one throw-away redis-server per test process (stopped at exit), unique names.

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <string>

#include "redis/connection.h"
#include "redis/redis_fixture.h"

namespace nextra::redis::testing {

// The shared server, or null with `skip` set (redis-server missing or not starting).
inline RedisServer* shared_server(std::string* skip) {
  static std::unique_ptr<RedisServer> server;
  static Error error;
  static bool tried = false;
  if (!tried) {
    tried = true;
    auto started = RedisServer::start();
    if (started.ok()) {
      server = std::move(started).value();
    } else {
      error = started.error();
    }
  }
  if (!server) *skip = error.message;
  return server.get();
}

inline std::string unique_name(const std::string& base) {
  static std::atomic<int> counter{0};
  return base + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

inline std::shared_ptr<Connection> must_connect(const std::string& url) {
  auto c = connect(url);
  if (!c.ok()) {
    ADD_FAILURE() << c.error().message;
    return nullptr;
  }
  return std::shared_ptr<Connection>(std::move(c).value());
}

}  // namespace nextra::redis::testing

// Binds `server` (RedisServer*) or skips the test.
#define NEXTRA_REDIS_SERVER_OR_SKIP(server)                            \
  std::string nextra_skip_reason_;                                     \
  RedisServer* server = ::nextra::redis::testing::shared_server(&nextra_skip_reason_); \
  if (server == nullptr) GTEST_SKIP() << "redis: " << nextra_skip_reason_
