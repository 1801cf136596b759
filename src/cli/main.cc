// `nextra`: one binary, one subcommand per role (decisions.md §1).

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace {

constexpr const char* kUsage =
    "usage: nextra <command> [arguments]\n"
    "\n"
    "commands:\n"
    "  validate FLOW.yaml            check a flow; prints FILE:LINE:COL: message per problem\n"
    "  run FLOW.yaml [options]       run a flow from the terminal and print the trace\n"
    "      --to LISTENER --payload XML   inject a payload (e.g. '<Greeting><Name>Ada</Name></Greeting>')\n"
    "      --inject FILE.xml             inject a whole envelope instead\n"
    "      --timeout SECONDS             give up after this long (default 30)\n"
    "      --json                        one JSON object per delivered message, then a result line\n"
    "      --repeat N                    inject N times, each its own thread; print only the result line\n"
    "      --workers N                   worker threads (default: one per core)\n"
    "  serve [options]               run the control plane (REST API and web UI); serve --help lists options\n"
    "  pump --flow ID --redis URL    run one flow's pump as its own process (serve --driver process starts these)\n"
    "  version                       print the version\n"
    "\n"
    "exit codes: 0 success, 1 the execution failed or timed out, 2 bad input\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return nextra::cli::kExitBadInput;
  }
  std::string cmd = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (cmd == "validate") return nextra::cli::validate_command(args);
  if (cmd == "run") return nextra::cli::run_command(args);
  if (cmd == "serve") return nextra::cli::serve_command(args);
  if (cmd == "pump") return nextra::cli::pump_command(args);
  if (cmd == "version" || cmd == "--version") {
    std::puts("nextra 0.1.0");
    return 0;
  }
  if (cmd == "help" || cmd == "--help" || cmd == "-h") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  std::fprintf(stderr, "nextra: unknown command '%s'\n\n%s", cmd.c_str(), kUsage);
  return nextra::cli::kExitBadInput;
}
