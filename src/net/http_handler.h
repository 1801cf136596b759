#pragma once
// `handler: http`: a listener that makes one outbound HTTP request per message, through the
// SSRF-safe HttpClient, and turns the response into the next payload. Asynchronous: the
// request runs on the client's worker pool, never on a pump worker.
//
// The response fills the `http.payload` class by field name:
//   status | status_code (int or string)  the HTTP status
//   body                                   the response body as text
//   content_type, url                      the Content-Type and final URL
//   ok (bool)                              2xx
//   any other scalar field (optional too)  the same-named member of a JSON object body
//   everything else                        its zero value
// When the class has no status/status_code field, a status >= 400 is a handler error (the
// sender receives a SystemError); with such a field the flow sees every status itself.

#include <memory>

#include "net/http_client.h"
#include "pump/pump.h"

namespace nextra::net {

// The factory to register as PumpOptions::handler_factories["http"]. The client is shared
// by every http listener of every pump (its allowlist is the administrator's).
pump::HandlerFactory make_http_handler_factory(std::shared_ptr<HttpClient> client);

}  // namespace nextra::net
