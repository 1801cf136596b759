// The SSRF-safe client against a real local server (our http::Server on 127.0.0.1).
#include "net/http_client.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <mutex>

#include "http/server.h"
#include "net/exchange.h"

namespace nextra::net {
namespace {

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    http::Router r;
    r.get("/hello", [](const http::Request&) { return http::Response::text(200, "hello"); });
    r.get("/peer", [](const http::Request& req) { return http::Response::text(200, req.remote_address); });
    r.post("/echo", [](const http::Request& req) { return http::Response::text(200, req.method + ":" + req.body); });
    r.get("/auth", [](const http::Request& req) {
      return http::Response::text(200, std::string(req.header("Authorization").value_or("none")));
    });
    r.get("/big", [](const http::Request&) { return http::Response::text(200, std::string(200'000, 'x')); });
    r.get("/big-header", [](const http::Request&) {
      auto resp = http::Response::text(200, "ok");
      resp.headers.set("X-Huge", std::string(4000, 'h'));
      return resp;
    });
    r.get("/slow", [this](const http::Request&) {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::seconds(10), [this] { return released_; });
      return http::Response::text(200, "late");
    });
    auto redirect = [](std::string location, int status = 302) {
      return [location, status](const http::Request&) {
        http::Response resp = http::Response::text(status, "");
        resp.headers.set("Location", location);
        return resp;
      };
    };
    r.get("/to-private", redirect("http://10.0.0.1/secret"));
    r.get("/to-metadata", redirect("http://169.254.169.254/latest/meta-data/"));
    r.get("/to-hello", redirect("/hello"));
    r.get("/loop", redirect("/loop"));
    r.get("/to-localhost-auth", [this](const http::Request&) {
      http::Response resp = http::Response::text(302, "");
      resp.headers.set("Location", "http://localhost:" + std::to_string(port_) + "/auth");
      return resp;
    });
    r.get("/to-auth", redirect("/auth"));
    r.post("/post-303", redirect("/hello", 303));
    http::ServerOptions o;
    o.threads = 4;
    o.shutdown_timeout = std::chrono::milliseconds(2000);
    server_ = std::make_unique<http::Server>(o, std::move(r));
    auto port = server_->start();
    ASSERT_TRUE(port.ok()) << port.error().message;
    port_ = *port;
  }
  void TearDown() override {
    {
      std::lock_guard lock(mu_);
      released_ = true;
    }
    cv_.notify_all();
    server_->stop();
  }

  std::unique_ptr<HttpClient> client(std::vector<std::string> allow, std::size_t max_header_bytes = 64 * 1024) {
    HttpClientOptions o;
    o.max_header_bytes = max_header_bytes;
    o.allowlist = *Allowlist::parse(allow);
    o.workers = 2;
    return std::move(HttpClient::create(std::move(o))).value();
  }
  std::string url(const std::string& path, const std::string& host = "127.0.0.1") {
    return "http://" + host + ":" + std::to_string(port_) + path;
  }
  HttpRequest get(const std::string& u) {
    HttpRequest r;
    r.url = u;
    r.timeout = std::chrono::milliseconds(5000);
    return r;
  }

  std::unique_ptr<http::Server> server_;
  std::uint16_t port_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  bool released_ = false;
};

TEST_F(HttpClientTest, BlocksLoopbackPrivateMetadataAndIpv6LoopbackWithoutAllowlist) {
  auto c = client({});
  for (const std::string& u : {url("/hello"), std::string("http://10.1.2.3/"), std::string("http://169.254.169.254/latest/meta-data/"),
                               "http://[::1]:" + std::to_string(port_) + "/hello", url("/hello", "localhost")}) {
    auto r = c->send(get(u));
    ASSERT_FALSE(r.ok()) << u;
    EXPECT_EQ(r.error().code, ErrorCode::PermissionDenied) << u << ": " << r.error().message;
    EXPECT_EQ(r.error().field, "url");
  }
}

TEST_F(HttpClientTest, HostNameResolvingToLoopbackIsBlockedAfterResolution) {
  auto r = client({})->send(get(url("/hello", "localhost")));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::PermissionDenied);
  EXPECT_NE(r.error().message.find("resolves to"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("loopback"), std::string::npos) << r.error().message;
}

TEST_F(HttpClientTest, AllowlistedAddressAndHostGetThrough) {
  auto by_address = client({"127.0.0.1"})->send(get(url("/hello")));
  ASSERT_TRUE(by_address.ok()) << by_address.error().message;
  EXPECT_EQ(by_address->status, 200);
  EXPECT_EQ(by_address->body, "hello");

  auto by_host = client({"localhost"})->send(get(url("/hello", "localhost")));
  ASSERT_TRUE(by_host.ok()) << by_host.error().message;
  EXPECT_EQ(by_host->body, "hello");
}

TEST_F(HttpClientTest, RedirectToPrivateOrMetadataAddressIsBlocked) {
  auto c = client({"127.0.0.1"});
  for (const char* path : {"/to-private", "/to-metadata"}) {
    auto r = c->send(get(url(path)));
    ASSERT_FALSE(r.ok()) << path;
    EXPECT_EQ(r.error().code, ErrorCode::PermissionDenied) << r.error().message;
    EXPECT_NE(r.error().message.find("redirect 1"), std::string::npos) << r.error().message;
  }
}

TEST_F(HttpClientTest, FollowsAllowedRedirectsAndBoundsThem) {
  auto c = client({"127.0.0.1"});
  auto r = c->send(get(url("/to-hello")));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->body, "hello");
  EXPECT_EQ(r->redirects, 1);

  auto loop = c->send(get(url("/loop")));
  ASSERT_FALSE(loop.ok());
  EXPECT_EQ(loop.error().code, ErrorCode::ResourceExhausted);

  HttpRequest no_follow = get(url("/to-hello"));
  no_follow.max_redirects = 0;
  auto raw = c->send(no_follow);
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(raw->status, 302);
}

TEST_F(HttpClientTest, SeeOtherTurnsPostIntoGet) {
  HttpRequest post = get(url("/post-303"));
  post.method = "POST";
  post.body = "data";
  auto r = client({"127.0.0.1"})->send(post);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->body, "hello");
}

TEST_F(HttpClientTest, CredentialsDoNotFollowACrossOriginRedirect) {
  auto c = client({"127.0.0.1", "localhost"});
  // A same-origin redirect keeps the header.
  HttpRequest same = get(url("/to-auth"));
  same.headers = {{"Authorization", "Bearer secret-token"}};
  auto kept = c->send(same);
  ASSERT_TRUE(kept.ok()) << kept.error().message;
  EXPECT_EQ(kept->body, "Bearer secret-token");
  // 127.0.0.1 -> localhost is another origin: the header is dropped.
  HttpRequest cross = get(url("/to-localhost-auth"));
  cross.headers = {{"Authorization", "Bearer secret-token"}};
  auto dropped = c->send(cross);
  ASSERT_TRUE(dropped.ok()) << dropped.error().message;
  EXPECT_EQ(dropped->body, "none");
  EXPECT_EQ(dropped->redirects, 1);
}

TEST_F(HttpClientTest, BodyLimitHeaderLimitAndTimeLimit) {
  auto c = client({"127.0.0.1"});
  HttpRequest big = get(url("/big"));
  big.max_response_bytes = 1000;
  auto r = c->send(big);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::ResourceExhausted) << r.error().message;

  auto h = client({"127.0.0.1"}, 2048)->send(get(url("/big-header")));
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.error().code, ErrorCode::ResourceExhausted) << h.error().message;

  HttpRequest slow = get(url("/slow"));
  slow.timeout = std::chrono::milliseconds(200);
  auto s = c->send(slow);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::DeadlineExceeded) << s.error().message;
}

TEST_F(HttpClientTest, RefusesBadMethodsSchemesAndHeaders) {
  auto c = client({"127.0.0.1"});
  HttpRequest m = get(url("/hello"));
  m.method = "TRACE";
  EXPECT_EQ(c->send(m).error().field, "method");
  EXPECT_EQ(c->send(get("gopher://127.0.0.1/")).error().code, ErrorCode::InvalidArgument);
  HttpRequest h = get(url("/hello"));
  h.headers = {{"X-Evil", "a\r\nHost: other"}};
  EXPECT_EQ(c->send(h).error().code, ErrorCode::InvalidArgument);
  HttpRequest t = get(url("/hello"));
  t.timeout = std::chrono::hours(1);
  EXPECT_EQ(c->send(t).error().field, "timeout");
}

TEST_F(HttpClientTest, AsyncCallsBackAndStreamsChunks) {
  auto c = client({"127.0.0.1"});
  std::promise<Result<HttpResponse>> done;
  HttpRequest req = get(url("/big"));
  std::string streamed;
  req.on_body_chunk = [&](std::string_view piece) {
    streamed.append(piece);
    return true;
  };
  ASSERT_TRUE(c->send_async(req, [&](Result<HttpResponse> r) { done.set_value(std::move(r)); }).ok());
  auto r = done.get_future().get();
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(r->body.empty());
  EXPECT_EQ(streamed.size(), 200'000u);
}

TEST_F(HttpClientTest, PinnedAddressesAreTheOnlyOnesASocketMayOpen) {
  // A target whose vetted address differs from where the URL points, as after a DNS
  // rebind: the socket check refuses the connection.
  Target t;
  t.url = url("/hello");
  t.scheme = "http";
  t.host = "127.0.0.1";
  t.port = port_;
  t.addresses = {*IpAddress::parse("8.8.8.8")};
  std::atomic<bool> stopping{false};
  std::string ua = "test";
  HttpRequest req = get(t.url);
  detail::HopLimits limits{std::chrono::milliseconds(2000), std::chrono::milliseconds(2000), 1000, 1000, &ua, &stopping};
  auto r = detail::exchange(t, "GET", {}, "", req, limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::PermissionDenied) << r.error().message;
}

TEST_F(HttpClientTest, ConsecutiveCallsFromOneThreadReuseTheirConnection) {
  auto c = client({"127.0.0.1"});
  auto first = c->send(get(url("/peer")));
  auto second = c->send(get(url("/peer")));
  ASSERT_TRUE(first.ok() && second.ok());
  // The server saw both requests come from the same client port: one TCP connection.
  EXPECT_EQ(first->body, second->body);

  // Asynchronous calls reuse their worker's connection the same way.
  HttpClientOptions o;
  o.allowlist = *Allowlist::parse({"127.0.0.1"});
  o.workers = 1;
  auto one_worker = std::move(HttpClient::create(std::move(o))).value();
  auto peer_async = [&] {
    std::promise<std::string> p;
    EXPECT_TRUE(one_worker->send_async(get(url("/peer")), [&](Result<HttpResponse> r) {
      p.set_value(r.ok() ? r->body : r.error().message);
    }).ok());
    return p.get_future().get();
  };
  const std::string a = peer_async();
  EXPECT_EQ(a, peer_async());

  // A client without the allowlist is still refused on a thread that holds a connection to
  // the same address: the open connection is not a way around the address check.
  auto blocked = client({})->send(get(url("/peer")));
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.error().code, ErrorCode::PermissionDenied);
}

}  // namespace
}  // namespace nextra::net
