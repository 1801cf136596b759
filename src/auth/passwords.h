#pragma once
// Password hashing for local accounts: argon2id via libsodium, stored as the self-describing
// PHC string ("$argon2id$v=19$m=...,t=...,p=1$salt$hash") so parameters can be raised later
// without breaking existing hashes. Plus the one password policy the control plane enforces.

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.h"

namespace nextra::auth {

// OWASP's argon2id recommendation: m = 19 MiB, t = 2, p = 1 (libsodium always uses p = 1).
struct PasswordParams {
  unsigned long long ops_limit = 2;
  std::size_t mem_limit_bytes = 19 * 1024 * 1024;
};

// An argon2id string with a fresh random salt. InvalidArgument when the params are below
// libsodium's minimum (ops 1, 8 KiB); ResourceExhausted when the memory cannot be allocated.
Result<std::string> hash_password(std::string_view password, const PasswordParams& params = {});

// True when `password` matches `hash`. False for a wrong password and for a malformed or
// non-argon2 hash. Never throws.
bool verify_password(std::string_view hash, std::string_view password);

// 8..1024 bytes (bytes, not characters; valid UTF-8 is not required). InvalidArgument with
// Error.field = "password" otherwise.
Status check_password_policy(std::string_view password);

}  // namespace nextra::auth
