#include "auth/jwt.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "auth/jwt_internal.h"
#include "auth/tokens.h"

namespace nextra::auth {

namespace {

constexpr int kMinRsaBits = 2048;
constexpr std::int64_t kMaxLeeway = 86400;
constexpr std::int64_t kTimeLimit = std::int64_t{1} << 52;  // keeps exp/nbf arithmetic safe

struct PkeyFree { void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); } };
struct BnFree { void operator()(BIGNUM* p) const { BN_free(p); } };
struct BldFree { void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); } };
struct ParamFree { void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); } };
struct PkeyCtxFree { void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); } };
struct MdCtxFree { void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); } };
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

Error denied(std::string msg) { return Error::make(ErrorCode::PermissionDenied, std::move(msg)); }
Error malformed(std::string msg) { return Error::invalid("malformed token: " + std::move(msg)); }

const nlohmann::json* member(const nlohmann::json& obj, const char* name) {
  auto it = obj.find(name);
  return it == obj.end() ? nullptr : &*it;
}

std::optional<std::string> string_member(const nlohmann::json& obj, const char* name) {
  const auto* v = member(obj, name);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return v->get<std::string>();
}

// A NumericDate (RFC 7519 §2) as whole seconds, clamped to ±2^52; nullopt if not a number.
std::optional<std::int64_t> numeric_date(const nlohmann::json& v) {
  double d = 0;
  if (v.is_number_unsigned()) {
    auto u = v.get<std::uint64_t>();
    return static_cast<std::int64_t>(std::min<std::uint64_t>(u, kTimeLimit));
  }
  if (v.is_number_integer()) {
    return std::clamp(v.get<std::int64_t>(), -kTimeLimit, kTimeLimit);
  }
  if (!v.is_number_float()) return std::nullopt;
  d = v.get<double>();
  if (!std::isfinite(d)) return std::nullopt;
  d = std::clamp(std::floor(d), -static_cast<double>(kTimeLimit), static_cast<double>(kTimeLimit));
  return static_cast<std::int64_t>(d);
}

Result<PkeyPtr> rsa_public_key(std::string_view n_b64, std::string_view e_b64) {
  auto n_bytes = base64url_decode(n_b64);
  auto e_bytes = base64url_decode(e_b64);
  if (!n_bytes || n_bytes->empty()) return Error::invalid("JWKS: RSA key \"n\" is not base64url");
  if (!e_bytes || e_bytes->empty() || e_bytes->size() > 8) {
    return Error::invalid("JWKS: RSA key \"e\" is not a base64url exponent");
  }
  auto to_bn = [](const std::string& bytes) {
    return std::unique_ptr<BIGNUM, BnFree>(BN_bin2bn(
        reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()), nullptr));
  };
  auto n = to_bn(*n_bytes);
  auto e = to_bn(*e_bytes);
  std::unique_ptr<OSSL_PARAM_BLD, BldFree> bld(OSSL_PARAM_BLD_new());
  if (!n || !e || !bld) return Error::make(ErrorCode::Internal, "JWKS: out of memory");
  if (BN_num_bits(n.get()) < kMinRsaBits) return Error::invalid("JWKS: RSA key shorter than 2048 bits");
  if (!BN_is_odd(e.get()) || BN_is_one(e.get())) return Error::invalid("JWKS: RSA exponent is invalid");
  if (OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1) {
    return Error::make(ErrorCode::Internal, "JWKS: cannot build RSA parameters");
  }
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld.get()));
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1 || raw == nullptr) {
    return Error::invalid("JWKS: RSA key rejected by OpenSSL");
  }
  return PkeyPtr(raw);
}

bool verify_rs256(EVP_PKEY* key, std::string_view signing_input, const std::string& sig) {
  if (sig.size() != static_cast<std::size_t>(EVP_PKEY_get_size(key))) return false;
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1) return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                          reinterpret_cast<const unsigned char*>(signing_input.data()),
                          signing_input.size()) == 1;
}

struct Parts {
  std::string_view header, payload, signature;
};

std::optional<Parts> split(std::string_view token) {
  const auto a = token.find('.');
  if (a == std::string_view::npos) return std::nullopt;
  const auto b = token.find('.', a + 1);
  if (b == std::string_view::npos || token.find('.', b + 1) != std::string_view::npos) return std::nullopt;
  Parts p{token.substr(0, a), token.substr(a + 1, b - a - 1), token.substr(b + 1)};
  if (p.header.empty() || p.payload.empty() || p.signature.empty()) return std::nullopt;
  return p;
}

// Base64url (JWS forbids padding) then a JSON object.
std::optional<nlohmann::json> decode_object(std::string_view part) {
  if (part.find('=') != std::string_view::npos) return std::nullopt;
  auto bytes = base64url_decode(part);
  if (!bytes) return std::nullopt;
  auto j = nlohmann::json::parse(*bytes, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

}  // namespace

struct Jwks::Impl {
  struct Key {
    std::string kid;  // empty when the JWK has none
    PkeyPtr pkey;
  };
  std::vector<Key> keys;
};

Jwks::Jwks(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Jwks::Jwks(Jwks&&) noexcept = default;
Jwks& Jwks::operator=(Jwks&&) noexcept = default;
Jwks::~Jwks() = default;

std::size_t Jwks::size() const { return impl_ ? impl_->keys.size() : 0; }

bool Jwks::has_kid(std::string_view kid) const {
  if (!impl_) return false;
  return std::any_of(impl_->keys.begin(), impl_->keys.end(),
                     [&](const Impl::Key& k) { return !k.kid.empty() && k.kid == kid; });
}

Result<Jwks> Jwks::parse(std::string_view json) {
  auto doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return Error::invalid("JWKS: not a JSON object");
  const auto* keys = member(doc, "keys");
  if (keys == nullptr || !keys->is_array()) return Error::invalid("JWKS: no \"keys\" array");
  auto impl = std::make_unique<Impl>();
  for (const auto& jwk : *keys) {
    if (!jwk.is_object() || string_member(jwk, "kty") != "RSA") continue;
    if (auto alg = string_member(jwk, "alg"); member(jwk, "alg") != nullptr && alg != "RS256") continue;
    if (auto use = string_member(jwk, "use"); member(jwk, "use") != nullptr && use != "sig") continue;
    auto n = string_member(jwk, "n");
    auto e = string_member(jwk, "e");
    if (!n || !e) return Error::invalid("JWKS: RSA key without string \"n\" and \"e\"");
    const auto* kid_member = member(jwk, "kid");
    if (kid_member != nullptr && !kid_member->is_string()) return Error::invalid("JWKS: \"kid\" is not a string");
    NEXTRA_ASSIGN_OR_RETURN(auto pkey, rsa_public_key(*n, *e));
    impl->keys.push_back({string_member(jwk, "kid").value_or(""), std::move(pkey)});
  }
  if (impl->keys.empty()) return Error::invalid("JWKS: no usable RS256 signing key");
  return Jwks(std::move(impl));
}

Result<JwtClaims> verify_jwt(std::string_view token, const Jwks& keys, const JwtExpectations& expect,
                             std::int64_t now_seconds) {
  auto parts = split(token);
  if (!parts) return malformed("expected three non-empty dot-separated parts");
  auto header = decode_object(parts->header);
  if (!header) return malformed("header is not base64url JSON");

  auto alg = string_member(*header, "alg");
  if (!alg) return malformed("header has no alg");
  if (*alg != "RS256") return denied("unsupported alg (only RS256 is accepted)");
  if (member(*header, "crit") != nullptr) return denied("unsupported critical header");
  const auto* kid_member = member(*header, "kid");
  if (kid_member != nullptr && !kid_member->is_string()) return malformed("kid is not a string");
  auto kid = string_member(*header, "kid");

  auto sig = base64url_decode(parts->signature);
  if (!sig || parts->signature.find('=') != std::string_view::npos) return malformed("signature is not base64url");
  const std::string_view signing_input = token.substr(0, parts->header.size() + 1 + parts->payload.size());

  // With a kid: the key carrying it (or, for a set without kids, any key). Without: each key.
  bool tried = false, verified = false;
  if (keys.impl_) {
    for (const auto& k : keys.impl_->keys) {
      if (kid && !k.kid.empty() && k.kid != *kid) continue;
      tried = true;
      if (verify_rs256(k.pkey.get(), signing_input, *sig)) {
        verified = true;
        break;
      }
    }
  }
  if (!tried) return denied("unknown kid");
  if (!verified) return denied("bad signature");

  auto payload = decode_object(parts->payload);
  if (!payload) return malformed("payload is not base64url JSON");

  JwtClaims claims;
  claims.issuer = string_member(*payload, "iss").value_or("");
  if (expect.issuer.empty() || claims.issuer != expect.issuer) return denied("wrong issuer");

  if (!expect.audience.empty()) {
    bool aud_ok = false;
    if (const auto* aud = member(*payload, "aud")) {
      if (aud->is_string()) {
        aud_ok = aud->get<std::string>() == expect.audience;
      } else if (aud->is_array()) {
        aud_ok = std::any_of(aud->begin(), aud->end(), [&](const nlohmann::json& a) {
          return a.is_string() && a.get<std::string>() == expect.audience;
        });
      }
    }
    if (!aud_ok) return denied("wrong audience");
  }

  const std::int64_t leeway = std::clamp<std::int64_t>(expect.leeway_seconds, 0, kMaxLeeway);
  const std::int64_t now = std::clamp(now_seconds, -kTimeLimit, kTimeLimit);
  const auto* exp_member = member(*payload, "exp");
  if (exp_member == nullptr) return denied("missing exp");
  auto exp = numeric_date(*exp_member);
  if (!exp) return malformed("exp is not a number");
  if (!(now < *exp + leeway)) return denied("expired");
  if (const auto* nbf_member = member(*payload, "nbf")) {
    auto nbf = numeric_date(*nbf_member);
    if (!nbf) return malformed("nbf is not a number");
    if (*nbf > now + leeway) return denied("not yet valid");
  }

  claims.subject = string_member(*payload, "sub").value_or("");
  if (claims.subject.empty()) return denied("missing subject");
  claims.email = string_member(*payload, "email").value_or("");
  claims.name = string_member(*payload, "name").value_or("");
  claims.expires_at = *exp;
  claims.raw = std::move(*payload);
  return claims;
}

namespace detail {

std::string jwt_header_kid(std::string_view token) {
  auto parts = split(token);
  if (!parts) return {};
  auto header = decode_object(parts->header);
  if (!header) return {};
  return string_member(*header, "kid").value_or("");
}

}  // namespace detail

}  // namespace nextra::auth
