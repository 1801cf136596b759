#pragma once
// Reading JSON request bodies with errors a client can act on: a syntax error names its line
// and column, a wrong or missing field names the field. Every text field has a length cap,
// so no single value can be larger than the API means it to be.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "http/request.h"

namespace nextra::api {

// The body as a JSON object. An empty body is InvalidArgument unless `allow_empty` (then {}).
// A Content-Type other than application/json (when present) is InvalidArgument.
Result<nlohmann::json> parse_json_object(const http::Request& request, bool allow_empty = false);

// Field readers. Missing required fields and wrong types are InvalidArgument with
// Error::field set; strings longer than max_bytes are InvalidArgument too.
Result<std::string> required_string(const nlohmann::json& body, const char* field,
                                    std::size_t max_bytes);
Result<std::optional<std::string>> optional_string(const nlohmann::json& body, const char* field,
                                                   std::size_t max_bytes);
Result<std::optional<std::int64_t>> optional_integer(const nlohmann::json& body, const char* field);

// Paging from ?page=1&pageSize=20 (page >= 1, 1 <= pageSize <= 100).
struct Paging {
  std::int64_t page = 1;
  std::int64_t page_size = 20;
  std::int64_t offset() const { return (page - 1) * page_size; }
};
Result<Paging> paging_from_query(const http::Request& request);

// A positive integer path or query parameter.
Result<std::int64_t> positive_integer(std::string_view text, const char* field);

}  // namespace nextra::api
