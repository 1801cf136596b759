#include "redis/connection.h"

#include <gtest/gtest.h>

#include <thread>

#include "redis/redis_test_support.h"

namespace nextra::redis {
namespace {

using testing::must_connect;
using testing::unique_name;

TEST(RedisUrl, Parses) {
  auto e = parse_url("redis://example.org:6380/2");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->host, "example.org");
  EXPECT_EQ(e->port, 6380);
  EXPECT_EQ(e->db, 2);
  auto d = parse_url("redis://localhost");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->port, 6379);
  EXPECT_EQ(d->db, 0);
  EXPECT_FALSE(parse_url("http://x:1").ok());
  EXPECT_FALSE(parse_url("redis://x:notaport").ok());
  EXPECT_FALSE(parse_url("redis://x:1/db").ok());
  EXPECT_FALSE(parse_url("redis://:1").ok());
}

TEST(RedisConnection, UnreachableServerIsUnavailable) {
  NEXTRA_REDIS_SERVER_OR_SKIP(server);
  auto c = connect("redis://127.0.0.1:1");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, ErrorCode::Unavailable);
}

TEST(RedisConnection, BinarySafeRoundTripAndReplyTypes) {
  NEXTRA_REDIS_SERVER_OR_SKIP(server);
  auto c = must_connect(server->url());
  ASSERT_TRUE(c);
  const std::string key = unique_name("bin");
  const std::string value("a\0b\r\n c", 7);
  auto set = c->command({"SET", key, value});
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_TRUE(set->is_status());
  EXPECT_EQ(set->str, "OK");
  auto get = c->command({"GET", key});
  ASSERT_TRUE(get.ok());
  EXPECT_TRUE(get->is_string());
  EXPECT_EQ(get->str, value);
  auto missing = c->command({"GET", key + "-missing"});
  ASSERT_TRUE(missing.ok());
  EXPECT_TRUE(missing->is_nil());
  auto n = c->command({"RPUSH", key + "-list", "x", "y"});
  ASSERT_TRUE(n.ok());
  EXPECT_TRUE(n->is_integer());
  EXPECT_EQ(n->integer, 2);
  auto list = c->command({"LRANGE", key + "-list", "0", "-1"});
  ASSERT_TRUE(list.ok());
  ASSERT_TRUE(list->is_array());
  ASSERT_EQ(list->elements.size(), 2u);
  EXPECT_EQ(list->elements[1].str, "y");
  auto wrong = c->command({"LLEN", key});
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::Conflict);  // WRONGTYPE
}

TEST(RedisConnection, SelectsDatabaseFromUrl) {
  NEXTRA_REDIS_SERVER_OR_SKIP(server);
  auto db0 = must_connect(server->url());
  auto db3 = must_connect(server->url() + "/3");
  ASSERT_TRUE(db0 && db3);
  const std::string key = unique_name("db");
  ASSERT_TRUE(db3->command({"SET", key, "3"}).ok());
  EXPECT_TRUE(db0->command({"GET", key})->is_nil());
  EXPECT_EQ(db3->command({"GET", key})->str, "3");
}

TEST(RedisConnection, PipelineRunsMultiExecTogether) {
  NEXTRA_REDIS_SERVER_OR_SKIP(server);
  auto c = must_connect(server->url());
  ASSERT_TRUE(c);
  const std::string key = unique_name("tx");
  auto r = c->pipeline({{"MULTI"}, {"INCR", key}, {"INCR", key}, {"EXEC"}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 4u);
  ASSERT_TRUE(r->back().is_array());
  EXPECT_EQ(r->back().elements[1].integer, 2);
}

TEST(RedisConnection, ConcurrentCommandsAreSerialised) {
  NEXTRA_REDIS_SERVER_OR_SKIP(server);
  auto c = must_connect(server->url());
  ASSERT_TRUE(c);
  const std::string key = unique_name("counter");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) EXPECT_TRUE(c->command({"INCR", key}).ok());
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c->command({"GET", key})->str, "800");
}

TEST(RedisConnection, CommandTimeoutIsDeadlineExceededAndRecovers) {
  NEXTRA_REDIS_SERVER_OR_SKIP(server);
  auto e = parse_url(server->url());
  ASSERT_TRUE(e.ok());
  e->command_timeout = std::chrono::milliseconds(100);
  auto c = Connection::open(*e);
  ASSERT_TRUE(c.ok());
  auto r = (*c)->command({"BLPOP", unique_name("empty"), "1"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::DeadlineExceeded);
  EXPECT_TRUE((*c)->command({"PING"}).ok());  // reconnected
  // A blocking command gets block + command_timeout.
  auto b = (*c)->blocking_command({"BLPOP", unique_name("empty"), "0.2"}, std::chrono::milliseconds(200));
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_TRUE(b->is_nil());
}

TEST(RedisConnection, ReconnectsAfterServerRestart) {
  auto started = RedisServer::start();
  if (!started.ok()) GTEST_SKIP() << started.error().message;
  auto& server = *started;
  auto c = must_connect(server->url());
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->command({"SET", "k", "v"}).ok());

  // Idempotent: reconnects and retries transparently (the data is gone: no persistence).
  ASSERT_TRUE(server->restart().ok());
  auto get = c->command({"GET", "k"});
  ASSERT_TRUE(get.ok()) << get.error().message;
  EXPECT_TRUE(get->is_nil());
  EXPECT_EQ(c->reconnects(), 1u);

  // Not idempotent: Unavailable, and the next command works on the new connection.
  ASSERT_TRUE(server->restart().ok());
  auto incr = c->command({"INCR", "n"});
  ASSERT_FALSE(incr.ok());
  EXPECT_EQ(incr.error().code, ErrorCode::Unavailable);
  auto again = c->command({"INCR", "n"});
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(c->reconnects(), 2u);

  // Server down: Unavailable, then back.
  server->stop();
  auto down = c->command({"GET", "k"});
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.error().code, ErrorCode::Unavailable);
  ASSERT_TRUE(server->restart().ok());
  EXPECT_TRUE(c->command({"PING"}).ok());
}

}  // namespace
}  // namespace nextra::redis
