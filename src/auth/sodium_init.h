#pragma once
// Internal: libsodium must be initialised once before use (it picks CPU-specific code paths
// and seeds its RNG). ensure_sodium() does that exactly once, thread-safely.

namespace nextra::auth::detail {

// True when libsodium is ready. Cheap after the first call.
bool ensure_sodium();

}  // namespace nextra::auth::detail
