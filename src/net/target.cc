#include "net/target.h"

#include <curl/curl.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <memory>

namespace nextra::net {

namespace {

constexpr std::size_t kMaxUrlBytes = 8 * 1024;
constexpr std::size_t kMaxAddresses = 32;  // a name with more answers than this is refused

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
using UrlPtr = std::unique_ptr<CURLU, UrlDeleter>;

std::string part(CURLU* u, CURLUPart which, unsigned flags = 0) {
  char* out = nullptr;
  if (curl_url_get(u, which, &out, flags) != CURLUE_OK || out == nullptr) return {};
  std::string s(out);
  curl_free(out);
  return s;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

Result<std::vector<IpAddress>> resolve(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &res);
  if (rc != 0) {
    return Error::make(ErrorCode::NotFound, "cannot resolve host '" + host + "': " + gai_strerror(rc));
  }
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> guard(res, ::freeaddrinfo);
  std::vector<IpAddress> out;
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    IpAddress a;
    if (ai->ai_family == AF_INET) {
      std::memcpy(a.bytes.data(), &reinterpret_cast<sockaddr_in*>(ai->ai_addr)->sin_addr, 4);
    } else if (ai->ai_family == AF_INET6) {
      a.v6 = true;
      std::memcpy(a.bytes.data(), &reinterpret_cast<sockaddr_in6*>(ai->ai_addr)->sin6_addr, 16);
    } else {
      continue;
    }
    if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
    if (out.size() > kMaxAddresses) {
      return Error::make(ErrorCode::PermissionDenied, "host '" + host + "' has too many addresses");
    }
  }
  if (out.empty()) return Error::make(ErrorCode::NotFound, "host '" + host + "' has no address");
  return out;
}

}  // namespace

std::string describe_url(std::string_view url) {
  auto cut = url.find_first_of("?#");
  std::string s(url.substr(0, cut));
  // Drop any user:password@ part as well.
  auto scheme_end = s.find("://");
  if (scheme_end != std::string::npos) {
    auto host_start = scheme_end + 3;
    auto path_start = s.find('/', host_start);
    auto at = s.rfind('@', path_start == std::string::npos ? s.size() : path_start);
    if (at != std::string::npos && at >= host_start) s.erase(host_start, at + 1 - host_start);
  }
  if (s.size() > 200) s = s.substr(0, 200) + "...";
  return s;
}

Result<Target> check_target(std::string_view url, const Allowlist& allowlist) {
  if (url.size() > kMaxUrlBytes) {
    return Error::invalid("URL longer than " + std::to_string(kMaxUrlBytes) + " bytes");
  }
  UrlPtr u(curl_url());
  if (!u) return Error::make(ErrorCode::Internal, "out of memory");
  std::string text(url);
  if (curl_url_set(u.get(), CURLUPART_URL, text.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
    return Error::invalid("not an absolute URL: '" + describe_url(url) + "'");
  }
  Target t;
  t.scheme = lower(part(u.get(), CURLUPART_SCHEME));
  if (t.scheme != "http" && t.scheme != "https") {
    return Error::invalid("only http and https URLs are allowed, not '" + t.scheme + "'");
  }
  if (!part(u.get(), CURLUPART_USER).empty() || !part(u.get(), CURLUPART_PASSWORD).empty()) {
    return Error::invalid("URLs with user:password@ are not allowed; send credentials in a header");
  }
  if (!part(u.get(), CURLUPART_ZONEID).empty()) {
    return Error::make(ErrorCode::PermissionDenied, "IPv6 zone ids are not allowed (link-local)");
  }
  t.host = lower(part(u.get(), CURLUPART_HOST));
  if (t.host.size() >= 2 && t.host.front() == '[') t.host = t.host.substr(1, t.host.size() - 2);
  if (!t.host.empty() && t.host.back() == '.') t.host.pop_back();
  if (t.host.empty()) return Error::invalid("URL has no host: '" + describe_url(url) + "'");
  std::string port = part(u.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  unsigned p = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (ec != std::errc() || end != port.data() + port.size() || p == 0 || p > 65535) {
    return Error::invalid("bad port in URL '" + describe_url(url) + "'");
  }
  t.port = static_cast<std::uint16_t>(p);
  t.url = part(u.get(), CURLUPART_URL);

  if (auto literal = IpAddress::parse(t.host)) {
    t.addresses.push_back(*literal);
  } else {
    NEXTRA_ASSIGN_OR_RETURN(t.addresses, resolve(t.host));
  }
  if (allowlist.allows_host(t.host)) return t;
  // Every address must be acceptable, not just one: curl may try any of them.
  for (const auto& a : t.addresses) {
    if (allowlist.allows_address(a)) continue;
    if (auto why = blocked_reason(a)) {
      std::string msg = "blocked: '" + t.host + "'";
      if (a.to_string() != t.host) msg += " resolves to " + a.to_string() + ",";
      msg += " a " + *why + " address (an administrator can allowlist it)";
      return Error::make(ErrorCode::PermissionDenied, msg);
    }
  }
  return t;
}

Result<std::string> resolve_reference(std::string_view base, std::string_view location) {
  if (location.size() > kMaxUrlBytes) return Error::invalid("redirect location too long");
  UrlPtr u(curl_url());
  if (!u) return Error::make(ErrorCode::Internal, "out of memory");
  std::string b(base), l(location);
  if (curl_url_set(u.get(), CURLUPART_URL, b.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
      curl_url_set(u.get(), CURLUPART_URL, l.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
    return Error::invalid("bad redirect location '" + describe_url(location) + "'");
  }
  return part(u.get(), CURLUPART_URL);
}

}  // namespace nextra::net
