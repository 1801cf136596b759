// Conformance of project memory (issue #5) on every backend (store_test_fixture.h): keys
// scoped to (organization, flow), expiry, the per-flow quota (also under concurrent writers),
// paging, and the memory going with its flow.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "store/store.h"
#include "store/store_test_fixture.h"

namespace nextra::store {
namespace {

constexpr std::int64_t kNow = 1'800'000'000'000;

class StoreMemoryConformance : public test::StoreBackendTest {
 protected:
  void SetUp() override {
    test::StoreBackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    owner_ = user("owner@example.com");
    org_a_ = org(owner_, "A");
    org_b_ = org(owner_, "B");
    flow_a_ = flow(org_a_, owner_, "a").id;
    flow_a2_ = flow(org_a_, owner_, "a2").id;
    flow_b_ = flow(org_b_, owner_, "b").id;
  }

  SetMemoryRequest set_req(const std::string& org_id, const std::string& flow_id, const std::string& key,
                           const std::string& value, std::int64_t max_bytes = 0) {
    SetMemoryRequest r;
    r.org_id = org_id;
    r.flow_id = flow_id;
    r.key = key;
    r.value = value;
    r.max_bytes = max_bytes;
    r.now_ms = kNow;
    return r;
  }
  std::optional<std::string> value(const std::string& org_id, const std::string& flow_id, const std::string& key,
                                   std::int64_t now = kNow) {
    auto got = store_->get_memory(org_id, flow_id, key, now);
    EXPECT_TRUE(got.ok()) << got.error().message;
    if (!got.ok() || !got->has_value()) return std::nullopt;
    return (*got)->value;
  }

  std::string owner_, org_a_, org_b_, flow_a_, flow_a2_, flow_b_;
};

TEST_P(StoreMemoryConformance, SetGetReplaceDelete) {
  auto first = store_->set_memory(set_req(org_a_, flow_a_, "greeting", "\"hello\""));
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_FALSE(first->replaced);
  EXPECT_EQ(first->used_bytes, 8 + 7);
  auto got = store_->get_memory(org_a_, flow_a_, "greeting", kNow);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->value, "\"hello\"");
  EXPECT_EQ((*got)->size_bytes, 15);
  EXPECT_FALSE((*got)->expires_at_ms.has_value());
  EXPECT_GT((*got)->updated_at_ms, 0);

  auto second = store_->set_memory(set_req(org_a_, flow_a_, "greeting", "{\"text\":\"hi\"}"));
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->replaced);
  EXPECT_EQ(value(org_a_, flow_a_, "greeting"), "{\"text\":\"hi\"}");

  EXPECT_EQ(*store_->delete_memory(org_a_, flow_a_, "greeting", kNow), true);
  EXPECT_EQ(*store_->delete_memory(org_a_, flow_a_, "greeting", kNow), false);  // absent is not an error
  EXPECT_EQ(value(org_a_, flow_a_, "greeting"), std::nullopt);
  // UTF-8 keys and values round-trip byte for byte.
  ASSERT_TRUE(store_->set_memory(set_req(org_a_, flow_a_, "ключ:é", "\"日本\"")).ok());
  EXPECT_EQ(value(org_a_, flow_a_, "ключ:é"), "\"日本\"");
}

TEST_P(StoreMemoryConformance, AnotherFlowOrOrganizationCannotReadTheKey) {
  ASSERT_TRUE(store_->set_memory(set_req(org_a_, flow_a_, "secret", "42")).ok());
  // Another flow of the same organization has its own keys.
  EXPECT_EQ(value(org_a_, flow_a2_, "secret"), std::nullopt);
  ASSERT_TRUE(store_->set_memory(set_req(org_a_, flow_a2_, "secret", "7")).ok());
  EXPECT_EQ(value(org_a_, flow_a_, "secret"), "42");
  // Another organization naming this flow finds no flow at all, for every call.
  EXPECT_CODE(store_->get_memory(org_b_, flow_a_, "secret", kNow), NotFound);
  EXPECT_CODE(store_->set_memory(set_req(org_b_, flow_a_, "secret", "0")), NotFound);
  EXPECT_CODE(store_->delete_memory(org_b_, flow_a_, "secret", kNow), NotFound);
  EXPECT_CODE(store_->list_memory({org_b_, flow_a_, 0, 50, kNow}), NotFound);
  EXPECT_CODE(store_->clear_memory(org_b_, flow_a_), NotFound);
  EXPECT_EQ(value(org_a_, flow_a_, "secret"), "42");
  EXPECT_CODE(store_->get_memory(org_a_, "no-such-flow", "secret", kNow), NotFound);
}

TEST_P(StoreMemoryConformance, ExpiredKeysReadAsAbsentAndDoNotCount) {
  auto r = set_req(org_a_, flow_a_, "session", "\"abc\"", 100);
  r.expires_at_ms = kNow + 1000;
  ASSERT_TRUE(store_->set_memory(r).ok());
  EXPECT_EQ(value(org_a_, flow_a_, "session", kNow + 999), "\"abc\"");
  EXPECT_EQ(value(org_a_, flow_a_, "session", kNow + 1000), std::nullopt);
  EXPECT_EQ(store_->list_memory({org_a_, flow_a_, 0, 50, kNow + 1000})->total, 0);
  EXPECT_EQ(*store_->delete_memory(org_a_, flow_a_, "session", kNow + 5000), false);

  // An expired key's bytes are free again for the next write.
  auto big = set_req(org_a_, flow_a_, "big", std::string(80, 'x'), 100);
  big.expires_at_ms = kNow + 1000;
  ASSERT_TRUE(store_->set_memory(big).ok());
  auto other = set_req(org_a_, flow_a_, "other", std::string(80, 'y'), 100);
  EXPECT_CODE(store_->set_memory(other), ResourceExhausted);
  other.now_ms = kNow + 2000;
  auto written = store_->set_memory(other);
  ASSERT_TRUE(written.ok()) << written.error().message;
  EXPECT_EQ(written->used_bytes, 5 + 80);
}

TEST_P(StoreMemoryConformance, TheQuotaIsPerFlowAndNothingIsWrittenPastIt) {
  ASSERT_TRUE(store_->set_memory(set_req(org_a_, flow_a_, "a", std::string(49, '1'), 100)).ok());  // 50 bytes
  ASSERT_TRUE(store_->set_memory(set_req(org_a_, flow_a_, "b", std::string(49, '2'), 100)).ok());  // 100 bytes
  auto full = store_->set_memory(set_req(org_a_, flow_a_, "c", "3", 100));
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().code, ErrorCode::ResourceExhausted);
  EXPECT_NE(full.error().message.find("memory.max_bytes"), std::string::npos) << full.error().message;
  EXPECT_EQ(value(org_a_, flow_a_, "c"), std::nullopt);
  // Growing an existing key past the quota fails too; shrinking it works.
  EXPECT_CODE(store_->set_memory(set_req(org_a_, flow_a_, "a", std::string(50, '1'), 100)), ResourceExhausted);
  EXPECT_EQ(value(org_a_, flow_a_, "a"), std::string(49, '1'));
  ASSERT_TRUE(store_->set_memory(set_req(org_a_, flow_a_, "a", "1", 100)).ok());
  EXPECT_TRUE(store_->set_memory(set_req(org_a_, flow_a_, "c", "3", 100)).ok());
  // Another flow's memory has its own quota.
  EXPECT_TRUE(store_->set_memory(set_req(org_a_, flow_a2_, "a", std::string(99, '9'), 100)).ok());
  // A lowered quota still lets a flow shrink a value.
  ASSERT_TRUE(store_->set_memory(set_req(org_a_, flow_a2_, "a", std::string(50, '9'), 10)).ok());
  EXPECT_EQ(store_->list_memory({org_a_, flow_a2_, 0, 50, kNow})->used_bytes, 51);
}

TEST_P(StoreMemoryConformance, ConcurrentWritersNeverPassTheQuota) {
  // 8 writers, each on its own connection, race to add 10 keys of 10 bytes under a 250-byte
  // quota: exactly 25 fit, whatever the interleaving.
  std::vector<std::unique_ptr<Store>> stores;
  for (int i = 0; i < 4; ++i) stores.push_back(open());
  std::atomic<int> written{0}, refused{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      Store& s = *stores[static_cast<size_t>(t) % stores.size()];
      for (int i = 0; i < 10; ++i) {
        auto r = s.set_memory(set_req(org_a_, flow_a_, "k" + std::to_string(t) + std::to_string(i), "1234567", 250));
        if (r.ok()) ++written;
        else if (r.error().code == ErrorCode::ResourceExhausted) ++refused;
        else if (r.error().code == ErrorCode::Unavailable) ++failed;  // SQLite busy: retryable, nothing written
        else ADD_FAILURE() << r.error().message;
      }
    });
  }
  for (auto& th : threads) th.join();
  auto listed = store_->list_memory({org_a_, flow_a_, 0, 1000, kNow});
  ASSERT_TRUE(listed.ok());
  EXPECT_LE(listed->used_bytes, 250);
  EXPECT_EQ(listed->total, written.load());
  if (failed.load() == 0) {
    EXPECT_EQ(written.load(), 25);
  }
}

TEST_P(StoreMemoryConformance, ListsKeysWithSizesInPages) {
  for (const char* k : {"c", "a", "b"}) ASSERT_TRUE(store_->set_memory(set_req(org_a_, flow_a_, k, "\"v\"")).ok());
  auto page = store_->list_memory({org_a_, flow_a_, 0, 2, kNow});
  ASSERT_TRUE(page.ok()) << page.error().message;
  EXPECT_EQ(page->total, 3);
  EXPECT_EQ(page->used_bytes, 3 * 4);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].key, "a");
  EXPECT_EQ(page->items[1].key, "b");
  EXPECT_EQ(page->items[0].size_bytes, 4);
  EXPECT_TRUE(page->items[0].value.empty());  // values are not listed
  auto rest = store_->list_memory({org_a_, flow_a_, 2, 2, kNow});
  ASSERT_EQ(rest->items.size(), 1u);
  EXPECT_EQ(rest->items[0].key, "c");
  EXPECT_CODE(store_->list_memory({org_a_, flow_a_, 0, 0, kNow}), InvalidArgument);
  EXPECT_CODE(store_->list_memory({org_a_, flow_a_, -1, 10, kNow}), InvalidArgument);
}

TEST_P(StoreMemoryConformance, ClearAndDeletingTheFlowRemoveEveryKey) {
  ASSERT_TRUE(store_->set_memory(set_req(org_a_, flow_a_, "x", "1")).ok());
  ASSERT_TRUE(store_->set_memory(set_req(org_a_, flow_a_, "y", "2")).ok());
  ASSERT_TRUE(store_->set_memory(set_req(org_a_, flow_a2_, "x", "3")).ok());
  EXPECT_EQ(*store_->clear_memory(org_a_, flow_a_), 2);
  EXPECT_EQ(store_->list_memory({org_a_, flow_a_, 0, 50, kNow})->total, 0);
  EXPECT_EQ(value(org_a_, flow_a2_, "x"), "3");  // the other flow keeps its memory

  ASSERT_TRUE(store_->delete_flow(org_a_, flow_a2_).ok());
  EXPECT_CODE(store_->get_memory(org_a_, flow_a2_, "x", kNow), NotFound);
  EXPECT_CODE(store_->set_memory(set_req(org_a_, flow_a2_, "x", "4")), NotFound);
}

TEST_P(StoreMemoryConformance, RefusesBadArguments) {
  EXPECT_CODE(store_->set_memory(set_req(org_a_, flow_a_, "", "1")), InvalidArgument);
  EXPECT_CODE(store_->set_memory(set_req(org_a_, flow_a_, std::string("a\0b", 3), "1")), InvalidArgument);
  EXPECT_CODE(store_->set_memory(set_req(org_a_, flow_a_, "k", std::string("1\0", 2))), InvalidArgument);
  EXPECT_CODE(store_->get_memory(org_a_, flow_a_, "", kNow), InvalidArgument);
  EXPECT_CODE(store_->get_memory("", flow_a_, "k", kNow), InvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreMemoryConformance, NEXTRA_STORE_BACKENDS);

}  // namespace
}  // namespace nextra::store
