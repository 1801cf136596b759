#pragma once
// IP addresses and CIDR ranges for the outbound SSRF checks: which resolved addresses an
// outbound request may connect to. Pure functions; no I/O.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace nextra::net {

// An IPv4 or IPv6 address. IPv4 keeps its 4 bytes in bytes[0..3].
struct IpAddress {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};

  // "10.0.0.1", "::1", "[::1]" (brackets as in URLs). nullopt for anything else, including
  // zone ids ("fe80::1%eth0"): they only make sense for link-local targets, which are blocked.
  static std::optional<IpAddress> parse(std::string_view text);
  std::string to_string() const;  // canonical text, IPv6 without brackets
  int bit_count() const { return v6 ? 128 : 32; }
  bool operator==(const IpAddress&) const = default;
};

// "10.0.0.0/8", "fd00::/8", or a single address (a /32 or /128).
struct Cidr {
  IpAddress base;
  int prefix = 0;

  static Result<Cidr> parse(std::string_view text);
  bool contains(const IpAddress& address) const;
};

// Why `address` must not be reached from an outbound request, or nullopt when it is a
// public unicast address: "loopback", "private", "link-local (cloud metadata)", "carrier-grade
// NAT", "unspecified", "multicast", "reserved", "unique-local", "IPv4-mapped private", ...
// IPv4-mapped and IPv4-compatible IPv6 addresses (and NAT64 64:ff9b::/96) are judged by the
// IPv4 address they carry, since that is where the packets end up.
std::optional<std::string> blocked_reason(const IpAddress& address);

}  // namespace nextra::net
