#include "llm/sse.h"

#include <gtest/gtest.h>

#include <vector>

namespace nextra::llm {
namespace {

TEST(SseReader, SplitsEventsAcrossArbitraryChunksAndSkipsComments) {
  std::vector<std::pair<std::string, std::string>> got;
  SseReader r([&](std::string_view e, std::string_view d) {
    got.emplace_back(std::string(e), std::string(d));
    return Status();
  });
  std::string wire = ": heartbeat\n\nevent: a\ndata: one\r\n\ndata: two\ndata: lines\n\nid: 7\ndata: [DONE]\n\n";
  for (char c : wire) ASSERT_TRUE(r.feed(std::string_view(&c, 1)).ok());
  ASSERT_TRUE(r.finish().ok());
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], (std::pair<std::string, std::string>{"a", "one"}));
  EXPECT_EQ(got[1].second, "two\nlines");
  EXPECT_EQ(got[2].second, "[DONE]");
}

TEST(SseReader, FinishDeliversAnUnterminatedEventAndLimitsSize) {
  int n = 0;
  SseReader r([&](std::string_view, std::string_view) { ++n; return Status(); });
  ASSERT_TRUE(r.feed("data: x").ok());
  ASSERT_TRUE(r.finish().ok());
  EXPECT_EQ(n, 1);
  SseReader small([](std::string_view, std::string_view) { return Status(); }, 16);
  EXPECT_EQ(small.feed("data: " + std::string(100, 'y')).error().code, ErrorCode::ResourceExhausted);
}

TEST(SseReader, HandlerErrorStopsTheStream) {
  SseReader r([](std::string_view, std::string_view) { return Status(Error::make(ErrorCode::Unavailable, "bad")); });
  EXPECT_FALSE(r.feed("data: 1\n\n").ok());
  EXPECT_FALSE(r.feed("data: 2\n\n").ok());
}

}  // namespace
}  // namespace nextra::llm
