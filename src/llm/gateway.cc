#include "llm/gateway.h"

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <thread>

#include "core/thread_name.h"
#include "llm/retry.h"
#include "llm/sse.h"
#include "llm/token_bucket.h"
#include "vault/redactor.h"

namespace nextra::llm {

namespace {

using Clock = std::chrono::steady_clock;

struct Backend {
  BackendConfig config;
  std::string api_key;
  std::unique_ptr<Provider> provider;
  TokenBucket bucket;
  ConcurrencyLimit limit;

  Backend(BackendConfig c, std::string key)
      : config(std::move(c)),
        api_key(std::move(key)),
        provider(make_provider(config.wire)),
        bucket(config.rate_limit_tpm),
        limit(config.max_concurrent) {}
};

// How one attempt ended.
struct Attempt {
  Result<CompletionResponse> result = Error::make(ErrorCode::Internal, "not run");
  int status = 0;
  bool retryable = false;       // worth another attempt (after a delay)
  bool next_backend = false;    // this backend cannot serve it; another may, at once
  std::optional<std::chrono::milliseconds> retry_after;
  bool streamed = false;        // tokens already went to the caller: never retry
};

ErrorCode code_for_status(int status) {
  if (status == 401 || status == 403) return ErrorCode::PermissionDenied;
  if (status == 404) return ErrorCode::NotFound;
  if (status == 408 || status == 504) return ErrorCode::DeadlineExceeded;
  if (status == 429) return ErrorCode::ResourceExhausted;
  if (status >= 500) return ErrorCode::Unavailable;
  return ErrorCode::InvalidArgument;
}

}  // namespace

long long estimate_prompt_tokens(const CompletionRequest& request) {
  std::size_t chars = 0;
  for (const auto& m : request.messages) {
    chars += m.content.size();
    for (const auto& c : m.tool_calls) chars += c.name.size() + c.arguments.dump().size();
  }
  for (const auto& t : request.tools) chars += t.name.size() + t.description.size() + t.parameters.dump().size();
  return std::max<long long>(100, static_cast<long long>(chars / 4));
}

struct Gateway::Impl {
  GatewayOptions options;
  std::vector<std::unique_ptr<Backend>> backends;  // config order
  vault::Redactor redactor;
  std::unique_ptr<ThreadBudgets> budgets;
  std::atomic<bool> stopping{false};
  // Handed to every HTTP request so destruction aborts transfers at once instead of
  // waiting for a backend's timeout.
  std::shared_ptr<std::atomic<bool>> cancel_http = std::make_shared<std::atomic<bool>>(false);
  std::atomic<std::uint64_t> round_robin{0};

  std::mutex mu;
  std::condition_variable cv;        // the queue
  std::condition_variable sleep_cv;  // backoff and rate-limit sleeps; woken only by stopping
  struct Job {
    CompletionRequest request;
    CompletionCallback done;
    TokenCallback on_token;
  };
  std::deque<Job> queue;  // guarded by mu
  std::vector<std::thread> workers;

  std::mutex rng_mu;
  std::mt19937_64 rng{std::random_device{}()};  // guarded by rng_mu

  Result<CompletionResponse> run(const CompletionRequest& request, const TokenCallback& on_token);
  Backend* pick(const std::vector<Backend*>& candidates, const std::vector<Backend*>& tried);
  Attempt attempt(Backend& b, const std::string& model, const CompletionRequest& request, long long estimate,
                  const TokenCallback& on_token);
  bool sleep_for(std::chrono::milliseconds d);  // false when stopping
  void record(const CompletionRequest& request, const std::string& model, const Backend* b, const Usage& usage,
              std::optional<double> cost, Clock::time_point start, int attempts, const Error* error);
  Error redacted(Error e) const {
    e.message = redactor.redact(e.message);
    return e;
  }
  void worker_loop();
};

bool Gateway::Impl::sleep_for(std::chrono::milliseconds d) {
  std::unique_lock lock(mu);
  sleep_cv.wait_for(lock, d, [&] { return stopping.load(); });
  return !stopping.load();
}

Backend* Gateway::Impl::pick(const std::vector<Backend*>& candidates, const std::vector<Backend*>& tried) {
  std::vector<Backend*> fresh;
  for (Backend* b : candidates) {
    if (std::find(tried.begin(), tried.end(), b) == tried.end()) fresh.push_back(b);
  }
  // Untried backends first; once all were tried, start over.
  const std::vector<Backend*>& pool = fresh.empty() ? candidates : fresh;
  switch (options.config.strategy) {
    case Strategy::Failover:
      return *std::min_element(pool.begin(), pool.end(),
                               [](Backend* a, Backend* b) { return a->config.priority < b->config.priority; });
    case Strategy::RoundRobin: {
      std::uint64_t n = round_robin.fetch_add(1);
      // Rotate over all candidates so load spreads, skipping ones this call already tried.
      for (std::size_t i = 0; i < candidates.size(); ++i) {
        Backend* b = candidates[(n + i) % candidates.size()];
        if (std::find(pool.begin(), pool.end(), b) != pool.end()) return b;
      }
      return pool.front();
    }
    case Strategy::LeastLoaded:
      return *std::min_element(pool.begin(), pool.end(), [](Backend* a, Backend* b) {
        return static_cast<double>(a->limit.active()) / a->limit.max() < static_cast<double>(b->limit.active()) / b->limit.max();
      });
  }
  return pool.front();
}

Attempt Gateway::Impl::attempt(Backend& b, const std::string& model, const CompletionRequest& request,
                               long long estimate, const TokenCallback& on_token) {
  Attempt out;
  auto wait = b.bucket.reserve(estimate, options.max_queue_wait);
  if (!wait.ok()) {
    out.result = wait.take_error();
    out.next_backend = true;
    return out;
  }
  if (wait->count() > 0 && !sleep_for(*wait)) {
    out.result = Error::make(ErrorCode::Cancelled, "LLM gateway shutting down");
    return out;
  }
  if (!b.limit.acquire(options.max_queue_wait, &stopping)) {
    b.bucket.adjust(-estimate);
    out.result = stopping ? Error::make(ErrorCode::Cancelled, "LLM gateway shutting down")
                          : Error::make(ErrorCode::ResourceExhausted, "backend " + b.config.name + " stayed at its " +
                                                                          std::to_string(b.config.max_concurrent) + " concurrent calls");
    out.next_backend = !stopping;
    return out;
  }
  struct Release {
    ConcurrencyLimit& l;
    ~Release() { l.release(); }
  } release{b.limit};

  const bool stream = static_cast<bool>(on_token);
  auto built = b.provider->build(b.config, b.api_key, model, request, stream);
  if (!built.ok()) {
    b.bucket.adjust(-estimate);
    out.result = built.take_error();
    return out;
  }
  net::HttpRequest http_request = std::move(built).value();
  // The client has its own ceiling (an administrator's); a longer backend timeout is cut to it.
  http_request.timeout = std::min(std::chrono::milliseconds(static_cast<long long>(b.config.timeout_seconds * 1000)),
                                  options.http->options().max_timeout);
  http_request.max_response_bytes = options.max_response_bytes;
  http_request.max_redirects = 0;  // an API endpoint that redirects is misconfigured
  http_request.cancel = cancel_http;

  std::unique_ptr<StreamDecoder> decoder;
  std::unique_ptr<SseReader> reader;
  std::optional<Error> stream_error;
  // Some OpenAI-compatible servers ignore `stream: true` and answer with one JSON body; it
  // is kept until the first event shows the answer really is a stream.
  bool saw_event = false;
  std::string unstreamed;
  auto deliver = [&](std::string_view text) {
    out.streamed = true;
    on_token(text);
  };
  if (stream) {
    decoder = b.provider->stream_decoder();
    reader = std::make_unique<SseReader>([&](std::string_view event, std::string_view data) {
      saw_event = true;
      return decoder->on_event(event, data, deliver);
    });
    http_request.on_body_chunk = [&](std::string_view bytes) {
      if (stopping) return false;
      if (!saw_event) unstreamed.append(bytes);  // bounded by max_response_bytes
      Status s = reader->feed(bytes);
      if (!s.ok()) {
        stream_error = s.take_error();
        return false;
      }
      return true;
    };
  }

  auto sent = options.http->send(http_request);
  if (!sent.ok()) {
    b.bucket.adjust(-estimate);
    Error e = stream_error ? *stream_error : sent.take_error();
    e.message = "backend " + b.config.name + ": " + e.message;
    out.retryable = e.code == ErrorCode::Unavailable || e.code == ErrorCode::DeadlineExceeded ||
                    (e.code == ErrorCode::ResourceExhausted && !stream_error);
    if (stopping) e = Error::make(ErrorCode::Cancelled, "LLM gateway shutting down");
    out.result = std::move(e);
    return out;
  }
  const net::HttpResponse& resp = *sent;
  out.status = resp.status;
  if (resp.status < 200 || resp.status >= 300) {
    b.bucket.adjust(-estimate);
    Error e = Error::make(code_for_status(resp.status), "backend " + b.config.name + " answered " +
                                                            std::to_string(resp.status) + ": " + provider_error_message(resp.body));
    if (resp.status == 429 || resp.status == 408 || resp.status >= 500) {
      out.retryable = true;
      if (auto ra = resp.header("Retry-After")) out.retry_after = parse_retry_after(*ra, std::chrono::system_clock::now());
    } else {
      out.next_backend = true;
    }
    out.result = std::move(e);
    return out;
  }
  Result<CompletionResponse> parsed = Error::make(ErrorCode::Internal, "");
  if (stream && !saw_event && resp.header("Content-Type").value_or("").find("event-stream") == std::string::npos) {
    parsed = b.provider->parse(unstreamed);
    if (parsed.ok() && !parsed->content.empty()) deliver(parsed->content);
  } else if (stream) {
    Status fin = reader->finish();
    parsed = fin.ok() ? decoder->finish() : Result<CompletionResponse>(fin.take_error());
  } else {
    parsed = b.provider->parse(resp.body);
  }
  if (!parsed.ok()) {
    b.bucket.adjust(-estimate);
    Error e = parsed.take_error();
    e.message = "backend " + b.config.name + ": " + e.message;
    out.retryable = true;  // a malformed answer may be a glitch; another attempt may do better
    out.result = std::move(e);
    return out;
  }
  b.bucket.adjust(parsed->usage.total() - estimate);
  out.result = std::move(parsed);
  return out;
}

void Gateway::Impl::record(const CompletionRequest& request, const std::string& model, const Backend* b,
                           const Usage& usage, std::optional<double> cost, Clock::time_point start, int attempts,
                           const Error* error) {
  if (!options.usage_sink) return;
  UsageRecord r;
  r.account = request.account;
  r.thread_id = request.thread_id;
  r.agent = request.agent;
  r.model = model;
  if (b) {
    r.provider = b->config.provider;
    r.backend = b->config.name;
  }
  r.prompt_tokens = usage.prompt_tokens;
  r.completion_tokens = usage.completion_tokens;
  r.latency = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  r.cost_usd = cost;
  r.attempts = attempts;
  r.ok = error == nullptr;
  if (error) r.error_code = error->code;
  r.at = std::chrono::system_clock::now();
  options.usage_sink->record(r);
}

Result<CompletionResponse> Gateway::Impl::run(const CompletionRequest& request, const TokenCallback& on_token) {
  const auto start = Clock::now();
  if (request.messages.empty()) return Error{ErrorCode::InvalidArgument, "a completion needs at least one message", "messages"};
  if (request.messages.size() > options.max_request_messages) {
    return Error{ErrorCode::InvalidArgument, "more than " + std::to_string(options.max_request_messages) + " messages", "messages"};
  }
  std::string model = request.model.empty() ? options.config.default_model : request.model;
  if (model.empty()) {
    return Error{ErrorCode::InvalidArgument, "no model given and llm.default_model is not set", "model"};
  }
  std::vector<Backend*> candidates;
  for (auto& b : backends) {
    if (b->config.serves(model)) candidates.push_back(b.get());
  }
  if (candidates.empty()) {
    return Error{ErrorCode::NotFound, "no backend in llm.backends serves model '" + model + "'", "model"};
  }
  const long long estimate = estimate_prompt_tokens(request);
  NEXTRA_TRY(budgets->reserve(request.thread_id, estimate));

  const int max_attempts = options.config.retries + 1;
  std::vector<Backend*> tried;
  std::string failures;
  Error last = Error::make(ErrorCode::Unavailable, "");
  Backend* b = nullptr;
  int n = 0;
  for (n = 1; n <= max_attempts; ++n) {
    b = pick(candidates, tried);
    if (std::find(tried.begin(), tried.end(), b) == tried.end()) tried.push_back(b);
    Attempt a = attempt(*b, model, request, estimate, on_token);
    if (a.result.ok()) {
      CompletionResponse r = std::move(a.result).value();
      r.backend = b->config.name;
      r.provider = b->config.provider;
      r.attempts = n;
      r.latency = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
      r.cost_usd = options.prices.cost_usd(model, r.usage);
      budgets->settle(request.thread_id, estimate, r.usage.total());
      record(request, model, b, r.usage, r.cost_usd, start, n, nullptr);
      return r;
    }
    last = a.result.take_error();
    if (!failures.empty()) failures += "; ";
    failures += last.message;
    bool another_backend = tried.size() < candidates.size();
    if (a.streamed || last.code == ErrorCode::Cancelled || (!a.retryable && !(a.next_backend && another_backend))) break;
    if (n == max_attempts) break;
    if (a.next_backend) continue;  // no point waiting: a different backend is next
    std::chrono::milliseconds delay;
    bool from_header = false;
    {
      std::lock_guard lock(rng_mu);
      delay = backoff_delay(n, options.config.retry_base_delay, options.config.retry_max_delay, rng);
    }
    if (a.retry_after) {
      delay = std::min(*a.retry_after, std::chrono::milliseconds(static_cast<long long>(options.config.retry_max_delay * 1000)));
      from_header = true;
    }
    if (options.on_retry) options.on_retry({b->config.name, n, a.status, delay, from_header, redactor.redact(last.message)});
    if (!sleep_for(delay)) {
      last = Error::make(ErrorCode::Cancelled, "LLM gateway shutting down");
      break;
    }
  }
  budgets->settle(request.thread_id, estimate, 0);
  Error final_error = last;
  if (last.code != ErrorCode::Cancelled && n > 1) {
    final_error.message = "all backends failed for model '" + model + "' after " + std::to_string(std::min(n, max_attempts)) +
                          " attempts: " + failures;
  }
  final_error = redacted(std::move(final_error));
  record(request, model, b, Usage{}, std::nullopt, start, std::min(n, max_attempts), &final_error);
  return final_error;
}

void Gateway::Impl::worker_loop() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return stopping.load() || !queue.empty(); });
      if (queue.empty()) return;
      job = std::move(queue.front());
      queue.pop_front();
    }
    if (stopping) {
      job.done(Error::make(ErrorCode::Cancelled, "LLM gateway shutting down"));
      continue;
    }
    job.done(run(job.request, job.on_token));
  }
}

Result<std::unique_ptr<Gateway>> Gateway::create(GatewayOptions options) {
  if (!options.http) return Error{ErrorCode::InvalidArgument, "the gateway needs an HTTP client", "http"};
  if (options.workers < 1 || options.workers > 256) {
    return Error{ErrorCode::InvalidArgument, "workers must be between 1 and 256", "workers"};
  }
  if (options.queue_capacity < 1) return Error{ErrorCode::InvalidArgument, "queue_capacity must be at least 1", "queue_capacity"};
  if (options.config.backends.empty()) return Error{ErrorCode::InvalidArgument, "llm.backends is empty", "llm.backends"};
  if (!options.env) {
    options.env = [](const std::string& name) -> std::optional<std::string> {
      const char* v = std::getenv(name.c_str());
      return v ? std::optional<std::string>(v) : std::nullopt;
    };
  }
  auto impl = std::make_unique<Impl>();
  for (std::size_t i = 0; i < options.config.backends.size(); ++i) {
    const BackendConfig& c = options.config.backends[i];
    std::string key = c.api_key;
    if (!c.api_key_env.empty()) {
      auto v = options.env(c.api_key_env);
      if (!v || v->empty()) {
        std::string field = "llm.backends[" + std::to_string(i) + "].api_key_env";
        return Error{ErrorCode::InvalidArgument, field + ": environment variable " + c.api_key_env + " is not set", field};
      }
      key = *v;
    }
    if (!key.empty()) impl->redactor.add("llm.backends[" + std::to_string(i) + "].api_key", key);
    impl->backends.push_back(std::make_unique<Backend>(c, std::move(key)));
  }
  impl->budgets = std::make_unique<ThreadBudgets>(options.max_tokens_per_thread, options.on_budget_warning);
  impl->options = std::move(options);
  // Each worker keeps the state alive: a callback may drop the last reference to the gateway
  // on a worker (an agent whose pump is gone), and that worker must outlive the destructor.
  std::shared_ptr<Impl> shared(std::move(impl));
  for (int i = 0; i < shared->options.workers; ++i) {
    shared->workers.emplace_back([shared] {
      name_this_thread("llm-worker");
      shared->worker_loop();
    });
  }
  return std::unique_ptr<Gateway>(new Gateway(std::move(shared)));
}

Gateway::Gateway(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

Gateway::~Gateway() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = true;
    *impl_->cancel_http = true;
  }
  impl_->cv.notify_all();
  impl_->sleep_cv.notify_all();
  for (auto& b : impl_->backends) b->limit.notify_all();
  for (auto& t : impl_->workers) {
    // Destroyed from one of its own workers' callbacks: that worker finishes on its own.
    if (t.get_id() == std::this_thread::get_id()) t.detach();
    else t.join();
  }
}

Status Gateway::complete_async(CompletionRequest request, CompletionCallback done, TokenCallback on_token) {
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->stopping) return Error::make(ErrorCode::Cancelled, "LLM gateway shutting down");
    if (impl_->queue.size() >= impl_->options.queue_capacity) {
      return Error::make(ErrorCode::ResourceExhausted,
                         "LLM gateway queue is full (" + std::to_string(impl_->options.queue_capacity) + " calls)");
    }
    impl_->queue.push_back({std::move(request), std::move(done), std::move(on_token)});
  }
  impl_->cv.notify_one();
  return {};
}

Result<CompletionResponse> Gateway::complete(CompletionRequest request, TokenCallback on_token) {
  return impl_->run(request, on_token);
}

void Gateway::forget_thread(const std::string& thread_id) { impl_->budgets->forget(thread_id); }

long long Gateway::thread_tokens_used(const std::string& thread_id) { return impl_->budgets->used(thread_id); }

}  // namespace nextra::llm
