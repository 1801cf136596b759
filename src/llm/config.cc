#include "llm/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace nextra::llm {

namespace {

constexpr std::size_t kMaxBackends = 32;
constexpr std::size_t kMaxModels = 256;
constexpr std::size_t kMaxSectionBytes = 256 * 1024;

struct Ctx {
  flow::SourcePos base;  // where the section's value starts in the organism file
  Error error(const YAML::Node& node, const std::string& field, const std::string& msg) const {
    Error e{ErrorCode::InvalidArgument, field + ": " + msg, field};
    if (node.IsDefined() && !node.Mark().is_null()) {
      // The section text starts at base; its own line 1 is base.line.
      e.line = base.line + node.Mark().line;
      e.column = node.Mark().line == 0 ? base.column + node.Mark().column : node.Mark().column + 1;
    } else {
      e.line = base.line;
      e.column = base.column;
    }
    return e;
  }
};

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

Result<std::string> scalar(const Ctx& ctx, const YAML::Node& n, const std::string& field) {
  if (!n.IsScalar()) return ctx.error(n, field, "must be a string");
  return n.Scalar();
}

Result<double> number(const Ctx& ctx, const YAML::Node& n, const std::string& field, double lo, double hi) {
  double v = 0;
  if (!n.IsScalar() || !YAML::convert<double>::decode(n, v)) return ctx.error(n, field, "must be a number");
  if (!(v >= lo && v <= hi)) {
    return ctx.error(n, field, "must be between " + YAML::Node(lo).Scalar() + " and " + YAML::Node(hi).Scalar());
  }
  return v;
}

Result<long long> integer(const Ctx& ctx, const YAML::Node& n, const std::string& field, long long lo, long long hi) {
  long long v = 0;
  if (!n.IsScalar() || !YAML::convert<long long>::decode(n, v)) return ctx.error(n, field, "must be an integer");
  if (v < lo || v > hi) {
    return ctx.error(n, field, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  }
  return v;
}

Result<WireFormat> wire_for(const Ctx& ctx, const YAML::Node& n, const std::string& field, const std::string& p) {
  static const std::set<std::string> kOpenAi = {"openai", "xai", "groq", "ollama", "vllm", "llamacpp", "openai-compatible"};
  if (kOpenAi.count(p)) return WireFormat::OpenAi;
  if (p == "anthropic") return WireFormat::Anthropic;
  if (p == "gemini" || p == "google") return WireFormat::Gemini;
  return ctx.error(n, field,
                   "unknown provider '" + p +
                       "' (expected openai, xai, groq, ollama, vllm, llamacpp, openai-compatible, anthropic or gemini)");
}

std::string default_base_url(const std::string& p) {
  if (p == "openai") return "https://api.openai.com/v1";
  if (p == "xai") return "https://api.x.ai/v1";
  if (p == "groq") return "https://api.groq.com/openai/v1";
  if (p == "ollama") return "http://localhost:11434/v1";
  if (p == "anthropic") return "https://api.anthropic.com/v1";
  if (p == "gemini" || p == "google") return "https://generativelanguage.googleapis.com/v1beta";
  return {};
}

Result<BackendConfig> parse_backend(const Ctx& ctx, const YAML::Node& n, const std::string& at) {
  if (!n.IsMap()) return ctx.error(n, at, "must be a mapping");
  static const std::set<std::string> kKeys = {"name", "provider", "base_url", "api_key", "api_key_env", "models",
                                              "supported_models", "priority", "rate_limit_tpm", "max_concurrent", "timeout"};
  for (const auto& kv : n) {
    std::string key = kv.first.Scalar();
    if (!kKeys.count(key)) return ctx.error(kv.first, at + "." + key, "unknown key");
  }
  BackendConfig b;
  if (!n["provider"]) return ctx.error(n, at + ".provider", "is required");
  NEXTRA_ASSIGN_OR_RETURN(b.provider, scalar(ctx, n["provider"], at + ".provider"));
  b.provider = lower(b.provider);
  NEXTRA_ASSIGN_OR_RETURN(b.wire, wire_for(ctx, n["provider"], at + ".provider", b.provider));
  if (n["name"]) {
    NEXTRA_ASSIGN_OR_RETURN(b.name, scalar(ctx, n["name"], at + ".name"));
  }
  if (n["base_url"]) {
    NEXTRA_ASSIGN_OR_RETURN(b.base_url, scalar(ctx, n["base_url"], at + ".base_url"));
    if (b.base_url.rfind("http://", 0) != 0 && b.base_url.rfind("https://", 0) != 0) {
      return ctx.error(n["base_url"], at + ".base_url", "must be an http:// or https:// URL");
    }
  } else {
    b.base_url = default_base_url(b.provider);
    if (b.base_url.empty()) return ctx.error(n, at + ".base_url", "is required for provider '" + b.provider + "'");
  }
  while (!b.base_url.empty() && b.base_url.back() == '/') b.base_url.pop_back();
  if (n["api_key"]) {
    NEXTRA_ASSIGN_OR_RETURN(b.api_key, scalar(ctx, n["api_key"], at + ".api_key"));
  }
  if (n["api_key_env"]) {
    NEXTRA_ASSIGN_OR_RETURN(b.api_key_env, scalar(ctx, n["api_key_env"], at + ".api_key_env"));
  }
  if (!b.api_key.empty() && !b.api_key_env.empty()) {
    return ctx.error(n["api_key"], at + ".api_key", "give api_key or api_key_env, not both");
  }
  if (b.api_key.empty() && b.api_key_env.empty() && b.key_required()) {
    return ctx.error(n, at + ".api_key_env", "is required for provider '" + b.provider + "' (or api_key)");
  }
  for (const char* key : {"models", "supported_models"}) {
    const YAML::Node m = n[key];
    if (!m) continue;
    if (!m.IsSequence()) return ctx.error(m, at + "." + key, "must be a list of model names");
    if (m.size() > kMaxModels) return ctx.error(m, at + "." + key, "at most " + std::to_string(kMaxModels) + " models");
    for (std::size_t i = 0; i < m.size(); ++i) {
      NEXTRA_ASSIGN_OR_RETURN(std::string model, scalar(ctx, m[i], at + "." + key + "[" + std::to_string(i) + "]"));
      if (model.empty()) return ctx.error(m[i], at + "." + key + "[" + std::to_string(i) + "]", "must not be empty");
      b.models.push_back(model);
    }
  }
  if (n["priority"]) {
    NEXTRA_ASSIGN_OR_RETURN(long long p, integer(ctx, n["priority"], at + ".priority", 0, 1000));
    b.priority = static_cast<int>(p);
  }
  if (n["rate_limit_tpm"]) {
    NEXTRA_ASSIGN_OR_RETURN(b.rate_limit_tpm, integer(ctx, n["rate_limit_tpm"], at + ".rate_limit_tpm", 1, 1'000'000'000));
  }
  if (n["max_concurrent"]) {
    NEXTRA_ASSIGN_OR_RETURN(long long c, integer(ctx, n["max_concurrent"], at + ".max_concurrent", 1, 1000));
    b.max_concurrent = static_cast<int>(c);
  }
  if (n["timeout"]) {
    NEXTRA_ASSIGN_OR_RETURN(b.timeout_seconds, number(ctx, n["timeout"], at + ".timeout", 0.1, 600));
  }
  return b;
}

Result<LlmConfig> parse_root(const Ctx& ctx, const YAML::Node& root) {
  if (!root.IsMap()) return ctx.error(root, "llm", "must be a mapping");
  static const std::set<std::string> kKeys = {"strategy", "retries", "retry_base_delay", "retry_max_delay",
                                              "timeout", "default_model", "max_in_flight", "backends"};
  for (const auto& kv : root) {
    std::string key = kv.first.Scalar();
    if (!kKeys.count(key)) return ctx.error(kv.first, "llm." + key, "unknown key");
  }
  LlmConfig c;
  if (root["strategy"]) {
    NEXTRA_ASSIGN_OR_RETURN(std::string s, scalar(ctx, root["strategy"], "llm.strategy"));
    s = lower(s);
    if (s == "failover") {
      c.strategy = Strategy::Failover;
    } else if (s == "round-robin" || s == "round_robin") {
      c.strategy = Strategy::RoundRobin;
    } else if (s == "least-loaded" || s == "least_loaded") {
      c.strategy = Strategy::LeastLoaded;
    } else {
      return ctx.error(root["strategy"], "llm.strategy", "must be failover, round-robin or least-loaded, not '" + s + "'");
    }
  }
  if (root["retries"]) {
    NEXTRA_ASSIGN_OR_RETURN(long long r, integer(ctx, root["retries"], "llm.retries", 0, 10));
    c.retries = static_cast<int>(r);
  }
  if (root["retry_base_delay"]) {
    NEXTRA_ASSIGN_OR_RETURN(c.retry_base_delay, number(ctx, root["retry_base_delay"], "llm.retry_base_delay", 0, 600));
  }
  if (root["retry_max_delay"]) {
    NEXTRA_ASSIGN_OR_RETURN(c.retry_max_delay, number(ctx, root["retry_max_delay"], "llm.retry_max_delay", 0, 600));
  }
  if (root["max_in_flight"]) {
    NEXTRA_ASSIGN_OR_RETURN(long long n, integer(ctx, root["max_in_flight"], "llm.max_in_flight", 1, 256));
    c.max_in_flight = static_cast<int>(n);
  }
  double timeout = 120;
  bool has_timeout = false;
  if (root["timeout"]) {
    NEXTRA_ASSIGN_OR_RETURN(timeout, number(ctx, root["timeout"], "llm.timeout", 0.1, 600));
    has_timeout = true;
  }
  if (root["default_model"]) {
    NEXTRA_ASSIGN_OR_RETURN(c.default_model, scalar(ctx, root["default_model"], "llm.default_model"));
  }
  const YAML::Node backends = root["backends"];
  if (!backends) return ctx.error(root, "llm.backends", "is required (at least one backend)");
  if (!backends.IsSequence() || backends.size() == 0) return ctx.error(backends, "llm.backends", "must be a non-empty list");
  if (backends.size() > kMaxBackends) {
    return ctx.error(backends, "llm.backends", "at most " + std::to_string(kMaxBackends) + " backends");
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < backends.size(); ++i) {
    std::string at = "llm.backends[" + std::to_string(i) + "]";
    NEXTRA_ASSIGN_OR_RETURN(BackendConfig b, parse_backend(ctx, backends[i], at));
    if (!backends[i]["timeout"] && has_timeout) b.timeout_seconds = timeout;
    if (b.name.empty()) b.name = names.count(b.provider) ? b.provider + "-" + std::to_string(i) : b.provider;
    if (!names.insert(b.name).second) {
      return ctx.error(backends[i]["name"], at + ".name", "duplicate backend name '" + b.name + "'");
    }
    c.backends.push_back(std::move(b));
  }
  return c;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

}  // namespace

bool BackendConfig::key_required() const {
  return provider != "ollama" && provider != "vllm" && provider != "llamacpp" && provider != "openai-compatible";
}

bool BackendConfig::serves(std::string_view model) const {
  if (!models.empty()) {
    return std::any_of(models.begin(), models.end(), [&](const std::string& m) {
      if (!m.empty() && m.back() == '*') return starts_with(model, std::string_view(m).substr(0, m.size() - 1));
      return m == model;
    });
  }
  if (provider == "openai") {
    return starts_with(model, "gpt") || starts_with(model, "o1") || starts_with(model, "o3") ||
           starts_with(model, "o4") || starts_with(model, "chatgpt");
  }
  if (provider == "xai") return starts_with(model, "grok");
  if (provider == "groq") return true;
  if (provider == "anthropic") return model.find("claude") != std::string_view::npos;
  if (provider == "gemini" || provider == "google") return starts_with(model, "gemini");
  return true;  // local OpenAI-compatible servers serve whatever they have loaded
}

Result<LlmConfig> parse_llm_config(const flow::RawSection& section) {
  if (section.yaml.size() > kMaxSectionBytes) {
    return Error{ErrorCode::InvalidArgument, "llm: section larger than 256 KiB", "llm", section.pos.line, section.pos.column};
  }
  Ctx ctx{section.pos.line > 0 ? section.pos : flow::SourcePos{1, 1}};
  YAML::Node root;
  try {
    root = YAML::Load(section.yaml);
  } catch (const YAML::Exception& e) {
    Error err{ErrorCode::InvalidArgument, "llm: " + e.msg, "llm"};
    err.line = ctx.base.line + (e.mark.is_null() ? 0 : e.mark.line);
    err.column = e.mark.is_null() ? 0 : e.mark.column + 1;
    return err;
  }
  try {
    return parse_root(ctx, root);
  } catch (const YAML::Exception& e) {
    return Error{ErrorCode::InvalidArgument, "llm: " + e.msg, "llm", ctx.base.line, ctx.base.column};
  }
}

Result<LlmConfig> parse_llm_config(std::string_view yaml) {
  return parse_llm_config(flow::RawSection{std::string(yaml), {1, 1}});
}

}  // namespace nextra::llm
