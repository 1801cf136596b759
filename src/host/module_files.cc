#include "host/module_files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "auth/tokens.h"
#include "core/uuid.h"

namespace nextra::host {
namespace {

bool valid_file_name(const std::string& name) {
  if (name.size() != 64 + 5 || name.compare(64, 5, ".wasm") != 0) return false;
  for (std::size_t i = 0; i < 64; ++i) {
    char c = name[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Error disk_error(const std::string& what) {
  return Error::make(ErrorCode::Unavailable, what + ": " + std::strerror(errno));
}

}  // namespace

Result<StoredModuleBytes> ModuleFiles::put(std::string_view bytes) const {
  StoredModuleBytes out;
  out.sha256 = auth::sha256_hex(bytes);
  out.file_name = out.sha256 + ".wasm";
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return Error::make(ErrorCode::Unavailable, "cannot create " + dir_.string() + ": " + ec.message());
  const auto final_path = dir_ / out.file_name;
  if (std::filesystem::exists(final_path, ec)) return out;  // same content, same name
  const auto tmp = dir_ / (".upload-" + new_uuid_v4());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return disk_error("cannot write the module");
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      Error e = disk_error("cannot write the module");
      ::close(fd);
      std::filesystem::remove(tmp, ec);
      return e;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    Error e = disk_error("cannot write the module");
    std::filesystem::remove(tmp, ec);
    return e;
  }
  std::filesystem::rename(tmp, final_path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return Error::make(ErrorCode::Unavailable, "cannot store the module: " + ec.message());
  }
  return out;
}

Result<std::string> ModuleFiles::read(const std::string& file_name, std::size_t max_bytes) const {
  if (!valid_file_name(file_name)) return Error::invalid("not a module file name: " + file_name);
  const auto path = dir_ / file_name;
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec) return Error::make(ErrorCode::NotFound, "the module's bytes are missing (" + file_name + ")");
  if (size > max_bytes) {
    return Error::make(ErrorCode::ResourceExhausted, "module file " + file_name + " is over " +
                                                         std::to_string(max_bytes) + " bytes");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::make(ErrorCode::NotFound, "the module's bytes are missing (" + file_name + ")");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return bytes;
}

void ModuleFiles::remove(const std::string& file_name) const {
  if (!valid_file_name(file_name)) return;
  std::error_code ec;
  std::filesystem::remove(dir_ / file_name, ec);
}

}  // namespace nextra::host
