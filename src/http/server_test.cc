// Starts the real server on 127.0.0.1:0 in-process and talks to it over plain POSIX sockets,
// so this test needs no Beast (and compiles quickly).
#include "http/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "http/health.h"
#include "http/raw_client_for_tests.h"
#include "http/static_files.h"

namespace nextra::http {
namespace {

using test_support::Client;
using test_support::RawResponse;

class ServerTest : public ::testing::Test {
 protected:
  void start(ServerOptions options = {}) {
    Router router;
    add_health_routes(router, [this] {
      return ready_ ? Readiness{} : Readiness{false, {{"database", "unreachable"}}};
    });
    router.get("/api/flows/{id}/versions/{n}", [](const Request& r) {
      return Response::json(200, {{"id", *r.path_param("id")}, {"n", *r.path_param("n")},
                                  {"q", r.query_param("q").value_or("")}});
    });
    router.post("/echo", [](const Request& r) {
      return Response::json(200, {{"body", r.body}, {"type", r.header("content-type").value_or("")},
                                  {"remote", r.remote_address}});
    });
    router.get("/slow", [this](const Request&) {
      slow_entered_ = true;
      while (!slow_release_) std::this_thread::sleep_for(std::chrono::milliseconds(2));
      return Response::json(200, {{"slow", true}});
    });
    router.get("/events", [this](const Request&) {
      auto stream = std::make_shared<EventStream>();
      stream->send("greeting", "hello");
      {
        std::lock_guard lock{stream_mu_};
        stream_ = stream;
      }
      return Response::event_stream(stream);
    });
    // Answered later from another thread; "?deadline=1" answers itself after 50 ms instead.
    router.get("/later", [this](const Request& r) {
      auto d = std::make_shared<DeferredResponse>();
      if (r.query_param("deadline")) {
        d->set_deadline(std::chrono::steady_clock::now() + std::chrono::milliseconds(50),
                        [] { return Response::json(202, {{"timedOut", true}}); });
      }
      {
        std::lock_guard lock{stream_mu_};
        deferred_ = d;
      }
      return Response::later(d);
    });
    if (!static_root_.empty()) {
      auto h = make_static_handler({.root = static_root_});
      ASSERT_TRUE(h.ok());
      router.set_fallback(*h);
    }
    server_ = std::make_unique<Server>(std::move(options), std::move(router));
    auto port = server_->start();
    ASSERT_TRUE(port.ok()) << port.error().message;
    port_ = *port;
    ASSERT_NE(port_, 0);
  }
  void TearDown() override {
    slow_release_ = true;
    if (server_) server_->stop();
    if (!static_root_.empty()) std::filesystem::remove_all(static_root_.parent_path());
  }

  std::unique_ptr<Server> server_;
  std::uint16_t port_ = 0;
  std::atomic<bool> ready_{true};
  std::atomic<bool> slow_entered_{false};
  std::atomic<bool> slow_release_{false};
  std::filesystem::path static_root_;
  std::mutex stream_mu_;
  std::shared_ptr<EventStream> stream_;  // guarded by stream_mu_
  std::shared_ptr<DeferredResponse> deferred_;  // guarded by stream_mu_

  std::shared_ptr<DeferredResponse> deferred() {
    for (int i = 0; i < 500; ++i) {
      {
        std::lock_guard lock{stream_mu_};
        if (deferred_) return std::exchange(deferred_, nullptr);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return nullptr;
  }

  std::shared_ptr<EventStream> stream() {
    std::lock_guard lock{stream_mu_};
    return stream_;
  }
};

TEST_F(ServerTest, RoutesWithPathParamsAndCommonHeaders) {
  start();
  Client c(port_);
  ASSERT_TRUE(c.connected());
  auto r = c.request("GET", "/api/flows/f%201/versions/3?q=a+b");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->json()["id"], "f 1");
  EXPECT_EQ(r->json()["n"], "3");
  EXPECT_EQ(r->json()["q"], "a b");
  EXPECT_EQ(r->headers["content-type"], "application/json");
  EXPECT_FALSE(r->headers["x-request-id"].empty());

  auto h = c.request("GET", "/healthz", "", "X-Request-Id: trace-42\r\n");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->json(), nlohmann::json({{"status", "ok"}}));
  EXPECT_EQ(h->headers["x-request-id"], "trace-42");

  auto e = c.request("POST", "/echo", "{\"a\":1}", "Content-Type: application/json\r\n");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->json()["body"], "{\"a\":1}");
  EXPECT_EQ(e->json()["type"], "application/json");
  EXPECT_EQ(e->json()["remote"].get<std::string>().rfind("127.0.0.1:", 0), 0u);

  auto head = c.request("HEAD", "/healthz");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->headers["content-length"], "15");  // the length of {"status":"ok"}
  EXPECT_TRUE(head->body.empty());
  auto after = c.request("GET", "/healthz");  // the connection is still in step
  ASSERT_TRUE(after);
  EXPECT_EQ(after->json()["status"], "ok");
}

// `top -H` and profiles tell the server's threads apart by name.
TEST_F(ServerTest, ThreadsAreNamedForOperators) {
  ServerOptions o;
  o.threads = 2;
  start(o);
  std::multiset<std::string> names;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    std::getline(comm, name);
    names.insert(name);
  }
  EXPECT_EQ(names.count("http-io-0"), 1u);
  EXPECT_EQ(names.count("http-io-1"), 1u);
  EXPECT_EQ(names.count("http-accept"), 1u);
}

TEST_F(ServerTest, NotFoundAndMethodNotAllowedAreApiErrors) {
  start();
  Client c(port_);
  auto nf = c.request("GET", "/api/nothing");
  ASSERT_TRUE(nf);
  EXPECT_EQ(nf->status, 404);
  EXPECT_EQ(nf->json()["code"], "not_found");
  EXPECT_TRUE(nf->json()["message"].is_string());
  EXPECT_TRUE(nf->json()["details"].is_object());
  EXPECT_EQ(nf->headers["content-type"], "application/json");

  auto na = c.request("DELETE", "/healthz");
  ASSERT_TRUE(na);
  EXPECT_EQ(na->status, 405);
  EXPECT_EQ(na->headers["allow"], "GET, HEAD");
  EXPECT_EQ(na->json()["code"], "method_not_allowed");
}

TEST_F(ServerTest, OversizedBodyIs413AndCloses) {
  ServerOptions o;
  o.max_body_bytes = 1024;
  start(o);
  Client c(port_);
  ASSERT_TRUE(c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2097152\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->json()["code"], "payload_too_large");
  EXPECT_TRUE(c.closed_by_peer());

  // A body at the limit is fine.
  Client ok(port_);
  auto fine = ok.request("POST", "/echo", std::string(1024, 'x'));
  ASSERT_TRUE(fine);
  EXPECT_EQ(fine->status, 200);
}

// Uploads may be larger than everything else: the limit follows the path's prefix.
TEST_F(ServerTest, BodyLimitFollowsThePathPrefix) {
  ServerOptions o;
  o.max_body_bytes = 1024;
  o.body_limits_by_prefix = {{"/echo", 4096}};
  start(o);
  Client ok(port_);
  auto fine = ok.request("POST", "/echo", std::string(4000, 'x'));
  ASSERT_TRUE(fine);
  EXPECT_EQ(fine->status, 200);
  Client big(port_);
  auto over = big.request("POST", "/echo", std::string(5000, 'x'));
  ASSERT_TRUE(over);
  EXPECT_EQ(over->status, 413);
  Client other(port_);
  auto elsewhere = other.request("POST", "/other", std::string(2000, 'x'));
  ASSERT_TRUE(elsewhere);
  EXPECT_EQ(elsewhere->status, 413);
}

TEST_F(ServerTest, ChunkedBodyOverTheLimitIs413) {
  ServerOptions o;
  o.max_body_bytes = 1024;
  start(o);
  Client c(port_);
  std::string chunk(800, 'y');
  ASSERT_TRUE(c.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n320\r\n" + chunk +
                     "\r\n320\r\n" + chunk + "\r\n0\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
}

TEST_F(ServerTest, MalformedRequestLineIs400AndCloses) {
  start();
  Client c(port_);
  ASSERT_TRUE(c.send("THIS IS NOT HTTP\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->json()["code"], "bad_request");
  EXPECT_EQ(r->headers["content-type"], "application/json");
  EXPECT_FALSE(r->headers["x-request-id"].empty());
  EXPECT_TRUE(c.closed_by_peer());

  Client proxy(port_);
  auto p = proxy.request("GET", "http://example.com/healthz");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->status, 400);
}

TEST_F(ServerTest, OversizedHeadersAre431) {
  ServerOptions o;
  o.max_header_bytes = 1024;
  start(o);
  Client c(port_);
  auto r = c.request("GET", "/healthz", "", "X-Big: " + std::string(4096, 'h') + "\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(r->json()["code"], "headers_too_large");
}

TEST_F(ServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  start();
  Client c(port_);
  auto a = c.request("GET", "/healthz");
  auto b = c.request("GET", "/readyz");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->status, 200);
  EXPECT_EQ(b->status, 200);
  EXPECT_EQ(b->json()["status"], "ready");
  EXPECT_NE(a->headers["x-request-id"], b->headers["x-request-id"]);

  // Pipelined: both requests in one write, answered in order.
  ASSERT_TRUE(c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /api/flows/p/versions/9 HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto p1 = c.read_response();
  auto p2 = c.read_response();
  ASSERT_TRUE(p1 && p2);
  EXPECT_EQ(p1->json()["status"], "ok");
  EXPECT_EQ(p2->json()["n"], "9");

  auto last = c.request("GET", "/healthz", "", "Connection: close\r\n");
  ASSERT_TRUE(last);
  EXPECT_EQ(last->headers["connection"], "close");
  EXPECT_TRUE(c.closed_by_peer());
}

// Timeouts are deadlines swept by each io thread: a connection that misses one is closed
// without an answer, well before the client's own 10-second read timeout.
TEST_F(ServerTest, SilentNewConnectionIsClosedAfterTheReadTimeout) {
  ServerOptions o;
  o.read_timeout = std::chrono::milliseconds(150);
  start(o);
  Client silent(port_);
  Client half_header(port_);
  ASSERT_TRUE(half_header.send("GET /healthz HTTP/1.1\r\nHost: x\r\n"));
  const auto begin = std::chrono::steady_clock::now();
  EXPECT_TRUE(silent.closed_by_peer());
  EXPECT_TRUE(half_header.closed_by_peer());
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(5));
}

TEST_F(ServerTest, BodyThatStopsArrivingIsCutOffByTheReadTimeout) {
  ServerOptions o;
  o.read_timeout = std::chrono::milliseconds(150);
  start(o);
  Client c(port_);
  ASSERT_TRUE(c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab"));
  EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(ServerTest, IdleKeepAliveConnectionIsClosedAfterTheIdleTimeout) {
  ServerOptions o;
  o.idle_timeout = std::chrono::milliseconds(150);
  o.threads = 2;
  start(o);
  Client a(port_);
  Client b(port_);  // the other io thread
  ASSERT_TRUE(a.request("GET", "/healthz"));
  ASSERT_TRUE(b.request("GET", "/healthz"));
  EXPECT_TRUE(a.closed_by_peer());
  EXPECT_TRUE(b.closed_by_peer());
  // The server forgets a connection just after closing it.
  for (int i = 0; i < 500 && server_->connection_count() != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_EQ(server_->connection_count(), 0u);
}

// The read timeout covers each phase, not the connection's life: a client that keeps asking
// in time is served for as long as it likes.
TEST_F(ServerTest, BusyKeepAliveConnectionOutlivesItsTimeouts) {
  ServerOptions o;
  o.read_timeout = std::chrono::milliseconds(100);
  o.idle_timeout = std::chrono::milliseconds(100);
  start(o);
  Client c(port_);
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(400);
  int answered = 0;
  while (std::chrono::steady_clock::now() < until) {
    auto r = c.request("GET", "/healthz");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    ++answered;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_GT(answered, 5);
}

TEST_F(ServerTest, ReadinessFailureIs503WithDetails) {
  start();
  ready_ = false;
  Client c(port_);
  auto r = c.request("GET", "/readyz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->json()["code"], "not_ready");
  EXPECT_EQ(r->json()["details"]["database"], "unreachable");
}

TEST_F(ServerTest, ConcurrentClients) {
  ServerOptions o;
  o.threads = 2;
  start(o);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      std::unique_ptr<Client> c;
      for (int i = 0; i < 50; ++i) {
        if (i % 10 == 0) c = std::make_unique<Client>(port_);  // some new connections, mostly reuse
        auto id = std::to_string(t) + "-" + std::to_string(i);
        auto r = c->request("GET", "/api/flows/" + id + "/versions/" + std::to_string(i));
        if (r && r->status == 200 && r->json()["id"] == id) ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 400);
}

TEST_F(ServerTest, GracefulStopLetsTheInFlightRequestFinish) {
  ServerOptions o;
  o.threads = 2;
  start(o);
  Client idle(port_);
  ASSERT_TRUE(idle.request("GET", "/healthz"));  // now an idle keep-alive connection

  Client busy(port_);
  ASSERT_TRUE(busy.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  while (!slow_entered_) std::this_thread::sleep_for(std::chrono::milliseconds(1));

  std::thread stopper([this] { server_->stop(); });
  // stop() has begun once the listener is gone; only then let the handler finish.
  for (;;) {
    Client probe(port_);
    if (!probe.connected()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_TRUE(idle.closed_by_peer());
  slow_release_ = true;
  auto r = busy.read_response();
  stopper.join();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->json()["slow"], true);
  EXPECT_EQ(r->headers["connection"], "close");
  EXPECT_TRUE(busy.closed_by_peer());
  server_->stop();  // idempotent
}

TEST_F(ServerTest, StartTwiceAndBadAddressAreErrors) {
  start();
  auto again = server_->start();
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::AlreadyExists);

  ServerOptions bad;
  bad.listen_address = "not-an-address";
  Server s(bad, Router{});
  auto r = s.start();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::InvalidArgument);

  ServerOptions taken;
  taken.port = port_;
  Server s2(taken, Router{});
  auto r2 = s2.start();
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error().code, ErrorCode::Unavailable);
}

TEST_F(ServerTest, ConnectionLimitAnswers503) {
  ServerOptions o;
  o.max_connections = 1;
  start(o);
  Client first(port_);
  ASSERT_TRUE(first.request("GET", "/healthz"));
  Client second(port_);
  auto r = second.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->json()["code"], "too_many_connections");
}

TEST_F(ServerTest, StaticFilesRefuseTraversal) {
  auto base = std::filesystem::temp_directory_path() / ("nextra_http_static_" + std::to_string(::getpid()));
  std::filesystem::create_directories(base / "www");
  std::ofstream(base / "www" / "index.html") << "<html>ui</html>";
  std::ofstream(base / "www" / "app.js") << "let x;";
  static_root_ = base / "www";
  start();
  Client c(port_);
  auto js = c.request("GET", "/app.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->status, 200);
  EXPECT_EQ(js->headers["content-type"], "text/javascript; charset=utf-8");
  EXPECT_FALSE(js->headers["cache-control"].empty());
  auto route = c.request("GET", "/flows/7");
  ASSERT_TRUE(route);
  EXPECT_EQ(route->body, "<html>ui</html>");
  for (const char* p : {"/../etc/passwd", "/%2e%2e/etc/passwd", "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
                        "//etc/passwd", "/etc/passwd"}) {
    Client t(port_);
    auto r = t.request("GET", p);
    ASSERT_TRUE(r) << p;
    EXPECT_EQ(r->body.find("root:"), std::string::npos) << p;
    EXPECT_TRUE(r->status == 400 || r->body == "<html>ui</html>") << p << " " << r->status;
  }
  auto api = c.request("GET", "/api/missing");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 404);
  EXPECT_EQ(api->json()["code"], "not_found");
}

TEST_F(ServerTest, DeferredResponseIsAnsweredWhenAnotherThreadCompletesIt) {
  ServerOptions o;
  o.threads = 1;  // one io thread: the waiting request must not hold it
  start(o);
  Client waiting(port_);
  ASSERT_TRUE(waiting.send("GET /later HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto d = deferred();
  ASSERT_TRUE(d);
  Client other(port_);  // served meanwhile on the same io thread
  ASSERT_TRUE(other.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto health = other.read_response();
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_TRUE(d->complete([] { return Response::json(200, {{"answer", 42}}); }));
  EXPECT_FALSE(d->complete([] { return Response::json(500, {}); }));  // the first one wins
  auto r = waiting.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(nlohmann::json::parse(r->body)["answer"], 42);
}

TEST_F(ServerTest, DeferredResponseFallsBackToItsTimeoutAnswer) {
  start();
  Client c(port_);
  ASSERT_TRUE(c.send("GET /later?deadline=1 HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto d = deferred();
  ASSERT_TRUE(d);
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 202);
  EXPECT_EQ(nlohmann::json::parse(r->body)["timedOut"], true);
  EXPECT_FALSE(d->complete([] { return Response::json(200, {}); }));  // too late
}

TEST_F(ServerTest, DeferredResponseGets503WhenTheServerStops) {
  start();
  Client c(port_);
  ASSERT_TRUE(c.send("GET /later HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto d = deferred();
  ASSERT_TRUE(d);
  std::thread stopper([this] { server_->stop(); });
  auto r = c.read_response();
  stopper.join();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
}

TEST_F(ServerTest, EventStreamDeliversEventsInOrderUntilClosed) {
  start();
  Client c(port_);
  ASSERT_TRUE(c.send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto head = c.read_response(true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->headers["content-type"], "text/event-stream");
  EXPECT_EQ(head->headers["transfer-encoding"], "chunked");
  EXPECT_FALSE(head->headers["x-request-id"].empty());
  EXPECT_EQ(c.read_chunk(), "event: greeting\ndata: hello\n\n");

  auto s = stream();
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->send("", "line one\nline two"));
  EXPECT_EQ(c.read_chunk(), "data: line one\ndata: line two\n\n");
  EXPECT_TRUE(s->send("evil\nname", "x"));
  EXPECT_EQ(c.read_chunk(), "event: evilname\ndata: x\n\n");
  s->close();
  EXPECT_EQ(c.read_chunk(), "");
  EXPECT_TRUE(c.closed_by_peer());
  EXPECT_FALSE(s->send("late", "x"));
}

TEST_F(ServerTest, EventStreamHeartbeatAndStop) {
  ServerOptions o;
  o.event_heartbeat = std::chrono::milliseconds(10);
  start(o);
  Client c(port_);
  ASSERT_TRUE(c.send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(c.read_response(true));
  EXPECT_EQ(c.read_chunk(), "event: greeting\ndata: hello\n\n");
  EXPECT_EQ(c.read_chunk(), ":\n\n");  // nothing to say: a heartbeat comment
  server_->stop();                       // ends the stream cleanly
  std::optional<std::string> chunk;
  do {
    chunk = c.read_chunk();
  } while (chunk && !chunk->empty());
  EXPECT_EQ(chunk, "");
  EXPECT_TRUE(stream()->ended());
  EXPECT_FALSE(stream()->send("after", "stop"));
}

TEST(EventStream, EndedStreamRefusesEvents) {
  EventStream s;
  EXPECT_TRUE(s.send("a", "b"));
  auto batch = s.take();
  EXPECT_EQ(batch.frames, "event: a\ndata: b\n\n");
  EXPECT_FALSE(batch.closed);
  s.close();
  EXPECT_TRUE(s.take().closed);
  EXPECT_FALSE(s.send("a", "b"));
}

}  // namespace
}  // namespace nextra::http
