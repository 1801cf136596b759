#include "wasm/import_json.h"

#include <nlohmann/json.hpp>

namespace nextra::wasm {

Result<HttpRequest> parse_request(const std::string& text) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Error::invalid("the request must be a JSON object");
  HttpRequest r;
  const auto url = j.find("url");
  if (url == j.end() || !url->is_string()) return Error::invalid("request.url must be a string");
  r.url = url->get<std::string>();
  if (auto m = j.find("method"); m != j.end()) {
    if (!m->is_string()) return Error::invalid("request.method must be a string");
    r.method = m->get<std::string>();
    static const char* kMethods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"};
    bool known = false;
    for (const char* k : kMethods) known = known || r.method == k;
    if (!known) return Error::invalid("request.method '" + r.method + "' is not one of GET, POST, PUT, PATCH, DELETE, HEAD");
  }
  if (auto h = j.find("headers"); h != j.end()) {
    if (!h->is_object()) return Error::invalid("request.headers must be an object of strings");
    for (const auto& [k, v] : h->items()) {
      if (!v.is_string()) return Error::invalid("request.headers." + k + " must be a string");
      r.headers.emplace_back(k, v.get<std::string>());
    }
  }
  if (auto b = j.find("body"); b != j.end()) {
    if (!b->is_string()) return Error::invalid("request.body must be a string");
    r.body = b->get<std::string>();
  }
  return r;
}

std::string response_json(const HttpResponse& r) {
  nlohmann::json j;
  j["status"] = r.status;
  j["headers"] = nlohmann::json::object();
  for (const auto& [k, v] : r.headers) j["headers"][k] = v;
  j["body"] = r.body;
  // Bodies need not be UTF-8; invalid sequences become U+FFFD rather than failing.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace nextra::wasm
