#include "llm/retry.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <string>

namespace nextra::llm {

std::chrono::milliseconds backoff_delay(int attempt, double base, double max, std::mt19937_64& rng) {
  double d = std::min(base * std::pow(2.0, std::max(0, attempt - 1)), max);
  std::uniform_real_distribution<double> jitter(0.75, 1.25);
  return std::chrono::milliseconds(static_cast<long long>(d * jitter(rng) * 1000.0));
}

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty() || value.size() > 64) return std::nullopt;
  std::string s(value);
  if (std::isdigit(static_cast<unsigned char>(s[0]))) {
    char* end = nullptr;
    double seconds = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size() || !(seconds >= 0) || seconds > 86400) return std::nullopt;
    return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
  }
  std::tm tm{};
  const char* end = strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  auto at = std::chrono::system_clock::from_time_t(timegm(&tm));
  auto delta = std::chrono::duration_cast<std::chrono::milliseconds>(at - now);
  return std::max(delta, std::chrono::milliseconds(0));
}

}  // namespace nextra::llm
