#pragma once
// Runs the real `nextra` binary (path from $NEXTRA_BIN, set by ctest) and captures what it
// prints, so tests see exactly what a user or a script sees.

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace nextra::testing {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
  std::vector<std::string> lines() const {
    std::vector<std::string> v;
    std::istringstream in(out);
    std::string l;
    while (std::getline(in, l)) v.push_back(l);
    return v;
  }
  nlohmann::json last_json() const {
    auto v = lines();
    return v.empty() ? nlohmann::json() : nlohmann::json::parse(v.back(), nullptr, false);
  }
};

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') q += "'\\''";
    else q.push_back(c);
  }
  return q + "'";
}

inline std::string source_path(const std::string& rel) {
  const char* root = std::getenv("NEXTRA_SOURCE_DIR");
  return std::string(root ? root : NEXTRA_DEFAULT_SOURCE_DIR) + "/" + rel;
}

inline CliResult run_nextra(const std::vector<std::string>& args) {
  const char* bin = std::getenv("NEXTRA_BIN");
  std::string cmd = shell_quote(bin ? bin : NEXTRA_DEFAULT_BIN);
  for (const auto& a : args) cmd += " " + shell_quote(a);
  char err_path[] = "/tmp/nextra-cli-err-XXXXXX";
  int fd = mkstemp(err_path);
  if (fd >= 0) close(fd);
  cmd += " 2>" + std::string(err_path);
  CliResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream e(err_path);
  std::stringstream ss;
  ss << e.rdbuf();
  r.err = ss.str();
  std::remove(err_path);
  return r;
}

}  // namespace nextra::testing
