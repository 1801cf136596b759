#pragma once
// Maps opaque thread UUIDs to call chains. A call chain is the list of listener names a
// conversation has passed through (a list, not a dotted string, so names may contain dots:
// decisions.md §2). Forwarding extends the chain, responding prunes it; each distinct chain
// has its own UUID. Chains are scoped by execution, so two injections along the same path
// never share a thread id, buffer or budget (fixes spec §16.7).
//
// Thread-safe; state lives in the SharedBackend.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pump/shared_backend.h"

namespace nextra::pump {

using Chain = std::vector<std::string>;

class ThreadRegistry {
 public:
  explicit ThreadRegistry(SharedBackend& backend) : backend_(backend) {}

  // Registers `chain` under `scope` (the execution id) with `uuid`, or a new UUID when
  // `uuid` is empty. Returns the UUID.
  std::string begin(std::string_view scope, const Chain& chain, std::string uuid = {});

  std::optional<Chain> chain_of(const std::string& uuid) const;

  // Forward: the UUID of chain(thread) + hop, created if new. NotFound for an unknown thread.
  Result<std::string> extend(const std::string& thread, std::string_view hop);

  struct Pruned {
    std::string target;  // the new last hop: who receives the response
    std::string thread;  // UUID of the pruned chain
  };
  // Respond: drops the last hop. nullopt = the chain is exhausted (nobody left to answer).
  Result<std::optional<Pruned>> prune(const std::string& thread);

  // Forgets one thread (both directions).
  void forget(const std::string& uuid) { backend_.registry_delete(uuid); }

  std::size_t size() const { return backend_.registry_size(); }

  // Key encoding, exposed for tests: scope, RS, names joined by US. Neither separator can
  // occur in a listener name (the loader's name pattern excludes control characters).
  static std::string encode(std::string_view scope, const Chain& chain);
  static std::optional<std::pair<std::string, Chain>> decode(std::string_view key);

 private:
  SharedBackend& backend_;
};

}  // namespace nextra::pump
