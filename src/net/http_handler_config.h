#pragma once
// The `http:` section of a `handler: http` listener (docs/llm.md, "HTTP node"):
//
//   http:
//     method: POST                          # GET (default) POST PUT PATCH DELETE HEAD
//     url: "https://api.example.com/items/{{ id }}"   # template; scheme and host must be literal
//     headers: { Accept: application/json, X-Thread: "{{ _thread }}" }   # values are templates
//     body: '{"name": {{ name | json }}}'   # template
//     auth: { bearer: "${secret:TOKEN}" }   # or { basic: "user:pass" } or { header: X-Api-Key, value: "..." }
//     timeout: 10                           # seconds; default: the listener's timeout_seconds
//     max_response_bytes: 1048576
//     payload: WeatherReport                # the class of the next payload (required)
//     to: summarise                         # or respond: true; default: the only peer, else respond
//
// Templates are compiled against the listener's payload class when the flow loads, so a
// wrong field is an error at load time with line and column.

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "flow/organism.h"
#include "handlers/template.h"
#include "schema/types.h"

namespace nextra::net {

struct HttpHandlerConfig {
  std::string method = "GET";
  std::optional<handlers::Template> url;  // always set after parsing (Template has no default)
  std::vector<std::pair<std::string, handlers::Template>> headers;
  std::optional<handlers::Template> body;
  std::vector<std::pair<std::string, std::string>> auth_headers;  // literal, secret: redacted in errors
  std::vector<std::string> secrets;                               // values to redact
  std::chrono::milliseconds timeout{30'000};
  std::size_t max_response_bytes = 1024 * 1024;
  const schema::PayloadClass* output = nullptr;
  std::string to;
  bool respond = false;
};

// Errors name the field ("http.url") with the line and column in the organism file.
// REQUIRES: `schema` is linked and outlives the result.
Result<HttpHandlerConfig> parse_http_handler_config(const flow::ListenerSpec& listener, const schema::Schema& schema);

}  // namespace nextra::net
