#include "process/pump_process.h"

#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/resident_pages.h"
#include "host/host.h"
#include "process/channels.h"
#include "redis/connection.h"
#include "redis/pubsub.h"
#include "redis/redis_backend.h"
#include "redis/stream_queue.h"
#include "runtime/runtime.h"

namespace nextra::process {
namespace {

constexpr std::size_t kLogStreamLength = 10000;

// Which stream entries announced each execution this process runs, so they are
// acknowledged together once it is recorded.
class Deliveries {
 public:
  bool running(const std::string& id) {
    std::lock_guard lock(mu_);
    return entries_.count(id) > 0;
  }
  void add(const std::string& id, const std::string& entry) {
    std::lock_guard lock(mu_);
    entries_[id].push_back(entry);
  }
  bool empty() {
    std::lock_guard lock(mu_);
    return entries_.empty();
  }
  std::vector<std::string> take(const std::string& id) {
    std::lock_guard lock(mu_);
    auto it = entries_.find(id);
    if (it == entries_.end()) return {};
    auto out = std::move(it->second);
    entries_.erase(it);
    return out;
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::vector<std::string>> entries_;
};

class Cancellations {
 public:
  void push(std::string id) {
    std::lock_guard lock(mu_);
    if (ids_.size() < 10000) ids_.push_back(std::move(id));
  }
  std::deque<std::string> take() {
    std::lock_guard lock(mu_);
    return std::exchange(ids_, {});
  }

 private:
  std::mutex mu_;
  std::deque<std::string> ids_;
};

}  // namespace

Status run_pump_process(const PumpProcessOptions& options, const std::atomic<bool>& stop) {
  if (options.flow_id.empty()) return Error::invalid("--flow is required");
  if (options.redis_url.empty()) return Error::invalid("--redis is required (redis://host:port)");
  if (options.backend != "memory" && options.backend != "redis") return Error::invalid("--backend must be memory or redis");
  NEXTRA_ASSIGN_OR_RETURN(auto opened, host::open_store(options.data_dir, options.database_url));
  store::Store& store = *opened.store;
  std::string org_id = options.org_id;
  if (org_id.empty()) {
    NEXTRA_ASSIGN_OR_RETURN(org_id, store.flow_org(options.flow_id));
  }
  NEXTRA_TRY(store.get_flow(org_id, options.flow_id));
  NEXTRA_ASSIGN_OR_RETURN(auto key, host::open_master_key(options.master_key, options.data_dir));
  vault::Vault vault(std::move(key.key));
  vault::Redactor redactor;
  const FlowChannels channels = flow_channels(org_id, options.flow_id);

  NEXTRA_ASSIGN_OR_RETURN(auto shared_conn, redis::connect(options.redis_url));
  std::shared_ptr<redis::Connection> conn(std::move(shared_conn));
  NEXTRA_ASSIGN_OR_RETURN(auto reader_conn, redis::connect(options.redis_url));  // blocking reads hold it
  redis::StreamQueue reader(std::shared_ptr<redis::Connection>(std::move(reader_conn)), channels.triggers, kPumpGroup, "pump");
  redis::StreamQueue acker(conn, channels.triggers, kPumpGroup, "pump");
  NEXTRA_TRY(reader.ensure_group());

  Deliveries deliveries;
  runtime::LogHub logs(100);
  runtime::RuntimeOptions ro;
  ro.idle_timeout = std::chrono::hours(24 * 365);  // the server decides when this process is idle
  ro.maintenance_interval = std::chrono::hours(1);
  ro.execution_timeout = options.execution_timeout;
  ro.workers_per_flow = options.workers;
  ro.resolve_secrets = host::secret_resolver(store, vault, redactor);
  if (options.handler_kinds) ro.handler_kinds = options.handler_kinds(store);
  ro.redact = [&redactor](std::string text) { return redactor.empty() ? text : redactor.redact(text); };
  if (options.backend == "redis") ro.make_backend = [conn, org_id, &options](const flow::OrganismSpec& spec) -> std::unique_ptr<pump::SharedBackend> {
    return redis::make_redis_backend(conn, redis::flow_prefix(org_id, options.flow_id), *spec.schema);
  };
  // Acknowledged only now: the execution's record is committed.
  ro.on_recorded = [&deliveries, &acker](const std::vector<std::string>& ids) {
    for (const auto& id : ids) {
      for (const auto& entry : deliveries.take(id)) (void)acker.ack(entry);
    }
  };
  runtime::Runtime runtime(store, logs, ro);

  // Every event goes to the server (pub/sub, for live tails and waiters) and to the capped
  // log stream (for replay).
  const auto sub = logs.subscribe(org_id, options.flow_id, "", [conn, &channels](const runtime::LogEvent& e) {
    nlohmann::json line = {{"type", e.type}, {"executionId", e.execution_id}, {"data", e.data}, {"at", e.at_ms}};
    (void)redis::publish_log(*conn, channels.events, channels.log, line.dump(), kLogStreamLength);
    return true;
  });

  Cancellations cancels;
  NEXTRA_ASSIGN_OR_RETURN(auto control, redis::Subscriber::start(options.redis_url, {channels.control},
                                                                 [&cancels](const std::string&, const std::string& m) {
                                                                   if (m.rfind("cancel ", 0) == 0) cancels.push(m.substr(7));
                                                                 }));

  auto handle = [&](const redis::Delivery& d) {
    auto j = nlohmann::json::parse(d.payload, nullptr, false);
    const std::string id = j.is_object() ? j.value("executionId", std::string()) : std::string();
    if (id.empty()) {
      (void)acker.ack(d.id);  // not ours to understand; nothing to record
      return;
    }
    if (deliveries.running(id)) {  // announced again while it runs: the first entry stays pending
      deliveries.add(id, d.id);
      return;
    }
    deliveries.add(id, d.id);
    auto ran = runtime.run_existing(org_id, id);
    if (ran.ok() && *ran) return;  // acknowledged once recorded
    if (!ran.ok()) {
      // It cannot run here (its flow no longer starts, or the row is gone): it ends as an
      // error, so it is not announced forever.
      store::FinishExecutionRequest fr{org_id, id, "error", "", "could not run: " + ran.error().message, runtime.now_ms()};
      (void)store.finish_execution(fr);
      nlohmann::json data = {{"executionId", id}, {"status", "error"}, {"error", fr.error}};
      logs.publish(org_id, options.flow_id, id, "execution.finished", data.dump(), runtime.now_ms());
    }
    for (const auto& entry : deliveries.take(id)) (void)acker.ack(entry);  // already ended
    // The server may have missed its finish event (Redis restarted meanwhile): tell it again
    // that this one is recorded, so it stops announcing it and wakes any waiter.
    nlohmann::json line = {{"type", "execution.recorded"}, {"executionId", id}, {"data", "{}"}, {"at", runtime.now_ms()}};
    (void)conn->command({"PUBLISH", channels.events, line.dump()});
  };

  // What a predecessor (killed, crashed) received and never acknowledged comes first.
  for (int round = 0; round < 1000 && !stop; ++round) {
    auto stale = reader.claim_stale(std::chrono::milliseconds(0), 100);
    if (!stale.ok() || stale->empty()) break;
    for (const auto& d : *stale) handle(d);
  }
  std::printf("%s\n", kReadyLine);
  std::fflush(stdout);

  auto last_activity = std::chrono::steady_clock::now();
  bool trimmed = false;
  while (!stop) {
    for (const auto& id : cancels.take()) (void)runtime.cancel(org_id, id);
    if (!trimmed && options.idle_trim_after.count() > 0 && deliveries.empty() &&
        std::chrono::steady_clock::now() - last_activity >= options.idle_trim_after) {
      release_free_heap();
      (void)release_clean_file_pages();
      trimmed = true;
    }
    auto batch = reader.read(64, std::chrono::milliseconds(200));
    if (!batch.ok()) {
      // Redis restarted: without persistence the group is gone (NOGROUP); recreate it. The
      // server announces unfinished executions again, so nothing accepted is lost.
      if (batch.error().message.find("NOGROUP") != std::string::npos) {
        (void)reader.ensure_group();
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
      }
      continue;
    }
    if (!batch->empty() || !deliveries.empty()) {
      last_activity = std::chrono::steady_clock::now();
      trimmed = false;
    }
    for (const auto& d : *batch) handle(d);
  }
  runtime.shutdown();  // drains: running executions finish, are recorded and acknowledged
  logs.unsubscribe(sub);
  control->stop();
  return {};
}

}  // namespace nextra::process
