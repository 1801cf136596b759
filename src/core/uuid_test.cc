// Ids: canonical form, versions, and UUID v7 order = the order they were made, even when
// thousands share one millisecond and several threads make them at once.
#include "core/uuid.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace nextra {
namespace {

TEST(Uuid, V4AndV7AreCanonicalWithTheirVersionAndVariant) {
  for (int i = 0; i < 100; ++i) {
    const std::string v4 = new_uuid_v4();
    const std::string v7 = new_uuid_v7();
    EXPECT_TRUE(is_canonical_uuid(v4)) << v4;
    EXPECT_TRUE(is_canonical_uuid(v7)) << v7;
    EXPECT_EQ(v4[14], '4') << v4;
    EXPECT_EQ(v7[14], '7') << v7;
    EXPECT_NE(std::string("89ab").find(v4[19]), std::string::npos) << v4;
    EXPECT_NE(std::string("89ab").find(v7[19]), std::string::npos) << v7;
  }
}

TEST(Uuid, V7SortsInTheOrderMadeWithinOneMillisecond) {
  // 20,000 in a row: most share a millisecond with others, some millisecond holds more than
  // the counter's 4,096 on a fast machine.
  std::vector<std::string> ids;
  for (int i = 0; i < 20000; ++i) ids.push_back(new_uuid_v7());
  for (size_t i = 1; i < ids.size(); ++i) ASSERT_LT(ids[i - 1], ids[i]) << "at " << i;
}

TEST(Uuid, V7FromManyThreadsAreDistinctAndEachThreadsOwnAreOrdered) {
  constexpr int kThreads = 4;
  constexpr int kEach = 5000;
  std::vector<std::vector<std::string>> made(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) made[static_cast<size_t>(t)].push_back(new_uuid_v7());
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::string> all;
  for (const auto& ids : made) {
    EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
    all.insert(ids.begin(), ids.end());
  }
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kEach));
}

}  // namespace
}  // namespace nextra
