#include "vault/master_key.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <system_error>
#include <thread>

#include <sodium.h>

namespace nextra::vault {
namespace {

constexpr std::string_view kEnvName = "NEXTRA_MASTER_KEY";
constexpr std::size_t kHexSize = MasterKey::kSize * 2;
constexpr std::size_t kMaxKeyFileSize = 4096;

// Wipes a std::string holding key material before it is freed.
struct Wipe {
  std::string& s;
  ~Wipe() {
    if (!s.empty()) sodium_memzero(s.data(), s.size());
  }
};

std::string_view trim(std::string_view s) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool is_hex(std::string_view s) {
  for (char c : s) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!ok) return false;
  }
  return true;
}

// 64 hex characters -> 32 bytes.
Result<MasterKey> from_hex(std::string_view hex) {
  if (hex.size() != kHexSize || !is_hex(hex)) return Error::invalid("not 64 hex characters");
  std::string raw(MasterKey::kSize, '\0');
  Wipe wipe{raw};
  size_t len = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), hex.data(),
                     hex.size(), nullptr, &len, nullptr) != 0 ||
      len != MasterKey::kSize) {
    return Error::invalid("not 64 hex characters");
  }
  return MasterKey::from_bytes(raw);
}

// Standard (padded or unpadded) base64 of exactly 32 bytes.
Result<MasterKey> from_base64(std::string_view b64) {
  std::string raw(MasterKey::kSize + 8, '\0');
  Wipe wipe{raw};
  size_t len = 0;
  const char* end = nullptr;
  int variant = (!b64.empty() && b64.back() == '=') ? sodium_base64_VARIANT_ORIGINAL
                                                     : sodium_base64_VARIANT_ORIGINAL_NO_PADDING;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), b64.data(),
                        b64.size(), nullptr, &len, &end, variant) != 0 ||
      end != b64.data() + b64.size() || len != MasterKey::kSize) {
    return Error::invalid("not base64 of 32 bytes");
  }
  return MasterKey::from_bytes(std::string_view(raw).substr(0, len));
}

Error io_error(const std::string& what, const std::filesystem::path& path, int err) {
  return Error::make(ErrorCode::Unavailable,
                     what + " master key file " + path.string() + ": " + std::strerror(err));
}

// Content of a key file: 32 raw bytes, or 64 hex characters with an optional trailing newline.
Result<MasterKey> parse_key_file(std::string_view content, const std::filesystem::path& path) {
  if (content.size() == MasterKey::kSize) return MasterKey::from_bytes(content);
  if (content.size() > kHexSize && content.back() == '\n') content.remove_suffix(1);
  if (content.size() > kHexSize && content.back() == '\r') content.remove_suffix(1);
  if (content.size() == kHexSize) {
    auto key = from_hex(content);
    if (key.ok()) return key;
  }
  return Error::invalid("master key file " + path.string() +
                        " must hold 32 raw bytes or 64 hex characters");
}

enum class ReadOutcome { Ok, Missing };

// Reads the key file into `out`, refusing group/other permission bits. Missing when the file
// does not exist.
Result<ReadOutcome> read_key_file(const std::filesystem::path& path, std::string& out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return ReadOutcome::Missing;
    return io_error("cannot open", path, errno);
  }
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) return io_error("cannot stat", path, errno);
  if (!S_ISREG(st.st_mode)) {
    return Error::invalid("master key file " + path.string() + " is not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Error::make(ErrorCode::PermissionDenied,
                       "master key file " + path.string() + " must be mode 0600 (it is " +
                           mode + "); run: chmod 600 " + path.string());
  }
  out.assign(kMaxKeyFileSize + 1, '\0');
  std::size_t got = 0;
  while (got < out.size()) {
    ssize_t n = ::read(fd, out.data() + got, out.size() - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("cannot read", path, errno);
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got > kMaxKeyFileSize) {
    return Error::invalid("master key file " + path.string() +
                          " must hold 32 raw bytes or 64 hex characters");
  }
  out.resize(got);
  return ReadOutcome::Ok;
}

enum class CreateOutcome { Created, Exists };

// Creates the key file holding `key` as 64 hex characters and a newline. Exists when another
// process created it first.
Result<CreateOutcome> create_key_file(const std::filesystem::path& path, const MasterKey& key) {
  std::error_code ec;
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) {
      return Error::make(ErrorCode::Unavailable, "cannot create directory " +
                                                     path.parent_path().string() + ": " +
                                                     ec.message());
    }
  }
  int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return CreateOutcome::Exists;
    return io_error("cannot create", path, errno);
  }
  std::string hex(kHexSize + 1, '\0');
  Wipe wipe{hex};
  sodium_bin2hex(hex.data(), hex.size(), key.data(), MasterKey::kSize);
  hex.back() = '\n';
  std::size_t put = 0;
  int err = 0;
  while (put < hex.size()) {
    ssize_t n = ::write(fd, hex.data() + put, hex.size() - put);
    if (n < 0) {
      if (errno == EINTR) continue;
      err = errno;
      break;
    }
    put += static_cast<std::size_t>(n);
  }
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err != 0) {
    ::unlink(path.c_str());  // do not leave a half-written key behind
    return io_error("cannot write", path, err);
  }
  // Make the new directory entry durable too (best effort).
  std::string dir = path.has_parent_path() ? path.parent_path().string() : std::string(".");
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
  return CreateOutcome::Created;
}

}  // namespace

bool ensure_sodium() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

MasterKey::MasterKey() {
  ensure_sodium();
  sodium_memzero(bytes_, kSize);
  locked_ = sodium_mlock(bytes_, kSize) == 0;
}

MasterKey::~MasterKey() {
  if (locked_) {
    sodium_munlock(bytes_, kSize);  // also zeroes
  } else {
    sodium_memzero(bytes_, kSize);
  }
}

MasterKey::MasterKey(MasterKey&& other) noexcept : MasterKey() {
  std::memcpy(bytes_, other.bytes_, kSize);
  sodium_memzero(other.bytes_, kSize);
}

MasterKey& MasterKey::operator=(MasterKey&& other) noexcept {
  if (this != &other) {
    std::memcpy(bytes_, other.bytes_, kSize);
    sodium_memzero(other.bytes_, kSize);
  }
  return *this;
}

MasterKey MasterKey::random() {
  MasterKey key;
  randombytes_buf(key.bytes_, kSize);
  return key;
}

Result<MasterKey> MasterKey::from_bytes(std::string_view bytes) {
  if (bytes.size() != kSize) return Error::invalid("a master key must be 32 bytes");
  MasterKey key;
  std::memcpy(key.bytes_, bytes.data(), kSize);
  return key;
}

Result<LoadedKey> load_or_create_master_key(std::string_view env_value,
                                            const std::filesystem::path& key_file) {
  if (!ensure_sodium()) return Error::make(ErrorCode::Internal, "libsodium failed to initialise");

  std::string_view env = trim(env_value);
  if (!env_value.empty()) {
    auto key = env.size() == kHexSize && is_hex(env) ? from_hex(env) : from_base64(env);
    if (!key.ok()) {
      Error e = Error::invalid(std::string(kEnvName) +
                               " must be 64 hex characters or standard base64 of 32 bytes");
      e.field = std::string(kEnvName);
      return e;
    }
    return LoadedKey{std::move(key).value(), false, std::string(kEnvName)};
  }

  if (key_file.empty()) return Error::invalid("no master key file configured");

  std::string content;
  Wipe wipe{content};
  // A concurrent creator may have made the file but not written it yet: retry briefly.
  for (int attempt = 0;; ++attempt) {
    NEXTRA_ASSIGN_OR_RETURN(ReadOutcome read, read_key_file(key_file, content));
    if (read == ReadOutcome::Ok) {
      if (content.empty() && attempt < 50) {  // created but not yet written
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        continue;
      }
      NEXTRA_ASSIGN_OR_RETURN(MasterKey key, parse_key_file(content, key_file));
      return LoadedKey{std::move(key), false, key_file.string()};
    }
    MasterKey fresh = MasterKey::random();
    NEXTRA_ASSIGN_OR_RETURN(CreateOutcome created, create_key_file(key_file, fresh));
    if (created == CreateOutcome::Created) {
      return LoadedKey{std::move(fresh), true, key_file.string()};
    }
    if (attempt >= 50) {
      return Error::make(ErrorCode::Unavailable,
                         "master key file " + key_file.string() + " keeps disappearing");
    }
    // Lost the race: loop and read the other process's key.
  }
}

}  // namespace nextra::vault

