#pragma once
// `tool:fetch` (xml-pipeline-semantics.md §10): FetchRequest{url, method, body, headers
// ("Key: Value" lines), timeout} → FetchResponse{url (final), status_code (0 on error),
// body, content_type, error}, always answered to the caller. The request goes through the
// same SSRF-safe HttpClient as the HTTP node (every address checked after DNS and on each
// redirect; the administrator's allowlist only), so `allow_internal` from the library does
// not exist here. Methods GET POST PUT DELETE PATCH HEAD OPTIONS; timeout 1–300 s (default
// 30); at most 5 redirects; body at most 10 MiB; a body that is not UTF-8 comes back base64.

#include <memory>

#include "net/http_client.h"
#include "pump/pump.h"

namespace nextra::net {

pump::HandlerFactory make_fetch_tool_factory(std::shared_ptr<HttpClient> client);

}  // namespace nextra::net
