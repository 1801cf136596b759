#include "net/exchange.h"

#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <memory>

namespace nextra::net::detail {

namespace {

bool curl_ready() {
  // curl_global_init is not thread-safe: a function-local static runs it once.
  static const bool ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  return ok;
}

struct State {
  const Target* target = nullptr;
  const HttpRequest* request = nullptr;
  const HopLimits* limits = nullptr;
  CURL* curl = nullptr;
  HttpResponse response;
  std::size_t header_bytes = 0;
  std::size_t body_bytes = 0;
  bool header_limit_hit = false;
  bool body_limit_hit = false;
  bool consumer_stopped = false;
  bool address_refused = false;
};

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* s = static_cast<State*>(user);
  size_t len = size * n;
  s->header_bytes += len;
  if (s->header_bytes > s->limits->max_header_bytes) {
    s->header_limit_hit = true;
    return 0;
  }
  std::string_view line(data, len);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.rfind("HTTP/", 0) == 0) {
    // A new status line (after 100 Continue): earlier headers belonged to another response.
    s->response.headers.clear();
    return len;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return len;
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  s->response.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  return len;
}

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* s = static_cast<State*>(user);
  size_t len = size * n;
  s->body_bytes += len;
  if (s->body_bytes > s->limits->max_response_bytes) {
    s->body_limit_hit = true;
    return 0;
  }
  long status = 0;
  curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &status);
  if (s->request->on_body_chunk && status >= 200 && status < 300) {
    if (!s->request->on_body_chunk(std::string_view(data, len))) {
      s->consumer_stopped = true;
      return 0;
    }
    return len;
  }
  s->response.body.append(data, len);
  return len;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* s = static_cast<State*>(user);
  if (s->limits->stopping->load()) return 1;
  if (s->request->cancel && s->request->cancel->load()) return 1;
  return 0;
}

// The second line of defence: whatever libcurl decided, it may only open a socket to an
// address we vetted.
curl_socket_t on_open_socket(void* user, curlsocktype, curl_sockaddr* addr) {
  auto* s = static_cast<State*>(user);
  IpAddress a;
  if (addr->family == AF_INET) {
    std::memcpy(a.bytes.data(), &reinterpret_cast<sockaddr_in*>(&addr->addr)->sin_addr, 4);
  } else if (addr->family == AF_INET6) {
    a.v6 = true;
    std::memcpy(a.bytes.data(), &reinterpret_cast<sockaddr_in6*>(&addr->addr)->sin6_addr, 16);
  } else {
    s->address_refused = true;
    return CURL_SOCKET_BAD;
  }
  const auto& ok = s->target->addresses;
  if (std::find(ok.begin(), ok.end(), a) == ok.end()) {
    s->address_refused = true;
    return CURL_SOCKET_BAD;
  }
  return ::socket(addr->family, addr->socktype, addr->protocol);
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

// One easy handle per thread, reset between exchanges: curl_easy_reset keeps the handle's
// connection cache and TLS session cache, so consecutive calls to the same provider on one
// worker reuse their connection (no new TCP and TLS handshake). A reused connection was
// opened through on_open_socket for a vetted address of the same host and port, so reuse
// reaches nothing a fresh connection could not. A thread that is already inside an
// exchange (a body callback making a call of its own) gets a fresh handle instead.
class ThreadHandle {
 public:
  CURL* acquire() {
    if (busy_) return nullptr;
    if (!handle_) handle_.reset(curl_easy_init());
    if (!handle_) return nullptr;
    curl_easy_reset(handle_.get());
    busy_ = true;
    return handle_.get();
  }
  // Clears the options (pointers into the finished exchange's stack) but not the connections.
  void release() {
    curl_easy_reset(handle_.get());
    busy_ = false;
  }

 private:
  std::unique_ptr<CURL, CurlDeleter> handle_;
  bool busy_ = false;
};
thread_local ThreadHandle t_handle;

// The handle of one exchange: the thread's own, or a fresh one that goes with the exchange.
class HandleLease {
 public:
  HandleLease() : handle_(t_handle.acquire()) {
    if (handle_) {
      reused_ = true;
    } else {
      own_.reset(curl_easy_init());
      handle_ = own_.get();
    }
  }
  ~HandleLease() {
    if (reused_) t_handle.release();
  }
  HandleLease(const HandleLease&) = delete;
  HandleLease& operator=(const HandleLease&) = delete;
  CURL* get() const { return handle_; }

 private:
  CURL* handle_ = nullptr;
  std::unique_ptr<CURL, CurlDeleter> own_;
  bool reused_ = false;
};

bool bad_header_text(std::string_view s) {
  return s.find_first_of("\r\n") != std::string_view::npos || s.find('\0') != std::string_view::npos;
}

}  // namespace

Result<HttpResponse> exchange(const Target& target, const std::string& method, const HeaderList& headers,
                              const std::string& body, const HttpRequest& request, const HopLimits& limits) {
  if (!curl_ready()) return Error::make(ErrorCode::Internal, "libcurl failed to initialise");
  HandleLease lease;
  CURL* c = lease.get();
  if (!c) return Error::make(ErrorCode::Internal, "libcurl: no handle");
  State s;
  s.target = &target;
  s.request = &request;
  s.limits = &limits;
  s.curl = c;

  std::unique_ptr<curl_slist, SlistDeleter> resolve;
  if (!IpAddress::parse(target.host)) {
    std::string entry = target.host + ":" + std::to_string(target.port) + ":";
    for (std::size_t i = 0; i < target.addresses.size(); ++i) {
      if (i) entry += ",";
      const auto& a = target.addresses[i];
      entry += a.v6 ? "[" + a.to_string() + "]" : a.to_string();
    }
    resolve.reset(curl_slist_append(nullptr, entry.c_str()));
    curl_easy_setopt(c, CURLOPT_RESOLVE, resolve.get());
  }
  std::unique_ptr<curl_slist, SlistDeleter> header_list;
  for (const auto& [name, value] : headers) {
    if (name.empty() || bad_header_text(name) || bad_header_text(value) || name.find(':') != std::string::npos) {
      return Error{ErrorCode::InvalidArgument, "header '" + name.substr(0, 64) + "' has a bad name or value", "headers"};
    }
    std::string line = value.empty() ? name + ";" : name + ": " + value;
    curl_slist* next = curl_slist_append(header_list.get(), line.c_str());
    if (!next) return Error::make(ErrorCode::Internal, "out of memory");
    header_list.release();
    header_list.reset(next);
  }
  char errbuf[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_URL, target.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);  // we follow redirects ourselves
  curl_easy_setopt(c, CURLOPT_PROXY, "");           // never a proxy from the environment
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(limits.timeout.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min(limits.connect_timeout, limits.timeout).count()));
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(limits.max_response_bytes));
  curl_easy_setopt(c, CURLOPT_USERAGENT, limits.user_agent->c_str());
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");  // any encoding curl can decode
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &s);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &s);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &s);
  if (header_list) curl_easy_setopt(c, CURLOPT_HTTPHEADER, header_list.get());
  if (method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (method != "GET" || !body.empty()) {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }

  CURLcode rc = curl_easy_perform(c);
  std::string where = describe_url(target.url);
  if (s.address_refused) {
    return Error::make(ErrorCode::PermissionDenied, "blocked: connection to an unvetted address for " + where);
  }
  if (s.header_limit_hit) {
    return Error::make(ErrorCode::ResourceExhausted, "response headers from " + where + " exceed " +
                                                         std::to_string(limits.max_header_bytes) + " bytes");
  }
  if (s.body_limit_hit || rc == CURLE_FILESIZE_EXCEEDED) {
    return Error::make(ErrorCode::ResourceExhausted, "response body from " + where + " exceeds " +
                                                         std::to_string(limits.max_response_bytes) + " bytes");
  }
  if (s.consumer_stopped || rc == CURLE_ABORTED_BY_CALLBACK) {
    return Error::make(ErrorCode::Cancelled, "request to " + where + " cancelled");
  }
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    return Error::make(ErrorCode::DeadlineExceeded,
                       "request to " + where + " timed out after " + std::to_string(limits.timeout.count()) + " ms");
  }
  if (rc != CURLE_OK) {
    std::string detail = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    return Error::make(ErrorCode::Unavailable, "request to " + where + " failed: " + detail);
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  s.response.status = static_cast<int>(status);
  s.response.url = target.url;
  return std::move(s.response);
}

}  // namespace nextra::net::detail
