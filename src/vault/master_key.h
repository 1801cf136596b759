#pragma once
// The vault's 32-byte master key and where it comes from. Every secret in the store is
// sealed under a key derived from this one, so losing it loses the secrets and leaking it
// leaks them all: the bytes live in sodium-locked memory (not swapped where the OS allows),
// are wiped on destruction, and the type is movable but not copyable.
//
// Order: a non-empty NEXTRA_MASTER_KEY environment value (64 hex characters or standard
// base64 of 32 bytes) wins; otherwise the key file is read, or created with a random key
// (mode 0600) when it does not exist. A key file readable by group or others is refused.

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/result.h"

namespace nextra::vault {

class MasterKey {
 public:
  static constexpr std::size_t kSize = 32;

  // A key made of kSize random bytes.
  static MasterKey random();
  // Exactly kSize raw bytes; InvalidArgument otherwise.
  static Result<MasterKey> from_bytes(std::string_view bytes);

  MasterKey(MasterKey&& other) noexcept;
  MasterKey& operator=(MasterKey&& other) noexcept;
  MasterKey(const MasterKey&) = delete;
  MasterKey& operator=(const MasterKey&) = delete;
  ~MasterKey();

  const unsigned char* data() const { return bytes_; }
  static constexpr std::size_t size() { return kSize; }

 private:
  MasterKey();
  alignas(16) unsigned char bytes_[kSize];
  bool locked_ = false;
};

struct LoadedKey {
  MasterKey key;
  bool created = false;  // true when the key file was created by this call
  std::string source;    // "NEXTRA_MASTER_KEY" or the key file's path
};

// See the header comment for the order. Errors: InvalidArgument (bad NEXTRA_MASTER_KEY; the
// value is never echoed; or a key file of the wrong size/format), PermissionDenied (key file
// with group/other permission bits), Unavailable (I/O failure).
Result<LoadedKey> load_or_create_master_key(std::string_view env_value,
                                            const std::filesystem::path& key_file);

// libsodium must be initialised before any other call; safe to call from any thread, many
// times. Returns false only if libsodium cannot be initialised.
bool ensure_sodium();

}  // namespace nextra::vault
