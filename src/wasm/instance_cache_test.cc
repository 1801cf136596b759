#include "wasm/instance_cache.h"

#include <gtest/gtest.h>

#include "wasm/test_support.h"
#include "wasm/wabt_sandbox.h"

namespace nextra::wasm {
namespace {

class InstanceCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto m = sandbox_->compile(testing::module_bytes("kv"), Limits{});
    ASSERT_TRUE(m.ok()) << m.error().message;
    module_ = *m;
  }

  // Calls the kv module (answers what it stored last time, in this instance's host) through the cache.
  Result<CallOutput> call(InstanceCache& cache, const std::string& thread, const std::string& input,
                          std::shared_ptr<pump::Execution> exec = nullptr) {
    return cache.call(
        "kv", thread, exec,
        [&]() {
          ++made_;
          return sandbox_->instantiate(module_, host_);
        },
        [&](Instance& inst) { return inst.call_json("handle", input, Limits{}, host_); });
  }

  std::shared_ptr<const Sandbox> sandbox_ = make_wabt_sandbox();
  std::shared_ptr<const CompiledModule> module_;
  testing::RecordingHost host_;
  int made_ = 0;
};

TEST_F(InstanceCacheTest, OneInstancePerThreadDroppedWhenTheThreadCompletes) {
  InstanceCache cache;
  ASSERT_TRUE(call(cache, "t1", "1").ok());
  ASSERT_TRUE(call(cache, "t1", "2").ok());
  ASSERT_TRUE(call(cache, "t2", "3").ok());
  EXPECT_EQ(made_, 2);
  EXPECT_EQ(cache.size(), 2u);
  pump::Execution exec;
  cache.on_thread_completed(exec, "t1");
  EXPECT_EQ(cache.size(), 1u);
  ASSERT_TRUE(call(cache, "t1", "4").ok());
  EXPECT_EQ(made_, 3);
}

TEST_F(InstanceCacheTest, DroppedWithItsExecution) {
  InstanceCache cache;
  auto exec = std::make_shared<pump::Execution>();
  ASSERT_TRUE(call(cache, "a", "1", exec).ok());
  ASSERT_TRUE(call(cache, "b", "1", exec).ok());
  ASSERT_TRUE(call(cache, "c", "1").ok());
  cache.on_execution_completed(*exec);
  EXPECT_EQ(cache.size(), 1u);
}

TEST_F(InstanceCacheTest, FailedCallDropsTheInstance) {
  InstanceCache cache;
  auto failing = [&](Instance& inst) {
    Limits l;
    l.fuel = 5;  // not enough for kv_get's call
    return inst.call_json("handle", "{}", l, host_);
  };
  auto make = [&]() {
    ++made_;
    return sandbox_->instantiate(module_, host_);
  };
  EXPECT_FALSE(cache.call("kv", "t", nullptr, make, failing).ok());
  EXPECT_EQ(cache.size(), 0u);
  ASSERT_TRUE(call(cache, "t", "x").ok());
  EXPECT_EQ(made_, 2);
}

TEST_F(InstanceCacheTest, BoundedLeastRecentlyUsedFirst) {
  InstanceCache cache(InstanceCache::Options{3, std::chrono::seconds(600)});
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(call(cache, "t" + std::to_string(i), "{}").ok());
  EXPECT_EQ(cache.size(), 3u);
}

}  // namespace
}  // namespace nextra::wasm
