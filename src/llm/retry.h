#pragma once
// Retry timing for the gateway: jittered exponential backoff and the Retry-After header.
// Pure functions, tested alone.

#include <chrono>
#include <optional>
#include <random>
#include <string_view>

namespace nextra::llm {

// min(base * 2^(attempt-1), max) scaled by a random factor in [0.75, 1.25]; attempt is the
// 1-based number of the attempt that failed.
std::chrono::milliseconds backoff_delay(int attempt, double base_seconds, double max_seconds, std::mt19937_64& rng);

// Retry-After as delta-seconds ("2", "1.5") or an HTTP date, relative to `now`; nullopt when
// absent or unreadable. Negative results are 0. Capped at max_seconds by the caller.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

}  // namespace nextra::llm
