#pragma once
// Outbound HTTP for LLM providers, the `http` handler and tools, on libcurl, SSRF-safe:
//  - only http and https; the host is resolved by us and every address must be public
//    (net/target.h) unless the administrator's Allowlist says otherwise;
//  - libcurl connects only to the addresses we vetted (pinned with CURLOPT_RESOLVE, and
//    checked again when the socket is opened), so a DNS rebind between check and connect
//    cannot reach anything else; proxies from the environment are ignored for the same reason;
//  - redirects are followed here, each hop checked like the first, at most max_redirects;
//  - limits: total time over all hops, response body size, response header size.
//
// send() blocks the calling thread (for tools that already run off the pump). send_async()
// queues the request for a bounded pool of worker threads and calls back on one of them;
// the pump's threads must use it. Thread-safe.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "net/allowlist.h"

namespace nextra::net {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";  // GET POST PUT PATCH DELETE HEAD OPTIONS
  std::string url;
  HeaderList headers;
  std::string body;
  std::chrono::milliseconds timeout{30'000};  // whole exchange, all redirects included
  std::size_t max_response_bytes = 10 * 1024 * 1024;
  int max_redirects = 5;  // 0: a redirect is returned as the response
  // Streaming: when set, the body of a 2xx final response is handed over piece by piece as
  // it arrives (and not kept in HttpResponse::body); returning false aborts the transfer
  // (the result is then Cancelled). Other statuses are collected into body as usual.
  std::function<bool(std::string_view)> on_body_chunk;
  // Optional: set to true from any thread to abort the request (result: Cancelled).
  std::shared_ptr<std::atomic<bool>> cancel;
};

struct HttpResponse {
  int status = 0;
  HeaderList headers;  // of the final response, names as received
  std::string body;
  std::string url;     // the final URL after redirects
  int redirects = 0;

  // First value of `name` (ASCII case-insensitive).
  std::optional<std::string> header(std::string_view name) const;
};

struct HttpClientOptions {
  Allowlist allowlist;
  int workers = 8;                    // send_async() threads; 1..256
  std::size_t queue_capacity = 1024;  // queued send_async() requests beyond: ResourceExhausted
  std::size_t max_header_bytes = 64 * 1024;                 // per response
  std::size_t max_response_bytes_cap = 64 * 1024 * 1024;   // ceiling for any request's limit
  std::chrono::milliseconds max_timeout{300'000};           // ceiling for any request's timeout
  std::chrono::milliseconds connect_timeout{10'000};
  std::string user_agent = "nextra/0.1";
};

using ResponseCallback = std::function<void(Result<HttpResponse>)>;

class HttpClient {
 public:
  // Errors: InvalidArgument for out-of-range options.
  static Result<std::unique_ptr<HttpClient>> create(HttpClientOptions options);
  // Aborts what is running, answers every queued request with Cancelled, joins the workers.
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Errors: InvalidArgument (bad URL, scheme, method, header), NotFound (host does not
  // resolve), PermissionDenied (a blocked address, on any hop), DeadlineExceeded,
  // ResourceExhausted (body or header limit, too many redirects), Unavailable (connection
  // or protocol failure), Cancelled. Any HTTP status is a successful Result.
  Result<HttpResponse> send(const HttpRequest& request);

  // Queues `request`; `done` runs exactly once on a worker thread (or with Cancelled during
  // destruction). Errors (done is then not called): ResourceExhausted when the queue is full,
  // Cancelled when the client is shutting down.
  Status send_async(HttpRequest request, ResponseCallback done);

  const HttpClientOptions& options() const;

 private:
  struct Impl;
  explicit HttpClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace nextra::net
