#include "api/multipart.h"

#include <algorithm>
#include <cctype>

namespace nextra::api {
namespace {

Error bad(const std::string& message) {
  Error e = Error::invalid(message);
  e.field = "body";
  return e;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The value of `key` in a header like `form-data; name="file"; filename="a.wasm"`.
std::optional<std::string> param(std::string_view header, std::string_view key) {
  std::size_t pos = 0;
  while (pos < header.size()) {
    std::size_t semi = header.find(';', pos);
    std::string_view item = trim(header.substr(pos, semi == std::string_view::npos ? std::string_view::npos : semi - pos));
    pos = semi == std::string_view::npos ? header.size() : semi + 1;
    std::size_t eq = item.find('=');
    if (eq == std::string_view::npos || lower(trim(item.substr(0, eq))) != key) continue;
    std::string_view v = trim(item.substr(eq + 1));
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    return std::string(v);
  }
  return std::nullopt;
}

}  // namespace

Result<std::vector<FormPart>> parse_multipart(std::string_view content_type, std::string_view body,
                                              std::size_t max_parts) {
  auto boundary = param(content_type, "boundary");
  if (!boundary || boundary->empty() || boundary->size() > 200) return bad("multipart body without a boundary");
  const std::string delimiter = "--" + *boundary;
  std::size_t pos = body.find(delimiter);
  if (pos == std::string_view::npos) return bad("multipart body without its boundary");
  std::vector<FormPart> parts;
  while (true) {
    pos += delimiter.size();
    if (body.substr(pos, 2) == "--") return parts;  // closing boundary
    if (body.substr(pos, 2) != "\r\n") return bad("malformed multipart boundary line");
    pos += 2;
    if (parts.size() == max_parts) return bad("more than " + std::to_string(max_parts) + " parts");
    std::size_t headers_end = body.find("\r\n\r\n", pos);
    if (headers_end == std::string_view::npos) return bad("multipart part without a blank line after its headers");
    FormPart part;
    std::string_view headers = body.substr(pos, headers_end - pos);
    std::size_t hp = 0;
    while (hp <= headers.size()) {
      std::size_t eol = headers.find("\r\n", hp);
      std::string_view line = headers.substr(hp, eol == std::string_view::npos ? std::string_view::npos : eol - hp);
      hp = eol == std::string_view::npos ? headers.size() + 1 : eol + 2;
      std::size_t colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      std::string key = lower(trim(line.substr(0, colon)));
      std::string_view value = trim(line.substr(colon + 1));
      if (key == "content-disposition") {
        part.name = param(value, "name").value_or("");
        part.filename = param(value, "filename");
      } else if (key == "content-type") {
        part.content_type = std::string(value);
      }
    }
    if (part.name.empty()) return bad("a multipart part has no name");
    const std::size_t data_start = headers_end + 4;
    std::size_t next = body.find("\r\n" + delimiter, data_start);
    if (next == std::string_view::npos) return bad("multipart body does not end with its closing boundary");
    part.data = std::string(body.substr(data_start, next - data_start));
    parts.push_back(std::move(part));
    pos = next + 2;
  }
}

const FormPart* find_part(const std::vector<FormPart>& parts, std::string_view name) {
  for (const auto& p : parts) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

}  // namespace nextra::api
