#pragma once
// The process driver, parent side (`nextra serve --driver process`): each running flow is a
// child `nextra pump --flow ID` process. The server keeps the durable queue (the executions
// table): an accepted trigger is recorded first, then its id is added to the flow's Redis
// stream. The child runs it, records it in the same database, acknowledges the stream
// entry only after that, and publishes its log events, which this side relays to the
// server's LogHub (SSE) and uses to wake synchronous webhooks.
//
// Failures: a child that dies is restarted with exponential backoff (its unacknowledged
// entries are claimed again by the new child); while it is down the flow's status is
// `error` with the reason. An execution not reported finished within `redeliver_after` is
// added to the stream again (Redis may have restarted and lost it); the child ignores ids
// it is already running or that have ended, so each accepted trigger still ends in exactly
// one recorded execution.

#include <chrono>
#include <string>
#include <vector>

#include "process/child_process.h"
#include "runtime/flow_runner.h"

namespace nextra::process {

struct ProcessDriverConfig {
  std::string binary;                  // the `nextra` executable (this one: /proc/self/exe)
  std::vector<std::string> pump_args;  // passed on: --data-dir DIR [--database URL] ...
  std::string redis_url;
  ChildLimits limits{1024ull * 1024 * 1024, 0, 5};
  int workers = 2;
  std::chrono::milliseconds start_timeout{20000};
  std::chrono::milliseconds stop_grace{35000};  // the child drains for up to 30 s
  std::chrono::milliseconds redeliver_after{5000};
  std::chrono::milliseconds max_restart_backoff{10000};
};

runtime::RunnerFactory make_process_runner_factory(ProcessDriverConfig config);

}  // namespace nextra::process
