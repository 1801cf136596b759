#pragma once
// The HTTP request and response values that handlers see. They are plain data with no Beast
// types, so routes, handlers and their tests compile without Boost; only server.cc translates
// between these and the wire. Values are not shared between threads by the server: each
// request is built, handled and answered on one connection.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace nextra::http {

// Header fields in arrival order. Lookup is ASCII case-insensitive (RFC 9110 §5.1); repeated
// fields are kept as separate entries.
class Headers {
 public:
  // The first value of `name`, if present. The view lives as long as the entry.
  std::optional<std::string_view> get(std::string_view name) const;
  bool has(std::string_view name) const { return get(name).has_value(); }
  // Replaces every field called `name` with one field.
  void set(std::string name, std::string value);
  // Appends a field (for fields that may repeat, such as Set-Cookie).
  void add(std::string name, std::string value);
  void remove(std::string_view name);

  const std::vector<std::pair<std::string, std::string>>& entries() const { return entries_; }

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

bool iequals(std::string_view a, std::string_view b);

struct Request {
  std::string method;  // as sent, upper case for the standard methods ("GET", "POST", ...)
  std::string path;    // the target up to '?', still percent-encoded (routing works on raw
                       // segments so an encoded '/' stays inside one segment)
  std::string target;  // the whole request target as received
  std::map<std::string, std::string> query;  // decoded; the last value wins for repeated keys
  Headers headers;
  std::string body;
  std::string remote_address;  // "ip:port" of the peer
  std::string request_id;      // the id echoed in the response's request id header
  std::map<std::string, std::string> path_params;  // decoded; filled by the Router

  // Convenience lookups; nullopt when absent.
  std::optional<std::string_view> header(std::string_view name) const { return headers.get(name); }
  std::optional<std::string> query_param(const std::string& name) const;
  std::optional<std::string> path_param(const std::string& name) const;
};

// A Server-Sent Events stream. A handler answers Response::event_stream(stream) and keeps the
// shared_ptr; any thread may then send() events and finally close() it. The server writes
// the events in order as a chunked text/event-stream body, sends a comment line as a
// heartbeat while nothing happens (that is also how a vanished client is noticed), and ends
// the response after close(), when the client goes away, or when the server stops.
// Thread-safe.
class EventStream {
 public:
  // Queues one event; `data` may span lines (each becomes a "data:" field). Returns false
  // once the stream has ended, so the producer knows to stop.
  // With `id`, the frame carries an `id:` field (the client's Last-Event-ID on reconnect).
  bool send(std::string_view event, std::string_view data, std::string_view id = {});
  // Ends the stream once the queued events are written. Idempotent.
  void close();
  // True after close(), or after the server has ended the stream.
  bool ended() const;

  // The server's side. take() returns the queued wire frames and whether close() was called;
  // the waker runs on the sending thread after every send() or close(); end() makes later
  // send() calls fail.
  struct Batch {
    std::string frames;
    bool closed = false;
  };
  Batch take();
  void set_waker(std::function<void()> wake);
  void end();

 private:
  void wake();

  mutable std::mutex mu_;
  std::string frames_;      // guarded by mu_
  bool closed_ = false;     // guarded by mu_
  bool ended_ = false;      // guarded by mu_
  std::function<void()> wake_;  // guarded by mu_
};

struct Response;

// A response that is not ready when the handler returns: another thread completes it later
// (a synchronous webhook waiting for its execution), and the io thread serves other
// connections meanwhile. The first completion wins; later ones are ignored. A deadline
// makes the server call `on_timeout` on its io thread if nobody completed it by then; the
// server also completes it with 503 if it stops first. Thread-safe.
class DeferredResponse {
 public:
  using Producer = std::function<Response()>;
  // Completes with what `produce` returns; it runs on the connection's io thread, so heavy
  // work (serialising an answer) stays off the completing thread. True if this call won.
  bool complete(Producer produce);
  bool completed() const;
  void set_deadline(std::chrono::steady_clock::time_point deadline, Producer on_timeout);

  // The server's side.
  std::chrono::steady_clock::time_point deadline() const;
  Producer take();          // the producer once completed (empty before); at most once
  Producer take_timeout();  // completes with the timeout producer; empty if already completed
  void set_waker(std::function<void()> wake);

 private:
  mutable std::mutex mu_;
  Producer result_;                 // guarded by mu_
  bool completed_ = false;          // guarded by mu_
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
  Producer on_timeout_;             // guarded by mu_
  std::function<void()> wake_;      // guarded by mu_
};

// A complete response. The server adds Content-Length, Connection, a default Content-Type and the
// request id header; everything else comes from here. With `events` set, the body is ignored
// and the connection carries that event stream until it ends.
struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  std::shared_ptr<EventStream> events;
  std::shared_ptr<DeferredResponse> deferred;  // set: the real response comes later

  // `value` serialised as the body, Content-Type application/json.
  static Response json(int status, const nlohmann::json& value);
  // The one ApiError body shape {"code","message","details"}; `details` defaults to {}.
  static Response error(int status, std::string code, std::string message,
                        nlohmann::json details = nlohmann::json::object());
  static Response text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
  // 200 text/event-stream, not cached, carrying `stream`.
  static Response event_stream(std::shared_ptr<EventStream> stream);
  // The answer comes later, through `deferred`.
  static Response later(std::shared_ptr<DeferredResponse> deferred);
};

// Percent-decodes `in`. With `plus_as_space` (query strings), '+' becomes ' '. Returns nullopt
// for a malformed escape ("%4" or "%zz") so callers can refuse the input instead of guessing.
std::optional<std::string> percent_decode(std::string_view in, bool plus_as_space);

// Splits "a=1&b=x%20y" into decoded pairs. Malformed escapes are kept literally: a query
// string is advisory input that each handler validates anyway.
std::map<std::string, std::string> parse_query(std::string_view query);

}  // namespace nextra::http
