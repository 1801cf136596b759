// `nextra serve`: the control plane. Flags choose where it listens and what it stores;
// secrets (master key, admin password, webhook secret) come only from the environment, never
// from flags, so they do not show up in `ps`.
#include <pthread.h>
#include <signal.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "app/app.h"
#include "app/handler_kinds.h"
#include "cli/commands.h"

namespace nextra::cli {
namespace {

constexpr const char* kServeUsage =
    "usage: nextra serve [--listen HOST:PORT] [--data-dir DIR] [--database postgres://...] [--saas]\n"
    "                    [--web-dir DIR] [--threads N] [--idle-timeout SECONDS] [--no-signup] [--secure-cookies]\n"
    "                    [--driver in-process|process] [--redis redis://HOST:PORT]\n"
    "                    [--pump-memory-mb N] [--pump-cpu-percent N] [--pump-backend memory|redis]\n"
    "                    [--llm-config FILE]   (an llm: section for POST /api/flows/generate)\n"
    "environment: NEXTRA_MASTER_KEY, NEXTRA_ADMIN_EMAIL, NEXTRA_ADMIN_PASSWORD,\n"
    "             NEXTRA_CLERK_WEBHOOK_SECRET, NEXTRA_JWKS, NEXTRA_JWT_ISSUER, NEXTRA_JWT_AUDIENCE,\n"
    "             NEXTRA_OUTBOUND_ALLOWLIST (private hosts/CIDRs HTTP nodes may reach, comma-separated),\n"
    "             NEXTRA_LLM_CONFIG (the default of --llm-config)\n";

int usage(const std::string& problem) {
  std::fprintf(stderr, "nextra serve: %s\n%s", problem.c_str(), kServeUsage);
  return kExitBadInput;
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// "HOST:PORT", ":PORT", "PORT" or "[v6]:PORT".
bool parse_listen(const std::string& text, app::AppOptions& o) {
  std::string host, port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') return false;
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else if (auto colon = text.rfind(':'); colon != std::string::npos) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  } else {
    port = text;
  }
  unsigned p = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (ec != std::errc() || end != port.data() + port.size() || p > 65535) return false;
  if (!host.empty()) o.listen_address = host;
  o.port = static_cast<std::uint16_t>(p);
  return true;
}

// The web UI next to the binary (build/src/cli/nextra -> web/dist) or in the working directory.
std::filesystem::path default_web_dir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  std::vector<std::filesystem::path> candidates;
  if (!ec) {
    candidates.push_back(exe.parent_path() / "../../../web/dist");
    candidates.push_back(exe.parent_path() / "../share/nextra/web");
  }
  candidates.push_back("web/dist");
  for (const auto& c : candidates) {
    if (std::filesystem::is_regular_file(c / "index.html", ec)) return std::filesystem::weakly_canonical(c, ec);
  }
  return {};
}

}  // namespace

int serve_command(const std::vector<std::string>& args) {
  app::AppOptions o;
  o.data_dir = "nextra-data";
  bool web_dir_given = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    auto value = [&](std::string& dst) -> bool {
      if (i + 1 >= args.size()) return false;
      dst = args[++i];
      return true;
    };
    std::string v;
    if (a == "--listen") {
      if (!value(v) || !parse_listen(v, o)) return usage("--listen needs HOST:PORT, e.g. 127.0.0.1:8080");
    } else if (a == "--data-dir") {
      if (!value(v) || v.empty()) return usage("--data-dir needs a directory");
      o.data_dir = v;
    } else if (a == "--database") {
      if (!value(o.database_url)) return usage("--database needs a postgres:// URL");
    } else if (a == "--web-dir") {
      if (!value(v)) return usage("--web-dir needs a directory");
      o.web_dir = v;
      web_dir_given = true;
    } else if (a == "--threads") {
      if (!value(v) || std::from_chars(v.data(), v.data() + v.size(), o.threads).ec != std::errc() || o.threads < 0 ||
          o.threads > 256)
        return usage("--threads needs a count from 0 (one per core) to 256");
    } else if (a == "--idle-timeout") {
      double secs = 0;
      if (!value(v) || std::from_chars(v.data(), v.data() + v.size(), secs).ec != std::errc() || secs <= 0 || secs > 86400 * 30)
        return usage("--idle-timeout needs seconds (a running flow with no activity this long stops; default 900)");
      o.idle_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(secs * 1000));
    } else if (a == "--driver") {
      if (!value(o.driver) || (o.driver != "in-process" && o.driver != "process"))
        return usage("--driver needs in-process (the default) or process (a `nextra pump` per flow, needs --redis)");
    } else if (a == "--redis") {
      if (!value(o.redis_url) || o.redis_url.rfind("redis://", 0) != 0) return usage("--redis needs a redis://HOST:PORT URL");
    } else if (a == "--pump-backend") {
      if (!value(o.pump_backend) || (o.pump_backend != "memory" && o.pump_backend != "redis"))
        return usage("--pump-backend needs memory (the default) or redis");
    } else if (a == "--pump-memory-mb") {
      if (!value(v) || std::from_chars(v.data(), v.data() + v.size(), o.pump_memory_mb).ec != std::errc() ||
          o.pump_memory_mb < 16 || o.pump_memory_mb > 1024 * 1024)
        return usage("--pump-memory-mb needs megabytes from 16 (each pump process's address-space cap; default 1024)");
    } else if (a == "--pump-cpu-percent") {
      if (!value(v) || std::from_chars(v.data(), v.data() + v.size(), o.pump_cpu_percent).ec != std::errc() ||
          o.pump_cpu_percent < 0 || o.pump_cpu_percent > 10000)
        return usage("--pump-cpu-percent needs a percentage of one core (0 = no cap)");
    } else if (a == "--llm-config") {
      if (!value(v) || v.empty()) return usage("--llm-config needs a YAML file holding an llm: section");
      o.llm_config_file = v;
    } else if (a == "--saas") {
      o.saas = true;
    } else if (a == "--no-signup") {
      o.allow_signup = false;
    } else if (a == "--secure-cookies") {
      o.secure_cookies = true;
    } else if (a == "--help" || a == "-h") {
      std::fputs(kServeUsage, stdout);
      return kExitOk;
    } else {
      return usage("unknown argument '" + a + "'");
    }
  }
  if (!web_dir_given) o.web_dir = default_web_dir();
  if (o.driver == "process" && o.redis_url.empty()) return usage("--driver process needs --redis redis://HOST:PORT");
  o.master_key = env("NEXTRA_MASTER_KEY");
  o.admin_email = env("NEXTRA_ADMIN_EMAIL");
  o.admin_password = env("NEXTRA_ADMIN_PASSWORD");
  o.clerk_webhook_secret = env("NEXTRA_CLERK_WEBHOOK_SECRET");
  o.jwks = env("NEXTRA_JWKS");
  o.jwt_issuer = env("NEXTRA_JWT_ISSUER");
  o.jwt_audience = env("NEXTRA_JWT_AUDIENCE");
  o.outbound_allowlist = app::outbound_allowlist_from_env();
  if (o.llm_config_file.empty()) o.llm_config_file = env("NEXTRA_LLM_CONFIG");

  // Block the stop signals before any thread starts, so every thread inherits the mask and
  // only sigwait below sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto created = app::App::create(o);
  if (!created.ok()) {
    std::fprintf(stderr, "nextra serve: %s\n", created.error().message.c_str());
    return created.error().code == ErrorCode::InvalidArgument ? kExitBadInput : kExitFailed;
  }
  auto& application = *created;
  auto started = application->start();
  if (!started.ok()) {
    std::fprintf(stderr, "nextra serve: %s\n", started.error().message.c_str());
    return started.error().code == ErrorCode::InvalidArgument ? kExitBadInput : kExitFailed;
  }
  std::printf("nextra serve: listening on %s\n", started->url.c_str());
  std::printf("  database:   %s\n", started->database.c_str());
  std::printf("  master key: %s%s\n", started->master_key_source.c_str(), started->master_key_created ? " (created)" : "");
  std::printf("  web UI:     %s\n", o.web_dir.empty() ? "not built (API only)" : o.web_dir.c_str());
  std::printf("  flow LLM:   %s\n", o.llm_config_file.empty() ? "none (POST /api/flows/generate answers 503)"
                                                                : o.llm_config_file.c_str());
  if (started->admin_created) std::printf("  created the administrator %s from NEXTRA_ADMIN_EMAIL\n", o.admin_email.c_str());
  if (!started->setup_url.empty()) {
    std::printf("  first start: create the administrator account at %s\n", started->setup_url.c_str());
    if (o.web_dir.empty()) {
      // Without the web UI that page does not exist yet: the same step through the API.
      const auto token = started->setup_url.substr(started->setup_url.find("token=") + 6);
      std::printf("  (no web UI built: curl -X POST %s/api/setup -H 'Content-Type: application/json' \\\n"
                  "     -d '{\"token\":\"%s\",\"email\":\"you@example.com\",\"password\":\"...\",\"name\":\"You\"}')\n",
                  started->url.c_str(), token.c_str());
    }
  }
  if (o.web_dir.empty()) {
    std::printf("The API is at %s/api (docs/api.md, %s/api/openapi.json). Ctrl-C stops.\n", started->url.c_str(),
                started->url.c_str());
  } else {
    std::printf("Open %s in your browser. Ctrl-C stops.\n", started->url.c_str());
  }
  std::fflush(stdout);

  int sig = 0;
  sigwait(&stop_signals, &sig);
  std::printf("nextra serve: %s received, finishing in-flight requests\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
  std::fflush(stdout);
  application->stop();
  return kExitOk;
}

}  // namespace nextra::cli
