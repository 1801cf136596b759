#include "http/health.h"

#include <exception>

namespace nextra::http {

void add_health_routes(Router& router, ReadinessCheck readiness) {
  router.get("/healthz", [](const Request&) { return Response::json(200, {{"status", "ok"}}); });
  router.get("/readyz", [readiness = std::move(readiness)](const Request&) {
    Readiness r;
    if (readiness) {
      try {
        r = readiness();
      } catch (const std::exception& e) {
        r = {false, {{"error", e.what()}}};
      }
    }
    if (!r.ready) return Response::error(503, "not_ready", "the server is not ready", std::move(r.details));
    return Response::json(200, {{"status", "ready"}, {"details", std::move(r.details)}});
  });
}

}  // namespace nextra::http
