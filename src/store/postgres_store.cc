// PostgreSQL backend through libpqxx 6.4: a small pool of connections, one pqxx::work per
// Store call.
// libpqxx throws; every exception is caught here and becomes an Error (style.md §6.4).
#include <optional>
#define PQXX_HAVE_OPTIONAL 1  // Debian's pqxx config omits it (stack.md §6)
#include <pqxx/pqxx>

#include <memory>

#include "store/sql_store.h"

namespace nextra::store {
namespace {

Error pg_error(const pqxx::sql_error& e) {
  const std::string& state = e.sqlstate();
  std::string msg = std::string("postgres ") + state + ": " + e.what();
  if (state == "23505") return Error::make(ErrorCode::AlreadyExists, msg);
  if (state == "23503") return Error::make(ErrorCode::NotFound, msg);
  if (state.rfind("23", 0) == 0) return Error::make(ErrorCode::InvalidArgument, msg);
  if (state == "40001" || state == "40P01" || state == "55P03") {
    return Error::make(ErrorCode::Unavailable, msg);
  }
  return Error::make(ErrorCode::Internal, msg);
}

// Our SQL is written with `?` placeholders and contains no `?` in literals.
std::string to_dollar_params(const std::string& sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  for (char c : sql) {
    if (c == '?') {
      out += '$';
      out += std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

class PostgresDriver final : public SqlDriver {
 public:
  explicit PostgresDriver(std::string url) : url_(std::move(url)) {}

  Status connect() {
    try {
      conn_ = std::make_unique<pqxx::connection>(url_);
      pqxx::nontransaction n{*conn_};
      n.exec0("SET client_min_messages = warning");
      return {};
    } catch (const std::exception& e) {
      conn_.reset();
      return Error::make(ErrorCode::Unavailable, std::string("postgres connect: ") + e.what());
    }
  }

  Dialect dialect() const override { return Dialect::Postgres; }

  Result<std::vector<SqlRow>> query(const std::string& sql,
                                    const std::vector<SqlValue>& params) override {
    return guarded([&]() -> std::vector<SqlRow> {
      std::vector<std::string> texts;
      texts.reserve(params.size());
      std::vector<const char*> ptrs;
      for (const SqlValue& p : params) {
        if (const auto* n = std::get_if<std::int64_t>(&p)) texts.push_back(std::to_string(*n));
        else if (const auto* s = std::get_if<std::string>(&p)) texts.push_back(*s);
        else texts.emplace_back();
      }
      for (size_t i = 0; i < params.size(); ++i) {
        ptrs.push_back(std::holds_alternative<std::monostate>(params[i]) ? nullptr : texts[i].c_str());
      }
      const std::string text = to_dollar_params(sql);
      auto run = [&](pqxx::transaction_base& t) {
        return t.exec_params(text, pqxx::prepare::make_dynamic_params(ptrs));
      };
      pqxx::result r;
      if (tx_) {
        r = run(*tx_);
      } else {
        pqxx::nontransaction n{*conn_};
        r = run(n);
      }
      std::vector<SqlRow> rows;
      rows.reserve(r.size());
      for (const auto& row : r) {
        SqlRow out(row.size());
        for (pqxx::row::size_type c = 0; c < row.size(); ++c) {
          if (!row[c].is_null()) out[c] = row[c].c_str();
        }
        rows.push_back(std::move(out));
      }
      return rows;
    });
  }

  Status exec_script(const std::string& sql) override {
    auto r = guarded([&]() {
      if (tx_) {
        tx_->exec(sql);
      } else {
        pqxx::nontransaction n{*conn_};
        n.exec(sql);
      }
      return 0;
    });
    if (!r.ok()) return r.take_error();
    return {};
  }

  Status begin() override {
    if (!conn_ || !conn_->is_open()) NEXTRA_TRY(connect());  // reconnect after a lost server
    auto r = guarded([&]() {
      tx_ = std::make_unique<pqxx::work>(*conn_);
      return 0;
    });
    if (!r.ok()) return r.take_error();
    return {};
  }

  Status commit() override {
    auto r = guarded([&]() {
      tx_->commit();
      tx_.reset();
      return 0;
    });
    if (!r.ok()) return r.take_error();
    return {};
  }

  void rollback() override {
    try {
      if (tx_) tx_->abort();
    } catch (const std::exception&) {
      // The connection may be gone; the server rolls back on its own then.
    }
    tx_.reset();
  }

 private:
  template <typename F>
  auto guarded(F&& fn) -> Result<decltype(fn())> {
    if (!conn_) return Error::make(ErrorCode::Unavailable, "postgres: not connected");
    try {
      return fn();
    } catch (const pqxx::sql_error& e) {
      return pg_error(e);
    } catch (const pqxx::broken_connection& e) {
      return Error::make(ErrorCode::Unavailable, std::string("postgres: ") + e.what());
    } catch (const std::exception& e) {
      return Error::make(ErrorCode::Internal, std::string("postgres: ") + e.what());
    }
  }

  std::string url_;
  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<pqxx::work> tx_;  // open between begin() and commit()/rollback()
};

}  // namespace

// Connections per store: enough for the io threads and the runtime's writers to overlap
// their round trips; PostgreSQL's default max_connections (100) leaves room for many stores.
constexpr std::size_t kPostgresPoolSize = 8;

Result<std::unique_ptr<Store>> make_postgres_store(const std::string& url) {
  auto connect = [url]() -> Result<std::unique_ptr<SqlDriver>> {
    auto driver = std::make_unique<PostgresDriver>(url);
    NEXTRA_TRY(driver->connect());
    return std::unique_ptr<SqlDriver>(std::move(driver));
  };
  NEXTRA_ASSIGN_OR_RETURN(auto first, connect());
  return make_sql_store(std::move(first), connect, kPostgresPoolSize);
}

}  // namespace nextra::store
