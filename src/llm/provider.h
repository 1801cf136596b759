#pragma once
// One vendor's wire format: how a CompletionRequest becomes an HTTP request, and how the
// answer (whole, or streamed as SSE events) becomes a CompletionResponse. No I/O and no
// state between calls, so the three implementations are tested without a network and the
// gateway owns everything that talks, waits or retries.

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "llm/config.h"
#include "llm/types.h"
#include "net/http_client.h"

namespace nextra::llm {

using TokenCallback = std::function<void(std::string_view)>;

// Turns the events of one streamed answer into text deltas (on_token, in order) and, at the
// end, the whole response (content, tool calls, usage).
class StreamDecoder {
 public:
  virtual ~StreamDecoder() = default;
  // Errors: Unavailable for a malformed event or an error event from the provider.
  virtual Status on_event(std::string_view event, std::string_view data, const TokenCallback& on_token) = 0;
  // Errors: Unavailable when the stream ended before the provider said it was done.
  virtual Result<CompletionResponse> finish() = 0;
};

class Provider {
 public:
  virtual ~Provider() = default;
  // The request for `model` (already routed) at `backend`, with `api_key` (may be empty).
  // Errors: InvalidArgument for a request this wire format cannot express.
  virtual Result<net::HttpRequest> build(const BackendConfig& backend, const std::string& api_key,
                                         const std::string& model, const CompletionRequest& request,
                                         bool stream) const = 0;
  // A 2xx body. Errors: Unavailable (malformed JSON or an unexpected shape).
  virtual Result<CompletionResponse> parse(std::string_view body) const = 0;
  virtual std::unique_ptr<StreamDecoder> stream_decoder() const = 0;
};

std::unique_ptr<Provider> make_openai_provider();
std::unique_ptr<Provider> make_anthropic_provider();
std::unique_ptr<Provider> make_gemini_provider();
std::unique_ptr<Provider> make_provider(WireFormat wire);

// The human message inside a provider's error body ({"error":{"message"}} and variants),
// else the start of the body; at most 300 bytes. The caller redacts it.
std::string provider_error_message(std::string_view body);

}  // namespace nextra::llm
