#include "auth/svix.h"

#include <charconv>
#include <optional>

#include "auth/tokens.h"

namespace nextra::auth {

namespace {

constexpr std::string_view kSecretPrefix = "whsec_";
constexpr std::string_view kVersionPrefix = "v1,";

std::optional<std::string> secret_key(std::string_view secret) {
  if (secret.substr(0, kSecretPrefix.size()) == kSecretPrefix) secret.remove_prefix(kSecretPrefix.size());
  auto key = base64_decode(secret);
  if (!key || key->empty()) return std::nullopt;
  return key;
}

std::string expected_signature(std::string_view key, std::string_view id, std::string_view timestamp,
                               std::string_view body) {
  std::string content;
  content.reserve(id.size() + timestamp.size() + body.size() + 2);
  content.append(id).append(".").append(timestamp).append(".").append(body);
  return base64_encode(hmac_sha256(key, content));
}

Error missing(const char* header) {
  Error e = Error::invalid(std::string("missing ") + header + " header");
  e.field = header;
  return e;
}

}  // namespace

Status verify_svix(const SvixHeaders& h, std::string_view body, std::string_view secret,
                   std::int64_t now_seconds, std::int64_t tolerance_seconds) {
  if (h.id.empty()) return missing("svix-id");
  if (h.timestamp.empty()) return missing("svix-timestamp");
  if (h.signature.empty()) return missing("svix-signature");

  std::int64_t ts = 0;
  const char* end = h.timestamp.data() + h.timestamp.size();
  auto [ptr, ec] = std::from_chars(h.timestamp.data(), end, ts);
  if (ec != std::errc() || ptr != end || h.timestamp.front() == '-') {
    Error e = Error::invalid("svix-timestamp is not a number of seconds");
    e.field = "svix-timestamp";
    return e;
  }
  auto key = secret_key(secret);
  if (!key) return Error::invalid("webhook secret is not a valid whsec_<base64> secret");

  // |now - ts| > tolerance, written so it cannot overflow for any non-negative ts.
  const std::int64_t tolerance = tolerance_seconds < 0 ? 0 : tolerance_seconds;
  const bool too_old = now_seconds > ts && now_seconds - ts > tolerance;
  const bool too_new = ts > now_seconds && (now_seconds < 0 || ts - now_seconds > tolerance);
  if (too_old || too_new) return Error::make(ErrorCode::PermissionDenied, "stale timestamp");

  const std::string expected = expected_signature(*key, h.id, h.timestamp, body);
  bool matched = false;
  std::string_view rest = h.signature;
  while (!rest.empty()) {
    const auto space = rest.find(' ');
    std::string_view entry = rest.substr(0, space);
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
    if (entry.substr(0, kVersionPrefix.size()) != kVersionPrefix) continue;  // other versions
    entry.remove_prefix(kVersionPrefix.size());
    // No early exit: every entry is compared so timing does not reveal which one matched.
    matched = constant_time_equals(entry, expected) || matched;
  }
  if (!matched) return Error::make(ErrorCode::PermissionDenied, "signature mismatch");
  return {};
}

std::string svix_sign(std::string_view id, std::int64_t timestamp, std::string_view body,
                      std::string_view secret) {
  auto key = secret_key(secret);
  if (!key) return {};
  return std::string(kVersionPrefix) + expected_signature(*key, id, std::to_string(timestamp), body);
}

}  // namespace nextra::auth
