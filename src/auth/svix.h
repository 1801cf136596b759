#pragma once
// Verification of Svix-signed webhooks (Clerk sends its user/organization events through Svix).
// Svix signs  id + "." + timestamp + "." + body  with HMAC-SHA256 under the endpoint secret and
// sends "v1,<base64 MAC>" entries in the svix-signature header; the timestamp bounds replay.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace nextra::auth {

// The svix-id, svix-timestamp and svix-signature header values.
struct SvixHeaders {
  std::string id, timestamp, signature;
};

// `secret` is "whsec_<base64 key>" (a bare base64 key is accepted too). Errors:
//   InvalidArgument  - a missing header, a non-numeric timestamp, or a bad secret;
//   PermissionDenied - "stale timestamp" when |now - timestamp| > tolerance (past or future),
//                      "signature mismatch" when no v1 entry matches (compared in constant time).
Status verify_svix(const SvixHeaders& h, std::string_view body, std::string_view secret,
                   std::int64_t now_seconds, std::int64_t tolerance_seconds = 300);

// The svix-signature header value ("v1,<base64>") for a body; for tests and tools.
// Empty when the secret is not valid base64.
std::string svix_sign(std::string_view id, std::int64_t timestamp, std::string_view body,
                      std::string_view secret);

}  // namespace nextra::auth
