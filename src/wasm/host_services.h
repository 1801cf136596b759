#pragma once
// What a sandboxed module may reach outside itself: a log sink, HTTP fetches and the flow's
// project memory. The sandbox's host imports (docs/wasm.md, "Imports") decode the module's
// pointers, check them against its memory and then call this interface; the app backs it
// with the HTTP node's SSRF-safe client and the flow's project memory. Nothing else is
// importable, so this interface is the whole attack surface a module sees.
//
// Thread-safety: one HostServices may serve many calls at once on different threads; the
// implementation must be thread-safe. Calls made during one sandbox call come from the
// thread running that call.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace nextra::wasm {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// The flow's project memory as seen by one module. Keys are namespaced by the implementation
// (for example `wasm:<module>:`), so a module cannot read another flow's or module's keys.
class KvStore {
 public:
  virtual ~KvStore() = default;
  // The value, or nullopt when the key is absent. Errors end the module's call with that
  // error (Unavailable: the store is down, retryable).
  virtual Result<std::optional<std::string>> get(std::string_view key) = 0;
  // Stores `value` under `key`. ResourceExhausted: the flow's memory quota is full.
  virtual Status set(std::string_view key, std::string_view value) = 0;
};

class HostServices {
 public:
  virtual ~HostServices() = default;

  // One line the module logged (UTF-8 not guaranteed; already truncated to the call's log
  // limit). Must not fail and must be quick.
  virtual void log(std::string_view line) = 0;

  // Performs `request` before `deadline`. The implementation applies the SSRF rules and the
  // flow's allowlist: a refused address is PermissionDenied. A non-2xx status is a response,
  // not an error. Errors (PermissionDenied, Unavailable, DeadlineExceeded, InvalidArgument)
  // end the module's call with that code. The body must be bounded by the implementation.
  virtual Result<HttpResponse> http_fetch(const HttpRequest& request,
                                          std::chrono::steady_clock::time_point deadline) = 0;

  // The flow's project memory, or nullptr when the flow has not enabled it (kv_get/kv_set
  // then fail with PermissionDenied "project memory is not enabled for this flow").
  virtual KvStore* kv() = 0;
};

// Logs nowhere, refuses every fetch (PermissionDenied) and has no project memory: the
// services of a module that is only tested or validated.
class NoHostServices final : public HostServices {
 public:
  void log(std::string_view) override {}
  Result<HttpResponse> http_fetch(const HttpRequest&, std::chrono::steady_clock::time_point) override {
    return Error::make(ErrorCode::PermissionDenied, "network access is not enabled for this module");
  }
  KvStore* kv() override { return nullptr; }
};

}  // namespace nextra::wasm
