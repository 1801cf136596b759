#pragma once
// Serves a directory (the built web UI) as a Router fallback. Paths are decoded and joined
// segment by segment: a ".." segment, a NUL, a backslash or a malformed escape is refused with
// 400, and the resolved file must still lie under the canonical root after symlinks are
// followed (a symlink pointing outside is 404, as if it were not there). Files are read per
// request; the UI bundle is small and the page cache keeps it hot.

#include <filesystem>
#include <string>
#include <vector>

#include "core/result.h"
#include "http/router.h"

namespace nextra::http {

struct StaticOptions {
  std::filesystem::path root;
  std::string index = "index.html";
  // A GET for a path with no file extension that names no file answers the index page
  // (client-side routes such as /flows/42). Paths with an extension stay 404.
  bool spa_fallback = true;
  // Paths under these prefixes are never served from disk: they get the 404 ApiError, so a
  // mistyped API URL does not come back as the HTML page.
  std::vector<std::string> excluded_prefixes = {"/api/"};
  // Vite puts content-hashed files under assets/, so they can be cached for a year.
  std::string immutable_prefix = "/assets/";
};

// Errors: NotFound when `root` is not a directory.
Result<Handler> make_static_handler(StaticOptions options);

// The MIME type for a file name, by extension; application/octet-stream when unknown.
std::string mime_type_for(const std::filesystem::path& file);

}  // namespace nextra::http
