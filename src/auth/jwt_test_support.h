#pragma once
// Test support for RS256 tokens: an RSA-2048 key with its JWK form and a JWT signer, so the
// auth module's own tests and the API's Clerk tests build tokens the same way a real issuer
// does. Uses OpenSSL and GoogleTest; tests only.

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "auth/tokens.h"

namespace nextra::auth::test_support {

struct RsaTestKey {
  std::string kid;  // empty: tokens signed with it carry no kid
  std::shared_ptr<EVP_PKEY> pkey;
  std::string n, e;  // base64url big-endian

  nlohmann::json jwk() const {
    return {{"kty", "RSA"}, {"kid", kid}, {"use", "sig"}, {"alg", "RS256"}, {"n", n}, {"e", e}};
  }
};

inline std::string bn_b64url(EVP_PKEY* pkey, const char* name) {
  BIGNUM* bn = nullptr;
  EXPECT_EQ(EVP_PKEY_get_bn_param(pkey, name, &bn), 1);
  std::string bytes(static_cast<std::size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
  BN_free(bn);
  return base64url_encode(bytes);
}

// A fresh RSA-2048 key (about 50 ms: make one per process and keep it).
inline RsaTestKey make_rsa_key(std::string kid) {
  RsaTestKey k;
  k.kid = std::move(kid);
  k.pkey.reset(EVP_RSA_gen(2048), EVP_PKEY_free);
  EXPECT_NE(k.pkey, nullptr);
  k.n = bn_b64url(k.pkey.get(), OSSL_PKEY_PARAM_RSA_N);
  k.e = bn_b64url(k.pkey.get(), OSSL_PKEY_PARAM_RSA_E);
  return k;
}

// The raw RS256 signature of `input`.
inline std::string rs256(const RsaTestKey& key, std::string_view input) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EXPECT_EQ(EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.pkey.get()), 1);
  std::size_t len = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  EXPECT_EQ(EVP_DigestSign(ctx.get(), nullptr, &len, in, input.size()), 1);
  std::string sig(len, '\0');
  EXPECT_EQ(EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in, input.size()), 1);
  sig.resize(len);
  return sig;
}

// header.payload.signature; the key's kid goes into the header unless the header names one.
inline std::string sign_jwt(const RsaTestKey& key, const nlohmann::json& payload,
                            nlohmann::json header = {{"alg", "RS256"}, {"typ", "JWT"}}) {
  if (!header.contains("kid") && !key.kid.empty()) header["kid"] = key.kid;
  std::string input = base64url_encode(header.dump()) + "." + base64url_encode(payload.dump());
  return input + "." + base64url_encode(rs256(key, input));
}

}  // namespace nextra::auth::test_support
