#pragma once
// The JSON that the `http_fetch` import exchanges with a module (docs/wasm.md, "Imports"),
// shared by every engine.

#include <string>

#include "core/result.h"
#include "wasm/host_services.h"

namespace nextra::wasm {

// {"url", "method"?, "headers"?: {name: value}, "body"?} → a request. InvalidArgument naming
// the bad field.
Result<HttpRequest> parse_request(const std::string& text);

// {"status", "headers", "body"}; invalid UTF-8 in the body becomes U+FFFD.
std::string response_json(const HttpResponse& response);

}  // namespace nextra::wasm
