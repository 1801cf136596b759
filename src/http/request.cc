#include "http/request.h"

#include <algorithm>

namespace nextra::http {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

std::optional<std::string_view> Headers::get(std::string_view name) const {
  for (const auto& [n, v] : entries_) {
    if (iequals(n, name)) return std::string_view(v);
  }
  return std::nullopt;
}

void Headers::set(std::string name, std::string value) {
  remove(name);
  entries_.emplace_back(std::move(name), std::move(value));
}

void Headers::add(std::string name, std::string value) { entries_.emplace_back(std::move(name), std::move(value)); }

void Headers::remove(std::string_view name) {
  std::erase_if(entries_, [&](const auto& e) { return iequals(e.first, name); });
}

std::optional<std::string> Request::query_param(const std::string& name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> Request::path_param(const std::string& name) const {
  auto it = path_params.find(name);
  if (it == path_params.end()) return std::nullopt;
  return it->second;
}

Response Response::json(int status, const nlohmann::json& value) {
  Response r;
  r.status = status;
  r.headers.set("Content-Type", "application/json");
  // Replace invalid UTF-8 instead of throwing: an error message may quote raw client input.
  r.body = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response Response::error(int status, std::string code, std::string message, nlohmann::json details) {
  if (details.is_null()) details = nlohmann::json::object();
  return json(status, {{"code", std::move(code)}, {"message", std::move(message)}, {"details", std::move(details)}});
}

Response Response::text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.headers.set("Content-Type", std::move(content_type));
  r.body = std::move(body);
  return r;
}

Response Response::event_stream(std::shared_ptr<EventStream> stream) {
  Response r;
  r.headers.set("Content-Type", "text/event-stream");
  r.headers.set("Cache-Control", "no-cache");
  r.events = std::move(stream);
  return r;
}

bool EventStream::send(std::string_view event, std::string_view data, std::string_view id) {
  std::string frame;
  if (!id.empty()) {
    // The browser's EventSource sends the last id back as Last-Event-ID when it reconnects.
    frame += "id: ";
    for (char c : id) {
      if (c != '\n' && c != '\r') frame.push_back(c);
    }
    frame += '\n';
  }
  if (!event.empty()) {
    // A newline in the name would start a new field: the name is ours, so drop them.
    frame += "event: ";
    for (char c : event) {
      if (c != '\n' && c != '\r') frame.push_back(c);
    }
    frame += '\n';
  }
  for (;;) {
    auto nl = data.find('\n');
    std::string_view line = data.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    frame += "data: ";
    frame += line;
    frame += '\n';
    if (nl == std::string_view::npos) break;
    data.remove_prefix(nl + 1);
  }
  frame += '\n';
  {
    std::lock_guard lock{mu_};
    if (closed_ || ended_) return false;
    frames_ += frame;
  }
  wake();
  return true;
}

void EventStream::close() {
  {
    std::lock_guard lock{mu_};
    if (closed_) return;
    closed_ = true;
  }
  wake();
}

bool EventStream::ended() const {
  std::lock_guard lock{mu_};
  return closed_ || ended_;
}

EventStream::Batch EventStream::take() {
  std::lock_guard lock{mu_};
  Batch b{std::move(frames_), closed_};
  frames_.clear();
  return b;
}

void EventStream::set_waker(std::function<void()> wake) {
  std::lock_guard lock{mu_};
  wake_ = std::move(wake);
}

void EventStream::end() {
  std::lock_guard lock{mu_};
  ended_ = true;
  frames_.clear();
  wake_ = nullptr;
}

void EventStream::wake() {
  std::function<void()> w;
  {
    std::lock_guard lock{mu_};
    w = wake_;
  }
  // Called without the lock: the waker posts to the connection's io thread.
  if (w) w();
}

std::optional<std::string> percent_decode(std::string_view in, bool plus_as_space) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return std::nullopt;
      int hi = hex_value(in[i + 1]);
      int lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::map<std::string, std::string> parse_query(std::string_view query) {
  std::map<std::string, std::string> out;
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    auto k = percent_decode(key, true);
    auto v = percent_decode(value, true);
    out[k ? *k : std::string(key)] = v ? *v : std::string(value);
  }
  return out;
}

}  // namespace nextra::http

namespace nextra::http {

bool DeferredResponse::complete(Producer produce) {
  std::function<void()> wake;
  {
    std::lock_guard lock(mu_);
    if (completed_) return false;
    completed_ = true;
    result_ = std::move(produce);
    wake = wake_;
  }
  if (wake) wake();
  return true;
}

bool DeferredResponse::completed() const {
  std::lock_guard lock(mu_);
  return completed_;
}

void DeferredResponse::set_deadline(std::chrono::steady_clock::time_point deadline, Producer on_timeout) {
  std::lock_guard lock(mu_);
  deadline_ = deadline;
  on_timeout_ = std::move(on_timeout);
}

std::chrono::steady_clock::time_point DeferredResponse::deadline() const {
  std::lock_guard lock(mu_);
  return deadline_;
}

DeferredResponse::Producer DeferredResponse::take() {
  std::lock_guard lock(mu_);
  return std::exchange(result_, nullptr);
}

DeferredResponse::Producer DeferredResponse::take_timeout() {
  std::lock_guard lock(mu_);
  if (completed_) return nullptr;
  completed_ = true;
  return std::exchange(on_timeout_, nullptr);
}

void DeferredResponse::set_waker(std::function<void()> wake) {
  std::function<void()> now;
  {
    std::lock_guard lock(mu_);
    wake_ = std::move(wake);
    if (completed_) now = wake_;
  }
  if (now) now();
}

Response Response::later(std::shared_ptr<DeferredResponse> deferred) {
  Response r;
  r.deferred = std::move(deferred);
  return r;
}

}  // namespace nextra::http
