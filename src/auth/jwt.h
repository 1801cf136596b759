#pragma once
// Verification of Clerk/OIDC bearer tokens: compact JWS JWTs signed with RS256 against the
// issuer's JSON Web Key Set. Only RS256 is accepted, so "alg":"none" and HS256-with-the-public-
// key confusion attacks fail by construction. OpenSSL stays out of this header.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace nextra::auth {

struct JwtExpectations {
  std::string issuer;    // required: the token's "iss" must equal it (an empty issuer rejects all)
  std::string audience;  // empty = do not check "aud"
  std::int64_t leeway_seconds = 60;  // clock skew allowed for exp and nbf (clamped to 0..1 day)
};

struct JwtClaims {
  std::string subject;  // "sub", required
  std::string email;    // "email", empty if absent
  std::string name;     // "name", empty if absent
  std::string issuer;   // "iss"
  std::int64_t expires_at = 0;  // "exp", seconds since the epoch
  nlohmann::json raw;   // the whole payload
};

class Jwks;

// Checks, in order: three base64url parts; header "alg" == "RS256" exactly; no "crit"; the key
// ("kid" selects it; without a kid each key is tried); the signature over "header.payload";
// iss == expect.issuer; aud (string or array) contains expect.audience when set; "exp" present
// and now < exp + leeway; "nbf" (if present) <= now + leeway; "sub" present.
// Errors: InvalidArgument for a malformed token (including a header without "alg"); PermissionDenied naming what failed
// ("unsupported alg", "unknown kid", "bad signature", "wrong issuer", "wrong audience",
// "expired", "not yet valid", "missing subject").
Result<JwtClaims> verify_jwt(std::string_view token, const Jwks& keys, const JwtExpectations& expect,
                             std::int64_t now_seconds);

// A parsed JSON Web Key Set holding the usable RSA signing keys. Movable, not copyable.
// verify_jwt may be called on one Jwks from many threads at once.
class Jwks {
 public:
  // {"keys":[...]}. RSA keys need "n" and "e" (base64url); "kid" optional; keys whose "alg" is
  // set and not RS256 or whose "use" is set and not "sig" are skipped, as are non-RSA keys.
  // InvalidArgument for bad JSON, a malformed or < 2048-bit RSA key, or no usable key.
  static Result<Jwks> parse(std::string_view json);

  Jwks(Jwks&&) noexcept;
  Jwks& operator=(Jwks&&) noexcept;
  Jwks(const Jwks&) = delete;
  Jwks& operator=(const Jwks&) = delete;
  ~Jwks();

  std::size_t size() const;
  // True when a key carries exactly this kid.
  bool has_kid(std::string_view kid) const;

 private:
  struct Impl;
  explicit Jwks(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;

  friend Result<JwtClaims> verify_jwt(std::string_view token, const Jwks& keys,
                                      const JwtExpectations& expect, std::int64_t now_seconds);
};

// Loads a JWKS from a file path or an http(s):// URL (libcurl: 5 s timeout, 1 MiB cap, only
// http/https also for redirects). Errors: NotFound/InvalidArgument for a file, Unavailable for a
// failed fetch or non-200 answer, ResourceExhausted over 1 MiB, or Jwks::parse's errors.
Result<Jwks> load_jwks(const std::string& file_or_url);

// A JWKS loaded from `file_or_url`, reloaded when older than `refresh`, and at once (at most
// once a minute) when a token names a kid the set does not have, so key rotation is picked up.
// When a reload fails the previous keys stay in use. Thread-safe; loads happen under a lock,
// verification does not.
class JwksCache {
 public:
  explicit JwksCache(std::string file_or_url, std::chrono::seconds refresh = std::chrono::seconds(3600));

  // verify_jwt against the current keys; load_jwks's error if no keys could be loaded yet
  // (a failed first load is retried at most every 5 s).
  Result<JwtClaims> verify(std::string_view token, const JwtExpectations& expect, std::int64_t now_seconds);

 private:
  using Clock = std::chrono::steady_clock;
  Result<std::shared_ptr<const Jwks>> keys_for(std::string_view kid);

  const std::string source_;
  const std::chrono::seconds refresh_;
  std::mutex mu_;
  std::shared_ptr<const Jwks> keys_;
  Clock::time_point next_refresh_{};
  Clock::time_point last_kid_reload_{};
  bool kid_reloaded_ = false;
  Error last_error_;  // the last failed load, returned while no keys exist
};

}  // namespace nextra::auth
