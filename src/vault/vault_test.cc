#include "vault/vault.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace nextra::vault {
namespace {

Vault make_vault() { return Vault(MasterKey::random()); }

void expect_undecryptable(const Result<std::string>& r) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::PermissionDenied);
  EXPECT_EQ(r.error().message, "secret could not be decrypted");
}

TEST(Vault, SealOpenRoundTrip) {
  Vault vault = make_vault();
  Sealed s = vault.seal("org-1", "DB_PASSWORD", "correct horse battery staple");
  EXPECT_EQ(s.nonce.size(), 24u);
  EXPECT_EQ(s.ciphertext.size(), 16u + 28u);
  EXPECT_EQ(s.ciphertext.find("correct horse"), std::string::npos);
  auto opened = vault.open("org-1", "DB_PASSWORD", s);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(*opened, "correct horse battery staple");
}

TEST(Vault, BinaryAndEmptyPlaintext) {
  Vault vault = make_vault();
  std::string binary;
  for (int i = 0; i < 256; ++i) binary.push_back(static_cast<char>(i));
  binary += std::string("\0\0\xff", 3);
  auto b = vault.open("o", "bin", vault.seal("o", "bin", binary));
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, binary);

  Sealed empty = vault.seal("o", "empty", "");
  EXPECT_EQ(empty.ciphertext.size(), 16u);
  auto e = vault.open("o", "empty", empty);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(*e, "");
}

TEST(Vault, TamperedCiphertextOrNonceFails) {
  Vault vault = make_vault();
  Sealed s = vault.seal("org", "name", "value");
  for (std::size_t i = 0; i < s.ciphertext.size(); ++i) {
    Sealed t = s;
    t.ciphertext[i] = static_cast<char>(t.ciphertext[i] ^ 0x01);
    expect_undecryptable(vault.open("org", "name", t));
  }
  Sealed n = s;
  n.nonce[3] = static_cast<char>(n.nonce[3] ^ 0x80);
  expect_undecryptable(vault.open("org", "name", n));

  Sealed truncated = s;
  truncated.ciphertext.resize(10);
  expect_undecryptable(vault.open("org", "name", truncated));
  Sealed extended = s;
  extended.ciphertext.push_back('x');
  expect_undecryptable(vault.open("org", "name", extended));
}

TEST(Vault, WrongNonceSizeIsInvalidArgument) {
  Vault vault = make_vault();
  Sealed s = vault.seal("org", "name", "value");
  s.nonce.pop_back();
  auto r = vault.open("org", "name", s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::InvalidArgument);
}

TEST(Vault, RowMovedBetweenOrgsOrNamesFails) {
  Vault vault = make_vault();
  Sealed s = vault.seal("org-a", "TOKEN", "v");
  expect_undecryptable(vault.open("org-b", "TOKEN", s));
  expect_undecryptable(vault.open("org-a", "TOKEN2", s));
  // The separator keeps ("ab", "c") and ("a", "bc") apart.
  Sealed t = vault.seal("ab", "c", "v");
  expect_undecryptable(vault.open("a", "bc", t));
  EXPECT_TRUE(vault.open("ab", "c", t).ok());
}

TEST(Vault, WrongMasterKeyFails) {
  Vault a = make_vault();
  Vault b = make_vault();
  expect_undecryptable(b.open("o", "n", a.seal("o", "n", "value")));
}

TEST(Vault, SameMasterKeyBytesOpen) {
  std::string raw(32, '\x42');
  Vault a(MasterKey::from_bytes(raw).value());
  Vault b(MasterKey::from_bytes(raw).value());
  auto r = b.open("o", "n", a.seal("o", "n", "value"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "value");
}

TEST(Vault, DifferentNonceEachSeal) {
  Vault vault = make_vault();
  std::set<std::string> nonces;
  std::set<std::string> ciphertexts;
  for (int i = 0; i < 100; ++i) {
    Sealed s = vault.seal("o", "n", "same value");
    nonces.insert(s.nonce);
    ciphertexts.insert(s.ciphertext);
  }
  EXPECT_EQ(nonces.size(), 100u);
  EXPECT_EQ(ciphertexts.size(), 100u);
}

}  // namespace
}  // namespace nextra::vault
