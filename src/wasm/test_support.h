#pragma once
// Helpers for the wasm tests: the .wat modules under tests/data/wasm, and HostServices that
// record what a module did (logs, keys) and refuse private addresses like the real client.

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "wasm/host_services.h"
#include "wasm/wat.h"

namespace nextra::wasm::testing {

inline std::string read_data(const std::string& name) {
  std::ifstream in(std::string(NEXTRA_DEFAULT_SOURCE_DIR) + "/tests/data/wasm/" + name);
  EXPECT_TRUE(in.good()) << "missing test module " << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The binary of tests/data/wasm/<name>.wat, with `;; @alloc` replaced by alloc.inc.wat.
inline std::string module_bytes(const std::string& name) {
  std::string wat = read_data(name + ".wat");
  const std::string marker = ";; @alloc";
  if (auto at = wat.find(marker); at != std::string::npos) wat.replace(at, marker.size(), read_data("alloc.inc.wat"));
  auto bytes = wat_to_wasm(wat);
  EXPECT_TRUE(bytes.ok()) << name << ": " << (bytes.ok() ? "" : bytes.error().message);
  return bytes.ok() ? std::move(bytes).value() : std::string();
}

class MapKv final : public KvStore {
 public:
  Result<std::optional<std::string>> get(std::string_view key) override {
    std::lock_guard lock(mu_);
    auto it = values_.find(std::string(key));
    if (it == values_.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }
  Status set(std::string_view key, std::string_view value) override {
    std::lock_guard lock(mu_);
    values_[std::string(key)] = std::string(value);
    return {};
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::string> values_;
};

// Logs are recorded; fetches to 10.*, 127.*, 192.168.* and localhost are refused
// (PermissionDenied, as the SSRF-safe client does); others answer 200 with the URL as body.
class RecordingHost final : public HostServices {
 public:
  explicit RecordingHost(bool kv_enabled = true) : kv_enabled_(kv_enabled) {}
  void log(std::string_view line) override {
    std::lock_guard lock(mu_);
    logs_.emplace_back(line);
  }
  Result<HttpResponse> http_fetch(const HttpRequest& r, std::chrono::steady_clock::time_point) override {
    for (const char* p : {"http://10.", "http://127.", "http://192.168.", "http://localhost"}) {
      if (r.url.rfind(p, 0) == 0) {
        return Error::make(ErrorCode::PermissionDenied, "the address of " + r.url + " is private");
      }
    }
    return HttpResponse{200, {{"content-type", "text/plain"}}, r.url};
  }
  KvStore* kv() override { return kv_enabled_ ? &kv_ : nullptr; }
  std::vector<std::string> logs() {
    std::lock_guard lock(mu_);
    return logs_;
  }

 private:
  bool kv_enabled_;
  MapKv kv_;
  std::mutex mu_;
  std::vector<std::string> logs_;
};

}  // namespace nextra::wasm::testing
