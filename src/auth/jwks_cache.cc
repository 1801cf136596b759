// JwksCache: a JWKS kept fresh by periodic and on-unknown-kid reloads.

#include "auth/jwt.h"
#include "auth/jwt_internal.h"

namespace nextra::auth {

namespace {
constexpr std::chrono::seconds kKidReloadInterval{60};
constexpr std::chrono::seconds kRetryAfterFailure{60};  // with old keys to fall back on
constexpr std::chrono::seconds kRetryWithoutKeys{5};
}  // namespace

JwksCache::JwksCache(std::string file_or_url, std::chrono::seconds refresh)
    : source_(std::move(file_or_url)), refresh_(refresh) {}

Result<std::shared_ptr<const Jwks>> JwksCache::keys_for(std::string_view kid) {
  std::lock_guard lock(mu_);
  const auto now = Clock::now();
  bool reload = now >= next_refresh_;
  if (!keys_ && !reload) return last_error_;  // a recent load failed; do not hammer the source
  if (!reload && !kid.empty() && !keys_->has_kid(kid) &&
      (!kid_reloaded_ || now - last_kid_reload_ >= kKidReloadInterval)) {
    reload = true;
    kid_reloaded_ = true;
    last_kid_reload_ = now;
  }
  if (reload) {
    auto loaded = load_jwks(source_);
    if (loaded.ok()) {
      keys_ = std::make_shared<const Jwks>(std::move(loaded).value());
      next_refresh_ = now + refresh_;
    } else if (!keys_) {
      last_error_ = loaded.take_error();  // never had keys: nothing to fall back to
      next_refresh_ = now + std::min<Clock::duration>(refresh_, kRetryWithoutKeys);
      return last_error_;
    } else {
      next_refresh_ = now + std::min<Clock::duration>(refresh_, kRetryAfterFailure);  // keep the old keys
    }
  }
  return keys_;
}

Result<JwtClaims> JwksCache::verify(std::string_view token, const JwtExpectations& expect,
                                    std::int64_t now_seconds) {
  const std::string kid = detail::jwt_header_kid(token);
  NEXTRA_ASSIGN_OR_RETURN(auto keys, keys_for(kid));
  return verify_jwt(token, *keys, expect, now_seconds);
}

}  // namespace nextra::auth
