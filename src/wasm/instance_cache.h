#pragma once
// Instances cached per (module, thread): a module keeps its memory and globals across the
// messages of one conversation thread (spec §11) and starts clean in every other thread.
// Entries go when the pump reports their thread or execution complete (add the cache to the
// pump as an Observer), when a call fails (the instance may be half-written), when they sit
// idle past `idle_ttl`, and least-recently-used first beyond `max_instances`.
//
// Thread-safety: every method may be called from any thread. Calls on one entry are
// serialised; calls on different entries run in parallel.

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "pump/events.h"
#include "pump/execution.h"
#include "wasm/sandbox.h"

namespace nextra::wasm {

class InstanceCache final : public pump::Observer {
 public:
  struct Options {
    std::size_t max_instances = 1000;
    std::chrono::seconds idle_ttl{600};
  };
  InstanceCache() : InstanceCache(Options{}) {}
  explicit InstanceCache(Options options) : options_(options) {}

  using Maker = std::function<Result<std::unique_ptr<Instance>>()>;
  using Body = std::function<Result<CallOutput>(Instance&)>;

  // Runs `body` on the instance of (module_key, thread), made by `make` when there is none.
  // `execution` (may be null) ties the entry to an execution so it goes when that ends.
  // The instance is dropped when `make` or `body` fails or leaves it poisoned.
  Result<CallOutput> call(const std::string& module_key, const std::string& thread,
                          const std::shared_ptr<pump::Execution>& execution, const Maker& make, const Body& body);

  void drop_thread(const std::string& thread);
  void drop_module(const std::string& module_key);
  std::size_t size() const;

  // pump::Observer: the pump says a thread or an execution is over.
  void on_thread_completed(const pump::Execution&, const std::string& thread) override { drop_thread(thread); }
  void on_execution_completed(const pump::Execution& execution) override;

 private:
  struct Entry {
    std::mutex mu;  // held for the whole of a call
    std::unique_ptr<Instance> instance;  // guarded by mu
    std::weak_ptr<pump::Execution> execution;
    bool tied = false;  // has an execution (expired() alone cannot tell)
    std::chrono::steady_clock::time_point last_used;  // guarded by the cache's mu_
  };
  using Key = std::pair<std::string, std::string>;  // module key, thread

  void evict_locked(std::chrono::steady_clock::time_point now);

  const Options options_;
  mutable std::mutex mu_;
  std::map<Key, std::shared_ptr<Entry>> entries_;  // guarded by mu_
};

}  // namespace nextra::wasm
