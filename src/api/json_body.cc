#include "api/json_body.h"

#include <charconv>

namespace nextra::api {
namespace {

// nlohmann reports a byte offset; clients want line and column.
void line_column_at(std::string_view text, std::size_t byte, int* line, int* column) {
  *line = 1;
  *column = 1;
  for (std::size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++*line;
      *column = 1;
    } else {
      ++*column;
    }
  }
}

Error field_error(const char* field, std::string message) {
  Error e = Error::invalid(std::move(message));
  e.field = field;
  return e;
}

}  // namespace

Result<nlohmann::json> parse_json_object(const http::Request& request, bool allow_empty) {
  if (auto type = request.header("Content-Type")) {
    auto mime = type->substr(0, type->find(';'));
    while (!mime.empty() && mime.back() == ' ') mime.remove_suffix(1);
    if (!http::iequals(mime, "application/json")) {
      return Error::invalid("the body must be application/json, not " + std::string(mime));
    }
  }
  if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    if (allow_empty) return nlohmann::json::object();
    return Error::invalid("the request needs a JSON object body");
  }
  // Depth is bounded by the body size limit; nlohmann parses iteratively enough for 1 MiB.
  nlohmann::json doc = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    // Re-parse with exceptions only on the error path, to learn where it went wrong.
    try {
      auto reparsed = nlohmann::json::parse(request.body);
      (void)reparsed;
    } catch (const nlohmann::json::parse_error& e) {
      Error err = Error::invalid("malformed JSON body");
      line_column_at(request.body, e.byte > 0 ? e.byte - 1 : 0, &err.line, &err.column);
      return err;
    }
    return Error::invalid("malformed JSON body");
  }
  if (!doc.is_object()) return Error::invalid("the body must be a JSON object");
  return doc;
}

Result<std::string> required_string(const nlohmann::json& body, const char* field,
                                    std::size_t max_bytes) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return field_error(field, std::string(field) + " is required");
  if (!it->is_string()) return field_error(field, std::string(field) + " must be a string");
  const auto& s = it->get_ref<const std::string&>();
  if (s.size() > max_bytes) {
    return field_error(field, std::string(field) + " is longer than " + std::to_string(max_bytes) + " bytes");
  }
  return s;
}

Result<std::optional<std::string>> optional_string(const nlohmann::json& body, const char* field,
                                                   std::size_t max_bytes) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return std::optional<std::string>();
  NEXTRA_ASSIGN_OR_RETURN(auto s, required_string(body, field, max_bytes));
  return std::optional<std::string>(std::move(s));
}

Result<std::optional<std::int64_t>> optional_integer(const nlohmann::json& body, const char* field) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return std::optional<std::int64_t>();
  if (!it->is_number_integer()) return field_error(field, std::string(field) + " must be an integer");
  return std::optional<std::int64_t>(it->get<std::int64_t>());
}

Result<std::int64_t> positive_integer(std::string_view text, const char* field) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v < 1) {
    return field_error(field, std::string(field) + " must be a positive integer");
  }
  return v;
}

Result<Paging> paging_from_query(const http::Request& request) {
  Paging p;
  if (auto page = request.query_param("page")) {
    NEXTRA_ASSIGN_OR_RETURN(p.page, positive_integer(*page, "page"));
    if (p.page > 1'000'000) return field_error("page", "page is too large");
  }
  if (auto size = request.query_param("pageSize")) {
    NEXTRA_ASSIGN_OR_RETURN(p.page_size, positive_integer(*size, "pageSize"));
    if (p.page_size > 100) return field_error("pageSize", "pageSize must be at most 100");
  }
  return p;
}

}  // namespace nextra::api
