#include "core/uuid.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <random>

namespace nextra {
namespace {

std::uint64_t next_random() {
  // One generator per thread: no lock on the hot path, seeded once from the OS.
  thread_local std::mt19937_64 gen{[] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd()};
    return std::mt19937_64(seq);
  }()};
  return gen();
}

}  // namespace

namespace {
std::string format_uuid(std::uint64_t hi, std::uint64_t lo) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(36, '-');
  int pos = 0;
  auto put = [&](std::uint64_t v, int nibbles_from, int count) {
    for (int i = 0; i < count; ++i) {
      if (pos == 8 || pos == 13 || pos == 18 || pos == 23) ++pos;
      int shift = (nibbles_from - i) * 4;
      out[static_cast<size_t>(pos++)] = kHex[(v >> shift) & 0xF];
    }
  };
  put(hi, 15, 16);
  put(lo, 15, 16);
  return out;
}
}  // namespace

std::string new_uuid_v4() {
  std::uint64_t hi = next_random();
  std::uint64_t lo = next_random();
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  return format_uuid(hi, lo);
}

std::string new_uuid_v7() {
  // The 12 bits after the version count within the millisecond (RFC 9562 §6.2, method 1),
  // so ids from this process sort in the order they were made even when many share a
  // millisecond: "the newest N executions" (retention, the newest-first list) is then the N
  // made last, not N picked at random among the last millisecond's. One atomic word holds
  // (milliseconds << 12 | counter); 4,096 ids in one millisecond borrow the next one.
  static std::atomic<std::uint64_t> last{0};
  const auto ms = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  std::uint64_t prev = last.load(std::memory_order_relaxed);
  std::uint64_t next = 0;
  do {
    next = std::max(ms << 12, prev + 1);
  } while (!last.compare_exchange_weak(prev, next, std::memory_order_relaxed));
  const std::uint64_t hi = ((next >> 12) << 16) | 0x7000ULL | (next & 0x0FFFULL);  // 48-bit time, version 7
  const std::uint64_t lo = (next_random() & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  return format_uuid(hi, lo);
}

bool is_canonical_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

}  // namespace nextra
