#include "runtime/scheduler.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "core/thread_name.h"
#include "runtime/payload_json.h"
#include "schedule/cron.h"
#include "schedule/time_zone.h"
#include "xml/payload_codec.h"

namespace nextra::runtime {
namespace {

nlohmann::json config_of(const store::Trigger& t) {
  auto j = nlohmann::json::parse(t.config, nullptr, false);
  return j.is_object() ? j : nlohmann::json::object();
}

}  // namespace

Scheduler::Scheduler(store::Store& store, Runtime& runtime, SchedulerOptions options)
    : store_(store), runtime_(runtime), options_(std::move(options)) {
  if (!options_.now_ms) options_.now_ms = [this] { return runtime_.now_ms(); };
}

Scheduler::~Scheduler() { stop(); }

void Scheduler::start() {
  thread_ = std::thread([this] {
    name_this_thread("scheduler");
    std::unique_lock lock(mu_);
    while (!stopping_) {
      lock.unlock();
      tick();
      lock.lock();
      cv_.wait_for(lock, options_.tick, [&] { return stopping_; });
    }
  });
}

void Scheduler::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

void Scheduler::refresh(std::int64_t now_s) {
  auto list = store_.list_schedule_triggers();
  if (!list.ok()) return;  // database briefly unavailable: keep the old list
  std::map<std::string, Entry> next;
  std::lock_guard lock(mu_);
  for (auto& t : *list) {
    auto it = entries_.find(t.id);
    Entry e;
    e.trigger = t;
    if (it != entries_.end() && it->second.trigger.config == t.config) {
      e.checked_until_s = it->second.checked_until_s;
    } else {
      // New (or changed) trigger: start from now; catch_up looks back one day for the most
      // recent slot that no instance has claimed.
      e.checked_until_s = now_s;
      if (config_of(t).value("missed", std::string("skip")) == "catch_up") e.checked_until_s = now_s - 24 * 3600;
    }
    next.emplace(t.id, std::move(e));
  }
  entries_.swap(next);
}

int Scheduler::tick() {
  const std::int64_t now_ms = options_.now_ms();
  const std::int64_t now_s = now_ms / 1000;
  if (last_refresh_ms_ == 0 || now_ms - last_refresh_ms_ >= options_.refresh.count()) {
    refresh(now_s);
    last_refresh_ms_ = now_ms;
  }
  std::vector<std::pair<store::Trigger, std::int64_t>> due;
  {
    std::lock_guard lock(mu_);
    for (auto& [id, e] : entries_) {
      auto config = config_of(e.trigger);
      auto cron = schedule::CronExpression::parse(config.value("cron", std::string()));
      auto tz = schedule::TimeZone::load(config.value("timezone", std::string("UTC")));
      if (!cron.ok() || !tz.ok()) continue;
      // The latest slot in (checked_until, now]; earlier missed ones are skipped.
      std::optional<std::int64_t> latest;
      for (auto next = cron->next_after(e.checked_until_s, *tz); next && *next <= now_s;
           next = cron->next_after(*next, *tz)) {
        latest = next;
      }
      e.checked_until_s = now_s;
      if (latest) due.emplace_back(e.trigger, *latest);
    }
  }
  int fired = 0;
  for (const auto& [t, slot] : due) {
    if (fire(t, slot)) ++fired;
  }
  return fired;
}

bool Scheduler::fire(const store::Trigger& t, std::int64_t slot_s) {
  auto claimed = store_.claim_schedule_slot(t.id, slot_s * 1000);
  if (!claimed.ok() || !*claimed) return false;  // another instance has it
  auto config = config_of(t);
  auto target = runtime_.resolve_target(t.org_id, t.flow_id, config.value("target", std::string()));
  if (!target.ok()) return false;
  auto cls = runtime_.payload_class(t.org_id, t.flow_id, *target);
  if (!cls.ok()) return false;
  std::string xml;
  if (auto p = config.find("payload"); p != config.end() && p->is_object()) {
    auto converted = json_to_payload_xml(**cls, *p);
    if (!converted.ok()) {
      std::fprintf(stderr, "nextra: schedule %s: %s\n", t.id.c_str(), converted.error().message.c_str());
      return false;
    }
    xml = std::move(converted).value();
  } else {
    schema::Payload zero{schema::zero_record(**cls)};
    xml = xml::payload_to_xml(zero);
  }
  SubmitRequest req;
  req.org_id = t.org_id;
  req.flow_id = t.flow_id;
  req.trigger_id = t.id;
  req.target = *target;
  req.payload_xml = std::move(xml);
  req.idempotency_key = "schedule:" + t.id + ":" + std::to_string(slot_s);
  auto submitted = runtime_.submit(req);
  if (!submitted.ok() && submitted.error().code == ErrorCode::Conflict) return false;  // stopped by its user
  if (!submitted.ok()) {
    std::fprintf(stderr, "nextra: schedule %s could not start its execution: %s\n", t.id.c_str(),
                 submitted.error().message.c_str());
    return false;
  }
  return true;
}

}  // namespace nextra::runtime
