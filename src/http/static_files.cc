#include "http/static_files.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <system_error>

namespace nextra::http {
namespace fs = std::filesystem;
namespace {

bool under(const fs::path& root, const fs::path& p) {
  auto [r, q] = std::mismatch(root.begin(), root.end(), p.begin(), p.end());
  return r == root.end();
}

std::optional<std::string> read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct StaticHandler {
  StaticOptions options;
  fs::path root;  // canonical

  Response not_found(const Request& req) const {
    return Response::error(404, "not_found", "no such file: " + req.path);
  }

  // Serves `file` if, after every symlink is followed, it is a regular file inside the root.
  std::optional<Response> serve(const fs::path& file, const std::string& cache_control) const {
    std::error_code ec;
    fs::path real = fs::canonical(file, ec);
    if (ec || !under(root, real) || !fs::is_regular_file(real, ec)) return std::nullopt;
    auto body = read_file(real);
    if (!body) return std::nullopt;
    auto r = Response::text(200, std::move(*body), mime_type_for(real));
    r.headers.set("Cache-Control", cache_control);
    r.headers.set("X-Content-Type-Options", "nosniff");
    return r;
  }

  Response operator()(const Request& req) const {
    for (const auto& prefix : options.excluded_prefixes) {
      if (req.path.starts_with(prefix)) return not_found(req);
    }
    auto decoded = percent_decode(req.path, false);
    if (!decoded || decoded->find('\0') != std::string::npos || decoded->find('\\') != std::string::npos) {
      return Response::error(400, "invalid_path", "the path is not acceptable");
    }
    // Join segment by segment so nothing in the request can name a place above the root; an
    // absolute path ("//etc/passwd") only produces empty segments that are skipped.
    fs::path rel;
    std::string_view rest = *decoded;
    std::string last;
    while (!rest.empty()) {
      auto slash = rest.find('/');
      std::string_view seg = rest.substr(0, slash);
      rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
      if (seg.empty() || seg == ".") continue;
      if (seg == "..") return Response::error(400, "invalid_path", "the path may not contain '..'");
      rel /= std::string(seg);
      last = std::string(seg);
    }
    const std::string index_cache = "no-cache";
    const std::string asset_cache = req.path.starts_with(options.immutable_prefix)
                                        ? "public, max-age=31536000, immutable"
                                        : "public, max-age=3600";
    fs::path candidate = root / rel;
    std::error_code ec;
    if (fs::is_directory(candidate, ec)) {
      if (auto r = serve(candidate / options.index, index_cache)) return std::move(*r);
    } else if (auto r = serve(candidate, last == options.index ? index_cache : asset_cache)) {
      return std::move(*r);
    } else if (fs::exists(fs::symlink_status(candidate, ec))) {
      return not_found(req);  // exists but refused (symlink escape, not a regular file)
    }
    if (options.spa_fallback && last.find('.') == std::string::npos) {
      if (auto r = serve(root / options.index, index_cache)) return std::move(*r);
    }
    return not_found(req);
  }
};

}  // namespace

std::string mime_type_for(const fs::path& file) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {".html", "text/html; charset=utf-8"},  {".htm", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"}, {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},    {".json", "application/json"},
      {".map", "application/json"},           {".svg", "image/svg+xml"},
      {".png", "image/png"},                  {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},                {".gif", "image/gif"},
      {".webp", "image/webp"},                {".ico", "image/x-icon"},
      {".woff", "font/woff"},                 {".woff2", "font/woff2"},
      {".ttf", "font/ttf"},                   {".txt", "text/plain; charset=utf-8"},
      {".wasm", "application/wasm"},          {".xml", "application/xml"},
      {".yaml", "application/yaml"},          {".yml", "application/yaml"},
  };
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const auto& [e, type] : kTypes) {
    if (ext == e) return type;
  }
  return "application/octet-stream";
}

Result<Handler> make_static_handler(StaticOptions options) {
  std::error_code ec;
  fs::path root = fs::canonical(options.root, ec);
  if (ec || !fs::is_directory(root, ec)) {
    return Error::make(ErrorCode::NotFound, "static root is not a directory: " + options.root.string());
  }
  return Handler(StaticHandler{std::move(options), std::move(root)});
}

}  // namespace nextra::http
