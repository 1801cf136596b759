#pragma once
// English → flow: POST /api/flows/generate {description} asks the server's own LLM gateway
// (ApiServices::generator_llm, from `nextra serve --llm-config`) for an organism.yaml,
// validates each answer with the engine's checks (check_flow_yaml, as a flow save does) and
// sends the validator's messages back in the same conversation for a repair, at most
// kGenerateAttempts answers in all. The answer is a proposal: nothing is saved or started
// (docs/llm.md, "English → flow").
//
// The gateway calls back on its own workers, so the HTTP server's io threads never wait for
// the model: the route answers with a deferred response that the last callback completes.

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/services.h"
#include "core/result.h"
#include "flow/organism.h"
#include "http/router.h"
#include "llm/gateway.h"
#include "net/http_client.h"

namespace nextra::api {

inline constexpr int kGenerateAttempts = 3;
inline constexpr std::size_t kMaxGenerateDescriptionChars = 4000;  // code points

void add_generate_routes(http::Router& router, ApiServices& services);

// The generator's gateway from `file`, a YAML file holding an `llm:` section in exactly the
// flow format (docs/llm.md), keys from `api_key_env` or a literal `api_key`. Calls go through
// `http` (the administrator's allowlist applies); the usage sink is empty. Errors are
// InvalidArgument with field "llm-config" and the message naming FILE:LINE:COL: the file
// cannot be read or holds no `llm:` mapping, the section is invalid, it sets no
// `default_model`, it uses ${secret:NAME} (no organization's secrets apply to the server), or
// an `api_key_env` variable is not set.
Result<std::shared_ptr<llm::Gateway>> make_generator_gateway(const std::filesystem::path& file,
                                                             std::shared_ptr<net::HttpClient> http,
                                                             store::Store* store);

// The system prompt: the organism.yaml reference, condensed, and one complete example.
const std::string& generation_system_prompt();
// The example flow inside the prompt (it must validate; a test checks).
const std::string& generation_example_yaml();

// The YAML in a model's answer: the first ```yaml (or ```yml) block, else the first fenced
// block, else the whole answer; trimmed. An unclosed fence runs to the end.
std::string extract_yaml(std::string_view answer);

// The canvas state the web UI stores with a flow (what POST /api/flows takes as
// canvasState): {nodes: [{id, type, position: {x, y}}], edges: [{id, source, target, kind}],
// viewport}. Triggers are nodes "trigger:<name>"; the layout is the UI's own layered one
// (web/src/features/canvas/layout.ts): triggers in column 0, every other node one column
// right of its furthest predecessor.
nlohmann::json canvas_for(const flow::OrganismSpec& spec);

}  // namespace nextra::api
