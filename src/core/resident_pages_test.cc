#include "core/resident_pages.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

namespace nextra {
namespace {

// Read-only data (kept in the binary's file-backed pages) and data this process wrote.
const char kTable[] = "the quick brown fox jumps over the lazy dog";
std::vector<int> g_written(100000, 7);

TEST(ResidentPages, AnIdleProcessGivesBackItsCleanFilePagesAndKeepsWorking) {
  // Touch plenty of code and data first, as a process that loaded its work would.
  std::vector<std::string> words;
  for (int i = 0; i < 1000; ++i) words.push_back(std::to_string(i * 7919));
  std::sort(words.begin(), words.end());
  const std::size_t before = resident_bytes();
  ASSERT_GT(before, 0u);

  auto released = release_clean_file_pages();
  ASSERT_TRUE(released.ok()) << released.error().message;
  EXPECT_GT(released->mappings, 0u);
  EXPECT_GT(released->bytes, 0u);
  EXPECT_LT(resident_bytes(), before);

  // Nothing this process wrote was lost, read-only data reads the same, and code runs.
  EXPECT_EQ(std::accumulate(g_written.begin(), g_written.end(), 0L), 700000L);
  EXPECT_EQ(std::string(kTable).size(), 43u);
  EXPECT_EQ(words.front(), "0");
  std::sort(words.rbegin(), words.rend());
  EXPECT_EQ(words.back(), "0");
  // Twice in a row is harmless.
  EXPECT_TRUE(release_clean_file_pages().ok());
}

}  // namespace
}  // namespace nextra
