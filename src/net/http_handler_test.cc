// `handler: http` in a real pump, calling a real local server through the SSRF-safe client.
#include "net/http_handler.h"

#include <gtest/gtest.h>

#include <mutex>

#include "http/server.h"
#include "net/fetch_tool.h"
#include "net/http_handler_config.h"
#include "pump/pump_test_support.h"

namespace nextra::net {
namespace {

using pump::ExecutionStatus;
using pump::testing::load_spec;
using pump::testing::make_pump;
using pump::testing::output_xml;
using pump::testing::run;

constexpr const char* kFlow = R"(
payloads:
  CityQuery: { city: string }
  Weather: { status: int, temp: int, summary: string, ok: bool }
  Plain: { body: string }
listeners:
  - name: weather
    payload_class: CityQuery
    handler: http
    description: Calls the weather API
    peers: [done]
    http:
      method: POST
      url: "URL/weather/{{ city }}?units=metric"
      headers: { X-City: "{{ city }}", Content-Type: application/json }
      body: '{"city": "{{ city }}"}'
      auth: { bearer: "tok-SECRET-1234" }
      payload: Weather
  - name: strict
    payload_class: CityQuery
    handler: http
    description: Fails on an HTTP error status
    peers: [plain_done]
    http:
      url: "URL/missing/{{ city }}"
      auth: { bearer: "tok-SECRET-1234" }
      payload: Plain
  - name: metadata
    payload_class: CityQuery
    handler: http
    description: Tries the cloud metadata address
    peers: [plain_done]
    http:
      url: "http://169.254.169.254/latest/meta-data/{{ city }}"
      payload: Plain
  - name: done
    payload_class: Weather
    handler: output
    description: Result
  - name: plain_done
    payload_class: Plain
    handler: output
    description: Result
  - name: fetch
    payload_class: FetchRequest
    handler: tool:fetch
    description: Fetches a URL
  # Starts with a FetchResponse whose status is -1 (asks fetch for the url); fetch answers
  # this caller with the real FetchResponse, which goes to the output.
  - name: asker
    payload_class: FetchResponse
    handler: branch
    description: Asks fetch for a page
    peers: [fetch, fetched]
    branch:
      rules:
        - field: status_code
          equals: -1
          to: fetch
          transform: { payload: FetchRequest, fields: { url: "{{ url }}", method: POST, headers: "X-City: {{ body }}" } }
      default: fetched
  - name: fetched
    payload_class: FetchResponse
    handler: output
    description: What fetch answered
)";

class HttpHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    http::Router r;
    r.post("/raw", [](const http::Request&) { return http::Response::text(200, std::string("a\x01" "b", 3), "application/octet-stream"); });
    r.post("/weather/{city}", [this](const http::Request& req) {
      {
        std::lock_guard lock(mu_);
        auth_ = std::string(req.header("Authorization").value_or(""));
        city_header_ = std::string(req.header("X-City").value_or(""));
        body_ = req.body;
        query_ = req.query_param("units").value_or("");
      }
      return http::Response::json(200, {{"temp", 3}, {"summary", "cold in " + *req.path_param("city")}});
    });
    server_ = std::make_unique<http::Server>(http::ServerOptions{}, std::move(r));
    auto port = server_->start();
    ASSERT_TRUE(port.ok());
    HttpClientOptions o;
    o.allowlist = *Allowlist::parse({"127.0.0.1"});
    o.workers = 2;
    client_ = std::shared_ptr<HttpClient>(std::move(HttpClient::create(o)).value());
    flow_ = kFlow;
    std::string url = "http://127.0.0.1:" + std::to_string(*port);
    for (auto pos = flow_.find("URL"); pos != std::string::npos; pos = flow_.find("URL")) flow_.replace(pos, 3, url);
  }
  void TearDown() override { server_->stop(); }

  std::unique_ptr<pump::Pump> pump() {
    pump::PumpOptions o;
    o.handler_factories["http"] = make_http_handler_factory(client_);
    o.handler_factories["tool:fetch"] = make_fetch_tool_factory(client_);
    return make_pump(flow_, std::move(o));
  }

  std::unique_ptr<http::Server> server_;
  std::shared_ptr<HttpClient> client_;
  std::string flow_;
  std::mutex mu_;
  std::string auth_, city_header_, body_, query_;
};

TEST_F(HttpHandlerTest, RequestFromTemplatesResponseMappedToTheNextPayload) {
  auto p = pump();
  ASSERT_TRUE(p);
  auto r = run(*p, "weather", "<CityQuery><City>Oslo</City></CityQuery>");
  ASSERT_EQ(r.status, ExecutionStatus::Success) << r.error;
  std::string xml = output_xml(r);
  EXPECT_NE(xml.find("<Status>200</Status>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<Temp>3</Temp>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<Summary>cold in Oslo</Summary>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<Ok>true</Ok>"), std::string::npos) << xml;
  std::lock_guard lock(mu_);
  EXPECT_EQ(auth_, "Bearer tok-SECRET-1234");
  EXPECT_EQ(city_header_, "Oslo");
  EXPECT_EQ(body_, R"({"city": "Oslo"})");
  EXPECT_EQ(query_, "metric");
  p->shutdown();
}

TEST_F(HttpHandlerTest, ErrorStatusFailsTheExecutionWithoutTheSecret) {
  auto p = pump();
  ASSERT_TRUE(p);
  auto r = run(*p, "strict", "<CityQuery><City>Oslo</City></CityQuery>");
  EXPECT_EQ(r.status, ExecutionStatus::Error);
  EXPECT_NE(r.error.find("404"), std::string::npos) << r.error;
  EXPECT_EQ(r.error.find("tok-SECRET-1234"), std::string::npos) << r.error;
  p->shutdown();
}

TEST_F(HttpHandlerTest, FetchToolAnswersItsCallerWithTheResponse) {
  auto p = pump();
  ASSERT_TRUE(p);
  const std::string base = flow_.substr(flow_.find("http://127.0.0.1:"), std::string("http://127.0.0.1:").size() + 5);
  auto via = run(*p, "asker", "<FetchResponse><Url>" + base + "/weather/Bergen</Url><StatusCode>-1</StatusCode><Body>Bergen</Body><ContentType/><Error/></FetchResponse>");
  ASSERT_EQ(via.status, ExecutionStatus::Success) << via.error;
  std::string xml = output_xml(via);
  EXPECT_NE(xml.find("<StatusCode>200</StatusCode>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("cold in Bergen"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<ContentType>application/json"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<Error></Error>"), std::string::npos) << xml;
  p->shutdown();
}

TEST_F(HttpHandlerTest, FetchToolReturnsBytesAPayloadCannotCarryAsBase64) {
  auto p = pump();
  ASSERT_TRUE(p);
  const std::string base = flow_.substr(flow_.find("http://127.0.0.1:"), std::string("http://127.0.0.1:").size() + 5);
  auto via = run(*p, "asker", "<FetchResponse><Url>" + base + "/raw</Url><StatusCode>-1</StatusCode><Body/><ContentType/><Error/></FetchResponse>");
  ASSERT_EQ(via.status, ExecutionStatus::Success) << via.error;
  // "a\x01b" is valid UTF-8, but XML cannot carry the control character: it comes back base64.
  EXPECT_NE(output_xml(via).find("<Body>YQFi</Body>"), std::string::npos) << output_xml(via);
  p->shutdown();
}

TEST_F(HttpHandlerTest, FetchToolRefusesPrivateAddressesAfterResolution) {
  HttpClientOptions o;  // no allowlist: the administrator allowed nothing private
  client_ = std::shared_ptr<HttpClient>(std::move(HttpClient::create(o)).value());
  auto p = pump();
  ASSERT_TRUE(p);
  // `localhost` is a name that resolves to 127.0.0.1: refused after DNS, answered as an error.
  auto via = run(*p, "asker", "<FetchResponse><Url>http://localhost:9/x</Url><StatusCode>-1</StatusCode><Body/><ContentType/><Error/></FetchResponse>");
  ASSERT_EQ(via.status, ExecutionStatus::Success) << via.error;
  std::string xml = output_xml(via);
  EXPECT_NE(xml.find("<StatusCode>0</StatusCode>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("blocked"), std::string::npos) << xml;
  p->shutdown();
}

TEST_F(HttpHandlerTest, MetadataAddressIsBlocked) {
  auto p = pump();
  ASSERT_TRUE(p);
  auto r = run(*p, "metadata", "<CityQuery><City>x</City></CityQuery>");
  EXPECT_EQ(r.status, ExecutionStatus::Error);
  EXPECT_NE(r.error.find("blocked"), std::string::npos) << r.error;
  p->shutdown();
}

TEST_F(HttpHandlerTest, ConfigErrorsNameTheField) {
  struct Case {
    const char* http;
    const char* field;
  };
  const Case cases[] = {
      {"{ url: \"http://{{ city }}/x\", payload: Plain }", "http.url"},
      {"{ url: \"ftp://example.com/\", payload: Plain }", "http.url"},
      {"{ url: \"https://example.com/{{ nope }}\", payload: Plain }", "http.url"},
      {"{ url: \"https://example.com/\" }", "http.payload"},
      {"{ url: \"https://example.com/\", payload: Nope }", "http.payload"},
      {"{ url: \"https://example.com/\", payload: Plain, method: TRACE }", "http.method"},
      {"{ url: \"https://example.com/\", payload: Plain, timeout: 9999 }", "http.timeout"},
      {"{ url: \"https://example.com/\", payload: Plain, auth: { basic: nocolon } }", "http.auth.basic"},
      {"{ url: \"https://example.com/\", payload: Plain, colour: red }", "http.colour"},
  };
  for (const auto& c : cases) {
    std::string yaml = std::string(R"(
payloads:
  CityQuery: { city: string }
  Plain: { body: string }
listeners:
  - name: h
    payload_class: CityQuery
    handler: http
    description: d
    http: )") + c.http + "\n";
    auto spec = load_spec(yaml);
    ASSERT_TRUE(spec) << c.http;
    auto r = parse_http_handler_config(spec->listeners[0], *spec->schema);
    ASSERT_FALSE(r.ok()) << c.http;
    EXPECT_EQ(r.error().field, c.field) << r.error().message;
    EXPECT_GT(r.error().line, 0) << c.http;
  }
}

}  // namespace
}  // namespace nextra::net
