#pragma once
// Test support shared by the fixtures that start throw-away servers from Debian's packages
// (PostgreSQL in src/store, Redis in src/redis): finding a program, picking a free loopback
// port, reading a log file for an error message. Not used by production code.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace nextra::test_servers {

// The first `name` on $PATH, else "" (callers skip their tests then).
inline std::string find_on_path(const std::string& name) {
  if (const char* path = std::getenv("PATH")) {
    std::stringstream ss(path);
    std::string dir;
    while (std::getline(ss, dir, ':')) {
      if (!dir.empty() && std::filesystem::exists(std::filesystem::path(dir) / name)) {
        return (std::filesystem::path(dir) / name).string();
      }
    }
  }
  return {};
}

// The kernel picks a port that is free now; the tiny race until the server binds it is fine
// for tests. 0 if none could be had.
inline int free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

// The whole file, "" if it cannot be read (a missing log is not an error worth reporting).
inline std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace nextra::test_servers
