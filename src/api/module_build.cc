#include "api/module_build.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>
#include <thread>

#include "core/uuid.h"

extern char** environ;

namespace nextra::api {
namespace {

std::atomic<int> g_running{0};

std::string read_file(const std::filesystem::path& p, std::size_t max) {
  std::ifstream in(p, std::ios::binary);
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (s.size() > max) s.resize(max);
  return s;
}

std::filesystem::path on_path(const std::filesystem::path& name) {
  if (name.has_parent_path()) return name;
  const char* path = std::getenv("PATH");
  std::stringstream ss(path ? path : "/usr/local/bin:/usr/bin:/bin");
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    auto candidate = std::filesystem::path(dir) / name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

struct TempDir {
  std::filesystem::path path;
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove_all(path, ec);
  }
};

}  // namespace

BuildOptions default_build_options(const std::filesystem::path& root) {
  BuildOptions o;
  if (const char* asc = std::getenv("NEXTRA_ASC"); asc && *asc) {
    o.asc = asc;
  } else {
    o.asc = root / "tools/asc/node_modules/assemblyscript/bin/asc.js";
  }
  o.sdk = root / "sdk/assemblyscript";
  return o;
}

std::filesystem::path find_toolchain_root() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  std::vector<std::filesystem::path> candidates;
  if (!ec) candidates.push_back(exe.parent_path() / "../../..");
  candidates.push_back(std::filesystem::current_path(ec));
  for (const auto& c : candidates) {
    if (std::filesystem::exists(c / "sdk/assemblyscript/nextra.ts", ec)) return std::filesystem::weakly_canonical(c, ec);
  }
  return candidates.back();
}

bool build_available(const BuildOptions& options) {
  std::error_code ec;
  return std::filesystem::exists(options.asc, ec) && std::filesystem::exists(options.sdk / "nextra.ts", ec) &&
         !on_path(options.node).empty();
}

std::vector<BuildDiagnostic> parse_asc_diagnostics(std::string_view output) {
  // asc prints each problem as
  //   ERROR TS2304: Cannot find name 'x'.
  //      :
  //    3 │   return x;
  //      │          ~
  //      └─ in index.ts(3,10)
  static const std::regex head(R"(^(ERROR|WARNING|INFO) (\S+?:? ?.*)$)");
  static const std::regex where(R"(└─ in (.+)\((\d+),(\d+)\)\s*$)");
  std::vector<BuildDiagnostic> out;
  std::istringstream in{std::string(output)};
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, head)) {
      BuildDiagnostic d;
      std::string level = m[1];
      d.severity = level == "ERROR" ? "error" : level == "WARNING" ? "warning" : "info";
      d.message = m[2];
      out.push_back(std::move(d));
    } else if (!out.empty() && out.back().line == 0 && std::regex_search(line, m, where)) {
      out.back().file = m[1];
      out.back().line = std::stoi(m[2]);
      out.back().column = std::stoi(m[3]);
    }
  }
  return out;
}

Result<BuildResult> build_assemblyscript(const BuildOptions& options, std::string_view source) {
  if (source.size() > options.max_source_bytes) {
    Error e = Error::invalid("the source is over " + std::to_string(options.max_source_bytes / 1024) + " KiB");
    e.field = "source";
    return e;
  }
  const auto node = on_path(options.node);
  if (!build_available(options) || node.empty()) {
    return Error::make(ErrorCode::Unavailable,
                       "the AssemblyScript compiler is not installed (scripts/setup.sh installs it under tools/asc; "
                       "NEXTRA_ASC names another asc.js)");
  }
  if (g_running.fetch_add(1) >= options.max_concurrent) {
    g_running.fetch_sub(1);
    return Error::make(ErrorCode::ResourceExhausted, "too many builds at once; try again in a moment");
  }
  struct Release {
    ~Release() { g_running.fetch_sub(1); }
  } release;

  TempDir dir;
  dir.path = std::filesystem::temp_directory_path() / ("nextra-asc-" + new_uuid_v4());
  std::error_code ec;
  std::filesystem::create_directories(dir.path / "sdk", ec);
  if (ec) return Error::make(ErrorCode::Unavailable, "cannot create a build directory: " + ec.message());
  std::filesystem::copy_file(options.sdk / "nextra.ts", dir.path / "sdk/nextra.ts", ec);
  if (ec) return Error::make(ErrorCode::Unavailable, "cannot copy the SDK: " + ec.message());
  {
    std::ofstream src(dir.path / "index.ts", std::ios::binary);
    src.write(source.data(), static_cast<std::streamsize>(source.size()));
    if (!src) return Error::make(ErrorCode::Unavailable, "cannot write the source");
  }

  // Everything the child needs is prepared before fork: between fork and exec only
  // async-signal-safe calls.
  const std::string heap = "--max-old-space-size=" + std::to_string(options.max_heap_mb);
  std::vector<std::string> args = {node.string(), heap, options.asc.string(), "index.ts", "--outFile", "out.wasm",
                                   "--optimize", "--runtime", "stub", "--lib", "sdk", "--noColors"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string work = dir.path.string();
  const std::string log = (dir.path / "asc.log").string();
  const rlim_t cpu_seconds = static_cast<rlim_t>(options.timeout.count() / 1000 + 1);

  pid_t pid = ::fork();
  if (pid < 0) return Error::make(ErrorCode::Unavailable, std::string("cannot start asc: ") + std::strerror(errno));
  if (pid == 0) {
    if (::chdir(work.c_str()) != 0) ::_exit(126);
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) ::_exit(126);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    int null_in = ::open("/dev/null", O_RDONLY);
    if (null_in >= 0) ::dup2(null_in, 0);
    rlimit cpu{cpu_seconds, cpu_seconds};
    ::setrlimit(RLIMIT_CPU, &cpu);
    rlimit fsize{64u << 20, 64u << 20};
    ::setrlimit(RLIMIT_FSIZE, &fsize);
    ::setpgid(0, 0);  // its own group: a timeout kills node and anything it started
    ::execve(argv[0], argv.data(), environ);
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  int status = 0;
  while (true) {
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return Error::make(ErrorCode::DeadlineExceeded, "the build took longer than " +
                                                          std::to_string(options.timeout.count() / 1000) + " s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const std::string output = read_file(dir.path / "asc.log", 256 * 1024);
  BuildResult r;
  r.diagnostics = parse_asc_diagnostics(output);
  const bool exited_ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (exited_ok && std::filesystem::exists(dir.path / "out.wasm", ec)) {
    r.ok = true;
    r.wasm = read_file(dir.path / "out.wasm", 64u << 20);
    return r;
  }
  if (r.diagnostics.empty()) {
    // No diagnostic to show: the toolchain itself failed (killed by the CPU limit, crashed).
    std::string how = WIFSIGNALED(status) ? "killed by signal " + std::to_string(WTERMSIG(status))
                                          : "exit status " + std::to_string(WEXITSTATUS(status));
    BuildDiagnostic d;
    d.file = "index.ts";
    d.severity = "error";
    d.message = "asc failed (" + how + "): " + output.substr(0, 2000);
    r.diagnostics.push_back(std::move(d));
  }
  return r;
}

}  // namespace nextra::api
