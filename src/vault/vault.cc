#include "vault/vault.h"

#include <sodium.h>

namespace nextra::vault {
namespace {

static_assert(crypto_secretbox_NONCEBYTES == Vault::kNonceSize);
static_assert(crypto_secretbox_KEYBYTES == 32);
static_assert(crypto_generichash_KEYBYTES_MAX >= MasterKey::kSize);

// Holds a derived subkey and wipes it when done.
struct Subkey {
  unsigned char bytes[crypto_secretbox_KEYBYTES];
  Subkey(const MasterKey& master, std::string_view org_id, std::string_view name) {
    crypto_generichash_state state;
    crypto_generichash_init(&state, master.data(), MasterKey::kSize, sizeof bytes);
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(org_id.data()),
                              org_id.size());
    const unsigned char zero = 0;
    crypto_generichash_update(&state, &zero, 1);
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(name.data()),
                              name.size());
    crypto_generichash_final(&state, bytes, sizeof bytes);
    sodium_memzero(&state, sizeof state);
  }
  ~Subkey() { sodium_memzero(bytes, sizeof bytes); }
  Subkey(const Subkey&) = delete;
  Subkey& operator=(const Subkey&) = delete;
};

Error undecryptable() {
  return Error::make(ErrorCode::PermissionDenied, "secret could not be decrypted");
}

}  // namespace

Vault::Vault(MasterKey key) : key_(std::move(key)) { ensure_sodium(); }

Sealed Vault::seal(std::string_view org_id, std::string_view name,
                   std::string_view plaintext) const {
  Subkey subkey(key_, org_id, name);
  Sealed out;
  out.nonce.resize(crypto_secretbox_NONCEBYTES);
  randombytes_buf(out.nonce.data(), out.nonce.size());
  out.ciphertext.resize(crypto_secretbox_MACBYTES + plaintext.size());
  static const unsigned char kNothing = 0;  // never pass a null pointer for an empty value
  const unsigned char* message = plaintext.empty()
                                     ? &kNothing
                                     : reinterpret_cast<const unsigned char*>(plaintext.data());
  crypto_secretbox_easy(reinterpret_cast<unsigned char*>(out.ciphertext.data()), message,
                        plaintext.size(),
                        reinterpret_cast<const unsigned char*>(out.nonce.data()),
                        subkey.bytes);
  return out;
}

Result<std::string> Vault::open(std::string_view org_id, std::string_view name,
                                const Sealed& sealed) const {
  if (sealed.nonce.size() != crypto_secretbox_NONCEBYTES) {
    Error e = Error::invalid("secret nonce must be 24 bytes, got " +
                             std::to_string(sealed.nonce.size()));
    e.field = "nonce";
    return e;
  }
  if (sealed.ciphertext.size() < crypto_secretbox_MACBYTES) return undecryptable();
  Subkey subkey(key_, org_id, name);
  std::string plain(sealed.ciphertext.size() - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                 reinterpret_cast<const unsigned char*>(sealed.ciphertext.data()),
                                 sealed.ciphertext.size(),
                                 reinterpret_cast<const unsigned char*>(sealed.nonce.data()),
                                 subkey.bytes) != 0) {
    return undecryptable();
  }
  return plain;
}

}  // namespace nextra::vault
