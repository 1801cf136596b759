#pragma once
// Internal to the auth module: pieces of jwt.cc that JwksCache also needs.

#include <string>
#include <string_view>

namespace nextra::auth::detail {

// The "kid" from a compact JWT's header, unverified; empty when absent or unparseable.
std::string jwt_header_kid(std::string_view token);

}  // namespace nextra::auth::detail
