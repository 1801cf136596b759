#pragma once
// The handler kinds that reach the outside world, composed for every flow the runtime starts:
// `http` (the SSRF-safe client with the administrator's allowlist) and `wasm` (the wabt
// sandbox; modules read from the organization's store). The runtime knows none of them; it
// only calls the runtime::HandlerKinds made here.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "runtime/handler_kinds.h"
#include "store/store.h"

namespace nextra::net {
class HttpClient;
}

namespace nextra::app {

struct OutsideWorld {
  store::Store* store = nullptr;
  std::shared_ptr<net::HttpClient> http;  // shared by every flow
  std::filesystem::path modules_dir;      // WASM module bytes (host/module_files.h)
};

// `allowlist`: the private hosts/addresses/CIDRs outbound calls may reach
// (NEXTRA_OUTBOUND_ALLOWLIST, comma-separated). InvalidArgument names a bad entry.
Result<std::shared_ptr<net::HttpClient>> make_outbound_client(const std::vector<std::string>& allowlist);

runtime::HandlerKinds make_handler_kinds(OutsideWorld world);

// NEXTRA_OUTBOUND_ALLOWLIST split at commas, blanks trimmed. Read by `nextra serve` and by
// the `nextra pump` processes it spawns (they inherit its environment).
std::vector<std::string> outbound_allowlist_from_env();

}  // namespace nextra::app
