#pragma once
// The LLM gateway: one per running organism, built from its `llm:` section. It routes a
// completion to a backend that serves the model (strategy failover, round-robin or
// least-loaded), waits for the backend's token bucket and concurrency slot, retries with
// jittered exponential backoff (honouring Retry-After) on 429, 5xx, timeouts and malformed
// answers, charges the thread's token budget, prices the call and hands its usage to the
// UsageSink. API keys never appear in an error message (every message is redacted).
//
// Calls run on the gateway's own bounded pool of worker threads, never on the caller's:
// complete_async() returns at once and calls back on a worker; complete() blocks (for code
// that already runs off the pump). Streaming tokens reach on_token in order on that worker,
// before `done`. Thread-safe.

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/result.h"
#include "llm/budget.h"
#include "llm/config.h"
#include "llm/prices.h"
#include "llm/provider.h"
#include "llm/types.h"
#include "llm/usage.h"
#include "net/http_client.h"

namespace nextra::llm {

// Reported before every retry (logs, metrics; tests check the chosen delay).
struct RetryEvent {
  std::string backend;
  int attempt = 0;             // the attempt that failed, 1-based
  int status = 0;              // HTTP status, 0 for a transport error
  std::chrono::milliseconds delay{0};
  bool from_retry_after = false;
  std::string reason;          // redacted
};

struct GatewayOptions {
  LlmConfig config;
  // The SSRF-safe client (its allowlist decides whether a local backend such as Ollama is
  // reachable). Shared: the gateway only calls send().
  std::shared_ptr<net::HttpClient> http;
  // Looks up api_key_env names; default: the process environment.
  std::function<std::optional<std::string>(const std::string&)> env;
  PriceTable prices;
  std::shared_ptr<UsageSink> usage_sink;  // may be null
  long long max_tokens_per_thread = 100000;  // the organism's; <= 0: no budget
  std::function<void(const BudgetWarning&)> on_budget_warning;
  std::function<void(const RetryEvent&)> on_retry;
  int workers = 16;                  // calls running at once; 1..256
  std::size_t queue_capacity = 1024; // queued calls beyond: ResourceExhausted
  // How long a call may wait for a backend's token bucket or concurrency slot.
  std::chrono::milliseconds max_queue_wait{60'000};
  std::size_t max_response_bytes = 8 * 1024 * 1024;
  std::size_t max_request_messages = 10'000;
};

using CompletionCallback = std::function<void(Result<CompletionResponse>)>;

class Gateway {
 public:
  // Errors: InvalidArgument for bad options, or an api_key_env that is not set (named by
  // field, e.g. "llm.backends[0].api_key_env").
  static Result<std::unique_ptr<Gateway>> create(GatewayOptions options);
  // Stops: running calls are abandoned at their next wait or read, queued ones answered
  // with Cancelled; joins the workers.
  ~Gateway();
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  // Queues the call; `done` runs exactly once on a worker. Errors (done not called):
  // ResourceExhausted when the queue is full, Cancelled when shutting down.
  // With on_token, the call streams and on_token receives each text delta in order.
  Status complete_async(CompletionRequest request, CompletionCallback done, TokenCallback on_token = {});

  // Blocking form. Call errors: InvalidArgument (bad request), NotFound (no backend serves
  // the model), ResourceExhausted (token budget, rate limit wait too long), PermissionDenied
  // (SSRF block), Unavailable / DeadlineExceeded (every attempt failed: the message lists
  // what each backend answered), Cancelled.
  Result<CompletionResponse> complete(CompletionRequest request, TokenCallback on_token = {});

  // The thread ended: free its budget entry.
  void forget_thread(const std::string& thread_id);
  long long thread_tokens_used(const std::string& thread_id);

 private:
  struct Impl;
  explicit Gateway(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

// Rough prompt size: characters / 4 over every message and tool definition, at least 100
// (the library's estimate; the bucket and budget are corrected with the real usage after).
long long estimate_prompt_tokens(const CompletionRequest& request);

}  // namespace nextra::llm
