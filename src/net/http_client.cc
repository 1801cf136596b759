#include "net/http_client.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "core/thread_name.h"
#include "net/exchange.h"
#include "net/target.h"

namespace nextra::net {

namespace {

constexpr const char* kMethods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Credentials meant for one origin must not follow a redirect to another.
bool is_credential_header(std::string_view name) {
  for (const char* h : {"authorization", "proxy-authorization", "cookie", "x-api-key", "x-goog-api-key", "api-key"}) {
    if (iequals(name, h)) return true;
  }
  return false;
}

bool same_origin(const Target& a, const Target& b) {
  return a.scheme == b.scheme && a.host == b.host && a.port == b.port;
}

}  // namespace

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return v;
  }
  return std::nullopt;
}

struct HttpClient::Impl {
  HttpClientOptions options;
  std::atomic<bool> stopping{false};

  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::pair<HttpRequest, ResponseCallback>> queue;  // guarded by mu
  std::vector<std::thread> workers;

  Result<HttpResponse> run(const HttpRequest& request);
  void worker_loop();
};

Result<HttpResponse> HttpClient::Impl::run(const HttpRequest& request) {
  if (std::find(std::begin(kMethods), std::end(kMethods), request.method) == std::end(kMethods)) {
    return Error{ErrorCode::InvalidArgument, "unsupported HTTP method '" + request.method.substr(0, 16) + "'", "method"};
  }
  if (request.timeout.count() <= 0 || request.timeout > options.max_timeout) {
    return Error{ErrorCode::InvalidArgument,
                 "timeout must be between 1 and " + std::to_string(options.max_timeout.count()) + " ms", "timeout"};
  }
  if (request.max_redirects < 0 || request.max_redirects > 20) {
    return Error{ErrorCode::InvalidArgument, "max_redirects must be between 0 and 20", "max_redirects"};
  }
  const auto deadline = std::chrono::steady_clock::now() + request.timeout;
  detail::HopLimits limits{request.timeout,
                           options.connect_timeout,
                           std::min(request.max_response_bytes, options.max_response_bytes_cap),
                           options.max_header_bytes,
                           &options.user_agent,
                           &stopping};
  std::string method = request.method;
  std::string body = request.body;
  HeaderList headers = request.headers;
  std::string url = request.url;
  std::optional<Target> previous;
  for (int hop = 0;; ++hop) {
    auto target = check_target(url, options.allowlist);
    if (!target.ok()) {
      Error e = target.take_error();
      if (hop > 0) e.message = "redirect " + std::to_string(hop) + ": " + e.message;
      e.field = hop == 0 ? "url" : "";
      return e;
    }
    if (previous && !same_origin(*previous, *target)) {
      std::erase_if(headers, [](const auto& h) { return is_credential_header(h.first); });
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return Error::make(ErrorCode::DeadlineExceeded, "request to " + describe_url(request.url) + " timed out after " +
                                                          std::to_string(request.timeout.count()) + " ms");
    }
    limits.timeout = left;
    NEXTRA_ASSIGN_OR_RETURN(HttpResponse response, detail::exchange(*target, method, headers, body, request, limits));
    response.redirects = hop;
    bool redirect = response.status == 301 || response.status == 302 || response.status == 303 ||
                    response.status == 307 || response.status == 308;
    auto location = response.header("Location");
    if (!redirect || !location || request.max_redirects == 0) return response;
    if (hop >= request.max_redirects) {
      return Error::make(ErrorCode::ResourceExhausted,
                         "more than " + std::to_string(request.max_redirects) + " redirects from " + describe_url(request.url));
    }
    NEXTRA_ASSIGN_OR_RETURN(url, resolve_reference(target->url, *location));
    // 303 always, and 301/302 after a POST (what every browser does), continue as GET.
    if (response.status == 303 || ((response.status == 301 || response.status == 302) && method == "POST")) {
      if (method != "HEAD") method = "GET";
      body.clear();
      std::erase_if(headers, [](const auto& h) { return iequals(h.first, "content-type") || iequals(h.first, "content-length"); });
    }
    previous = std::move(*target);
  }
}

void HttpClient::Impl::worker_loop() {
  for (;;) {
    std::pair<HttpRequest, ResponseCallback> job;
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return stopping.load() || !queue.empty(); });
      if (queue.empty()) return;  // stopping and drained
      job = std::move(queue.front());
      queue.pop_front();
    }
    if (stopping.load()) {
      job.second(Error::make(ErrorCode::Cancelled, "HTTP client shutting down"));
      continue;
    }
    job.second(run(job.first));
  }
}

Result<std::unique_ptr<HttpClient>> HttpClient::create(HttpClientOptions options) {
  if (options.workers < 1 || options.workers > 256) {
    return Error{ErrorCode::InvalidArgument, "workers must be between 1 and 256", "workers"};
  }
  if (options.queue_capacity < 1 || options.queue_capacity > 1'000'000) {
    return Error{ErrorCode::InvalidArgument, "queue_capacity must be between 1 and 1000000", "queue_capacity"};
  }
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  Impl* raw = impl.get();
  for (int i = 0; i < raw->options.workers; ++i) {
    raw->workers.emplace_back([raw] {
      name_this_thread("http-client");
      raw->worker_loop();
    });
  }
  return std::unique_ptr<HttpClient>(new HttpClient(std::move(impl)));
}

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpClient::~HttpClient() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
  for (auto& t : impl_->workers) t.join();
}

Result<HttpResponse> HttpClient::send(const HttpRequest& request) { return impl_->run(request); }

Status HttpClient::send_async(HttpRequest request, ResponseCallback done) {
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->stopping) return Error::make(ErrorCode::Cancelled, "HTTP client shutting down");
    if (impl_->queue.size() >= impl_->options.queue_capacity) {
      return Error::make(ErrorCode::ResourceExhausted, "outbound HTTP queue is full (" +
                                                           std::to_string(impl_->options.queue_capacity) + " requests)");
    }
    impl_->queue.emplace_back(std::move(request), std::move(done));
  }
  impl_->cv.notify_one();
  return {};
}

const HttpClientOptions& HttpClient::options() const { return impl_->options; }

}  // namespace nextra::net
