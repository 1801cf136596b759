#include "process/process_runner.h"

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/thread_name.h"
#include "process/channels.h"
#include "redis/connection.h"
#include "redis/pubsub.h"
#include "redis/stream_queue.h"
#include "xml/payload_codec.h"
#include "xml/xsd_cache.h"

namespace nextra::process {
namespace {

using Clock = std::chrono::steady_clock;

class ProcessRunner final : public runtime::FlowRunner {
 public:
  ProcessRunner(ProcessDriverConfig config, std::string org_id, std::string flow_id, std::int64_t version,
                std::shared_ptr<const flow::OrganismSpec> spec, runtime::InstanceHooks hooks)
      : config_(std::move(config)),
        org_id_(std::move(org_id)),
        flow_id_(std::move(flow_id)),
        version_(version),
        spec_(std::move(spec)),
        hooks_(std::move(hooks)),
        channels_(flow_channels(org_id_, flow_id_)) {}

  ~ProcessRunner() override { stop(); }

  Status open() {
    NEXTRA_ASSIGN_OR_RETURN(auto conn, redis::connect(config_.redis_url));
    conn_ = std::shared_ptr<redis::Connection>(std::move(conn));
    queue_ = std::make_unique<redis::StreamQueue>(conn_, channels_.triggers, kPumpGroup, "server");
    NEXTRA_TRY(queue_->ensure_group());
    // Subscribed before the child exists, so none of its events can be missed.
    NEXTRA_ASSIGN_OR_RETURN(subscriber_, redis::Subscriber::start(config_.redis_url, {channels_.events},
                                                                  [this](const std::string&, const std::string& m) {
                                                                    on_event(m);
                                                                  }));
    NEXTRA_TRY(spawn_child());
    started_at_ = hooks_.now_ms();
    last_activity_ = started_at_;
    supervisor_ = std::thread([this] {
      name_this_thread("pump-supervise");
      supervise();
    });
    return {};
  }

  Status run(const std::string& execution_id, const std::string&, const std::string&,
             const runtime::RunOptions&) override {
    last_activity_ = hooks_.now_ms();
    {
      std::lock_guard lock(mu_);
      inflight_[execution_id] = Clock::now();
    }
    // The execution is already durable in the database: if Redis refuses the entry now, the
    // supervisor adds it again later, so this never fails the trigger.
    (void)send(execution_id);
    return {};
  }

  Result<schema::PayloadPtr> parse_for(const std::string& target, const std::string& payload_xml) const override {
    const auto* listener = spec_->find_listener(target);
    if (!listener) {
      Error e = Error::make(ErrorCode::NotFound, "the flow has no listener '" + target + "'");
      e.field = "target";
      return e;
    }
    NEXTRA_ASSIGN_OR_RETURN(auto payload, xml::parse_payload(payload_xml, xsds_));
    if (!listener->payload_class.empty() && payload->class_name() != listener->payload_class) {
      Error e = Error::make(ErrorCode::SchemaViolation, "listener '" + target + "' accepts " +
                                                            listener->payload_class + ", not " + payload->class_name());
      e.field = "payload";
      return e;
    }
    return payload;
  }

  std::string default_target() const override {
    return spec_->listeners.empty() ? std::string() : spec_->listeners.front().name;
  }

  bool cancel(const std::string& execution_id) override {
    {
      std::lock_guard lock(mu_);
      if (!inflight_.count(execution_id)) return false;
    }
    return conn_->command({"PUBLISH", channels_.control, "cancel " + execution_id}).ok();
  }

  std::int64_t running() const override {
    std::lock_guard lock(mu_);
    return static_cast<std::int64_t>(inflight_.size());
  }
  std::int64_t last_activity_ms() const override { return last_activity_.load(); }
  std::int64_t version() const override { return version_; }
  std::int64_t started_at_ms() const override { return started_at_; }
  std::string failure() const override {
    std::lock_guard lock(mu_);
    return failure_;
  }

  void stop() override {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      stopping_ = true;
    }
    cv_.notify_all();
    if (supervisor_.joinable()) supervisor_.join();
    std::unique_ptr<ChildProcess> child;
    {
      std::lock_guard lock(mu_);
      child = std::move(child_);
    }
    if (child) child->terminate(config_.stop_grace);
    if (subscriber_) subscriber_->stop();
  }

 private:
  Status send(const std::string& execution_id) {
    auto added = queue_->add(nlohmann::json{{"executionId", execution_id}, {"orgId", org_id_}}.dump());
    if (!added.ok()) {
      std::fprintf(stderr, "nextra: flow %s: could not queue execution %s (%s); will retry\n", flow_id_.c_str(),
                   execution_id.c_str(), added.error().message.c_str());
      return added.error();
    }
    return {};
  }

  Status spawn_child() {
    std::vector<std::string> argv = {config_.binary, "pump",   "--flow",    flow_id_,
                                     "--org",        org_id_,  "--redis",   config_.redis_url,
                                     "--workers",    std::to_string(config_.workers)};
    argv.insert(argv.end(), config_.pump_args.begin(), config_.pump_args.end());
    // Few malloc arenas: their address-space reservations would count against RLIMIT_AS.
    NEXTRA_ASSIGN_OR_RETURN(auto child, ChildProcess::spawn(argv, {"MALLOC_ARENA_MAX=2"}, config_.limits));
    NEXTRA_TRY(child->wait_for_line(kReadyLine, config_.start_timeout));
    std::lock_guard lock(mu_);
    child_ = std::move(child);
    child_started_ = Clock::now();
    return {};
  }

  // Events published by the child: relayed to this server's LogHub; a finished execution
  // is recorded already, so its waiters can read it.
  void on_event(const std::string& message) {
    auto j = nlohmann::json::parse(message, nullptr, false);
    if (!j.is_object()) return;
    const std::string type = j.value("type", std::string());
    const std::string id = j.value("executionId", std::string());
    // The child's own flow state and execution starts are not relayed: this side publishes
    // its own (the flow it supervises, the executions it hands over).
    if (type.empty() || type == "flow.state" || type == "execution.started") return;
    if (hooks_.logs && type != "execution.recorded") {
      hooks_.logs->publish(org_id_, flow_id_, id, type, j.value("data", std::string("{}")), j.value("at", std::int64_t{0}));
    }
    if ((type == "execution.finished" || type == "execution.recorded") && !id.empty()) {
      {
        std::lock_guard lock(mu_);
        inflight_.erase(id);
      }
      last_activity_ = hooks_.now_ms();
      if (hooks_.on_recorded_elsewhere) hooks_.on_recorded_elsewhere(id);
    }
  }

  // Restarts a dead child with backoff, keeps it under its CPU share, and re-adds
  // executions that have not finished in time.
  void supervise() {
    auto backoff = std::chrono::milliseconds(100);
    auto last_redelivery = Clock::now();
    std::unique_lock lock(mu_);
    while (!stopping_) {
      cv_.wait_for(lock, std::chrono::milliseconds(100), [&] { return stopping_; });
      if (stopping_) break;
      std::string how;
      if (child_ && child_->exited(&how)) {
        failure_ = "the pump process " + how + "; restarting it";
        std::fprintf(stderr, "nextra: flow %s: %s\n", flow_id_.c_str(), failure_.c_str());
        if (Clock::now() - child_started_ > std::chrono::seconds(30)) backoff = std::chrono::milliseconds(100);
        child_.reset();
      }
      if (!child_) {
        if (cv_.wait_for(lock, backoff, [&] { return stopping_; })) break;
        backoff = std::min(backoff * 2, config_.max_restart_backoff);
        lock.unlock();
        auto spawned = spawn_child();
        lock.lock();
        if (!spawned.ok()) {
          failure_ = "the pump process cannot start: " + spawned.error().message;
          continue;
        }
        failure_.clear();
        last_redelivery = Clock::time_point{};  // re-add what was in flight right away
      }
      if (config_.limits.cpu_percent > 0 && child_) {
        ChildProcess* c = child_.get();
        lock.unlock();
        c->throttle(config_.limits.cpu_percent);  // child_ only changes on this thread
        lock.lock();
      }
      if (Clock::now() - last_redelivery >= std::chrono::seconds(1)) {
        last_redelivery = Clock::now();
        std::vector<std::string> due;
        for (auto& [id, sent] : inflight_) {
          if (Clock::now() - sent >= config_.redeliver_after) {
            due.push_back(id);
            sent = Clock::now();
          }
        }
        lock.unlock();
        for (const auto& id : due) (void)send(id);
        lock.lock();
      }
    }
  }

  const ProcessDriverConfig config_;
  const std::string org_id_;
  const std::string flow_id_;
  const std::int64_t version_;
  const std::shared_ptr<const flow::OrganismSpec> spec_;
  const xml::XsdCache xsds_{spec_->schema};  // the flow's payload XSDs, for parse_for
  const runtime::InstanceHooks hooks_;
  const FlowChannels channels_;

  std::shared_ptr<redis::Connection> conn_;
  std::unique_ptr<redis::StreamQueue> queue_;
  std::unique_ptr<redis::Subscriber> subscriber_;
  std::int64_t started_at_ = 0;
  std::atomic<std::int64_t> last_activity_{0};

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::unique_ptr<ChildProcess> child_;
  Clock::time_point child_started_{};
  std::string failure_;
  std::map<std::string, Clock::time_point> inflight_;  // execution id -> last added to the stream
  std::thread supervisor_;
};

}  // namespace

runtime::RunnerFactory make_process_runner_factory(ProcessDriverConfig config) {
  return [config](const std::string& org_id, const std::string& flow_id, std::int64_t version, const std::string& yaml,
                  runtime::InstanceHooks hooks) -> Result<std::unique_ptr<runtime::FlowRunner>> {
    NEXTRA_ASSIGN_OR_RETURN(auto spec, runtime::load_for_start(yaml));
    auto runner = std::make_unique<ProcessRunner>(config, org_id, flow_id, version, std::move(spec), std::move(hooks));
    auto opened = runner->open();
    if (!opened.ok()) {
      runner->stop();
      Error e = opened.error();
      e.message = "the flow cannot start: " + e.message;
      return e;
    }
    return std::unique_ptr<runtime::FlowRunner>(std::move(runner));
  };
}

}  // namespace nextra::process
