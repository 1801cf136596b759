#pragma once
// What `nextra serve` and `nextra pump` open the same way: the database (SQLite in the data
// directory, or PostgreSQL), the vault's master key, and the resolver that replaces
// ${secret:NAME} in a flow's YAML when it starts. One place, so a pump process reads the
// same database and secrets as the server that spawned it.

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "core/result.h"
#include "store/store.h"
#include "vault/master_key.h"
#include "vault/redactor.h"
#include "vault/vault.h"

namespace nextra::host {

bool is_postgres_url(const std::string& url);

struct OpenedStore {
  std::unique_ptr<store::Store> store;
  std::string label;  // for banners: sqlite:/path or the URL without its password
};
// `database_url` empty = SQLite at data_dir/nextra.db. InvalidArgument (field "database")
// for a URL that is not postgres:// or postgresql://.
Result<OpenedStore> open_store(const std::filesystem::path& data_dir, const std::string& database_url);

// NEXTRA_MASTER_KEY's value, else data_dir/master.key (created 0600 when missing).
Result<vault::LoadedKey> open_master_key(const std::string& env_value, const std::filesystem::path& data_dir);

// Resolves ${secret:NAME} from the organization's sealed secrets and teaches the redactor
// every value it hands out, so no step payload, output or log line shows one.
// The references must outlive the function.
std::function<Result<std::string>(const std::string& org_id, const std::string& yaml)> secret_resolver(
    store::Store& store, vault::Vault& vault, vault::Redactor& redactor);

}  // namespace nextra::host
