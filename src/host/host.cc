#include "host/host.h"

#include "vault/secret_refs.h"

namespace nextra::host {
namespace {

// postgres://user:password@host/db -> postgres://user@host/db, for the banner.
std::string without_password(std::string url) {
  auto scheme = url.find("://");
  auto at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos) return url;
  auto colon = url.find(':', scheme + 3);
  if (colon != std::string::npos && colon < at) url.erase(colon, at - colon);
  return url;
}

}  // namespace

bool is_postgres_url(const std::string& url) {
  return url.rfind("postgres://", 0) == 0 || url.rfind("postgresql://", 0) == 0;
}

Result<OpenedStore> open_store(const std::filesystem::path& data_dir, const std::string& database_url) {
  OpenedStore out;
  if (database_url.empty()) {
    auto path = (data_dir / "nextra.db").string();
    NEXTRA_ASSIGN_OR_RETURN(out.store, store::make_sqlite_store(path));
    out.label = "sqlite:" + path;
  } else if (is_postgres_url(database_url)) {
    NEXTRA_ASSIGN_OR_RETURN(out.store, store::make_postgres_store(database_url));
    out.label = without_password(database_url);
  } else {
    Error e = Error::invalid("--database must be a postgres:// or postgresql:// URL (the default is SQLite in the data directory)");
    e.field = "database";
    return e;
  }
  return out;
}

Result<vault::LoadedKey> open_master_key(const std::string& env_value, const std::filesystem::path& data_dir) {
  return vault::load_or_create_master_key(env_value, data_dir / "master.key");
}

std::function<Result<std::string>(const std::string&, const std::string&)> secret_resolver(store::Store& store,
                                                                                           vault::Vault& vault,
                                                                                           vault::Redactor& redactor) {
  return [&store, &vault, &redactor](const std::string& org_id, const std::string& yaml) -> Result<std::string> {
    return vault::resolve_secret_refs(yaml, [&](std::string_view name) -> Result<std::string> {
      auto sealed = store.get_secret(org_id, std::string(name));
      if (!sealed.ok()) {
        return Error::make(ErrorCode::NotFound, "secret '" + std::string(name) + "' does not exist");
      }
      NEXTRA_ASSIGN_OR_RETURN(auto value, vault.open(org_id, name, {sealed->ciphertext, sealed->nonce}));
      redactor.add(org_id + "/" + std::string(name), value);
      return value;
    });
  };
}

}  // namespace nextra::host
