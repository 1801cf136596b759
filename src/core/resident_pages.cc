#include "core/resident_pages.h"

#include <malloc.h>
#include <sys/mman.h>

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace nextra {
namespace {

struct Mapping {
  std::uintptr_t start = 0, end = 0;
  bool candidate = false;  // file-backed and not writable, by its header line
  std::size_t rss = 0, anonymous = 0, dirty = 0, locked = 0;
};

// "Rss:   1234 kB" -> bytes.
std::size_t kb_field(const std::string& line) {
  std::istringstream in(line.substr(line.find(':') + 1));
  std::size_t kb = 0;
  in >> kb;
  return kb * 1024;
}

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// A header line: "start-end perms offset dev inode [path]".
bool parse_header(const std::string& line, Mapping& m) {
  std::istringstream in(line);
  std::string range, perms, offset, dev, inode, path;
  if (!(in >> range >> perms >> offset >> dev >> inode)) return false;
  std::getline(in, path);
  const auto dash = range.find('-');
  if (dash == std::string::npos || perms.size() < 4) return false;
  char* end = nullptr;
  m.start = std::strtoull(range.c_str(), &end, 16);
  m.end = std::strtoull(range.c_str() + dash + 1, &end, 16);
  path.erase(0, path.find_first_not_of(' '));
  m.candidate = inode != "0" && perms[1] != 'w' && !path.empty() && path[0] == '/' &&
                path.find(" (deleted)") == std::string::npos;
  return true;
}

}  // namespace

// gperftools' C entry point; weak, so it is null unless tcmalloc is linked in.
extern "C" void MallocExtension_ReleaseFreeMemory(void) __attribute__((weak));

void release_free_heap() {
  ::malloc_trim(0);
  if (MallocExtension_ReleaseFreeMemory != nullptr) MallocExtension_ReleaseFreeMemory();
}

Result<ReleasedPages> release_clean_file_pages() {
  std::ifstream smaps("/proc/self/smaps");
  if (!smaps) return Error::make(ErrorCode::Unavailable, "cannot read /proc/self/smaps");
  // Read everything first: releasing while reading would change what is being read.
  std::vector<Mapping> maps;
  for (std::string line; std::getline(smaps, line);) {
    Mapping m;
    if (!line.empty() && std::isxdigit(static_cast<unsigned char>(line[0])) && line.find('-') != std::string::npos &&
        parse_header(line, m)) {
      maps.push_back(m);
      continue;
    }
    if (maps.empty()) continue;
    Mapping& cur = maps.back();
    if (starts_with(line, "Rss:")) cur.rss = kb_field(line);
    else if (starts_with(line, "Anonymous:")) cur.anonymous = kb_field(line);
    else if (starts_with(line, "Private_Dirty:") || starts_with(line, "Shared_Dirty:")) cur.dirty += kb_field(line);
    else if (starts_with(line, "Locked:")) cur.locked = kb_field(line);
  }
  ReleasedPages out;
  for (const Mapping& m : maps) {
    if (!m.candidate || m.rss == 0 || m.anonymous != 0 || m.dirty != 0 || m.locked != 0) continue;
    if (::madvise(reinterpret_cast<void*>(m.start), m.end - m.start, MADV_DONTNEED) == 0) {
      ++out.mappings;
      out.bytes += m.rss;
    }
  }
  return out;
}

std::size_t resident_bytes() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (starts_with(line, "VmRSS:")) return kb_field(line);
  }
  return 0;
}

}  // namespace nextra
