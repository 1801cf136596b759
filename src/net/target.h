#pragma once
// The SSRF gate: turns a URL into a target an outbound request may connect to, or refuses
// it. The host is resolved here, once, and every resolved address must pass
// blocked_reason() (or the allowlist); the caller then pins exactly these addresses in
// libcurl so a second DNS answer (a rebind) can never be used.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "net/address.h"
#include "net/allowlist.h"

namespace nextra::net {

struct Target {
  std::string url;     // normalised by libcurl's URL parser
  std::string scheme;  // "http" | "https"
  std::string host;    // as in the URL, without IPv6 brackets, lower case
  std::uint16_t port = 0;
  std::vector<IpAddress> addresses;  // the vetted addresses, in resolver order
};

// Parses `url` (absolute, http or https only, no user:password part) and resolves its host.
// Errors: InvalidArgument (bad URL or scheme), NotFound (the name does not resolve),
// PermissionDenied (an address is blocked; the message says which and why).
// Blocks for the DNS lookup: call it off the pump's threads.
Result<Target> check_target(std::string_view url, const Allowlist& allowlist);

// `location` (absolute or relative) against `base`, for following a redirect.
Result<std::string> resolve_reference(std::string_view base, std::string_view location);

// "https://host:port/path" without query and fragment: what errors may show of a URL, since
// query strings carry keys (Gemini's ?key=) and tokens.
std::string describe_url(std::string_view url);

}  // namespace nextra::net
