#pragma once
// What an administrator lets through the SSRF checks: host names ("ollama.internal") and
// address ranges ("10.20.0.0/16", "127.0.0.1"). Set once at start-up from the operator's
// configuration, never from a flow: a flow author must not be able to widen it.
// Immutable after construction, so it is shared between threads without a lock.

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "net/address.h"

namespace nextra::net {

class Allowlist {
 public:
  static constexpr std::size_t kMaxEntries = 1024;

  Allowlist() = default;  // empty: every private target is blocked

  // Each entry is an IP address, a CIDR range or a host name (compared case-insensitively,
  // exactly; no wildcards). Errors name the offending entry.
  static Result<Allowlist> parse(const std::vector<std::string>& entries);

  // A listed host name may resolve to anything (the administrator vouched for it).
  bool allows_host(std::string_view host) const;
  bool allows_address(const IpAddress& address) const;
  bool empty() const { return hosts_.empty() && ranges_.empty(); }

 private:
  std::vector<std::string> hosts_;  // lower case
  std::vector<Cidr> ranges_;
};

}  // namespace nextra::net
