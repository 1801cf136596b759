#pragma once
// Removes secret values from logs and traces before they are written. Every occurrence of
// every registered value becomes "[secret:NAME]". Where occurrences overlap, the longest
// value claims the placeholder and the overlapping bytes of shorter values are swallowed into
// it, so no fragment of any value survives. Values shorter than 4 bytes are ignored:
// redacting "a" or "1" everywhere would destroy the logs and protect nothing.
//
// Thread-safe: add() and remove() take a unique lock, redact() a shared one, so secrets can
// be registered while other threads redact.

#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace nextra::vault {

class Redactor {
 public:
  static constexpr std::size_t kMinValueSize = 4;

  // Registers (or replaces) the value for `name`. A value shorter than kMinValueSize removes
  // any earlier value of `name` and is not registered.
  void add(std::string name, std::string value);
  void remove(std::string_view name);

  std::string redact(std::string_view text) const;
  bool empty() const;

 private:
  struct Entry {
    std::string name;
    std::string value;
  };
  void remove_locked(std::string_view name);

  mutable std::shared_mutex mu_;
  std::vector<Entry> entries_;  // longest value first
};

}  // namespace nextra::vault
