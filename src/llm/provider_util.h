#pragma once
// Helpers shared by the three wire formats (internal to src/llm).

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "net/http_client.h"

namespace nextra::llm::detail {

// Parses a provider's JSON; Unavailable ("malformed response from <what>") when it is not.
Result<nlohmann::json> parse_json(std::string_view text, const char* what);

// Tool-call arguments arrive as JSON text: the parsed object, or the raw text as a JSON
// string when the model wrote something that is not an object (the caller reports that
// back to the model instead of guessing).
nlohmann::json parse_arguments(std::string_view text);

// A JSON POST with the given extra headers.
net::HttpRequest json_post(std::string url, const nlohmann::json& body, net::HeaderList headers);

// j[key] as a string when it is one, else "".
std::string str(const nlohmann::json& j, const char* key);
long long num(const nlohmann::json& j, const char* key);

}  // namespace nextra::llm::detail
