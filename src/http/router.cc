#include "http/router.h"

#include <algorithm>
#include <exception>

namespace nextra::http {
namespace {

// Splits "/a/b/" into {"a","b",""}: a trailing slash is a distinct, empty last segment, so
// "/api/flows/" does not silently match "/api/flows".
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  for (;;) {
    auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

}  // namespace

void Router::add(std::string method, std::string pattern, Handler handler) {
  Route route{std::move(method), std::move(pattern), {}, std::move(handler)};
  for (auto seg : split_path(route.pattern)) {
    bool param = seg.size() >= 2 && seg.front() == '{' && seg.back() == '}';
    route.segments.push_back({std::string(param ? seg.substr(1, seg.size() - 2) : seg), param});
  }
  for (auto& r : routes_) {
    if (r.method == route.method && r.pattern == route.pattern) {
      r = std::move(route);
      return;
    }
  }
  routes_.push_back(std::move(route));
}

bool Router::match(const Route& route, const std::vector<std::string_view>& path,
                   std::map<std::string, std::string>* params, bool* bad_escape) {
  if (route.segments.size() != path.size()) return false;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const auto& seg = route.segments[i];
    if (!seg.param) {
      if (seg.text != path[i]) return false;
    } else if (path[i].empty()) {
      return false;
    }
  }
  if (params) {
    for (std::size_t i = 0; i < path.size(); ++i) {
      if (!route.segments[i].param) continue;
      auto decoded = percent_decode(path[i], false);
      if (!decoded) {
        *bad_escape = true;
        return true;
      }
      (*params)[route.segments[i].text] = std::move(*decoded);
    }
  }
  return true;
}

std::vector<Router::RouteInfo> Router::routes() const {
  std::vector<RouteInfo> out;
  out.reserve(routes_.size());
  for (const auto& r : routes_) out.push_back({r.method, r.pattern});
  return out;
}

Response Router::handle(Request& request) const {
  const auto path = split_path(request.path);
  const Route* found = nullptr;
  const Route* get_route = nullptr;
  std::vector<std::string> allowed;
  for (const auto& route : routes_) {
    if (!match(route, path, nullptr, nullptr)) continue;
    allowed.push_back(route.method);
    if (route.method == request.method && !found) found = &route;
    if (route.method == "GET" && !get_route) get_route = &route;
  }
  if (!found && request.method == "HEAD") found = get_route;

  const Handler* handler = nullptr;
  if (found) {
    bool bad_escape = false;
    request.path_params.clear();
    match(*found, path, &request.path_params, &bad_escape);
    if (bad_escape) return Response::error(400, "bad_request", "malformed percent escape in the path");
    handler = &found->handler;
  } else if (allowed.empty()) {
    if (fallback_ && (request.method == "GET" || request.method == "HEAD")) {
      handler = &fallback_;
    } else {
      return Response::error(404, "not_found", "no route for " + request.path);
    }
  } else {
    if (std::find(allowed.begin(), allowed.end(), "GET") != allowed.end()) allowed.push_back("HEAD");
    std::sort(allowed.begin(), allowed.end());
    allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
    std::string allow;
    for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
    auto r = Response::error(405, "method_not_allowed", request.method + " is not allowed on " + request.path,
                             {{"allow", allowed}});
    r.headers.set("Allow", allow);
    return r;
  }
  // Exceptions must not reach the io loop: a throwing handler is a bug, answered 500.
  try {
    return (*handler)(request);
  } catch (const std::exception& e) {
    return Response::error(500, "internal", "the handler failed", {{"reason", e.what()}});
  } catch (...) {
    return Response::error(500, "internal", "the handler failed");
  }
}

}  // namespace nextra::http
