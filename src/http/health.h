#pragma once
// Liveness and readiness routes. /healthz says the process answers; /readyz asks a callback
// (database reachable, migrations applied, ...) so a load balancer only sends traffic to an
// instance that can serve it.

#include <functional>

#include <nlohmann/json.hpp>

#include "http/router.h"

namespace nextra::http {

struct Readiness {
  bool ready = true;
  nlohmann::json details = nlohmann::json::object();  // e.g. {"database":"unreachable"}
};

// Called on an io thread for every GET /readyz: keep it cheap (cache slow probes).
using ReadinessCheck = std::function<Readiness()>;

// GET /healthz -> 200 {"status":"ok"}.
// GET /readyz  -> 200 {"status":"ready","details":{...}} or 503 ApiError "not_ready" with the
//                 callback's details. Without a callback the instance is always ready.
// A callback that throws counts as not ready.
void add_health_routes(Router& router, ReadinessCheck readiness = {});

}  // namespace nextra::http
