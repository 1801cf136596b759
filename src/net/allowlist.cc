#include "net/allowlist.h"

#include <algorithm>
#include <cctype>

namespace nextra::net {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool valid_host_name(std::string_view h) {
  if (h.empty() || h.size() > 253) return false;
  return std::all_of(h.begin(), h.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
  });
}

}  // namespace

Result<Allowlist> Allowlist::parse(const std::vector<std::string>& entries) {
  if (entries.size() > kMaxEntries) {
    return Error::invalid("allowlist: at most " + std::to_string(kMaxEntries) + " entries");
  }
  Allowlist list;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::string& e = entries[i];
    bool looks_numeric = e.find(':') != std::string::npos || e.find('/') != std::string::npos ||
                         IpAddress::parse(e).has_value();
    if (looks_numeric) {
      auto c = Cidr::parse(e);
      if (!c.ok()) {
        Error err = c.take_error();
        err.field = "allowlist[" + std::to_string(i) + "]";
        return err;
      }
      list.ranges_.push_back(*c);
    } else if (valid_host_name(e)) {
      list.hosts_.push_back(lower(e));
    } else {
      Error err = Error::invalid("allowlist: '" + e + "' is neither a host name, an address nor a CIDR range");
      err.field = "allowlist[" + std::to_string(i) + "]";
      return err;
    }
  }
  return list;
}

bool Allowlist::allows_host(std::string_view host) const {
  std::string h = lower(host);
  if (!h.empty() && h.back() == '.') h.pop_back();  // "localhost." is "localhost"
  return std::find(hosts_.begin(), hosts_.end(), h) != hosts_.end();
}

bool Allowlist::allows_address(const IpAddress& address) const {
  return std::any_of(ranges_.begin(), ranges_.end(), [&](const Cidr& c) { return c.contains(address); });
}

}  // namespace nextra::net
