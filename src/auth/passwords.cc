#include "auth/passwords.h"

#include <sodium.h>

#include "auth/sodium_init.h"

namespace nextra::auth {

namespace {
constexpr std::size_t kMinPasswordBytes = 8;
constexpr std::size_t kMaxPasswordBytes = 1024;
constexpr std::string_view kArgon2idPrefix = "$argon2id$";
}  // namespace

Result<std::string> hash_password(std::string_view password, const PasswordParams& params) {
  if (!detail::ensure_sodium()) return Error::make(ErrorCode::Internal, "libsodium failed to initialise");
  if (params.ops_limit < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
      params.ops_limit > crypto_pwhash_argon2id_OPSLIMIT_MAX) {
    return Error::invalid("argon2id ops_limit out of range");
  }
  if (params.mem_limit_bytes < crypto_pwhash_argon2id_MEMLIMIT_MIN ||
      params.mem_limit_bytes > crypto_pwhash_argon2id_MEMLIMIT_MAX) {
    return Error::invalid("argon2id mem_limit_bytes out of range");
  }
  if (password.size() > crypto_pwhash_argon2id_PASSWD_MAX) return Error::invalid("password too long");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), params.ops_limit,
                            params.mem_limit_bytes, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Error::make(ErrorCode::ResourceExhausted, "argon2id hashing failed (out of memory?)");
  }
  return std::string(out);
}

bool verify_password(std::string_view hash, std::string_view password) {
  if (!detail::ensure_sodium()) return false;
  // libsodium wants a NUL-terminated string that fits its buffer; anything else is malformed.
  if (hash.size() >= crypto_pwhash_STRBYTES || hash.find('\0') != std::string_view::npos) return false;
  if (hash.substr(0, kArgon2idPrefix.size()) != kArgon2idPrefix) return false;
  if (password.size() > crypto_pwhash_argon2id_PASSWD_MAX) return false;
  const std::string h(hash);
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

Status check_password_policy(std::string_view password) {
  if (password.size() < kMinPasswordBytes) {
    Error e = Error::invalid("password must be at least 8 bytes long");
    e.field = "password";
    return e;
  }
  if (password.size() > kMaxPasswordBytes) {
    Error e = Error::invalid("password must be at most 1024 bytes long");
    e.field = "password";
    return e;
  }
  return {};
}

}  // namespace nextra::auth
