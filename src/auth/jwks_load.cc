// load_jwks: reads a JWKS from a file or fetches it over http(s) with libcurl, then parses it.

#include <curl/curl.h>

#include <cstdio>
#include <fstream>
#include <memory>

#include "auth/jwt.h"

namespace nextra::auth {

namespace {

constexpr std::size_t kMaxJwksBytes = 1024 * 1024;
constexpr long kTimeoutMs = 5000;

bool starts_with_ci(const std::string& s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

bool curl_ready() {
  // curl_global_init is not thread-safe on every build; a function-local static runs it once.
  static const bool ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  return ok;
}

struct Body {
  std::string data;
  bool too_large = false;
};

std::size_t on_data(char* ptr, std::size_t size, std::size_t nmemb, void* userdata) {
  auto* body = static_cast<Body*>(userdata);
  const std::size_t n = size * nmemb;
  if (body->data.size() + n > kMaxJwksBytes) {
    body->too_large = true;
    return 0;  // makes libcurl abort the transfer
  }
  body->data.append(ptr, n);
  return n;
}

struct CurlFree { void operator()(CURL* c) const { curl_easy_cleanup(c); } };

Result<std::string> fetch(const std::string& url) {
  if (!curl_ready()) return Error::make(ErrorCode::Internal, "libcurl failed to initialise");
  std::unique_ptr<CURL, CurlFree> curl(curl_easy_init());
  if (!curl) return Error::make(ErrorCode::Internal, "libcurl: cannot create a handle");
  Body body;
  char errbuf[CURL_ERROR_SIZE] = {0};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 3L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, kTimeoutMs);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, kTimeoutMs);
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(kMaxJwksBytes));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &on_data);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "nextra-jwks/1");
  const CURLcode rc = curl_easy_perform(c);
  if (body.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
    return Error::make(ErrorCode::ResourceExhausted, "JWKS at " + url + " is larger than 1 MiB");
  }
  if (rc != CURLE_OK) {
    std::string detail = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);
    const auto code = rc == CURLE_OPERATION_TIMEDOUT ? ErrorCode::DeadlineExceeded : ErrorCode::Unavailable;
    return Error::make(code, "fetching JWKS from " + url + " failed: " + detail);
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) {
    return Error::make(ErrorCode::Unavailable,
                       "fetching JWKS from " + url + " answered HTTP " + std::to_string(status));
  }
  return std::move(body.data);
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::make(ErrorCode::NotFound, "cannot open JWKS file " + path);
  std::string data(kMaxJwksBytes + 1, '\0');
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  if (in.bad()) return Error::make(ErrorCode::Unavailable, "cannot read JWKS file " + path);
  data.resize(static_cast<std::size_t>(in.gcount()));
  if (data.size() > kMaxJwksBytes) {
    return Error::make(ErrorCode::ResourceExhausted, "JWKS file " + path + " is larger than 1 MiB");
  }
  return data;
}

}  // namespace

Result<Jwks> load_jwks(const std::string& file_or_url) {
  if (file_or_url.empty()) return Error::invalid("JWKS location is empty");
  const bool is_url = starts_with_ci(file_or_url, "http://") || starts_with_ci(file_or_url, "https://");
  NEXTRA_ASSIGN_OR_RETURN(std::string text, is_url ? fetch(file_or_url) : read_file(file_or_url));
  auto keys = Jwks::parse(text);
  if (!keys.ok()) {
    Error e = keys.take_error();
    e.message += " (from " + file_or_url + ")";
    return e;
  }
  return keys;
}

}  // namespace nextra::auth
