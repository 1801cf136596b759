#pragma once
// Where WASM module bytes live (issue #7): one file per distinct content, named by its
// SHA-256, in the data directory's modules/ folder, shared by `nextra serve` and the pump
// processes it spawns. The store's wasm_modules rows say which organization may use which
// file; identical uploads share one file.

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/result.h"

namespace nextra::host {

struct StoredModuleBytes {
  std::string sha256;     // 64 hex digits
  std::string file_name;  // "<sha256>.wasm", relative to the modules directory
};

class ModuleFiles {
 public:
  explicit ModuleFiles(std::filesystem::path dir) : dir_(std::move(dir)) {}

  // Writes the bytes unless a file with the same content exists: a temporary file, fsync,
  // then rename, so a reader never sees half a module. Unavailable when the disk refuses.
  Result<StoredModuleBytes> put(std::string_view bytes) const;
  // NotFound when the file is gone; ResourceExhausted past max_bytes; InvalidArgument for a
  // name that is not "<64 hex>.wasm" (a row can never point outside the directory).
  Result<std::string> read(const std::string& file_name, std::size_t max_bytes) const;
  // Best effort: a file that cannot be removed is only wasted space.
  void remove(const std::string& file_name) const;

  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

}  // namespace nextra::host
