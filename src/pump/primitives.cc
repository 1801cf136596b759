// The system primitives (spec §8): system.boot (logs the start), system.buffer (fan-out of
// items to one listener, results collected by index) and system.sequence (a pipeline of
// steps, each result feeding the next). Their collectors live in the execution, so two
// executions can never see each other's items, and they are freed with it.

#include <algorithm>
#include <sstream>

#include "core/uuid.h"
#include "pump/pump_impl.h"
#include "xml/payload_codec.h"

namespace nextra::pump {
namespace {

constexpr std::string_view kBufferPrefix = "system.buffer.";
constexpr std::string_view kSequencePrefix = "system.sequence.";
constexpr std::size_t kMaxItems = 10000;
constexpr std::size_t kMaxSteps = 100;

std::string short_id() { return new_uuid_v4().substr(0, 8); }

std::string escape_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::vector<std::string> split_lines(const std::string& items) {
  std::vector<std::string> out;
  std::istringstream in(items);
  std::string line;
  while (std::getline(in, line)) {
    auto b = line.find_first_not_of(" \t\r");
    if (b == std::string::npos) continue;
    auto e = line.find_last_not_of(" \t\r");
    out.push_back(line.substr(b, e - b + 1));
  }
  return out;
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, ',')) {
    auto b = cur.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) continue;
    auto e = cur.find_last_not_of(" \t\r\n");
    out.push_back(cur.substr(b, e - b + 1));
  }
  return out;
}

const std::string& text_field(const schema::Payload& p, std::string_view name) {
  static const std::string empty;
  const auto* v = p.record.get(name);
  return v && v->is<std::string>() ? v->as<std::string>() : empty;
}

bool is_system_error(const schema::Payload& p) { return p.class_name() == schema::kSystemError; }

schema::PayloadPtr sequence_error(const schema::Schema& schema, const std::string& id, const std::string& step,
                                  std::size_t index, const std::string& why) {
  auto p = std::make_shared<schema::Payload>();
  p->record = schema::zero_record(*schema.find(schema::kSequenceError));
  p->record.fields[0] = schema::Value(id);
  p->record.fields[1] = schema::Value(step);
  p->record.fields[2] = schema::Value(static_cast<std::int64_t>(index));
  p->record.fields[3] = schema::Value(why.substr(0, 200));  // spec §8: error text at most 200 characters
  return p;
}

}  // namespace

bool Pump::Impl::is_collector_name(const std::string& name) {
  return name.size() > kBufferPrefix.size() &&
         (name.compare(0, kBufferPrefix.size(), kBufferPrefix) == 0 || name.compare(0, kSequencePrefix.size(), kSequencePrefix) == 0);
}

std::string Pump::Impl::collector_key(const std::string& name) {
  if (name.compare(0, kBufferPrefix.size(), kBufferPrefix) != 0) return name;
  auto w = name.rfind(".w");
  return w == std::string::npos || w < kBufferPrefix.size() ? name : name.substr(0, w);
}

void Pump::Impl::reply_locked(Execution& exec, const std::shared_ptr<Execution>& exec_ptr, const Collector& c, const char* from,
                              schema::PayloadPtr payload) {
  const int idx = find_index(c.return_to);
  if (idx < 0) {
    raise_error_locked(exec, exec_ptr, c.requester, c.origin_thread, c.depth + 1, kErrRouting,
                       std::string(from) + " cannot reply: unknown return_to '" + c.return_to + "'");
    return;
  }
  const auto& target = listeners_[static_cast<size_t>(idx)];
  if (target.payload_class != payload->record.cls) {
    raise_error_locked(exec, exec_ptr, c.requester, c.origin_thread, c.depth + 1, kErrValidation,
                       std::string(from) + " replies with " + payload->class_name() + " but '" + target.name + "' accepts " +
                           target.payload_class->name);
    return;
  }
  auto thread = registry_.extend(c.origin_thread, target.name);
  if (!thread.ok()) return;
  send_locked(exec, from, target.name, std::move(thread).value(), std::move(payload), c.depth + 1, exec_ptr);
}

// BufferStart{target, items, collect, return_to, buffer_id}
void Pump::Impl::start_buffer_locked(Execution& exec, const std::shared_ptr<Execution>& exec_ptr, const Message& msg) {
  const auto& in = *msg.payload;
  Collector c;
  c.kind = Collector::Kind::Buffer;
  c.id = text_field(in, "buffer_id").empty() ? short_id() : text_field(in, "buffer_id");
  c.origin_thread = msg.thread;
  c.requester = msg.from;
  c.return_to = text_field(in, "return_to").empty() ? msg.from : text_field(in, "return_to");
  c.depth = msg.depth;
  c.target = text_field(in, "target");
  const auto* collect = in.record.get("collect");
  c.collect = collect && collect->is<bool>() && collect->as<bool>();
  const std::string key = std::string(kBufferPrefix) + c.id;

  auto fail = [&](const std::string& why) {
    auto p = std::make_shared<schema::Payload>();
    p->record = schema::zero_record(*schema_->find(schema::kBufferError));
    p->record.fields[0] = schema::Value(c.id);
    p->record.fields[1] = schema::Value(why);
    reply_locked(exec, exec_ptr, c, kBufferListener, std::move(p));
  };
  const auto* requester = find(c.requester);
  const int tidx = find_index(c.target);
  if (tidx < 0) return fail("unknown target '" + c.target + "'");
  const auto& target = listeners_[static_cast<size_t>(tidx)];
  if (requester && !requester->system) {
    auto peers = effective_peers(exec, *requester);
    auto allowed = [&](const std::string& n) { return n == requester->name || std::find(peers.begin(), peers.end(), n) != peers.end(); };
    if (!allowed(target.name)) return fail("'" + c.target + "' is not among the peers of '" + c.requester + "'");
    if (!allowed(c.return_to)) return fail("return_to '" + c.return_to + "' is not among the peers of '" + c.requester + "'");
  }
  if (exec.collectors.count(key)) return fail("buffer id '" + c.id + "' is already in use");
  auto lines = split_lines(text_field(in, "items"));
  if (lines.empty()) return fail("no items");
  if (lines.size() > kMaxItems) return fail("too many items (" + std::to_string(lines.size()) + " > " + std::to_string(kMaxItems) + ")");
  std::vector<schema::PayloadPtr> items;
  items.reserve(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    auto parsed = xml::parse_payload(lines[i], *schema_);
    if (!parsed.ok()) return fail("item " + std::to_string(i) + ": " + parsed.error().message);
    if ((*parsed)->record.cls != target.payload_class) {
      return fail("item " + std::to_string(i) + " is a " + (*parsed)->class_name() + " but '" + target.name + "' accepts " +
                  target.payload_class->name);
    }
    items.push_back(std::move(parsed).value());
  }
  c.results.resize(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string worker = key + ".w" + std::to_string(i);
    auto via = registry_.extend(msg.thread, worker);
    if (!via.ok()) continue;
    exec.threads.insert(*via);
    auto thread = registry_.extend(*via, target.name);
    if (!thread.ok()) continue;
    send_locked(exec, worker, target.name, std::move(thread).value(), items[i], msg.depth + 1, exec_ptr);
  }
  if (c.collect) {
    exec.collectors.emplace(key, std::move(c));
  } else {
    auto p = std::make_shared<schema::Payload>();
    p->record = schema::zero_record(*schema_->find(schema::kBufferDispatched));
    p->record.fields[0] = schema::Value(c.id);
    p->record.fields[1] = schema::Value(static_cast<std::int64_t>(items.size()));
    reply_locked(exec, exec_ptr, c, kBufferListener, std::move(p));
  }
}

void Pump::Impl::finish_buffer_locked(Execution& exec, const std::shared_ptr<Execution>& exec_ptr, const std::string& key) {
  auto it = exec.collectors.find(key);
  if (it == exec.collectors.end()) return;
  Collector c = std::move(it->second);
  exec.collectors.erase(it);
  std::string results = "<results>";
  std::int64_t ok = 0;
  for (size_t i = 0; i < c.results.size(); ++i) {
    const auto& r = c.results[i];
    const bool success = r && r->first;
    ok += success;
    results += "<item index=\"" + std::to_string(i) + "\" success=\"" + (success ? "true" : "false") + "\">";
    results += r ? (success ? r->second : escape_text(r->second)) : "missing";
    results += "</item>";
  }
  results += "</results>";
  auto p = std::make_shared<schema::Payload>();
  p->record = schema::zero_record(*schema_->find(schema::kBufferComplete));
  p->record.fields[0] = schema::Value(c.id);
  p->record.fields[1] = schema::Value(static_cast<std::int64_t>(c.results.size()));
  p->record.fields[2] = schema::Value(ok);
  p->record.fields[3] = schema::Value(std::move(results));
  reply_locked(exec, exec_ptr, c, kBufferListener, std::move(p));
}

// SequenceStart{steps, payload, return_to, sequence_id}
void Pump::Impl::start_sequence_locked(Execution& exec, const std::shared_ptr<Execution>& exec_ptr, const Message& msg) {
  const auto& in = *msg.payload;
  Collector c;
  c.kind = Collector::Kind::Sequence;
  c.id = text_field(in, "sequence_id").empty() ? short_id() : text_field(in, "sequence_id");
  c.origin_thread = msg.thread;
  c.requester = msg.from;
  c.return_to = text_field(in, "return_to").empty() ? msg.from : text_field(in, "return_to");
  c.depth = msg.depth;
  c.steps = split_commas(text_field(in, "steps"));
  const std::string key = std::string(kSequencePrefix) + c.id;
  auto fail = [&](const std::string& step, std::size_t index, const std::string& why) {
    reply_locked(exec, exec_ptr, c, kSequenceListener, sequence_error(*schema_, c.id, step, index, why));
  };
  if (c.steps.empty()) return fail("", 0, "no steps");
  if (c.steps.size() > kMaxSteps) return fail("", 0, "too many steps");
  const auto* requester = find(c.requester);
  for (size_t i = 0; i < c.steps.size(); ++i) {
    const auto* step = find(c.steps[i]);
    if (!step) return fail(c.steps[i], i, "unknown step '" + c.steps[i] + "'");
    if (requester && !requester->system) {
      auto peers = effective_peers(exec, *requester);
      if (std::find(peers.begin(), peers.end(), step->name) == peers.end() && step->name != requester->name) {
        return fail(c.steps[i], i, "'" + step->name + "' is not among the peers of '" + c.requester + "'");
      }
    }
  }
  if (exec.collectors.count(key)) return fail("", 0, "sequence id '" + c.id + "' is already in use");
  auto first = xml::parse_payload(text_field(in, "payload"), *schema_);
  if (!first.ok()) return fail(c.steps[0], 0, first.error().message);
  const auto* step0 = find(c.steps[0]);
  if ((*first)->record.cls != step0->payload_class) {
    return fail(c.steps[0], 0, "payload is a " + (*first)->class_name() + " but '" + step0->name + "' accepts " + step0->payload_class->name);
  }
  auto via = registry_.extend(msg.thread, key);
  if (!via.ok()) return;
  exec.threads.insert(*via);
  auto thread = registry_.extend(*via, step0->name);
  if (!thread.ok()) return;
  send_locked(exec, key, step0->name, std::move(thread).value(), std::move(first).value(), msg.depth + 1, exec_ptr);
  exec.collectors.emplace(key, std::move(c));
}

void Pump::Impl::deliver_to_collector_locked(Execution& exec, const std::shared_ptr<Execution>& exec_ptr, const Message& msg) {
  const std::string key = collector_key(msg.to);
  auto it = exec.collectors.find(key);
  if (it == exec.collectors.end()) return;  // a fire-and-forget buffer, or already finished
  Collector& c = it->second;
  exec.delivered.fetch_add(1);
  each_observer([&](Observer& o) { o.on_delivered(exec, msg, false); });
  const bool failed = is_system_error(*msg.payload);
  if (c.kind == Collector::Kind::Buffer) {
    auto w = msg.to.rfind(".w");
    std::size_t index = 0;
    try {
      index = static_cast<std::size_t>(std::stoul(msg.to.substr(w + 2)));
    } catch (...) {
      return;
    }
    if (index >= c.results.size() || c.results[index]) return;  // only the first answer counts
    c.results[index] = failed ? std::make_pair(false, text_field(*msg.payload, "message"))
                              : std::make_pair(true, xml::payload_to_xml(*msg.payload));
    if (++c.received == c.results.size()) finish_buffer_locked(exec, exec_ptr, key);
    return;
  }
  // Sequence
  auto finish = [&](schema::PayloadPtr p) {
    Collector done = std::move(c);
    exec.collectors.erase(it);
    reply_locked(exec, exec_ptr, done, kSequenceListener, std::move(p));
  };
  if (failed) return finish(sequence_error(*schema_, c.id, c.steps[c.step], c.step, text_field(*msg.payload, "message")));
  if (++c.step == c.steps.size()) {
    auto p = std::make_shared<schema::Payload>();
    p->record = schema::zero_record(*schema_->find(schema::kSequenceComplete));
    p->record.fields[0] = schema::Value(c.id);
    p->record.fields[1] = schema::Value(xml::payload_to_xml(*msg.payload));
    p->record.fields[2] = schema::Value(static_cast<std::int64_t>(c.steps.size()));
    return finish(std::move(p));
  }
  const auto* next = find(c.steps[c.step]);
  if (!next || next->payload_class != msg.payload->record.cls) {
    return finish(sequence_error(*schema_, c.id, c.steps[c.step], c.step,
                                 "step '" + c.steps[c.step] + "' does not accept " + msg.payload->class_name()));
  }
  auto via = registry_.extend(c.origin_thread, key);
  if (!via.ok()) return;
  auto thread = registry_.extend(*via, next->name);
  if (!thread.ok()) return;
  send_locked(exec, key, next->name, std::move(thread).value(), msg.payload, msg.depth + 1, exec_ptr);
}

bool Pump::Impl::flush_collectors_locked(Execution& exec, const std::shared_ptr<Execution>& exec_ptr) {
  if (exec.collectors.empty()) return false;
  std::vector<std::string> keys;
  for (const auto& [k, c] : exec.collectors) keys.push_back(k);
  for (const auto& k : keys) {
    auto it = exec.collectors.find(k);
    if (it == exec.collectors.end()) continue;
    if (it->second.kind == Collector::Kind::Buffer) {
      finish_buffer_locked(exec, exec_ptr, k);  // unanswered items are reported as missing
    } else {
      Collector c = std::move(it->second);
      exec.collectors.erase(it);
      reply_locked(exec, exec_ptr, c, kSequenceListener,
                   sequence_error(*schema_, c.id, c.steps[c.step], c.step, "step '" + c.steps[c.step] + "' finished without a response"));
    }
  }
  return exec.outstanding.load() > 0 || exec.finished;
}

}  // namespace nextra::pump
