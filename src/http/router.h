#pragma once
// Method + path-pattern routing for the control plane. Patterns are literal segments and
// `{name}` placeholders that match exactly one non-empty segment ("/api/flows/{id}/versions/{n}").
// Build the router completely before the server starts; after that it is only read, from
// any number of io threads at once, and needs no lock.
//
// Handlers are synchronous and run on an io thread: a slow handler holds that thread (and
// delays graceful shutdown). Handlers must be quick, or hand the work off and answer 202.

#include <functional>
#include <string>
#include <vector>

#include "http/request.h"

namespace nextra::http {

using Handler = std::function<Response(const Request&)>;

class Router {
 public:
  // Registers `handler` for `method` ("GET", "POST", ...) on `pattern` (must start with '/').
  // A later route with the same method and pattern replaces the earlier one.
  void add(std::string method, std::string pattern, Handler handler);
  void get(std::string pattern, Handler h) { add("GET", std::move(pattern), std::move(h)); }
  void post(std::string pattern, Handler h) { add("POST", std::move(pattern), std::move(h)); }
  void put(std::string pattern, Handler h) { add("PUT", std::move(pattern), std::move(h)); }
  void patch(std::string pattern, Handler h) { add("PATCH", std::move(pattern), std::move(h)); }
  void del(std::string pattern, Handler h) { add("DELETE", std::move(pattern), std::move(h)); }

  // Called for GET and HEAD requests that match no pattern (the static web UI). Without a
  // fallback such requests get the 404 ApiError.
  void set_fallback(Handler handler) { fallback_ = std::move(handler); }

  // Routes `request` (filling its path_params) and returns the handler's response, or:
  // 404 ApiError "not_found" for an unknown path, 405 "method_not_allowed" with an Allow
  // header when the path is known but not for this method, 400 "bad_request" for a path
  // parameter with a malformed percent escape, 500 "internal" when a handler throws.
  // A HEAD request is served by the GET route when there is no HEAD route.
  Response handle(Request& request) const;

  // Every registered (method, pattern), in registration order (the OpenAPI test compares them
  // with the published document).
  struct RouteInfo {
    std::string method;
    std::string pattern;
  };
  std::vector<RouteInfo> routes() const;

 private:
  struct Segment {
    std::string text;
    bool param = false;
  };
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<Segment> segments;
    Handler handler;
  };
  static bool match(const Route& route, const std::vector<std::string_view>& path,
                    std::map<std::string, std::string>* params, bool* bad_escape);

  std::vector<Route> routes_;
  Handler fallback_;
};

}  // namespace nextra::http
