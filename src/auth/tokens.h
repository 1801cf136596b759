#pragma once
// Small byte-level helpers shared by the auth code and its callers: random opaque tokens
// (session ids, API keys, invite codes), SHA-256 for storing only a token's digest,
// constant-time comparison, base64/base64url and HMAC-SHA256.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace nextra::auth {

// `bytes` random bytes from libsodium's CSPRNG, base64url-encoded without padding.
std::string random_token(std::size_t bytes = 32);

// SHA-256 of `data` as 64 lower-case hex digits.
std::string sha256_hex(std::string_view data);

// Equal contents, compared in time independent of where they differ. False when the lengths
// differ (the length itself is not secret).
bool constant_time_equals(std::string_view a, std::string_view b);

// RFC 4648 §5 (URL-safe alphabet), no padding.
std::string base64url_encode(std::string_view bytes);
// Accepts input with or without '=' padding; nullopt for any invalid character or length.
std::optional<std::string> base64url_decode(std::string_view text);

// RFC 4648 §4 (standard alphabet), with padding.
std::string base64_encode(std::string_view bytes);
// Accepts input with correct padding (or none); nullopt when invalid.
std::optional<std::string> base64_decode(std::string_view text);

// HMAC-SHA256(key, data) as the raw 32-byte MAC.
std::string hmac_sha256(std::string_view key, std::string_view data);

}  // namespace nextra::auth
