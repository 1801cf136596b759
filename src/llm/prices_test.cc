#include "llm/prices.h"

#include <gtest/gtest.h>

namespace nextra::llm {
namespace {

TEST(PriceTable, LongestPrefixWinsUnknownIsNull) {
  auto t = PriceTable::load(NEXTRA_PRICES_JSON);
  ASSERT_TRUE(t.ok()) << t.error().message;
  Usage u{1'000'000, 1'000'000};
  EXPECT_DOUBLE_EQ(*t->cost_usd("gpt-4o-mini-2024-07-18", u), 0.75);
  EXPECT_DOUBLE_EQ(*t->cost_usd("gpt-4o", u), 12.5);
  EXPECT_EQ(t->cost_usd("llama3", u), std::nullopt);
}

TEST(PriceTable, ErrorsNameTheEntry) {
  auto bad = PriceTable::parse(R"({"models":[{"prefix":"a","prompt":1,"completion":1},{"prefix":"b","prompt":-1,"completion":1}]})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "models[1].prompt");
  EXPECT_FALSE(PriceTable::parse("not json").ok());
}

}  // namespace
}  // namespace nextra::llm
