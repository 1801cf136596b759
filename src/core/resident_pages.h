#pragma once
// Lets an idle process give back the pages it only read from files: the code and read-only
// data of its binary and libraries that start-up touched once (loading a flow, connecting)
// and an idle loop never touches again. They stay in the page cache (the server maps the same
// files), so touching one again later is a minor fault, not a disk read; what goes is this
// process's claim on them, which is what its RSS counts.
//
// Only mappings that are file-backed, not writable, and hold no page this process changed
// (no anonymous copy, nothing dirty) are released: their pages are exact copies of the file,
// so dropping them loses nothing. Writable data, relocated (RELRO) pages, heap and stacks
// are never touched. Linux only (/proc/self/smaps, madvise MADV_DONTNEED).

#include <cstddef>

#include "core/result.h"

namespace nextra {

struct ReleasedPages {
  std::size_t mappings = 0;  // mappings released
  std::size_t bytes = 0;     // their resident bytes before
};

// Unavailable when /proc/self/smaps cannot be read.
Result<ReleasedPages> release_clean_file_pages();

// Returns the allocator's free memory to the system: glibc's malloc_trim, and tcmalloc's
// ReleaseFreeMemory when the binary runs on tcmalloc (found at run time, so libraries and
// tests built without it work the same).
void release_free_heap();

// VmRSS of this process in bytes, 0 if unknown.
std::size_t resident_bytes();

}  // namespace nextra
