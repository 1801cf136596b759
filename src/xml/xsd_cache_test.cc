#include "xml/xsd_cache.h"

#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "xml/test_schema.h"
#include "xml/xsd_generator.h"

namespace nextra::xml {
namespace {

TEST(XsdCache, CompilesEachClassOnce) {
  auto s = testing::make_test_schema();
  XsdCache cache(s);
  auto a = cache.get(*s->find("Order"));
  auto b = cache.get(*s->find("Order"));
  auto c = cache.get(*s->find("Greeting"));
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->get(), b->get());
  EXPECT_NE(a->get(), c->get());
  EXPECT_EQ((*a)->text(), generate_xsd(*s->find("Order")));
  EXPECT_TRUE(cache.compile_all().ok());
  EXPECT_EQ(&cache.schema(), s.get());
}

TEST(XsdCache, ConcurrentFirstUseYieldsOneSchemaPerClass) {
  auto s = testing::make_test_schema();
  XsdCache cache(s);
  std::mutex mu;
  std::map<const schema::PayloadClass*, std::vector<const CompiledXsd*>> seen;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (const auto& [name, cls] : s->classes()) {
        auto r = cache.get(*cls);
        std::lock_guard lock(mu);
        seen[cls.get()].push_back(r.ok() ? r->get() : nullptr);
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(seen.size(), s->classes().size());
  for (const auto& [cls, xsds] : seen) {
    ASSERT_EQ(xsds.size(), 4u);
    for (const auto* x : xsds) {
      EXPECT_NE(x, nullptr) << cls->name;
      EXPECT_EQ(x, xsds.front()) << cls->name;
    }
  }
}

TEST(CompileXsdCached, SameTextSameSchema) {
  auto s = testing::make_test_schema();
  std::string text = generate_xsd(*s->find("LineItem"));
  auto a = compile_xsd_cached(text);
  auto b = compile_xsd_cached(text);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->get(), b->get());
  EXPECT_FALSE(compile_xsd_cached("<not-a-schema/>").ok());
}

// Many flows' classes pass through the process-wide cache; the ones in use stay compiled
// while hundreds of others come and go (it used to drop everything at 256).
TEST(CompileXsdCached, KeepsTheOnesInUseWhenFull) {
  auto s = testing::make_test_schema();
  const std::string hot = generate_xsd(*s->find("Order"));
  auto first = compile_xsd_cached(hot);
  ASSERT_TRUE(first.ok());
  for (int i = 0; i < 600; ++i) {
    schema::Schema other;
    ASSERT_TRUE(other.add(testing::make_class("Passing" + std::to_string(i), {{"text", "string"}})).ok());
    ASSERT_TRUE(other.link().ok());
    ASSERT_TRUE(compile_xsd_cached(generate_xsd(*other.find("Passing" + std::to_string(i)))).ok());
    if (i % 50 == 0) {
      auto again = compile_xsd_cached(hot);
      ASSERT_TRUE(again.ok());
      EXPECT_EQ(again->get(), first->get()) << "recompiled after " << i << " others";
    }
  }
  auto last = compile_xsd_cached(hot);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->get(), first->get());
}

}  // namespace
}  // namespace nextra::xml
