#pragma once
// Seals and opens secret values for the secrets store. The store keeps only the ciphertext
// and nonce; the REST layer calls seal() on write and open() on read.
//
// Each (org, name) pair gets its own subkey: BLAKE2b keyed with the master key over
// "org_id\0name" (crypto_generichash). Sealing is XSalsa20-Poly1305 (crypto_secretbox_easy)
// with a random 24-byte nonce. Because the subkey depends on the row's org and name, a
// ciphertext copied into another org's or another name's row does not open, even though the
// database holds no key material. Thread-safe: all operations are const.

#include <string>
#include <string_view>

#include "core/result.h"
#include "vault/master_key.h"

namespace nextra::vault {

struct Sealed {
  std::string ciphertext;  // raw bytes: MAC (16 bytes) followed by the encrypted value
  std::string nonce;       // raw bytes: 24
};

class Vault {
 public:
  static constexpr std::size_t kNonceSize = 24;

  explicit Vault(MasterKey key);

  // Encrypts `plaintext` (any bytes, may be empty) for the row (org_id, name).
  Sealed seal(std::string_view org_id, std::string_view name, std::string_view plaintext) const;

  // PermissionDenied "secret could not be decrypted" on a wrong key, tampering, or a row
  // moved between orgs/names; InvalidArgument for a nonce that is not 24 bytes.
  Result<std::string> open(std::string_view org_id, std::string_view name,
                           const Sealed& sealed) const;

 private:
  MasterKey key_;
};

}  // namespace nextra::vault
