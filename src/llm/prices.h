#pragma once
// The price table (data/llm_prices.json): USD per million prompt and completion tokens by
// model prefix; the longest matching prefix wins. Immutable after loading, so shared
// between threads without a lock.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "llm/types.h"

namespace nextra::llm {

class PriceTable {
 public:
  PriceTable() = default;  // empty: every cost is unknown

  // Errors name the entry ("models[3].prompt"). At most 10,000 entries, 1 MiB of text.
  static Result<PriceTable> parse(std::string_view json_text);
  static Result<PriceTable> load(const std::string& path);

  // nullopt for a model no prefix matches.
  std::optional<double> cost_usd(std::string_view model, const Usage& usage) const;
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string prefix;
    double prompt = 0;      // USD per 1M tokens
    double completion = 0;
  };
  std::vector<Entry> entries_;
};

// data/llm_prices.json as it was at build time.
const PriceTable& builtin_prices();

}  // namespace nextra::llm
