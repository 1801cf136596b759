#pragma once
// The HTTP/1.1 server of the control plane: Boost.Beast with C++20 coroutines behind a
// Beast-free interface (all of Beast and Asio stay in server.cc). One Server owns its io
// threads (each with its own event loop) and a listener thread; a connection stays on the io
// thread it was given when accepted, so a handler that blocks holds up only that thread's
// connections. start() and
// stop() may be called from any thread except an io thread (that is, never from a handler).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "http/router.h"

namespace nextra::http {

struct ServerOptions {
  std::string listen_address = "127.0.0.1";
  std::uint16_t port = 0;  // 0 = an ephemeral port; start() returns the bound one
  int threads = 1;         // io threads; 0 = one per core
  // The header of a connection's first request, and every request body, must each arrive
  // within read_timeout; on a kept-alive connection the next request's header must arrive
  // within idle_timeout. A connection that misses a deadline is closed without an answer.
  std::chrono::milliseconds read_timeout{30'000};
  std::chrono::milliseconds write_timeout{30'000};
  std::chrono::milliseconds idle_timeout{60'000};
  // An event stream with nothing to send writes a comment line this often.
  std::chrono::milliseconds event_heartbeat{15'000};
  // stop() waits this long for in-flight requests before it closes what is left.
  std::chrono::milliseconds shutdown_timeout{10'000};
  std::size_t max_header_bytes = 16 * 1024;    // beyond: 431 "headers_too_large"
  std::size_t max_body_bytes = 1024 * 1024;     // beyond: 413 "payload_too_large"
  // Larger limits for paths under these prefixes (uploads), chosen once the header is read;
  // every other path keeps max_body_bytes.
  std::vector<std::pair<std::string, std::size_t>> body_limits_by_prefix;
  std::size_t max_connections = 1024;           // beyond: 503 "too_many_connections", closed
  std::string request_id_header = "X-Request-Id";
};

class Server {
 public:
  // The router is moved in and only read afterwards.
  Server(ServerOptions options, Router router);
  ~Server();  // stop()s
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, listens and starts the io threads. Returns the bound port.
  // Errors: InvalidArgument (bad listen address), Unavailable (bind or listen failed, e.g.
  // the port is taken), AlreadyExists (already started).
  Result<std::uint16_t> start();

  // Graceful: stops accepting, closes idle keep-alive connections, lets in-flight requests
  // finish (their responses carry Connection: close) for up to shutdown_timeout, then closes
  // everything and joins the io threads. Idempotent; blocks until done.
  void stop();

  // The bound port, 0 before start().
  std::uint16_t port() const;

  // Open connections right now (for tests and metrics).
  std::size_t connection_count() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nextra::http
