#include <gtest/gtest.h>

#include "pump/shared_backend.h"

namespace nextra::pump {
namespace {

Slot slot(const std::string& thread) { return Slot{nullptr, thread, "a", "b", 0, {}, false}; }

TEST(MemoryBackend, BufferAppendsInOrderWithIndexes) {
  auto b = make_memory_backend();
  EXPECT_EQ(*b->buffer_append(slot("t")), 0u);
  EXPECT_EQ(*b->buffer_append(slot("t")), 1u);
  auto slots = b->buffer_thread("t");
  ASSERT_EQ(slots.size(), 2u);
  EXPECT_EQ(slots[1].index, 1u);
  EXPECT_EQ(b->buffer_length("missing"), 0u);
}

TEST(MemoryBackend, PerThreadLimitRefusesFurtherSlots) {
  auto b = make_memory_backend(BufferLimits{2, 10});
  ASSERT_TRUE(b->buffer_append(slot("t")).ok());
  ASSERT_TRUE(b->buffer_append(slot("t")).ok());
  auto r = b->buffer_append(slot("t"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::ResourceExhausted);
}

TEST(MemoryBackend, GlobalLimitEvictsOldestThread) {
  auto b = make_memory_backend(BufferLimits{10, 2});
  (void)b->buffer_append(slot("first"));
  (void)b->buffer_append(slot("second"));
  (void)b->buffer_append(slot("third"));
  EXPECT_EQ(b->buffer_length("first"), 0u);
  EXPECT_EQ(b->buffer_length("third"), 1u);
  EXPECT_EQ(b->buffer_stats().thread_count, 2u);
  EXPECT_EQ(b->buffer_stats().evicted_threads, 1u);
  b->buffer_delete("second");
  b->buffer_delete("third");
  EXPECT_EQ(b->buffer_stats().total_slots, 0u);
}

TEST(MemoryBackend, RegistryBothDirections) {
  auto b = make_memory_backend();
  b->registry_set("k", "u");
  EXPECT_EQ(*b->registry_uuid("k"), "u");
  EXPECT_EQ(*b->registry_chain("u"), "k");
  b->registry_delete("u");
  EXPECT_FALSE(b->registry_uuid("k").has_value());
  EXPECT_EQ(b->registry_size(), 0u);
}

}  // namespace
}  // namespace nextra::pump
