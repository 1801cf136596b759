// `nextra pump --flow ID`: one flow's pump as its own OS process (the process driver's
// child; see src/process/pump_process.h). `nextra serve --driver process` starts these
// itself; an operator can run one by hand against the same database and Redis.

#include <signal.h>

#include <atomic>
#include <charconv>
#include <filesystem>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "app/handler_kinds.h"
#include "cli/commands.h"
#include "process/pump_process.h"

namespace nextra::cli {
namespace {

constexpr const char* kPumpUsage =
    "usage: nextra pump --flow ID --redis redis://HOST:PORT [--org ID] [--data-dir DIR] [--database postgres://...]\n"
    "                   [--workers N] [--backend memory|redis]\n"
    "environment: NEXTRA_MASTER_KEY (else DIR/master.key)\n";

int pump_usage(const std::string& problem) {
  std::fprintf(stderr, "nextra pump: %s\n%s", problem.c_str(), kPumpUsage);
  return kExitBadInput;
}

}  // namespace

int pump_command(const std::vector<std::string>& args) {
  process::PumpProcessOptions o;
  for (size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    auto value = [&](std::string& dst) -> bool {
      if (i + 1 >= args.size() || args[i + 1].empty()) return false;
      dst = args[++i];
      return true;
    };
    std::string v;
    if (a == "--flow") {
      if (!value(o.flow_id)) return pump_usage("--flow needs a flow id");
    } else if (a == "--org") {
      if (!value(o.org_id)) return pump_usage("--org needs an organization id");
    } else if (a == "--redis") {
      if (!value(o.redis_url)) return pump_usage("--redis needs a redis:// URL");
    } else if (a == "--data-dir") {
      if (!value(o.data_dir)) return pump_usage("--data-dir needs a directory");
    } else if (a == "--database") {
      if (!value(o.database_url)) return pump_usage("--database needs a postgres:// URL");
    } else if (a == "--backend") {
      if (!value(o.backend) || (o.backend != "memory" && o.backend != "redis"))
        return pump_usage("--backend needs memory (the default) or redis (context buffers and threads in Redis)");
    } else if (a == "--workers") {
      if (!value(v) || std::from_chars(v.data(), v.data() + v.size(), o.workers).ec != std::errc() || o.workers < 1 ||
          o.workers > 256)
        return pump_usage("--workers needs a count from 1 to 256");
    } else if (a == "--help" || a == "-h") {
      std::fputs(kPumpUsage, stdout);
      return kExitOk;
    } else {
      return pump_usage("unknown argument '" + a + "'");
    }
  }
  if (o.flow_id.empty()) return pump_usage("--flow is required");
  if (o.redis_url.empty()) return pump_usage("--redis is required");
  if (const char* key = std::getenv("NEXTRA_MASTER_KEY")) o.master_key = key;
  // The same outside world as the server's in-process pumps: the SSRF-safe client with the
  // administrator's allowlist, and the organization's WASM modules from the data directory.
  auto outbound = app::make_outbound_client(app::outbound_allowlist_from_env());
  if (!outbound.ok()) {
    std::fprintf(stderr, "nextra pump: NEXTRA_OUTBOUND_ALLOWLIST: %s\n", outbound.error().message.c_str());
    return kExitBadInput;
  }
  o.handler_kinds = [client = *outbound, dir = std::filesystem::path(o.data_dir) / "modules"](store::Store& store) {
    return app::make_handler_kinds(app::OutsideWorld{&store, client, dir});
  };

  // SIGTERM/SIGINT ask for a drain: blocked here and awaited by one thread, so no handler
  // runs on a pump worker.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  static std::atomic<bool> stop{false};
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    stop = true;
  });
  auto ran = process::run_pump_process(o, stop);
  if (!stop) {
    stop = true;
    pthread_kill(waiter.native_handle(), SIGTERM);  // wakes sigwait
  }
  waiter.join();
  if (!ran.ok()) {
    std::fprintf(stderr, "nextra pump: %s\n", ran.error().message.c_str());
    return ran.error().code == ErrorCode::InvalidArgument || ran.error().code == ErrorCode::NotFound ? kExitBadInput
                                                                                                  : kExitFailed;
  }
  return kExitOk;
}

}  // namespace nextra::cli
