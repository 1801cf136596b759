#include "vault/redactor.h"

#include <algorithm>
#include <mutex>

namespace nextra::vault {

void Redactor::remove_locked(std::string_view name) {
  std::erase_if(entries_, [&](const Entry& e) { return e.name == name; });
}

void Redactor::add(std::string name, std::string value) {
  std::unique_lock lock(mu_);
  remove_locked(name);
  if (value.size() < kMinValueSize) return;
  Entry entry{std::move(name), std::move(value)};
  auto at = std::upper_bound(entries_.begin(), entries_.end(), entry,
                             [](const Entry& a, const Entry& b) {
                               return a.value.size() > b.value.size();
                             });
  entries_.insert(at, std::move(entry));
}

void Redactor::remove(std::string_view name) {
  std::unique_lock lock(mu_);
  remove_locked(name);
}

bool Redactor::empty() const {
  std::shared_lock lock(mu_);
  return entries_.empty();
}

std::string Redactor::redact(std::string_view text) const {
  std::shared_lock lock(mu_);
  if (entries_.empty() || text.empty()) return std::string(text);

  // Each occurrence that lands on unclaimed bytes makes a claim (claims[c] = its entry);
  // owner[i] = c + 1 for the claim holding byte i, 0 when unclaimed. Values are visited
  // longest first, so a longer value claims bytes before a shorter one; bytes of a shorter
  // occurrence that stick out of a claimed region join that region.
  std::vector<std::size_t> owner;
  std::vector<std::size_t> claims;
  for (std::size_t e = 0; e < entries_.size(); ++e) {
    const std::string& value = entries_[e].value;
    for (std::size_t pos = text.find(value); pos != std::string_view::npos;
         pos = text.find(value, pos + 1)) {
      if (owner.empty()) owner.assign(text.size(), 0);
      std::size_t end = pos + value.size();
      std::size_t claim = 0;
      for (std::size_t i = pos; i < end; ++i) {
        if (owner[i] != 0) {
          claim = owner[i];
          break;
        }
      }
      if (claim == 0) {
        claims.push_back(e);
        claim = claims.size();
      }
      for (std::size_t i = pos; i < end; ++i) {
        if (owner[i] == 0) owner[i] = claim;
      }
    }
  }
  if (owner.empty()) return std::string(text);

  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (owner[i] == 0) {
      out.push_back(text[i++]);
      continue;
    }
    std::size_t claim = owner[i];
    out.append("[secret:").append(entries_[claims[claim - 1]].name).push_back(']');
    while (i < text.size() && owner[i] == claim) ++i;
  }
  return out;
}

}  // namespace nextra::vault

