#pragma once
// The process driver, child side: `nextra pump --flow ID`. One OS process runs one flow's
// pump. It reads execution ids from the flow's Redis stream (consumer group "pumps"), runs
// each recorded execution that is still open, records it in the database the server uses,
// and acknowledges the stream entry only after that record is committed. Its log events go
// to the flow's pub/sub channel and capped log stream; cancellations arrive on the flow's
// control channel. On start it first takes over the entries its predecessor left
// unacknowledged.
//
// Context buffers and the thread registry: in this process's memory by default (one process
// runs the flow, and a restarted pump re-runs its unfinished executions from their recorded
// input anyway, so nothing needs them to outlive it; and a Redis restart without persistence
// would wipe the state of every execution in flight). `backend = "redis"` keeps them in Redis
// under the flow's prefix instead, for pumps of one flow spread over several processes.

#include <atomic>
#include <chrono>
#include <functional>
#include <string>

#include "runtime/handler_kinds.h"
#include "store/store.h"

#include "core/result.h"

namespace nextra::process {

struct PumpProcessOptions {
  std::string flow_id;
  std::string org_id;        // empty = looked up from the flow
  std::string data_dir = "nextra-data";
  std::string database_url;  // empty = SQLite in data_dir
  std::string master_key;    // NEXTRA_MASTER_KEY; empty = data_dir/master.key
  std::string redis_url;
  int workers = 2;
  std::string backend = "memory";  // memory | redis
  std::chrono::milliseconds execution_timeout{5 * 60 * 1000};
  // After this long with nothing to run, the process gives back the clean file pages that
  // start-up touched (core/resident_pages.h) and the heap's free memory, once per idle spell:
  // an idle pump's RSS is then what it holds, not what loading the flow once touched.
  // 0 = never.
  std::chrono::milliseconds idle_trim_after{10000};
  // The handler kinds that reach the outside world (http, wasm), made once the store is
  // open; given by the composition root (`nextra pump`), empty = built-ins only.
  std::function<runtime::HandlerKinds(store::Store&)> handler_kinds;
};

// Runs until `stop` becomes true, then drains (running executions finish and are recorded).
// Prints kReadyLine (channels.h) on stdout once it consumes the stream. An error when it
// cannot start (no such flow, database or Redis unreachable).
Status run_pump_process(const PumpProcessOptions& options, const std::atomic<bool>& stop);

}  // namespace nextra::process
