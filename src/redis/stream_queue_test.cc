#include "redis/stream_queue.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "redis/redis_test_support.h"

namespace nextra::redis {
namespace {

using namespace std::chrono_literals;
using testing::must_connect;
using testing::unique_name;

TEST(StreamQueue, AddReadAck) {
  NEXTRA_REDIS_SERVER_OR_SKIP(server);
  auto conn = must_connect(server->url());
  ASSERT_TRUE(conn);
  StreamQueue q(conn, unique_name("triggers"), "pumps", "pump-1");
  ASSERT_TRUE(q.ensure_group().ok());
  ASSERT_TRUE(q.ensure_group().ok());  // idempotent
  auto id = q.add("<Trigger>1</Trigger>");
  ASSERT_TRUE(id.ok()) << id.error().message;
  auto got = q.read(10, 0ms);
  ASSERT_TRUE(got.ok()) << got.error().message;
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].id, *id);
  EXPECT_EQ((*got)[0].payload, "<Trigger>1</Trigger>");
  EXPECT_EQ((*got)[0].delivery_count, 1);
  EXPECT_EQ(*q.pending(), 1u);
  ASSERT_TRUE(q.ack(*id).ok());
  ASSERT_TRUE(q.ack(*id).ok());  // idempotent
  EXPECT_EQ(*q.pending(), 0u);
  EXPECT_TRUE(q.read(10, 0ms)->empty());
}

TEST(StreamQueue, EntriesAddedBeforeTheGroupAreDelivered) {
  NEXTRA_REDIS_SERVER_OR_SKIP(server);
  auto conn = must_connect(server->url());
  ASSERT_TRUE(conn);
  StreamQueue q(conn, unique_name("triggers"), "pumps", "pump-1");
  ASSERT_TRUE(q.add("early").ok());
  ASSERT_TRUE(q.ensure_group().ok());
  auto got = q.read(10, 0ms);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].payload, "early");
}

TEST(StreamQueue, ReadWithoutGroupIsNotFound) {
  NEXTRA_REDIS_SERVER_OR_SKIP(server);
  auto conn = must_connect(server->url());
  ASSERT_TRUE(conn);
  StreamQueue q(conn, unique_name("triggers"), "pumps", "pump-1");
  ASSERT_TRUE(q.add("x").ok());
  auto got = q.read(1, 0ms);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::NotFound);  // NOGROUP
}

TEST(StreamQueue, UnackedMessageIsRedeliveredToAnotherConsumerAfterCrash) {
  NEXTRA_REDIS_SERVER_OR_SKIP(server);
  const std::string stream = unique_name("triggers");
  auto writer = must_connect(server->url());
  ASSERT_TRUE(writer);
  StreamQueue producer(writer, stream, "pumps", "producer");
  ASSERT_TRUE(producer.ensure_group().ok());
  auto id = producer.add("run me");
  ASSERT_TRUE(id.ok());
  {
    // pump-a reads and "crashes" before recording the execution: no ack, connection gone.
    StreamQueue a(must_connect(server->url()), stream, "pumps", "pump-a");
    auto got = a.read(1, 0ms);
    ASSERT_TRUE(got.ok());
    ASSERT_EQ(got->size(), 1u);
  }
  StreamQueue b(must_connect(server->url()), stream, "pumps", "pump-b");
  EXPECT_TRUE(b.read(10, 0ms)->empty());  // not a new message any more
  auto early = b.claim_stale(5000ms, 10);
  ASSERT_TRUE(early.ok()) << early.error().message;
  EXPECT_TRUE(early->empty());  // not idle long enough
  std::this_thread::sleep_for(150ms);
  auto claimed = b.claim_stale(100ms, 10);
  ASSERT_TRUE(claimed.ok()) << claimed.error().message;
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ((*claimed)[0].id, *id);
  EXPECT_EQ((*claimed)[0].payload, "run me");
  EXPECT_EQ((*claimed)[0].delivery_count, 2);
  // Execution recorded: ack. It is never handed out again.
  ASSERT_TRUE(b.ack(*id).ok());
  std::this_thread::sleep_for(150ms);
  EXPECT_TRUE(b.claim_stale(100ms, 10)->empty());
  EXPECT_TRUE(b.read(10, 0ms)->empty());
  EXPECT_EQ(*b.pending(), 0u);
}

TEST(StreamQueue, DeliveryCountIncrementsWithEveryClaim) {
  NEXTRA_REDIS_SERVER_OR_SKIP(server);
  const std::string stream = unique_name("triggers");
  auto conn = must_connect(server->url());
  ASSERT_TRUE(conn);
  StreamQueue a(conn, stream, "pumps", "a");
  StreamQueue b(conn, stream, "pumps", "b");
  StreamQueue c(conn, stream, "pumps", "c");
  ASSERT_TRUE(a.ensure_group().ok());
  ASSERT_TRUE(a.add("m1").ok());
  ASSERT_TRUE(a.add("m2").ok());
  ASSERT_EQ(a.read(10, 0ms)->size(), 2u);
  std::this_thread::sleep_for(60ms);
  auto first = b.claim_stale(50ms, 10);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0].delivery_count, 2);
  EXPECT_EQ((*first)[1].delivery_count, 2);
  std::this_thread::sleep_for(60ms);
  auto second = c.claim_stale(50ms, 1);  // count limits the claim
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ((*second)[0].payload, "m1");
  EXPECT_EQ((*second)[0].delivery_count, 3);
}

TEST(StreamQueue, BlockingReadOnDedicatedConnectionWakesOnAdd) {
  NEXTRA_REDIS_SERVER_OR_SKIP(server);
  const std::string stream = unique_name("triggers");
  StreamQueue reader(must_connect(server->url()), stream, "pumps", "reader");
  StreamQueue writer(must_connect(server->url()), stream, "pumps", "writer");
  ASSERT_TRUE(reader.ensure_group().ok());
  // Times out empty.
  auto t0 = std::chrono::steady_clock::now();
  auto none = reader.read(1, 100ms);
  ASSERT_TRUE(none.ok()) << none.error().message;
  EXPECT_TRUE(none->empty());
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 90ms);
  // Wakes up when a message arrives.
  auto pending = std::async(std::launch::async, [&] { return reader.read(1, 5000ms); });
  std::this_thread::sleep_for(100ms);
  ASSERT_TRUE(writer.add("wake").ok());
  auto got = pending.get();
  ASSERT_TRUE(got.ok()) << got.error().message;
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].payload, "wake");
}

TEST(StreamQueue, StreamIsCappedApproximately) {
  NEXTRA_REDIS_SERVER_OR_SKIP(server);
  auto conn = must_connect(server->url());
  ASSERT_TRUE(conn);
  const std::string stream = unique_name("triggers");
  StreamQueue q(conn, stream, "pumps", "p", StreamQueueOptions{10});
  for (int i = 0; i < 500; ++i) ASSERT_TRUE(q.add(std::to_string(i)).ok());
  auto len = conn->command({"XLEN", stream});
  ASSERT_TRUE(len.ok());
  EXPECT_GE(len->integer, 10);
  EXPECT_LE(len->integer, 10 + 100);  // "~" trims whole nodes of stream-node-max-entries (100)
}

}  // namespace
}  // namespace nextra::redis
