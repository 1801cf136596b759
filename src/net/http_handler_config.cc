#include "net/http_handler_config.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <set>


namespace nextra::net {

namespace {

constexpr std::size_t kMaxHeaders = 64;
constexpr std::size_t kMaxResponseBytes = 64 * 1024 * 1024;

struct Ctx {
  flow::SourcePos base;
  Error error(const YAML::Node& node, const std::string& field, const std::string& msg) const {
    Error e{ErrorCode::InvalidArgument, field + ": " + msg, field, base.line, base.column};
    if (node.IsDefined() && !node.Mark().is_null()) {
      e.line = base.line + node.Mark().line;
      e.column = node.Mark().line == 0 ? base.column + node.Mark().column : node.Mark().column + 1;
    }
    return e;
  }
};

Result<std::string> scalar(const Ctx& ctx, const YAML::Node& n, const std::string& field) {
  if (!n.IsScalar()) return ctx.error(n, field, "must be a string");
  return n.Scalar();
}

Result<handlers::Template> compile(const Ctx& ctx, const YAML::Node& n, const std::string& field,
                                   const schema::PayloadClass* input) {
  NEXTRA_ASSIGN_OR_RETURN(std::string text, scalar(ctx, n, field));
  auto t = handlers::Template::compile(text, input);
  if (!t.ok()) return ctx.error(n, field, t.error().message);
  return t;
}

bool valid_header_name(std::string_view s) {
  if (s.empty() || s.size() > 256) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  }
  return true;
}

}  // namespace

Result<HttpHandlerConfig> parse_http_handler_config(const flow::ListenerSpec& l, const schema::Schema& schema) {
  auto it = l.sections.find("http");
  if (it == l.sections.end()) {
    return Error{ErrorCode::InvalidArgument, "handler: http needs an http: section", "http", l.pos.line, l.pos.column};
  }
  Ctx ctx{it->second.pos.line > 0 ? it->second.pos : l.pos};
  YAML::Node root;
  try {
    root = YAML::Load(it->second.yaml);
  } catch (const YAML::Exception& e) {
    return Error{ErrorCode::InvalidArgument, "http: " + e.msg, "http", ctx.base.line, ctx.base.column};
  }
  if (!root.IsMap()) return ctx.error(root, "http", "must be a mapping");
  static const std::set<std::string> kKeys = {"method", "url", "headers", "body", "auth", "timeout",
                                              "max_response_bytes", "payload", "to", "respond"};
  for (const auto& kv : root) {
    if (!kKeys.count(kv.first.Scalar())) return ctx.error(kv.first, "http." + kv.first.Scalar(), "unknown key");
  }
  const schema::PayloadClass* input = schema.find(l.payload_class);
  HttpHandlerConfig c;
  c.timeout = std::chrono::milliseconds(static_cast<long long>(std::min(l.timeout_seconds, 300.0) * 1000));
  try {
    if (root["method"]) {
      NEXTRA_ASSIGN_OR_RETURN(c.method, scalar(ctx, root["method"], "http.method"));
      for (char& ch : c.method) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      static const std::set<std::string> kMethods = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"};
      if (!kMethods.count(c.method)) return ctx.error(root["method"], "http.method", "must be GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS");
    }
    if (!root["url"]) return ctx.error(root, "http.url", "is required");
    NEXTRA_ASSIGN_OR_RETURN(std::string url_text, scalar(ctx, root["url"], "http.url"));
    // The scheme and host are fixed by the flow's author: a payload value may fill in the
    // path or query, never choose where the request goes.
    auto scheme_end = url_text.find("://");
    auto host_end = scheme_end == std::string::npos ? std::string::npos : url_text.find_first_of("/?#", scheme_end + 3);
    std::string origin = url_text.substr(0, host_end);
    if (scheme_end == std::string::npos || origin.find("{{") != std::string::npos) {
      return ctx.error(root["url"], "http.url", "must start with a literal http:// or https:// origin (no {{ }} before the path)");
    }
    if (origin.rfind("http://", 0) != 0 && origin.rfind("https://", 0) != 0) {
      return ctx.error(root["url"], "http.url", "only http and https URLs are allowed");
    }
    NEXTRA_ASSIGN_OR_RETURN(c.url, compile(ctx, root["url"], "http.url", input));
    if (const YAML::Node h = root["headers"]) {
      if (!h.IsMap()) return ctx.error(h, "http.headers", "must be a mapping of header names to templates");
      if (h.size() > kMaxHeaders) return ctx.error(h, "http.headers", "at most 64 headers");
      for (const auto& kv : h) {
        std::string name = kv.first.Scalar();
        if (!valid_header_name(name)) return ctx.error(kv.first, "http.headers." + name, "is not a valid header name");
        NEXTRA_ASSIGN_OR_RETURN(auto t, compile(ctx, kv.second, "http.headers." + name, input));
        c.headers.emplace_back(name, std::move(t));
      }
    }
    if (root["body"]) {
      NEXTRA_ASSIGN_OR_RETURN(auto t, compile(ctx, root["body"], "http.body", input));
      c.body = std::move(t);
    }
    if (const YAML::Node a = root["auth"]) {
      if (!a.IsMap() || a.size() == 0) return ctx.error(a, "http.auth", "must be {bearer: TOKEN}, {basic: \"user:pass\"} or {header: NAME, value: TEXT}");
      if (a["bearer"]) {
        NEXTRA_ASSIGN_OR_RETURN(std::string token, scalar(ctx, a["bearer"], "http.auth.bearer"));
        c.auth_headers.emplace_back("Authorization", "Bearer " + token);
        c.secrets.push_back(token);
      } else if (a["basic"]) {
        NEXTRA_ASSIGN_OR_RETURN(std::string user_pass, scalar(ctx, a["basic"], "http.auth.basic"));
        if (user_pass.find(':') == std::string::npos) return ctx.error(a["basic"], "http.auth.basic", "must be \"user:password\"");
        static const char* kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        std::string enc;
        for (std::size_t i = 0; i < user_pass.size(); i += 3) {
          unsigned v = static_cast<unsigned char>(user_pass[i]) << 16;
          if (i + 1 < user_pass.size()) v |= static_cast<unsigned char>(user_pass[i + 1]) << 8;
          if (i + 2 < user_pass.size()) v |= static_cast<unsigned char>(user_pass[i + 2]);
          enc += kB64[(v >> 18) & 63];
          enc += kB64[(v >> 12) & 63];
          enc += i + 1 < user_pass.size() ? kB64[(v >> 6) & 63] : '=';
          enc += i + 2 < user_pass.size() ? kB64[v & 63] : '=';
        }
        c.auth_headers.emplace_back("Authorization", "Basic " + enc);
        c.secrets.push_back(user_pass.substr(user_pass.find(':') + 1));
        c.secrets.push_back(enc);
      } else if (a["header"]) {
        NEXTRA_ASSIGN_OR_RETURN(std::string name, scalar(ctx, a["header"], "http.auth.header"));
        if (!valid_header_name(name)) return ctx.error(a["header"], "http.auth.header", "is not a valid header name");
        if (!a["value"]) return ctx.error(a, "http.auth.value", "is required with http.auth.header");
        NEXTRA_ASSIGN_OR_RETURN(std::string value, scalar(ctx, a["value"], "http.auth.value"));
        c.auth_headers.emplace_back(name, value);
        c.secrets.push_back(value);
      } else {
        return ctx.error(a, "http.auth", "must have bearer, basic or header");
      }
    }
    if (root["timeout"]) {
      double seconds = 0;
      if (!YAML::convert<double>::decode(root["timeout"], seconds) || !(seconds >= 0.1 && seconds <= 300)) {
        return ctx.error(root["timeout"], "http.timeout", "must be a number of seconds between 0.1 and 300");
      }
      c.timeout = std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
    }
    if (root["max_response_bytes"]) {
      long long n = 0;
      if (!YAML::convert<long long>::decode(root["max_response_bytes"], n) || n < 1 || n > static_cast<long long>(kMaxResponseBytes)) {
        return ctx.error(root["max_response_bytes"], "http.max_response_bytes", "must be between 1 and 67108864");
      }
      c.max_response_bytes = static_cast<std::size_t>(n);
    }
    if (!root["payload"]) return ctx.error(root, "http.payload", "is required (the class of the payload built from the response)");
    NEXTRA_ASSIGN_OR_RETURN(std::string cls, scalar(ctx, root["payload"], "http.payload"));
    c.output = schema.find(cls);
    if (!c.output) return ctx.error(root["payload"], "http.payload", "unknown payload class '" + cls + "'");
    if (root["to"]) {
      NEXTRA_ASSIGN_OR_RETURN(c.to, scalar(ctx, root["to"], "http.to"));
    }
    if (root["respond"]) {
      bool b = false;
      if (!YAML::convert<bool>::decode(root["respond"], b)) return ctx.error(root["respond"], "http.respond", "must be true or false");
      c.respond = b;
    }
    if (c.respond && !c.to.empty()) return ctx.error(root["to"], "http.to", "give to or respond: true, not both");
    if (c.to.empty() && !c.respond) {
      if (l.peers.size() == 1) {
        c.to = l.peers[0];
      } else {
        c.respond = true;
      }
    }
  } catch (const YAML::Exception& e) {
    return Error{ErrorCode::InvalidArgument, "http: " + e.msg, "http", ctx.base.line, ctx.base.column};
  }
  return c;
}

}  // namespace nextra::net
