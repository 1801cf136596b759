#include "pump/thread_registry.h"

#include <gtest/gtest.h>

namespace nextra::pump {
namespace {

TEST(ThreadRegistry, ForwardExtendsAndRespondPrunes) {
  auto backend = make_memory_backend();
  ThreadRegistry reg(*backend);
  auto root = reg.begin("1", {"external", "agent"});
  auto child = reg.extend(root, "echo");
  ASSERT_TRUE(child.ok());
  EXPECT_NE(*child, root);
  EXPECT_EQ(*reg.chain_of(*child), (Chain{"external", "agent", "echo"}));
  // The same path within one execution is the same thread.
  EXPECT_EQ(*reg.extend(root, "echo"), *child);
  auto back = reg.prune(*child);
  ASSERT_TRUE(back.ok() && back->has_value());
  EXPECT_EQ((*back)->target, "agent");
  EXPECT_EQ((*back)->thread, root);
}

TEST(ThreadRegistry, ListenerNamesMayContainDots) {
  auto backend = make_memory_backend();
  ThreadRegistry reg(*backend);
  auto root = reg.begin("1", {"external", "calculator.add"});
  auto child = reg.extend(root, "math.v2.pow");
  auto back = reg.prune(*child);
  ASSERT_TRUE(back.ok() && back->has_value());
  EXPECT_EQ((*back)->target, "calculator.add");  // not "add": chains are lists (fixes §16.6)
}

TEST(ThreadRegistry, IdenticalPathsInTwoExecutionsNeverShareAThread) {
  auto backend = make_memory_backend();
  ThreadRegistry reg(*backend);
  auto a = reg.begin("1", {"external", "logger"});
  auto b = reg.begin("2", {"external", "logger"});
  EXPECT_NE(a, b);
  EXPECT_NE(*reg.extend(a, "x"), *reg.extend(b, "x"));
}

TEST(ThreadRegistry, ExhaustedChainAndUnknownThread) {
  auto backend = make_memory_backend();
  ThreadRegistry reg(*backend);
  auto root = reg.begin("1", {"agent"});
  auto r = reg.prune(root);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
  EXPECT_FALSE(reg.prune("00000000-0000-4000-8000-000000000000").ok());
  EXPECT_FALSE(reg.extend("nope", "x").ok());
  reg.forget(root);
  EXPECT_EQ(reg.size(), 0u);
}

TEST(ThreadRegistry, EncodingRoundTrips) {
  Chain c{"a.b", "c", "d-e"};
  auto d = ThreadRegistry::decode(ThreadRegistry::encode("7", c));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->first, "7");
  EXPECT_EQ(d->second, c);
}

}  // namespace
}  // namespace nextra::pump
