#pragma once
// The organism's `llm:` section (xml-pipeline-semantics.md §9, docs/llm.md):
//
//   llm:
//     strategy: failover          # failover | round-robin | least-loaded
//     retries: 3                  # attempts = retries + 1
//     retry_base_delay: 1.0       # seconds; backoff = min(base * 2^attempt, max) ± 25 %
//     retry_max_delay: 60.0       # also caps a Retry-After
//     timeout: 120                # seconds per attempt, default for every backend
//     default_model: gpt-4o-mini
//     max_in_flight: 16           # the flow's model calls running at once; more wait in line
//     backends:
//       - name: primary
//         provider: openai        # openai xai groq ollama vllm llamacpp openai-compatible anthropic gemini
//         base_url: https://api.openai.com/v1
//         api_key_env: OPENAI_API_KEY   # or api_key: ${secret:OPENAI}
//         models: [gpt-4o, "gpt-4o-*"]  # served models; a trailing * is a prefix
//         priority: 1             # failover: lower first
//         rate_limit_tpm: 100000  # token bucket
//         max_concurrent: 20
//         timeout: 60
//
// Parsing checks every key and value; errors name the field ("llm.backends[1].provider")
// and carry the line and column in the organism file.

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "flow/organism.h"

namespace nextra::llm {

enum class Strategy { Failover, RoundRobin, LeastLoaded };
enum class WireFormat { OpenAi, Anthropic, Gemini };

struct BackendConfig {
  std::string name;      // unique; defaults to the provider name (+ index when repeated)
  std::string provider;  // as written, lower case
  WireFormat wire = WireFormat::OpenAi;
  std::string base_url;  // without a trailing '/'
  std::string api_key;   // literal (after ${secret:} substitution); never logged
  std::string api_key_env;
  std::vector<std::string> models;  // empty: the provider's family (see serves())
  int priority = 1;
  long long rate_limit_tpm = 100000;
  int max_concurrent = 20;
  double timeout_seconds = 120;

  // Whether this backend serves `model`: listed (exactly, or by a "prefix*" pattern), or,
  // with no list, the provider's family (gpt/o1/o3/o4 for openai, grok for xai, claude for
  // anthropic, gemini for gemini; anything for local OpenAI-compatible servers).
  bool serves(std::string_view model) const;
  bool key_required() const;
};

struct LlmConfig {
  Strategy strategy = Strategy::Failover;
  int retries = 3;
  double retry_base_delay = 1.0;
  double retry_max_delay = 60.0;
  std::string default_model;
  // Calls running at once through the flow's gateway (each holds one of its worker threads
  // from start to end, waits included); further calls queue. 1..256.
  int max_in_flight = 16;
  std::vector<BackendConfig> backends;
};

// Limits: at most 32 backends, 256 models each, retries 0..10, delays 0..600 s,
// timeouts 0.1..600 s, tpm 1..10^9, max_concurrent 1..1000, max_in_flight 1..256.
Result<LlmConfig> parse_llm_config(const flow::RawSection& section);
Result<LlmConfig> parse_llm_config(std::string_view yaml);

}  // namespace nextra::llm
