#include "vault/master_key.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <random>
#include <string>

#include <gtest/gtest.h>

namespace nextra::vault {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kHex =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr std::string_view kBase64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

std::string key_bytes(const MasterKey& k) {
  return std::string(reinterpret_cast<const char*>(k.data()), MasterKey::kSize);
}

std::string expected_bytes() {
  std::string s;
  for (int i = 0; i < 32; ++i) s.push_back(static_cast<char>(i));
  return s;
}

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() /
            ("nextra_vault_test_" + std::to_string(::getpid()) + "_" + std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void write_file(const fs::path& p, std::string_view content, mode_t mode) {
  {
    std::ofstream out(p, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
  }
  ASSERT_EQ(::chmod(p.c_str(), mode), 0);
}

unsigned file_mode(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0);
  return static_cast<unsigned>(st.st_mode & 0777);
}

TEST(MasterKey, FromHexEnv) {
  auto loaded = load_or_create_master_key(kHex, "/nonexistent/never/used");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(key_bytes(loaded->key), expected_bytes());
  EXPECT_EQ(loaded->source, "NEXTRA_MASTER_KEY");
  EXPECT_FALSE(loaded->created);
}

TEST(MasterKey, FromUpperCaseHexEnvWithNewline) {
  std::string upper(kHex);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto loaded = load_or_create_master_key(upper + "\n", "");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(key_bytes(loaded->key), expected_bytes());
}

TEST(MasterKey, FromBase64Env) {
  auto loaded = load_or_create_master_key(kBase64, "");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(key_bytes(loaded->key), expected_bytes());
  // Unpadded base64 is accepted too.
  auto unpadded = load_or_create_master_key(kBase64.substr(0, kBase64.size() - 1), "");
  ASSERT_TRUE(unpadded.ok()) << unpadded.error().message;
  EXPECT_EQ(key_bytes(unpadded->key), expected_bytes());
}

TEST(MasterKey, BadEnvIsRejectedWithoutEchoingTheValue) {
  const std::string bad_values[] = {
      "hunter2-super-secret-value",
      std::string(kHex.substr(0, 62)),            // 31 bytes of hex
      std::string(kHex) + "00",                   // 33 bytes of hex
      "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd",  // base64 of 30 bytes
      std::string(kHex.substr(0, 63)) + "g",      // not hex, not base64 of 32 bytes
  };
  for (const std::string& bad : bad_values) {
    auto loaded = load_or_create_master_key(bad, "");
    ASSERT_FALSE(loaded.ok()) << bad;
    EXPECT_EQ(loaded.error().code, ErrorCode::InvalidArgument);
    EXPECT_NE(loaded.error().message.find("NEXTRA_MASTER_KEY"), std::string::npos);
    EXPECT_EQ(loaded.error().message.find(bad), std::string::npos);
  }
}

TEST(MasterKey, CreatesFileWithMode0600AndReloadsIt) {
  TempDir dir;
  fs::path file = dir.path() / "nested" / "dirs" / "master.key";
  auto first = load_or_create_master_key("", file);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_TRUE(first->created);
  EXPECT_EQ(first->source, file.string());
  EXPECT_EQ(file_mode(file), 0600u);

  auto second = load_or_create_master_key("", file);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_FALSE(second->created);
  EXPECT_EQ(key_bytes(first->key), key_bytes(second->key));
  EXPECT_NE(key_bytes(first->key), std::string(MasterKey::kSize, '\0'));
}

TEST(MasterKey, EnvWinsOverFile) {
  TempDir dir;
  fs::path file = dir.path() / "master.key";
  auto loaded = load_or_create_master_key(kHex, file);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->source, "NEXTRA_MASTER_KEY");
  EXPECT_FALSE(fs::exists(file));
}

TEST(MasterKey, ReadsRawAndHexFiles) {
  TempDir dir;
  fs::path raw = dir.path() / "raw.key";
  write_file(raw, expected_bytes(), 0600);
  auto a = load_or_create_master_key("", raw);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(key_bytes(a->key), expected_bytes());

  fs::path hex = dir.path() / "hex.key";
  write_file(hex, std::string(kHex) + "\n", 0400);
  auto b = load_or_create_master_key("", hex);
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(key_bytes(b->key), expected_bytes());
}

TEST(MasterKey, RefusesGroupOrOtherReadableFile) {
  TempDir dir;
  fs::path file = dir.path() / "master.key";
  write_file(file, std::string(kHex) + "\n", 0644);
  auto loaded = load_or_create_master_key("", file);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().code, ErrorCode::PermissionDenied);
  EXPECT_NE(loaded.error().message.find("must be mode 0600"), std::string::npos);

  ASSERT_EQ(::chmod(file.c_str(), 0640), 0);
  EXPECT_FALSE(load_or_create_master_key("", file).ok());
}

TEST(MasterKey, CorruptFileIsAnError) {
  TempDir dir;
  fs::path file = dir.path() / "master.key";
  write_file(file, std::string(kHex.substr(0, 40)) + "\n", 0600);
  auto loaded = load_or_create_master_key("", file);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().code, ErrorCode::InvalidArgument);
  EXPECT_EQ(loaded.error().message.find(kHex.substr(0, 40)), std::string::npos);

  write_file(file, std::string(33, 'x'), 0600);
  EXPECT_FALSE(load_or_create_master_key("", file).ok());
  write_file(file, std::string(kHex.substr(0, 63)) + "z", 0600);
  EXPECT_FALSE(load_or_create_master_key("", file).ok());
  // The corrupt file is left alone, never silently replaced.
  EXPECT_TRUE(fs::exists(file));
}

TEST(MasterKey, MoveKeepsBytesAndClearsSource) {
  MasterKey a = MasterKey::random();
  std::string bytes = key_bytes(a);
  MasterKey b(std::move(a));
  EXPECT_EQ(key_bytes(b), bytes);
  EXPECT_EQ(key_bytes(a), std::string(MasterKey::kSize, '\0'));  // NOLINT(bugprone-use-after-move)
  EXPECT_FALSE(MasterKey::from_bytes("short").ok());
}

}  // namespace
}  // namespace nextra::vault
