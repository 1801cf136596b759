#pragma once
// Test support: a throw-away PostgreSQL server from Debian's packages, on loopback, in a
// temporary directory (stack.md §6). Used by the store conformance suite; not linked into
// production code. Start costs about 2 s, so a test binary shares one server and gives each
// test its own database.

#include <memory>
#include <string>

#include "core/result.h"

namespace nextra::store {

class PostgresServer {
 public:
  // Runs initdb and pg_ctl start on a free port. NotFound if initdb is not installed (the
  // caller skips); Unavailable if the server would not start (the log is in the message).
  static Result<std::unique_ptr<PostgresServer>> start();

  // Stops the server (SIGINT, then waits for the postmaster to exit) and removes the files.
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // Creates database `name` and returns its URL.
  Result<std::string> create_database(const std::string& name);

  int port() const { return port_; }
  double start_seconds() const { return start_seconds_; }

 private:
  PostgresServer() = default;

  std::string dir_;   // temporary directory: data/, server.log, the unix socket
  std::string bin_;   // directory holding initdb, pg_ctl, psql
  int port_ = 0;
  bool as_postgres_ = false;  // running as root: every command goes through runuser
  bool running_ = false;
  double start_seconds_ = 0;
};

}  // namespace nextra::store
