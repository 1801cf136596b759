#pragma once
// One request/response hop on libcurl against an already vetted Target (internal to
// src/net; http_client.cc loops over hops for redirects).

#include <atomic>
#include <chrono>

#include "core/result.h"
#include "net/http_client.h"
#include "net/target.h"

namespace nextra::net::detail {

struct HopLimits {
  std::chrono::milliseconds timeout;
  std::chrono::milliseconds connect_timeout;
  std::size_t max_response_bytes;
  std::size_t max_header_bytes;
  const std::string* user_agent;
  const std::atomic<bool>* stopping;  // the client's shutdown flag
};

// Performs `method url` with `headers`/`body`. The response body goes to on_body_chunk when
// the request has one and the status is 2xx, else into the result's body.
Result<HttpResponse> exchange(const Target& target, const std::string& method, const HeaderList& headers,
                              const std::string& body, const HttpRequest& request, const HopLimits& limits);

}  // namespace nextra::net::detail
