#include "llm/prices.h"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace nextra::llm {

namespace {
constexpr std::size_t kMaxBytes = 1024 * 1024;
constexpr std::size_t kMaxEntries = 10'000;
}  // namespace

Result<PriceTable> PriceTable::parse(std::string_view text) {
  if (text.size() > kMaxBytes) return Error::invalid("price table larger than 1 MiB");
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return Error::invalid("price table is not a JSON object");
  if (!doc.contains("models") || !doc["models"].is_array()) {
    return Error{ErrorCode::InvalidArgument, "price table: models must be an array", "models"};
  }
  if (doc["models"].size() > kMaxEntries) return Error{ErrorCode::InvalidArgument, "price table: too many entries", "models"};
  PriceTable t;
  for (std::size_t i = 0; i < doc["models"].size(); ++i) {
    const auto& m = doc["models"][i];
    std::string at = "models[" + std::to_string(i) + "]";
    if (!m.is_object() || !m.contains("prefix") || !m["prefix"].is_string() || m["prefix"].get<std::string>().empty()) {
      return Error{ErrorCode::InvalidArgument, "price table: " + at + ".prefix must be a non-empty string", at + ".prefix"};
    }
    Entry e;
    e.prefix = m["prefix"].get<std::string>();
    for (const char* key : {"prompt", "completion"}) {
      if (!m.contains(key) || !m[key].is_number() || m[key].get<double>() < 0) {
        return Error{ErrorCode::InvalidArgument, "price table: " + at + "." + key + " must be a number >= 0",
                     at + "." + key};
      }
    }
    e.prompt = m["prompt"].get<double>();
    e.completion = m["completion"].get<double>();
    t.entries_.push_back(std::move(e));
  }
  return t;
}

Result<PriceTable> PriceTable::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::make(ErrorCode::NotFound, "cannot read price table " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  auto t = parse(ss.str());
  if (!t.ok()) {
    Error e = t.take_error();
    e.message = path + ": " + e.message;
    return e;
  }
  return t;
}

std::optional<double> PriceTable::cost_usd(std::string_view model, const Usage& usage) const {
  const Entry* best = nullptr;
  for (const auto& e : entries_) {
    if (model.substr(0, e.prefix.size()) == e.prefix && (!best || e.prefix.size() > best->prefix.size())) best = &e;
  }
  if (!best) return std::nullopt;
  return (static_cast<double>(usage.prompt_tokens) * best->prompt +
          static_cast<double>(usage.completion_tokens) * best->completion) / 1e6;
}

}  // namespace nextra::llm
