// The SharedBackend conformance suite, run against the in-memory backend and the Redis
// backend (on a throw-away redis-server; skipped when redis-server is missing), plus the
// Redis backend's flow isolation.
#include "redis/redis_backend.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "redis/redis_test_support.h"
#include "xml/payload_codec.h"
#include "xml/test_schema.h"

namespace nextra::redis {
namespace {

using testing::must_connect;
using testing::unique_name;

const schema::Schema& test_schema() {
  static const auto schema = xml::testing::make_test_schema();
  return *schema;
}

schema::PayloadPtr greeting(const std::string& name) {
  const schema::PayloadClass* cls = test_schema().find("Greeting");
  schema::Record r = schema::zero_record(*cls);
  r.fields[0] = name;
  return std::make_shared<const schema::Payload>(schema::Payload{std::move(r)});
}

pump::Slot slot(const std::string& thread, const std::string& name = "Ada") {
  return pump::Slot{greeting(name), thread, "a", "b", 0, std::chrono::system_clock::now(), false};
}

enum class Kind { Memory, Redis };

class SharedBackendConformance : public ::testing::TestWithParam<Kind> {
 protected:
  std::unique_ptr<pump::SharedBackend> make(pump::BufferLimits limits = {}) {
    if (GetParam() == Kind::Memory) return pump::make_memory_backend(limits);
    std::string skip;
    RedisServer* server = testing::shared_server(&skip);
    if (server == nullptr) return nullptr;
    if (!conn_) conn_ = must_connect(server->url());
    return make_redis_backend(conn_, flow_prefix("org", unique_name("flow")), test_schema(), limits);
  }
  void SetUp() override {
    std::string skip;
    if (GetParam() == Kind::Redis && testing::shared_server(&skip) == nullptr) GTEST_SKIP() << skip;
  }
  std::shared_ptr<Connection> conn_;
};

TEST_P(SharedBackendConformance, AppendReadLengthKeepsOrderIndexesAndMetadata) {
  auto b = make();
  ASSERT_TRUE(b);
  pump::Slot first = slot("t", "Ada");
  first.is_self_call = true;
  first.from = "greeter";
  first.to = "shouter";
  EXPECT_EQ(*b->buffer_append(first), 0u);
  EXPECT_EQ(*b->buffer_append(slot("t", "Bob")), 1u);
  EXPECT_EQ(*b->buffer_append(slot("other")), 0u);
  auto slots = b->buffer_thread("t");
  ASSERT_EQ(slots.size(), 2u);
  EXPECT_EQ(slots[0].index, 0u);
  EXPECT_EQ(slots[1].index, 1u);
  EXPECT_EQ(slots[0].thread, "t");
  EXPECT_EQ(slots[0].from, "greeter");
  EXPECT_EQ(slots[0].to, "shouter");
  EXPECT_TRUE(slots[0].is_self_call);
  EXPECT_FALSE(slots[1].is_self_call);
  EXPECT_EQ(slots[0].at, first.at);
  ASSERT_TRUE(slots[0].payload && slots[1].payload);
  EXPECT_EQ(xml::payload_to_xml(*slots[0].payload), "<Greeting><Name>Ada</Name></Greeting>");
  EXPECT_EQ(xml::payload_to_xml(*slots[1].payload), "<Greeting><Name>Bob</Name></Greeting>");
  EXPECT_EQ(b->buffer_length("t"), 2u);
  EXPECT_EQ(b->buffer_length("missing"), 0u);
  EXPECT_TRUE(b->buffer_thread("missing").empty());
  auto stats = b->buffer_stats();
  EXPECT_EQ(stats.thread_count, 2u);
  EXPECT_EQ(stats.total_slots, 3u);
  EXPECT_EQ(stats.evicted_threads, 0u);
}

TEST_P(SharedBackendConformance, NullPayloadRoundTrips) {
  auto b = make();
  ASSERT_TRUE(b);
  pump::Slot s = slot("t");
  s.payload = nullptr;
  ASSERT_TRUE(b->buffer_append(s).ok());
  auto slots = b->buffer_thread("t");
  ASSERT_EQ(slots.size(), 1u);
  EXPECT_EQ(slots[0].payload, nullptr);
}

TEST_P(SharedBackendConformance, DeleteRemovesThreadAndUpdatesStats) {
  auto b = make();
  ASSERT_TRUE(b);
  (void)b->buffer_append(slot("t"));
  (void)b->buffer_append(slot("t"));
  (void)b->buffer_append(slot("u"));
  b->buffer_delete("t");
  b->buffer_delete("never-existed");
  EXPECT_EQ(b->buffer_length("t"), 0u);
  EXPECT_TRUE(b->buffer_thread("t").empty());
  auto stats = b->buffer_stats();
  EXPECT_EQ(stats.thread_count, 1u);
  EXPECT_EQ(stats.total_slots, 1u);
  // A deleted thread starts again at index 0.
  EXPECT_EQ(*b->buffer_append(slot("t")), 0u);
}

TEST_P(SharedBackendConformance, PerThreadLimitRefusesFurtherSlots) {
  auto b = make(pump::BufferLimits{2, 10});
  ASSERT_TRUE(b);
  ASSERT_TRUE(b->buffer_append(slot("t")).ok());
  ASSERT_TRUE(b->buffer_append(slot("t")).ok());
  auto r = b->buffer_append(slot("t"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::ResourceExhausted);
  EXPECT_EQ(b->buffer_length("t"), 2u);
  EXPECT_EQ(b->buffer_stats().total_slots, 2u);
  EXPECT_TRUE(b->buffer_append(slot("u")).ok());  // other threads are unaffected
}

TEST_P(SharedBackendConformance, GlobalLimitEvictsOldestCreatedThread) {
  auto b = make(pump::BufferLimits{10, 2});
  ASSERT_TRUE(b);
  (void)b->buffer_append(slot("first"));
  (void)b->buffer_append(slot("second"));
  (void)b->buffer_append(slot("first"));  // appending does not refresh creation order
  (void)b->buffer_append(slot("third"));
  EXPECT_EQ(b->buffer_length("first"), 0u);
  EXPECT_EQ(b->buffer_length("second"), 1u);
  EXPECT_EQ(b->buffer_length("third"), 1u);
  auto stats = b->buffer_stats();
  EXPECT_EQ(stats.thread_count, 2u);
  EXPECT_EQ(stats.total_slots, 2u);
  EXPECT_EQ(stats.evicted_threads, 1u);
  (void)b->buffer_append(slot("fourth"));
  EXPECT_EQ(b->buffer_length("second"), 0u);
  EXPECT_EQ(b->buffer_stats().evicted_threads, 2u);
  b->buffer_delete("third");
  b->buffer_delete("fourth");
  EXPECT_EQ(b->buffer_stats().total_slots, 0u);
  EXPECT_EQ(b->buffer_stats().thread_count, 0u);
}

TEST_P(SharedBackendConformance, ConcurrentAppendsGetDistinctIndexes) {
  auto b = make();
  ASSERT_TRUE(b);
  std::vector<std::thread> threads;
  std::mutex mu;
  std::set<std::size_t> seen;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        auto r = b->buffer_append(slot("t"));
        ASSERT_TRUE(r.ok());
        std::lock_guard lock(mu);
        seen.insert(*r);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(seen.size(), 200u);
  EXPECT_EQ(*seen.rbegin(), 199u);
  EXPECT_EQ(b->buffer_length("t"), 200u);
}

TEST_P(SharedBackendConformance, RegistryBothDirectionsAndDelete) {
  auto b = make();
  ASSERT_TRUE(b);
  EXPECT_FALSE(b->registry_uuid("k").has_value());
  EXPECT_FALSE(b->registry_chain("u").has_value());
  b->registry_set("k", "u");
  b->registry_set("k2", "u2");
  EXPECT_EQ(*b->registry_uuid("k"), "u");
  EXPECT_EQ(*b->registry_chain("u"), "k");
  EXPECT_EQ(b->registry_size(), 2u);
  b->registry_set("k", "u");  // idempotent
  EXPECT_EQ(b->registry_size(), 2u);
  b->registry_delete("u");
  b->registry_delete("unknown");
  EXPECT_FALSE(b->registry_uuid("k").has_value());
  EXPECT_FALSE(b->registry_chain("u").has_value());
  EXPECT_EQ(*b->registry_uuid("k2"), "u2");
  EXPECT_EQ(b->registry_size(), 1u);
}

TEST_P(SharedBackendConformance, RegistryRemapKeepsNewerChainOnDelete) {
  auto b = make();
  ASSERT_TRUE(b);
  b->registry_set("k", "old");
  b->registry_set("k", "new");  // the chain now maps to "new"
  EXPECT_EQ(*b->registry_uuid("k"), "new");
  b->registry_delete("old");    // must not remove k -> new
  EXPECT_EQ(*b->registry_uuid("k"), "new");
  EXPECT_FALSE(b->registry_chain("old").has_value());
  EXPECT_EQ(*b->registry_chain("new"), "k");
}

INSTANTIATE_TEST_SUITE_P(Backends, SharedBackendConformance, ::testing::Values(Kind::Memory, Kind::Redis),
                         [](const ::testing::TestParamInfo<Kind>& p) {
                           return p.param == Kind::Memory ? "Memory" : "Redis";
                         });

// ---- Redis only ------------------------------------------------------------------------

std::vector<std::string> all_keys(Connection& c) {
  std::vector<std::string> keys;
  std::string cursor = "0";
  do {
    auto r = c.command({"SCAN", cursor, "COUNT", "1000"});
    if (!r.ok() || !r->is_array() || r->elements.size() != 2) {
      ADD_FAILURE() << "SCAN failed";
      break;
    }
    cursor = r->elements[0].str;
    for (const auto& k : r->elements[1].elements) keys.push_back(k.str);
  } while (cursor != "0");
  return keys;
}

TEST(RedisBackend, FlowsAreIsolatedAndKeysStayUnderThePrefix) {
  NEXTRA_REDIS_SERVER_OR_SKIP(server);
  // A database of its own, so SCAN sees only this test's keys.
  auto conn = must_connect(server->url() + "/5");
  ASSERT_TRUE(conn);
  ASSERT_TRUE(conn->command({"FLUSHDB"}).ok());
  const std::string pa = flow_prefix("org1", "flowA");
  const std::string pb = flow_prefix("org1", "flowB");
  auto a = make_redis_backend(conn, pa, test_schema());
  auto b = make_redis_backend(conn, pb, test_schema());

  ASSERT_TRUE(a->buffer_append(slot("shared-thread", "FromA")).ok());
  ASSERT_TRUE(a->buffer_append(slot("only-a")).ok());
  a->registry_set("chain-a", "uuid-a");
  a->registry_set("same-chain", "uuid-a2");

  auto keys_a = all_keys(*conn);
  EXPECT_FALSE(keys_a.empty());
  for (const auto& k : keys_a) EXPECT_EQ(k.rfind(pa, 0), 0u) << k;

  // B sees none of A's state, even for the same thread id and chain key.
  EXPECT_EQ(b->buffer_length("shared-thread"), 0u);
  EXPECT_TRUE(b->buffer_thread("only-a").empty());
  EXPECT_EQ(b->buffer_stats().thread_count, 0u);
  EXPECT_FALSE(b->registry_uuid("chain-a").has_value());
  EXPECT_FALSE(b->registry_chain("uuid-a").has_value());
  EXPECT_EQ(b->registry_size(), 0u);

  ASSERT_TRUE(b->buffer_append(slot("shared-thread", "FromB")).ok());
  b->registry_set("same-chain", "uuid-b");
  // B's writes and deletes do not touch A.
  b->buffer_delete("only-a");
  b->registry_delete("uuid-a");
  EXPECT_EQ(a->buffer_length("only-a"), 1u);
  EXPECT_EQ(*a->registry_chain("uuid-a"), "chain-a");
  EXPECT_EQ(*a->registry_uuid("same-chain"), "uuid-a2");
  EXPECT_EQ(*b->registry_uuid("same-chain"), "uuid-b");
  auto sa = a->buffer_thread("shared-thread");
  auto sb = b->buffer_thread("shared-thread");
  ASSERT_EQ(sa.size(), 1u);
  ASSERT_EQ(sb.size(), 1u);
  EXPECT_EQ(xml::payload_to_xml(*sa[0].payload), "<Greeting><Name>FromA</Name></Greeting>");
  EXPECT_EQ(xml::payload_to_xml(*sb[0].payload), "<Greeting><Name>FromB</Name></Greeting>");

  std::size_t under_a = 0;
  std::size_t under_b = 0;
  for (const auto& k : all_keys(*conn)) {
    if (k.rfind(pa, 0) == 0) {
      ++under_a;
    } else if (k.rfind(pb, 0) == 0) {
      ++under_b;
    } else {
      ADD_FAILURE() << "key outside both prefixes: " << k;
    }
  }
  EXPECT_EQ(under_a, keys_a.size());
  EXPECT_GT(under_b, 0u);
  EXPECT_EQ(a->redis_errors(), 0u);
  EXPECT_EQ(b->redis_errors(), 0u);
}

TEST(RedisBackend, ReservedThreadNamesAreRefused) {
  NEXTRA_REDIS_SERVER_OR_SKIP(server);
  auto conn = must_connect(server->url());
  ASSERT_TRUE(conn);
  auto b = make_redis_backend(conn, flow_prefix("org", unique_name("flow")), test_schema());
  auto r = b->buffer_append(slot("threads"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::InvalidArgument);
}

TEST(RedisBackend, RedisDownDegradesWithoutCrashing) {
  auto started = RedisServer::start();
  if (!started.ok()) GTEST_SKIP() << started.error().message;
  auto conn = must_connect((*started)->url());
  ASSERT_TRUE(conn);
  auto b = make_redis_backend(conn, flow_prefix("org", "f"), test_schema());
  ASSERT_TRUE(b->buffer_append(slot("t")).ok());
  (*started)->stop();
  auto r = b->buffer_append(slot("t"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::Unavailable);
  EXPECT_EQ(b->buffer_length("t"), 0u);
  EXPECT_FALSE(b->registry_uuid("k").has_value());
  EXPECT_GE(b->redis_errors(), 2u);
  ASSERT_TRUE((*started)->restart().ok());
  EXPECT_EQ(*b->buffer_append(slot("t")), 0u);  // fresh server, reconnected
}

}  // namespace
}  // namespace nextra::redis
