#include "redis/pubsub.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "redis/redis_test_support.h"

namespace nextra::redis {
namespace {

using namespace std::chrono_literals;
using testing::must_connect;
using testing::unique_name;

// Collects messages; wait_for(n) waits up to 5 s for n of them.
struct Inbox {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::pair<std::string, std::string>> messages;
  Subscriber::Callback callback() {
    return [this](const std::string& channel, const std::string& message) {
      std::lock_guard lock(mu);
      messages.emplace_back(channel, message);
      cv.notify_all();
    };
  }
  bool wait_for(std::size_t n) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, 5s, [&] { return messages.size() >= n; });
  }
};

TEST(LiveLogs, PublishedLinesReachTheSubscriberInOrder) {
  NEXTRA_REDIS_SERVER_OR_SKIP(server);
  auto conn = must_connect(server->url());
  ASSERT_TRUE(conn);
  const std::string channel = unique_name("logs");
  const std::string stream = channel + ":stream";
  Inbox inbox;
  auto sub = Subscriber::start(server->url(), {channel}, inbox.callback());
  ASSERT_TRUE(sub.ok()) << sub.error().message;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(publish_log(*conn, channel, stream, "line " + std::to_string(i), 100).ok());
  ASSERT_TRUE(inbox.wait_for(3));
  (*sub)->stop();
  (*sub)->stop();  // idempotent
  std::lock_guard lock(inbox.mu);
  ASSERT_EQ(inbox.messages.size(), 3u);
  EXPECT_EQ(inbox.messages[0], std::make_pair(channel, std::string("line 0")));
  EXPECT_EQ(inbox.messages[2].second, "line 2");
  // The same lines are in the stream.
  auto all = replay(*conn, stream, "", 100);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 3u);
}

TEST(LiveLogs, ReplayAfterAnIdReturnsOnlyLaterEntries) {
  NEXTRA_REDIS_SERVER_OR_SKIP(server);
  auto conn = must_connect(server->url());
  ASSERT_TRUE(conn);
  const std::string stream = unique_name("logs") + ":stream";
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(publish_log(*conn, "nobody", stream, "l" + std::to_string(i), 100).ok());
  auto all = replay(*conn, stream, "", 100);
  ASSERT_TRUE(all.ok()) << all.error().message;
  ASSERT_EQ(all->size(), 5u);
  EXPECT_EQ((*all)[0].line, "l0");
  auto later = replay(*conn, stream, (*all)[1].id, 100);
  ASSERT_TRUE(later.ok());
  ASSERT_EQ(later->size(), 3u);
  EXPECT_EQ((*later)[0].id, (*all)[2].id);
  EXPECT_EQ((*later)[0].line, "l2");
  EXPECT_EQ((*later)[2].line, "l4");
  auto limited = replay(*conn, stream, (*all)[0].id, 2);
  ASSERT_TRUE(limited.ok());
  ASSERT_EQ(limited->size(), 2u);
  EXPECT_EQ((*limited)[1].line, "l2");
  EXPECT_TRUE(replay(*conn, stream, (*all)[4].id, 100)->empty());
  EXPECT_TRUE(replay(*conn, unique_name("missing"), "", 100)->empty());
}

TEST(LiveLogs, StreamIsCapped) {
  NEXTRA_REDIS_SERVER_OR_SKIP(server);
  auto conn = must_connect(server->url());
  ASSERT_TRUE(conn);
  const std::string stream = unique_name("logs") + ":stream";
  for (int i = 0; i < 400; ++i) ASSERT_TRUE(publish_log(*conn, "nobody", stream, std::to_string(i), 20).ok());
  auto len = conn->command({"XLEN", stream});
  ASSERT_TRUE(len.ok());
  EXPECT_GE(len->integer, 20);
  EXPECT_LE(len->integer, 20 + 100);  // "~": whole nodes of stream-node-max-entries (100)
  // The newest lines survive.
  auto tail = conn->command({"XREVRANGE", stream, "+", "-", "COUNT", "1"});
  ASSERT_TRUE(tail.ok());
  ASSERT_EQ(tail->elements.size(), 1u);
  EXPECT_EQ(tail->elements[0].elements[1].elements[1].str, "399");
}

TEST(LiveLogs, SubscriberStartFailsWhenRedisIsDown) {
  auto sub = Subscriber::start("redis://127.0.0.1:1", {"c"}, [](const std::string&, const std::string&) {});
  ASSERT_FALSE(sub.ok());
  EXPECT_EQ(sub.error().code, ErrorCode::Unavailable);
}

TEST(LiveLogs, SubscriberResubscribesAfterServerRestart) {
  auto started = RedisServer::start();
  if (!started.ok()) GTEST_SKIP() << started.error().message;
  auto& server = *started;
  Inbox inbox;
  auto sub = Subscriber::start(server->url(), {"ch"}, inbox.callback());
  ASSERT_TRUE(sub.ok());
  ASSERT_TRUE(server->restart().ok());
  for (int i = 0; i < 100 && (*sub)->reconnects() == 0; ++i) std::this_thread::sleep_for(20ms);
  ASSERT_GE((*sub)->reconnects(), 1u);
  auto conn = must_connect(server->url());
  ASSERT_TRUE(conn);
  ASSERT_TRUE(publish_log(*conn, "ch", "s", "after restart", 10).ok());
  ASSERT_TRUE(inbox.wait_for(1));
  std::lock_guard lock(inbox.mu);
  EXPECT_EQ(inbox.messages[0].second, "after restart");
}

}  // namespace
}  // namespace nextra::redis
