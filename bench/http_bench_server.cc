// A minimal nextra::http server for load tests (bench/wrk_healthz.sh): serves /healthz and
// /readyz, prints "listening on 127.0.0.1:<port>", and stops gracefully on SIGINT/SIGTERM.
// Usage: nextra_http_bench_server [port=0] [threads=1]
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "http/health.h"
#include "http/server.h"

int main(int argc, char** argv) {
  // Block the stop signals before the io threads start so they inherit the mask and only
  // sigwait below sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  nextra::http::ServerOptions options;
  options.port = argc > 1 ? static_cast<std::uint16_t>(std::atoi(argv[1])) : 0;
  options.threads = argc > 2 ? std::atoi(argv[2]) : 1;
  nextra::http::Router router;
  nextra::http::add_health_routes(router);
  nextra::http::Server server(options, std::move(router));
  auto port = server.start();
  if (!port.ok()) {
    std::fprintf(stderr, "nextra_http_bench_server: %s\n", port.error().message.c_str());
    return 1;
  }
  std::printf("listening on %s:%u\n", options.listen_address.c_str(), static_cast<unsigned>(*port));
  std::fflush(stdout);
  int sig = 0;
  sigwait(&signals, &sig);
  server.stop();
  return 0;
}
