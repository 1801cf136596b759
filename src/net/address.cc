#include "net/address.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace nextra::net {

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  if (text.empty() || text.size() > 45) return std::nullopt;
  std::string s(text);
  IpAddress a;
  if (s.find(':') == std::string::npos) {
    // inet_pton accepts only dotted-quad decimal; inet_aton's "0x7f.1" or "2130706433"
    // forms are refused here and so never reach a check as something else.
    if (::inet_pton(AF_INET, s.c_str(), a.bytes.data()) != 1) return std::nullopt;
    return a;
  }
  a.v6 = true;
  if (::inet_pton(AF_INET6, s.c_str(), a.bytes.data()) != 1) return std::nullopt;
  return a;
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof(buf));
  return buf;
}

Result<Cidr> Cidr::parse(std::string_view text) {
  Cidr c;
  auto slash = text.find('/');
  auto addr = IpAddress::parse(text.substr(0, slash));
  if (!addr) return Error::invalid("not an IP address or CIDR range: '" + std::string(text) + "'");
  c.base = *addr;
  c.prefix = addr->bit_count();
  if (slash != std::string_view::npos) {
    auto p = text.substr(slash + 1);
    int prefix = -1;
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), prefix);
    if (ec != std::errc() || end != p.data() + p.size() || prefix < 0 || prefix > addr->bit_count()) {
      return Error::invalid("bad prefix length in CIDR range '" + std::string(text) + "'");
    }
    c.prefix = prefix;
  }
  return c;
}

bool Cidr::contains(const IpAddress& address) const {
  if (address.v6 != base.v6) return false;
  int full = prefix / 8;
  if (std::memcmp(address.bytes.data(), base.bytes.data(), full) != 0) return false;
  int rest = prefix % 8;
  if (rest == 0) return true;
  std::uint8_t mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (address.bytes[full] & mask) == (base.bytes[full] & mask);
}

namespace {

bool in(const IpAddress& a, const char* cidr) {
  auto c = Cidr::parse(cidr);
  return c.ok() && c->contains(a);
}

std::optional<std::string> blocked_v4(const IpAddress& a) {
  struct Range {
    const char* cidr;
    const char* reason;
  };
  // IANA special-purpose registry entries that are not globally reachable.
  static constexpr Range kRanges[] = {
      {"0.0.0.0/8", "unspecified ('this network')"},
      {"10.0.0.0/8", "private"},
      {"100.64.0.0/10", "carrier-grade NAT"},
      {"127.0.0.0/8", "loopback"},
      {"169.254.0.0/16", "link-local (cloud metadata)"},
      {"172.16.0.0/12", "private"},
      {"192.0.0.0/24", "IETF protocol assignments"},
      {"192.0.2.0/24", "documentation"},
      {"192.88.99.0/24", "6to4 relay anycast"},
      {"192.168.0.0/16", "private"},
      {"198.18.0.0/15", "benchmarking"},
      {"198.51.100.0/24", "documentation"},
      {"203.0.113.0/24", "documentation"},
      {"224.0.0.0/4", "multicast"},
      {"240.0.0.0/4", "reserved"},  // includes 255.255.255.255 broadcast
  };
  for (const auto& r : kRanges) {
    if (in(a, r.cidr)) return std::string(r.reason);
  }
  return std::nullopt;
}

IpAddress embedded_v4(const IpAddress& a, int offset) {
  IpAddress v4;
  std::memcpy(v4.bytes.data(), a.bytes.data() + offset, 4);
  return v4;
}

}  // namespace

std::optional<std::string> blocked_reason(const IpAddress& a) {
  if (!a.v6) return blocked_v4(a);
  // Addresses that carry an IPv4 address: judged by it.
  if (in(a, "::ffff:0:0/96") || in(a, "64:ff9b::/96")) {
    if (auto r = blocked_v4(embedded_v4(a, 12))) return "IPv4-mapped " + *r;
    return std::nullopt;
  }
  if (in(a, "::/128")) return std::string("unspecified");
  if (in(a, "::1/128")) return std::string("loopback");
  if (in(a, "::/96")) {  // deprecated IPv4-compatible
    if (auto r = blocked_v4(embedded_v4(a, 12))) return "IPv4-compatible " + *r;
    return std::string("reserved (IPv4-compatible)");
  }
  struct Range {
    const char* cidr;
    const char* reason;
  };
  static constexpr Range kRanges[] = {
      {"fc00::/7", "unique-local (private)"},
      {"fe80::/10", "link-local"},
      {"fec0::/10", "site-local (deprecated private)"},
      {"ff00::/8", "multicast"},
      {"100::/64", "discard-only"},
      {"2001:db8::/32", "documentation"},
      {"2001::/23", "IETF protocol assignments"},
      {"2002::/16", "6to4 (may carry a private IPv4 address)"},
  };
  for (const auto& r : kRanges) {
    if (in(a, r.cidr)) return std::string(r.reason);
  }
  // Only global unicast (2000::/3) is reachable on the internet.
  if (!in(a, "2000::/3")) return std::string("reserved");
  return std::nullopt;
}

}  // namespace nextra::net
