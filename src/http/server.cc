// The only translation unit that includes Beast and Asio (about 30 s to compile), so keep
// everything that does not touch the wire in the other files of this module.
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
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace nextra::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Strand = asio::strand<asio::io_context::executor_type>;

// Ids are unique per process run, cheap, and carry no information about the request.
class RequestIds {
 public:
  RequestIds() {
    std::random_device rd;
    std::snprintf(prefix_, sizeof prefix_, "%08x", rd());
  }
  std::string next() {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s-%010llu", prefix_,
                  static_cast<unsigned long long>(counter_.fetch_add(1) + 1));
    return buf;
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

struct Connection {
  explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  bool busy = false;  // strand: connection. True from a request's header to its response.
  // strand: connection. While an event stream waits for events; cancelling it wakes the
  // stream (a new event, close(), or the server stopping).
  std::unique_ptr<asio::steady_timer> event_timer;
};

}  // namespace

struct Server::Impl {
  ServerOptions options;
  Router router;
  RequestIds ids;

  asio::io_context ioc;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unique_ptr<Strand> accept_strand;
  std::vector<std::thread> threads;
  std::uint16_t bound_port = 0;

  std::mutex mu;                       // guards everything below
  std::condition_variable drained;     // signalled when `connections` shrinks
  std::list<std::shared_ptr<Connection>> connections;
  bool started = false;
  bool running = false;  // start() succeeded and stop() has not run

  std::atomic<bool> stopping{false};

  Impl(ServerOptions o, Router r)
      : options(std::move(o)), router(std::move(r)),
        ioc(options.threads > 0 ? options.threads
                                : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))) {}

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> session(std::shared_ptr<Connection> conn);
  asio::awaitable<void> reject(tcp::socket socket);
  asio::awaitable<void> stream_events(std::shared_ptr<Connection> conn, Response response, std::string id);
  asio::awaitable<Response> await_deferred(std::shared_ptr<Connection> conn, std::shared_ptr<DeferredResponse> d);
  Response dispatch(bhttp::request<bhttp::string_body>& req, const std::string& remote);
  void finish(bhttp::response<bhttp::string_body>& res, Response&& response,
              const std::string& request_id, bool keep_alive, bool head);
  static Response error_for(const beast::error_code& ec);
};

asio::awaitable<void> Server::Impl::accept_loop() {
  for (;;) {
    tcp::socket socket{asio::make_strand(ioc)};
    bool failed = false;
    try {
      co_await acceptor->async_accept(socket, asio::use_awaitable);
    } catch (const boost::system::system_error& e) {
      if (e.code() == asio::error::operation_aborted || stopping) co_return;
      failed = true;
    }
    if (failed) {
      // EMFILE and friends: back off instead of spinning on a full descriptor table.
      asio::steady_timer timer{*accept_strand, std::chrono::milliseconds(50)};
      co_await timer.async_wait(asio::use_awaitable);
      continue;
    }
    if (stopping) co_return;
    socket.set_option(tcp::no_delay(true));  // Nagle + delayed ACK would add ~40 ms per response
    auto ex = socket.get_executor();
    std::shared_ptr<Connection> conn;
    {
      std::lock_guard lock{mu};
      if (connections.size() < options.max_connections) {
        conn = std::make_shared<Connection>(std::move(socket));
        connections.push_back(conn);
      }
    }
    if (conn) {
      asio::co_spawn(ex, session(std::move(conn)), asio::detached);
    } else {
      asio::co_spawn(ex, reject(std::move(socket)), asio::detached);
    }
  }
}

asio::awaitable<void> Server::Impl::reject(tcp::socket socket) {
  try {
    beast::tcp_stream stream{std::move(socket)};
    stream.expires_after(options.write_timeout);
    bhttp::response<bhttp::string_body> res;
    finish(res, Response::error(503, "too_many_connections", "the server is at its connection limit"),
           ids.next(), false, false);
    co_await bhttp::async_write(stream, res, asio::use_awaitable);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  } catch (const std::exception&) {
    // The peer went away first; nothing to tell it.
  }
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

asio::awaitable<void> Server::Impl::session(std::shared_ptr<Connection> conn) {
  std::string remote;
  {
    beast::error_code ec;
    auto ep = conn->stream.socket().remote_endpoint(ec);
    if (!ec) remote = ep.address().to_string() + ":" + std::to_string(ep.port());
  }
  beast::flat_buffer buffer;
  bool first = true;
  try {
    for (;;) {
      if (stopping) break;
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(options.max_header_bytes, UINT32_MAX)));
      // The header is checked against the largest limit (Beast compares Content-Length with
      // the limit while it parses the header); the path's own limit is applied once the
      // path is known.
      std::size_t largest_body = options.max_body_bytes;
      for (const auto& entry : options.body_limits_by_prefix) largest_body = std::max(largest_body, entry.second);
      parser.body_limit(largest_body);

      conn->busy = false;
      conn->stream.expires_after(first ? options.read_timeout : options.idle_timeout);
      first = false;
      beast::error_code ec;
      try {
        co_await bhttp::async_read_header(conn->stream, buffer, parser, asio::use_awaitable);
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
        if (auto length = parser.content_length(); length && *length > body_limit) {
          throw boost::system::system_error(bhttp::error::body_limit);
        }
        parser.body_limit(body_limit);  // chunked bodies are counted as they arrive
        if (parser.get()[bhttp::field::expect] == "100-continue" && !parser.is_done()) {
          bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, 11};
          conn->stream.expires_after(options.write_timeout);
          co_await bhttp::async_write(conn->stream, cont, asio::use_awaitable);
        }
        if (!parser.is_done()) {  // most GETs are complete once their header is in
          conn->stream.expires_after(options.read_timeout);
          co_await bhttp::async_read(conn->stream, buffer, parser, asio::use_awaitable);
        }
      } catch (const boost::system::system_error& e) {
        ec = e.code();
      }

      bhttp::response<bhttp::string_body> res;
      bool keep_alive = false;
      if (ec) {
        // A clean close, a timeout or a reset leaves nobody to answer.
        if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
            ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
            ec == asio::error::eof || ec == asio::error::bad_descriptor) {
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
      conn->stream.expires_after(options.write_timeout);
      co_await bhttp::async_write(conn->stream, res, asio::use_awaitable);
      if (!keep_alive) break;
    }
  } catch (const std::exception&) {
    // Write failures and timeouts end the connection; the client sees the close.
  }
  beast::error_code ignored;
  conn->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  conn->stream.socket().close(ignored);
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
  conn->event_timer = std::make_unique<asio::steady_timer>(conn->stream.get_executor());
  std::weak_ptr<Connection> weak = conn;
  return [weak] {
    if (auto c = weak.lock()) {
      asio::post(c->stream.get_executor(), [c] {
        if (c->event_timer) c->event_timer->cancel();
      });
    }
  };
}
}  // namespace

// Waits, without holding the io thread, until another thread completes the response, its
// deadline passes (then its timeout answer), or the server stops (503).
asio::awaitable<Response> Server::Impl::await_deferred(std::shared_ptr<Connection> conn,
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
    const auto now = std::chrono::steady_clock::now();
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
    co_await conn->event_timer->async_wait(asio::redirect_error(asio::use_awaitable, woken));
  }
}

asio::awaitable<void> Server::Impl::stream_events(std::shared_ptr<Connection> conn, Response response,
                                                  std::string id) {
  auto events = response.events;
  bhttp::response<bhttp::empty_body> res{static_cast<bhttp::status>(response.status), 11};
  for (auto& [name, value] : response.headers.entries()) res.insert(name, value);
  if (!response.headers.has("Content-Type")) res.set(bhttp::field::content_type, "text/event-stream");
  res.set(options.request_id_header, id);
  res.set(bhttp::field::server, "nextra");
  res.keep_alive(false);
  res.chunked(true);
  events->set_waker(arm_wake_timer(conn));
  try {
    bhttp::response_serializer<bhttp::empty_body> sr{res};
    conn->stream.expires_after(options.write_timeout);
    co_await bhttp::async_write_header(conn->stream, sr, asio::use_awaitable);
    for (;;) {
      auto batch = events->take();
      if (batch.frames.empty() && !batch.closed && !stopping) {
        conn->event_timer->expires_after(options.event_heartbeat);
        boost::system::error_code ec;  // operation_aborted: woken by new events (or stop)
        co_await conn->event_timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (ec) continue;
        // Nothing for a while: a comment line keeps proxies from timing out and shows
        // whether the client is still there.
        batch.frames = ":\n\n";
      }
      if (!batch.frames.empty()) {
        conn->stream.expires_after(options.write_timeout);
        co_await asio::async_write(conn->stream, bhttp::make_chunk(asio::buffer(batch.frames)), asio::use_awaitable);
      }
      if (batch.closed || stopping) break;
    }
    conn->stream.expires_after(options.write_timeout);
    co_await asio::async_write(conn->stream, bhttp::make_chunk_last(), asio::use_awaitable);
  } catch (const std::exception&) {
    // The client went away; end() below tells the producer.
  }
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
  s.accept_strand = std::make_unique<Strand>(asio::make_strand(s.ioc));
  s.acceptor = std::make_unique<tcp::acceptor>(*s.accept_strand);
  auto fail = [&](const char* what) -> Error {
    return Error::make(ErrorCode::Unavailable, std::string(what) + " " + s.options.listen_address + ":" +
                                                   std::to_string(s.options.port) + ": " + ec.message());
  };
  if (s.acceptor->open(endpoint.protocol(), ec)) return fail("cannot open");
  if (s.acceptor->set_option(asio::socket_base::reuse_address(true), ec)) return fail("cannot configure");
  if (s.acceptor->bind(endpoint, ec)) return fail("cannot bind");
  if (s.acceptor->listen(asio::socket_base::max_listen_connections, ec)) return fail("cannot listen on");
  s.bound_port = s.acceptor->local_endpoint().port();

  asio::co_spawn(*s.accept_strand, s.accept_loop(), asio::detached);
  const int n = s.options.threads > 0 ? s.options.threads
                                      : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (int i = 0; i < n; ++i) s.threads.emplace_back([&s] { s.ioc.run(); });
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
  asio::post(*s.accept_strand, [&s] {
    boost::system::error_code ignored;
    s.acceptor->close(ignored);
  });
  {
    // Idle connections are parked in a header read: close them. Busy ones finish their
    // request and then close themselves because `stopping` is set. The check runs on the
    // connection's strand, so it cannot race with the session changing `busy`.
    std::lock_guard lock{s.mu};
    for (const auto& conn : s.connections) {
      asio::post(conn->stream.get_executor(), [conn] {
        if (!conn->busy) conn->stream.cancel();
        if (conn->event_timer) conn->event_timer->cancel();  // event streams end at once
      });
    }
  }
  {
    std::unique_lock lock{s.mu};
    s.drained.wait_for(lock, s.options.shutdown_timeout, [&s] { return s.connections.empty(); });
    for (const auto& conn : s.connections) {
      asio::post(conn->stream.get_executor(), [conn] { conn->stream.cancel(); });
    }
  }
  // Past the grace period: stop the loop; handlers still running finish before join returns.
  s.ioc.stop();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
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
