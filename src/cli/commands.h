#pragma once
// The `nextra` subcommands. Each takes the arguments after its name and returns the process
// exit code: 0 success, 1 the work ran and failed (an execution error or timeout), 2 bad
// input (arguments, YAML, XML).

#include <string>
#include <vector>

namespace nextra::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitBadInput = 2;

int validate_command(const std::vector<std::string>& args);
int run_command(const std::vector<std::string>& args);
int serve_command(const std::vector<std::string>& args);
int pump_command(const std::vector<std::string>& args);

}  // namespace nextra::cli
