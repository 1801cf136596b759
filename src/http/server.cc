// The only translation unit that includes Beast and Asio (about 30 s to compile), so keep
// everything that does not touch the wire in the other files of this module.
//
// Threading: one io_context per io thread ("shard"), each run by exactly one thread, so a
// connection's work needs no strand and no lock; a connection lives on the shard it was
// given at accept (round-robin). The listener has its own small thread so a busy shard never
// stops new connections from being accepted or stop() from closing the listener. Timeouts
// are deadlines swept a few times per timeout by each shard, not a timer armed and cancelled
// around every read and write. Against one shared io_context with a strand and a Beast
// tcp_stream per connection, this halved the server's CPU per GET /healthz (27 -> 13.5 µs)
// and removed the futex call every request made.
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without it

#include "http/server.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <list>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "core/thread_name.h"

namespace nextra::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
// Concrete executor types everywhere: the type-erased default (any_executor) cost a virtual
// call and a shared_ptr copy per operation.
using Executor = asio::io_context::executor_type;
using Socket = tcp::socket::rebind_executor<Executor>::other;
using Acceptor = tcp::acceptor::rebind_executor<Executor>::other;
using Timer = asio::basic_waitable_timer<std::chrono::steady_clock,
                                         asio::wait_traits<std::chrono::steady_clock>, Executor>;
template <typename T>
using Task = asio::awaitable<T, Executor>;
constexpr asio::use_awaitable_t<Executor> use_task{};
using Clock = std::chrono::steady_clock;
constexpr Clock::time_point kNoDeadline = Clock::time_point::max();

// Ids are unique per process run, cheap, and carry no information about the request.
class RequestIds {
 public:
  RequestIds() {
    std::random_device rd;
    std::snprintf(prefix_, sizeof prefix_, "%08x", rd());
  }
  std::string next() {
    // "<prefix>-<10 decimal digits>", formatted by hand: this runs for every request.
    std::string id(prefix_, 8);
    id += '-';
    auto n = counter_.fetch_add(1) + 1;
    char digits[20];
    int len = 0;
    do {
      digits[len++] = static_cast<char>('0' + n % 10);
      n /= 10;
    } while (n != 0);
    for (int i = len; i < 10; ++i) id += '0';
    while (len > 0) id += digits[--len];
    return id;
  }

 private:
  char prefix_[9] = {};
  std::atomic<std::uint64_t> counter_{0};
};

// A client may pass its own id for tracing across services; anything odd is replaced so a
// hostile value cannot smuggle text into logs or headers.
bool acceptable_request_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.';
  });
}

// Everything here is touched only by its shard's thread, except `socket.get_executor()`.
struct Connection {
  explicit Connection(Socket s) : socket(std::move(s)) {}
  Socket socket;
  bool busy = false;  // true from a request's header to its response
  // The current phase (read, write) must end by then, or the shard's sweep cancels the
  // socket and sets timed_out; kNoDeadline while a handler runs or a wait has its own limit.
  Clock::time_point deadline = kNoDeadline;
  bool timed_out = false;
  // While an event stream or a deferred answer waits; cancelling it wakes the session (a new
  // event, an answer, or the server stopping).
  std::unique_ptr<Timer> event_timer;
  std::list<Connection*>::iterator in_shard;  // this connection's entry in its shard's list
};

// One io thread with its own io_context and the connections it serves.
struct Shard {
  asio::io_context ioc{1};
  std::list<Connection*> connections;  // shard thread only: what the sweep looks at
  std::unique_ptr<Timer> sweeper;
  std::thread thread;
};

}  // namespace

struct Server::Impl {
  ServerOptions options;
  Router router;
  RequestIds ids;

  asio::io_context accept_ioc{1};  // the listener, on its own thread
  std::thread accept_thread;
  std::unique_ptr<Acceptor> acceptor;
  std::vector<std::unique_ptr<Shard>> shards;
  std::size_t next_shard = 0;  // accept thread only: round-robin
  Clock::duration sweep_every{};
  std::uint16_t bound_port = 0;

  std::mutex mu;                       // guards everything below
  std::condition_variable drained;     // signalled when `connections` shrinks
  std::list<std::shared_ptr<Connection>> connections;
  bool started = false;
  bool running = false;  // start() succeeded and stop() has not run

  std::atomic<bool> stopping{false};

  Impl(ServerOptions o, Router r) : options(std::move(o)), router(std::move(r)) {
    const int n = options.threads > 0 ? options.threads
                                      : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    for (int i = 0; i < n; ++i) shards.push_back(std::make_unique<Shard>());
    // A connection is closed between its deadline and one sweep later.
    auto shortest = std::min({options.read_timeout, options.write_timeout, options.idle_timeout});
    sweep_every = std::clamp<Clock::duration>(shortest / 8, std::chrono::milliseconds(5), std::chrono::seconds(1));
  }

  Task<void> accept_loop();
  Task<void> session(std::shared_ptr<Connection> conn, Shard& shard);
  void reject(Socket socket);
  void sweep(Shard& shard);
  Task<void> stream_events(std::shared_ptr<Connection> conn, Response response, std::string id);
  Task<Response> await_deferred(std::shared_ptr<Connection> conn, std::shared_ptr<DeferredResponse> d);
  Response dispatch(bhttp::request<bhttp::string_body>& req, const std::string& remote);
  void finish(bhttp::response<bhttp::string_body>& res, Response&& response,
              const std::string& request_id, bool keep_alive, bool head);
  static Response error_for(const beast::error_code& ec);
};

Task<void> Server::Impl::accept_loop() {
  for (;;) {
    Shard& shard = *shards[next_shard];
    next_shard = (next_shard + 1) % shards.size();
    boost::system::error_code ec;
    Socket socket = co_await acceptor->async_accept(shard.ioc, asio::redirect_error(use_task, ec));
    if (stopping) co_return;
    if (ec) {
      // EMFILE and friends: back off instead of spinning on a full descriptor table.
      Timer timer{accept_ioc.get_executor(), std::chrono::milliseconds(50)};
      co_await timer.async_wait(asio::redirect_error(use_task, ec));
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);  // Nagle + delayed ACK would add ~40 ms per response
    std::shared_ptr<Connection> conn;
    {
      std::lock_guard lock{mu};
      if (connections.size() < options.max_connections) {
        conn = std::make_shared<Connection>(std::move(socket));
        connections.push_back(conn);
      }
    }
    if (conn) {
      asio::co_spawn(shard.ioc, session(std::move(conn), shard), asio::detached);
    } else {
      reject(std::move(socket));
    }
  }
}

// Over the connection limit: a short 503 and a close. A fresh socket's send buffer is empty,
// so this small write completes at once.
void Server::Impl::reject(Socket socket) {
  bhttp::response<bhttp::string_body> res;
  finish(res, Response::error(503, "too_many_connections", "the server is at its connection limit"),
         ids.next(), false, false);
  beast::error_code ignored;
  bhttp::write(socket, res, ignored);
  socket.shutdown(tcp::socket::shutdown_send, ignored);
  socket.close(ignored);
}

// Runs on the shard's thread: cancels whatever a connection past its deadline is waiting for.
void Server::Impl::sweep(Shard& shard) {
  const auto now = Clock::now();
  for (Connection* c : shard.connections) {
    if (c->deadline <= now) {
      c->deadline = kNoDeadline;
      c->timed_out = true;
      boost::system::error_code ignored;
      c->socket.cancel(ignored);
    }
  }
  shard.sweeper->expires_after(sweep_every);
  shard.sweeper->async_wait([this, &shard](const boost::system::error_code& ec) {
    if (!ec) sweep(shard);
  });
}

Response Server::Impl::error_for(const beast::error_code& ec) {
  if (ec == bhttp::error::body_limit) {
    return Response::error(413, "payload_too_large", "the request body is larger than the server accepts");
  }
  if (ec == bhttp::error::header_limit) {
    return Response::error(431, "headers_too_large", "the request headers are larger than the server accepts");
  }
  return Response::error(400, "bad_request", "malformed HTTP request", {{"reason", ec.message()}});
}

Response Server::Impl::dispatch(bhttp::request<bhttp::string_body>& req, const std::string& remote) {
  Request r;
  r.method = std::string(req.method_string());
  r.target = std::string(req.target());
  auto q = r.target.find('?');
  r.path = r.target.substr(0, q);
  if (q != std::string::npos) r.query = parse_query(std::string_view(r.target).substr(q + 1));
  for (const auto& field : req) r.headers.add(std::string(field.name_string()), std::string(field.value()));
  r.body = std::move(req.body());
  r.remote_address = remote;
  if (r.path.empty() || r.path.front() != '/') {
    // Absolute-form ("http://host/x") and authority-form targets are proxy requests.
    return Response::error(400, "bad_request", "the request target must be an absolute path");
  }
  return router.handle(r);
}

void Server::Impl::finish(bhttp::response<bhttp::string_body>& res, Response&& response,
                          const std::string& request_id, bool keep_alive, bool head) {
  res.version(11);
  res.result(static_cast<unsigned>(response.status));
  for (auto& [name, value] : response.headers.entries()) res.insert(name, value);
  if (!response.headers.has("Content-Type")) res.set(bhttp::field::content_type, "application/octet-stream");
  res.set(options.request_id_header, request_id);
  res.set(bhttp::field::server, "nextra");
  res.keep_alive(keep_alive);
  const auto length = response.body.size();
  if (!head) res.body() = std::move(response.body);
  // A HEAD answer announces the length of the body it leaves out.
  res.content_length(length);
}

Task<void> Server::Impl::session(std::shared_ptr<Connection> conn, Shard& shard) {
  conn->in_shard = shard.connections.insert(shard.connections.end(), conn.get());
  std::string remote;
  {
    beast::error_code ec;
    auto ep = conn->socket.remote_endpoint(ec);
    if (!ec) remote = ep.address().to_string() + ":" + std::to_string(ep.port());
  }
  std::size_t largest_body = options.max_body_bytes;
  for (const auto& entry : options.body_limits_by_prefix) largest_body = std::max(largest_body, entry.second);
  auto expires_after = [&conn](std::chrono::milliseconds timeout) { conn->deadline = Clock::now() + timeout; };
  beast::flat_buffer buffer;
  bool first = true;
  for (;;) {
    if (stopping) break;
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(options.max_header_bytes, UINT32_MAX)));
    // The header is checked against the largest limit (Beast compares Content-Length with
    // the limit while it parses the header); the path's own limit is applied once the path
    // is known.
    parser.body_limit(largest_body);

    conn->busy = false;
    expires_after(first ? options.read_timeout : options.idle_timeout);
    first = false;
    beast::error_code ec;
    co_await bhttp::async_read_header(conn->socket, buffer, parser, asio::redirect_error(use_task, ec));
    if (!ec) {
      conn->busy = true;
      const auto target = parser.get().target();
      const std::string_view path(target.data(), target.size());
      std::size_t body_limit = options.max_body_bytes;
      for (const auto& [prefix, limit] : options.body_limits_by_prefix) {
        if (path.substr(0, prefix.size()) == prefix) {
          body_limit = limit;
          break;
        }
      }
      if (auto length = parser.content_length(); length && *length > body_limit) ec = bhttp::error::body_limit;
      parser.body_limit(body_limit);  // chunked bodies are counted as they arrive
    }
    if (!ec && parser.get()[bhttp::field::expect] == "100-continue" && !parser.is_done()) {
      bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, 11};
      expires_after(options.write_timeout);
      co_await bhttp::async_write(conn->socket, cont, asio::redirect_error(use_task, ec));
    }
    if (!ec && !parser.is_done()) {  // most GETs are complete once their header is in
      expires_after(options.read_timeout);
      co_await bhttp::async_read(conn->socket, buffer, parser, asio::redirect_error(use_task, ec));
    }
    conn->deadline = kNoDeadline;
    if (conn->timed_out) break;

    bhttp::response<bhttp::string_body> res;
    bool keep_alive = false;
    if (ec) {
      // A clean close, a reset or a stop leaves nobody to answer.
      if (ec == bhttp::error::end_of_stream || ec == asio::error::operation_aborted ||
          ec == asio::error::connection_reset || ec == asio::error::eof || ec == asio::error::bad_descriptor) {
        break;
      }
      conn->busy = true;
      finish(res, error_for(ec), ids.next(), false, false);
    } else {
      auto& req = parser.get();
      auto field = req[options.request_id_header];
      std::string_view incoming(field.data(), field.size());
      std::string id = acceptable_request_id(incoming) ? std::string(incoming) : ids.next();
      keep_alive = req.keep_alive() && !stopping;
      Response response = dispatch(req, remote);
      if (response.deferred) response = co_await await_deferred(conn, std::move(response.deferred));
      if (response.events) {
        // An event stream owns the connection until it ends.
        co_await stream_events(conn, std::move(response), std::move(id));
        break;
      }
      finish(res, std::move(response), id, keep_alive, req.method() == bhttp::verb::head);
      keep_alive = keep_alive && !stopping;  // stop() may have begun while the handler ran
      res.keep_alive(keep_alive);
    }
    expires_after(options.write_timeout);
    co_await bhttp::async_write(conn->socket, res, asio::redirect_error(use_task, ec));
    conn->deadline = kNoDeadline;
    // Write failures and timeouts end the connection; the client sees the close.
    if (ec || conn->timed_out || !keep_alive) break;
  }
  shard.connections.erase(conn->in_shard);
  beast::error_code ignored;
  conn->socket.shutdown(tcp::socket::shutdown_send, ignored);
  conn->socket.close(ignored);
  {
    std::lock_guard lock{mu};
    connections.remove(conn);
  }
  drained.notify_all();
}

// Gives the connection a timer to sleep on and returns the waker another thread calls to cut
// that sleep short (an event to send, a deferred answer ready).
namespace {
std::function<void()> arm_wake_timer(const std::shared_ptr<Connection>& conn) {
  conn->event_timer = std::make_unique<Timer>(conn->socket.get_executor());
  std::weak_ptr<Connection> weak = conn;
  return [weak] {
    if (auto c = weak.lock()) {
      asio::post(c->socket.get_executor(), [c] {
        if (c->event_timer) c->event_timer->cancel();
      });
    }
  };
}
}  // namespace

// Waits, without holding the io thread, until another thread completes the response, its
// deadline passes (then its timeout answer), or the server stops (503).
Task<Response> Server::Impl::await_deferred(std::shared_ptr<Connection> conn,
                                            std::shared_ptr<DeferredResponse> d) {
  auto run = [](const DeferredResponse::Producer& produce) {
    try {
      return produce();
    } catch (const std::exception&) {
      return Response::error(500, "internal", "the response could not be produced");
    }
  };
  d->set_waker(arm_wake_timer(conn));
  for (;;) {
    if (auto produce = d->take()) {
      conn->event_timer.reset();
      co_return run(produce);
    }
    const auto now = Clock::now();
    if (now >= d->deadline()) {
      if (auto on_timeout = d->take_timeout()) {
        conn->event_timer.reset();
        co_return run(on_timeout);
      }
      continue;  // completed meanwhile
    }
    if (stopping) {
      d->complete([] { return Response::error(503, "unavailable", "the server is stopping"); });
      continue;
    }
    conn->event_timer->expires_at(std::min(d->deadline(), now + std::chrono::seconds(1)));
    // Woken (completed, or cancelled by stop) ends the wait with operation_aborted: taken as
    // a code, not thrown, since nearly every synchronous webhook ends its wait this way and an
    // exception costs microseconds and a process-wide unwinder lock.
    boost::system::error_code woken;
    co_await conn->event_timer->async_wait(asio::redirect_error(use_task, woken));
  }
}

Task<void> Server::Impl::stream_events(std::shared_ptr<Connection> conn, Response response, std::string id) {
  auto events = response.events;
  bhttp::response<bhttp::empty_body> res{static_cast<bhttp::status>(response.status), 11};
  for (auto& [name, value] : response.headers.entries()) res.insert(name, value);
  if (!response.headers.has("Content-Type")) res.set(bhttp::field::content_type, "text/event-stream");
  res.set(options.request_id_header, id);
  res.set(bhttp::field::server, "nextra");
  res.keep_alive(false);
  res.chunked(true);
  events->set_waker(arm_wake_timer(conn));
  auto write_within_timeout = [&](auto&& write) -> Task<bool> {
    conn->deadline = Clock::now() + options.write_timeout;
    boost::system::error_code ec;
    co_await write(asio::redirect_error(use_task, ec));
    conn->deadline = kNoDeadline;
    co_return !ec && !conn->timed_out;
  };
  bhttp::response_serializer<bhttp::empty_body> sr{res};
  bool ok = co_await write_within_timeout([&](auto token) { return bhttp::async_write_header(conn->socket, sr, token); });
  while (ok) {
    auto batch = events->take();
    if (batch.frames.empty() && !batch.closed && !stopping) {
      conn->event_timer->expires_after(options.event_heartbeat);
      boost::system::error_code ec;  // operation_aborted: woken by new events (or stop)
      co_await conn->event_timer->async_wait(asio::redirect_error(use_task, ec));
      if (ec) continue;
      // Nothing for a while: a comment line keeps proxies from timing out and shows whether
      // the client is still there.
      batch.frames = ":\n\n";
    }
    if (!batch.frames.empty()) {
      ok = co_await write_within_timeout([&](auto token) {
        return asio::async_write(conn->socket, bhttp::make_chunk(asio::buffer(batch.frames)), token);
      });
    }
    if (batch.closed || stopping) break;
  }
  if (ok) {
    (void)co_await write_within_timeout(
        [&](auto token) { return asio::async_write(conn->socket, bhttp::make_chunk_last(), token); });
  }
  // The client may have gone away; end() tells the producer either way.
  events->end();
  conn->event_timer.reset();
}

Server::Server(ServerOptions options, Router router)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(router))) {}

Server::~Server() { stop(); }

Result<std::uint16_t> Server::start() {
  auto& s = *impl_;
  {
    std::lock_guard lock{s.mu};
    if (s.started) return Error::make(ErrorCode::AlreadyExists, "the server was already started");
    s.started = true;
  }
  boost::system::error_code ec;
  auto address = asio::ip::make_address(s.options.listen_address, ec);
  if (ec) return Error::invalid("bad listen address '" + s.options.listen_address + "': " + ec.message());
  tcp::endpoint endpoint{address, s.options.port};
  s.acceptor = std::make_unique<Acceptor>(s.accept_ioc.get_executor());
  auto fail = [&](const char* what) -> Error {
    return Error::make(ErrorCode::Unavailable, std::string(what) + " " + s.options.listen_address + ":" +
                                                   std::to_string(s.options.port) + ": " + ec.message());
  };
  if (s.acceptor->open(endpoint.protocol(), ec)) return fail("cannot open");
  if (s.acceptor->set_option(asio::socket_base::reuse_address(true), ec)) return fail("cannot configure");
  if (s.acceptor->bind(endpoint, ec)) return fail("cannot bind");
  if (s.acceptor->listen(asio::socket_base::max_listen_connections, ec)) return fail("cannot listen on");
  s.bound_port = s.acceptor->local_endpoint().port();

  int index = 0;
  for (auto& shard : s.shards) {
    shard->sweeper = std::make_unique<Timer>(shard->ioc.get_executor());
    Shard* sh = shard.get();
    asio::post(shard->ioc, [&s, sh] { s.sweep(*sh); });
    shard->thread = std::thread([sh] { sh->ioc.run(); });
    name_thread(shard->thread, ("http-io-" + std::to_string(index++)).c_str());
  }
  asio::co_spawn(s.accept_ioc, s.accept_loop(), asio::detached);
  s.accept_thread = std::thread([&s] { s.accept_ioc.run(); });
  name_thread(s.accept_thread, "http-accept");
  std::lock_guard lock{s.mu};
  s.running = true;
  return s.bound_port;
}

void Server::stop() {
  auto& s = *impl_;
  {
    std::lock_guard lock{s.mu};
    if (!s.running) return;
    s.running = false;
  }
  s.stopping = true;
  asio::post(s.accept_ioc, [&s] {
    boost::system::error_code ignored;
    s.acceptor->close(ignored);
  });
  s.accept_thread.join();
  {
    // Normally closed by the accept thread above; this covers a loop that ended early, so the
    // port is never left listening with nobody accepting.
    boost::system::error_code ignored;
    s.acceptor->close(ignored);
  }
  {
    // Idle connections are parked in a header read: close them. Busy ones finish their
    // request and then close themselves because `stopping` is set. The check runs on the
    // connection's shard, so it cannot race with the session changing `busy`.
    std::lock_guard lock{s.mu};
    for (const auto& conn : s.connections) {
      asio::post(conn->socket.get_executor(), [conn] {
        boost::system::error_code ignored;
        if (!conn->busy) conn->socket.cancel(ignored);
        if (conn->event_timer) conn->event_timer->cancel();  // event streams end at once
      });
    }
  }
  {
    std::unique_lock lock{s.mu};
    s.drained.wait_for(lock, s.options.shutdown_timeout, [&s] { return s.connections.empty(); });
    for (const auto& conn : s.connections) {
      asio::post(conn->socket.get_executor(), [conn] {
        boost::system::error_code ignored;
        conn->socket.cancel(ignored);
      });
    }
  }
  // Past the grace period: stop the loops; handlers still running finish before join returns.
  for (auto& shard : s.shards) shard->ioc.stop();
  for (auto& shard : s.shards) {
    if (shard->thread.joinable()) shard->thread.join();
  }
  {
    std::lock_guard lock{s.mu};
    s.connections.clear();
  }
}

std::uint16_t Server::port() const { return impl_->bound_port; }

std::size_t Server::connection_count() const {
  std::lock_guard lock{impl_->mu};
  return impl_->connections.size();
}

}  // namespace nextra::http
